#!/bin/sh
# completion.sh - the bash and zsh completions load and complete
. "$srcdir/tests/lib.sh"
BASH_COMPLETION=${BASH_COMPLETION:-/usr/share/bash-completion/bash_completion}

if ! command -v bash >/dev/null 2>&1; then
	echo "ok 1 # SKIP bash is not installed"; tap_n=1
elif [ ! -r "$BASH_COMPLETION" ]; then
	echo "ok 1 # SKIP $BASH_COMPLETION is missing"; tap_n=1
else
	# complete WORD...: the completions of the last word, one a line
	out=$(bash --norc --noprofile -c '
		. "$1" || exit 1
		. "$2" || exit 1
		porttop=$3
		complete_() {
			COMP_WORDS=("$porttop" "$@")
			COMP_CWORD=$#
			COMP_LINE="${COMP_WORDS[*]}"
			COMP_POINT=${#COMP_LINE}
			COMPREPLY=()
			_porttop "$porttop" "${COMP_WORDS[COMP_CWORD]}" \
				"${COMP_WORDS[COMP_CWORD-1]}"
			echo "$*:" "${COMPREPLY[@]}"
		}
		complete -p porttop >/dev/null || echo "no complete -F"
		complete_ --js
		complete_ -o po
		complete_ -o p
		complete_ --output port,pr
		complete_ --color=al
		complete_ --col
		complete_ --user root
		complete_ --services "$2"
	' sh "$BASH_COMPLETION" "$srcdir/completions/porttop.bash" "$PORTTOP" 2>&1)
	rc=$?
	ok $rc "bash sources bash_completion and porttop.bash"
	diag "$out"
	has() { printf '%s\n' "$out" | grep -q -- "^$1: $2\$"; }
	! printf '%s\n' "$out" | grep -q 'no complete -F'
	ok $? "porttop.bash registers a completion for porttop"
	has "--js" "--json"; ok $? "--js completes to --json"
	has "-o po" "port"; ok $? "-o po completes to the column port"
	got=$(printf '%s\n' "$out" | sed -n 's/^-o p: //p' | tr ' ' '\n' | sort |
		tr '\n' ' ')
	[ "$got" = "pid port proto " ]
	ok $? "-o p completes to pid, port and proto: $got"
	has "--output port,pr" "port,proto"; ok $? "-o completes the last of a list"
	has "--color=al" "always"; ok $? "--color=al completes to always"
	printf '%s\n' "$out" | grep -q -- '^--col: .*--color'; ok $? "--col offers --color"
	printf '%s\n' "$out" | grep -q -- '^--user root: .*root'; ok $? "--user completes user names"
	printf '%s\n' "$out" | grep -q -- "^--services .*: .*porttop.bash"
	ok $? "--services completes file names"
fi

if command -v zsh >/dev/null 2>&1; then
	err=$(zsh -n "$srcdir/completions/_porttop" 2>&1)
	ok $? "zsh -n accepts _porttop $err"
	head -n 1 "$srcdir/completions/_porttop" | grep -q '^#compdef porttop$'
	ok $? "_porttop starts with #compdef porttop"
else
	tap_n=$((tap_n + 1)); echo "ok $tap_n # SKIP zsh is not installed"
fi
done_testing

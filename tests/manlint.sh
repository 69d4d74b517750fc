#!/bin/sh
# manlint.sh - the man page must be clean under mandoc -Tlint
. "$srcdir/tests/lib.sh"
command -v mandoc >/dev/null 2>&1 || skip_all "mandoc is not installed"
out=$(mandoc -Tlint -Wwarning "$srcdir/doc/porttop.1" 2>&1)
rc=$?
[ -n "$out" ] && diag "$out"
ok $rc "porttop.1 passes mandoc -Tlint"
# every long option that --help lists is documented
for opt in $("$PORTTOP" --help | grep -o -- '--[a-z][a-z0-9-]*' | sort -u); do
	esc=$(printf '%s' "$opt" | sed 's/-/\\\\-/g')
	grep -q -- "$esc" "$srcdir/doc/porttop.1"
	ok $? "man page documents $opt"
done
# every exit status of the man page's EXIT STATUS is in --help's last
# block, and so is what the status means for --why
help=$("$PORTTOP" --help | sed -n '/^Exit status:/,$p')
for st in $(sed -n '/^\.SH EXIT STATUS/,/^\.SH /{/^\.TP/{n;s/^\.B \([0-9]\)$/\1/p}}' \
	"$srcdir/doc/porttop.1"); do
	printf '%s\n' "$help" | grep -Eq "(^|[:,.] )$st [a-z]"
	ok $? "--help explains exit status $st"
done
printf '%s\n' "$help" | grep -q -- "--why: 0 a new server could bind"
ok $? "--help explains the exit status of --why"
# every key of the live view (its help screen's names, src/tui_layout.c)
# is in the man page's list of keys
mankeys=$(sed -n '/^Keys:$/,/^\.SH /{/^\.TP$/{n;p}}' "$srcdir/doc/porttop.1" |
	sed 's/^\.BR* //; s/", "/ /g; s/\\e/\\/g; s/\\-/-/g' | tr -s ' ' '\n')
set -f
for k in $(sed -n 's/.*, "\([^"]*\)",$/\1/p; s/.*, "\([^"]*\)", N_(.*/\1/p' \
	"$srcdir/src/tui_layout.c" | sed 's/\\\\/\\/g' | tr ' ' '\n' | sort -u); do
	printf '%s\n' "$mankeys" | grep -qxF -- "$k"
	ok $? "man page lists the live view's key '$k'"
done
set +f
# a gone listener is marked at the first refresh that misses it (the
# CONSISTENCY section): no page may still say it takes two dumps
! grep -Eiq 'two (netlink )?dumps in a row|after two dumps' \
	"$srcdir/doc/porttop.1" "$srcdir/README.md"
ok $? "man page and README agree on when a gone listener is marked"
done_testing

# lib-tmux.sh - for the tests that drive the live view in tmux (tui.sh,
# live-faults.sh): source it after lib.sh, then call tmux_setup first
# shellcheck shell=sh

# tmux_setup NAME "$@": outside, skip without tmux or its terminfo entry,
# run the calling script again with --inner in a network namespace of its
# own and exit with its status. Inside, make PORTTOP and HELPER absolute,
# make a work directory $work and a tmux server of its own, $T (named after
# NAME), with a session that stays; on exit, end the server, close fds 4 to
# 7 (the inputs of the helpers, so that they end), wait, remove $work.
tmux_setup() {
	name=$1
	shift
	if [ "$1" != --inner ]; then
		command -v tmux >/dev/null 2>&1 || skip_all "tmux is not installed"
		infocmp tmux-256color >/dev/null 2>&1 ||
			skip_all "no terminfo entry for tmux-256color (ncurses-base)"
		netns_or_skip
		in_netns sh "$0" --inner
		exit $?
	fi
	PORTTOP=$(cd "$(dirname "$PORTTOP")" && pwd)/$(basename "$PORTTOP")
	HELPER=$(cd "$(dirname "$HELPER")" && pwd)/$(basename "$HELPER")
	work=$(mktemp -d "${TMPDIR:-/tmp}/porttop-$name.XXXXXX") || exit 99
	TMUX_TMPDIR=$work/tmux
	mkdir "$TMUX_TMPDIR"
	export TMUX_TMPDIR
	T="tmux -L porttop-$name -f /dev/null"
	# a session that stays, so that killing the test's session never takes
	# the server down while the next one is being created
	$T new-session -d -s keep "sleep 600"
	trap '$T kill-server 2>/dev/null; exec 4>&- 5>&- 6>&- 7>&-; wait; rm -rf "$work"' EXIT
}

# screen: what the pane of session t shows now
screen() { $T capture-pane -p -t t; }

# okd STATUS DESCRIPTION: ok, showing the screen when it failed
okd() {
	[ "$1" -eq 0 ] || diag "$(screen)"
	ok "$@"
}

# wait_for REGEX [TENTHS]: until the screen shows REGEX
wait_for() {
	n=${2:-150}
	while [ "$n" -gt 0 ]; do
		screen | grep -Eq -- "$1" && return 0
		sleep 0.1
		n=$((n - 1))
	done
	return 1
}

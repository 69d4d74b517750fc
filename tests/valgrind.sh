#!/bin/sh
# valgrind.sh - memcheck over the dump, the JSON of every namespace, and a
# few hundred refreshes of the live view, under process churn; any error or
# leak fails. Run by `make valgrind` (it takes a minute or two).
. "$srcdir/tests/lib.sh"

need valgrind script
inner_netns "$1"

work=$(mktemp -d "${TMPDIR:-/tmp}/porttop-vg.XXXXXX") || exit 99
cleanup() {
	[ -n "${churn:-}" ] && kill "$churn" 2>/dev/null
	exec 3>&-
	wait
	rm -rf "$work"
}
trap cleanup EXIT
mkfifo "$work/in"
"$HELPER" -f 2 tcp/127.0.0.1/0 udp/::/0/dual <"$work/in" >/dev/null &
exec 3>"$work/in"
(
	while :; do
		"$HELPER" tcp/127.0.0.1/0 </dev/null >/dev/null &
		sleep 0.05
	done
) &
churn=$!
vg="valgrind -q --error-exitcode=99 --leak-check=full --show-leak-kinds=definite,indirect,possible --errors-for-leak-kinds=definite,indirect,possible"
$vg "$PORTTOP" -b >/dev/null 2>"$work/dump.log"
ok $? "the dump is clean under memcheck"
[ -s "$work/dump.log" ] && diag "$(cat "$work/dump.log")"
$vg "$PORTTOP" --json -N >/dev/null 2>"$work/json.log"
ok $? "the JSON of every namespace is clean under memcheck"
[ -s "$work/json.log" ] && diag "$(cat "$work/json.log")"
TERM=xterm-256color LANG=C.UTF-8 script -qfec \
	"$vg --log-file='$work/live.log' '$PORTTOP' --live -d 0.1 -n ${PORTTOP_VG_ITERATIONS:-300}" \
	/dev/null </dev/null >/dev/null 2>&1
ok $? "${PORTTOP_VG_ITERATIONS:-300} live refreshes are clean under memcheck"
[ ! -s "$work/live.log" ]; ok $? "and memcheck said nothing"
[ -s "$work/live.log" ] && diag "$(cat "$work/live.log")"
done_testing

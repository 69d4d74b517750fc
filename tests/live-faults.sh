#!/bin/sh
# live-faults.sh - the live view when refreshes fail (PORTTOP_FAULT, see
# HACKING.md): it keeps the last good table, marks it stale with the error
# and since when, recovers by itself, and a stray reply or a missing
# protocol does not poison it; driven in tmux in a namespace of its own
. "$srcdir/tests/lib.sh"
. "$srcdir/tests/lib-tmux.sh"

tmux_setup livef "$@"
# start FAULT ARGS...: porttop in a fresh session with PORTTOP_FAULT=FAULT
start() {
	fault=$1
	shift
	$T kill-session -t t 2>/dev/null
	$T new-session -d -s t -x 160 -y 20 \
		"exec env LANG=C.UTF-8 TERM=tmux-256color PORTTOP_FAULT=$fault \"$PORTTOP\" $*"
}

mkfifo "$work/in"
"$HELPER" tcp/127.0.0.1/0 udp/127.0.0.1/0 <"$work/in" >"$work/out" &
exec 4>"$work/in"
wait_ready "$work/out"
pt=$(awk '$1 == "sock" && $2 == "tcp" { print $4 }' "$work/out")
pu=$(awk '$1 == "sock" && $2 == "udp" { print $4 }' "$work/out")

# reads 40 to 69 fail: the first refreshes work, then about 30 fail in a
# row (EIO is not retried: one read each), then they work again
start 'recv:40-69:EIO' --live -d 0.1
wait_for "tcp4 +127\.0\.0\.1 +$pt "
okd $? "the live view lists the listener before the failures"
wait_for "STALE since [0-9]{2}:[0-9]{2}:[0-9]{2}: cannot list tcp sockets: Input/output error" 100
okd $? "a failed refresh marks the table stale, with the error and its time"
screen | grep -Eq "tcp4 +127\.0\.0\.1 +$pt " && screen | grep -Eq "udp4 +127\.0\.0\.1 +$pu "
okd $? "the stale table keeps the last good data"
screen | grep -q 'no listener'
[ $? -ne 0 ]; okd $? "and never says there is no listener"
n=150
while [ $n -gt 0 ] && screen | grep -q STALE; do
	sleep 0.1
	n=$((n - 1))
done
screen | grep -q STALE
[ $? -ne 0 ]; okd $? "the view recovers by itself"
screen | grep -Eq "^ tcp4 +127\.0\.0\.1 +$pt "
okd $? "after recovery the listener is there, not marked gone"
$T send-keys -t t e
wait_for 'appeared|gone|No events|no events' 30
screen | grep -Eq "gone +tcp4 127\.0\.0\.1:$pt "
[ $? -ne 0 ]; okd $? "the failures logged no false 'gone'"

# a real failed read (strace -e inject): ENOBUFS in a later refresh is
# retried on a fresh socket; it neither fails the refresh nor leaves the
# socket out of step ("Protocol error" on every refresh after it)
# LeakSanitizer cannot work under ptrace: no leak check for the traced run
notrace_lsan="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"
if command -v strace >/dev/null 2>&1 &&
	strace -f -o /dev/null -e trace=none true 2>/dev/null; then
	$T kill-session -t t 2>/dev/null
	$T new-session -d -s t -x 160 -y 20 \
		"exec env ASAN_OPTIONS='$notrace_lsan' LANG=C.UTF-8 TERM=tmux-256color strace -f -qq -o /dev/null -e trace=recvfrom -e inject=recvfrom:error=ENOBUFS:when=25 \"$PORTTOP\" --live -d 0.1 -n 600"
	wait_for "tcp4 +127\.0\.0\.1 +$pt "
	okd $? "live under strace: the listener is listed"
	sleep 3
	screen | grep -Eq 'STALE|Protocol error|No buffer space'
	[ $? -ne 0 ]; okd $? "live: an ENOBUFS read is retried, no refresh fails and none after it"
	screen | grep -Eq "^ tcp4 +127\.0\.0\.1 +$pt "
	okd $? "live: the listener is still there, not marked gone"
	# a tracee can outlive its strace when the session ends: end it first
	spid=$($T list-panes -t t -F '#{pane_pid}' 2>/dev/null)
	[ -n "$spid" ] && pkill -TERM -P "$spid" 2>/dev/null
	$T kill-session -t t 2>/dev/null
else
	ok 0 "# SKIP strace cannot trace here"
	ok 0 "# SKIP strace cannot trace here"
	ok 0 "# SKIP strace cannot trace here"
fi

# stray replies (wrong sequence number) on four reads in a row: each is
# retried on a fresh socket, never shown as an error. Four, not five: a
# dump is tried five times (DUMP_RETRIES), and when the first faulty read
# starts a dump, a fifth stray reply in a row fails that table, rightly;
# where read 40 falls depends on how many reads the earlier refreshes took
start 'recv:40-43:SEQ' --live -d 0.1
wait_for "tcp4 +127\.0\.0\.1 +$pt "
okd $? "live, stray replies: the listener is listed"
sleep 1.5
screen | grep -Eq 'STALE|Protocol error'
[ $? -ne 0 ]; okd $? "live, stray replies: no refresh failed (resynchronised)"

# udp_diag missing: TCP listed, the title says what is missing
start 'udp:ENOENT' --live -d 0.1
wait_for "tcp4 +127\.0\.0\.1 +$pt "
okd $? "live, udp_diag missing: the TCP listener is listed"
screen | head -1 | grep -q 'PARTIAL: UDP sockets unavailable: udp_diag'
okd $? "live, udp_diag missing: the title says UDP is unavailable"
done_testing

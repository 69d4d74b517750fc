#!/bin/sh
# soak.sh - the live view refreshing every 100 ms under process and
# listener churn: resident memory must stop growing (less than 1 MiB after
# the first sixth of the run) and the number of open fds must stay the same.
# make check runs a short version; `make soak` runs ten minutes
# (PORTTOP_SOAK_SECONDS).
. "$srcdir/tests/lib.sh"

secs=${PORTTOP_SOAK_SECONDS:-12}
# an absolute path, so that the view found below is this test's own
PORTTOP=$(cd "$(dirname "$PORTTOP")" && pwd)/$(basename "$PORTTOP")
need script
# its own pid namespace where some process cannot be read (lib.sh): the
# owner scan then reads only this test's processes, not the whole host's
# coming and going, which would grow its caches without any leak
inner_ns "$1"

work=$(mktemp -d "${TMPDIR:-/tmp}/porttop-soak.XXXXXX") || exit 99
cleanup() {
	[ -n "${churn:-}" ] && kill "$churn" 2>/dev/null
	[ -n "${view:-}" ] && kill "$view" 2>/dev/null
	exec 3>&-
	wait
	rm -rf "$work"
}
trap cleanup EXIT
mkfifo "$work/in"
"$HELPER" -f 3 tcp/127.0.0.1/0 tcp/::/0/dual udp/0.0.0.0/0 <"$work/in" >/dev/null &
exec 3>"$work/in"

# churn: processes that come and go, some with listeners
(
	i=0
	while :; do
		i=$((i + 1))
		"$HELPER" tcp/127.0.0.1/0 udp/::1/0 </dev/null >/dev/null &
		sh -c ':' &
		sleep 0.05
		[ $((i % 10)) -eq 0 ] && wait
	done
) &
churn=$!

# the real live view on a pseudo-terminal (script), 100 ms refreshes
iters=$((secs * 10 + 50))
TERM=xterm-256color LANG=C.UTF-8 script -qfec \
	"'$PORTTOP' --live -d 0.1 -n $iters" /dev/null </dev/null >/dev/null 2>&1 &
view=$!
pid=
n=0
while [ -z "$pid" ] && [ $n -lt 50 ]; do
	# the full path: other builds' soak tests may run at the same time
	pid=$(pgrep -n -f -x -- "$PORTTOP --live -d 0.1 -n $iters" | head -1)
	[ -n "$pid" ] && [ "$(cat /proc/"$pid"/comm 2>/dev/null)" != porttop ] && pid=
	sleep 0.1
	n=$((n + 1))
done
[ -n "$pid" ]; ok $? "the live view runs on a pseudo-terminal"
[ -n "$pid" ] || { done_testing; exit 1; }

rss() { awk '/^VmRSS/ {print $2}' /proc/"$pid"/status 2>/dev/null; }
fds() { ls /proc/"$pid"/fd 2>/dev/null | wc -l; }
# the fewest fds over a second: a refresh in flight holds a few more for a
# moment (more so on a loaded machine); a leak keeps even the fewest up
settled_fds() {
	sf=$(fds)
	for _ in 1 2 3 4 5; do
		sleep 0.2
		sf_n=$(fds)
		[ -n "$sf_n" ] && [ "$sf_n" -lt "$sf" ] && sf=$sf_n
	done
	echo "$sf"
}
warm=$((secs / 6 + 1))
sleep "$warm"
rss0=$(rss)
fds0=$(settled_fds)
maxfds=$fds0
left=$((secs - warm))
while [ $left -gt 0 ] && kill -0 "$pid" 2>/dev/null; do
	sleep 1
	left=$((left - 1))
	f=$(fds)
	[ -n "$f" ] && [ "$f" -gt "$maxfds" ] && maxfds=$f
done
rss1=$(rss)
fds1=$(settled_fds)
kill -0 "$pid" 2>/dev/null; ok $? "still running after $secs s of churn"
diag "rss ${rss0:-?} -> ${rss1:-?} KiB, fds $fds0 -> $fds1 (max $maxfds)"
if ldd "$PORTTOP" 2>/dev/null | grep -q libasan; then
	# ASan keeps freed memory in quarantine: RSS says nothing here
	ok 0 "# SKIP resident memory under AddressSanitizer (${rss0:-?} -> ${rss1:-?} KiB)"
else
	[ -n "$rss1" ] && [ $((rss1 - rss0)) -lt 1024 ]
	ok $? "resident memory grew by less than 1 MiB after the warm-up (${rss0:-?} -> ${rss1:-?} KiB)"
fi
[ "$fds1" = "$fds0" ] && [ "$maxfds" -le $((fds0 + 8)) ]
ok $? "open fds stay the same ($fds0 -> $fds1, at most $maxfds while refreshing)"
kill "$churn" 2>/dev/null
churn=
# a refresh takes longer than its 100 ms delay under load: allow for it
limit=$(( (secs / 2 + 30) * 10 ))
n=0
while kill -0 "$pid" 2>/dev/null && [ $n -lt $limit ]; do
	sleep 0.1
	n=$((n + 1))
done
! kill -0 "$pid" 2>/dev/null; ok $? "--iterations ends it by itself"
wait "$view"
ok $? "and it exits 0"
view=
done_testing

#!/bin/sh
# hostile.sh - a hostile environment: few fds, a huge command line, a junk
# services file, odd locales, no TERM, set-uid; and what porttop never does
# (strace): no network socket but netlink, no program run, nothing read
# from the current directory
. "$srcdir/tests/lib.sh"

need jq
inner_netns "$1"

work=$(mktemp -d "${TMPDIR:-/tmp}/porttop-hostile.XXXXXX") || exit 99
trap 'exec 3>&-; wait; rm -rf "$work"' EXIT
mkfifo "$work/in"
# a command line of about 2 MiB: 20 arguments of 100 KiB
pad=$(head -c 102400 /dev/zero | tr '\0' 'A')
set --
for i in $(seq 1 20); do set -- "$@" "$pad"; done
# (ARG_MAX is a quarter of the stack limit: make room for 2 MiB)
(ulimit -s 65536 2>/dev/null; exec "$HELPER" -n "$(printf 'x\033[2Jy')" \
	tcp/127.0.0.1/0 udp/127.0.0.1/0 PADDING "$@") <"$work/in" >"$work/h" 2>"$work/h.err" &
set --
exec 3>"$work/in"
wait_ready "$work/h"
port=$(awk '/^sock tcp/ {print $4}' "$work/h")

# a 2 MiB command line: cut at 256 KiB, said so, one line, bounded memory
"$PORTTOP" --json >"$work/j"; ok $? "porttop --json with a 2 MiB command line"
jqt "$work/j" 'all(.[]; .owners[0].cmdline_truncated)'
ok $? "the command line is marked truncated"
"$PORTTOP" -b --no-header >"$work/t"
[ "$(wc -l <"$work/t")" -eq 2 ]; ok $? "still one line per socket"
grep -q '\\x1b\[2J' "$work/t" && ! grep -q "$(printf '\033')" "$work/t"
ok $? "the name's escape sequence is shown escaped, never raw"
rss=$(/usr/bin/env sh -c '"$0" -b >/dev/null & p=$!; m=0; while kill -0 $p 2>/dev/null; do r=$(awk "/VmHWM/ {print \$2}" /proc/$p/status 2>/dev/null); [ -n "$r" ] && [ "$r" -gt "$m" ] && m=$r; sleep 0.01; done; echo $m' "$PORTTOP")
[ "${rss:-0}" -lt 65536 ]; ok $? "peak memory stays small (${rss:-?} KiB)"

# a tiny RLIMIT_NOFILE: no crash, and a clear word if it cannot work
out=$(sh -c 'ulimit -n 5; exec "$0" -b' "$PORTTOP" 2>&1); rc=$?
[ $rc -eq 0 ] || [ $rc -eq 2 ]; ok $? "ulimit -n 5: exit 0 or 2, no crash (rc $rc)"
[ $rc -eq 0 ] || [ "$(printf '%s\n' "$out" | grep -c '^porttop: ')" -ge 1 ]
ok $? "ulimit -n 5: if it fails, it says why"
out=$(sh -c 'ulimit -n 7; exec "$0" -b' "$PORTTOP" 2>&1); rc=$?
[ $rc -eq 0 ] || [ $rc -eq 2 ]; ok $? "ulimit -n 7: exit 0 or 2, no crash (rc $rc)"

# a soft RLIMIT_NOFILE below the hard one is raised (to at most 65,536):
# a refresh keeps two files open for each holder
hard=$(ulimit -Hn)
[ "$hard" = unlimited ] && hard=1048576
want=$((hard < 65536 ? hard : 65536))
if [ "$hard" -le 64 ]; then
	ok 0 "# SKIP the soft RLIMIT_NOFILE raised: the hard limit is only $hard"
else
	(ulimit -Sn 64; exec "$PORTTOP" -b -n 3 -d 1) >/dev/null 2>&1 &
	pt=$!
	sleep 0.5
	soft=$(awk '/^Max open files/ {print $4}' "/proc/$pt/limits" 2>/dev/null)
	wait "$pt"; rc=$?
	[ "$soft" = "$want" ] && [ $rc -eq 0 ]
	ok $? "a soft RLIMIT_NOFILE of 64 is raised to $want (got ${soft:-?}, rc $rc)"
fi

# a services file of 10,000 lines with binary junk
head -c 400000 /dev/urandom | tr '\n' 'x' | fold -w 40 >"$work/services"
printf '\nmine %s/tcp # the one good line\n' "$port" >>"$work/services"
head -c 100000 /dev/urandom >>"$work/services"
fds_unreadable
"$PORTTOP" --services "$work/services" "$port" >"$work/s" 2>"$work/s.err"
[ $? -eq "$(asked_rc)" ]; ok $? "a junk services file is survived"
grep -q "service .*mine - the one good line" "$work/s"; ok $? "and its good line is used"
"$PORTTOP" --json --services "$work/services" >"$work/sj"
python3 -c 'import json,sys; json.load(open(sys.argv[1], encoding="utf-8"))' "$work/sj"
ok $? "JSON stays strict UTF-8 with junk service names around"

# locales and terminals
LANG=C LC_ALL=C "$PORTTOP" -b >/dev/null; ok $? "LANG=C works"
out=$(LANG=xx_YY.UTF-8 LC_ALL=xx_YY.UTF-8 "$PORTTOP" -b 2>&1); ok $? "an invalid locale works"
env -u TERM "$PORTTOP" -b >/dev/null; ok $? "no TERM works"
env -u TERM "$PORTTOP" --live </dev/null 2>"$work/live.err" | grep -q "$port"
ok $? "no TERM and no tty: the live view falls back to the table"
grep -q 'printing the table instead' "$work/live.err"; ok $? "with a note"

# refuses set-uid
if id nobody >/dev/null 2>&1 && command -v setpriv >/dev/null 2>&1; then
	mkdir "$work/suid" && chmod 755 "$work" "$work/suid"
	cp "$PORTTOP" "$work/suid/porttop" && chmod 4755 "$work/suid/porttop"
	out=$(setpriv --reuid=65534 --regid=65534 --clear-groups "$work/suid/porttop" -b 2>&1); rc=$?
	if [ $rc -eq 2 ] && echo "$out" | grep -q 'set-uid'; then
		ok 0 "a set-uid copy refuses to run"
	elif mount | grep -q " $(df --output=target "$work" | tail -1) .*nosuid"; then
		ok 0 "# SKIP $work is mounted nosuid"
	else
		ok 1 "a set-uid copy refuses to run (rc $rc: $out)"
	fi
fi

# what porttop never does
if command -v strace >/dev/null 2>&1; then
	mkdir -p "$work/cwd"
	abs=$(cd "$(dirname "$PORTTOP")" && pwd)/$(basename "$PORTTOP")
	# LeakSanitizer cannot run under ptrace: off for this one run
	(cd "$work/cwd" && ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" strace -f -qq -e trace=socket,connect,execve,execveat,openat,open \
		-o "$work/trace" "$abs" -b -N >/dev/null 2>&1)
	! grep -E 'socket\((AF_INET|AF_INET6|AF_PACKET|PF_INET)' "$work/trace" >/dev/null
	ok $? "no network socket but netlink (strace)"
	grep -c 'socket(AF_NETLINK' "$work/trace" | grep -qv '^0$'
	ok $? "the netlink socket is there"
	[ "$(grep -c 'execve' "$work/trace")" -eq 1 ]; ok $? "no program is executed"
	! grep -E 'open(at)?\((AT_FDCWD, )?"[^/]' "$work/trace" >/dev/null
	ok $? "nothing is opened relative to the current directory"
	! grep -qE 'connect\(.*(sin_port|sin6_port)' "$work/trace"
	ok $? "no name resolution or network connection"
else
	ok 0 "# SKIP strace is not installed"
fi
done_testing

#!/bin/sh
# faults.sh - one failed netlink read does not end or poison everything:
# real failed reads (strace -e inject) and the collector's test hook
# (PORTTOP_FAULT, see HACKING.md) in one-shot and -n modes, in a network
# namespace of this test's own
. "$srcdir/tests/lib.sh"

need strace
inner_netns "$1"
strace -f -o /dev/null -e trace=none true 2>/dev/null ||
	skip_all "strace cannot trace here (ptrace refused)"

work=$(mktemp -d "${TMPDIR:-/tmp}/porttop-faults.XXXXXX") || exit 99
trap 'exec 3>&-; wait; rm -rf "$work"' EXIT
mkfifo "$work/in"
"$HELPER" tcp/127.0.0.1/0 tcp/::1/0 udp/127.0.0.1/0 udp/::1/0 \
	<"$work/in" >"$work/helper" &
exec 3>"$work/in"
wait_ready "$work/helper"
grep -E '^sock (tcp|udp) ' "$work/helper" | awk '{print $5}' | sort -n >"$work/want"
grep -E '^sock tcp ' "$work/helper" | awk '{print $5}' | sort -n >"$work/want-tcp"

# inodes FILE: the inodes of a -o inode table, sorted
inodes() {
	grep -E '^[0-9]+$' "$1" | sort -n
}
# every table of a -b -n FILE (tables are separated by a blank line) holds
# exactly the wanted inodes; prints the number of tables
tables_complete() {
	awk -v want="$2" '
		BEGIN { while ((getline l < want) > 0) w[l] = 1; nw = length(w) }
		/^$/ { check(); next }
		/^[0-9]+$/ { seen[$1] = 1; n++ }
		END { check(); print t; exit bad }
		function check() {
			t++
			for (k in w) if (!(k in seen)) bad = 1
			if (n != nw) bad = 1
			delete seen; n = 0
		}' "$1"
}
# LeakSanitizer cannot work under ptrace: a sanitizer build leaves leak
# checks to the runs that are not traced
notrace_lsan="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"
inject() {	# inject WHEN ERRNO PORTTOP-ARGS...: fail the WHEN-th read
	when=$1 err=$2
	shift 2
	ASAN_OPTIONS=$notrace_lsan strace -f -qq -o /dev/null -e trace=recvfrom \
		-e inject=recvfrom:error="$err":when="$when" "$PORTTOP" "$@"
}

# --- one-shot: the kernel's "you were too slow" on the first dump
inject 2 ENOBUFS -b --no-header -o inode >"$work/out" 2>"$work/err"
rc=$?
ok $rc "one-shot: a read failing with ENOBUFS is retried (rc $rc: $(cat "$work/err"))"
inodes "$work/out" | cmp -s - "$work/want"
ok $? "one-shot: after ENOBUFS every listener is listed"
inject 2..6 EINTR -b --no-header -o inode >"$work/out" 2>"$work/err"
rc=$?
inodes "$work/out" | cmp -s - "$work/want"
ok $(( rc + $? )) "one-shot: reads cut by signals are redone (rc $rc)"

# the hook is live: a read that always fails is an error, not a hang
PORTTOP_FAULT=recv:1+:EIO "$PORTTOP" -b >"$work/out" 2>"$work/err"
rc=$?
[ $rc -eq 2 ] && grep -q 'cannot list tcp sockets: Input/output error' "$work/err"
ok $? "PORTTOP_FAULT=recv:1+:EIO: exit 2 with the error (rc $rc: $(cat "$work/err"))"
PORTTOP_FAULT=bogus "$PORTTOP" -b >/dev/null 2>&1
[ $? -eq 2 ]; ok $? "a malformed PORTTOP_FAULT is refused"

# a dump that came back with NLM_F_DUMP_INTR is redone: one dump more
sends() {	# sends PORTTOP-ARGS...: the number of netlink requests sent
	ASAN_OPTIONS=$notrace_lsan strace -f -qq -o "$work/trace" -e trace=sendto "$PORTTOP" "$@" >/dev/null 2>&1
	grep -c 'sendto(' "$work/trace"
}
base=$(sends -b)
intr=$(PORTTOP_FAULT=recv:1:DUMP_INTR sends -b)
[ "$intr" -eq $((base + 1)) ]
ok $? "one-shot: an interrupted dump is redone ($base requests, $intr with DUMP_INTR)"
PORTTOP_FAULT=recv:1+:DUMP_INTR "$PORTTOP" -b --no-header -o inode >"$work/out" 2>"$work/err"
rc=$?
inodes "$work/out" | cmp -s - "$work/want"
ok $(( rc + $? )) "one-shot: a table interrupted at every try still lists every listener (rc $rc)"

# a refresh whose first dump of a table finds exactly the last result
# takes it: -n 3 on quiet tables is 8 requests, then 4 and 4
quiet=$(sends -b -n 3 -d 0.1)
[ "$quiet" -eq $((base + base / 2 + base / 2)) ]
ok $? "-n 3 on quiet tables: the first refresh confirms each table, later ones dump once ($quiet requests)"

# a reply with a wrong sequence number: resynchronised and redone
PORTTOP_FAULT=recv:1:SEQ "$PORTTOP" -b --no-header -o inode >"$work/out" 2>"$work/err"
rc=$?
inodes "$work/out" | cmp -s - "$work/want"
ok $(( rc + $? )) "one-shot: a stray reply (wrong sequence) is resynchronised (rc $rc: $(cat "$work/err"))"
seq=$(PORTTOP_FAULT=recv:1:SEQ sends -b)
[ "$seq" -eq $((base + 1)) ]
ok $? "one-shot: the dump after a stray reply is sent again ($seq requests)"
PORTTOP_FAULT=recv:1+:SEQ "$PORTTOP" -b >/dev/null 2>"$work/err"
rc=$?
[ $rc -eq 2 ] && grep -q 'Protocol error' "$work/err"
ok $? "one-shot: stray replies forever end in one error, bounded (rc $rc)"

# udp_diag missing (ENOENT): TCP still listed, one line, exit 3
PORTTOP_FAULT=udp:ENOENT "$PORTTOP" -b --no-header -o inode >"$work/out" 2>"$work/err"
rc=$?
[ $rc -eq 3 ]; ok $? "udp_diag missing: exit 3, partial (got $rc)"
inodes "$work/out" | cmp -s - "$work/want-tcp"
ok $? "udp_diag missing: every TCP listener is still listed"
[ "$(not_hint "$work/err" | wc -l)" -eq 1 ] &&
	grep -q '^porttop: UDP sockets unavailable: udp_diag: No such file or directory' "$work/err"
ok $? "udp_diag missing: one clear line ($(cat "$work/err"))"
PORTTOP_FAULT=udp:ENOENT "$PORTTOP" --json >"$work/json" 2>/dev/null
[ $? -eq 3 ] && jqt "$work/json" 'length == 2 and all(.[]; .proto == "tcp")'
ok $? "udp_diag missing: --json holds the TCP listeners"
PORTTOP_FAULT=tcp:ENOENT,udp:ENOENT "$PORTTOP" -b >/dev/null 2>"$work/err"
rc=$?
[ $rc -eq 2 ]; ok $? "no diag module at all: exit 2 (got $rc: $(cat "$work/err"))"

# TCP of both families comes in one dump (TCPDIAG_GETSOCK); a kernel that
# refuses it gets a dump per family, with the same listeners
tcp=$(sends -b -t)
notcp=$(PORTTOP_FAULT=tcp:EOPNOTSUPP sends -b -t)
[ "$tcp" -eq 2 ] && [ "$notcp" -eq 4 ]
ok $? "TCP listeners: one dump for both families ($tcp requests), a dump per family without it ($notcp)"
PORTTOP_FAULT=tcp:EOPNOTSUPP "$PORTTOP" -b -n 2 -d 0.1 --no-header -o inode >"$work/out" 2>"$work/err"
rc=$?
t=$(tables_complete "$work/out" "$work/want")
ok $(( rc + $? )) "-n 2: TCP a family at a time: $t tables, each complete (rc $rc)"

# --- -n: one failure neither ends the run nor poisons the next tables
inject 2 ENOBUFS -b -n 3 -d 0.1 --no-header -o inode >"$work/out" 2>"$work/err"
rc=$?
t=$(tables_complete "$work/out" "$work/want")
ok $(( rc + $? )) "-n 3: ENOBUFS on a read: $t tables, each complete (rc $rc)"
[ "$t" = 3 ]; ok $? "-n 3: three tables printed ($t)"
PORTTOP_FAULT=recv:1:SEQ "$PORTTOP" -b -n 3 -d 0.1 --no-header -o inode >"$work/out" 2>"$work/err"
rc=$?
t=$(tables_complete "$work/out" "$work/want")
ok $(( rc + $? )) "-n 3: a stray reply does not poison later tables ($t complete, rc $rc)"
PORTTOP_FAULT=recv:1+:DUMP_INTR "$PORTTOP" -b -n 2 -d 0.1 --no-header -o inode >"$work/out" 2>"$work/err"
rc=$?
t=$(tables_complete "$work/out" "$work/want")
ok $(( rc + $? )) "-n 2: interrupted dumps: $t tables, each complete (rc $rc)"
# reads 1 and 2 fail (EIO is not retried): two refreshes fail, the third
# works on a fresh socket
PORTTOP_FAULT=recv:1-2:EIO "$PORTTOP" -b -n 3 -d 0.1 --no-header -o inode >"$work/out" 2>"$work/err"
rc=$?
n=$(not_hint "$work/err" | grep -c .)
[ $rc -eq 2 ] && [ "$n" -eq 2 ] && [ "$(inodes "$work/out" | wc -l)" -eq 4 ]
ok $? "-n 3: a failed refresh is reported (exit 2) and the run goes on ($n error lines)"
tail -n 4 "$work/out" | sort -n | cmp -s - "$work/want"
ok $? "-n 3: the last table after failed ones is complete"
PORTTOP_FAULT=udp:ENOENT "$PORTTOP" -b -n 2 -d 0.1 --no-header -o inode >"$work/out" 2>"$work/err"
rc=$?
[ $rc -eq 3 ] && [ "$(tables_complete "$work/out" "$work/want-tcp")" = 2 ]
ok $? "-n 2: udp_diag missing: two tables of TCP listeners, exit 3 (rc $rc)"

done_testing

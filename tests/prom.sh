#!/bin/sh
# prom.sh - --prometheus: valid for promtool and strict to the format with a
# hostile process name, the numbers of the sockets this test opened, and
# --prometheus=FILE replaces the file atomically (a reader polling it never
# sees a part). Where the host's processes cannot all be read, in a pid
# namespace of its own, so that no owner is hidden.
. "$srcdir/tests/lib.sh"

need jq python3
inner_ns "$1"

work=$(mktemp -d "${TMPDIR:-/tmp}/porttop-prom.XXXXXX") || exit 99
trap 'exec 3>&- 4>&-; wait; rm -rf "$work"' EXIT
mkfifo "$work/in" "$work/in2"
parse="python3 $srcdir/tests/prom-parse.py"
# quotes, a backslash and a newline: what the format must escape
name=$(printf 'q"b\\s\nx')
"$HELPER" -n "$name" tcp/127.0.0.1/0 tcp/0.0.0.0/7101/reuseport \
	tcp/0.0.0.0/7101/reuseport tcp/127.0.0.2/0/backlog=3/conn=2 \
	udp/127.0.0.1/0 udp/::/0/dual <"$work/in" >"$work/helper" &
exec 3>"$work/in"
wait_ready "$work/helper"
qport=$(awk '$2 == "tcp" && $3 == "127.0.0.2" {print $4}' "$work/helper")

"$PORTTOP" --prometheus >"$work/p" 2>"$work/p.err"
ok $? "porttop --prometheus exits 0"
[ ! -s "$work/p.err" ]; ok $? "and prints nothing on stderr"
if command -v promtool >/dev/null 2>&1; then
	out=$(promtool check metrics <"$work/p" 2>&1)
	ok $? "promtool check metrics accepts it $(echo $out)"
else
	ok 0 "# SKIP promtool is not installed (Debian package prometheus)"
fi
$parse "$work/p" >"$work/s" 2>"$work/s.err"
ok $? "it follows the format strictly: escapes, one TYPE, no series twice $(cat "$work/s.err")"

grep -qF 'command="q\"b\\s\nx"' "$work/p"
ok $? "the process name is escaped as the format asks (quote, backslash, newline)"
jqt "$work/s" --arg n "$name" '[.[] | select(.name == "porttop_listener_info" and .labels.command != "")] | length == 5 and all(.labels.command == $n)'
ok $? "and reads back as the name itself in all 5 series"
jqt "$work/s" '[.[] | select(.name == "porttop_listener_info") | .labels | keys] | unique == [["activation","address","command","container","device","exposure","family","netns","owner_status","port","proto","service","unit","user"]]'
ok $? "porttop_listener_info has the documented labels"
jqt "$work/s" '[.[] | select(.name == "porttop_listener_info" and .labels.port == "7101")] | length == 1 and .[0].value == 2'
ok $? "two SO_REUSEPORT sockets with the same labels: one series of value 2"
jqt "$work/s" --arg p "$qport" '[.[] | select(.labels.port == $p) | {(.name): .value}] | add == {"porttop_listener_info": 1, "porttop_listener_accept_queue": 2, "porttop_listener_backlog": 3}'
ok $? "the listener with 2 connections waiting: accept queue 2, backlog 3"
"$PORTTOP" --json >"$work/j"
tcp=$(jq '[.[] | select(.proto == "tcp")] | length' "$work/j")
udp=$(jq '[.[] | select(.proto == "udp")] | length' "$work/j")
jqt "$work/s" --argjson t "$tcp" --argjson u "$udp" '[.[] | select(.name == "porttop_listeners") | {(.labels.proto): .value}] | add == {"tcp": $t, "udp": $u}'
ok $? "porttop_listeners by protocol: tcp $tcp, udp $udp as --json counts"
jqt "$work/s" '[.[] | select(.name == "porttop_udp_drops_total")] | length == 2 and all(.type == "counter" and .labels.proto == "udp" and .value == 0)'
ok $? "porttop_udp_drops_total: a counter for each UDP socket"
jqt "$work/s" '[.[] | select(.name == "porttop_hidden_owner_sockets")][0].value == 0'
ok $? "no owner hidden from root"
jqt "$work/s" '[.[] | select(.name == "porttop_scan_duration_seconds")][0].value | . > 0 and . < 60'
ok $? "the scan's duration is given in seconds"

jqt "$work/s" '[.[] | select(.name == "porttop_owner_scan_full_age_seconds")] | length == 1 and .[0].value == 0'
ok $? "a one-shot is a full owner scan: porttop_owner_scan_full_age_seconds 0"

# an incremental /proc refresh (forced: HACKING.md, PORTTOP_REFRESH) says
# so: -b and --json -n with a line on stderr per such refresh (the first
# refresh is a full scan), the metrics with the age of the full scan; with
# full scans at every refresh there is no mark (in a pid namespace of its
# own: on a host of many processes a full scan costs more than 5 % of
# -d 0.3, and porttop rightly refreshes incrementally)
mark='^porttop: owners: incremental refresh, full scan [0-9]+ s ago '
PORTTOP_REFRESH=incremental "$PORTTOP" --owner-scan=proc -b -n 3 -d 0.3 \
	>"$work/bn" 2>"$work/bn.err"
ok $? "-b -n 3 of incremental refreshes exits 0"
[ "$(grep -Ec "$mark" "$work/bn.err")" -eq 2 ] &&
	[ "$(grep -c '' "$work/bn.err")" -eq 2 ]
ok $? "-b -n 3: the 2 incremental refreshes say so on stderr, nothing else: $(tr "\n" " " <"$work/bn.err")"
! grep -q incremental "$work/bn"
ok $? "and the tables on stdout are as before"
PORTTOP_REFRESH=incremental "$PORTTOP" --owner-scan=proc --json -n 3 -d 0.3 \
	>"$work/jn" 2>"$work/jn.err"
[ "$(grep -Ec "$mark" "$work/jn.err")" -eq 2 ] &&
	[ "$(jq -c 'type' "$work/jn" | grep -c '"array"')" -eq 3 ]
ok $? "--json -n 3: 3 plain arrays on stdout, the 2 incremental refreshes on stderr"
if own_pidns_ok; then
	own_pidns "$PORTTOP" --owner-scan=proc -b -n 3 -d 0.3 >"$work/fn" \
		2>"$work/fn.err"
	[ $? -eq 0 ] && grep -q "$qport" "$work/fn" &&
		! grep -q incremental "$work/fn.err"
	ok $? "full scans at every refresh: no mark $(cat "$work/fn.err")"
else
	ok 0 "# SKIP full scans at every refresh: the kernel refuses a pid namespace with its own /proc"
fi
PORTTOP_REFRESH=incremental "$PORTTOP" --owner-scan=proc --prometheus -n 2 \
	-d 0.5 2>"$work/pn.err" | grep '^porttop_owner_scan_full_age_seconds ' \
	>"$work/pn"
awk 'NR == 1 && $2 == 0 { a = 1 } NR == 2 && $2 >= 0.4 && $2 < 30 { b = 1 }
	END { exit !(a && b && NR == 2) }' "$work/pn"
ok $? "--prometheus -n 2: full scan age 0, then the age of the first: $(tr "\n" " " <"$work/pn")"
[ ! -s "$work/pn.err" ]; ok $? "and no line on stderr: the gauge says it"

"$PORTTOP" -t --prometheus >"$work/pt"
$parse "$work/pt" >/dev/null
ok $? "-t --prometheus follows the format"
! grep -q 'proto="udp"' "$work/pt"
ok $? "-t: no UDP series, not even a count of 0 for what was not dumped"

# --prometheus=FILE
mkdir "$work/d"
(umask 022; "$PORTTOP" --prometheus="$work/d/porttop.prom") 2>"$work/f.err"
ok $? "--prometheus=FILE exits 0"
[ "$(ls -A "$work/d")" = porttop.prom ]
ok $? "and leaves nothing but the file in its directory"
[ "$(stat -c %a "$work/d/porttop.prom")" = 644 ]
ok $? "readable by the collector's user (mode 644 under umask 022)"
$parse "$work/d/porttop.prom" >"$work/fs" &&
	jqt "$work/fs" '[.[] | select(.name == "porttop_listener_info")] | length == 5'
ok $? "the file holds the 5 series of the 6 listeners"
out=$("$PORTTOP" --prometheus="$work/none/x.prom" 2>&1); rc=$?
[ $rc -eq 2 ] && [ "$(printf '%s\n' "$out" | wc -l)" -eq 1 ] &&
	printf '%s\n' "$out" | grep -q "cannot write $work/none/x.prom"
ok $? "a directory that does not exist: exit 2 and one line ($rc: $out)"
"$PORTTOP" --prometheus= >/dev/null 2>&1
[ $? -eq 2 ]; ok $? "--prometheus= (no file name) is a usage error"

# atomic replacement: about 150 KB rewritten 40 times while a reader polls
set --
for i in $(seq 1 300); do set -- "$@" udp/127.0.0.1/0; done
"$HELPER" "$@" <"$work/in2" >"$work/helper2" &
set --
exec 4>"$work/in2"
wait_ready "$work/helper2"
"$PORTTOP" --prometheus="$work/d/porttop.prom" -n 40 -d 0.1 &
writer=$!
python3 - "$work/d/porttop.prom" "$writer" >"$work/poll" <<'EOF'
import os, sys
path, writer = sys.argv[1], int(sys.argv[2])
reads = bad = 0
versions = set()
while os.path.exists("/proc/%d" % writer) and reads < 1000000:
    with open(path, "rb") as f:
        data = f.read()
    reads += 1
    lines = data.split(b"\n")
    if not (data.startswith(b"# HELP porttop_listener_info ") and
            len(lines) >= 2 and lines[-1] == b"" and
            lines[-2].startswith(b"porttop_scan_duration_seconds ")):
        bad += 1
    versions.add(lines[-2] if len(lines) >= 2 else b"")
print(reads, bad, len(versions))
EOF
wait $writer; rc=$?
read -r reads bad versions <"$work/poll"
ok $rc "the writer rewrote the file 40 times"
[ "${reads:-0}" -ge 100 ] && [ "${bad:-1}" -eq 0 ] && [ "${versions:-0}" -ge 10 ]
ok $? "a reader polling it never saw a part: $reads reads, $bad partial, $versions versions"
[ "$(ls -A "$work/d")" = porttop.prom ]; ok $? "no temporary file is left"

done_testing

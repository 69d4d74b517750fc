#!/bin/sh
# events.sh - the line streams: --events under a scripted sequence (start,
# hand-off, stop, queue fill, UDP drops) gives exactly the expected events,
# with filters, -n, =changes and a closed pipe; --json -n N gives N lines,
# each one JSON document
. "$srcdir/tests/lib.sh"

need jq python3
inner_netns "$1"
fds_unreadable || :

work=$(mktemp -d "${TMPDIR:-/tmp}/porttop-events.XXXXXX") || exit 99
streams=
trap 'exec 3>&- 5>&-; for p in $streams; do kill $p 2>/dev/null; done; touch "$work"/h*/stop "$work"/h*/end "$work"/h*/handoff 2>/dev/null; wait; rm -rf "$work"' EXIT
mkfifo "$work/in"
"$HELPER" tcp/127.0.0.1/0 <"$work/in" >"$work/helper" &
exec 3>"$work/in"
wait_ready "$work/helper"
base=$(awk '$1 == "sock" {print $4}' "$work/helper")
step="python3 $srcdir/tests/events-helper.py"

# --json -n 3: JSON lines
"$PORTTOP" --json -n 3 -d 0.1 >"$work/jl"; ok $? "--json -n 3 exits 0"
[ "$(wc -l <"$work/jl")" -eq 3 ]; ok $? "--json -n 3 prints 3 lines"
n=0
while IFS= read -r line; do
	printf '%s\n' "$line" | jq -e 'type == "array" and length == 1' >/dev/null &&
		n=$((n + 1))
done <"$work/jl"
[ $n -eq 3 ]; ok $? "each line is one JSON document: the array of listeners ($n of 3)"
"$PORTTOP" --json >"$work/j1"
[ "$(wc -l <"$work/j1")" -eq 3 ]; ok $? "without -n, --json keeps its one array over lines"

# the event stream, everything, and UDP only without the starting set
"$PORTTOP" --events -d 0.2 >"$work/ev" 2>"$work/ev.err" &
streams="$streams $!"
"$PORTTOP" --events=changes -u -d 0.2 >"$work/evu" 2>"$work/evu.err" &
streams="$streams $!"

# lines FILE: the events so far, as "EVENT PORT"
lines() {
	jq -r '"\(.event) \(.listener.port // "-")"' "$1" 2>/dev/null
}
# wait_lines FILE N: until FILE has N events (10 s at most)
wait_lines() {
	wl_n=0
	while [ "$(lines "$1" | wc -l)" -lt "$2" ] && [ $wl_n -lt 200 ]; do
		sleep 0.05
		wl_n=$((wl_n + 1))
	done
}
wait_file() {
	wf_n=0
	while [ ! -e "$1" ] && [ $wf_n -lt 200 ]; do
		sleep 0.05
		wf_n=$((wf_n + 1))
	done
}

wait_lines "$work/ev" 1
mkdir "$work/h1" "$work/h2" "$work/h3"
$step handoff "$work/h1" &
wait_file "$work/h1/port"; p1=$(cat "$work/h1/port")
wait_lines "$work/ev" 2		# appeared
touch "$work/h1/fork"; wait_lines "$work/ev" 3
touch "$work/h1/handoff"; wait_lines "$work/ev" 4
touch "$work/h1/stop"; wait_lines "$work/ev" 5
$step queue "$work/h2" &
wait_file "$work/h2/port"; p2=$(cat "$work/h2/port")
wait_lines "$work/ev" 6
touch "$work/h2/fill"; wait_lines "$work/ev" 7
touch "$work/h2/end"; wait_lines "$work/ev" 8
$step udp "$work/h3" &
wait_file "$work/h3/port"; p3=$(cat "$work/h3/port")
wait_lines "$work/ev" 9; wait_lines "$work/evu" 1
touch "$work/h3/drop"; wait_lines "$work/ev" 10; wait_lines "$work/evu" 2
touch "$work/h3/end"; wait_lines "$work/ev" 11; wait_lines "$work/evu" 3
sleep 1		# time for anything more to show

# a burst of drops may straddle two refreshes: merge consecutive udp-drops
# of one port, the sum of their increases is checked below
merge() { awk '!($1 == "udp-drops" && $0 == last) {print} {last = $0}'; }
lines "$work/ev" | merge >"$work/got"
cat >"$work/want" <<EOF
snapshot -
appeared $p1
holders-changed $p1
holders-changed $p1
gone $p1
appeared $p2
accept-queue-full $p2
gone $p2
appeared $p3
udp-drops $p3
gone $p3
EOF
cmp -s "$work/want" "$work/got"; rc=$?
ok $rc "start, hand-off, stop, queue fill, UDP drops: exactly the expected events"
[ $rc -eq 0 ] || diag "$(diff "$work/want" "$work/got")"
lines "$work/evu" | merge >"$work/gotu"
printf 'appeared %s\nudp-drops %s\ngone %s\n' "$p3" "$p3" "$p3" >"$work/wantu"
cmp -s "$work/wantu" "$work/gotu"; rc=$?
ok $rc "-u --events=changes: only the UDP socket's events, no starting set"
[ $rc -eq 0 ] || diag "$(diff "$work/wantu" "$work/gotu")"

jqt "$work/ev" -s --argjson b "$base" '.[0].listeners | length == 1 and .[0].port == $b'
ok $? "the first line lists the starting set: the listener opened before"
jqt "$work/ev" -s 'all(.time | test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\\.[0-9]{6}Z$"))'
ok $? "every time is RFC 3339 with microseconds"
jqt "$work/ev" -s '[.[].time] | . == sort'
ok $? "times never go back"
"$PORTTOP" --json "$base" >"$work/jb"
keys=$(jq -c '.[0] | keys' "$work/jb")
jqt "$work/ev" -s --argjson k "$keys" '[.[1:][] | .listener | keys == $k] | all'
ok $? "each event carries the listener object of --json"
hc=$(jq -c 'select(.event == "holders-changed") | [([.previous_owners[].pid] | unique), ([.listener.owners[].pid] | unique)]' "$work/ev")
parent=$(cat "$work/h1/pid")
child=$(cat "$work/h1/child")
want=$(jq -nc --argjson p "$parent" --argjson c "$child" '[[$p], ([$p, $c] | sort)], [([$p, $c] | sort), [$c]]')
[ "$hc" = "$want" ]
ok $? "hand-off: the child joins, then holds it alone: $(echo $hc)"
# where some process cannot be read, the sets are partial and still told
jqt "$work/ev" -s --arg st "$(held_status)" '[.[] | select(.event == "holders-changed") | .listener.owner_status == $st] | length == 2 and all'
ok $? "and the hand-off's listener says owner_status $(held_status)"
jqt "$work/ev" -s '[.[] | select(.event == "accept-queue-full") | .listener | .accept_queue >= .backlog and .backlog == 2] | all and length == 1'
ok $? "accept-queue-full: the queue is at its backlog of 2"
sum=$(jq -s '[.[] | select(.event == "udp-drops") | .drops_increase] | add' "$work/ev")
last=$(jq -s '[.[] | select(.event == "udp-drops")] | last | .listener.drops' "$work/ev")
[ "${sum:-0}" -gt 0 ] && [ "$sum" = "$last" ]
ok $? "udp-drops: the increases add up to the socket's drops ($sum, $last)"
if fds_unreadable; then
	[ -s "$work/ev.err" ] && only_hint "$work/ev.err"
	ok $? "the stream printed nothing on stderr but the owner hint"
else
	[ ! -s "$work/ev.err" ]; ok $? "the stream printed nothing on stderr"
fi

# -n, =changes, a closed pipe
out=$("$PORTTOP" --events -n 1 -d 0.1); rc=$?
[ $rc -eq 0 ] && [ "$(printf '%s\n' "$out" | wc -l)" -eq 1 ] &&
	printf '%s\n' "$out" | jq -e '.event == "snapshot"' >/dev/null
ok $? "--events -n 1: the starting set alone, exit 0"
out=$("$PORTTOP" --events=changes -n 3 -d 0.1); rc=$?
[ $rc -eq 0 ] && [ -z "$out" ]
ok $? "--events=changes -n 3 with nothing changing prints nothing"
"$PORTTOP" --events=all >/dev/null 2>&1
[ $? -eq 2 ]; ok $? "--events=all is a usage error"
start=$(date +%s)
{ timeout 10 "$PORTTOP" --events -d 0.2; echo $? >"$work/pipe.rc"; } | head -n 1 >/dev/null
[ "$(cat "$work/pipe.rc")" = 0 ] && [ $(($(date +%s) - start)) -lt 5 ]
ok $? "a reader that closes the pipe ends the stream with exit 0 ($(cat "$work/pipe.rc"))"
"$PORTTOP" --events -N -n 1 >"$work/evn"
# other tests' namespaces may hold the same port: only this one's counts
mine=$(stat -L -c %i /proc/self/ns/net)
jqt "$work/evn" --argjson b "$base" --argjson ns "$mine" '.listeners | map(select(.port == $b and .netns == $ns)) | length == 1'
ok $? "-N: the stream covers the namespaces, each listener with its netns"

# how the owners of a refresh were found: every line says it; an
# incremental /proc refresh (forced: HACKING.md, PORTTOP_REFRESH) is told
# with the age of the last full scan (the first refresh is a full scan)
PORTTOP_REFRESH=incremental "$PORTTOP" --owner-scan=proc --events -n 5 \
	-d 0.6 >"$work/evi" 2>"$work/evi.err" &
evi=$!
streams="$streams $evi"
wait_lines "$work/evi" 1
mkfifo "$work/in4"
"$HELPER" tcp/127.0.0.1/0 <"$work/in4" >"$work/helper4" &
exec 5>"$work/in4"
wait_ready "$work/helper4"
p4=$(awk '$1 == "sock" {print $4}' "$work/helper4")
wait "$evi"; ok $? "--events -n 5 of incremental refreshes exits 0"
exec 5>&-
jqt "$work/evi" -s '.[0] | .event == "snapshot" and .owner_scan == "full" and .full_scan_age_seconds == 0'
ok $? "the starting set comes from a full scan: owner_scan full, age 0"
jqt "$work/evi" -s --argjson p "$p4" '[.[] | select(.event == "appeared")] | length == 1 and (.[0] | .listener.port == $p and .owner_scan == "incremental" and .full_scan_age_seconds > 0 and .full_scan_age_seconds < 30 and (.listener.owners | length) > 0)'
ok $? "a listener that appeared at an incremental refresh: owner_scan incremental, the full scan's age, its holder found"
jqt "$work/ev" -s 'all(.owner_scan == "full" or .owner_scan == "incremental") and all(.full_scan_age_seconds | type == "number")'
ok $? "every line of the stream says owner_scan and full_scan_age_seconds"
only_hint "$work/evi.err"
ok $? "and nothing on stderr for it but the owner hint"

done_testing

#!/bin/sh
# query.sh - "who owns port N?", --wait, the filters, exposure, queues and
# connection counts, against real listeners in a namespace of its own
. "$srcdir/tests/lib.sh"

need jq
inner_netns "$1"

work=$(mktemp -d "${TMPDIR:-/tmp}/porttop-query.XXXXXX") || exit 99
cleanup() {
	exec 3>&- 4>&-
	[ -n "${waiter:-}" ] && kill "$waiter" 2>/dev/null
	wait
	rm -rf "$work"
}
trap cleanup EXIT
ip addr add 192.0.2.7/32 dev lo

# start_helper NAME ARGS...: a listen-helper held open on fd 3 or 4
mkfifo "$work/in1" "$work/in2"
"$HELPER" -n webby \
	tcp/0.0.0.0/0/conn=3/accept=1 tcp/127.0.0.1/0/backlog=5/conn=2 \
	tcp/192.0.2.7/0 tcp/0.0.0.0/0/dev=lo udp/::/0/dual \
	<"$work/in1" >"$work/h1" &
exec 3>"$work/in1"
"$HELPER" -n other tcp/127.0.0.1/0 <"$work/in2" >"$work/h2" &
exec 4>"$work/in2"
wait_ready "$work/h1" "$work/h2"
port() { sed -n "$1p" "$work/h1" | awk '{print $4}'; }
wild=$(port 1); lo=$(port 2); addr=$(port 3); dev=$(port 4); udp=$(port 5)
other=$(awk '/^sock/ {print $4}' "$work/h2")
pid1=$(awk '/^holder/ {print $2}' "$work/h1")
pid2=$(awk '/^holder/ {print $2}' "$work/h2")

# the card
fds_unreadable
out=$("$PORTTOP" "$wild" 2>/dev/null); rc=$?
[ $rc -eq "$(asked_rc)" ]; ok $? "porttop PORT exits $(asked_rc) when something listens (got $rc)"
echo "$out" | grep -q "^tcp4 0.0.0.0 port $wild\$"; ok $? "the card names protocol, address and port"
echo "$out" | grep -q "exposure .*all interfaces"; ok $? "the card says all interfaces"
echo "$out" | grep -q "holder .*pid $pid1, fd"; ok $? "the card names the holder"
echo "$out" | grep -q "command .*listen-helper"; ok $? "the card shows the command line"
echo "$out" | grep -q "started .*[0-9]:[0-9][0-9]:"; ok $? "the card shows the start time"
echo "$out" | grep -q "queue .*2 waiting to be accepted, backlog 16"; ok $? "the card shows the accept queue"
[ "$(echo "$out" | grep -c '^[a-z]')" -eq 1 ]; ok $? "one card for one listener"

"$PORTTOP" 1 >/dev/null 2>&1; rc=$?
[ $rc -eq 1 ]; ok $? "nothing on port 1: exit 1 (got $rc)"
"$PORTTOP" "$wild/udp" >/dev/null 2>&1; rc=$?
[ $rc -eq 1 ]; ok $? "PORT/udp does not match a TCP listener (got $rc)"
"$PORTTOP" "$udp/udp" | grep -q '^udp46 :: port'; ok $? "PORT/udp finds the dual-stack UDP socket"
"$PORTTOP" nosuchservice >/dev/null 2>&1; rc=$?
[ $rc -eq 2 ]; ok $? "an unknown service name is a usage error (got $rc)"
"$PORTTOP" 70000 2>&1 | grep -q "bad port '70000'"; ok $? "a port over 65535 is named in the error"
"$PORTTOP" 9-3 >/dev/null 2>&1; [ $? -eq 2 ]; ok $? "a backwards range is a usage error"

printf 'my-app %s/tcp # ours\n' "$other" >"$work/services"
"$PORTTOP" --services "$work/services" my-app | grep -q "service .*my-app - ours"
ok $? "a service name from --services finds its port, with the description"
mkdir -p "$work/xdg/porttop"
printf 'mine %s/tcp\n' "$other" >"$work/xdg/porttop/services"
XDG_CONFIG_HOME=$work/xdg "$PORTTOP" -b "$other" | grep -q " mine "
ok $? "the user's services file names the port"

# ranges and lists: tables, not cards
lo_p=$wild; hi_p=$wild
for p in $lo $addr $dev $other; do
	[ "$p" -lt "$lo_p" ] && lo_p=$p
	[ "$p" -gt "$hi_p" ] && hi_p=$p
done
n=$("$PORTTOP" -b -t --no-header "$lo_p-$hi_p" | wc -l)
[ "$n" -eq 5 ]; ok $? "a range lists the 5 TCP listeners in it ($n)"
n=$("$PORTTOP" -b --no-header "$wild" "$other" | wc -l)
[ "$n" -eq 2 ]; ok $? "two ports list two listeners ($n)"

# filters
n=$("$PORTTOP" -b --no-header --pid "$pid2" | wc -l)
[ "$n" -eq 1 ]; ok $? "--pid shows the one socket of that process"
n=$("$PORTTOP" -b --no-header --pid "$pid2" --pid "$pid1" | wc -l)
[ "$n" -eq 6 ]; ok $? "two --pid options combine with OR ($n)"
n=$("$PORTTOP" -b --no-header --command webby | wc -l)
[ "$n" -eq 5 ]; ok $? "--command matches the process name ($n)"
n=$("$PORTTOP" -b --no-header --command webby -u | wc -l)
[ "$n" -eq 1 ]; ok $? "--command and -u combine with AND ($n)"
n=$("$PORTTOP" -b --no-header --user root | wc -l)
[ "$n" -eq 6 ]; ok $? "--user root shows all six ($n)"
"$PORTTOP" -b --user nosuchuser-xyz >/dev/null 2>&1; [ $? -eq 2 ]; ok $? "an unknown user is a usage error"
"$PORTTOP" -b --user 4242 >/dev/null 2>&1; [ $? -eq 1 ]; ok $? "a uid that owns nothing exits 1"
"$PORTTOP" -b --pid 0 >/dev/null 2>&1; [ $? -eq 2 ]; ok $? "--pid 0 is a usage error"

# exposure
"$PORTTOP" --json >"$work/json"
exp() { jq -r --argjson p "$1" '.[] | select(.port == $p) | .exposure' "$work/json"; }
[ "$(exp "$wild")" = all ]; ok $? "0.0.0.0 is exposed to all"
[ "$(exp "$lo")" = loopback ]; ok $? "127.0.0.1 is loopback only"
[ "$(exp "$addr")" = address ]; ok $? "192.0.2.7 is one address"
[ "$(exp "$dev")" = loopback ]; ok $? "0.0.0.0 bound to lo is loopback only"
n=$("$PORTTOP" -b --no-header --exposed | wc -l)
[ "$n" -eq 3 ]; ok $? "--exposed hides the loopback-only listeners ($n)"

# queues and connections
q=$(jq -r --argjson p "$lo" '.[] | select(.port == $p) | "\(.accept_queue)/\(.backlog)"' "$work/json")
[ "$q" = 2/5 ]; ok $? "2 unaccepted connections against backlog 5 ($q)"
"$PORTTOP" -o port,conns,queue --json >"$work/conns"
c=$(jq -r --argjson p "$wild" '.[] | select(.port == $p) | .conns' "$work/conns")
[ "$c" = 3 ]; ok $? "3 clients connected to the wildcard listener ($c)"
c=$(jq -r --argjson p "$lo" '.[] | select(.port == $p) | .conns' "$work/conns")
[ "$c" = 2 ]; ok $? "2 clients on the loopback listener, accepted or not ($c)"
"$PORTTOP" -b -o port,conns,queue "$wild" | grep -Eq "^ *$wild +3 +2/16\$"
ok $? "-o port,conns,queue prints those columns in that order"
"$PORTTOP" -o nosuch 2>&1 | grep -q "unknown column"; ok $? "-o with an unknown column says so"
"$PORTTOP" --list-columns | grep -q '^conns '; ok $? "--list-columns describes conns"

# --wait, both ways
"$PORTTOP" --wait=0.5 65000; rc=$?
[ $rc -eq 1 ]; ok $? "--wait times out with exit 1 (got $rc)"
"$PORTTOP" --wait=10 65000 & waiter=$!
sleep 0.3
mkfifo "$work/in3"
"$HELPER" tcp/127.0.0.1/65000 <"$work/in3" >/dev/null &
exec 5>"$work/in3"
wait $waiter; rc=$?; waiter=
[ $rc -eq 0 ]; ok $? "--wait returns 0 once the port listens (got $rc)"
exec 5>&-
"$PORTTOP" --wait >/dev/null 2>&1; [ $? -eq 2 ]; ok $? "--wait without a port is a usage error"
err=$("$PORTTOP" --wait 1 65001 2>&1); rc=$?
[ $rc -eq 2 ] && echo "$err" | grep -q -- "--wait=SECONDS"
ok $? "--wait 1 65001 (a time or a port?) is a usage error naming --wait=SECONDS (rc $rc): $err"
start=$(date +%s%N)
"$PORTTOP" --wait --timeout 0.4 65001 65002; rc=$?
took=$((($(date +%s%N) - start) / 1000000))
[ $rc -eq 1 ] && [ "$took" -ge 400 ] && [ "$took" -lt 5000 ]
ok $? "--wait --timeout 0.4 waits on both ports, then exits 1 (rc $rc, $took ms)"
"$PORTTOP" 65001 65002 --wait=0.2; rc=$?
[ $rc -eq 1 ]; ok $? "ports before a bare --wait=SECONDS are ports (rc $rc)"
"$PORTTOP" --timeout 1 65001 >/dev/null 2>&1; [ $? -eq 2 ]; ok $? "--timeout without --wait is a usage error"

# one holder must pass --pid and --command together
mkfifo "$work/in4"
"$HELPER" -n parent -c kid -f 1 tcp/127.0.0.1/0 <"$work/in4" >"$work/h4" &
exec 6>"$work/in4"
wait_ready "$work/h4"
shared=$(awk '/^sock/ {print $4}' "$work/h4")
parent=$(awk '/^holder/ {print $2; exit}' "$work/h4")
kid=$(awk '/^holder/ {p = $2} END {print p}' "$work/h4")
"$PORTTOP" -b --pid "$kid" --command parent "$shared" >/dev/null; rc=$?
[ $rc -eq 1 ]; ok $? "--pid KID --command PARENT-NAME: no one holder is both (rc $rc)"
"$PORTTOP" -b --pid "$kid" --command kid "$shared" >/dev/null 2>&1; rc=$?
[ $rc -eq "$(asked_rc)" ]; ok $? "--pid KID --command KID-NAME matches (rc $rc)"
out=$("$PORTTOP" -b --no-header -o pid "$shared" 2>/dev/null)
[ "$out" = "$parent +1$(partial_mark)" ]; ok $? "the PID column shows the first pid and a count ($out)"

# a service name that starts with a digit
printf '3com-app %s/tcp\n' "$shared" >"$work/digits"
"$PORTTOP" --services "$work/digits" 3com-app | grep -q "^tcp4 127.0.0.1 port $shared\$"
ok $? "a service name starting with a digit is looked up, and answered with a card"
exec 6>&-

# a person at a terminal hears that nothing listens; a script only the status
if command -v script >/dev/null 2>&1; then
	out=$(script -qc "$PORTTOP 1" /dev/null 2>&1 | tr -d '\r')
	echo "$out" | grep -qx "porttop: nothing listens on 1/tcp or 1/udp"
	ok $? "on a terminal, a free port is said on stderr: $out"
	out=$(script -qc "$PORTTOP -t --pid 1 1" /dev/null 2>&1 | tr -d '\r')
	echo "$out" | grep -qx "porttop: no listener matches the filters"
	ok $? "with other filters, it says nothing matches: $out"
else
	ok 0 "# SKIP script (util-linux) is not installed"
fi
err=$("$PORTTOP" 1 2>&1 >/dev/null); rc=$?
[ $rc -eq 1 ] && [ -z "$err" ]; ok $? "not on a terminal: exit 1, nothing on stderr"
done_testing

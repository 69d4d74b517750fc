#!/bin/sh
# e2e.sh - the built porttop, --json and -b, in a network namespace of its
# own, against the sockets this test opened (and against ss -tulnp)
. "$srcdir/tests/lib.sh"

need jq
inner_netns "$1"

work=$(mktemp -d "${TMPDIR:-/tmp}/porttop-e2e.XXXXXX") || exit 99
trap 'exec 3>&-; wait; rm -rf "$work"' EXIT
mkfifo "$work/in"
# a hostile process name: an OSC title sequence and a newline
name=$(printf 'ev\033]0;X\007\nl')
"$HELPER" -f 2 -n "$name" \
	tcp/127.0.0.1/0 tcp/::1/0 tcp/::/0/dual tcp/::/0/v6only \
	udp/0.0.0.0/0 udp/::1/0 tcp/127.0.0.1/0/dev=lo \
	tcp-est/127.0.0.1/0 udp-conn/127.0.0.1/0 \
	<"$work/in" >"$work/helper" &
exec 3>"$work/in"
wait_ready "$work/helper"

# what the test opened: listeners only, and every holder pid
grep -E '^sock (tcp|udp) ' "$work/helper" | awk '{print $5}' | sort -n >"$work/want-inodes"
grep '^holder ' "$work/helper" | awk '{print $2}' | sort -n >"$work/want-pids"
wantn=$(wc -l <"$work/want-inodes")

fds_unreadable
"$PORTTOP" --json >"$work/json" 2>"$work/json.err"
ok $? "porttop --json exits 0"
only_hint "$work/json.err"; ok $? "porttop --json prints nothing on stderr but the owner hint"
jqt "$work/json" 'type == "array"'
ok $? "--json is one JSON array accepted by jq"
python3 -c 'import json,sys; json.load(open(sys.argv[1], encoding="utf-8", errors="strict"))' "$work/json" 2>/dev/null
ok $? "--json is strict UTF-8 JSON (python json)"
jq -r '.[].inode' "$work/json" | sort -n >"$work/got-inodes"
cmp -s "$work/want-inodes" "$work/got-inodes"
ok $? "--json lists exactly the $wantn listeners the test opened"
[ -s "$work/want-inodes" ] || diag "helper output:" "$(cat "$work/helper")"

# per socket: port, protocol, family and v6only as opened
while read -r _ proto addr port inode fd; do
	case $proto in tcp|udp) ;; *) continue ;; esac
	rec=$(jq -c --argjson i "$inode" '.[] | select(.inode == $i)' "$work/json")
	[ "$(printf "%s\n" "$rec" | jq -r .port)" = "$port" ] &&
	[ "$(printf "%s\n" "$rec" | jq -r .proto)" = "$proto" ]
	ok $? "$proto $addr:$port has its port and protocol"
	pids=$(printf "%s\n" "$rec" | jq -r '.owners[].pid' | sort -n)
	[ "$pids" = "$(cat "$work/want-pids")" ]
	ok $? "$proto $addr:$port lists all 3 holders ($(echo $pids))"
	fds=$(printf "%s\n" "$rec" | jq -r '.owners[].fd' | sort -u)
	[ "$fds" = "$fd" ]; ok $? "$proto $addr:$port holders use fd $fd"
	[ "$(printf "%s\n" "$rec" | jq -r .owner_status)" = "$(held_status)" ]
	ok $? "$proto $addr:$port owner_status is $(held_status)"
done <"$work/helper"

dual=$(jq -r '.[] | select(.address == "::" and .v6only == false and .proto == "tcp") | .port' "$work/json" | wc -l)
[ "$dual" -eq 1 ]; ok $? "the dual-stack [::] listener has v6only=false"
dev=$(jq -r '[.[] | select(.device == "lo")] | length' "$work/json")
[ "$dev" -eq 1 ]; ok $? "the SO_BINDTODEVICE listener names device lo"
jqt "$work/json" '[.[] | select(.address == "::1")] | all(.v6only)'
ok $? "::1 listeners are v6only"
jqt "$work/json" 'all(.[]; .owners[0].comm | test("\u001b"))'
ok $? "the hostile name survives JSON decoding byte for byte"
! grep -q "$(printf '\033')" "$work/json"; ok $? "no raw ESC byte in the JSON"

"$PORTTOP" -b >"$work/text" 2>"$work/text.err"
ok $? "porttop -b exits 0"
lines=$(wc -l <"$work/text")
[ "$lines" -eq $((wantn + 1)) ]; ok $? "-b prints a header and one line per listener ($lines lines)"
! grep -q "$(printf '\033')" "$work/text"; ok $? "no raw ESC byte in the text"
grep -c 'ev\\x1b]0;X\\x07\\nl' "$work/text" | grep -qx "$wantn"
ok $? "the hostile name is escaped on every text line"
head -1 "$work/text" | grep -q '^PROTO .*COMMAND$'; ok $? "header names the columns"
"$PORTTOP" -b --no-header | grep -c . | grep -qx "$wantn"; ok $? "--no-header drops the header"
"$PORTTOP" -b -u | grep -c '^udp' | grep -qx 2; ok $? "-u shows the 2 UDP sockets"
"$PORTTOP" -b -t -4 --no-header | grep -c '^tcp4' | grep -qx 2; ok $? "-t -4 shows the 2 TCP IPv4 listeners"

# the same set, and the same owners, as ss -tulnp
if command -v ss >/dev/null 2>&1; then
	ss -tulnpHe | grep -o 'ino:[0-9]*' | cut -d: -f2 | sort -n >"$work/ss-inodes"
	cmp -s "$work/ss-inodes" "$work/got-inodes"; ok $? "the same sockets as ss -tulnpe"
	ss -tulnpH | grep -o 'pid=[0-9]*' | cut -d= -f2 | sort -n | uniq -c >"$work/ss-pids"
	jq -r '.[].owners[].pid' "$work/json" | sort -n | uniq -c >"$work/our-pids"
	cmp -s "$work/ss-pids" "$work/our-pids"; ok $? "the same holders as ss -tulnp"
fi

# a filter that matches nothing exits 1
exec 3>&-
wait
"$PORTTOP" -b -t >/dev/null; rc=$?
[ $rc -eq 1 ]; ok $? "no TCP listener left: -t exits 1 (got $rc)"
"$PORTTOP" -b >/dev/null; rc=$?
[ $rc -eq 0 ]; ok $? "an empty table without a filter exits 0 (got $rc)"
done_testing

#!/bin/sh
# netns.sh - -N and the namespaces: a named namespace of this test's own
# (under a private /run/netns) with a device-bound listener whose device
# name differs from ours at that ifindex; the namespace name without -N;
# --wait -N; --record -N then --replay; -N as nobody and under unshare -Ur
. "$srcdir/tests/lib.sh"

need jq ip unshare setpriv
if [ "$1" != --inner ]; then
	[ "$(id -u)" = 0 ] ||
		skip_all "needs root: a named namespace under a private /run/netns"
	netns_or_skip
	unshare -m -n sh "$0" --inner
	exit $?
fi

PORTTOP=$(cd "$(dirname "$PORTTOP")" && pwd)/$(basename "$PORTTOP")
HELPER=$(cd "$(dirname "$HELPER")" && pwd)/$(basename "$HELPER")
# the mounts of this test stay in its own mount namespace
mount --make-rprivate / 2>/dev/null || skip_all "cannot make the mounts private"
mkdir -p /run/netns
mount -t tmpfs porttop-test /run/netns || skip_all "cannot mount a private /run/netns"
ip link set lo up
ip netns add rdns || skip_all "ip netns add refused"
ip -n rdns link set lo up

work=$(mktemp -d "${TMPDIR:-/tmp}/porttop-netns.XXXXXX") || exit 99
wide=porttop-test-wide-$$	# longer than the NETNS header and its cap
trap 'exec 3>&- 4>&- 5>&-; wait; ip netns del rdns 2>/dev/null; ip netns del "$wide" 2>/dev/null; rm -rf "$work"' EXIT
chmod 755 "$work"

# ifindex 2 is "foodev" here and "bardev9" in rdns
# (a dummy device, else one end of a veth pair: the kernel numbers the
# peer first)
have_dev=0
if { ip link add foodev type dummy && ip -n rdns link add bardev9 type dummy; } 2>/dev/null ||
	{ ip link add foopeer type veth peer name foodev &&
	  ip -n rdns link add barpeer type veth peer name bardev9; } 2>/dev/null; then
	ip link set foodev up
	ip -n rdns link set bardev9 up
	[ "$(ip -o link show foodev | cut -d: -f1)" = \
	  "$(ip -n rdns -o link show bardev9 | cut -d: -f1)" ] && have_dev=1
fi

mkfifo "$work/in.host" "$work/in.rdns"
"$HELPER" tcp/127.0.0.1/0 <"$work/in.host" >"$work/out.host" &
exec 3>"$work/in.host"
if [ $have_dev = 1 ]; then
	ip netns exec rdns "$HELPER" tcp/0.0.0.0/0/dev=bardev9 udp/127.0.0.1/0 \
		<"$work/in.rdns" >"$work/out.rdns" &
else
	ip netns exec rdns "$HELPER" tcp/0.0.0.0/0 udp/127.0.0.1/0 \
		<"$work/in.rdns" >"$work/out.rdns" &
fi
exec 4>"$work/in.rdns"
wait_ready "$work/out.host" "$work/out.rdns"
ino_host=$(awk '$1 == "sock" { print $5 }' "$work/out.host")
ino_rdns=$(awk '$1 == "sock" && $2 == "tcp" { print $5 }' "$work/out.rdns")
port_rdns=$(awk '$1 == "sock" && $2 == "tcp" { print $4 }' "$work/out.rdns")
port_host=$(awk '$1 == "sock" { print $4 }' "$work/out.host")
ns_host=$(stat -L -c %i /proc/self/ns/net)
ns_rdns=$(stat -L -c %i /run/netns/rdns)

# --- -N as root: both namespaces, each row from its own namespace
"$PORTTOP" -N --json >"$work/all.json" 2>"$work/all.err"
rc=$?
ok $rc "-N --json exits 0 (rc $rc: $(cat "$work/all.err"))"
jqt "$work/all.json" --argjson i "$ino_host" --argjson n "$ns_host" \
	'any(.[]; .inode == $i and .netns == $n)'
ok $? "-N lists our own listener in our namespace"
jqt "$work/all.json" --argjson i "$ino_rdns" --argjson n "$ns_rdns" \
	'any(.[]; .inode == $i and .netns == $n and .netns_name == "rdns")'
ok $? "-N lists the listener of rdns, with its namespace's name"
if [ $have_dev = 1 ]; then
	jqt "$work/all.json" --argjson i "$ino_rdns" \
		'any(.[]; .inode == $i and .device == "bardev9")'
	ok $? "-N names the device from the socket's own namespace (bardev9, not our foodev: $(jq -c --argjson i "$ino_rdns" '[.[] | select(.inode == $i) | .device]' "$work/all.json"))"
	"$PORTTOP" -N -b -o netns,address,port >"$work/all.txt" 2>&1
	grep -q "rdns .*%bardev9 *$port_rdns" "$work/all.txt"
	ok $? "-N -b shows 0.0.0.0%bardev9 in rdns"
else
	ok 0 "# SKIP no dummy or veth device with the same ifindex here"
	ok 0 "# SKIP no dummy or veth device with the same ifindex here"
fi

# --- reserved ports are per namespace: rdns reserves its port and ours
ip netns exec rdns sh -c "echo $port_rdns,$port_host >/proc/sys/net/ipv4/ip_local_reserved_ports"
"$PORTTOP" -N --json >"$work/res.json" 2>/dev/null
jqt "$work/res.json" --argjson i "$ino_rdns" \
	'any(.[]; .inode == $i and .reserved == true)'
ok $? "-N: a port reserved in rdns is reserved for rdns's listener"
jqt "$work/res.json" --argjson i "$ino_host" \
	'any(.[]; .inode == $i and .reserved == false)'
ok $? "-N: rdns's reserved ports are not ours"

# --- the name of a named namespace without -N
ip netns exec rdns "$PORTTOP" --json >"$work/in.json" 2>/dev/null
jqt "$work/in.json" --argjson i "$ino_rdns" \
	'any(.[]; .inode == $i and .netns_name == "rdns")'
ok $? "inside rdns without -N: netns_name is rdns"

# --- --wait honours -N
"$PORTTOP" --wait=5 -N "$port_rdns" >/dev/null 2>&1
rc=$?
[ $rc -eq 0 ]; ok $? "--wait -N finds a port that listens in another namespace (rc $rc)"
if [ "$port_host" = "$port_rdns" ]; then
	ok 0 "# SKIP both helpers were given port $port_host"
else
	"$PORTTOP" --wait=0.3 "$port_rdns" >/dev/null 2>&1
	rc=$?
	[ $rc -eq 1 ] || diag "ports: ours $port_host, rdns $port_rdns" "$("$PORTTOP" -b 2>&1)"
	[ $rc -eq 1 ]; ok $? "--wait without -N does not (rc $rc)"
fi

# --- --record -N, then --replay
"$PORTTOP" -N --json --record "$work/rec" >"$work/rec.json" 2>/dev/null
"$PORTTOP" --json --replay "$work/rec" >"$work/replay.json" 2>"$work/replay.err"
rc=$?
ok $rc "--replay of a -N recording exits 0 (rc $rc: $(cat "$work/replay.err"))"
key='[.[] | "\(.netns) \(.inode) \(.proto) \(.port)"] | sort'
[ -s "$work/replay.json" ] &&
	[ "$(jq -c "$key" "$work/rec.json")" = "$(jq -c "$key" "$work/replay.json")" ]
ok $? "the replay lists every namespace's sockets, each in its namespace"
jqt "$work/replay.json" --argjson i "$ino_rdns" --argjson n "$ns_rdns" \
	'any(.[]; .inode == $i and .netns == $n)'
ok $? "the replay keeps rdns's listener in rdns"
# a recording damaged in its middle: an error naming the byte offset
python3 - "$work/rec" "$work/bad" <<'PY'
import struct, sys
b = bytearray(open(sys.argv[1], 'rb').read())
off = len(b"porttop-netlink-record 2\n")
while off + 8 <= len(b):
    n, fam, proto = struct.unpack_from('=IBB', b, off)
    if fam != 0 and n >= 16:
        # the first message of this datagram claims 1 byte past its end
        struct.pack_into('=I', b, off + 8, n + 1)
        break
    off += 8 + n
open(sys.argv[2], 'wb').write(b)
print(off + 8)
PY
"$PORTTOP" -b --replay "$work/bad" >/dev/null 2>"$work/bad.err"
rc=$?
[ $rc -eq 2 ] && grep -q 'malformed recording at byte offset [0-9]' "$work/bad.err"
ok $? "a damaged recording: exit 2 with the byte offset (rc $rc: $(cat "$work/bad.err"))"

# --- -N text table: a long namespace name does not push the columns
if ip netns add "$wide"; then
	ip -n "$wide" link set lo up
	mkfifo "$work/in.wide"
	ip netns exec "$wide" "$HELPER" tcp/127.0.0.1/0 \
		<"$work/in.wide" >"$work/out.wide" &
	wide_pid=$!
	exec 5>"$work/in.wide"
	wait_ready "$work/out.wide"
	"$PORTTOP" -N -b -o netns,proto,port,command >"$work/wide.txt" 2>"$work/wide.err"
	grep -q "^ *$wide tcp4 " "$work/wide.txt"
	ok $? "-N lists $wide, whole, then its protocol"
	# every line's second column (PROTO, left-aligned) starts where
	# the header's does
	starts=$(awk '{ s = $0; sub(/^ *[^ ]+ +/, "", s); print length($0) - length(s) }' \
		"$work/wide.txt" | sort -u | wc -l)
	rc=0
	[ "$starts" -eq 1 ] || { rc=1; diag "$(cat "$work/wide.txt")"; }
	ok $rc "-N: the columns line up after a long namespace name ($starts starts)"
	exec 5>&-
	wait "$wide_pid"
	ip netns del "$wide"
else
	ok 0 "# SKIP ip netns add $wide refused"
	ok 0 "# SKIP ip netns add $wide refused"
fi

# --- -N as nobody: our namespace listed, rdns named with the reason
setpriv --reuid=65534 --regid=65534 --clear-groups \
	"$PORTTOP" -N -b --no-header -o inode >"$work/nobody.out" 2>"$work/nobody.err"
rc=$?
[ $rc -eq 3 ]; ok $? "-N as nobody: exit 3, partial (rc $rc)"
grep -qx "$ino_host" "$work/nobody.out"
ok $? "-N as nobody lists the listener of its own namespace"
# (other namespaces of the machine may be named too: processes of nobody)
grep -Eq "cannot inspect [0-9]+ network namespaces?: $ns_rdns \(rdns\): Operation not permitted" "$work/nobody.err"
ok $? "-N as nobody names rdns and why ($(head -c 300 "$work/nobody.err"))"

# --- -N in a user namespace: no setns for ours, no abort() for the others
unshare -Ur "$PORTTOP" -N -b --no-header -o inode >"$work/userns.out" 2>"$work/userns.err"
rc=$?
[ $rc -eq 3 ]; ok $? "unshare -Ur porttop -N: exit 3, not an abort (rc $rc)"
grep -qx "$ino_host" "$work/userns.out"
ok $? "unshare -Ur porttop -N lists the listener of the current namespace"
grep -q "(rdns): Operation not permitted" "$work/userns.err"
ok $? "unshare -Ur porttop -N names rdns and why"

done_testing

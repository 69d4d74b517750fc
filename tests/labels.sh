#!/bin/sh
# labels.sh - derived facts against real processes and sockets: units and
# containers from cgroup v1 hierarchies (name=systemd, controllers),
# v4-mapped listeners, SO_REUSEPORT groups, forwarders, the socket's owner
# and each holder once with all its fds
. "$srcdir/tests/lib.sh"

need jq
[ "$(id -u)" = 0 ] || skip_all "needs root (cgroup v1 mounts, another user)"
command -v unshare >/dev/null 2>&1 || skip_all "unshare is not installed"
inner_netns "$1"

work=$(mktemp -d "${TMPDIR:-/tmp}/porttop-labels.XXXXXX") || exit 99
cgmade=
cleanup() {
	exec 3>&- 4>&- 5>&- 6>&- 7>&- 8>&- 9>&-
	wait
	# our v1 cgroups outlive the mount namespace: remove them (empty now)
	for o in $cgmade; do
		unshare -m --propagation private sh -c '
			mount -t cgroup -o "$1" porttop-v1 "$2" 2>/dev/null || exit 0
			find "$2/$3" -depth -type d -exec rmdir {} + 2>/dev/null
			umount "$2"' sh "$o" "$work/mnt" "porttop-test-$$.slice"
	done
	rm -rf "$work"
}
trap cleanup EXIT
mkdir "$work/mnt"

# v1_move OPTIONS DIR PID: put PID into DIR (under porttop-test-$$.slice)
# of the cgroup v1 hierarchy mounted with OPTIONS, in a private mount
# namespace; fails (reason in $work/v1.err) where the kernel refuses
v1_move() {
	unshare -m --propagation private sh -c '
		mount -t cgroup -o "$1" porttop-v1 "$2" || exit 1
		mkdir -p "$2/$3/$4" && echo "$5" >"$2/$3/$4/cgroup.procs"
		rc=$?
		umount "$2"
		exit $rc' sh "$1" "$work/mnt" "porttop-test-$$.slice" "$2" "$3" \
		2>"$work/v1.err"
}

# --- a unit and a container in the name=systemd v1 hierarchy
mkfifo "$work/in3" "$work/in4"
"$HELPER" -n v1unit tcp/127.0.0.1/0 <"$work/in3" >"$work/h3" &
exec 3>"$work/in3"
"$HELPER" -n v1box tcp/127.0.0.1/0 <"$work/in4" >"$work/h4" &
exec 4>"$work/in4"
wait_ready "$work/h3" "$work/h4"
pid3=$(awk '/^holder/ {print $2}' "$work/h3")
pid4=$(awk '/^holder/ {print $2}' "$work/h4")
port3=$(awk '/^sock/ {print $4}' "$work/h3")
port4=$(awk '/^sock/ {print $4}' "$work/h4")
id=0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
if v1_move none,name=systemd "web-$$.service" "$pid3"; then
	cgmade="$cgmade none,name=systemd"
	v1_move none,name=systemd "docker-$id.scope" "$pid4"
	ok $? "a process moves into a name=systemd v1 cgroup"
	diag "$(cat "/proc/$pid3/cgroup")"
	"$PORTTOP" --json >"$work/v1.json"
	# a v2 path that names a unit wins over name=systemd: only where the
	# holder's v2 cgroup names nothing is the v1 unit the answer
	v2=$(sed -n 's/^0:://p' "/proc/$pid3/cgroup")
	case $v2 in
	*.service* | *.scope*)
		ok 0 "# SKIP the v2 cgroup of this test ($v2) names a unit already"
		;;
	*)
		u=$(jq -r --argjson p "$port3" '.[] | select(.port == $p) | .unit' "$work/v1.json")
		[ "$u" = "web-$$.service" ]
		ok $? "a unit only in the name=systemd hierarchy is named ($u)"
		c=$(jq -r --argjson p "$port3" '.[] | select(.port == $p) | .owners[0].cgroup' "$work/v1.json")
		[ "$c" = "/porttop-test-$$.slice/web-$$.service" ]
		ok $? "the owner's cgroup is the path that named it ($c)"
		"$PORTTOP" "$port3" | grep -q "unit .*web-$$.service"
		ok $? "the card names the v1 unit"
		# a hostile unit name: escaped in every view
		evil=$(printf 'ev\033[2Jil-%s.service' $$)
		if v1_move none,name=systemd "$evil" "$pid3"; then
			"$PORTTOP" -b -o port,unit "$port3" >"$work/evil.txt"
			"$PORTTOP" "$port3" >>"$work/evil.txt"
			"$PORTTOP" --json "$port3" >"$work/evil.json"
			grep -q '\\x1b\[2Jil' "$work/evil.txt" &&
				! grep -q "$(printf '\033')" "$work/evil.txt" &&
				jqt "$work/evil.json" --arg u "$evil" '.[0].unit == $u' &&
				! grep -q "$(printf '\033')" "$work/evil.json"
			ok $? "a unit name with control characters is escaped in text, card and JSON"
		else
			ok 1 "a cgroup named with an escape character: $(head -1 "$work/v1.err")"
		fi
		;;
	esac
	c=$(jq -c --argjson p "$port4" '.[] | select(.port == $p) | .container' "$work/v1.json")
	[ "$c" = "{\"runtime\":\"docker\",\"id\":\"$id\"}" ]
	ok $? "a container scope in name=systemd is named ($c)"
else
	ok 0 "# SKIP the kernel refuses a name=systemd cgroup v1 hierarchy: $(head -1 "$work/v1.err")"
fi

# --- a container only in a v1 controller hierarchy (docker's cgroupfs
# driver): pids is free for v1 only on hosts that do not give it to v2
exec 4>&-
mkfifo "$work/in5"
"$HELPER" -n v1pids tcp/127.0.0.1/0 <"$work/in5" >"$work/h5" &
exec 4>"$work/in5"
wait_ready "$work/h5"
pid5=$(awk '/^holder/ {print $2}' "$work/h5")
port5=$(awk '/^sock/ {print $4}' "$work/h5")
if v1_move pids "docker/$id" "$pid5" 2>/dev/null; then
	cgmade="$cgmade pids"
	c=$("$PORTTOP" --json "$port5" | jq -c '.[0].container')
	[ "$c" = "{\"runtime\":\"docker\",\"id\":\"$id\"}" ]
	ok $? "a container in the v1 pids hierarchy is named ($c)"
else
	ok 0 "# SKIP no v1 pids hierarchy here: $(head -1 "$work/v1.err")"
fi
exec 3>&- 4>&-

# --- ::ffff:0.0.0.0 is IPv4-any on an IPv6 socket: an IPv4 listener
mkfifo "$work/in6"
"$HELPER" -n mapped tcp/::ffff:0.0.0.0/0/conn=2 tcp/::ffff:127.0.0.1/0 \
	<"$work/in6" >"$work/h6" &
exec 6>"$work/in6"
wait_ready "$work/h6"
mapany=$(awk '/^sock/ {print $4; exit}' "$work/h6")
maplo=$(awk '/^sock/ {p = $4} END {print p}' "$work/h6")
"$PORTTOP" -4 --json "$mapany" >"$work/m4.json"
jqt "$work/m4.json" 'length == 1 and .[0].exposure == "all" and .[0].v4_mapped == true and .[0].family == "ipv6"'
ok $? "-4 lists the ::ffff:0.0.0.0 listener, exposure all"
"$PORTTOP" -b --no-header "$mapany" | grep -q "^tcp4 *::ffff:0.0.0.0 "
ok $? "its PROTO is tcp4 and its address stays the socket's own"
"$PORTTOP" -6 --json "$mapany" >"$work/m6.json"
jqt "$work/m6.json" 'length == 0'; ok $? "-6 does not list it: no IPv6 client reaches it"
"$PORTTOP" -4 --json -o conns "$mapany" >"$work/mc.json"
jqt "$work/mc.json" '.[0].conns == 2'
ok $? "connections to it are counted ($(jq -c '.[0].conns' "$work/mc.json"))"
"$PORTTOP" -4 --json "$maplo" >"$work/ml.json"
jqt "$work/ml.json" '.[0].exposure == "loopback"'
ok $? "::ffff:127.0.0.1 is loopback"
"$PORTTOP" -4 --wait=0.2 "$mapany" >/dev/null
ok $? "--wait with -4 sees it"
exec 6>&-

# --- a SO_REUSEPORT group of three with connections: counted once
mkfifo "$work/in7"
"$HELPER" -n group tcp/127.0.0.1/8090/reuseport tcp/127.0.0.1/8090/reuseport \
	tcp/127.0.0.1/8090/reuseport/conn=4 <"$work/in7" >"$work/h7" &
exec 7>"$work/in7"
wait_ready "$work/h7"
"$PORTTOP" --json -o conns 8090 >"$work/g.json"
jqt "$work/g.json" 'length == 3 and all(.[]; .conns == 4 and .conns_scope == "group" and .reuseport_group.size == 3)'
ok $? "each member says the group's 4 connections, marked as the group's"
jqt "$work/g.json" '[.[].reuseport_group.id] | unique | length == 1 and (.[0] | type) == "number"'
ok $? "the members share one group id"
"$PORTTOP" -b --no-header -o port,conns 8090 >"$work/g.txt"
[ "$(grep -c ' 4(g3)$' "$work/g.txt")" -eq 1 ] &&
	[ "$(grep -c ' (g3)$' "$work/g.txt")" -eq 2 ]
ok $? "the text shows the count once, and marks all three ($(tr '\n' '|' <"$work/g.txt"))"
"$PORTTOP" -o conns 8090 | grep -q "connections .*4, of the whole SO_REUSEPORT group of 3"
ok $? "the card says the count is the group's"
[ "$("$PORTTOP" 8090 | grep -c "group .*SO_REUSEPORT group of 3 listeners")" -eq 3 ]
ok $? "each card says it is one of a group of three"
exec 7>&-

# --- forwarders: the real binary run by root, not a look-alike
chmod 755 "$work"
cp "$HELPER" "$work/docker-proxy"
mkdir "$work/ln" "$work/py"
ln -s "$(cd "$(dirname "$HELPER")" && pwd)/$(basename "$HELPER")" "$work/ln/docker-proxy"
fwd="PADDING -proto tcp -host-ip 0.0.0.0 -container-ip 10.0.0.2 -container-port 8081"
mkfifo "$work/in8" "$work/in9" "$work/in8n" "$work/in9p"
"$work/docker-proxy" tcp/127.0.0.1/0 $fwd <"$work/in8" >"$work/h8" &
exec 8>"$work/in8"
"$work/ln/docker-proxy" tcp/127.0.0.1/0 $fwd <"$work/in9" >"$work/h9" &
exec 9>"$work/in9"
wait_ready "$work/h8" "$work/h9"
real=$(awk '/^sock/ {print $4}' "$work/h8")
link=$(awk '/^sock/ {print $4}' "$work/h9")
f=$("$PORTTOP" --json "$real" | jq -r '.[0].forward')
[ "$f" = 10.0.0.2:8081 ]
ok $? "an executable named docker-proxy run by root forwards ($f)"
f=$("$PORTTOP" --json "$link" | jq -r '.[0].forward')
[ "$f" = null ]; ok $? "a link named docker-proxy to another program does not ($f)"
exec 8>&- 9>&-
if command -v setpriv >/dev/null 2>&1; then
	setpriv --reuid=65534 --regid=65534 --clear-groups \
		"$work/docker-proxy" tcp/127.0.0.1/0 $fwd <"$work/in8n" >"$work/h8n" &
	exec 8>"$work/in8n"
	wait_ready "$work/h8n"
	p=$(awk '/^sock/ {print $4}' "$work/h8n")
	f=$("$PORTTOP" --json "$p" | jq -r '.[0].forward')
	[ "$f" = null ]; ok $? "docker-proxy run by nobody does not forward ($f)"
	exec 8>&-
else
	ok 0 "# SKIP setpriv is not installed"
fi
if command -v python3 >/dev/null 2>&1; then
	cat >"$work/py/docker-proxy" <<'PY'
#!/usr/bin/env python3
import socket, sys
s = socket.socket()
s.bind(("127.0.0.1", 0))
s.listen()
print("sock tcp 127.0.0.1 %d" % s.getsockname()[1])
print("ready", flush=True)
sys.stdin.read()
PY
	chmod 755 "$work/py/docker-proxy"
	"$work/py/docker-proxy" $fwd <"$work/in9p" >"$work/h9p" &
	exec 9>"$work/in9p"
	wait_ready "$work/h9p"
	p=$(awk '/^sock/ {print $4}' "$work/h9p")
	f=$("$PORTTOP" --json "$p" | jq -r '.[0].forward')
	[ "$f" = null ]; ok $? "a script named docker-proxy run by root does not forward ($f)"
	exec 9>&-
else
	ok 0 "# SKIP python3 is not installed"
fi

# --- a socket created by root, held by nobody twice over, in two processes
mkfifo "$work/in10"
"$HELPER" -n dropped -f 1 -u 65534 tcp/127.0.0.1/0/dup <"$work/in10" >"$work/h10" &
exec 8>"$work/in10"
wait_ready "$work/h10"
# the PID column names the lowest pid; after a pid wraparound the forked
# child's is lower than its parent's (both hold the same fds)
pa=$(awk '/^holder/ {print $2}' "$work/h10" | sort -n | head -1)
port=$(awk '/^sock/ {print $4}' "$work/h10")
fds=$(awk '/^dup/ {print $2 "," $3}' "$work/h10")
fds_unreadable
line=$("$PORTTOP" -b --no-header -o user,pid,fd "$port" 2>/dev/null)
"$PORTTOP" --json "$port" >"$work/own.json" 2>/dev/null
echo "$line" | grep -q "^root  *$pa +1$(partial_mark) $fds +1\$" &&
	jqt "$work/own.json" '.[0].uid == 0 and .[0].user == "root" and (.[0].owners | length) == 4 and all(.[0].owners[]; .uid == 65534)'
ok $? "USER is the socket's owner; PID and FD name the same process ($line)"
"$PORTTOP" "$port" >"$work/card" 2>/dev/null
grep -q "^  socket  *root (uid 0), inode" "$work/card"
ok $? "the card's socket line pairs the owner's name with its own uid"
# (where processes cannot be read, one more line says more may exist)
[ "$(grep '^  holder ' "$work/card" | grep -vc 'more holders may exist')" -eq 2 ]
ok $? "each holding process is shown once ($(grep -c '^  holder ' "$work/card") holder lines)"
grep -q "^  holder  *pid $pa, fd $fds\$" "$work/card" &&
	grep -q "user nobody (65534)" "$work/card"
ok $? "with all its fds and its own user ($(grep "pid $pa" "$work/card" | tr -s ' '))"
exec 8>&-

done_testing

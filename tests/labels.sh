#!/bin/sh
# labels.sh - derived facts against real processes and sockets: units and
# containers from cgroup v1 hierarchies (name=systemd, controllers)
. "$srcdir/tests/lib.sh"

need jq
[ "$(id -u)" = 0 ] || skip_all "needs root (cgroup v1 mounts, another user)"
command -v unshare >/dev/null 2>&1 || skip_all "unshare is not installed"
inner_netns "$1"

work=$(mktemp -d "${TMPDIR:-/tmp}/porttop-labels.XXXXXX") || exit 99
cgmade=
cleanup() {
	exec 3>&- 4>&-
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

done_testing

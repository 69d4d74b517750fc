#!/bin/sh
# owners.sh - who really owns it: every namespace, the unprivileged view,
# units and containers from cgroups, and attribution under churn
. "$srcdir/tests/lib.sh"

need jq
[ "$(id -u)" = 0 ] || skip_all "needs root (namespaces, cgroups, another user)"
inner_netns "$1"
fds_unreadable

work=$(mktemp -d "${TMPDIR:-/tmp}/porttop-owners.XXXXXX") || exit 99
ns=porttop-test-$$
cg=
cleanup() {
	exec 3>&- 4>&- 5>&- 6>&- 7>&- 8>&-
	[ -n "${churn:-}" ] && kill "$churn" 2>/dev/null
	if [ -n "$cg" ]; then
		for d in "$cg"/*/; do
			[ -d "$d" ] || continue
			cat "$d/cgroup.procs" 2>/dev/null | while read -r p; do
				echo "$p" >"$cgroot/cgroup.procs" 2>/dev/null
			done
			rmdir "$d" 2>/dev/null
		done
		rmdir "$cg" 2>/dev/null
	fi
	ip netns pids "$ns" 2>/dev/null | xargs -r kill 2>/dev/null
	ip netns del "$ns" 2>/dev/null
	wait
	rm -rf "$work"
}
trap cleanup EXIT

mkfifo "$work/in1"
"$HELPER" -n rootsvc tcp/127.0.0.1/0 udp/0.0.0.0/0 <"$work/in1" >"$work/h1" &
exec 3>"$work/in1"
wait_ready "$work/h1"
pid1=$(awk '/^holder/ {print $2}' "$work/h1")
port1=$(awk '/^sock tcp/ {print $4}' "$work/h1")

# --- the unprivileged view: rows still listed, the reason, the hint
if command -v setpriv >/dev/null 2>&1; then
	setpriv --reuid=65534 --regid=65534 --clear-groups \
		"$PORTTOP" --json >"$work/nobody.json" 2>"$work/nobody.err"
	ok $? "porttop runs as nobody"
	n=$(jq length "$work/nobody.json")
	[ "$n" -eq 2 ]; ok $? "as nobody, both sockets are still listed ($n)"
	jqt "$work/nobody.json" \
		'all(.[]; .owner_status == "permission" and (.owners | length) == 0)'
	ok $? "as nobody, owner_status says permission"
	jqt "$work/nobody.json" 'all(.[]; .user == "root" and .uid == 0)'
	ok $? "as nobody, the socket's own user is still shown"
	grep -q 'CAP_SYS_PTRACE and CAP_DAC_READ_SEARCH' "$work/nobody.err"
	ok $? "as nobody, one line says how to see the owners"
	[ "$(wc -l <"$work/nobody.err")" -eq 1 ]; ok $? "and only one line"
	setpriv --reuid=65534 --regid=65534 --clear-groups "$PORTTOP" -b \
		2>/dev/null | grep -q "permission denied"
	ok $? "the text view says permission denied"
	# /proc mounted with hidepid: the reason is "hidden", not "permission"
	mkdir "$work/proc"
	chmod 755 "$work"	# nobody must reach the proc mount point
	if unshare -m sh -c 'mount -t proc -o hidepid=2 proc "$1"' sh "$work/proc" 2>/dev/null; then
		unshare -m sh -c 'mount -t proc -o hidepid=2 proc "$1" &&
			exec setpriv --reuid=65534 --regid=65534 --clear-groups \
			"$2" --json --proc-root "$1"' sh "$work/proc" "$PORTTOP" \
			>"$work/hid.json" 2>"$work/hid.err"
		jqt "$work/hid.json" 'length == 2 and all(.[]; .owner_status == "hidden")'
		ok $? "under hidepid, owner_status says hidden"
		grep -q 'mounted with hidepid' "$work/hid.err"; ok $? "and the hint names hidepid"
		[ -s "$work/hid.err" ] && diag "$(cat "$work/hid.err")"
	else
		ok 0 "# SKIP cannot mount /proc with hidepid here"
	fi
else
	ok 0 "# SKIP setpriv is not installed"
fi

# --- porttop's own fds run out (a low soft RLIMIT_NOFILE): a holder it
# could not read for want of fds is counted so (EMFILE), never as a
# process that refused it ("Permission denied"). Which limits leave the
# scan enough fds but not the holder's facts depends on the host: every
# run that misses the holder must say why.
emf_miss=0
emf_bad=0
emf_pidns=0
for n in 6 7 8 9 10 11 12 13 14 15 16 18 20; do
	(ulimit -n "$n" && exec "$PORTTOP" --json "$port1/tcp") \
		>"$work/emf.json" 2>"$work/emf.err"
	! grep -q 'another pid namespace' "$work/emf.err" ||
		emf_pidns=$((emf_pidns + 1))
	jqt "$work/emf.json" --argjson pid "$pid1" \
		'any(.[]; any(.owners[]; .pid == $pid))' && continue
	emf_miss=$((emf_miss + 1))
	grep -q 'Too many open files' "$work/emf.err" || {
		emf_bad=$((emf_bad + 1))
		diag "ulimit -n $n:" "$(cat "$work/emf.err")"
	}
done
[ $emf_bad -eq 0 ]
ok $? "out of fds, a holder not read is said to be so ($emf_miss of 13 limits missed it, $emf_bad without saying why)"
[ $emf_pidns -eq 0 ]
ok $? "out of fds, /proc is not said to be of another pid namespace ($emf_pidns of 13 limits did)"

# --- a kernel socket: no process holds a VXLAN port. The BPF scan (the
# default where it loads) tells that no process can (tests/ksock.sh); the
# /proc scan cannot tell it from a socket of a process it could not read
if ip link add pt-vx0 type vxlan id 42 dstport 4789 local 127.0.0.1 2>/dev/null &&
	ip link set pt-vx0 up 2>/dev/null; then
	if bpf_refused; then
		vx_st=$(unheld_status)
	else
		vx_st=kernel
	fi
	"$PORTTOP" --json 4789/udp >"$work/vx.json"
	jqt "$work/vx.json" --arg st "$vx_st" 'length >= 1 and all(.[]; .owner_status == $st and (.owners | length) == 0)'
	ok $? "the VXLAN port is listed, with no holder: $vx_st"
	if [ "$vx_st" = kernel ]; then
		"$PORTTOP" 4789/udp | grep -q "held by the kernel: no process can hold it"
	elif fds_unreadable; then
		"$PORTTOP" 4789/udp 2>/dev/null | grep -q "permission denied"
	else
		"$PORTTOP" 4789/udp | grep -q "no process holds it"
	fi
	ok $? "the card says so"
	ip link del pt-vx0
else
	ok 0 "# SKIP the kernel here cannot make a VXLAN device"
fi

# --- every network namespace
if ip netns add "$ns" 2>/dev/null; then
	mkfifo "$work/in2"
	ip netns exec "$ns" sh -c 'ip link set lo up && exec "$@"' sh \
		"$HELPER" -n inside tcp/127.0.0.1/4242 <"$work/in2" >"$work/h2" &
	exec 4>"$work/in2"
	wait_ready "$work/h2"
	pid2=$(awk '/^holder/ {print $2}' "$work/h2")
	"$PORTTOP" -b 4242 >/dev/null; rc=$?
	[ $rc -eq 1 ]; ok $? "by default only this namespace is inspected (rc $rc)"
	"$PORTTOP" -N --json >"$work/all.json" 2>"$work/all.err"
	ok $? "porttop -N exits 0"
	rec=$(jq -c --arg ns "$ns" '.[] | select(.port == 4242 and .netns_name == $ns)' "$work/all.json")
	[ "$(printf '%s\n' "$rec" | jq -r .netns_name)" = "$ns" ]
	ok $? "-N finds the listener in the named namespace, with its name"
	[ "$(printf '%s\n' "$rec" | jq -r '.owners[0].pid')" = "$pid2" ]
	ok $? "-N attributes it to its holder"
	# (-N sees every namespace of the host: other tests' may use the
	# same port, so this namespace's rows are told by its inode)
	mine=$(stat -L -c %i /proc/self/ns/net)
	jqt "$work/all.json" --argjson p "$port1" --argjson n "$mine" \
		'[.[] | select(.port == $p and .netns == $n)] | length == 1'
	ok $? "-N still lists this namespace's listener once"
	jqt "$work/all.json" --arg ns "$ns" --argjson n "$mine" \
		'[.[] | select(.port == 4242 and .netns_name == $ns)] | length == 1 and .[0].netns != $n and .[0].netns > 0'
	ok $? "each row says its namespace"
	"$PORTTOP" -N -b | head -1 | grep -q ' NETNS '; ok $? "-N adds the NETNS column"
	"$PORTTOP" -N -b | grep -q " $ns "; ok $? "the text view names the namespace"
else
	ok 0 "# SKIP ip netns add is refused here"
fi

# --- units and containers from cgroups
cgroot=$(awk '/ - cgroup2 / {print $5; exit}' /proc/self/mountinfo)
if [ -n "$cgroot" ] && mkdir "$cgroot/porttop-test-$$.slice" 2>/dev/null; then
	cg=$cgroot/porttop-test-$$.slice
	id=0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
	mkdir "$cg/docker-$id.scope" "$cg/web-$$.service"
	mkfifo "$work/in5" "$work/in6"
	"$HELPER" -n boxed tcp/127.0.0.1/0 <"$work/in5" >"$work/h5" &
	exec 5>"$work/in5"
	"$HELPER" -n unit tcp/127.0.0.1/0 <"$work/in6" >"$work/h6" &
	exec 6>"$work/in6"
	wait_ready "$work/h5"
	wait_ready "$work/h6"
	echo "$(awk '/^holder/ {print $2}' "$work/h5")" >"$cg/docker-$id.scope/cgroup.procs"
	echo "$(awk '/^holder/ {print $2}' "$work/h6")" >"$cg/web-$$.service/cgroup.procs"
	p5=$(awk '/^sock/ {print $4}' "$work/h5")
	p6=$(awk '/^sock/ {print $4}' "$work/h6")
	"$PORTTOP" --json >"$work/cg.json"
	c=$(jq -c --argjson p "$p5" '.[] | select(.port == $p) | .container' "$work/cg.json")
	[ "$c" = "{\"runtime\":\"docker\",\"id\":\"$id\"}" ]
	ok $? "a docker-like scope is labelled as a docker container ($c)"
	u=$(jq -r --argjson p "$p6" '.[] | select(.port == $p) | .unit' "$work/cg.json")
	[ "$u" = "web-$$.service" ]; ok $? "a service cgroup names the unit ($u)"
	"$PORTTOP" -b -o port,unit "$p5" | grep -q "docker:0123456789ab"
	ok $? "text shows the short container id"
	"$PORTTOP" "$p6" | grep -q "unit .*web-$$.service"; ok $? "the card names the unit"

	# a docker-proxy-like forwarder on the host must not hide the container
	if ip netns pids "$ns" >/dev/null 2>&1; then
		mkfifo "$work/in7" "$work/in8"
		# as in a container: the process is in the container's cgroup
		# before it creates its socket, so the socket's cgroup says so too
		# (ip netns exec remounts /sys: join the cgroup before it)
		sh -c 'echo $$ >"$1" && exec ip netns exec "$2" "$3" tcp/0.0.0.0/8081' \
			sh "$cg/docker-$id.scope/cgroup.procs" "$ns" "$HELPER" \
			<"$work/in7" >"$work/h7" &
		exec 7>"$work/in7"
		# a copy: its exe is named docker-proxy, and root runs it
		cp "$HELPER" "$work/docker-proxy"
		"$work/docker-proxy" tcp/0.0.0.0/0 PADDING -proto tcp -host-ip 0.0.0.0 \
			-container-ip 10.0.0.2 -container-port 8081 <"$work/in8" >"$work/h8" &
		exec 8>"$work/in8"
		wait_ready "$work/h7"
		wait_ready "$work/h8"
		pp=$(awk '/^sock/ {print $4}' "$work/h8")
		f=$("$PORTTOP" --json "$pp" | jq -r '.[0].forward')
		[ "$f" = 10.0.0.2:8081 ]; ok $? "a docker-proxy row says where it forwards ($f)"
		c=$("$PORTTOP" -N --json | jq -c --argjson p "$pp" '.[] | select(.port == $p) | .container')
		[ "$c" = "{\"runtime\":\"docker\",\"id\":\"$id\"}" ]
		ok $? "with -N, the forwarder names the container behind it ($c)"
		"$PORTTOP" -N "$pp" | grep -q "forwards to .*10.0.0.2:8081 (docker $id)"
		ok $? "the card of that one port says: forwards to the container"
		u=$("$PORTTOP" -N --json 8081 | jq -r '.[0].container.runtime')
		[ "$u" = docker ]
		ok $? "a socket whose holder is not scanned still names its container from its own cgroup"
		exec 7>&- 8>&-
	fi
	exec 5>&- 6>&-
else
	ok 0 "# SKIP cannot create a cgroup v2 directory here"
fi

# --- churn: stable listeners never missing, never misattributed
(
	i=0
	while :; do
		i=$((i + 1))
		"$HELPER" tcp/127.0.0.1/0 tcp/::1/0 udp/127.0.0.1/0 </dev/null >/dev/null &
		sh -c 'exit 0' &
		[ $((i % 8)) -eq 0 ] && wait
	done
) &
churn=$!
bad=0
errs=0
want_rc=$(asked_rc)
for i in $(seq 1 150); do
	"$PORTTOP" --json --tcp 2>"$work/churn.err" >"$work/churn.json"
	[ $? -eq "$want_rc" ] || bad=$((bad + 1))
	only_hint "$work/churn.err" || errs=$((errs + 1))
	jqt "$work/churn.json" --argjson p "$port1" --argjson pid "$pid1" \
		'[.[] | select(.port == $p and .owners[0].pid == $pid)] | length == 1' ||
		bad=$((bad + 1))
done
kill "$churn" 2>/dev/null
wait "$churn" 2>/dev/null
churn=
[ $bad -eq 0 ]; ok $? "under churn, 150 runs always list the stable listener with its owner ($bad misses)"
[ $errs -eq 0 ]; ok $? "under churn, nothing but the owner hint is printed on stderr ($errs runs did)"
done_testing

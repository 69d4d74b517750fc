#!/bin/sh
# why.sh - porttop --why against real sockets in a namespace of its own:
# one case per reason, --try agreeing with the verdict in each, and every
# JSON document checked against the documented schema
. "$srcdir/tests/lib.sh"

need jq python3
inner_netns "$1"

work=$(mktemp -d "${TMPDIR:-/tmp}/porttop-why.XXXXXX") || exit 99
cleanup() {
	for h in "$work"/*.holder; do
		[ -f "$h" ] && kill "$(cat "$h")" 2>/dev/null
	done
	wait
	rm -rf "$work"
}
trap cleanup EXIT
root=false
[ "$(id -u)" = 0 ] && command -v setpriv >/dev/null 2>&1 && root=true

# hold NAME [PREFIX...] -- SPEC...: a listen-helper (run through PREFIX,
# such as setpriv) holding its sockets until the test ends
hold() {
	h_name=$1
	shift
	mkfifo "$work/$h_name.in"
	h_pre=
	while [ "$1" != -- ]; do
		h_pre="$h_pre $1"
		shift
	done
	shift
	# shellcheck disable=SC2086
	$h_pre "$HELPER" -n "$h_name" "$@" <"$work/$h_name.in" \
		>"$work/$h_name.out" &
	sleep 3600 >"$work/$h_name.in" &
	echo $! >"$work/$h_name.holder"
	wait_ready "$work/$h_name.out"
}
pid_of() { awk '/^holder/ {print $2; exit}' "$work/$1.out"; }

# why [PREFIX...] -- ARGS...: porttop --json --why ARGS; the document is
# kept in $out (every one is checked against the schema at the end), the
# exit status in $rc
n=0
why() {
	w_pre=
	while [ "$1" != -- ]; do
		w_pre="$w_pre $1"
		shift
	done
	shift
	n=$((n + 1))
	out=$work/why$n.json
	# shellcheck disable=SC2086
	$w_pre "$PORTTOP" --json --why "$@" >"$out" 2>"$work/why$n.err"
	rc=$?
}
# has KIND BLOCKS [JQ-CONDITION]: exactly one reason of that kind and effect
# (and condition) in $out
has() {
	jqt "$out" --arg k "$1" --arg b "$2" \
		"[.reasons[] | select(.kind == \$k and .blocks == \$b and (${3:-true}))] | length == 1"
}
# agrees: --try's answer matches the verdict ("maybe" takes either)
agrees() {
	jqt "$out" '.try != null and (.verdict == "maybe" or ((.verdict == "free") == .try.accepted))'
}
verdict() { jqt "$out" --arg v "$1" '.verdict == $v'; }

# a free port
why -- 7101
[ $rc -eq 0 ] && verdict free && jqt "$out" '.reasons == [] and .error == null'
ok $? "a free port: verdict free, no reason, exit 0 (rc $rc)"
why -- 7101 --try
[ $rc -eq 0 ] && agrees && jqt "$out" '.try.accepted and .try.errno == null'
ok $? "a free port: --try binds it (rc $rc)"
txt=$("$PORTTOP" --why 7101)
echo "$txt" | grep -q '^7101/tcp on every address (:: and 0.0.0.0): free'
ok $? "the text says free: $txt"

# a listener
hold lis -- tcp/127.0.0.1/7102
pid=$(pid_of lis)
why -- 7102
[ $rc -eq 1 ] && verdict blocked && jqt "$out" '.error == "EADDRINUSE"' &&
	has listener yes ".socket.address == \"127.0.0.1\" and .socket.state == \"LISTEN\" and .holders[0].pid == $pid and .holders[0].comm == \"lis\""
ok $? "a listener blocks, with its holder pid $pid (rc $rc)"
why -- 7102 --try
[ $rc -eq 1 ] && agrees && jqt "$out" '.try.errno == "EADDRINUSE"'
ok $? "a listener: --try gets EADDRINUSE (rc $rc)"
why -- 7102 --try=reuseaddr
[ $rc -eq 1 ] && verdict blocked && agrees
ok $? "a listener: SO_REUSEADDR does not help, and the kernel agrees (rc $rc)"
why -- 7102 --address 127.0.0.2 --try
[ $rc -eq 0 ] && verdict free && agrees
ok $? "another address of the same family is free (rc $rc)"
why -- 7102 --address ::1 --try
[ $rc -eq 0 ] && verdict free && agrees
ok $? "::1 does not overlap 127.0.0.1 (rc $rc)"
why -- 7102 --address 0.0.0.0 --try
[ $rc -eq 1 ] && verdict blocked && agrees
ok $? "0.0.0.0 overlaps 127.0.0.1 (rc $rc)"
why -- 7102 -4 --try
[ $rc -eq 1 ] && verdict blocked && agrees && jqt "$out" '.address == "0.0.0.0"'
ok $? "-4 asks for 0.0.0.0 (rc $rc)"
why -- 7102 -6 --try
[ $rc -eq 0 ] && verdict free && agrees && jqt "$out" '.address == "::" and .v6only'
ok $? "-6 asks for :: with IPV6_V6ONLY, which 127.0.0.1 does not block (rc $rc)"
txt=$("$PORTTOP" --why 7102)
echo "$txt" | grep -q "^blocks: a listener" &&
	echo "$txt" | grep -q "holder .*pid $pid, fd" &&
	echo "$txt" | grep -q "command .*listen-helper"
ok $? "the text names the listener and its holder as a card does"
# where some process cannot be read, the holders shown may not be all:
# the text says so after them, as the card does (and only then)
more='^  holder       (more holders may exist: some processes could not be read)$'
card=$("$PORTTOP" 7102 2>/dev/null)
why -- 7102
if [ "$(jq -r '.reasons[] | select(.kind == "listener") | .owner_status' "$out")" = partial ]; then
	echo "$txt" | sed -n '/^blocks: a listener/,/^$/p' | grep -q "$more" &&
		echo "$card" | grep -q "$more"
	ok $? "holders partial (some process unreadable): the text says more may exist, as the card"
else
	! echo "$txt" | grep -q 'more holders may exist' &&
		! echo "$card" | grep -q 'more holders may exist'
	ok $? "holders complete: neither the text nor the card says more may exist"
fi

# a socket bound but not listening
hold bnd -- tcp-bound/0.0.0.0/7103
pid=$(pid_of bnd)
why -- 7103 --try
if jqt "$out" '.facts.sees_bound_sockets'; then
	[ $rc -eq 1 ] && agrees &&
		has bound yes ".socket.state == \"BOUND\" and .holders[0].pid == $pid"
	ok $? "a bound-only socket blocks, with its holder (rc $rc)"
else
	has unseen-bound no
	ok $? "before 6.7 the kernel cannot show bound-only sockets, and says so"
	ok 0 "# SKIP kernel $(uname -r) does not report bound-only sockets (TCP_BOUND_INACTIVE, 6.7)"
fi

# TIME_WAIT with the port as its local port
hold tw -- tcp-tw/127.0.0.1/7104
why -- 7104 --try
[ $rc -eq 1 ] && agrees &&
	has connection yes '.socket.state == "TIME_WAIT" and .socket.timer_ms > 0 and .socket.timer_ms <= 60000 and .owner_status == "kernel" and .holders == []'
ok $? "TIME_WAIT blocks, with the time it has left (rc $rc)"
why -- 7104 --try=reuseaddr
[ $rc -eq 1 ] && verdict maybe && agrees && jqt "$out" '.try.errno == "EADDRINUSE"'
ok $? "TIME_WAIT with SO_REUSEADDR: maybe; the kernel refuses, its listener had none (rc $rc)"
"$PORTTOP" --why 7104 | grep -Eq "TIME_WAIT ends by itself in [0-9]+ s"
ok $? "the text says when TIME_WAIT ends"
why -- 7104 --try=reuseaddr
jqt "$out" '.answer == "blocked"'
ok $? "...and its answer is the kernel's: blocked (rc $rc)"
txt=$("$PORTTOP" --why 7104 --try=reuseaddr | head -1)
echo "$txt" | grep -q ': blocked: the kernel refused a test bind with EADDRINUSE'
ok $? "the verdict line says what the kernel answered: $txt"

# TIME_WAIT of a listener with SO_REUSEADDR: --try settles the maybe
hold twr -- tcp-tw/127.0.0.1/7110/reuseaddr
why -- 7110 --try=reuseaddr
[ $rc -eq 0 ] && verdict maybe && jqt "$out" '.answer == "free" and .try.accepted'
ok $? "TIME_WAIT whose socket set SO_REUSEADDR: maybe, the kernel accepts, answer free, exit 0 (rc $rc)"
txt=$("$PORTTOP" --why 7110 --try=reuseaddr | head -1)
echo "$txt" | grep -q 'with SO_REUSEADDR: free: the kernel accepted a test bind' &&
	! echo "$txt" | grep -q 'maybe:'
ok $? "the verdict line states the settled answer: $txt"
why -- 7110
[ $rc -eq 1 ] && jqt "$out" '.answer == "blocked" and .verdict == "blocked"'
ok $? "without --try the answer is the verdict (rc $rc)"

# an established connection on the port
hold est -- tcp-est/127.0.0.1/7105
pid=$(pid_of est)
why -- 7105 --try
[ $rc -eq 1 ] && agrees &&
	has connection yes ".socket.state == \"ESTABLISHED\" and .socket.remote.address == \"127.0.0.1\" and .holders[0].pid == $pid"
ok $? "an established connection blocks, with its holder (rc $rc)"

# UDP
hold udp -- udp/0.0.0.0/7106
pid=$(pid_of udp)
why -- 7106/udp --try
[ $rc -eq 1 ] && agrees && jqt "$out" '.proto == "udp"' &&
	has udp yes ".socket.state == \"UNCONN\" and .holders[0].pid == $pid"
ok $? "a UDP socket blocks PORT/udp (rc $rc)"
why -- 7106 --try
[ $rc -eq 0 ] && verdict free && agrees
ok $? "...but not PORT/tcp (rc $rc)"
why -- 7106 -u
[ $rc -eq 1 ] && jqt "$out" '.proto == "udp"'
ok $? "-u asks about UDP as /udp does (rc $rc)"

# a SO_REUSEPORT group of another uid
if $root; then
	nobody="setpriv --reuid 65534 --regid 65534 --clear-groups"
	hold grp $nobody -- tcp/0.0.0.0/7107/reuseport tcp/0.0.0.0/7107/reuseport
	why -- 7107 --try=reuseport
	[ $rc -eq 1 ] && agrees && jqt "$out" '.try.errno == "EADDRINUSE"' &&
		jqt "$out" '[.reasons[] | select(.kind == "reuseport-group" and .blocks == "yes" and .group == 2 and .socket.uid == 65534)] | length == 2'
	ok $? "a SO_REUSEPORT group of uid 65534 blocks another uid, even with SO_REUSEPORT (rc $rc)"
	"$PORTTOP" --why 7107 | grep -q "as uid 65534"; ok $? "the text names the group's uid"
	why $nobody -- 7107 --try=reuseport
	[ $rc -eq 0 ] && verdict free && agrees
	ok $? "uid 65534 with SO_REUSEPORT joins the group (rc $rc)"
	why $nobody -- 7107 --try
	[ $rc -eq 1 ] && verdict blocked && agrees
	ok $? "uid 65534 without SO_REUSEPORT does not (rc $rc)"
else
	ok 0 "# SKIP a group of another uid needs root and setpriv"
fi

# a reserved port: a note, not a block
sys=/proc/sys/net/ipv4
if echo 7108 >"$sys/ip_local_reserved_ports" 2>/dev/null; then
	why -- 7108 --try
	[ $rc -eq 0 ] && verdict free && agrees && has reserved no
	ok $? "a reserved port is a note and binds (rc $rc)"
else
	ok 0 "# SKIP cannot write ip_local_reserved_ports in this namespace"
fi

# a port in the ephemeral range
# (cat: a shell's read takes a byte at a time, which sysctl files mangle)
range=$(cat "$sys/ip_local_port_range")
lo=${range%%[!0-9]*}
hi=${range##*[!0-9]}
eph=$((lo + 7))
why -- "$eph" --try
[ $rc -eq 0 ] && verdict free && agrees &&
	has ephemeral no ".detail | contains(\"ip_local_reserved_ports=$eph\")"
ok $? "a port in the ephemeral range $lo-$hi is a note that suggests reserving it (rc $rc)"

# privileged ports
why -- 80 --try
if jqt "$out" '.facts.cap_net_bind_service'; then
	[ $rc -eq 0 ] && agrees && has privileged no
	ok $? "with CAP_NET_BIND_SERVICE port 80 is a note (rc $rc)"
fi
if $root; then
	why setpriv --bounding-set -net_bind_service -- 80 --try
	[ $rc -eq 1 ] && agrees && has privileged yes &&
		jqt "$out" '.error == "EACCES" and .try.errno == "EACCES" and (.facts.cap_net_bind_service | not)'
	ok $? "without CAP_NET_BIND_SERVICE port 80 gets EACCES (rc $rc)"
	# (the text is folded: one line to grep)
	txt=$(setpriv --bounding-set -net_bind_service "$PORTTOP" --why 80 |
		tr '\n' ' ' | tr -s ' ')
	echo "$txt" | grep -q "uid 0 but without it, so the capability was dropped" &&
		echo "$txt" | grep -q -- "--cap-add NET_BIND_SERVICE" &&
		! echo "$txt" | grep -q "Run the server as root"
	ok $? "as uid 0 without the capability, the advice says it was dropped and how to give it back"
	why $nobody -- 80 --try
	[ $rc -eq 1 ] && agrees && has privileged yes &&
		jqt "$out" '.facts.uid == 65534 and .facts.unprivileged_port_start == 1024'
	ok $? "as uid 65534 too (rc $rc)"
	"$PORTTOP" --why 80 | grep -q "porttop has it" ; ok $? "the text says porttop has the capability"
	echo 80 >"$sys/ip_unprivileged_port_start"
	why $nobody -- 80 --try
	[ $rc -eq 0 ] && verdict free && agrees
	ok $? "the namespace's threshold at 80 frees port 80 for uid 65534 (rc $rc)"
	echo 1024 >"$sys/ip_unprivileged_port_start"
else
	ok 0 "# SKIP a privileged port as another user needs root and setpriv"
fi

# a user namespace: the capability counts only over the network namespace
# its user namespace owns (this one is the test's, owned by the user
# namespace the test started in)
if unshare -U -r true 2>/dev/null; then
	why unshare -U -r -- 80 --try
	[ $rc -eq 1 ] && agrees && has privileged yes &&
		jqt "$out" '.error == "EACCES" and .try.errno == "EACCES" and .facts.cap_net_bind_service == false and .facts.uid == 0'
	ok $? "root of a new user namespace in a network namespace it does not own: EACCES, as the kernel says (rc $rc)"
	unshare -U -r "$PORTTOP" --why 80 | tr '\n' ' ' | tr -s ' ' >"$work/userns.txt"
	grep -q "has it only in its own user namespace" "$work/userns.txt" &&
		! grep -q "porttop has it" "$work/userns.txt"
	ok $? "the text says the capability does not count here"
	why unshare -U -r -n -- 80 --try
	[ $rc -eq 0 ] && verdict free && agrees && has privileged no &&
		jqt "$out" '.facts.cap_net_bind_service == true and .try.accepted'
	ok $? "root of a new user namespace in a network namespace it owns (unshare -Urn): free, as the kernel says (rc $rc)"
else
	ok 0 "# SKIP the kernel refuses a user namespace (unshare -U -r)"
	ok 0 "# SKIP the kernel refuses a user namespace (unshare -U -r)"
	ok 0 "# SKIP the kernel refuses a user namespace (unshare -U -r)"
fi

# another namespace: a note with -N
if $root; then
	hold other unshare -n -- tcp/0.0.0.0/7109
	pid=$(pid_of other)
	why -- 7109 --try
	[ $rc -eq 0 ] && verdict free && jqt "$out" '.reasons == []' && agrees
	ok $? "a listener in another namespace does not block here (rc $rc)"
	why -- 7109 -N
	[ $rc -eq 0 ] && has other-netns no ".holders[0].pid == $pid"
	ok $? "with -N it is a note naming its holder (rc $rc)"
else
	ok 0 "# SKIP another namespace needs root"
fi

# usage
for bad in "--why 0" "--why 1-5" "--why 70000" "--why 80 8080" "--why 80 --try=bogus" \
	"--why 80 --address nope" "--try" "--address ::1" "--why 80 --wait"; do
	# shellcheck disable=SC2086
	"$PORTTOP" $bad >/dev/null 2>"$work/usage"; rc=$?
	[ $rc -eq 2 ] && [ "$(wc -l <"$work/usage")" -eq 1 ]
	ok $? "porttop $bad: one line and exit 2 (rc $rc): $(cat "$work/usage")"
done

# every document against the documented schema, and the schema against
# the man page
check="$srcdir/tests/schema-check.py"
schema="$srcdir/doc/why.schema.json"
python3 "$check" "$schema" "$work"/why*.json >"$work/schema" 2>&1
ok $? "all $n --why --json documents match doc/why.schema.json$(head -3 "$work/schema" | sed 's/^/; /')"
jq 'del(.verdict)' "$work/why1.json" >"$work/broken.json"
! python3 "$check" "$schema" "$work/broken.json" >/dev/null 2>&1
ok $? "the schema check fails a document without its verdict"
jq '.reasons = [{"kind": "listener"}]' "$work/why1.json" >"$work/broken.json"
! python3 "$check" "$schema" "$work/broken.json" >/dev/null 2>&1
ok $? "...and one with a reason lacking its keys"
missing=
for key in $(jq -r '[.. | objects | .properties? // empty | keys[]] | unique[]' "$schema"); do
	grep -Eq "^\.B[RI]? $key( |$)" "$srcdir/doc/porttop.1" || missing="$missing $key"
done
[ -z "$missing" ]; ok $? "the man page documents every key of the schema${missing:+ (missing:$missing)}"
done_testing

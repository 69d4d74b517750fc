#!/bin/sh
# ksock.sh - a socket the kernel made for itself (a VXLAN device's UDP
# socket) has no file, so no process can hold it: with the BPF owner scan
# every view says so, as a certain answer (a card exits 0, whatever could
# not be read); the /proc scan cannot tell it from a socket held by a
# process it could not read, and answers as before
. "$srcdir/tests/lib.sh"

need jq
[ "$(id -u)" = 0 ] || skip_all "needs root (BPF, a VXLAN device)"
inner_netns "$1"

ip link add vx0 type vxlan id 42 dstport 4789 dev lo 2>/dev/null &&
	ip link set vx0 up ||
	skip_all "the kernel refuses a VXLAN device here (the vxlan module)"
work=$(mktemp -d "${TMPDIR:-/tmp}/porttop-ksock.XXXXXX") || exit 99
trap 'rm -rf "$work"' EXIT
kernel='(held by the kernel: no process can hold it)'

# /proc first: as before, "no process" only where every process was read
if proc_fds_unreadable; then
	proc_st=permission proc_rc=4
else
	proc_st=none proc_rc=0
fi
"$PORTTOP" --owner-scan=proc 4789 >"$work/pcard" 2>"$work/pcard.err"; rc=$?
[ $rc -eq $proc_rc ]
ok $? "--owner-scan=proc: the card exits $proc_rc, as before ($rc)"
! grep -qF "$kernel" "$work/pcard"
ok $? "--owner-scan=proc cannot tell the kernel's socket: $(grep holder "$work/pcard")"
"$PORTTOP" --owner-scan=proc --json >"$work/pjson"
jqt "$work/pjson" --arg st "$proc_st" \
	'[.[] | select(.port == 4789)] | length == 1 and
	 .[0].owner_status == $st and .[0].owners == []'
ok $? "--owner-scan=proc: JSON owner_status $proc_st"

if bpf_refused; then
	diag "no BPF owner scan here: $bpf_why"
	done_testing
	exit $?
fi

"$PORTTOP" --owner-scan=bpf 4789 >"$work/card" 2>"$work/card.err"; rc=$?
[ $rc -eq 0 ]
ok $? "the card of the kernel's socket: a certain answer, exit 0 ($rc)"
grep -qxF "  holder       $kernel" "$work/card"
ok $? "the card says it is the kernel's: $(grep holder "$work/card")"
[ ! -s "$work/card.err" ]
ok $? "and no hint of unknown holders: $(cat "$work/card.err")"

"$PORTTOP" --owner-scan=bpf -b >"$work/table"; rc=$?
awk '$3 == 4789' "$work/table" | grep -qF "$kernel"
ok $? "the table says it ($rc): $(awk '$3 == 4789' "$work/table")"

"$PORTTOP" --owner-scan=bpf --json >"$work/json"
jqt "$work/json" '[.[] | select(.port == 4789)] | length == 1 and
	.[0].owner_status == "kernel" and .[0].owners_complete == true and
	.[0].owners == []'
ok $? "JSON: owner_status kernel, owners_complete true, no owners"

"$PORTTOP" --owner-scan=bpf --why 4789/udp >"$work/why"; rc=$?
grep -qF "$kernel" "$work/why"
ok $? "--why says who holds the port ($rc): $(grep holder "$work/why")"

"$PORTTOP" --owner-scan=bpf --prometheus >"$work/prom"
grep 'port="4789"' "$work/prom" | grep -q 'owner_status="kernel"'
ok $? "Prometheus: owner_status=\"kernel\""

# refreshes: the walk's filter, and the check made again at each one
"$PORTTOP" --owner-scan=bpf --events -n 3 -d 0.1 >"$work/events"; rc=$?
jqt "$work/events" -s '[.[] | select(.event == "snapshot") | .listeners[] |
	select(.port == 4789)] | length == 1 and .[0].owner_status == "kernel"'
ok $? "events: the snapshot says kernel ($rc)"

# the live view, where tmux is installed
if command -v tmux >/dev/null 2>&1 && infocmp tmux-256color >/dev/null 2>&1; then
	T="tmux -L porttop-ksock-$$ -f /dev/null"
	$T new-session -d -x 160 -y 20 -s t \
		"env LANG=C.UTF-8 TERM=tmux-256color '$PORTTOP' --owner-scan=bpf --live -d 0.2 -n 3; sleep 5"
	n=0
	until $T capture-pane -p -t t | grep -qF "$kernel" || [ $n -gt 50 ]; do
		sleep 0.1
		n=$((n + 1))
	done
	$T capture-pane -p -t t >"$work/live"
	$T kill-server 2>/dev/null
	grep 4789 "$work/live" | grep -qF "$kernel"
	ok $? "the live view says it: $(grep 4789 "$work/live")"
else
	ok 0 "# SKIP the live view: no tmux or no tmux-256color terminfo"
fi

# -N: a kernel socket of another namespace is asked there
ns=porttop-ksock-$$
if ip netns add "$ns" 2>/dev/null; then
	ip netns exec "$ns" sh -c 'ip link set lo up &&
		ip link add vx1 type vxlan id 43 dstport 4790 dev lo &&
		ip link set vx1 up'
	"$PORTTOP" --owner-scan=bpf -N --json >"$work/nsjson"
	ip netns del "$ns"
	jqt "$work/nsjson" --arg ns "$ns" '[.[] | select(.port == 4790 and
		.netns_name == $ns)] | length == 1 and .[0].owner_status == "kernel"'
	ok $? "-N: the kernel's socket of another namespace says kernel"
else
	ok 0 "# SKIP -N: ip netns add is refused here"
fi

# gone with its device
ip link del vx0
"$PORTTOP" --owner-scan=bpf 4789 >/dev/null 2>&1; rc=$?
[ $rc -eq 1 ]
ok $? "the device deleted, nothing listens on 4789 (exit $rc)"
done_testing

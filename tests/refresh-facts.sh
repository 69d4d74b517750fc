#!/bin/sh
# refresh-facts.sh - a refresh reads a holder's facts again: after the
# process that holds a listener rewrites its command line in place (no
# exec: the same pid, start time and fds, so nothing an owner scan counts
# changes) and is moved to another cgroup, the next refresh shows the new
# command line and cgroup, as a one-shot scan does. With each owner scan:
# the /proc scan held to its incremental refresh, and BPF where the kernel
# allows it.
. "$srcdir/tests/lib.sh"

need jq awk
[ "$(id -u)" = 0 ] || skip_all "needs root (moving a process to another cgroup)"
inner_netns "$1"
cg2=$(awk '{ for (i = 7; i < NF; i++) if ($i == "-") {
	if ($(i + 1) == "cgroup2") print $5; break } }' /proc/self/mountinfo |
	head -n 1)
[ -n "$cg2" ] || skip_all "no cgroup2 hierarchy is mounted"
work=$(mktemp -d "${TMPDIR:-/tmp}/porttop-facts.XXXXXX") || exit 99
cg=$cg2/porttop-facts-$$
mkdir "$cg" 2>/dev/null || { rm -rf "$work"; skip_all "cannot make a cgroup in $cg2"; }
# the helpers go back to the cgroup they came from, then the new one goes
home=$(awk -F: '$1 == "0" { print $3 }' /proc/self/cgroup)
cleanup() {
	exec 3>&- 2>/dev/null
	wait
	for p in $(cat "$cg/cgroup.procs" 2>/dev/null); do
		echo "$p" >"$cg2$home/cgroup.procs" 2>/dev/null
	done
	rmdir "$cg" 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT

# owner: the first holder of the one listener in the JSON document on
# stdin, as "cmdline[0] cgroup"
owner() {
	jq -r '.[0].owners[0] | "\(.cmdline[0]) \(.cgroup)"'
}

for scan in proc bpf; do
	if [ $scan = bpf ] && bpf_refused; then
		diag "bpf: not tested, the BPF owner scan is refused here"
		continue
	fi
	rm -f "$work/in" "$work/t"
	mkfifo "$work/in"
	"$HELPER" -t porttop-retitled tcp/127.0.0.1/0 PADDING a-long-enough-command-line \
		<"$work/in" >"$work/h" &
	exec 3>"$work/in"
	wait_ready "$work/h"
	pid=$(awk '$1 == "holder" { print $2 }' "$work/h")
	PORTTOP_REFRESH=incremental "$PORTTOP" --owner-scan=$scan --json -n 3 -d 1 \
		>"$work/t" 2>/dev/null &
	top=$!
	n=0
	until [ -s "$work/t" ] || [ $n -gt 200 ]; do
		n=$((n + 1))
		sleep 0.1
	done
	# between the first table and the second
	kill -USR2 "$pid"
	echo "$pid" >"$cg/cgroup.procs"
	wait $top
	"$PORTTOP" --owner-scan=$scan --json >"$work/o" 2>/dev/null
	first=$(sed -n 1p "$work/t" | owner)
	last=$(sed -n 3p "$work/t" | owner)
	shot=$(owner <"$work/o")
	case ${first%% *} in
	*/listen-helper) r=0 ;;
	*) r=1 ;;
	esac
	ok $r "$scan: the first refresh shows the command line at the start ($first)"
	[ "${last%% *}" = porttop-retitled ]
	ok $? "$scan: a later refresh shows the command line rewritten in place ($last)"
	[ "$last" = "$shot" ]
	ok $? "$scan: and the holder's facts of a one-shot scan ($shot)"
	# the cgroup shown is the v2 one unless another hierarchy names a
	# unit or container (hybrid hosts)
	if [ "${first#* }" = "$home" ]; then
		[ "${last#* }" = "/porttop-facts-$$" ]
		ok $? "$scan: a later refresh shows the new cgroup (${last#* })"
	else
		diag "$scan: the cgroup shown is not the v2 one here (${first#* }): the move is not seen in it"
	fi
	exec 3>&-
	wait
done
done_testing

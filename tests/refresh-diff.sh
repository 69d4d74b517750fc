#!/bin/sh
# refresh-diff.sh - every refresh of porttop -n is as true as a one-shot
# scan at the same moment, under churn that keeps fd counts the same: dup2
# hand-offs, fd swaps, exec, restarts and pid reuse (tests/churn-helper.c).
# A refresh is compared with a one-shot --json when no change happened
# from the start of either scan to the end of both; the test fails unless
# some were compared and none differed.
#   REFRESH_DIFF_STEPS (25), _QUIET_MS (600), _GROUPS (2), _DELAY (0.15)
#   REFRESH_DIFF_SCAN: proc (the default: the incremental /proc refresh,
#   in pid and network namespaces of its own) or bpf (refresh-diff-bpf.sh:
#   the BPF scan, which needs the initial pid namespace: pid reuse by
#   clone3 set_tid, which takes back only the pid the churn just freed)
. "$srcdir/tests/lib.sh"

need jq unshare ip awk
[ "$(id -u)" = 0 ] || skip_all "needs root (a pid namespace, ns_last_pid)"
steps=${REFRESH_DIFF_STEPS:-25}
quiet=${REFRESH_DIFF_QUIET_MS:-600}
groups=${REFRESH_DIFF_GROUPS:-2}
delay=${REFRESH_DIFF_DELAY:-0.15}
scan=${REFRESH_DIFF_SCAN:-proc}
CHURN=${CHURN:-$top_builddir/tests/churn-helper}
if [ "$1" != --inner ] && [ "$scan" = bpf ]; then
	! bpf_refused ||
		skip_all "the BPF owner scan is refused here: $bpf_why"
	inner_netns "$1"
elif [ "$1" != --inner ]; then
	# its own network and pid namespaces: only the churn's processes are
	# seen, and ns_last_pid can make a pid be reused
	unshare -npf --mount-proc true 2>/dev/null ||
		skip_all "the kernel refuses new network and pid namespaces"
	exec unshare -npf --mount-proc sh -c 'ip link set lo up && exec sh "$0" --inner' "$0"
fi
reuse=
[ "$scan" = bpf ] && reuse=-n	# the host's ns_last_pid is not ours to set

work=$(mktemp -d "${TMPDIR:-/tmp}/porttop-rdiff.XXXXXX") || exit 99
trap 'rm -rf "$work"' EXIT
now() { date +%s.%N; }

# a pair needs a refresh and a one-shot inside one quiet window: where a
# one-shot takes long (a loaded machine, or the BPF scan of a host with
# many open files), the quiet windows grow to four one-shots (at most 4 s);
# timed with a listener held, so that the owner scan runs
mkfifo "$work/hin"
"$HELPER" tcp/127.0.0.1/0 <"$work/hin" >"$work/hout" &
exec 5>"$work/hin"
wait_ready "$work/hout"
a=$(now)
"$PORTTOP" --json >/dev/null 2>&1
"$PORTTOP" --json >/dev/null 2>&1
b=$(now)
exec 5>&-
wait
quiet=$(awk -v q="$quiet" -v a="$a" -v b="$b" 'BEGIN {
	w = 2000 * (b - a); if (w > 4000) w = 4000
	printf "%d", (w > q ? w : q) }')
diag "quiet windows of $quiet ms (one one-shot took $(awk -v a="$a" -v b="$b" 'BEGIN { printf "%d", 500 * (b - a) }') ms)"

"$CHURN" -s "${REFRESH_DIFF_SEED:-$$}" -q "$quiet" -g "$groups" $reuse \
	"$steps" >"$work/mut" &
churn=$!
wait_ready "$work/mut"

# the refresh: one porttop, a table per refresh, each stamped when it is
# printed (the scan happened between the previous print and this one); the
# /proc scan held to its incremental refresh (in a namespace this small
# every refresh would be a full scan: HACKING.md, PORTTOP_REFRESH), or the
# BPF scan; the one-shots take the default scan, which in a pid namespace
# of its own is a fresh /proc scan too, and else BPF
ntables=$(awk -v s="$steps" -v q="$quiet" -v d="$delay" \
	'BEGIN { printf "%d", s * (q / 1000 + 0.05) / d + 20 }')
start=$(now)
PORTTOP_REFRESH=incremental \
	"$PORTTOP" --owner-scan="$scan" --json -n "$ntables" -d "$delay" 2>/dev/null | {
	k=0
	prev=$start
	while IFS= read -r line; do
		case $line in
		'['*)
			k=$((k + 1))
			t=$(now)
			echo "table $k $prev $t" >>"$work/index"
			prev=$t
			: >"$work/t.$k"
			;;
		esac
		printf '%s\n' "$line" >>"$work/t.$k"
	done
} &
refresh=$!

# one-shots while the churn runs
s=0
while kill -0 "$churn" 2>/dev/null; do
	s=$((s + 1))
	a=$(now)
	"$PORTTOP" --json >"$work/o.$s" 2>/dev/null
	b=$(now)
	echo "shot $s $a $b" >>"$work/index"
	sleep "$(awk -v q="$quiet" 'BEGIN { print q / 4000 }')"
done
wait "$churn"
kill "$refresh" 2>/dev/null
wait 2>/dev/null
grep '^mut' "$work/mut" >>"$work/index"

# pair each table with a one-shot taken with no change in between; the
# table's scan began after the previous table was printed (less a margin
# for the stamping shell's lag)
awk -v margin=0.3 '
$1 == "table" { tk[++nt] = $2; ta[nt] = $3 - margin; tb[nt] = $4 }
$1 == "shot" { sk[++ns] = $2; sa[ns] = $3; sb[ns] = $4 }
$1 == "mut" { ma[++nm] = $3; mb[nm] = $4 }
END {
	for (i = 2; i <= nt; i++) {
		for (j = 1; j <= ns; j++) {
			lo = ta[i] < sa[j] ? ta[i] : sa[j]
			hi = tb[i] > sb[j] ? tb[i] : sb[j]
			if (hi - lo > 5)
				continue
			clean = 1
			for (m = 1; m <= nm && clean; m++)
				if (ma[m] <= hi && mb[m] >= lo)
					clean = 0
			if (clean) {
				print tk[i], sk[j]
				break
			}
		}
	}
}' "$work/index" >"$work/pairs"

norm() {
	jq -cS '[.[] | {inode, proto, address, port, owner_status,
		owners: ([.owners[] | {pid, tid, fd, comm, cmdline, uid,
			start_time}] | sort_by(.pid, .tid, .fd))}] | sort_by(.inode) | .[]' "$1"
}
compared=0
mismatches=0
while read -r k s; do
	# the last table may be cut short when the run ends
	jq -e . "$work/t.$k" >/dev/null 2>&1 && [ -s "$work/o.$s" ] || continue
	compared=$((compared + 1))
	if [ "$(norm "$work/t.$k")" != "$(norm "$work/o.$s")" ]; then
		mismatches=$((mismatches + 1))
		if [ $mismatches -le 3 ]; then
			diag "refresh $k differs from one-shot $s:"
			norm "$work/t.$k" >"$work/a"
			norm "$work/o.$s" >"$work/b"
			diag "$(diff "$work/a" "$work/b" | head -c 1500)"
		fi
	fi
done <"$work/pairs"
tables=$(grep -c '^table' "$work/index")
shots=$(grep -c '^shot' "$work/index")
muts=$(grep '^mut' "$work/mut" | grep -v '^mut end' | awk '{ c[$2]++ } END { for (o in c) printf "%s=%d ", o, c[o] }')
diag "owner scan of the refreshes: $scan"
diag "tables $tables, one-shots $shots, changes: $muts($(grep '^done' "$work/mut"))"
diag "refreshes compared $compared, mismatches $mismatches"
[ "$tables" -gt 1 ]; ok $? "porttop -n printed $tables tables"
[ "$compared" -gt 0 ]; ok $? "refreshes were compared with one-shots ($compared)"
[ "$mismatches" -eq 0 ]; ok $? "every compared refresh equals its one-shot ($mismatches of $compared differ)"
done_testing

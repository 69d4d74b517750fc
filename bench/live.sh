#!/bin/sh
# live.sh - the cost of a refresh: porttop -b -n N -d 1 (the refresh path,
# printing the whole table every time) and the live view itself,
# porttop -n N -d 1 in a tmux pane of 200x50 (a refresh draws one screen),
# against running ss -tulnp once, at the large size, with each owner scan
# (--owner-scan=proc: incremental /proc refresh; bpf: a full BPF pass per
# refresh). The live view's line is /usr/bin/time of porttop run inside
# the pane (skipped without tmux). As root:
#   bench/live.sh [N] [SIZE]   (default N=20 refreshes, SIZE large)
# PORTTOP="/path/a /path/b" measures each binary in the same run (before
# and after a change), one after the other for each scan.
# At the end a summary gives, for each binary and scan, the CPU of a
# refresh two ways, each with its ratio to the median of three ss -tulnp:
# the whole run's (CPU of -n N / N: it includes the start and the first
# refresh, a full scan) and the steady one ((CPU of -n N - CPU of -n 2) /
# (N - 2): a refresh of a running view, which is what the live view costs).
# SCANS="bpf" measures one scan only; VXLAN=1 adds a VXLAN device to the
# load's network namespace: a UDP socket of the kernel's own, which no
# process holds (the BPF walk's filter, issue 16).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")
n=${1:-20}
[ "$n" -gt 2 ] || { echo "live.sh: N must be more than 2" >&2; exit 2; }
if [ "${2:-}" = --inner ]; then
	shift 2
	if [ -n "${VXLAN:-}" ]; then
		ip link add porttop-vx0 type vxlan id 42 dstport 4789 dev lo &&
			ip link set porttop-vx0 up
	fi
	for p in "$@"; do
		"$p" -b >/dev/null 2>&1	# warm the caches like a running view would
	done
	tf=$(mktemp)
	sum=$(mktemp)
	# timed() LABEL CMD...: porttop's hint lines (PID 1 unreadable) go,
	# time's line stays; "LABEL<tab>CPU seconds" goes to the summary
	timed() {
		label=$1
		shift
		/usr/bin/time -o "$tf" -f "$label: wall %e s, cpu %U+%S s, max rss %M KiB" \
			"$@" >/dev/null 2>&1
		cat "$tf"
		note "$label"
	}
	note() {
		sed -n 's/.*cpu \([0-9.]*\)+\([0-9.]*\) s.*/\1 \2/p' "$tf" |
			awk -v l="$1" '{ printf "%s\t%.3f\n", l, $1 + $2 }' >>"$sum"
	}
	# live LABEL CMD...: CMD in a tmux pane of its own (the live view
	# wants a terminal); time's line once it has quit
	live() {
		label=$1
		shift
		command -v tmux >/dev/null 2>&1 ||
			{ echo "$label: no tmux, not measured"; return 0; }
		: >"$tf"
		tmux -L "porttop-live-$$" -f /dev/null new-session -d -x 200 \
			-y 50 /usr/bin/time -o "$tf" \
			-f "$label: wall %e s, cpu %U+%S s, max rss %M KiB" "$@"
		while [ ! -s "$tf" ]; do
			sleep 1
		done
		tmux -L "porttop-live-$$" kill-server 2>/dev/null || :
		cat "$tf"
		note "$label"
	}
	for how in ${SCANS:-proc bpf}; do
		for p in "$@"; do
			"$p" -b --owner-scan=$how >/dev/null 2>&1 ||
				{ echo "$p --owner-scan=$how: not available here"; continue; }
			timed "$p -b -n $n -d 1 --owner-scan=$how" \
				"$p" -b -n "$n" -d 1 --owner-scan=$how
			timed "$p -b -n 2 -d 1 --owner-scan=$how" \
				"$p" -b -n 2 -d 1 --owner-scan=$how
			live "$p -n $n -d 1 --owner-scan=$how (live view)" \
				"$p" -n "$n" -d 1 --owner-scan=$how
			live "$p -n 2 -d 1 --owner-scan=$how (live view)" \
				"$p" -n 2 -d 1 --owner-scan=$how
			timed "$p -b --owner-scan=$how (one scan)" \
				"$p" -b --owner-scan=$how
		done
	done
	for i in 1 2 3; do
		timed "ss -tulnp" ss -tulnp
	done
	# the summary: CPU a refresh, whole run and steady, and / ss
	echo "CPU a refresh (whole run: -n $n / $n; steady: (-n $n - -n 2) / $((n - 2))), / median ss -tulnp:"
	awk -F '\t' -v n="$n" '
	$1 == "ss -tulnp" { ss[++nss] = $2; next }
	{ cpu[$1] = $2; order[++nl] = $1 }
	END {
		# median of the ss runs
		for (i = 1; i <= nss; i++)
			for (j = i + 1; j <= nss; j++)
				if (ss[j] < ss[i]) { t = ss[i]; ss[i] = ss[j]; ss[j] = t }
		med = nss ? ss[int((nss + 1) / 2)] : 0
		printf "  ss -tulnp: %.3f s (median of %d)\n", med, nss
		for (i = 1; i <= nl; i++) {
			l = order[i]
			if (l !~ (" -n " n " -d 1 "))
				continue
			two = l
			sub(" -n " n " -d 1 ", " -n 2 -d 1 ", two)
			whole = cpu[l] / n
			line = sprintf("  %s: whole run %.4f s", l, whole)
			if (med > 0)
				line = line sprintf(" (%.4fx)", whole / med)
			if ((two in cpu) && n > 2) {
				steady = (cpu[l] - cpu[two]) / (n - 2)
				line = line sprintf(", steady %.4f s", steady)
				if (med > 0)
					line = line sprintf(" (%.4fx)", steady / med)
			}
			print line
		}
	}' "$sum"
	rm -f "$tf" "$sum"
	exit 0
fi
[ -x /usr/bin/time ] || apt-get install -y -qq time >/dev/null
mkdir -p "$here/_bin"
[ -x "$here/_bin/loadgen" ] ||
	gcc -O2 -o "$here/_bin/loadgen" "$here/loadgen.c"
p=${PORTTOP:-$top/_build-bench/src/porttop}
for b in $p; do
	[ -x "$b" ] || { echo "live.sh: no porttop at $b (run bench/run.sh once to build it)" >&2; exit 2; }
done
case ${2:-large} in
medium)	args="-P 200 -L 50 -U 10 -E 25 -F 50 -S 2 -G 10 -A 1" ;;
*)	args="-P 1000 -L 20 -U 5 -E 20 -F 100 -S 2 -G 10 -A 1" ;;
esac
m=$(mktemp)
# shellcheck disable=SC2086
"$here/_bin/loadgen" $args -m "$m" \
	-- sh "$0" "$n" --inner $p
rm -f "$m"

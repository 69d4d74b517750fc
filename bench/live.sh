#!/bin/sh
# live.sh - the cost of the incremental refresh: porttop -b -n N -d 1 (the
# live view's refresh path, printing every time) against running
# ss -tulnp once a second, at the large size, with each owner scan
# (--owner-scan=proc: incremental /proc refresh; bpf: a full BPF pass per
# refresh). As root:
#   bench/live.sh [N] [SIZE]   (default N=20 refreshes, SIZE large)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")
n=${1:-20}
if [ "${2:-}" = --inner ]; then
	p=$3
	"$p" -b >/dev/null	# warm the caches like a running view would
	for how in proc bpf; do
		"$p" -b --owner-scan=$how >/dev/null 2>&1 ||
			{ echo "--owner-scan=$how: not available here"; continue; }
		/usr/bin/time -f "porttop -b -n $n -d 1 --owner-scan=$how: wall %e s, cpu %U+%S s, max rss %M KiB" \
			"$p" -b -n "$n" -d 1 --owner-scan=$how >/dev/null
		/usr/bin/time -f "porttop -b --owner-scan=$how (one scan): wall %e s, cpu %U+%S s, max rss %M KiB" \
			"$p" -b --owner-scan=$how >/dev/null
	done
	for i in 1 2 3; do
		/usr/bin/time -f "ss -tulnp: wall %e s, cpu %U+%S s, max rss %M KiB" \
			ss -tulnp >/dev/null
	done
	exit 0
fi
[ -x /usr/bin/time ] || apt-get install -y -qq time >/dev/null
mkdir -p "$here/_bin"
[ -x "$here/_bin/loadgen" ] ||
	gcc -O2 -o "$here/_bin/loadgen" "$here/loadgen.c"
p=${PORTTOP:-$top/_build-bench/src/porttop}
[ -x "$p" ] || { echo "live.sh: run bench/run.sh once to build porttop" >&2; exit 2; }
case ${2:-large} in
medium)	args="-P 200 -L 50 -U 10 -E 25 -F 50 -S 2 -G 10 -A 1" ;;
*)	args="-P 1000 -L 20 -U 5 -E 20 -F 100 -S 2 -G 10 -A 1" ;;
esac
m=$(mktemp)
# shellcheck disable=SC2086
"$here/_bin/loadgen" $args -m "$m" \
	-- sh "$0" "$n" --inner "$p"
rm -f "$m"

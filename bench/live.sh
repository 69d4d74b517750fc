#!/bin/sh
# live.sh - the cost of the incremental refresh: porttop -b -n N -d 1 (the
# live view's refresh path, printing every time) against running
# ss -tulnp once a second, at the large size. As root:
#   bench/live.sh [N]        (default N=20 refreshes)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")
n=${1:-20}
if [ "${2:-}" = --inner ]; then
	p=$3
	"$p" -b >/dev/null	# warm the caches like a running view would
	/usr/bin/time -f "porttop -b -n $n -d 1: wall %e s, cpu %U+%S s, max rss %M KiB" \
		"$p" -b -n "$n" -d 1 >/dev/null
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
m=$(mktemp)
"$here/_bin/loadgen" -P 1000 -L 20 -U 5 -E 20 -F 100 -S 2 -G 10 -A 1 -m "$m" \
	-- sh "$0" "$n" --inner "$p"
rm -f "$m"

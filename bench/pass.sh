#!/bin/sh
# pass.sh - the cost of the BPF owner pass alone: each BPF object given
# (an iterator program, e.g. _build-bench/src/owners_walk.bpf.o) is pinned
# with bpftool and read N times (cat, to /dev/null) under the bench load;
# prints the CPU time (user+sys) a pass and the bytes it writes. As root:
#   bench/pass.sh [-f [-c MiB]] [-n N] [-s SIZE] OBJ...
# (default N=20, SIZE large)
# The pass runs in the kernel's read(2) of the iterator: this is the time
# porttop's BPF scan spends in it, without the dumps and user space.
# With -f, passbpf.c (built here with libbpf-dev) loads each object itself
# and reads it N times unfiltered, then, if it has the walk's filter, N
# times filtered as a live refresh is: the bitmap holds the files of the
# load's listeners (what a refresh wants); it also prints the load time.
# -c MiB writes MiB of memory between passes (cold caches, as a refresh a
# second after the last finds them).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
if [ "${1:-}" = --inner ]; then
	n=$2
	shift 2
	# loop FILE: n reads of FILE with cat; "user sys wall" seconds
	loop() {
		/usr/bin/time -f "%U %S %e" -o "$tf" sh -c \
			'i=0; while [ $i -lt '"$n"' ]; do cat "$1" >/dev/null; i=$((i+1)); done' \
			sh "$1"
		cat "$tf"
	}
	tf=$(mktemp)
	# what n cats cost without a pass (fork, exec): subtracted
	read -r bu bs be <<-EOT
	$(loop /dev/null)
	EOT
	for pin in "$@"; do
		cat "$pin" >/dev/null	# warm up
		bytes=$(cat "$pin" | wc -c)
		read -r u s e <<-EOT
		$(loop "$pin")
		EOT
		awk -v u="$u" -v s="$s" -v e="$e" -v bu="$bu" -v bs="$bs" \
			-v n="$n" -v b="$bytes" -v p="$pin" \
			'BEGIN { printf "%s: %.1f ms CPU a pass (%d passes: user %.2f s, sys %.2f s, wall %.2f s; cat alone: %.2f s), %d bytes a pass\n",
				p, (u + s - bu - bs) * 1000 / n, n, u, s, e, bu + bs, b }'
	done
	rm -f "$tf"
	exit 0
fi
n=20
size=large
filtered=
cold=
while getopts c:fn:s: o; do
	case $o in
	c) cold=c$OPTARG ;;
	f) filtered=1 ;;
	n) n=$OPTARG ;;
	s) size=$OPTARG ;;
	*) exit 2 ;;
	esac
done
shift $((OPTIND - 1))
[ $# -gt 0 ] || { echo "usage: pass.sh [-f [-c MiB]] [-n N] [-s SIZE] OBJ..." >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "pass.sh: needs /usr/bin/time" >&2; exit 2; }
mkdir -p "$here/_bin"
[ -x "$here/_bin/loadgen" ] ||
	gcc -O2 -o "$here/_bin/loadgen" "$here/loadgen.c"
if [ -n "$filtered" ]; then
	gcc -O2 -I"$here/../src" -o "$here/_bin/passbpf" \
			"$here/passbpf.c" -lbpf
	set -- "$here/_bin/passbpf" "$n$cold" "$@"
fi
pins=
cleanup() {
	for p in $pins; do
		rm -f "$p"
	done
}
trap cleanup EXIT
i=0
[ -n "$filtered" ] ||
for obj in "$@"; do
	i=$((i + 1))
	pin=/sys/fs/bpf/porttop-pass-$$-$i
	bpftool iter pin "$obj" "$pin" ||
		{ echo "pass.sh: bpftool cannot pin $obj" >&2; exit 2; }
	pins="$pins $pin"
	echo "$pin: $obj"
done
case $size in
small)	args="-P 10 -L 10 -U 2 -E 5 -F 10 -S 2 -G 5 -A 1" ;;
medium)	args="-P 200 -L 50 -U 10 -E 25 -F 50 -S 2 -G 10 -A 1" ;;
*)	args="-P 1000 -L 20 -U 5 -E 20 -F 100 -S 2 -G 10 -A 1" ;;
esac
m=$(mktemp)
if [ -n "$filtered" ]; then
	# shellcheck disable=SC2086
	"$here/_bin/loadgen" $args -m "$m" -- "$@"
else
	# shellcheck disable=SC2086
	"$here/_bin/loadgen" $args -m "$m" -- sh "$0" --inner "$n" $pins
fi
rm -f "$m"

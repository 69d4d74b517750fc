#!/bin/bash
# bench/run.sh - porttop against ss, netstat and lsof on the same socket load
#
#   bench/run.sh [--no-large] [--sizes "small medium large"] [--reps N]
#                [--out FILE] [--profile]
#
# Run as root.  Builds bench/_bin/loadgen and bench/_bin/measure (gcc -O2)
# when missing or older than their sources, and porttop with make in its own
# build directory _build-bench/ (configured once, ../configure: -O2).
# For each size, loadgen makes a network namespace with the load in it and
# runs this script again inside it (--inner), which
#
#   1. checks that `porttop --json` lists exactly the manifest's listeners
#      with exactly the manifest's holder pids (and fds): PASS or FAIL;
#   2. runs every tool REPS times, the tools alternating within each
#      repetition (the order rotates), after one untimed warm-up each;
#   3. prints the medians of wall time, CPU time (user+sys) and peak RSS,
#      and each tool's ratio to `ss -tulnp` measured in the same run.
#
# PORTTOP=/path/to/porttop picks another binary.  Exit status: 0 when every
# correctness check passed, 1 otherwise, 2 on a set-up error.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")
bin=$here/_bin
porttop=${PORTTOP:-$top/_build-bench/src/porttop}

# name | loadgen arguments
size_args() {
	case $1 in
	small)	echo "-P 10 -L 10 -U 2 -E 5 -F 10 -S 2 -G 5 -A 1" ;;
	medium)	echo "-P 200 -L 50 -U 10 -E 25 -F 50 -S 2 -G 10 -A 1" ;;
	large)	echo "-P 1000 -L 20 -U 5 -E 20 -F 100 -S 2 -G 10 -A 1" ;;
	*)	echo "run.sh: unknown size $1" >&2; exit 2 ;;
	esac
}

# the timed commands, by number; PORT is the port for the query pair
# (porttop-b and porttop-json use the default --owner-scan=auto, i.e. BPF
# where it loads; the -proc and -bpf variants force one scan)
TOOLS=(porttop-b porttop-json ss-tulnp ss-tuln netstat-tulnp lsof
       porttop-PORT ss-sport-PORT porttop-b-proc porttop-b-bpf
       porttop-PORT-proc)
tool_cmd() {	# tool_cmd NAME PORT -> the command, in "${cmd[@]}"
	case $1 in
	porttop-b)	cmd=("$porttop" -b) ;;
	porttop-json)	cmd=("$porttop" --json) ;;
	ss-tulnp)	cmd=(ss -tulnp) ;;
	ss-tuln)	cmd=(ss -tuln) ;;
	netstat-tulnp)	cmd=(netstat -tulnp) ;;
	lsof)		cmd=(lsof -nP -iTCP -iUDP -sTCP:^ESTABLISHED) ;;
	porttop-PORT)	cmd=("$porttop" "$2") ;;
	ss-sport-PORT)	cmd=(ss -tlnp "sport = :$2") ;;
	porttop-b-proc)	cmd=("$porttop" -b --owner-scan=proc) ;;
	porttop-b-bpf)	cmd=("$porttop" -b --owner-scan=bpf) ;;
	porttop-PORT-proc) cmd=("$porttop" --owner-scan=proc "$2") ;;
	esac
}
tool_label() {	# the name shown in the tables
	case $1 in
	porttop-b)	echo "porttop -b" ;;
	porttop-json)	echo "porttop --json" ;;
	ss-tulnp)	echo "ss -tulnp" ;;
	ss-tuln)	echo "ss -tuln" ;;
	netstat-tulnp)	echo "netstat -tulnp" ;;
	lsof)		echo "lsof -nP -iTCP -iUDP" ;;
	porttop-PORT)	echo "porttop $2" ;;
	ss-sport-PORT)	echo "ss -tlnp sport=:$2" ;;
	porttop-b-proc)	echo "porttop -b (proc scan)" ;;
	porttop-b-bpf)	echo "porttop -b (bpf scan)" ;;
	porttop-PORT-proc) echo "porttop $2 (proc scan)" ;;
	esac
}

# ---------------------------------------------------------------- inner
# run.sh --inner SIZE REPS WORKDIR PROFILE   (inside loadgen's namespace)
check_json() {	# check_json JSON MANIFEST -> prints PASS/FAIL lines, status
	local json=$1 man=$2 d
	d=$(mktemp -d)
	# one line per (listener, holder); "-" for a listener without holder
	awk -F'\t' '!/^#/ && NF >= 7 {
		n = split($7, h, ",")
		if (n == 0) print $6, $1, $3, $4, "-"
		for (i = 1; i <= n; i++) print $6, $1, $3, $4, h[i]
	}' "$man" | sort >"$d/want.fd"
	if ! jq -r '.[] | . as $r |
		(if (.owners | length) == 0 then ["-"]
		 else [.owners[] | "\(.pid):\(.fd)"] end)[] |
		"\($r.inode) \($r.proto) \($r.address) \($r.port) \(.)"' \
		"$json" 2>"$d/jq.err" | sort >"$d/got.fd"; then
		echo "FAIL: porttop --json is not valid JSON: $(head -c 300 "$d/jq.err")"
		rm -rf "$d"
		return 1
	fi
	sed 's/:[0-9]*$//' "$d/want.fd" | sort -u >"$d/want.pid"
	sed 's/:[0-9]*$//' "$d/got.fd" | sort -u >"$d/got.pid"
	local nl nw ng rc=0
	nl=$(cut -d' ' -f1 "$d/want.pid" | sort -u | wc -l)
	ng=$(jq length "$json")
	nw=$(wc -l <"$d/want.pid")
	if cmp -s "$d/want.pid" "$d/got.pid" && [ "$ng" -eq "$nl" ]; then
		echo "PASS: $ng listeners, $nw (listener, holder pid) pairs, as in the manifest"
	else
		rc=1
		echo "FAIL: porttop lists $ng listeners, the manifest $nl;" \
		     "(listener, pid) pairs differ in $(comm -3 "$d/want.pid" "$d/got.pid" | wc -l) lines:"
		diff "$d/want.pid" "$d/got.pid" | grep '^[<>]' | head -10 |
			sed 's/^</  missing (inode proto addr port pid):/; s/^>/  extra   (inode proto addr port pid):/'
	fi
	if cmp -s "$d/want.fd" "$d/got.fd"; then
		echo "PASS: every holder's fd number as in the manifest"
	else
		rc=1
		echo "FAIL: (listener, pid:fd) differ in $(comm -3 "$d/want.fd" "$d/got.fd" | wc -l) lines:"
		diff "$d/want.fd" "$d/got.fd" | grep '^[<>]' | head -6 | sed 's/^/  /'
	fi
	rm -rf "$d"
	return $rc
}

median() {	# median of the numbers on stdin
	sort -g | awk '{ v[NR] = $1 } END {
		if (NR == 0) { print "nan"; exit }
		if (NR % 2) print v[(NR + 1) / 2]
		else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

inner() {
	local size=$1 reps=$2 work=$3 profile=$4
	local man=${LOADGEN_MANIFEST:?} raw=$work/$size.raw port rc=0
	local i r k t available=()
	: >"$raw"

	# the port for "who owns port N?": the TCP listener with most holders
	port=$(awk -F'\t' '!/^#/ && $1 == "tcp" {
		n = split($7, h, ","); if (n > best) { best = n; p = $4 } }
		END { print p }' "$man")

	echo "== size $size: $(sed -n 1p "$man" | sed 's/^# loadgen manifest: //')"
	echo "   $(sed -n 2p "$man" | sed 's/^# //'); established:" \
	     "$(ss -Htn state established | wc -l) sockets;" \
	     "host-wide: $(ls -d /proc/[0-9]* 2>/dev/null | wc -l) processes," \
	     "$(find /proc/[0-9]*/fd -mindepth 1 -maxdepth 1 2>/dev/null | wc -l) fds"
	for t in "${TOOLS[@]}"; do
		tool_cmd "$t" "$port"
		if [ "$t" = porttop-b-bpf ] &&
		   ! "${cmd[@]}" >/dev/null 2>"$work/$size.bpf.err"; then
			echo "   skipped: $(tool_label "$t" "$port"): $(cat "$work/$size.bpf.err")"
			continue
		fi
		if command -v "${cmd[0]}" >/dev/null 2>&1; then
			available+=("$t")
		else
			echo "   skipped: $(tool_label "$t" "$port") (${cmd[0]} not installed)"
		fi
	done

	# correctness, before the timing
	"$bin/measure" -o "$work/$size.json" -- "$porttop" --json >/dev/null
	check_json "$work/$size.json" "$man" | sed 's/^/   check: /'
	[ "${PIPESTATUS[0]}" -eq 0 ] || rc=1
	# both owner scans, each on its own
	local how
	for how in proc bpf; do
		"$porttop" --json --owner-scan=$how >"$work/$size.$how.json" \
			2>"$work/$size.$how.err" ||
			{ echo "   check --owner-scan=$how: not run: $(cat "$work/$size.$how.err")"; continue; }
		check_json "$work/$size.$how.json" "$man" |
			sed "s/^/   check --owner-scan=$how: /"
		[ "${PIPESTATUS[0]}" -eq 0 ] || rc=1
	done

	# warm-up, untimed
	for t in "${available[@]}"; do
		tool_cmd "$t" "$port"
		"$bin/measure" -- "${cmd[@]}" >/dev/null 2>&1 || true
	done
	local n=${#available[@]} fails=0
	for ((r = 0; r < reps; r++)); do
		for ((i = 0; i < n; i++)); do
			k=$(((i + r) % n))
			t=${available[$k]}
			tool_cmd "$t" "$port"
			local out=/dev/null
			[ "$t" = porttop-json ] && out=$work/$size.rep.json
			echo "$t $r $("$bin/measure" -o "$out" -- "${cmd[@]}" 2>>"$work/$size.stderr")" >>"$raw"
			if [ "$t" = porttop-json ] &&
			   ! check_json "$out" "$man" >"$work/$size.check" 2>&1; then
				fails=$((fails + 1))
				sed 's/^/   check (rep '"$r"'): /' "$work/$size.check"
			fi
		done
	done
	if [ "$fails" -eq 0 ]; then
		echo "   check: PASS: all $reps timed porttop --json outputs match the manifest too"
	else
		echo "   check: FAIL: $fails of $reps timed porttop --json outputs differ from the manifest"
		rc=1
	fi

	# medians
	local med=$work/$size.med
	: >"$med"
	for t in "${available[@]}"; do
		local w c u s m x
		w=$(awk -v t="$t" '$1 == t { print $3 }' "$raw" | median)
		c=$(awk -v t="$t" '$1 == t { print $4 }' "$raw" | median)
		u=$(awk -v t="$t" '$1 == t { print $5 }' "$raw" | median)
		s=$(awk -v t="$t" '$1 == t { print $6 }' "$raw" | median)
		m=$(awk -v t="$t" '$1 == t { print $7 }' "$raw" | median)
		x=$(awk -v t="$t" '$1 == t { print $8 }' "$raw" | sort -u | tr '\n' ',' | sed 's/,$//')
		echo "$t $w $c $u $s $m $x" >>"$med"
	done
	echo
	echo "   medians of $reps runs (wall/CPU in ms, RSS in MiB; ratios to ss -tulnp in this run)"
	local ssw ssc ssm
	read -r ssw ssc ssm < <(awk '$1 == "ss-tulnp" { print $2, $3, $6 }' "$med")
	printf '   %-26s %10s %10s %9s %9s %8s %7s %7s %7s %4s\n' \
		tool wall cpu user sys rss wall/ss cpu/ss rss/ss exit
	while read -r t w c u s m x; do
		awk -v l="$(tool_label "$t" "$port")" -v w="$w" -v c="$c" -v u="$u" \
		    -v s="$s" -v m="$m" -v x="$x" -v sw="${ssw:-0}" -v sc="${ssc:-0}" \
		    -v sm="${ssm:-0}" 'function r(a, b) { return b > 0 ? sprintf("%.2f", a / b) : "-" }
			BEGIN { printf "   %-26s %10.1f %10.1f %9.1f %9.1f %8.1f %7s %7s %7s %4s\n",
				l, w, c, u, s, m / 1024, r(w, sw), r(c, sc), r(m, sm), x }'
	done <"$med"
	echo "   (exit: the exit statuses seen; porttop PORT and ss sport= answer for port $port," \
	     "held by $(awk -F'\t' -v p="$port" '!/^#/ && $1 == "tcp" && $4 == p { print split($7, h, ",") }' "$man") processes)"

	if [ "$profile" = 1 ]; then
		echo
		echo "   profile of porttop -b at size $size:"
		if command -v perf >/dev/null 2>&1; then
			perf stat -e task-clock,context-switches,cpu-migrations,page-faults \
				-- "$porttop" -b 2>&1 >/dev/null | grep -E 'task-clock|switches|migrations|faults|elapsed|user|sys' |
				sed 's/^ */     perf stat: /'
		fi
		if command -v strace >/dev/null 2>&1; then
			strace -c -f -o "$work/$size.strace" "$porttop" -b >/dev/null 2>&1 || true
			sed -n '1,16p' "$work/$size.strace" | sed 's/^/     strace -c -f: /'
			echo "     same for ss -tulnp:"
			strace -c -f -o "$work/$size.strace-ss" ss -tulnp >/dev/null 2>&1 || true
			sed -n '1,10p' "$work/$size.strace-ss" | sed 's/^/     strace -c -f: /'
		fi
	fi
	return $rc
}

if [ "${1:-}" = --inner ]; then
	shift
	inner "$@"
	exit $?
fi

# ---------------------------------------------------------------- outer
sizes="small medium large"
reps=7
out=
profile=0
while [ $# -gt 0 ]; do
	case $1 in
	--no-large)	sizes="small medium" ;;
	--sizes)	sizes=$2; shift ;;
	--reps)		reps=$2; shift ;;
	--out)		out=$2; shift ;;
	--profile)	profile=1 ;;
	-h|--help)	sed -n '2,21p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*)		echo "run.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
	esac
	shift
done
if [ "$(id -u)" != 0 ]; then
	echo "run.sh: run as root (loadgen makes a network namespace)" >&2
	exit 2
fi

# tools: install what is missing (Debian); ss and jq are required
missing=
for p in iproute2:ss jq:jq net-tools:netstat lsof:lsof gcc:gcc; do
	command -v "${p#*:}" >/dev/null 2>&1 || missing="$missing ${p%%:*}"
done
if [ -n "$missing" ] && command -v apt-get >/dev/null 2>&1; then
	echo "run.sh: installing:$missing" >&2
	export DEBIAN_FRONTEND=noninteractive
	{ apt-get update -qq && apt-get install -y -qq --no-install-recommends $missing; } >/dev/null 2>&1 ||
		echo "run.sh: could not install:$missing (tools missing are skipped)" >&2
fi
for t in gcc ss jq; do
	command -v $t >/dev/null 2>&1 || { echo "run.sh: $t is required" >&2; exit 2; }
done

# build
mkdir -p "$bin"
for p in loadgen measure; do
	if [ ! -x "$bin/$p" ] || [ "$here/$p.c" -nt "$bin/$p" ]; then
		gcc -O2 -Wall -o "$bin/$p" "$here/$p.c"
	fi
done
if [ -z "${PORTTOP:-}" ]; then
	# our own build directory, so that a build in _build/ is never disturbed
	bdir=$top/_build-bench
	if [ ! -f "$bdir/Makefile" ] || [ "$top/configure" -nt "$bdir/Makefile" ]; then
		echo "run.sh: configuring porttop in $bdir" >&2
		"$top/tools/dev.sh" deps
		mkdir -p "$bdir"
		(cd "$bdir" && "$top/configure" >configure.out 2>&1) ||
			{ cat "$bdir/configure.out" >&2; exit 2; }
	fi
	if ! make -C "$bdir" -j"$(nproc)" >"$bdir/make.out" 2>&1; then
		if [ -x "$porttop" ]; then
			echo "run.sh: building porttop failed (see $bdir/make.out); using the old $porttop" >&2
		else
			cat "$bdir/make.out" >&2
			exit 2
		fi
	fi
fi
[ -x "$porttop" ] || { echo "run.sh: no porttop at $porttop" >&2; exit 2; }

work=$(mktemp -d /tmp/porttop-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT

main() {
	echo "porttop benchmark, $(date -u '+%Y-%m-%d %H:%M UTC')"
	echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //')," \
	     "$(awk '/MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo), kernel $(uname -r)"
	echo "porttop: ${porttop#"$top/"} ($("$porttop" --version 2>/dev/null | head -1))"
	echo "tools: $(ss -V 2>&1 | head -1); $(netstat -V 2>&1 | head -1);" \
	     "lsof $(lsof -v 2>&1 | awk '/revision/ { print $2; exit }')"
	echo "$reps repetitions per tool, alternating; medians"
	echo
	local s rc=0
	for s in $sizes; do
		# shellcheck disable=SC2046
		"$bin/loadgen" $(size_args "$s") -m "$work/$s.manifest" -- \
			bash "$here/run.sh" --inner "$s" "$reps" "$work" "$profile" || rc=1
		echo
	done

	# growth medium -> large
	if [ -f "$work/medium.med" ] && [ -f "$work/large.med" ]; then
		echo "== growth from medium to large (large median / medium median)"
		local fm fl
		fm=$(awk -F'\t' '!/^#/ { n += 1 + gsub(/,/, ",", $7) } END { print n }' "$work/medium.manifest")
		fl=$(awk -F'\t' '!/^#/ { n += 1 + gsub(/,/, ",", $7) } END { print n }' "$work/large.manifest")
		echo "   load: listeners $(grep -vc '^#' "$work/medium.manifest") -> $(grep -vc '^#' "$work/large.manifest")," \
		     "(listener, holder) pairs $fm -> $fl; see the fd counts above"
		printf '   %-26s %8s %8s %8s\n' tool wall cpu rss
		join <(sort "$work/medium.med") <(sort "$work/large.med") |
			while read -r t w1 c1 _ _ m1 _ w2 c2 _ _ m2 _; do
				awk -v l="$(tool_label "$t" PORT)" -v a="$w1" -v b="$w2" -v c="$c1" \
				    -v d="$c2" -v e="$m1" -v f="$m2" 'BEGIN {
					printf "   %-26s %7.2fx %7.2fx %7.2fx\n", l, b / a, d / c, f / e }'
			done
	fi
	return $rc
}

if [ -n "$out" ]; then
	main 2>&1 | tee "$out"
	exit "${PIPESTATUS[0]}"
fi
main

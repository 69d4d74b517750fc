#!/bin/sh
# owners_bpf.sh - --owner-scan: the BPF scan lists exactly what the /proc
# scan lists (dump, port question, refreshes), and every way BPF is refused
# (not root, no BTF, a pid namespace of its own) gives one line and exit 2
# with bpf, and silence and the /proc answer with auto
. "$srcdir/tests/lib.sh"

need jq
[ "$(id -u)" = 0 ] || skip_all "needs root (BPF, another user)"
inner_netns "$1"

work=$(mktemp -d "${TMPDIR:-/tmp}/porttop-bpf.XXXXXX") || exit 99
cleanup() {
	exec 3>&- 4>&- 5>&-
	wait
	rm -rf "$work"
}
trap cleanup EXIT

# what the JSON says of holders, in a stable order. Where some process's
# fds cannot be read, the /proc scan cannot prove a holder set complete and
# says partial (or permission) where the BPF scan, which sees every fd, says
# ok (or none): the same holders
holders() {
	jq -S '[.[] | {inode, proto, address, port,
		owner_status: ({"partial": "ok", "permission": "none"}[.owner_status]
			// .owner_status),
		owners: [.owners[] | del(.age_seconds)] | sort_by(.pid, .tid, .fd)}]
		| sort_by(.inode)' "$1"
}

built_with_bpf=no
grep -q '^#define HAVE_BPF 1' "$top_builddir/config.h" && built_with_bpf=yes

if [ $built_with_bpf = no ]; then
	"$PORTTOP" --owner-scan=bpf -b >/dev/null 2>"$work/nobpf.err"; rc=$?
	[ $rc -eq 2 ]; ok $? "built without BPF: --owner-scan=bpf exits 2 ($rc)"
	grep -q 'built without BPF' "$work/nobpf.err"
	ok $? "and says so: $(cat "$work/nobpf.err")"
	"$PORTTOP" -b >/dev/null 2>"$work/auto.err"; rc=$?
	[ $rc -eq 0 ] && [ ! -s "$work/auto.err" ]
	ok $? "auto falls back to /proc silently ($rc)"
	done_testing
	exit $?
fi

if bpf_refused; then
	skip_all "the kernel refuses the BPF owner scan here: $bpf_why"
fi

mkfifo "$work/in1" "$work/in2"
# prefork-like: 3 children share everything; connections in both ends
"$HELPER" -f 3 -n bpfsvc tcp/127.0.0.1/0 udp/0.0.0.0/0 tcp/::/0/dual \
	tcp-est/127.0.0.1/0 udp-conn/127.0.0.1/0 <"$work/in1" >"$work/h1" &
exec 3>"$work/in1"
"$HELPER" -n other tcp/127.0.0.2/0 <"$work/in2" >"$work/h2" &
exec 4>"$work/in2"
wait_ready "$work/h1" "$work/h2"
port1=$(awk '/^sock tcp / {print $4; exit}' "$work/h1")

"$PORTTOP" --owner-scan=proc --json >"$work/proc.json"
# a single scan loads the iter/task_file program first (it loads faster),
# refreshes the iter/task walk (with direct loads, or its fallback): the
# tests' hook PORTTOP_BPF_PROG=task makes this single scan take the walk
PORTTOP_BPF_PROG=task "$PORTTOP" --owner-scan=bpf --json >"$work/bpf.json"
"$PORTTOP" --json >"$work/auto.json"
holders "$work/proc.json" >"$work/proc.h"
holders "$work/bpf.json" >"$work/bpf.h"
holders "$work/auto.json" >"$work/auto.h"
n=$(jq '[.[].owners | length] | add' "$work/bpf.json")
[ "$n" -ge 8 ]; ok $? "the BPF scan finds the holders ($n)"
cmp -s "$work/proc.h" "$work/bpf.h"
ok $? "the BPF scan lists the same holders as the /proc scan"
[ $? -eq 0 ] || diff "$work/proc.h" "$work/bpf.h" | head -20 | sed 's/^/# /'
cmp -s "$work/proc.h" "$work/auto.h"; ok $? "and so does auto"
# every program (PORTTOP_BPF_PROG: the walk with direct loads, Linux 6.2+;
# the walk; iter/task_file, a single scan's first choice), in a single
# scan and in refreshes (filtered from the second on)
for prog in task_direct task task_file; do
	PORTTOP_BPF_PROG=$prog "$PORTTOP" --owner-scan=bpf --json -n 3 -d 0.1 \
		>"$work/$prog.json" 2>"$work/$prog.err"
	rc=$?
	if [ $rc -eq 2 ] && grep -q 'cannot use --owner-scan=bpf' "$work/$prog.err"; then
		ok 0 "# SKIP the kernel refuses $prog: $(cat "$work/$prog.err")"
		ok 0 "# SKIP the kernel refuses $prog"
		continue
	fi
	PORTTOP_BPF_PROG=$prog "$PORTTOP" --owner-scan=bpf --json |
		holders /dev/stdin | cmp -s - "$work/proc.h"
	ok $? "PORTTOP_BPF_PROG=$prog: a single scan lists the same holders"
	same=$rc
	for i in 0 1 2; do
		jq ".[$i]" -s "$work/$prog.json" | holders /dev/stdin |
			cmp -s - "$work/proc.h" || same=1
	done
	[ $same -eq 0 ]; ok $? "PORTTOP_BPF_PROG=$prog: and so does every refresh ($rc)"
done

"$PORTTOP" --owner-scan=proc --json "$port1" | holders /dev/stdin >"$work/p1.h"
"$PORTTOP" --owner-scan=bpf --json "$port1" | holders /dev/stdin >"$work/b1.h"
[ "$(jq '.[0].owners | length' "$work/b1.h")" -eq 4 ] && cmp -s "$work/p1.h" "$work/b1.h"
ok $? "a port question: the same 4 holders both ways"

# refreshes: -n 3 --json prints one array per refresh
"$PORTTOP" --owner-scan=bpf --json -n 3 -d 0.1 >"$work/bpfn.json"
jq -s length "$work/bpfn.json" | grep -qx 3; ok $? "-n 3 with BPF prints 3 arrays"
same=0
for i in 0 1 2; do
	jq ".[$i]" -s "$work/bpfn.json" | holders /dev/stdin | cmp -s - "$work/proc.h" ||
		same=1
done
[ $same -eq 0 ]; ok $? "every BPF refresh lists the same holders as the /proc scan"

# a process the iterator does not visit (a kernel may hide one, as PID 1
# on some hardened kernels; the test hook PORTTOP_BPF_SKIP drops its
# records from every pass) is read from /proc: found all the same
pid2=$(awk '/^holder/ {print $2; exit}' "$work/h2")
PORTTOP_BPF_SKIP=$pid2 "$PORTTOP" --owner-scan=bpf --json >"$work/skip.json"
holders "$work/skip.json" | cmp -s - "$work/proc.h" &&
	jqt "$work/skip.json" --argjson p "$pid2" '[.[].owners[].pid] | index($p) != null'
ok $? "a holder the BPF iterator did not visit is found through /proc ($pid2)"
PORTTOP_BPF_SKIP=$pid2 "$PORTTOP" --owner-scan=bpf --json -n 2 -d 0.1 >"$work/skipn.json"
same=0
for i in 0 1; do
	jq ".[$i]" -s "$work/skipn.json" | holders /dev/stdin | cmp -s - "$work/proc.h" ||
		same=1
done
[ $same -eq 0 ]; ok $? "and by every refresh"

# ... and where /proc refuses it too (a non-dumpable holder, porttop
# without CAP_SYS_PTRACE), the socket is 'permission', never 'none'
noptrace() { setpriv --bounding-set -sys_ptrace --inh-caps -sys_ptrace "$@"; }
mkfifo "$work/in3"
"$HELPER" -D -n hiddensvc tcp/127.0.0.3/0 <"$work/in3" >"$work/h3" &
exec 5>"$work/in3"
wait_ready "$work/h3"
port3=$(awk '/^sock tcp/ {print $4; exit}' "$work/h3")
pid3=$(awk '/^holder/ {print $2; exit}' "$work/h3")
if command -v setpriv >/dev/null 2>&1 && noptrace true 2>/dev/null; then
	noptrace "$PORTTOP" --owner-scan=bpf --json "$port3" >"$work/np.json" 2>/dev/null
	jqt "$work/np.json" --argjson p "$pid3" '.[0].owners[0].pid == $p'
	ok $? "without CAP_SYS_PTRACE the BPF scan sees the non-dumpable holder"
	PORTTOP_BPF_SKIP=$pid3 noptrace "$PORTTOP" --owner-scan=bpf --json "$port3" \
		>"$work/npskip.json" 2>"$work/npskip.err"
	rc=$?
	jqt "$work/npskip.json" '.[0].owner_status == "permission" and .[0].owners_complete == false and (.[0].owners | length) == 0'
	ok $? "not visited and denied by /proc: 'permission', owners_complete false, never 'none'"
	[ $rc -eq 4 ]; ok $? "porttop PORT exits 4: held, owner unknown ($rc)"
	# where the kernel hides another process too (fds_unreadable), the
	# hint counts it as well
	want="did not see 1 process (PID $pid3) and /proc could not read it either"
	fds_unreadable &&
		want="did not see [0-9]* processes (PID [0-9]* and others) and /proc could not read them either"
	grep -q "the BPF owner scan $want: porttop cannot see" "$work/npskip.err"
	ok $? "the hint says what the BPF scan did not see: $(cat "$work/npskip.err")"
else
	for i in 1 2 3 4; do ok 0 "# SKIP setpriv cannot drop CAP_SYS_PTRACE here"; done
fi
exec 5>&-

# not root: bpf names the requirement, auto falls back to /proc
if command -v setpriv >/dev/null 2>&1; then
	setpriv --reuid=65534 --regid=65534 --clear-groups \
		"$PORTTOP" --owner-scan=bpf -b >/dev/null 2>"$work/nobody.err"
	rc=$?
	[ $rc -eq 2 ]; ok $? "as nobody, --owner-scan=bpf exits 2 ($rc)"
	grep -q 'owner-scan=bpf: it needs root, or CAP_BPF and CAP_PERFMON' "$work/nobody.err" &&
		[ "$(wc -l <"$work/nobody.err")" -eq 1 ]
	ok $? "in one line naming what is missing: $(cat "$work/nobody.err")"
	setpriv --reuid=65534 --regid=65534 --clear-groups \
		"$PORTTOP" --json >"$work/nb-auto.json" 2>/dev/null
	setpriv --reuid=65534 --regid=65534 --clear-groups \
		"$PORTTOP" --owner-scan=proc --json >"$work/nb-proc.json" 2>/dev/null
	holders "$work/nb-auto.json" >"$work/nb-auto.h"
	holders "$work/nb-proc.json" >"$work/nb-proc.h"
	cmp -s "$work/nb-auto.h" "$work/nb-proc.h" &&
		jqt "$work/nb-auto.json" 'all(.[]; .owner_status == "permission")'
	ok $? "as nobody, auto answers as the /proc scan does (permission)"
else
	ok 0 "# SKIP setpriv is not installed"
fi

# no BTF (simulated with the hidden --btf)
"$PORTTOP" --owner-scan=bpf --btf "$work/none" -b >/dev/null 2>"$work/btf.err"
rc=$?
[ $rc -eq 2 ] && grep -q 'no BTF' "$work/btf.err"
ok $? "without BTF, --owner-scan=bpf exits 2 naming it: $(cat "$work/btf.err")"
"$PORTTOP" --btf "$work/none" --json >"$work/nobtf.json" 2>"$work/nobtf.err"
rc=$?
holders "$work/nobtf.json" | cmp -s - "$work/proc.h" && [ $rc -eq 0 ] &&
	[ -z "$(not_hint "$work/nobtf.err")" ]
ok $? "without BTF, auto falls back to /proc silently"

# a pid namespace of its own (a container without --pid=host): the
# iterator's pids are the initial namespace's, so bpf is refused and auto
# takes /proc, whether /proc is mounted anew or not
if unshare -pf --mount-proc true 2>/dev/null; then
	for mp in --mount-proc ""; do
		unshare -pf $mp "$PORTTOP" --owner-scan=bpf -b \
			>"$work/pn.out" 2>"$work/pn.err"
		rc=$?
		[ $rc -eq 2 ] && [ ! -s "$work/pn.out" ] &&
			[ "$(wc -l <"$work/pn.err")" -eq 1 ] &&
			grep -q 'owner-scan=bpf: porttop runs in a pid namespace other than the initial one.*use --owner-scan=proc, or run porttop in the host.s pid namespace' "$work/pn.err"
		ok $? "in a pid namespace of its own${mp:+ ($mp)}, --owner-scan=bpf exits 2 ($rc) in one line naming why and the fix: $(cat "$work/pn.err")"
	done
	unshare -pf --mount-proc "$PORTTOP" --json >"$work/pn-auto.json" \
		2>"$work/pn-auto.err"
	unshare -pf --mount-proc "$PORTTOP" --owner-scan=proc --json \
		>"$work/pn-proc.json" 2>/dev/null
	holders "$work/pn-auto.json" >"$work/pn-auto.h"
	holders "$work/pn-proc.json" >"$work/pn-proc.h"
	cmp -s "$work/pn-auto.h" "$work/pn-proc.h" &&
		jqt "$work/pn-auto.json" 'length > 0 and all(.[]; .owner_status == "hidden")' &&
		! grep -q 'owner-scan' "$work/pn-auto.err"
	ok $? "there auto takes /proc silently: the holders outside are hidden"
else
	ok 0 "# SKIP the kernel refuses a pid namespace here"
	ok 0 "# SKIP the kernel refuses a pid namespace here"
	ok 0 "# SKIP the kernel refuses a pid namespace here"
fi

"$PORTTOP" --owner-scan=kernel -b >/dev/null 2>"$work/bad.err"; rc=$?
[ $rc -eq 2 ] && grep -q 'auto, bpf or proc' "$work/bad.err"
ok $? "a bad --owner-scan value is a usage error ($rc)"

done_testing

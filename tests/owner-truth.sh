#!/bin/sh
# owner-truth.sh - "no process holds it" only when every process was read:
# root without CAP_SYS_PTRACE, a user namespace, a non-dumpable holder, a
# holder set seen in part, a socket closed mid-scan, empty argv elements
# and --pid of a process that cannot be read
. "$srcdir/tests/lib.sh"

need jq setpriv
[ "$(id -u)" = 0 ] || skip_all "needs root (another user, capabilities)"
inner_netns "$1"
fds_unreadable

work=$(mktemp -d "${TMPDIR:-/tmp}/porttop-truth.XXXXXX") || exit 99
chmod 755 "$work"	# nobody must reach the fifos
cleanup() {
	exec 3>&- 4>&- 5>&- 6>&-
	wait
	rm -rf "$work"
}
trap cleanup EXIT
nobody() { setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; }

# a listener held by nobody
mkfifo "$work/in1"
chmod 666 "$work/in1"
nobody "$HELPER" -n nobodysvc tcp/127.0.0.1/0 <"$work/in1" >"$work/h1" &
exec 3>"$work/in1"
wait_ready "$work/h1"
port1=$(awk '/^sock tcp/ {print $4}' "$work/h1")
pid1=$(awk '/^holder/ {print $2}' "$work/h1")

# --- root without CAP_SYS_PTRACE (Docker's default set)
noptrace() { setpriv --bounding-set -sys_ptrace --inh-caps -sys_ptrace "$@"; }
if noptrace grep -q '^CapEff:' /proc/self/status 2>/dev/null; then
	eff=$(noptrace awk '/^CapEff:/ {print $2}' /proc/self/status)
	[ $(( 0x$eff >> 19 & 1 )) -eq 0 ]
	ok $? "the test drops CAP_SYS_PTRACE (CapEff $eff)"
	# the /proc scan (the BPF one, where it loads, needs no ptrace)
	noptrace "$PORTTOP" --owner-scan=proc --json "$port1" >"$work/np.json" 2>"$work/np.err"
	rc=$?
	[ $rc -eq 4 ]; ok $? "without CAP_SYS_PTRACE, porttop PORT exits 4: held, owner unknown (got $rc)"
	jqt "$work/np.json" 'length == 1 and .[0].owner_status == "permission" and .[0].owners_complete == false and (.[0].owners | length) == 0'
	ok $? "without CAP_SYS_PTRACE, the listener of another user is 'permission', never 'none'"
	grep -q 'without CAP_SYS_PTRACE' "$work/np.err"; ok $? "the hint says CAP_SYS_PTRACE is what root lacks"
	grep -q 'Permission denied' "$work/np.err"; ok $? "the hint names what failed"
	grep -Eq '\(failed reads: ([^)]*, )?Permission denied [0-9]+' "$work/np.err"
	ok $? "and counts failed reads, not processes, under that name"
	noptrace "$PORTTOP" --owner-scan=proc --why "$port1" >/dev/null 2>"$work/npw.err"
	grep -q 'without CAP_SYS_PTRACE' "$work/npw.err" &&
		! grep -q 'run as root' "$work/npw.err" &&
		[ "$(wc -l <"$work/npw.err")" -eq 1 ]
	ok $? "--why gives root without CAP_SYS_PTRACE the same one-line hint, not 'run as root'"
	grep -q -- '--cap-add SYS_PTRACE' "$work/np.err"; ok $? "the hint gives the container remedy"
	[ "$(wc -l <"$work/np.err")" -eq 1 ]; ok $? "in one line"
	diag "$(cat "$work/np.err")"
else
	ok 0 "# SKIP setpriv cannot drop a capability here"
fi

# --- a user namespace: its root may not read processes of the outer users
if unshare -Ur true 2>/dev/null; then
	unshare -Ur "$PORTTOP" --owner-scan=proc --json "$port1" >"$work/ns.json" 2>"$work/ns.err"
	rc=$?
	[ $rc -eq 4 ]; ok $? "in a user namespace, porttop PORT exits 4 (got $rc)"
	jqt "$work/ns.json" 'length == 1 and .[0].owner_status == "permission"'
	ok $? "in a user namespace, the listener is 'permission'"
	grep -q 'user namespace' "$work/ns.err"; ok $? "the hint names the user namespace"
else
	ok 0 "# SKIP no user namespace can be made here"
fi

# --- a holder set seen in part: a root parent and its nobody children
# (as nobody: no BPF, the /proc scan)
mkfifo "$work/in2"
"$HELPER" -n mixedsvc -f 2 -k 65534 tcp/127.0.0.1/0 <"$work/in2" >"$work/h2" &
exec 4>"$work/in2"
wait_ready "$work/h2"
port2=$(awk '/^sock tcp/ {print $4}' "$work/h2")
parent=$(awk '/^holder/ {print $2; exit}' "$work/h2")
kids=$(awk '/^holder/ {print $2}' "$work/h2" | sed 1d | sort -n | tr '\n' ' ')
nobody "$PORTTOP" --json "$port2" >"$work/mix.json" 2>"$work/mix.err"
rc=$?
[ $rc -eq 4 ]; ok $? "as nobody, a partly visible holder set exits 4 (got $rc)"
got=$(jq -r '.[0].owners[].pid' "$work/mix.json" 2>/dev/null | sort -n | tr '\n' ' ')
[ "$got" = "$kids" ]; ok $? "as nobody, the two nobody children are listed ($got)"
jqt "$work/mix.json" '.[0].owner_status == "partial" and .[0].owners_complete == false'
ok $? "and the socket says partial, owners_complete false"
grep -q 'the holders of 1 socket are unknown or may be incomplete' "$work/mix.err"
ok $? "the hint counts the partial socket"
nobody "$PORTTOP" -b --no-header -o port,pid "$port2" 2>/dev/null |
	grep -q "^$port2 *[0-9][0-9]* +1?\$"
ok $? "the table marks the PID with ?"
nobody "$PORTTOP" "$port2" 2>/dev/null | grep -q 'more holders may exist'
ok $? "the card says more holders may exist"
"$PORTTOP" --json "$port2" >"$work/mixroot.json" 2>/dev/null
jqt "$work/mixroot.json" --argjson p "$parent" --arg st "$(held_status)" \
	'.[0].owner_status == $st and ([.[0].owners[].pid] | index($p)) != null'
ok $? "root sees the parent too ($(held_status))"

# --- pid namespaces: porttop in one of its own sees none of the holders
if unshare -pf --mount-proc true 2>/dev/null; then
	unshare -pf --mount-proc "$PORTTOP" --owner-scan=proc --json "$port1" \
		>"$work/pn.json" 2>"$work/pn.err"
	rc=$?
	jqt "$work/pn.json" 'length == 1 and .[0].owner_status == "hidden" and (.[0].owners | length) == 0'
	ok $? "in a pid namespace of its own, a holder outside is 'hidden', not 'none'"
	[ $rc -eq 4 ]; ok $? "and porttop PORT exits 4 (got $rc)"
	grep -q -- '--pid=host' "$work/pn.err"; ok $? "the hint says --pid=host"
	# the /proc of the outer namespace: its pids are not porttop's
	unshare -pf "$PORTTOP" --owner-scan=proc --json "$port1" \
		>/dev/null 2>"$work/pf.err"
	grep -q "belongs to another pid namespace" "$work/pf.err"
	ok $? "a /proc of another pid namespace is named once"
	[ "$(grep -c 'another pid namespace' "$work/pf.err")" -eq 1 ]; ok $? "and only once"
else
	ok 0 "# SKIP no pid namespace can be made here"
fi

# --- --pid of a process that exists but cannot be read
nobody "$PORTTOP" -b --pid "$parent" >/dev/null 2>"$work/pid.err"
rc=$?
[ $rc -eq 1 ]; ok $? "--pid of an unreadable process exits 1 (got $rc)"
grep -q "process $parent exists, but its open files cannot be read" "$work/pid.err"
ok $? "and says the process exists but cannot be read"

# --- a non-dumpable holder of porttop's own user, in a pid namespace where
# every other process is readable
if unshare -pf --mount-proc true 2>/dev/null; then
	mkdir "$work/nd" && chmod 777 "$work/nd"
	unshare -pf --mount-proc setpriv --reuid=65534 --regid=65534 \
		--clear-groups sh -c '
		mkfifo "$3/in" || exit 1
		"$1" -D tcp/127.0.0.1/0 <"$3/in" >"$3/h" &
		exec 6>"$3/in"
		n=0
		until grep -q ^ready "$3/h" 2>/dev/null; do
			n=$((n + 1)); [ $n -gt 100 ] && exit 1; sleep 0.05
		done
		"$2" --json "$(awk "/^sock tcp/ {print \$4}" "$3/h")" >"$3/nd.json" 2>"$3/nd.err"
		echo $? >"$3/nd.rc"' sh "$HELPER" "$PORTTOP" "$work/nd"
	jqt "$work/nd/nd.json" 'length == 1 and .[0].owner_status == "permission"'
	ok $? "a non-dumpable holder of the same user is 'permission', not 'none'"
	[ "$(cat "$work/nd/nd.rc" 2>/dev/null)" = 4 ]; ok $? "and porttop PORT exits 4"
else
	ok 0 "# SKIP no pid namespace can be made here"
fi

# --- a listener closed during the scan, by a process that lives on
if command -v strace >/dev/null 2>&1; then
	mkfifo "$work/in4"
	"$HELPER" tcp/127.0.0.1/0 <"$work/in4" >"$work/h4" &
	exec 5>"$work/in4"
	wait_ready "$work/h4"
	port4=$(awk '/^sock tcp/ {print $4}' "$work/h4")
	pid4=$(awk '/^holder/ {print $2}' "$work/h4")
	# the first getdents64 of the /proc scan lists /proc, after the dump:
	# hold it there
	# (LeakSanitizer cannot work traced)
	ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" \
		strace -f -o /dev/null -e trace=getdents64 \
		-e inject=getdents64:delay_enter=1500000:when=1 \
		"$PORTTOP" --owner-scan=proc --json "$port4" >"$work/cl.json" 2>"$work/cl.err" &
	st=$!
	sleep 0.6
	kill -USR1 "$pid4"
	wait "$st"
	kill -0 "$pid4"; ok $? "the holder is still alive"
	jqt "$work/cl.json" 'length == 1 and .[0].owner_status == "closed"'
	ok $? "a listener closed during the scan says closed, not none or exited"
	"$PORTTOP" --json "$port4" >"$work/cl2.json" 2>/dev/null
	jqt "$work/cl2.json" 'length == 0'; ok $? "and it is gone afterwards"
else
	ok 0 "# SKIP strace is not installed"
fi

# --- empty argv elements are shown
mkfifo "$work/in5"
"$HELPER" tcp/127.0.0.1/0 PADDING "" mid "" <"$work/in5" >"$work/h5" &
exec 6>"$work/in5"
wait_ready "$work/h5"
port5=$(awk '/^sock tcp/ {print $4}' "$work/h5")
"$PORTTOP" --json "$port5" >"$work/av.json" 2>/dev/null
jqt "$work/av.json" '.[0].owners[0].cmdline[-4:] == ["PADDING", "", "mid", ""]'
ok $? "JSON keeps empty argv elements"
"$PORTTOP" -b -o command "$port5" 2>/dev/null | grep -q "PADDING '' mid ''\$"
ok $? "the table shows them quoted"

done_testing

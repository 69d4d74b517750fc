#!/bin/sh
# refresh-gap.sh - a refresh sees a holder that no fd count shows: process
# B, running before the first scan, receives a listener that process A
# still holds (SCM_RIGHTS), puts it with dup2 on an fd number that held a
# file, and closes the received fd; its number of fds is unchanged. The
# next refresh of -n must list B as a holder, as a one-shot scan does:
#   - the /proc scan, on a small host (its own pid namespace here): every
#     refresh is a full scan while one costs little (man page, COST);
#   - the BPF scan (the initial pid namespace; skipped where it is
#     refused): every refresh is a full pass.
. "$srcdir/tests/lib.sh"

need python3 jq unshare ip
[ "$(id -u)" = 0 ] || skip_all "needs root (pid namespaces, BPF)"

# --inner SCAN FIRST: one run, its TAP lines numbered from FIRST + 1
if [ "${1:-}" = --inner ]; then
	scan=$2
	tap_n=$3
	work=$(mktemp -d "${TMPDIR:-/tmp}/porttop-gap.XXXXXX") || exit 99
	trap 'exec 3>&-; wait; rm -rf "$work"' EXIT
	cat >"$work/gap.py" <<'PY'
# gap.py: A (this process) holds a listener; B (a child) holds /dev/null on
# fd 50. Prints "ready A B PORT INODE"; on a line "go" A sends the listener
# to B, which puts it on fd 50 and closes what it received; "done" follows.
# Both hold on until stdin closes.
import os, socket, sys
lst = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
lst.bind(("127.0.0.1", 0))
lst.listen(8)
a_end, b_end = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
null = os.open("/dev/null", os.O_RDONLY)
pid = os.fork()
if pid == 0:
    lst.close()
    a_end.close()
    os.dup2(null, 50)
    os.close(null)
    b_end.sendall(b"r")
    msg, fds, flags, addr = socket.recv_fds(b_end, 1, 1)
    if not fds:
        os._exit(1)
    os.dup2(fds[0], 50, inheritable=False)
    os.close(fds[0])
    b_end.sendall(b"k")
    b_end.recv(1)	# until A goes
    os._exit(0)
os.close(null)
b_end.close()
a_end.recv(1)
print("ready", os.getpid(), pid, lst.getsockname()[1],
      os.fstat(lst.fileno()).st_ino, flush=True)
for line in sys.stdin:
    if line.strip() == "go":
        socket.send_fds(a_end, [b"x"], [lst.fileno()])
        a_end.recv(1)
        print("done", flush=True)
        break
sys.stdin.read()
a_end.close()
os.waitpid(pid, 0)
PY
	mkfifo "$work/in"
	python3 "$work/gap.py" <"$work/in" >"$work/out" &
	exec 3>"$work/in"
	wait_ready "$work/out"
	read -r _ apid bpid port inode <"$work/out"
	nfds_before=$(ls "/proc/$bpid/fd" | wc -l)

	# one table a refresh; after the first, B takes the socket
	"$PORTTOP" --owner-scan="$scan" --json -n 4 -d 1 "$port" 2>"$work/err" | {
		k=0
		while IFS= read -r line; do
			k=$((k + 1))
			printf '%s\n' "$line" >"$work/t.$k"
			[ $k -eq 1 ] || continue
			echo go >&3
			m=0
			until grep -q '^done' "$work/out" 2>/dev/null; do
				m=$((m + 1))
				[ $m -gt 100 ] && break
				sleep 0.01
			done
			# how long after the first table the hand-off ended:
			# the second refresh's scan starts a second after it
			echo "$m" >"$work/lag"
		done
	}
	grep -q '^done' "$work/out"
	ok $? "$scan: B took the listener of A onto fd 50"
	nfds_after=$(ls "/proc/$bpid/fd" | wc -l)
	[ "$nfds_before" -eq "$nfds_after" ]
	ok $? "$scan: B's number of fds is unchanged ($nfds_before, $nfds_after)"
	"$PORTTOP" --owner-scan="$scan" --json "$port" >"$work/shot" 2>/dev/null
	holders() {
		jq -c --argjson i "$inode" '[.[] | select(.inode == $i) |
			.owners[] | [.pid, .fd]] | sort' "$1"
	}
	want=$(holders "$work/shot")
	printf '%s\n' "$want" | grep -q "\[$bpid,50\]" &&
		printf '%s\n' "$want" | grep -q "\[$apid,"
	ok $? "$scan: a one-shot scan lists A and B ($want)"
	lag=$(cat "$work/lag" 2>/dev/null || echo 100)
	# the hand-off ended well before the second refresh began (0.01 s
	# steps): then the second table is "the next refresh"; else the third
	first=2
	[ "$lag" -lt 30 ] || first=3
	for k in 1 2 3 4; do
		[ -s "$work/t.$k" ] || { ok 1 "$scan: table $k printed"; continue; }
		got=$(holders "$work/t.$k")
		if [ $k -lt $first ]; then
			[ $k -eq 1 ] && diag "$scan: table 1 (before): $got"
			continue
		fi
		[ "$got" = "$want" ]
		ok $? "$scan: refresh $k lists the holders of a one-shot scan ($got, want $want)"
	done
	echo "tap_n $tap_n" >&4
	exit 0
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/porttop-gap.XXXXXX") || exit 99
trap 'rm -rf "$work"' EXIT
# the /proc scan: a pid namespace of its own, where the host is small
if unshare -npf --mount-proc true 2>/dev/null; then
	unshare -npf --mount-proc sh -c \
		'ip link set lo up && exec sh "$0" --inner proc 0 4>"$1"' \
		"$0" "$work/n" | tee "$work/tap"
	tap_n=$(awk '{ print $2 }' "$work/n" 2>/dev/null)
	tap_n=${tap_n:-0}
	tap_failed=$(grep -c '^not ok' "$work/tap")
else
	diag "the kernel refuses new pid namespaces: the /proc case is not run"
fi
# the BPF scan: the initial pid namespace, a network namespace of its own
netns_or_skip
if ! bpf_refused; then
	in_netns sh "$0" --inner bpf "$tap_n" 4>"$work/n" | tee "$work/tap"
	tap_n=$(awk '{ print $2 }' "$work/n" 2>/dev/null)
	tap_failed=$((tap_failed + $(grep -c '^not ok' "$work/tap")))
else
	diag "the BPF scan is refused here: $bpf_why"
fi
[ "$tap_n" -gt 0 ] || skip_all "neither case could run here"
done_testing

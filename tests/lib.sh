# lib.sh - TAP helpers for the shell tests (sourced)
# Tests run from the build directory; $srcdir is exported by automake.
: "${srcdir:=.}"
: "${top_builddir:=.}"
PORTTOP=${PORTTOP:-$top_builddir/src/porttop}
HELPER=$top_builddir/tests/listen-helper
tap_n=0
tap_failed=0

ok() {	# ok CONDITION-STATUS DESCRIPTION
	tap_n=$((tap_n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $tap_n - $2"
	else
		echo "not ok $tap_n - $2"
		tap_failed=$((tap_failed + 1))
	fi
}

skip_all() {
	echo "1..0 # SKIP $*"
	exit 0
}

diag() {
	printf '%s\n' "$@" | sed 's/^/# /'
}

done_testing() {
	echo "1..$tap_n"
	[ "$tap_failed" -eq 0 ]
}

# jqt FILE [JQ-OPTION...] FILTER: true only if FILE holds JSON for which
# FILTER is true (jq -e alone is true on an empty file)
jqt() {
	jqt_f=$1
	shift
	[ -s "$jqt_f" ] && [ "$(jq "$@" "$jqt_f" 2>/dev/null)" = true ]
}

# Run "$@" in a fresh network namespace with lo up (as root: unshare -n;
# otherwise a user namespace too). Prints nothing of its own.
in_netns() {
	if [ "$(id -u)" = 0 ]; then
		unshare -n sh -c 'ip link set lo up && exec "$@"' sh "$@"
	else
		unshare -rn sh -c 'ip link set lo up && exec "$@"' sh "$@"
	fi
}

# need CMD...: skip the whole test unless every command is installed
need() {
	for need_c in "$@"; do
		command -v "$need_c" >/dev/null 2>&1 || skip_all "$need_c is not installed"
	done
}

# inner_netns ARG1: the first call (ARG1 is not --inner) runs this script
# again inside a private network namespace and exits with its status; the
# second returns at once
inner_netns() {
	[ "$1" = --inner ] && return 0
	netns_or_skip
	in_netns sh "$0" --inner
	exit $?
}

# wait_ready FILE...: until every listen-helper output FILE says "ready"
wait_ready() {
	for wr_f in "$@"; do
		wr_n=0
		until grep -q '^ready' "$wr_f" 2>/dev/null; do
			wr_n=$((wr_n + 1))
			if [ $wr_n -gt 100 ]; then
				echo "Bail out! listen-helper did not start ($wr_f)"
				exit 1
			fi
			sleep 0.05
		done
	done
}

# bpf_refused: true, with the reason in $bpf_why, if porttop refuses the
# BPF owner scan here with its documented error (exit 2, "cannot use
# --owner-scan=bpf: ..."). Any other failure (a crash, a sanitizer's
# report) is no refusal: the caller's BPF case runs, and fails.
bpf_refused() {
	bpf_why=$("$PORTTOP" --owner-scan=bpf -b 2>&1 >/dev/null)
	[ $? -eq 2 ] || return 1
	case $bpf_why in
	*"cannot use --owner-scan=bpf"*) return 0 ;;
	esac
	return 1
}

netns_or_skip() {
	command -v unshare >/dev/null 2>&1 || skip_all "unshare is not installed"
	command -v ip >/dev/null 2>&1 || skip_all "ip (iproute2) is not installed"
	in_netns true 2>/dev/null || skip_all "the kernel refuses a new network namespace"
}

# Where some process's open files cannot be read even by root (the PID 1
# of some sandboxes, a security module), porttop truthfully calls the
# holders it finds "partial", says "permission" where it finds none, prints
# one hint line and exits 4 for a question. fds_unreadable tells (call it
# once in the test's own shell: it remembers); the others say what to
# expect here. Where the BPF owner scan loads (the default then), it reads
# from /proc only the processes the kernel hides from its iterator: porttop
# itself is asked, about a listener of a network namespace of its own.
fds_unreadable() {
	if [ -z "${fdu_known:-}" ]; then
		fdu_known=1
		fdu=1
		"$PORTTOP" --owner-scan=bpf -b >/dev/null 2>&1 && fdu_bpf=1
		if [ -n "${fdu_bpf:-}" ]; then
			fdu_st=$(unshare -n python3 -c '
import socket, subprocess, sys
s = socket.socket()
s.bind(("0.0.0.0", 0))
s.listen(1)
sys.exit(subprocess.call([sys.argv[1], "--json"]))' "$PORTTOP" 2>/dev/null |
				jq -r '.[0].owner_status' 2>/dev/null)
			[ "$fdu_st" = partial ] && fdu=0
		fi
		# without BPF (or where the question failed): /proc itself
		[ "${fdu_st:-}" = ok ] || [ "${fdu_st:-}" = partial ] ||
			for fdu_p in /proc/[0-9]*; do
				if ls -l "$fdu_p/fd/" 2>&1 >/dev/null |
					grep -q -e 'Permission denied' -e 'not permitted'; then
					fdu=0
					break
				fi
			done
		[ "$fdu" = 0 ] && diag "some process's open files cannot be read here: expecting partial owner sets"
	fi
	[ "$fdu" = 0 ]
}
# proc_fds_unreadable: the same for the /proc scan alone (where BPF is
# not allowed, as in a unit with a bounding set)
proc_fds_unreadable() {
	for pfu_p in /proc/[0-9]*; do
		ls -l "$pfu_p/fd/" 2>&1 >/dev/null |
			grep -q -e 'Permission denied' -e 'not permitted' && return 0
	done
	return 1
}
# inner_ns ARG1: inner_netns for a test about something other than partial
# visibility that wants porttop's answer complete. Where the host's
# processes can all be read (or the BPF scan sees them), a network
# namespace, as inner_netns; where some cannot (fds_unreadable), a pid
# namespace of its own with its own /proc as well: every process there is
# the test's and readable (the default scan there is /proc's). Skips where
# the kernel refuses that namespace.
inner_ns() {
	[ "$1" = --inner ] && return 0
	netns_or_skip
	if ! fds_unreadable; then
		in_netns sh "$0" --inner
		exit $?
	fi
	if [ "$(id -u)" = 0 ]; then
		set -- unshare -npf --mount-proc
	else
		set -- unshare -rnpf --mount-proc
	fi
	diag "so this test runs in a pid namespace of its own, where every process is readable"
	"$@" true 2>/dev/null ||
		skip_all "some process's open files cannot be read here and the kernel refuses a pid namespace with its own /proc"
	"$@" sh -c 'ip link set lo up && exec sh "$0" --inner' "$0"
	exit $?
}
# own_pidns CMD...: run CMD in a pid namespace of its own with its own
# /proc (the network namespace stays): a /proc scan there reads CMD's
# processes only, however many the host runs. own_pidns_cmd prints the
# command prefix that does it; own_pidns_ok: whether the kernel allows it.
own_pidns_cmd() {
	if [ "$(id -u)" = 0 ]; then
		echo unshare -pf --mount-proc
	else
		echo unshare -rpf --mount-proc
	fi
}
own_pidns() { $(own_pidns_cmd) "$@"; }
own_pidns_ok() { own_pidns true 2>/dev/null; }
held_status() { if fds_unreadable; then echo partial; else echo ok; fi; }
unheld_status() { if fds_unreadable; then echo permission; else echo none; fi; }
asked_rc() { if fds_unreadable; then echo 4; else echo 0; fi; }
partial_mark() { if fds_unreadable; then echo '?'; fi; }
# not_hint FILE: the lines of FILE but the owner hint
not_hint() { grep -v '^porttop: the holders of ' "$1"; }
# only_hint FILE: FILE is empty, or (where open files are unreadable) holds
# nothing but the owner hint
only_hint() {
	[ -s "$1" ] || return 0
	fds_unreadable && [ "$(grep -vc '^porttop: the holders of ' "$1")" -eq 0 ]
}

#!/bin/sh
# tui.sh - the live view, driven in tmux inside a network namespace of its
# own, against sockets this test opens and closes
. "$srcdir/tests/lib.sh"
. "$srcdir/tests/lib-tmux.sh"

tmux_setup tui "$@"
fds_unreadable || :
ESC=$(printf '\033')

# start_helper NAME FD SPEC...: a listen-helper named NAME holding SPECs,
# alive while this shell keeps FD open
start_helper() {
	name=$1 fd=$2
	shift 2
	mkfifo "$work/in.$name"
	"$HELPER" -n "$name" "$@" <"$work/in.$name" >"$work/out.$name" &
	eval "exec $fd>\"\$work/in.\$name\""
	wait_ready "$work/out.$name"
}
port_of() {	# port_of NAME PROTO
	awk -v p="$2" '$1 == "sock" && $2 == p { print $4; exit }' "$work/out.$1"
}
pid_of() {
	awk '$1 == "holder" { print $2; exit }' "$work/out.$1"
}

screen_e() { $T capture-pane -e -p -t t; }
# wait_gone REGEX [TENTHS]: until the screen no longer shows REGEX
wait_gone() {
	n=${2:-50}
	while [ "$n" -gt 0 ]; do
		screen | grep -Eq -- "$1" || return 0
		sleep 0.1
		n=$((n - 1))
	done
	return 1
}
# wait_rc [TENTHS]: until the program in the pane has exited
wait_rc() {
	n=${1:-100}
	while [ ! -s "$work/rc" ] && [ "$n" -gt 0 ]; do
		sleep 0.1
		n=$((n - 1))
	done
	[ -s "$work/rc" ]
}
# line_no REGEX: the screen line that first shows REGEX
line_no() { screen | grep -En -- "$1" | head -1 | cut -d: -f1; }
# joined: the screen's lines FROM to TO joined by spaces (wrapped text)
joined() { screen | sed -n "$1,$2p" | sed 's/ *$//' | tr '\n' ' '; }
# keys KEY...: type them one by one, as a person would (an Esc followed
# at once by more bytes reads as one sequence)
keys() {
	for k in "$@"; do
		$T send-keys -t t "$k"
		sleep 0.06
	done
}

# start [W H] ARGS...: porttop in a fresh session; its pid goes to $work/pid,
# its exit status to $work/rc, then the tty's modes to $work/stty; run
# through $RUNAS (a command prefix) if set
RUNAS=
start() {
	w=$1 h=$2
	shift 2
	$T kill-session -t t 2>/dev/null
	rm -f "$work/rc" "$work/pid" "$work/stty"
	$T new-session -d -s t -x "$w" -y "$h" \
		"sh -c 'echo \$\$ >\"$work/pid\"; exec $RUNAS env LANG=C.UTF-8 TERM=tmux-256color \"$PORTTOP\" $*'; echo \$? >\"$work/rc\"; stty -a >\"$work/stty\"; sleep 120"
}

start_helper tuia 4 tcp/127.0.0.1/0 udp/0.0.0.0/0
pa=$(port_of tuia tcp)
ua=$(port_of tuia udp)

start 100 20 --live -d 0.3
wait_for "tcp4 +127\.0\.0\.1 +$pa "
okd $? "the live view lists the test's TCP listener"
wait_for "udp4 +0\.0\.0\.0 +$ua "
okd $? "and its UDP socket"
screen | head -1 | grep -Eq 'TCP 1 +UDP 1 +exposed 1 +every 0\.3s'
okd $? "the title counts listeners, exposed ones and the interval"
screen | grep -Eq '^ PROTO +ADDRESS +PORT'
okd $? "the table has a header"
screen | tail -1 | grep -q 'q quit.*Enter details  w why  k kill'
okd $? "the status line lists keys, w (why) among them"
screen_e | grep "$pa" | grep -q "${ESC}\[7m"
okd $? "the first line is selected (reverse video)"

# a new listener is highlighted, a closed one marked, then dropped
start_helper tuib 5 tcp/127.0.0.1/0
pb=$(port_of tuib tcp)
wait_for "^\+tcp4 +127\.0\.0\.1 +$pb "
okd $? "a new listener appears with a '+' mark"
screen_e | grep "$pb" | grep -Eq "${ESC}\[(1|[0-9;]*;1)[;m]"
okd $? "and in bold (capture-pane -e)"
wait_for "^ tcp4 +127\.0\.0\.1 +$pb " 100
okd $? "the mark goes after a few seconds"
exec 5>&-
wait_for "^-tcp4 +127\.0\.0\.1 +$pb " 100
okd $? "a closed listener stays, marked '-'"
wait_gone " $pb " 100
okd $? "and leaves a few seconds later"
keys e
wait_for "appeared +tcp4 127\.0\.0\.1:$pb "
okd $? "the event log shows the appearance"
screen | grep -Eq "gone +tcp4 127\.0\.0\.1:$pb "
okd $? "and the disappearance"
keys Escape
wait_for '^ PROTO'
okd $? "Esc returns to the table"

# search, next match
keys / "$ua"
wait_for "search: $ua"
okd $? "'/' opens the search prompt"
screen_e | grep " $ua " | grep -q "${ESC}\[7m"
okd $? "incremental search selects the matching line"
keys Enter Home
sleep 0.3
keys n
sleep 0.3
screen_e | grep " $ua " | grep -q "${ESC}\[7m"
okd $? "'n' finds the next match"

# filter
keys f udp4 Enter
wait_gone "tcp4 +127\.0\.0\.1 +$pa "
okd $? "'f' filters: the TCP line is hidden"
screen | grep -q " $ua "; okd $? "the UDP line stays"
screen | grep -q 'filter: udp4'; okd $? "the filter is shown"
keys f Escape
wait_for "tcp4 +127\.0\.0\.1 +$pa "
okd $? "Esc in the filter prompt clears it"

# toggles
keys t
wait_gone "tcp4 +127\.0\.0\.1 +$pa "
okd $? "'t' hides TCP"
keys t
wait_for "tcp4 +127\.0\.0\.1 +$pa "
okd $? "'t' again shows it"

# sort and reverse
[ "$(line_no " $pa ")" -lt "$(line_no " $ua ")" ]
okd $? "the default order puts tcp before udp"
keys r
n=0
while [ $n -lt 30 ] && [ "$(line_no " $pa ")" -lt "$(line_no " $ua ")" ]; do
	sleep 0.1
	n=$((n + 1))
done
[ "$(line_no " $pa ")" -gt "$(line_no " $ua ")" ]
okd $? "'r' reverses the order"
keys s
wait_for 'sort by'
okd $? "'s' opens the sort menu"
keys Down Down Enter
wait_for 'sort: PORT'
okd $? "Enter sorts by the chosen column (PORT)"
keys '>'
wait_for 'sort: SERVICE'
okd $? "'>' moves the sort to the next column"

# freeze: the order stays while the sort reverses
keys o
wait_for 'FROZEN'
okd $? "'o' freezes the row order"
before=$(screen | grep -E " ($pa|$ua) " | awk '{print $3}' | tr '\n' ' ')
keys r
sleep 0.8
after=$(screen | grep -E " ($pa|$ua) " | awk '{print $3}' | tr '\n' ' ')
[ "$before" = "$after" ]
okd $? "a frozen order ignores a new sort ($before/$after)"
keys o
wait_gone 'FROZEN'
okd $? "'o' again releases it"

# pause
keys p
wait_for 'PAUSED'
okd $? "'p' pauses"
start_helper tuic 6 tcp/127.0.0.1/0
pc=$(port_of tuic tcp)
sleep 1
! screen | grep -q " $pc "
okd $? "no refresh while paused"
keys Space
wait_for " $pc "
okd $? "Space resumes and the new listener shows"

# details
keys / "$pc" Enter Enter
wait_for '^details'
okd $? "Enter opens the details"
screen | grep -Eq "holder +pid $(pid_of tuic), fd"
okd $? "the details name the holder's pid and fd"
screen | grep -Eq 'exposure +loopback only'
okd $? "and the exposure"
keys Escape

# why can't a server bind the selected port? (as --why)
keys / "$pc" Enter w
wait_for "^why: $pc/tcp"
okd $? "'w' opens the diagnosis of the selected port"
wait_for "^$pc/tcp on every address .*: blocked"
okd $? "it says the port is blocked"
screen | grep -Eq "holder +pid $(pid_of tuic), fd"
okd $? "and names the listener's holder"
keys w
wait_for '^ PROTO +ADDRESS'
okd $? "'w' again goes back to the table"

# kill, after a confirmation that names the process
keys / "$pc" Enter k
wait_for "send SIGTERM to tuic \(pid $(pid_of tuic)\)\? \[y/N\]"
okd $? "'k' asks, naming the process and pid"
keys n
wait_for 'no signal sent'
okd $? "any key but y cancels"
kill -0 "$(pid_of tuic)" 2>/dev/null
okd $? "the process still runs"
keys k y
wait_for "sent SIGTERM to tuic"
okd $? "y sends SIGTERM"
n=0
while kill -0 "$(pid_of tuic)" 2>/dev/null && [ $n -lt 30 ]; do
	sleep 0.1
	n=$((n + 1))
done
! kill -0 "$(pid_of tuic)" 2>/dev/null
okd $? "the selected process is gone"

# help
keys '?'
wait_for 'select the previous listener'
okd $? "'?' shows the help"
screen | grep -Eq '^  w +why a new server cannot bind'
okd $? "the help lists w (why)"
keys q
wait_for '^ PROTO'
okd $? "q leaves the help"

# at 40 columns the details and the diagnosis fold a long value (the
# helper's command line) under its label, as a card on such a terminal
# does: every line whole, none cut with '>' (but the title)
$T resize-window -t t -x 40 -y 40
keys / "$pa" Enter Enter
wait_for '^details'
from=$(line_no '^  command')
to=$(line_no '^  started')
[ -n "$from" ] && [ -n "$to" ] && [ "$to" -gt $((from + 1)) ] &&
	joined "$from" $((to - 1)) | tr -d ' ' |
	grep -Fq -- "-ntuiatcp/127.0.0.1/0udp/0.0.0.0/0" &&
	! screen | sed -n "3,${to}p" | grep -q '>$'
okd $? "at 40 columns the details fold the command line, nothing cut"
keys Escape w
wait_for "^why: $pa/tcp"
screen | grep -q '^  command' && ! screen | sed '1,2d' | grep -q '>$'
okd $? "and so does 'w'"
keys w
$T resize-window -t t -x 100 -y 20
wait_for '^ PROTO'

# resize to a tiny terminal and back
$T resize-window -t t -x 20 -y 5
sleep 0.6
screen | head -1 | grep -q porttop
okd $? "a 20x5 terminal still shows the title"
[ ! -s "$work/rc" ]
okd $? "and porttop keeps running"
$T resize-window -t t -x 8 -y 2
sleep 0.4
$T resize-window -t t -x 100 -y 20
wait_for "tcp4 +127\.0\.0\.1 +$pa "
okd $? "back at 100x20 the table is whole again"

keys q
wait_rc
okd $? "q quits"
[ "$(cat "$work/rc")" = 0 ]
okd $? "with status 0"
[ "$($T display -p -t t '#{alternate_on}')" = 0 ]
okd $? "and the alternate screen is off"

# signals restore the terminal
for sig in TERM HUP INT QUIT; do
	case $sig in TERM) num=15 ;; HUP) num=1 ;; INT) num=2 ;; QUIT) num=3 ;; esac
	start 80 24 --live -d 0.3
	wait_for " $pa " 150
	kill -s "$sig" "$(cat "$work/pid")"
	wait_rc 150 || diag "no exit after SIG$sig: $(ps -o pid,stat,wchan:32,cmd -p "$(cat "$work/pid")" 2>&1)" \
		"$(cat /proc/"$(cat "$work/pid")"/stack 2>/dev/null)" "$(screen)"
	[ "$(cat "$work/rc")" = $((128 + num)) ]
	ok $? "SIG$sig ends it with status $((128 + num)) (got $(cat "$work/rc"))"
	n=0
	while [ ! -s "$work/stty" ] && [ $n -lt 30 ]; do
		sleep 0.1
		n=$((n + 1))
	done
	grep -Eq '(^| )icanon( |$)' "$work/stty" && grep -Eq '(^| )echo( |$)' "$work/stty"
	ok $? "after SIG$sig the tty is in cooked mode (icanon, echo)"
	[ "$($T display -p -t t '#{alternate_on}')" = 0 ]
	ok $? "after SIG$sig the alternate screen is off"
done

# Ctrl-Z and fg, from a shell with job control
$T kill-session -t t 2>/dev/null
rm -f "$work/rc"
$T new-session -d -s t -x 80 -y 24 "env PS1='$ ' ENV= sh -i"
wait_for '^\$ '
keys "env LANG=C.UTF-8 TERM=tmux-256color '$PORTTOP' --live -d 0.3; echo \$? >'$work/rc'" Enter
wait_for " $pa "
okd $? "started from an interactive shell"
keys C-z
wait_for 'Stopped'
okd $? "Ctrl-Z stops it"
[ "$($T display -p -t t '#{alternate_on}')" = 0 ]
okd $? "and leaves the alternate screen for the shell"
keys fg Enter
wait_for " $pa " 30 && [ "$($T display -p -t t '#{alternate_on}')" = 1 ]
okd $? "fg redraws the view"
keys q
wait_rc
okd $? "and q still quits"

# --iterations: quits by itself
start 80 24 --live -d 0.2 -n 3
wait_rc 60
okd $? "--iterations 3 quits by itself"
[ "$(cat "$work/rc")" = 0 ]
okd $? "with status 0"

# NO_COLOR and --color=never draw without colours
start 80 24 --live -d 0.3 --color=never
wait_for " $pa "
! screen_e | grep -q "${ESC}\[3[0-8]m"
okd $? "--color=never uses no colours"
keys q
wait_rc

# a slow owner scan does not freeze the keys: the holder's stat in a
# fixture proc tree is a FIFO, so the refresh blocks until we write to it
fix=$work/slowproc
mkdir -p "$fix/4242/fd"
ln -s "socket:[$(awk '$1 == "sock" && $2 == "tcp" { print $5; exit }' "$work/out.tuia")]" \
	"$fix/4242/fd/3"
printf 'Name:\tslowpoke\nUid:\t0\t0\t0\t0\n' >"$fix/4242/status"
printf 'slowpoke\0' >"$fix/4242/cmdline"
printf '4242 (slowpoke) S 1 4242 4242 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 42 0 0\n' \
	>"$fix/stat.file"
mkfifo "$fix/4242/stat"
ln "$fix/4242/stat" "$fix/fifo"
start 100 20 --live -d 0.3 --proc-root "$fix"
wait_for 'refreshing' 50
okd $? "a refresh that takes long is marked in the title"
keys '?'
wait_for 'select the previous listener' 30
okd $? "keys work while the owner scan is blocked"
keys q
wait_for '^ PROTO' 30
okd $? "and lead back to the table"
# later scans read a plain file; then let the blocked one go on
mv "$fix/stat.file" "$fix/4242/stat"
cat "$fix/4242/stat" >"$fix/fifo"
wait_for "tcp4 +127\.0\.0\.1 +$pa .*slowpoke" 100
okd $? "the refresh lands once the scan ends"
keys q
wait_rc
okd $? "q quits"
[ "$(cat "$work/rc")" = 0 ]
okd $? "with status 0"

# d: the pre-filled interval is replaced by what is typed, and the title
# shows the interval as set, not rounded to a tenth
start 100 20 --live -d 0.8
wait_for "tcp4 +127\.0\.0\.1 +$pa "
okd $? "the live view starts with -d 0.8"
screen | head -1 | grep -q 'every 0\.8s'
okd $? "the title shows every 0.8s"
keys d
wait_for 'refresh every \(seconds\): 0\.8_' 30
okd $? "d pre-fills the prompt with the interval"
keys 5 Enter
wait_for 'every 5s' 30
okd $? "typing 5 replaces the pre-filled 0.8 (not 0.85)"
keys d . 8 5 Enter
wait_for 'every 0\.85s' 30
okd $? "the title shows 0.85s as set"
keys d BSpace Enter
wait_for 'the interval is a number of seconds' 30
okd $? "Backspace erases the whole pre-filled value"
keys q
wait_rc

# a narrow terminal: PORT, PID and COMMAND stay on screen, the columns
# worth less (CLASS, SERVICE, USER...) go first; where some process cannot
# be read the PID carries the partial mark '?', and the column still fits
pida=$(pid_of tuia)
[ -n "$(partial_mark)" ] && pida="$pida\\?"
start 40 10 --live -d 0.3
wait_for " $pa +$pida +" 50
okd $? "at 40x10 the PID of the test's listener is on screen, next to its port"
screen | grep -q '^ .*PORT.*PID.*COMMAND'
okd $? "at 40x10 the header shows PORT, PID and COMMAND"
screen | grep -Eq 'regist>|CLASS'
[ $? -ne 0 ]
okd $? "at 40x10 CLASS is dropped, not cut"
screen | grep -Eq " $pa +$pida +[^ ]"
okd $? "at 40x10 the command shows"
keys q
wait_rc
start 20 5 --live -d 0.3
wait_for " $pa +$pida" 50
okd $? "at 20x5 the PID of the test's listener is on screen, next to its port"
keys q
wait_rc

# the key bar fits the screen: whole keys only, "? help" always, the least
# needed left out first (at 80 columns p pause and e events)
# keybar_ok COLS: the last line is keys of the bar, two spaces apart,
# "? help" among them, in COLS cells
keybar_ok() {
	bar=$(screen | tail -1 | sed 's/ *$//')
	[ "${#bar}" -le "$1" ] && printf '%s\n' "$bar" | grep -q '? help' &&
		printf '%s\n' "$bar" | sed 's/  /\n/g' | while read -r k; do
			case $k in
			"q quit" | "? help" | "/ search" | "f filter" | "s sort" | \
				"p pause" | "e events" | "Enter details" | "w why" | \
				"k kill") ;;
			*) exit 1 ;;
			esac
		done
}
start 80 24 --live -d 0.3
wait_for " $pa "
screen | tail -1 | grep -Eq '^q quit  \? help  / search  f filter  s sort  Enter details  w why  k kill *$'
okd $? "at 80 columns the key bar ends with w why and k kill, whole; p and e are left out"
for c in 60 40 20 12 8; do
	$T resize-window -t t -x "$c" -y 10
	sleep 0.5
	keybar_ok "$c"
	okd $? "at $c columns the key bar shows ? help and whole keys only: $(screen | tail -1 | sed 's/ *$//')"
done
keys q
wait_rc

# an incremental /proc refresh (forced: HACKING.md, PORTTOP_REFRESH) says
# so on the line under the title, with the age of the last full scan; on a
# screen too narrow for it the mark is left out whole, never cut; with full
# scans at every refresh there is no mark (in a pid namespace of its own:
# on a host of many processes a full scan costs more than 5 % of -d 0.3,
# and porttop rightly refreshes incrementally)
mark='owners: incremental, full scan [0-9]+ s ago'
$T set-environment -g PORTTOP_REFRESH incremental
start 80 24 --live -d 0.3 --owner-scan=proc
wait_for "^sort: .*  $mark" 50
okd $? "at 80x24 an incremental refresh says so, with the age of the full scan"
keys q
wait_rc
start 40 10 --live -d 0.3 --owner-scan=proc
wait_for " $pa +$pida" 50 && sleep 1
screen | grep -Eq 'owners:|incremental'
[ $? -ne 0 ]
okd $? "at 40x10 the mark is left out whole, not cut"
keys q
wait_rc
$T set-environment -gu PORTTOP_REFRESH
if own_pidns_ok; then
	RUNAS=$(own_pidns_cmd)
	start 80 24 --live -d 0.3 --owner-scan=proc
	wait_for "tcp4 +127\.0\.0\.1 +$pa " 50 && sleep 1
	screen | grep -q incremental
	[ $? -ne 0 ]
	okd $? "full scans at every refresh: no mark"
	keys q
	wait_rc
	RUNAS=
else
	ok 0 "# SKIP full scans at every refresh: the kernel refuses a pid namespace with its own /proc"
fi

# the sort after refreshes is the order of -b sorted the same way (ties in
# -b's own order), both ways: the view sorts keys, not cells
start_helper tuis 6 tcp/127.0.0.1/0 tcp/127.0.0.2/0 tcp/::1/0 \
	udp/127.0.0.1/0 udp/::/0/dual tcp/0.0.0.0/0 tcp/::/0/v6only
table() {	# the table's lines: proto address port
	screen | sed -n '3,$p' | grep -E '^[ +](tcp|udp)' |
		awk '{ print $1, $2, $3 }'
}
start 120 40 --live -d 0.3 -o proto,address,port
wait_for "tcp6 +::1 +$(port_of tuis tcp) "
# same_as_b KEY DESCRIPTION: after a few refreshes the table is -b's,
# sorted with sort -s -k KEY
same_as_b() {
	sleep 1.2
	"$PORTTOP" -b --no-header -o proto,address,port |
		awk '{ print $1, $2, $3 }' | sort -s -k "$1" >"$work/sorted"
	table >"$work/shown"
	[ "$(wc -l <"$work/shown")" -ge 9 ] &&
		cmp -s "$work/sorted" "$work/shown"
	okd $? "$2 ($(wc -l <"$work/shown") lines)"
}
keys s Down Down Enter
wait_for 'sort: PORT'
same_as_b 3,3n "sorted by PORT after refreshes: the order of -b sorted by port"
keys r
wait_for 'sort: PORT \(reversed\)'
same_as_b 3,3nr "reversed: the order of -b sorted by port, reversed"
keys q
wait_rc

# a row that changes between refreshes is drawn with what it holds now:
# a client waits in the accept queue of the test's listener
start 100 20 --live -d 0.3 -o proto,address,port,queue
wait_for "tcp4 +127\.0\.0\.1 +$pa +[0-9]+/"
q0=$(screen | awk -v p="$pa" '$1 == "tcp4" && $3 == p { split($4, a, "/"); print a[1] }')
python3 -c 'import socket, sys, time
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
time.sleep(20)' "$pa" &
client=$!
wait_for "tcp4 +127\.0\.0\.1 +$pa +$((q0 + 1))/"
okd $? "the QUEUE cell of a listener follows its queue ($q0, then $((q0 + 1)))"
kill "$client" 2>/dev/null
wait "$client" 2>/dev/null
keys q
wait_rc

# where porttop cannot read the holders' open files (here it runs as
# nobody; the listeners are root's), the live view says why and the fix,
# as the text views' hint does: above the status line, wrapped to the
# screen (cut on a small one), and whole in the details of a row whose
# owner is unknown
hint='the holders of [0-9]+ sockets? are unknown or may be incomplete: [0-9]+ process(es)? could not be read \(failed reads: Permission denied [0-9]+.*\); run as root, or grant CAP_SYS_PTRACE and CAP_DAC_READ_SEARCH'
if ! command -v setpriv >/dev/null 2>&1; then
	ok 0 "# SKIP the hint of unknown owners: setpriv (util-linux) is not installed"
elif [ "$(id -u)" != 0 ] ||
	! setpriv --reuid=65534 --regid=65534 --clear-groups true 2>/dev/null; then
	ok 0 "# SKIP the hint of unknown owners: not root, cannot run the view as uid 65534"
else
	RUNAS="setpriv --reuid=65534 --regid=65534 --clear-groups"
	start 80 24 --live -d 0.3 --owner-scan=proc
	wait_for "tcp4 +127\.0\.0\.1 +$pa .*owner unknown: perm" 50
	okd $? "as uid 65534 the owner of the test's listener is unknown: permission denied"
	wait_for '^the holders of ' 30
	hl=$(line_no '^the holders of ')
	[ "$hl" = 21 ] && joined 21 23 | grep -Eq "^$hint \$"
	okd $? "at 80x24 the hint with its remedy fills the 3 lines above the status line"
	[ "$(screen | awk 'length > 80' | wc -l)" -eq 0 ] &&
		screen | sed -n 24p | grep -q '^q quit' &&
		screen | sed -n 20p | grep -Eq '^ *$|^ [a-z]+[46]+ '
	okd $? "and overlaps neither the table nor the key bar"
	keys Enter
	wait_for '^details' 30
	keys Down Down Down Down Down Down Down Down Down Down Down Down
	sleep 0.5
	from=$(line_no '^the holders of ')
	[ -n "$from" ] && joined "$from" 23 | grep -Eq "^$hint "
	okd $? "the details of a row whose owner is unknown end with the hint"
	keys q
	wait_rc
	start 40 10 --live -d 0.3 --owner-scan=proc
	wait_for '^the holders of ' 50
	[ "$(line_no '^the holders of ')" = 8 ] &&
		screen | sed -n 9p | grep -q '>$' &&
		screen | sed -n 10p | grep -q '^q quit' &&
		screen | sed -n 4p | grep -Eq '^ [a-z]+[46]+ '
	okd $? "at 40x10 it takes 2 lines, the second cut with '>', the table keeps its rows"
	keys q
	wait_rc
	start 20 5 --live -d 0.3 --owner-scan=proc
	sleep 1.5
	[ ! -s "$work/rc" ]
	okd $? "at 20x5 the view runs on (no room for the hint)"
	keys q
	wait_rc && [ "$(cat "$work/rc")" = 0 ]
	okd $? "and quits with status 0"
	RUNAS=
fi

# not a terminal, or TERM=dumb: the text table
TERM=dumb "$PORTTOP" --live </dev/null >"$work/dumb" 2>"$work/dumb.err"
grep -q "$pa" "$work/dumb" && grep -q 'printing the table instead' "$work/dumb.err"
okd $? "--live without a terminal prints the table with a note"
done_testing

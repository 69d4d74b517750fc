#!/bin/sh
# narrow.sh - the text table (-b) on a terminal narrower than the table:
# every line fits (COLUMNS, or the terminal's own width), the columns kept
# are those porttop(1) documents (the command is cut first, then CLASS,
# SERVICE, INODE and FD, QUEUE, CONNS and DROPS, USER, UNIT and NETNS,
# EXPOSURE, PROTO, ADDRESS are hidden), cut text ends with '>'; a pipe
# still gets whole lines whatever COLUMNS says. On a recorded table
# (tests/data/listeners.rec), so that its widths are known; the terminal is
# a pty of script(1). Then a command line of wide characters (a listener of
# the test's own, in its own network namespace) is cut by whole characters.
. "$srcdir/tests/lib.sh"

need script python3
rec="$srcdir/tests/data/listeners.rec"
work=$(mktemp -d "${TMPDIR:-/tmp}/porttop-narrow.XXXXXX") || exit 99
trap 'rm -rf "$work"' EXIT
PORTTOP=$(cd "$(dirname "$PORTTOP")" && pwd)/$(basename "$PORTTOP")
export LC_ALL=C.UTF-8

# tty FILE STTY-COLS COLUMNS ARGS...: porttop -b ARGS on a terminal of
# STTY-COLS columns ("-" leaves the pty's size), with COLUMNS ("-": unset);
# its stdout in FILE (without the pty's carriage returns), status in FILE.rc
tty() {
	t_f=$1 t_c=$2 t_e=$3
	shift 3
	t_cmd=
	[ "$t_c" != - ] && t_cmd="stty cols $t_c rows 24; "
	if [ "$t_e" = - ]; then
		t_cmd="${t_cmd}unset COLUMNS; "
	else
		t_cmd="${t_cmd}export COLUMNS=$t_e; "
	fi
	t_cmd="$t_cmd exec \"$PORTTOP\" -b --replay \"$rec\" $* 2>/dev/null"
	script -qec "$t_cmd" /dev/null </dev/null | tr -d '\r' >"$t_f"
	echo $? >"$t_f.rc"
}

# widest FILE: the widest line of FILE, in terminal cells
widest() { wc -L <"$1"; }
# header FILE: the header line's words, one space apart
header() { head -1 "$1" | tr -s ' ' | sed 's/ $//'; }
# ports FILE: the port of each line but the header (the column that stays)
ports() {
	tail -n +2 "$1" | awk '{ for (i = 1; i <= NF; i++)
		if ($i ~ /^[0-9]+$/) { print $i; next } }'
}

"$PORTTOP" -b --replay "$rec" >"$work/pipe" 2>/dev/null
full=$(widest "$work/pipe")
[ "$full" -gt 60 ]; ok $? "the recorded table is wider than 60 columns ($full)"
COLUMNS=20 "$PORTTOP" -b --replay "$rec" >"$work/pipe20" 2>/dev/null
cmp -s "$work/pipe" "$work/pipe20"
ok $? "a pipe gets whole lines whatever COLUMNS says"

tty "$work/t200" - 200
[ "$(cat "$work/t200.rc")" = 0 ] && cmp -s "$work/pipe" "$work/t200"
ok $? "on a terminal wide enough, the table is the one of a pipe"
script -qec "exec \"$PORTTOP\" -b --replay \"$rec\" 2>/dev/null" /dev/null \
	</dev/null | tr -d '\r' >"$work/tnone"
cmp -s "$work/pipe" "$work/tnone"
ok $? "on a terminal of unknown width (0 columns, COLUMNS unset), whole lines"

# the columns kept at each width (hand-checked against the documented
# order with this recording's widths: PROTO 5, ADDRESS 13, PORT 4,
# SERVICE 13, CLASS 10, USER 4, PID 3, COMMAND 8 at least)
for case in \
	"70:PROTO ADDRESS PORT SERVICE CLASS USER PID COMMAND" \
	"50:PROTO ADDRESS PORT USER PID COMMAND" \
	"35:ADDRESS PORT PID COMMAND" \
	"20:PORT PID COMMAND" \
	"12:PORT PID CO>"; do
	w=${case%%:*}
	want=${case#*:}
	tty "$work/t$w" - "$w"
	got=$(header "$work/t$w")
	[ "$(widest "$work/t$w")" -le "$w" ]
	ok $? "COLUMNS=$w: every line fits ($(widest "$work/t$w") cells)"
	[ "$got" = "$want" ]
	ok $? "COLUMNS=$w: the documented columns are kept: $got"
	[ "$(ports "$work/t$w")" = "$(ports "$work/pipe")" ] &&
		[ "$(wc -l <"$work/t$w")" -eq "$(wc -l <"$work/pipe")" ]
	ok $? "COLUMNS=$w: every listener, one line each, in the same order"
done

# only the command cut: each line is the whole line, cut with '>' in the
# last column
python3 - "$work/pipe" "$work/t70" 70 <<'EOF'
import sys
full = open(sys.argv[1], encoding="utf-8").read().splitlines()
cut = open(sys.argv[2], encoding="utf-8").read().splitlines()
w = int(sys.argv[3])
bad = [(f, c) for f, c in zip(full, cut)
       if c != (f if len(f) <= w else f[:w - 1] + ">")]
sys.exit(1 if bad or len(full) != len(cut) else 0)
EOF
ok $? "COLUMNS=70: the command is cut at the edge with a '>', the rest as piped"

# the terminal's own width, and COLUMNS over it
tty "$work/s50" 50 -
cmp -s "$work/s50" "$work/t50"
ok $? "a terminal of 50 columns (no COLUMNS) gives the table of COLUMNS=50"
tty "$work/s50c" 50 35
cmp -s "$work/s50c" "$work/t35"
ok $? "COLUMNS wins over the terminal's width"
tty "$work/s50x" 50 abc
cmp -s "$work/s50x" "$work/t50"
ok $? "a COLUMNS that is not a number is ignored"

# more columns: INODE and FD go before QUEUE, CONNS, DROPS, which go
# before USER (-o all)
tty "$work/a80" - 80 -o all
got=$(header "$work/a80")
[ "$got" = "PROTO ADDRESS PORT EXPOSURE QUEUE CONNS DROPS USER PID UNIT NETNS COMMAND" ] &&
	[ "$(widest "$work/a80")" -le 80 ]
ok $? "-o all at 80: INODE and FD hidden first: $got"
tty "$work/a60" - 60 -o all
got=$(header "$work/a60")
[ "$got" = "PROTO ADDRESS PORT EXPOSURE PID UNIT NETNS COMMAND" ] &&
	[ "$(widest "$work/a60")" -le 60 ]
ok $? "-o all at 60: then QUEUE, CONNS, DROPS and USER: $got"

# -n 2 and --no-header on a narrow terminal
tty "$work/n" - 30 -n 2 -d 0.1 --no-header
[ "$(widest "$work/n")" -le 30 ] &&
	[ "$(grep -c . "$work/n")" -eq $((2 * ($(wc -l <"$work/pipe") - 1))) ]
ok $? "-n 2 --no-header at 30: two tables of fitting lines"

# wide characters (two cells each) in a command line are cut by cells,
# never in the middle of one: a helper's own listener, in a network
# namespace of this test's own
HELPER=$(cd "$(dirname "$HELPER")" && pwd)/$(basename "$HELPER")
cat >"$work/wide.sh" <<'EOF'
mkfifo "$1/in"
"$2" tcp/127.0.0.1/0 PADDING 服务器服务器服务器服务器服务器 <"$1/in" >"$1/h" &
exec 3>"$1/in"
n=0
until grep -q '^ready' "$1/h" 2>/dev/null || [ $n -gt 100 ]; do
	sleep 0.05
	n=$((n + 1))
done
pid=$(awk '/^holder/ {print $2}' "$1/h")
"$3" -b --pid "$pid" -o port,command >"$1/widepipe" 2>/dev/null
# the cells before the wide characters (the helper's path: ASCII), then
# room for 2 of them and the mark, and one cell more
pre=$(($(awk 'NR == 2 {print index($0, "服")}' "$1/widepipe") - 1))
for w in $((pre + 5)) $((pre + 6)); do
	script -qec "COLUMNS=$w exec \"$3\" -b --pid $pid -o port,command 2>/dev/null" \
		/dev/null </dev/null | tr -d '\r' >"$1/wide$w"
done
EOF
if in_netns true 2>/dev/null; then
	in_netns sh "$work/wide.sh" "$work" "$HELPER" "$PORTTOP"
	grep -q '服务器服务器服务器服务器服务器$' "$work/widepipe"
	ok $? "piped, the wide command line is whole"
	rc=0
	pre=$(($(awk 'NR == 2 {print index($0, "服")}' "$work/widepipe") - 1))
	[ "$pre" -gt 0 ] || rc=1
	for w in $((pre + 5)) $((pre + 6)); do
		line=$(sed -n 2p "$work/wide$w")
		[ -n "$line" ] || rc=1
		# the cut line is a prefix of the whole one, the last
		# character whole, then '>' in the column's last cell
		python3 -c '
import sys, unicodedata
w, line, full = int(sys.argv[1]), sys.argv[2], sys.argv[3]
cells = sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in line)
ok = (cells == w and line.endswith(sys.argv[4])
      and full.startswith(line[:-1].rstrip(" ")))
sys.exit(0 if ok else 1)' "$w" "$line" "$(sed -n 2p "$work/widepipe")" \
			"$([ $w -eq $((pre + 5)) ] && echo '服务>' || echo '服务 >')" || rc=1
		[ "$(wc -L <"$work/wide$w")" -le "$w" ] || rc=1
	done
	ok $rc "two narrow widths: a command of wide characters is cut by whole characters, with '>' in the last cell ($(sed -n 2p "$work/wide$((pre + 5))" | tail -c 12) | $(sed -n 2p "$work/wide$((pre + 6))" | tail -c 12))"
else
	ok 0 "# SKIP the kernel refuses a new network namespace"
	ok 0 "# SKIP the kernel refuses a new network namespace"
fi

# the card and --why of a hostile listener, in a network namespace of this
# test's own: its name has a terminal's escape sequence, a tab, a wide
# character and a byte that is not UTF-8; its command line a long path,
# controls, wide characters, bytes that are not UTF-8 and a backslash
WIDTHS="80 60 40 30 20 12"
cat >"$work/card.sh" <<'EOF'
. "$srcdir/tests/lib.sh"
w=$1 h=$2 p=$3
shift 3
mkfifo "$w/cin"
"$h" -n "$(printf 'x\033[2J\tn\316\261\346\234\215\377')" tcp/127.0.0.1/0 \
	PADDING /usr/lib/some/very/long/path/to/a/program/that/does/not/fit \
	--opt="$(printf 'a\033b\nc')" 服务器服务器服务器服务器服务器服务器 \
	"$(printf '\377\376\375\374\373\372\371\370\367\366\365')" \
	'back\slash' end <"$w/cin" >"$w/ch" &
exec 3>"$w/cin"
wait_ready "$w/ch"
port=$(awk '/^sock tcp / {print $4; exit}' "$w/ch")
for v in card why; do
	a=$port
	[ $v = why ] && a="--why $port"
	"$p" $a >"$w/$v.pipe" 2>/dev/null
	COLUMNS=12 "$p" $a >"$w/$v.pipe12" 2>/dev/null
	for c in "$@"; do
		script -qec "COLUMNS=$c exec \"$p\" $a 2>/dev/null" /dev/null \
			</dev/null | tr -d '\r' >"$w/$v$c"
	done
	script -qec "stty cols 40 rows 24; unset COLUMNS; exec \"$p\" $a 2>/dev/null" \
		/dev/null </dev/null | tr -d '\r' >"$w/$v.s40"
done
EOF
# fitted FILE PIPE WIDTH: every line of FILE fits in WIDTH cells, is UTF-8
# without a control character, every backslash in it starts a whole escape
# but a last odd one (the mark), and its lines joined again (a line after a
# mark without a space, the others with one) are PIPE's (blanks squeezed:
# a fold moves them)
fitted() {
	python3 - "$@" <<'EOF'
import re, sys, unicodedata
esc = re.compile(r'(?:[^\\]|\\[\\ntr]|\\x[0-9a-f]{2}|\\u[0-9a-f]{4})*')
def cells(s):
	return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in s)
try:
	lines = open(sys.argv[1], encoding="utf-8").read().split("\n")
	pipe = open(sys.argv[2], encoding="utf-8").read()
except UnicodeDecodeError as e:
	sys.exit("not UTF-8: %s" % e)
w, joined, marked = int(sys.argv[3]), "", False
for ln in lines:
	if cells(ln) > w or any(ord(c) < 32 or 0x7f <= ord(c) < 0xa0 for c in ln):
		sys.exit("too wide, or a control: %r" % ln)
	mark = (len(ln) - len(ln.rstrip("\\"))) % 2 == 1
	body = ln[:-1] if mark else ln
	if not esc.fullmatch(body):
		sys.exit("an escape cut: %r" % ln)
	joined += body.lstrip(" ") if marked else " " + body
	marked = mark
if " ".join(joined.split()) != " ".join(pipe.split()):
	sys.exit("joined again, not the piped text: %r" % " ".join(joined.split()))
EOF
}
if in_netns true 2>/dev/null; then
	# shellcheck disable=SC2086
	in_netns sh "$work/card.sh" "$work" "$HELPER" "$PORTTOP" $WIDTHS
	cmp -s "$work/card.pipe" "$work/card.pipe12" &&
		cmp -s "$work/why.pipe" "$work/why.pipe12"
	ok $? "piped, the card and --why are the same whatever COLUMNS says"
	grep -q '^  command      .*/does/not/fit --opt=a\\x1bb\\nc 服务器服务器服务器服务器服务器服务器 \\xff\\xfe\\xfd.* back\\\\slash end$' \
		"$work/card.pipe" &&
		grep -q '^               x\\x1b\[2J\\tnα服\\xff, user ' "$work/card.pipe"
	ok $? "piped, the card's name and command line are whole lines, escaped"
	for v in card why; do
		for c in $WIDTHS; do
			err=$(fitted "$work/$v$c" "$work/$v.pipe" "$c" 2>&1)
			ok $? "$v at $c columns: every line fits, escapes and characters whole, nothing lost${err:+: $err}"
		done
		cmp -s "$work/$v.s40" "$work/${v}40"
		ok $? "$v on a terminal of 40 columns (no COLUMNS) is as with COLUMNS=40"
	done
	# where it folds: beside the label, under the value's first
	# character; narrower, under the label
	sed -n '/^  command /{n;p}' "$work/card40" | grep -q '^               [^ ]'
	ok $? "at 40 columns the command goes on under its first character"
	grep -q '^  command$' "$work/card20" &&
		sed -n '/^  command$/{n;p}' "$work/card20" | grep -q '^    /'
	ok $? "at 20 columns the command goes under its label, indented by 4"
	grep -q '/path/to/a/program/\\$' "$work/card60"
	ok $? "at 60 columns a path wider than a line is broken after a '/', marked with '\\'"
else
	for v in $(seq 1 19); do
		ok 0 "# SKIP the kernel refuses a new network namespace"
	done
fi

done_testing

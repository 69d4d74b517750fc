#!/bin/sh
# cli.sh - options, usage errors, exit codes and output robustness
. "$srcdir/tests/lib.sh"

out=$("$PORTTOP" --help); rc=$?
ok $rc "--help exits 0"
echo "$out" | grep -q -- '--json'; ok $? "--help lists --json"
"$PORTTOP" --version | grep -q '^porttop [0-9]'; ok $? "--version prints the version"

err=$("$PORTTOP" --bogus 2>&1 >/dev/null); rc=$?
[ $rc -eq 2 ]; ok $? "unknown option exits 2 (got $rc)"
[ "$(printf '%s\n' "$err" | wc -l)" -eq 1 ]; ok $? "unknown option gives one line"
echo "$err" | grep -q -- "--bogus" && echo "$err" | grep -q -- "--help"
ok $? "the message names the option and --help: $err"

err=$("$PORTTOP" -bx 2>&1 >/dev/null); rc=$?
[ $rc -eq 2 ] && echo "$err" | grep -q "'-x'" && ! echo "$err" | grep -q -- "-bx"
ok $? "an unknown option in a cluster is named alone: $err"
err=$("$PORTTOP" -bo 2>&1 >/dev/null)
echo "$err" | grep -q "needs an argument: '-o'"; ok $? "a missing argument names the option: $err"
err=$("$PORTTOP" -b --output 2>&1 >/dev/null)
echo "$err" | grep -q "needs an argument: '--output'"; ok $? "...and a long one whole: $err"

rec="$srcdir/tests/data/listeners.rec"
ncols=$("$PORTTOP" --list-columns | wc -l)
n=$("$PORTTOP" -b -o all --replay "$rec" | head -1 | wc -w)
[ "$n" -eq "$ncols" ]; ok $? "-o all shows every column ($n of $ncols)"
[ "$("$PORTTOP" -b --output-all --replay "$rec" | head -1)" = \
  "$("$PORTTOP" -b -o all --replay "$rec" | head -1)" ]
ok $? "--output-all is -o all"
h=$("$PORTTOP" -b -o +unit,inode --replay "$rec" | head -1 | tr -s ' ')
[ "$h" = "PROTO ADDRESS PORT SERVICE CLASS USER PID UNIT INODE COMMAND" ]
ok $? "-o +LIST adds to the default columns, the command last: $h"
"$PORTTOP" -b -o +nosuch --replay "$rec" >/dev/null 2>&1; [ $? -eq 2 ]
ok $? "-o +LIST with an unknown column is a usage error"

"$PORTTOP" --threads x >/dev/null 2>&1; [ $? -eq 2 ]; ok $? "bad --threads exits 2"
"$PORTTOP" --json extra >/dev/null 2>&1; [ $? -eq 2 ]; ok $? "stray argument exits 2"

err=$("$PORTTOP" -b --services /nonexistent/services 2>&1 >/dev/null); rc=$?
[ $rc -eq 0 ]; ok $? "a missing services file is not fatal (rc $rc)"
echo "$err" | grep -q '/nonexistent/services'; ok $? "it warns once, naming the file"

if [ -w /dev/full ]; then
	err=$("$PORTTOP" --json 2>&1 >/dev/full); rc=$?
	[ $rc -eq 2 ]; ok $? "write error exits 2 (got $rc)"
	echo "$err" | grep -qi 'write error'; ok $? "write error says so: $err"
fi

# a reader that goes away: no message
fds_unreadable
pipe_err=$(mktemp "${TMPDIR:-/tmp}/porttop-cli.XXXXXX") || exit 99
{ "$PORTTOP" --json --replay "$srcdir/tests/data/listeners.rec" | head -c 10 >/dev/null; } 2>"$pipe_err"
only_hint "$pipe_err"; ok $? "closed pipe is quiet"
rm -f "$pipe_err"

out=$("$PORTTOP" --replay /nonexistent 2>&1); rc=$?
[ $rc -eq 2 ]; ok $? "unreadable replay exits 2"

out=$("$PORTTOP" -b --proc-root /nonexistent 2>&1); rc=$?
[ $rc -eq 2 ] && echo "$out" | grep -q /nonexistent; ok $? "missing proc root exits 2 with a message"
done_testing

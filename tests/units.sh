#!/bin/sh
# units.sh - the systemd units of doc/examples: systemd-analyze verify
# accepts them (and would refuse a broken one), the capabilities they keep
# are enough to see the holder of another user's socket (and needed), and
# their command lines work under that bounding set and umask. systemd does
# not run here: the sandbox options beyond capabilities are only verified.
. "$srcdir/tests/lib.sh"

need python3
inner_netns "$1"

work=$(mktemp -d "${TMPDIR:-/tmp}/porttop-units.XXXXXX") || exit 99
trap 'exec 3>&-; wait; rm -rf "$work"' EXIT
chmod 755 "$work"
ex=$srcdir/doc/examples
units="porttop-textfile.service porttop-textfile.timer porttop-events.service"
mkdir "$work/bin" "$work/units" "$work/man" "$work/man/man1"
cp "$PORTTOP" "$HELPER" "$work/bin/"
cp "$srcdir/doc/porttop.1" "$work/man/man1/"
# the units name the installed binary: here, the one just built
for u in $units; do
	sed "s|/usr/bin/porttop|$work/bin/porttop|" "$ex/$u" >"$work/units/$u"
done

if command -v systemd-analyze >/dev/null 2>&1; then
	out=$(cd "$work/units" && MANPATH=$work/man systemd-analyze verify \
		$(for u in $units; do printf './%s ' "$u"; done) 2>&1)
	rc=$?
	[ $rc -eq 0 ] && [ -z "$out" ]
	ok $? "systemd-analyze verify accepts the units, without a warning"
	[ -z "$out" ] || diag "$out"
	sed 's/^ProtectSystem=strict/ProtectSystem=stric/' \
		"$work/units/porttop-events.service" >"$work/units/broken.service"
	out=$(cd "$work/units" && MANPATH=$work/man systemd-analyze verify \
		./broken.service 2>&1)
	[ -n "$out" ]; ok $? "and it would say so of a broken one"
else
	ok 0 "# SKIP systemd-analyze is not installed (Debian package systemd)"
fi

# the capabilities the units keep, as setpriv wants them
caps=$(sed -n 's/^CapabilityBoundingSet=//p' "$ex/porttop-textfile.service")
[ "$caps" = "$(sed -n 's/^CapabilityBoundingSet=//p' "$ex/porttop-events.service")" ]
ok $? "both services keep the same capabilities: $caps"
bset=$(printf '%s\n' "$caps" | tr ' ' '\n' | sed 's/^CAP_/+/' |
	tr 'A-Z' 'a-z' | paste -sd, -)
umask_=$(sed -n 's/^UMask=//p' "$ex/porttop-textfile.service")
exec_of() {	# the ExecStart line of unit $1, with the binary just built
	sed -n 's/^ExecStart=//p' "$work/units/$1"
}
if [ "$(id -u)" != 0 ] || ! command -v setpriv >/dev/null 2>&1 ||
	! id nobody >/dev/null 2>&1; then
	ok 0 "# SKIP the capability checks need root, setpriv and a user nobody"
	done_testing
	exit $?
fi
# as in the unit: root, with no capability but those
as_unit() {
	setpriv --bounding-set=-all,$bset --inh-caps=-all --no-new-privs "$@"
}
mkfifo "$work/in"
setpriv --reuid=65534 --regid=65534 --clear-groups "$work/bin/listen-helper" \
	tcp/127.0.0.1/0 <"$work/in" >"$work/helper" 2>"$work/helper.err" &
exec 3>"$work/in"
wait_ready "$work/helper"
hpid=$(awk '/^holder/ {print $2}' "$work/helper")
port=$(awk '/^sock/ {print $4}' "$work/helper")

# where some process cannot be read even so (a sandbox's PID 1), the
# holder set is partial and a port question exits 4
unread=
proc_fds_unreadable && unread=1
as_unit "$work/bin/porttop" --json "$port" >"$work/j" 2>"$work/j.err"
rc=$?
[ $rc -eq 0 ] || { [ $rc -eq 4 ] && [ -n "$unread" ]; }
ok $? "porttop runs with the units' capabilities ($rc)"
jqt "$work/j" --argjson p "$hpid" '(.[0].owner_status == "ok" or .[0].owner_status == "partial") and .[0].owners[0].pid == $p' &&
	{ [ -n "$unread" ] || jqt "$work/j" '.[0].owner_status == "ok"'; }
ok $? "and sees that nobody's process $hpid holds its port $port"
setpriv --bounding-set=-all --inh-caps=-all --no-new-privs \
	"$work/bin/porttop" --json "$port" >"$work/j0" 2>/dev/null
jqt "$work/j0" '.[0].owner_status == "permission" and (.[0].owners | length == 0)'
ok $? "without them it cannot: the capabilities are needed"

# the command lines of the units, under their bounding set and umask
mkdir "$work/textfile"
cmd=$(exec_of porttop-textfile.service |
	sed "s|=/var/lib/prometheus/node-exporter/|=$work/textfile/|")
(umask "$umask_"; as_unit sh -c "exec $cmd") 2>"$work/t.err"
ok $? "the textfile service's command works: $cmd"
[ "$(stat -c %a "$work/textfile/porttop.prom" 2>/dev/null)" = 644 ] &&
	python3 "$srcdir/tests/prom-parse.py" "$work/textfile/porttop.prom" >/dev/null
ok $? "and writes a valid file that node_exporter's user may read"
grep -q "port=\"$port\".*command=\"listen-helper\"" "$work/textfile/porttop.prom"
ok $? "with the holder of nobody's socket"
cmd=$(exec_of porttop-events.service)
as_unit sh -c "exec $cmd -n 2 -d 0.1" >"$work/ev.out" 2>&1; rc=$?
out=$(not_hint "$work/ev.out")
[ $rc -eq 0 ] && [ -z "$out" ]
ok $? "the events service's command works (with -n 2: nothing changed, nothing said)"

done_testing

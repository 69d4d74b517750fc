#!/bin/sh
# alerts.sh - the example alert rules: promtool accepts the file and the
# rules in the README, and each alert fires when it should and only then
# (promtool test rules on series made for it)
. "$srcdir/tests/lib.sh"

need promtool
work=$(mktemp -d "${TMPDIR:-/tmp}/porttop-alerts.XXXXXX") || exit 99
trap 'rm -rf "$work"' EXIT

out=$(promtool check rules "$srcdir/doc/examples/porttop-alerts.yml" 2>&1)
ok $? "promtool check rules accepts doc/examples/porttop-alerts.yml"
diag "$out"
# the yaml block of the README's fleet section
awk '/^## Fleet/ {f = 1} f && /^```yaml/ {y = 1; next} y && /^```/ {exit} y' \
	"$srcdir/README.md" >"$work/readme.yml"
[ -s "$work/readme.yml" ]; ok $? "the README's fleet section has alert rules"
out=$(promtool check rules "$work/readme.yml" 2>&1)
ok $? "promtool check rules accepts them"
diag "$out"
for a in $(sed -n 's/^ *- alert: //p' "$work/readme.yml"); do
	grep -q "alert: $a\$" "$srcdir/doc/examples/porttop-alerts.yml"
	ok $? "the README's $a is the one in doc/examples"
done
out=$(cd "$srcdir/tests" && promtool test rules porttop-alerts.test.yml 2>&1)
ok $? "every alert fires when it should, and only then (promtool test rules)"
diag "$out"
done_testing

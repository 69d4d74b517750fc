#!/bin/sh
# manlint.sh - the man page must be clean under mandoc -Tlint
. "$srcdir/tests/lib.sh"
command -v mandoc >/dev/null 2>&1 || skip_all "mandoc is not installed"
out=$(mandoc -Tlint -Wwarning "$srcdir/doc/porttop.1" 2>&1)
rc=$?
[ -n "$out" ] && diag "$out"
ok $rc "porttop.1 passes mandoc -Tlint"
# every long option that --help lists is documented
for opt in $("$PORTTOP" --help | grep -o -- '--[a-z][a-z0-9-]*' | sort -u); do
	esc=$(printf '%s' "$opt" | sed 's/-/\\\\-/g')
	grep -q -- "$esc" "$srcdir/doc/porttop.1"
	ok $? "man page documents $opt"
done
done_testing

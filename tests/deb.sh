#!/bin/sh
# deb.sh - the Debian package: dpkg-buildpackage -us -uc -b builds
# porttop_*.deb from a copy of the source tree, with the binary, the man
# page, the completions, the translations and the examples, and lintian
# finds no error. Slow (a full build): .ci/run runs it as a step of its own,
# not make check. Run it from the top of a git checkout: sh tests/deb.sh
# Prints TAP; the last line is "deb: N passed, N failed, N skipped".
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
srcdir=$top
. "$top/tests/lib.sh"
n_skip=0
skip() {
	tap_n=$((tap_n + 1))
	n_skip=$((n_skip + 1))
	echo "ok $tap_n # SKIP $*"
}
finish() {
	echo "1..$tap_n"
	echo "deb: $((tap_n - tap_failed - n_skip)) passed, $tap_failed failed, $n_skip skipped"
	[ "$tap_failed" -eq 0 ]
	exit $?
}

for c in dpkg-buildpackage dh fakeroot git; do
	if ! command -v $c >/dev/null 2>&1; then
		skip "$c is not installed (tools/dev.sh deps)"
		finish
	fi
done
work=$(mktemp -d "${TMPDIR:-/tmp}/porttop-deb.XXXXXX") || exit 99
trap 'rm -rf "$work"' EXIT

# the tracked and new files as they are now, nothing built or ignored
mkdir "$work/porttop"
(cd "$top" && git ls-files -co --exclude-standard -z |
	xargs -0 cp --parents -t "$work/porttop") 2>"$work/copy.err"
ok $? "a copy of the source tree"

(cd "$work/porttop" && dpkg-buildpackage -us -uc -b) >"$work/build.log" 2>&1
rc=$?
ok $rc "dpkg-buildpackage -us -uc -b builds"
[ $rc -eq 0 ] || diag "$(tail -30 "$work/build.log")"
deb=$(ls "$work"/porttop_*.deb 2>/dev/null | head -n 1)
[ -n "$deb" ]; ok $? "it makes $(basename "${deb:-porttop_*.deb}")"
if [ -z "$deb" ]; then
	finish
fi

dpkg-deb -c "$deb" | awk '{print $6}' | sed 's|^\./|/|' >"$work/files"
for f in /usr/bin/porttop /usr/share/man/man1/porttop.1.gz \
	/usr/share/bash-completion/completions/porttop \
	/usr/share/zsh/site-functions/_porttop \
	/usr/share/locale/de/LC_MESSAGES/porttop.mo \
	/usr/share/doc/porttop/examples/porttop-textfile.service \
	/usr/share/doc/porttop/examples/porttop-textfile.timer \
	/usr/share/doc/porttop/examples/porttop-events.service \
	/usr/share/doc/porttop/examples/porttop-alerts.yml \
	/usr/share/doc/porttop/copyright; do
	grep -qx "$f" "$work/files"; ok $? "the package has $f"
done
dpkg-deb -x "$deb" "$work/root"
out=$("$work/root/usr/bin/porttop" --version 2>&1)
[ "$out" = "porttop $(sed -n 's/^porttop (\([^)]*\)).*/\1/p;q' "$top/debian/changelog")" ]
ok $? "its porttop runs and has the changelog's version ($out)"
dpkg-deb -f "$deb" Depends | grep -q 'libmnl0'
ok $? "it depends on the libraries it links ($(dpkg-deb -f "$deb" Depends))"

if command -v lintian >/dev/null 2>&1; then
	lintian "$deb" >"$work/lintian" 2>&1
	! grep -q '^E: ' "$work/lintian"
	ok $? "lintian shows no error"
	diag "$(cat "$work/lintian")"
else
	skip "lintian is not installed"
fi
finish

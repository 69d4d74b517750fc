#!/bin/sh
# dev.sh - set up, build, run and test porttop on Debian 12
#
#   tools/dev.sh deps     install the build and test dependencies (apt-get)
#   tools/dev.sh build    deps, then configure and build in _build/
#   tools/dev.sh run      build, then show the listeners (porttop -b)
#   tools/dev.sh check    build, then the whole test suite; prints
#                         "N passed, N failed" and exits non-zero on failure
#
# Set PORTTOP_SANITIZE=1 for "check" to run the suite under ASan + UBSan too.
set -eu
cd "$(dirname "$0")/.."
top=$(pwd)
build=${PORTTOP_BUILD:-$top/_build}

# what a fresh Debian 12 machine lacks to build and test porttop
PACKAGES="autoconf automake autopoint autoconf-archive pkgconf gettext make gcc
libc6-dev libmnl-dev libncurses-dev libcriterion-dev iproute2 util-linux jq
python3 tmux mandoc bash-completion netbase strace clang llvm libbpf-dev bpftool
prometheus systemd dpkg-dev debhelper fakeroot lintian"

deps() {
	missing=
	for p in $PACKAGES; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
			grep -q 'install ok installed' || missing="$missing $p"
	done
	[ -z "$missing" ] && return 0
	echo "dev.sh: installing:$missing" >&2
	if [ "$(id -u)" = 0 ]; then
		sudo=
	elif command -v sudo >/dev/null 2>&1; then
		sudo=sudo
	else
		echo "dev.sh: run as root (or install sudo) to install:$missing" >&2
		exit 2
	fi
	export DEBIAN_FRONTEND=noninteractive
	$sudo apt-get update -qq
	# shellcheck disable=SC2086
	$sudo apt-get install -y -qq --no-install-recommends $missing >/dev/null
}

configure() {	# configure DIR [ARGS...]
	dir=$1
	shift
	[ -x "$top/configure" ] || (cd "$top" && autoreconf -fi)
	mkdir -p "$dir"
	if [ ! -f "$dir/Makefile" ] || [ "$top/configure" -nt "$dir/Makefile" ]; then
		(cd "$dir" && "$top/configure" --enable-werror \
			--enable-unit-tests=yes "$@" >configure.out 2>&1) ||
			{ cat "$dir/configure.out" >&2; exit 2; }
	fi
}

build() {
	deps
	configure "$build"
	make -C "$build" -j"$(nproc)" >/dev/null
}

# Run make check in $1; add its counts to the totals.
passed=0
failed=0
skipped=0
check_in() {
	rc=0
	make -C "$1" -j"$(nproc)" check >"$1/check.out" 2>&1 || rc=$?
	grep -E '^(PASS|FAIL|ERROR|XPASS|SKIP):' "$1/check.out" | grep -v '^PASS' || true
	p=$(sed -n 's/^# PASS: *//p' "$1/check.out")
	x=$(sed -n 's/^# XFAIL: *//p' "$1/check.out")
	f=$(sed -n 's/^# FAIL: *//p' "$1/check.out")
	e=$(sed -n 's/^# ERROR: *//p' "$1/check.out")
	xp=$(sed -n 's/^# XPASS: *//p' "$1/check.out")
	s=$(sed -n 's/^# SKIP: *//p' "$1/check.out")
	passed=$((passed + ${p:-0} + ${x:-0}))
	failed=$((failed + ${f:-0} + ${e:-0} + ${xp:-0}))
	skipped=$((skipped + ${s:-0}))
	if [ $rc -ne 0 ]; then
		[ -f "$1/test-suite.log" ] && cat "$1/test-suite.log"
		[ -z "$f$e" ] && { tail -40 "$1/check.out"; failed=$((failed + 1)); }
	fi
	echo "dev.sh: $1: ${p:-0} passed, $(( ${f:-0} + ${e:-0} )) failed, ${s:-0} skipped" >&2
}

check() {
	build
	check_in "$build"
	if [ "${PORTTOP_SANITIZE:-0}" = 1 ]; then
		configure "$build-san" --enable-sanitizers --enable-debug
		make -C "$build-san" -j"$(nproc)" >/dev/null
		check_in "$build-san"
	fi
	echo "$passed passed, $failed failed, $skipped skipped"
	[ "$failed" -eq 0 ]
}

case ${1:-} in
deps) deps ;;
build) build ;;
run) build; "$build/src/porttop" -b ;;
check) check ;;
*) echo "usage: tools/dev.sh deps|build|run|check" >&2; exit 2 ;;
esac

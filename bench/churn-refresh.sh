#!/bin/sh
# churn-refresh.sh - the long differential test of the incremental refresh:
# tests/refresh-diff.sh under heavier churn (more groups of hand-offs, fd
# swaps, execs, restarts and pid reuse, and quicker steps), printing the
# figures: tables, one-shots, changes by kind, refreshes compared and
# mismatches. As root, after tools/dev.sh build:
#   bench/churn-refresh.sh [STEPS [GROUPS [QUIET_MS [DELAY]]]]
#   (default 200 steps, 8 groups, 800 ms quiet, 0.1 s between refreshes)
# REFRESH_DIFF_SCAN=bpf compares the BPF scan's refreshes (no pid reuse:
# it runs in the host's pid namespace); the default is the incremental
# /proc refresh.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")
build=${PORTTOP_BUILD:-$top/_build}
[ -x "$build/tests/churn-helper" ] || make -C "$build" tests/churn-helper >/dev/null
export REFRESH_DIFF_STEPS=${1:-200}
export REFRESH_DIFF_GROUPS=${2:-8}
export REFRESH_DIFF_QUIET_MS=${3:-800}
export REFRESH_DIFF_DELAY=${4:-0.1}
echo "churn-refresh: $REFRESH_DIFF_STEPS steps, $REFRESH_DIFF_GROUPS groups" \
	"($((REFRESH_DIFF_GROUPS * 5)) processes), quiet $REFRESH_DIFF_QUIET_MS ms," \
	"refresh every $REFRESH_DIFF_DELAY s, ${REFRESH_DIFF_SCAN:-proc} scan;" \
	"$(date -u '+%Y-%m-%d %H:%M UTC')"
cd "$build"
srcdir=$top top_builddir=. PORTTOP=${PORTTOP:-$build/src/porttop} \
	CHURN=$build/tests/churn-helper sh "$top/tests/refresh-diff.sh"

#!/bin/sh
# churn.sh - the long run of tests/churn.sh: LISTENERS stable SO_REUSEPORT
# listeners on one port while a process opens and closes siblings; every
# table of porttop -b -n TABLES must hold every stable listener. As root:
#   bench/churn.sh [LISTENERS [TABLES]]      (default 3000 and 30)
# Prints the figures: tables compared, stable listeners missing.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")
p=${PORTTOP:-$top/_build-bench/src/porttop}
[ -x "$p" ] || { echo "churn.sh: run bench/run.sh once to build porttop" >&2; exit 2; }
CHURN_LISTENERS=${1:-3000} CHURN_TABLES=${2:-30} PORTTOP=$p \
	srcdir=$top top_builddir=$top sh "$top/tests/churn.sh"

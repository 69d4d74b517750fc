#!/bin/sh
# LOG_COMPILER wrapper: usage san-wrap.sh PROGRAM [ARGS]
# Criterion in TAP mode swallows sanitizer reports and a leak does not fail
# a test; send the reports to files and turn any into a TAP bail-out.
d=$(mktemp -d "${TMPDIR:-/tmp}/san.XXXXXX") || exit 99
ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}log_path=$d/asan"
UBSAN_OPTIONS="${UBSAN_OPTIONS:+$UBSAN_OPTIONS:}print_stacktrace=1:log_path=$d/ubsan"
SAN_REPORT_DIR=$d
export ASAN_OPTIONS UBSAN_OPTIONS SAN_REPORT_DIR
"$@"
rc=$?
if ls "$d"/*san.* >/dev/null 2>&1; then
	sed 's/^/# /' "$d"/*san.*
	echo "Bail out! sanitizer report from $1"
	rc=1
fi
rm -rf "$d"
exit $rc

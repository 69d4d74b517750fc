#!/bin/sh
# refresh-diff-bpf.sh - refresh-diff.sh with the BPF owner scan: every
# refresh of porttop -n --owner-scan=bpf is as true as a one-shot scan
# under the same churn (skipped where the kernel refuses BPF)
REFRESH_DIFF_SCAN=bpf exec sh "$srcdir/tests/refresh-diff.sh" "$@"

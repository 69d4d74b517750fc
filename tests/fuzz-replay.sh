#!/bin/sh
# fuzz-replay.sh - run the committed fuzz corpus through each fuzz target's
# LLVMFuzzerTestOneInput (built without libFuzzer, see tests/fuzz/replay.c)
. "$srcdir/tests/lib.sh"

# a hang is a finding too: do not let it stall `make check'
to=
command -v timeout >/dev/null 2>&1 && to="timeout 300"

for t in diag proc services spec escape; do
	bin=$top_builddir/tests/fuzz/replay_$t
	dir=$srcdir/tests/fuzz/corpus/$t
	out=$($to "$bin" "$dir" 2>&1); rc=$?
	[ $rc -ne 124 ] || out="$out
timed out after 300 s"
	ok $rc "fuzz_$t: $(printf '%s' "$out" | tail -n 1)"
	[ $rc -eq 0 ] || diag "$out"
done
done_testing

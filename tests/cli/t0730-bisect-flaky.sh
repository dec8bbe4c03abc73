#!/bin/sh
# t0730-bisect-flaky - a fault that does not reproduce (case folding that
# goes wrong in a random half of the processes): a bisection stops with
# the hardware message and names no culprit. Runs 8 times per side, so
# that a side that never flaps is a 1-in-128 event.
. tests/cli/lib.sh
need_root

gcc -Wall -Werror -shared -fPIC -O2 -o "$T/flaky.so" tests/faults/shim-flaky-i.c
set +e
$PFH bisect objects --good O0 --bad O2 --reps 8 \
    --libenv "flaky:LD_PRELOAD=$T/flaky.so" \
    --case tests/faults/cases/fault-lowercase-commands.case --out "$T/b" \
    >"$T/out" 2>"$T/err"
rc=$?
set -e
cat "$T/out" "$T/err"
[ $rc -eq 1 ] || fail "bisect exited $rc, wanted 1"
grep -q '^hardware: ' "$T/out" || fail "no hardware message"
grep -q '^no culprit named' "$T/out" || fail "it does not say that no culprit is named"
grep -q '^culprit:' "$T/out" && fail "a culprit was named"
grep -q '"status": *"flaky"' "$T/b/objects.json" || fail "objects.json is not flaky"

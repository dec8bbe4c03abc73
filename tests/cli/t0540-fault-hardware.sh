#!/bin/sh
# t0540-fault-hardware - a shim that corrupts a result at random in some
# processes: the same binary on the same input does not reproduce, so the
# verdict is "hardware", never compiler or library.
. tests/cli/lib.sh
need_root

gcc -Wall -Werror -shared -fPIC -O2 -o "$T/flaky.so" tests/faults/shim-flaky-i.c
# Each process flips a coin; 8 repetitions per cell make a cell that never
# flaps a 1-in-128 event, and both cells of a build pair never flapping
# while disagreeing a 1-in-65536 one.
set +e
$PFH run --variants O0,O2 --reps 8 --libenv "flaky:LD_PRELOAD=$T/flaky.so" \
    --cases tests/faults/cases/fault-lowercase-commands.case cases/smtp/capture-basic.case \
    --out "$T/run" --json "$T/r.json" >"$T/out" 2>"$T/err"
rc=$?
set -e
cat "$T/out" "$T/err"
[ $rc -eq 1 ] || fail "run exited $rc, wanted 1"
grep -q '^fault-lowercase-commands  *hardware' "$T/out" ||
    fail "fault-lowercase-commands is not hardware"
grep -q '^capture-basic  *pass' "$T/out" || fail "capture-basic did not pass"
grep -q '"note":"no EDAC"\|"controllers"' "$T/r.json" || fail "no EDAC facts"

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
# Hardware with numbers: the flapping cell was rerun 10 times on each CPU,
# pinned, beside a control (the same build without the shim), with the
# EDAC counters read around it.
ncpu=$(nproc)
grep -q '"confirm": {' "$T/r.json" || fail "the flap was not confirmed"
grep -q '"runs_per_cpu": 10' "$T/r.json" || fail "not 10 runs per CPU"
n=$(grep -c '"cpu": [0-9]' "$T/r.json")
[ "$n" -ge "$ncpu" ] || fail "$n per-CPU entries for $ncpu CPUs"
grep -q 'confirmed [A-Za-z0-9]*/flaky with 10 runs per CPU: cpu 0 [0-9]* of 10 differ' \
    "$T/r.json" || fail "no per-CPU flap rate in the evidence"
grep -q '"control": "[A-Za-z0-9]*/plain"' "$T/r.json" || fail "no control cell"
grep -q '"control_differ": 0' "$T/r.json" || fail "the control flapped"
# The shim breaks about half of all processes: the chance that so many
# differing runs are the harness's own is tiny.
chance=$(sed -n 's/.*"artefact_chance": \([0-9.e+-]*\).*/\1/p' "$T/r.json" | head -1)
[ -n "$chance" ] || fail "no artefact chance"
awk -v c="$chance" 'BEGIN { exit !(c < 0.001) }' ||
    fail "artefact chance $chance is not small"
grep -q '"edac": "\(no EDAC\|mc\)' "$T/r.json" || fail "no EDAC note in the confirmation"

# Randomness is judged across cases: with 2 reps, a coin flip per process
# leaves both reps alike in a quarter of the cells, which then stand apart
# as if the library or the compiler did it. Six copies of the case that
# the shim reaches: the same cells flap in other copies, so those verdicts
# are confirmed by reruns first, and none survives.
mkdir "$T/copies"
for k in 1 2 3 4 5 6; do
    sed "s/^name .*/name    lowercase-copy-$k/" \
        tests/faults/cases/fault-lowercase-commands.case \
        >"$T/copies/lowercase-copy-$k.case"
done
set +e
$PFH run --variants O0,O2 --reps 2 --libenv "flaky:LD_PRELOAD=$T/flaky.so" \
    --cases "$T/copies" --out "$T/rand" --json "$T/rand.json" \
    >"$T/rout" 2>"$T/rerr"
rc=$?
set -e
cat "$T/rout" "$T/rerr"
[ $rc -eq 1 ] || fail "the 2-rep run exited $rc, wanted 1"
grep -E '^lowercase-copy-[0-9] +(library|compiler|undefined-behavior) ' \
    "$T/rout" && fail "a random fault was judged library, compiler or UB"
# A copy where the coin never came up broken passes (1 in 16): right.
[ "$(grep -c '^lowercase-copy-[0-9]  *\(hardware\|pass\)' "$T/rout")" -eq 6 ] ||
    fail "a copy is neither hardware nor pass"
grep -q '^lowercase-copy-[0-9]  *hardware' "$T/rout" || fail "no copy is hardware"
echo "confirmed verdicts that were not hardware before: $(grep -c '"was": "' "$T/rand.json")"
echo "ok: a flapping shim is hardware, with per-CPU rates and a control"

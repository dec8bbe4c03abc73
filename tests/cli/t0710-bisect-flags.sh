#!/bin/sh
# t0710-bisect-flags - a miscompile that happens only while -ftree-vrp is
# on (-O2 enables it, -O1 does not): bisect flags, recompiling the culprit
# object alone, names that flag and nothing else. The same fault without
# the flag condition has no flag that explains it, and says so.
. tests/cli/lib.sh
need_root

case=tests/faults/cases/fault-dsn-xtext.case
set +e
$PFH bisect flags --variant O2 --cc "$TOP/tests/faults/cc-miscompile-vrp.sh" \
    --object src/global/xtext.o --case $case --out "$T/f" \
    >"$T/out" 2>"$T/err"
rc=$?
set -e
cat "$T/out" "$T/err"
[ $rc -eq 0 ] || fail "bisect flags exited $rc, wanted 0"
[ "$(tail -n 1 "$T/out")" = "flags: -ftree-vrp" ] ||
    fail "the output does not end with -ftree-vrp"
grep -q '^minimal: with -fno-tree-vrp (and nothing else turned off)' \
    "$T/out" || fail "the minimal set was not tried alone"
grep -q '"result"' "$T/f/flags.json" || fail "no flags.json"

# cc-miscompile.sh miscompiles at -O2 whatever the flags.
set +e
$PFH bisect flags --variant O2 --cc "$TOP/tests/faults/cc-miscompile.sh" \
    --object src/global/xtext.o --case $case --out "$T/n" \
    >"$T/out2" 2>"$T/err2"
rc=$?
set -e
cat "$T/out2" "$T/err2"
[ $rc -eq 1 ] || fail "bisect flags without a flag exited $rc, wanted 1"
grep -q '^no flag explains the divergence' "$T/out2" ||
    fail "it does not say that no flag explains it"

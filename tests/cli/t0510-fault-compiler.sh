#!/bin/sh
# t0510-fault-compiler - a compiler that miscompiles one translation unit
# when optimizing: the cases that reach it get "compiler", the others
# pass; with a third build the suspect is named.
. tests/cli/lib.sh
need_root

cc="$TOP/tests/faults/cc-miscompile.sh"
cases="tests/faults/cases/fault-dsn-xtext.case cases/smtp/capture-basic.case
       tests/faults/cases/fault-lowercase-commands.case"

# Two builds: a divergence, and no third build to break the tie.
set +e
$PFH run --variants O0,O2 --cc "$cc" --cases $cases --out "$T/two" \
    --json "$T/two.json" >"$T/two.out" 2>"$T/two.err"
rc=$?
set -e
cat "$T/two.out" "$T/two.err"
[ $rc -eq 1 ] || fail "run exited $rc, wanted 1"
grep -q '^fault-dsn-xtext  *compiler .*undecided' "$T/two.out" ||
    fail "fault-dsn-xtext is not compiler/undecided"
grep -q '^capture-basic  *pass' "$T/two.out" || fail "capture-basic did not pass"
grep -q '^fault-lowercase-commands  *pass' "$T/two.out" ||
    fail "fault-lowercase-commands did not pass"
grep -q '"suspect": *"undecided"' "$T/two.json" || fail "no undecided suspect"
# The evidence: a diff that shows the mis-decoded ENVID.
grep -q 'Bad ENVID parameter syntax' "$T/two.json" || fail "the diff lacks the reply"

# Three builds: O0 and default (-O) agree, O2 stands apart.
set +e
$PFH run --variants O0,default,O2 --cc "$cc" --cases $cases --out "$T/three" \
    >"$T/three.out" 2>"$T/three.err"
rc=$?
set -e
cat "$T/three.out"
[ $rc -eq 1 ] || fail "three-build run exited $rc"
grep -q '^fault-dsn-xtext  *compiler  *suspect O2/plain' "$T/three.out" ||
    fail "O2 is not named the suspect"

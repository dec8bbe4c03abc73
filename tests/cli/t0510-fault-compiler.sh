#!/bin/sh
# t0510-fault-compiler - a compiler that miscompiles one translation unit
# when optimizing: the cases that reach it get "compiler", the others
# pass. The recorded expectation (the golden) is the first tiebreaker:
# with two builds it names O2; with three, O0, default and the golden
# stand against O2.
. tests/cli/lib.sh
need_root

cc="$TOP/tests/faults/cc-miscompile.sh"
cases="tests/faults/cases/fault-dsn-xtext.case cases/smtp/capture-basic.case
       tests/faults/cases/fault-lowercase-commands.case"

# Two builds: a divergence; the golden sides with O0.
set +e
$PFH run --variants O0,O2 --cc "$cc" --cases $cases --out "$T/two" \
    --json "$T/two.json" >"$T/two.out" 2>"$T/two.err"
rc=$?
set -e
cat "$T/two.out" "$T/two.err"
[ $rc -eq 1 ] || fail "run exited $rc, wanted 1"
grep -q '^fault-dsn-xtext  *compiler  *suspect O2$' "$T/two.out" ||
    fail "fault-dsn-xtext is not compiler with O2 the suspect"
grep -q '^capture-basic  *pass' "$T/two.out" || fail "capture-basic did not pass"
grep -q '^fault-lowercase-commands  *pass' "$T/two.out" ||
    fail "fault-lowercase-commands did not pass"
grep -q '"suspect": *"O2 (cc-miscompile.sh -O2): O0 and the golden agree"' \
    "$T/two.json" || fail "the suspect does not say the golden decided"
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
grep -q '^fault-dsn-xtext  *compiler  *suspect O2$' "$T/three.out" ||
    fail "O2 is not named the suspect"
grep -q '"suspect": *"O2 (cc-miscompile.sh -O2): O0, default and the golden agree"' \
    "$T/three/report.json" || fail "the suspect does not say who agrees"

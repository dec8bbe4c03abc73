#!/bin/sh
# t0560-fault-banner-crash - an optimized smtpd that dies before its banner
# (tests/faults/cc-crash-banner.sh: -O and -O2 hit, -O0 not). The run goes
# on and judges it: exit 1, the SMTP cases "compiler" with the optimized
# builds as the suspect (never O0, which the golden backs), the probes,
# which never talk to smtpd, "pass", and the signal in the evidence.
. tests/cli/lib.sh
need_root

cc="$TOP/tests/faults/cc-crash-banner.sh"
cases="cases/smtp/capture-basic.case cases/smtp/vrfy-disabled.case
       cases/probe/bv-local-user.case cases/probe/bv-unknown-user.case"

set +e
$PFH run --cc "$cc" --cases $cases --out "$T/run" --json "$T/r.json" \
    >"$T/out" 2>"$T/err"
rc=$?
set -e
cat "$T/out" "$T/err"
[ $rc -eq 1 ] || fail "run exited $rc, wanted 1"
[ -s "$T/r.json" ] || fail "no report"
for c in capture-basic vrfy-disabled; do
    grep -q "^$c  *compiler  *suspect default, O2$" \
        "$T/out" || fail "$c: not compiler with default and O2 the suspect"
done
for c in bv-local-user bv-unknown-user; do
    grep -q "^$c  *pass" "$T/out" || fail "$c did not pass"
done
grep -q '"suspect": "default, O2 (cc-crash-banner.sh -O, -O2): O0 and the golden agree"' \
    "$T/r.json" || fail "the suspect does not say who agrees"
grep -q 'suspect.*O0 (' "$T/r.json" && fail "O0 named a suspect"
# The evidence names the signal: the daemon's death, in the diff and as
# the suspect side's first log finding.
grep -q 'smtpd pid [0-9A-Z]* killed by signal 11' "$T/r.json" ||
    fail "the evidence does not name signal 11"
grep -q 'connection closed by the server' "$T/r.json" ||
    fail "the transcript does not show the closed connection"
# Deterministic: the O2 cell's three reps agree (no flap from the crash).
grep -q 'reps differ from the first' "$T/r.json" && fail "a crash made a cell flap"

# --ub-check with one divergent case: the ubsan and wrapv builds are added
# (their -O2 crashes too). The start-up findings that every daemon of
# 3.7.11 hits come from the ubsan build's baseline, so they are
# background, not evidence: the verdict stays compiler.
set +e
$PFH run --cc "$cc" --ub-check --cases cases/smtp/capture-basic.case \
    cases/probe/bv-local-user.case --out "$T/ub" --json "$T/ub.json" \
    >"$T/uout" 2>"$T/uerr"
rc=$?
set -e
cat "$T/uout" "$T/uerr"
[ $rc -eq 1 ] || fail "the --ub-check run exited $rc, wanted 1"
grep -q '"variant": *"ubsan"' "$T/ub.json" || fail "ubsan was not added"
grep -q '"variant": *"wrapv"' "$T/ub.json" || fail "wrapv was not added"
grep -q '^capture-basic  *compiler  *suspect default, O2' "$T/uout" ||
    fail "capture-basic is not compiler"
grep -q '"suspect": "default, O2, ubsan, wrapv (cc-crash-banner.sh .*): O0 and the golden agree"' \
    "$T/ub.json" || fail "the optimized builds are not the suspect"
grep -q '^bv-local-user  *pass' "$T/uout" || fail "bv-local-user did not pass"
echo "ok: a crashing optimized smtpd is a compiler verdict with its signal"

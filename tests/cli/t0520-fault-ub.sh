#!/bin/sh
# t0520-fault-ub - a source change whose behaviour depends on undefined
# behaviour that the optimizer exploits (signed overflow), committed on
# top of the imported tree as a test-only commit: the ubsan build reports
# it and the verdict is undefined-behavior, with file:line as evidence.
# The same commit counts NOOPs in an int that overflows and is never
# used: every build agrees, and only the sanitizer sees it, in the cases
# that send NOOP. That is undefined-behavior too (latent), the usual way
# UBSan finds real bugs.
. tests/cli/lib.sh
need_root
command -v git >/dev/null || skip "git is not installed"
command -v patch >/dev/null || skip "patch is not installed"

$PFH fetch >/dev/null
git clone -q "${PFHARNESS_VAR:-$TOP/var}/sources.git" "$T/src"
cd "$T/src"
git checkout -q postfix-3.7.11
patch -s -p1 <"$TOP/tests/faults/ub-size-overflow.patch"
git -c user.name=pfharness-test -c user.email=test@pfharness.invalid \
    commit -q -am "test-only: an overflow check that relies on wrapping, and a NOOP counter that overflows"
cd "$TOP"
rev=$($PFH fetch --git "$T/src" --rev HEAD | cut -d' ' -f2)

set +e
$PFH run --source "$rev" --variants O0,O2,ubsan \
    --cases tests/faults/cases/fault-size-overflow.case cases/smtp/capture-basic.case \
    cases/smtp/greeting-ehlo-keywords.case \
    --out "$T/run" --json "$T/r.json" >"$T/out" 2>"$T/err"
rc=$?
set -e
cat "$T/out" "$T/err"
[ $rc -eq 1 ] || fail "run exited $rc, wanted 1"
grep -q '^fault-size-overflow  *undefined-behavior' "$T/out" ||
    fail "fault-size-overflow is not undefined-behavior"
grep -q '^capture-basic  *pass' "$T/out" || fail "capture-basic did not pass"
grep -q 'smtpd.c:[0-9]*: runtime error: signed integer overflow' "$T/r.json" ||
    fail "no sanitizer file:line in the report"
# Latent: no build differs, the sanitizer names the line.
grep -q '^greeting-ehlo-keywords  *undefined-behavior  *smtpd.c:[0-9]' "$T/out" ||
    fail "the NOOP overflow is not a latent undefined-behavior"
grep -q 'every build agrees, but ubsan.s sanitizer reported (latent undefined behaviour)' \
    "$T/r.json" || fail "the summary does not say latent"
# The baseline's start-up findings are background, not evidence.
grep -q '"ub_background": \[' "$T/r.json" || fail "no ub_background"

# The wrapv build, without a sanitizer, reaches the same conclusion.
set +e
$PFH run --source "$rev" --variants O0,O2,wrapv \
    --cases tests/faults/cases/fault-size-overflow.case --out "$T/wrapv" \
    >"$T/wout" 2>"$T/werr"
rc=$?
set -e
cat "$T/wout"
[ $rc -eq 1 ] || fail "wrapv run exited $rc"
grep -q '^fault-size-overflow  *undefined-behavior' "$T/wout" ||
    fail "wrapv did not side with O0"

# --ub-check: the run has no UB-check build; on the divergence it adds the
# ubsan and wrapv builds by itself and reruns the divergent case on them.
set +e
$PFH run --source "$rev" --variants O0,O2 --ub-check \
    --cases tests/faults/cases/fault-size-overflow.case cases/smtp/capture-basic.case \
    --out "$T/auto" --json "$T/auto.json" >"$T/aout" 2>"$T/aerr"
rc=$?
set -e
cat "$T/aout"
[ $rc -eq 1 ] || fail "--ub-check run exited $rc"
grep -q '^fault-size-overflow  *undefined-behavior' "$T/aout" ||
    fail "--ub-check did not turn the divergence into undefined-behavior"
grep -q '^capture-basic  *pass' "$T/aout" || fail "capture-basic did not pass"
grep -q '"variant": *"ubsan"' "$T/auto.json" || fail "ubsan was not added"
grep -q '"variant": *"wrapv"' "$T/auto.json" || fail "wrapv was not added"

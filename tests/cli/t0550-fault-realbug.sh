#!/bin/sh
# t0550-fault-realbug - a source change in a test-only commit (loopback
# clients trusted as mynetworks: an open relay for 127/8): every build and
# library environment agrees, and all differ from the recorded session.
. tests/cli/lib.sh
need_root
command -v git >/dev/null || skip "git is not installed"
command -v patch >/dev/null || skip "patch is not installed"

$PFH fetch >/dev/null
git clone -q "${PFHARNESS_VAR:-$TOP/var}/sources.git" "$T/src"
cd "$T/src"
git checkout -q postfix-3.7.11
patch -s -p1 <"$TOP/tests/faults/realbug-loopback-relay.patch"
git -c user.name=pfharness-test -c user.email=test@pfharness.invalid \
    commit -q -am "test-only: trust all of 127/8 as mynetworks"
cd "$TOP"
rev=$($PFH fetch --git "$T/src" --rev HEAD | cut -d' ' -f2)

set +e
$PFH run --source "$rev" --variants O0,O2 \
    --cases cases/smtp/capture-relaydenied.case cases/smtp/capture-basic.case \
    --out "$T/run" --json "$T/r.json" >"$T/out" 2>"$T/err"
rc=$?
set -e
cat "$T/out" "$T/err"
[ $rc -eq 1 ] || fail "run exited $rc, wanted 1"
grep -q '^capture-relaydenied  *real-bug' "$T/out" || fail "not real-bug"
grep -q '^capture-basic  *pass' "$T/out" || fail "capture-basic did not pass"
# The evidence is the recorded reply against the one every build gave.
grep -q 'Relay access denied' "$T/r.json" || fail "the diff lacks the expectation"

#!/bin/sh
# t0550-fault-realbug - two real bugs in a test-only commit, every build
# and library environment agreeing:
# - loopback clients trusted as mynetworks (an open relay for 127/8): the
#   replies differ from the recorded session;
# - smtpd writes the sender, not the recipient, into the Received
#   header's "for" clause: no reply shows it, only the delivered message
#   differs from the case's golden.
# Both are real-bug; a probe, which never passes smtpd, passes.
. tests/cli/lib.sh
need_root
command -v git >/dev/null || skip "git is not installed"
command -v patch >/dev/null || skip "patch is not installed"
[ -f cases/smtp/capture-basic.golden ] || fail "capture-basic has no golden"

$PFH fetch >/dev/null
git clone -q "${PFHARNESS_VAR:-$TOP/var}/sources.git" "$T/src"
cd "$T/src"
git checkout -q postfix-3.7.11
patch -s -p1 <"$TOP/tests/faults/realbug-loopback-relay.patch"
patch -s -p1 <"$TOP/tests/faults/realbug-received-for.patch"
git -c user.name=pfharness-test -c user.email=test@pfharness.invalid \
    commit -q -am "test-only: trust all of 127/8 as mynetworks; the Received header names the sender as 'for'"
cd "$TOP"
rev=$($PFH fetch --git "$T/src" --rev HEAD | cut -d' ' -f2)

set +e
$PFH run --source "$rev" --variants O0,O2 \
    --cases cases/smtp/capture-relaydenied.case cases/smtp/capture-basic.case \
    cases/probe/bv-local-user.case \
    --out "$T/run" --json "$T/r.json" >"$T/out" 2>"$T/err"
rc=$?
set -e
cat "$T/out" "$T/err"
[ $rc -eq 1 ] || fail "run exited $rc, wanted 1"
grep -q '^capture-relaydenied  *real-bug' "$T/out" || fail "not real-bug"
# The evidence is the recorded reply against the one every build gave.
grep -q 'Relay access denied' "$T/r.json" || fail "the diff lacks the expectation"
# The replies of capture-basic were right: only the golden saw its bug.
grep -q '^capture-basic  *real-bug' "$T/out" || fail "capture-basic is not real-bug"
grep -q 'capture-basic.golden:[0-9]*: the observation differs from the golden' \
    "$T/r.json" || fail "the mismatch does not name the golden and its line"
grep -q 'for <sender@outside.test>' "$T/r.json" ||
    fail "the diff does not show the wrong Received header"
grep -q '^bv-local-user  *pass' "$T/out" || fail "bv-local-user did not pass"
echo "ok: a bug in the replies and one only in delivered mail are real-bug"

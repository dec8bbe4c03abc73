#!/bin/sh
# t0570-run-build-failure - a variant that does not compile is a finding,
# not the end of the run: the report names it with its first error line,
# and the other builds are built, replayed and judged.
. tests/cli/lib.sh
need_root

# The shipped specs and one that gcc refuses: its first compile fails.
mkdir "$T/specs"
cp builds/*.build builds/*.inc "$T/specs/"
cat >"$T/specs/broken.build" <<'SPEC'
about    a variant whose flag gcc does not know: it cannot be built
include  features.inc
opt      -O2 -fpfharness-no-such-optimization
SPEC
export PFHARNESS_BUILDS="$T/specs"
cases="cases/smtp/capture-basic.case cases/probe/bv-local-user.case"

set +e
$PFH run --variants O0,broken --cases $cases --out "$T/run" \
    >"$T/out" 2>"$T/err"
rc=$?
set -e
cat "$T/out" "$T/err"
[ $rc -eq 1 ] || fail "run exited $rc, wanted 1 (a failed build is a finding)"
grep -q "^build broken failed: .*make.log.*error: unrecognized command-line option '-fpfharness-no-such-optimization'" \
    "$T/out" || fail "the table does not name the failed build and its error"
grep -q '^capture-basic  *pass' "$T/out" || fail "capture-basic was not judged"
grep -q '^bv-local-user  *pass' "$T/out" || fail "bv-local-user was not judged"
grep -q '1 builds x' "$T/out" || fail "not judged on the one build that was made"
json="$T/run/report.json"
[ -s "$json" ] || fail "no report.json"
grep -q '"failed_builds": \[' "$json" || fail "report.json has no failed_builds"
grep -q '"variant": "broken"' "$json" || fail "report.json does not name the build"
grep -q 'no-such-optimization' "$json" || fail "report.json lacks the error"
grep -q 'classname="pfharness.build" name="broken"' "$T/run/junit.xml" ||
    fail "junit.xml has no failed test for the build"
grep -q 'no-such-optimization' "$T/run/report.html" ||
    fail "report.html does not show the error"

# Every build failing is trouble: nothing could be judged.
set +e
$PFH run --variants broken --cases $cases --out "$T/none" \
    >"$T/out2" 2>"$T/err2"
rc=$?
set -e
cat "$T/out2" "$T/err2"
[ $rc -eq 2 ] || fail "a run without any build exited $rc, wanted 2"
grep -q 'no build could be made' "$T/err2" || fail "no clear message"
# The failed build directories are never reused: remove them.
for d in $(sed -n 's/.*see \([^:]*\)\/make.log.*/\1/p' "$T/out" "$T/err2"); do
    rm -rf "$d" "$d.lock"
done
echo "ok: a failed build is reported and the others are judged"

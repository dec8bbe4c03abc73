#!/bin/sh
# t0570-run-build-failure - a variant that does not compile is a finding,
# not the end of the run: the report names it with its first error line,
# and the other builds are built, replayed and judged.
. tests/cli/lib.sh
need_root

# A compiler that cannot compile one file of Postfix's util library at
# -O2; at other levels it is gcc.
cat >"$T/broken-O2.sh" <<'CC'
#!/bin/sh
o2=no src=no
for a in "$@"; do
    case "$a" in
    -O2) o2=yes ;;
    alldig.c) src=yes ;;
    esac
done
if [ $o2 = yes ] && [ $src = yes ]; then
    echo "alldig.c:1:1: error: pfharness test: this optimizer is broken" >&2
    exit 1
fi
exec gcc "$@"
CC
chmod +x "$T/broken-O2.sh"
cases="cases/smtp/capture-basic.case cases/probe/bv-local-user.case"

set +e
$PFH run --variants O0,O2 --cc "$T/broken-O2.sh" --cases $cases \
    --out "$T/run" >"$T/out" 2>"$T/err"
rc=$?
set -e
cat "$T/out" "$T/err"
[ $rc -eq 1 ] || fail "run exited $rc, wanted 1 (a failed build is a finding)"
grep -q '^build O2 failed: .*make.log.*alldig.c:1:1: error: pfharness test: this optimizer is broken' \
    "$T/out" || fail "the table does not name the failed build and its error"
grep -q '^capture-basic  *pass' "$T/out" || fail "capture-basic was not judged"
grep -q '^bv-local-user  *pass' "$T/out" || fail "bv-local-user was not judged"
grep -q '1 builds x' "$T/out" || fail "not judged on the one build that was made"
json="$T/run/report.json"
[ -s "$json" ] || fail "no report.json"
grep -q '"failed_builds": \[' "$json" || fail "report.json has no failed_builds"
grep -q '"variant": "O2"' "$json" || fail "report.json does not name O2"
grep -q 'this optimizer is broken' "$json" || fail "report.json lacks the error"
grep -q 'classname="pfharness.build" name="O2"' "$T/run/junit.xml" ||
    fail "junit.xml has no failed test for the build"
grep -q 'this optimizer is broken' "$T/run/report.html" ||
    fail "report.html does not show the error"

# Every build failing is trouble: nothing could be judged.
set +e
$PFH run --variants O2 --cc "$T/broken-O2.sh" --cases $cases \
    --out "$T/none" >"$T/out2" 2>"$T/err2"
rc=$?
set -e
cat "$T/out2" "$T/err2"
[ $rc -eq 2 ] || fail "a run without any build exited $rc, wanted 2"
grep -q 'no build could be made' "$T/err2" || fail "no clear message"
# remove the failed build directories (they are never reused)
for d in $(sed -n 's/.*see \([^:]*\)\/make.log.*/\1/p' "$T/out" "$T/err2"); do
    rm -rf "$d" "$d.lock"
done
echo "ok: a failed build is reported and the others are judged"

#!/bin/sh
# t0345-run-postfix-tests - run --postfix-tests on the unmodified 3.7.11
# tree at O0 and O2: Postfix's own tests run one by one in a copy of each
# build's tree, at least 100 per build, all pass; the skipped ones (DNS,
# root_tests) are listed with their reasons; report.json, junit.xml and
# report.html carry them; nothing is left behind (the tree copies, the
# namespaces, processes of nobody).
. tests/cli/lib.sh
need_root

netns_before=$(ip netns list 2>/dev/null | grep -c '^pfh-' || true)
set +e
$PFH run --variants O0,O2 --cases cases/smtp/capture-basic.case \
    --postfix-tests --out "$T/run" >"$T/out" 2>"$T/err"
rc=$?
set -e
cat "$T/out"
tail -n 5 "$T/err"
[ $rc -eq 0 ] || { cat "$T/err"; fail "run exited $rc, wanted 0"; }

python3 - "$T/run/report.json" <<'PY' || fail "report.json's postfix_tests"
import json, sys
p = json.load(open(sys.argv[1]))["postfix_tests"]
assert p is not None, "no postfix_tests"
builds = {b["build"]: b for b in p["builds"]}
assert set(builds) == {"O0", "O2"}, builds
for name, b in builds.items():
    assert b["ran"] >= 100, (name, b)
    assert b["failed"] == 0 and b["passed"] == b["ran"], (name, b)
tests = p["tests"]
names = [t["test"] for t in tests]
assert len(names) == len(set(names)), "a test listed twice"
skipped = [t for t in tests if t["skipped"]]
assert p["totals"]["skipped"] == len(skipped) > 0
for t in skipped:
    assert t["verdict"] is None and t["runs"] == [], t
    assert len(t["skipped"]) > 5, t
reasons = {t["test"]: t["skipped"] for t in skipped}
assert reasons["dns/dns_rr_to_pa_test"].startswith("needs DNS"), reasons
assert "root_tests" in reasons["global/rewrite_clnt_test"], reasons
for t in tests:
    if t["skipped"]:
        continue
    assert t["verdict"] == "pass", t
    assert sorted(r["build"] for r in t["runs"]) == ["O0", "O2"], t
    for r in t["runs"]:
        assert r["results"] == ["pass"], t
# Tests that need a private queue, a writable /tmp, the pinned zone:
for name in ("global/mail_addr_crunch_test", "global/namadr_list_test",
             "cleanup/cleanup_milter_test", "postcat/default_test",
             "global/xtext_test"):
    assert name in names and name not in reasons, name
print("postfix tests:", {n: b["ran"] for n, b in builds.items()},
      "skipped:", len(skipped))
PY
grep -q '<testsuite name="postfix-tests" tests="[0-9]*" failures="0"' \
    "$T/run/junit.xml" || fail "junit.xml has no postfix-tests suite"
grep -q '<skipped message="needs DNS' "$T/run/junit.xml" ||
    fail "junit.xml does not give the skip reasons"
grep -q '<section id="postfix-tests">' "$T/run/report.html" ||
    fail "report.html has no section for Postfix's tests"
# Progress without a terminal: the phase shows itself.
grep -q 'postfix tests: [0-9]* of [0-9]* test runs done' "$T/err" ||
    fail "no progress line for the tests"

# Nothing left behind.
[ ! -e "$T/run/postfix-tests/.work" ] || fail "the tree copies are left"
netns_after=$(ip netns list 2>/dev/null | grep -c '^pfh-' || true)
[ "$netns_after" -le "$netns_before" ] || fail "a network namespace is left"
! pgrep -u nobody -f 'make -s' >/dev/null || fail "a test of nobody runs on"
echo "ok"

#!/bin/sh
# t0515-shard-merge - run --shard K/N and pfharness merge with the
# compiler fault (tests/faults/cc-miscompile.sh: xtext.c miscompiled at
# O2): the two shards merged give exactly the verdicts, suspects and
# Postfix-test verdicts of one unsharded run; each shard made fewer case
# runs and built only its builds; the merge keeps each shard's machine;
# shards that do not belong together are refused (exit 2).
. tests/cli/lib.sh
need_root

cc="$TOP/tests/faults/cc-miscompile.sh"
cases="tests/faults/cases/fault-dsn-xtext.case cases/smtp/capture-basic.case
       tests/faults/cases/fault-lowercase-commands.case
       cases/smtp/dsn-params-relayed.case cases/probe/bv-local-user.case"
for c in $cases; do [ -f "$c" ] || fail "no case $c"; done

# runs NAME ARGS... - a run with the common arguments; its exit status
runs() {
    name=$1; shift
    set +e
    $PFH run --variants O0,O2 --cc "$cc" --postfix-tests --cases $cases \
        --out "$T/$name" "$@" >"$T/$name.out" 2>"$T/$name.err"
    echo $? >"$T/$name.rc"
    set -e
}
runs all
runs s1 --shard 1/2
runs s2 --shard 2/2
[ "$(cat "$T/all.rc")" = 1 ] || { cat "$T/all.err"; fail "the unsharded run exited $(cat "$T/all.rc")"; }
# A shard's verdicts are partial: it exits 0 on findings.
[ "$(cat "$T/s1.rc")" = 0 ] || { cat "$T/s1.err"; fail "shard 1 exited $(cat "$T/s1.rc")"; }
[ "$(cat "$T/s2.rc")" = 0 ] || { cat "$T/s2.err"; fail "shard 2 exited $(cat "$T/s2.rc")"; }

expect_exit 1 $PFH merge --out "$T/merged" "$T/s2" "$T/s1"
cat "$T/out"
for f in report.json report.html junit.xml; do
    [ -s "$T/merged/$f" ] || fail "the merge wrote no $f"
done

python3 - "$T/all/report.json" "$T/merged/report.json" \
    "$T/s1/report.json" "$T/s2/report.json" <<'PY' || fail "merged != unsharded"
import json, sys
a, m, s1, s2 = (json.load(open(p)) for p in sys.argv[1:])
def verdicts(r):
    return {c["name"]: (c["verdict"], c["suspect"], c["differing"])
            for c in r["cases"]}
def ptests(r):
    return {t["test"]: (t["verdict"], t["suspect"], t["skipped"])
            for t in r["postfix_tests"]["tests"]}
assert verdicts(a) == verdicts(m), (verdicts(a), verdicts(m))
assert verdicts(a)["fault-dsn-xtext"][0] == "compiler"
assert verdicts(a)["capture-basic"][0] == "pass"
assert ptests(a) == ptests(m), [k for k in ptests(a) if ptests(a)[k] != ptests(m).get(k)]
assert ptests(a)["global/xtext_test"][0] == "compiler", ptests(a)["global/xtext_test"]
assert sum(1 for v in ptests(a).values() if v[0] not in ("pass", None)) == 1
assert a["totals"] == m["totals"], (a["totals"], m["totals"])
# Each shard made fewer case runs, and together all of them.
runs = lambda r: r["shard"]["case_runs"]
assert runs(s1) < sum(runs(x) for x in (s1, s2)) and runs(s2) < runs(s1) + runs(s2)
assert runs(s1) + runs(s2) == sum(len(c["cells"]) * a["run"]["reps"]
                                  for c in a["cases"]), "case runs"
# Each built only its own builds; the merge keeps each shard's facts.
assert [b["variant"] for b in s1["builds"]] == ["O0"], s1["builds"]
assert [b["variant"] for b in s2["builds"]] == ["O2"], s2["builds"]
sh = {x["shard"]: x for x in m["shards"]}
assert sorted(sh) == ["1/2", "2/2"], sh
assert sh["1/2"]["builds"] == ["O0"] and sh["2/2"]["builds"] == ["O2"]
for x in sh.values():
    assert x["machine"]["kernel"] and x["machine"]["cpus"] >= 1, x
# The Postfix tests of a build ran in one shard each.
pb = lambda r: {b["build"]: b["ran"] for b in r["postfix_tests"]["builds"]}
assert pb(s1) == {"O0": pb(a)["O0"]} and pb(s2) == {"O2": pb(a)["O2"]}, (pb(s1), pb(s2))
assert pb(m) == pb(a), (pb(m), pb(a))
print("merged verdicts equal the unsharded run's;", runs(s1), "+", runs(s2),
      "case runs")
PY
# The merge's output files exist where its report says.
grep -q 'postfix-tests/O2/global/xtext_test.1.log' "$T/merged/report.json" ||
    fail "the merged report lacks the failing test's output"
[ -s "$T/merged/postfix-tests/O2/global/xtext_test.1.log" ] ||
    fail "the merge did not take the test's output"

# Shards that do not belong together: one shard twice, or one missing.
expect_exit 2 $PFH merge --out "$T/bad1" "$T/s1" "$T/s1"
expect_exit 2 $PFH merge --out "$T/bad2" "$T/s1"
# A shard whose report names a log elsewhere is refused, not followed.
cp -r "$T/s2" "$T/s2x"
sed -i 's|postfix-tests/O2/global/xtext_test.1.log|../../../etc/passwd|' \
    "$T/s2x/report.json"
expect_exit 2 $PFH merge --out "$T/bad3" "$T/s1" "$T/s2x"
grep -q "not where run --postfix-tests writes the output" "$T/err" ||
    fail "the bad log path is not named: $(cat "$T/err")"
echo ok

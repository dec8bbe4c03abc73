#!/bin/sh
# t0500-run-no-false-alarms - the corpus passes on two builds of the same
# variant (separate build directories) and on O0/O2, at 3 repetitions:
# nothing that varies between runs may look like a finding.
. tests/cli/lib.sh
need_root

$PFH run --variants O2,O2@replica --reps 3 --out "$T/same" >"$T/same.out" \
    2>"$T/same.err" || { cat "$T/same.out" "$T/same.err"; fail "O2 vs O2@replica"; }
cat "$T/same.out"
grep -q '"variant": *"O2@replica"' "$T/same/report.json" ||
    fail "the replica is not in the report"
# Two build directories: two build ids.
n=$(grep -c '"build_id": *"[0-9a-f]*"' "$T/same/report.json" || true)
ids=$(grep -o '"id": *"[0-9a-f]\{16\}"' "$T/same/report.json" | sort -u | wc -l)
[ "$ids" -eq 2 ] || fail "expected 2 distinct build ids, got $ids"
# A replica is a second compile, not a cache hit: built without ccache.
awk '/"variant": *"O2@replica"/ { r = 1 } r && /"ccache":/ { print; exit }' \
    "$T/same/report.json" | grep -q '"ccache": *false' ||
    fail "the replica was built with ccache"

$PFH run --variants O0,O2 --reps 3 --out "$T/pair" --json "$T/pair.json" \
    --junit "$T/pair.xml" --html "$T/pair.html" >"$T/pair.out" 2>"$T/pair.err" ||
    { cat "$T/pair.out" "$T/pair.err"; fail "O0 vs O2"; }
cat "$T/pair.out"
for f in "$T/pair.json" "$T/pair.xml" "$T/pair.html" "$T/pair/report.json" \
         "$T/pair/junit.xml" "$T/pair/report.html"; do
    [ -s "$f" ] || fail "missing $f"
done
grep -q '"verdict": *"pass"' "$T/pair.json" || fail "no pass verdict in report.json"
grep -q '"verdict": *"\(real-bug\|compiler\|undefined-behavior\|library\|hardware\)"' \
    "$T/pair.json" && fail "a finding in report.json"
n=$(grep -c '<testcase ' "$T/pair.xml")
m=$($PFH cases | wc -l)
[ "$n" -eq "$m" ] || fail "junit.xml has $n testcases for $m cases"
grep -q '<failure' "$T/pair.xml" && fail "junit.xml has a failure"
echo "ok: $m cases pass on O2/O2@replica and on O0/O2"

#!/bin/sh
# t0715-compilers - a compiler matrix in one run, and object bisection
# across two compilers.
# 1. run --compilers gcc-12,clang-14 --variants O2 on the unmodified tree:
#    two builds, "O2 gcc-12" and "O2 clang-14", each with its own
#    compiler identity; every case passes.
# 2. bisect objects --good "O2 clang-14" --bad "O2 <gcc wrapped by
#    tests/faults/cc-miscompile.sh>": clang's objects and gcc's link
#    together, and the bisection names src/global/xtext.o.
. tests/cli/lib.sh
need_root
command -v clang-14 >/dev/null || skip "clang-14 is not installed"

cases="cases/smtp/capture-basic.case cases/smtp/dsn-params-relayed.case
       tests/faults/cases/fault-dsn-xtext.case"
set +e
$PFH run --compilers gcc-12,clang-14 --variants O2 --reps 2 \
    --cases $cases --out "$T/run" >"$T/out" 2>"$T/err"
rc=$?
set -e
cat "$T/out"
[ $rc -eq 0 ] || { cat "$T/err"; fail "the matrix run exited $rc"; }
python3 - "$T/run/report.json" <<'PY' || fail "the matrix's builds"
import json, sys
r = json.load(open(sys.argv[1]))
b = {x["variant"]: x for x in r["builds"]}
assert sorted(b) == ["O2 clang-14", "O2 gcc-12"], sorted(b)
assert b["O2 clang-14"]["cc_kind"] == "clang" and b["O2 gcc-12"]["cc_kind"] == "gcc"
assert b["O2 clang-14"]["cc_sha256"] != b["O2 gcc-12"]["cc_sha256"]
assert b["O2 clang-14"]["id"] != b["O2 gcc-12"]["id"]
assert len(r["machine"]["compilers"]) == 2, r["machine"]["compilers"]
assert all(c["verdict"] == "pass" for c in r["cases"]), \
    [(c["name"], c["verdict"]) for c in r["cases"]]
PY
# A compiler that is not there is bad input, before anything is built.
expect_exit 2 $PFH run --compilers gcc-12,clang-99 --variants O2 \
    --cases cases/smtp/capture-basic.case --out "$T/none"
grep -q "'clang-99' is not installed (make deps COMPILERS=\"clang-99\"" \
    "$T/err" || fail "no clear line for a missing compiler: $(cat "$T/err")"

# --cc with --compilers would leave one of them unused: refused.
expect_exit 2 $PFH run --cc gcc --compilers gcc-12 --variants O2 \
    --cases cases/smtp/capture-basic.case --out "$T/both"
grep -q -- "--cc and --compilers do not go together" "$T/err" ||
    fail "no clear line for --cc with --compilers"

# Object bisection across compilers: the good side clang, the bad side gcc
# through the miscompiling wrapper.
cc="$TOP/tests/faults/cc-miscompile.sh"
set +e
$PFH bisect objects --good "O2 clang-14" --bad "O2 $cc" \
    --case tests/faults/cases/fault-dsn-xtext.case --out "$T/b" \
    >"$T/out" 2>"$T/err"
rc=$?
set -e
cat "$T/out"
[ $rc -eq 0 ] || { cat "$T/err"; fail "bisect objects exited $rc"; }
[ "$(tail -n 1 "$T/out")" = "culprit: src/global/xtext.o" ] ||
    fail "the bisection does not name xtext.o"
grep -q '^confirmed alone: the good build plus only src/global/xtext.o' \
    "$T/out" || fail "the culprit was not confirmed alone"
python3 - "$T/b/objects.json" <<'PY' || fail "objects.json's builds"
import json, sys
r = json.load(open(sys.argv[1]))
text = json.dumps(r)
assert "clang" in text and "cc-miscompile.sh" in text, "both compilers named"
PY
echo ok

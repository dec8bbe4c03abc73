#!/bin/sh
# t0350-func-cases - func cases: Postfix's library functions called
# through libffi in shared builds.
# 1. The shipped func cases (at least 25) pass on the unmodified tree at
#    shared-O0 and shared-O2, and do not apply to a static build.
# 2. A compiler that miscompiles valid_hostname() at -O2 (a label of 63
#    bytes refused: tests/faults/cc-miscompile-label.sh): func-valid-
#    hostname is "compiler" and its summary names the function and an
#    input; the other func case passes.
# 3. bisect objects between the plain shared-O0 and the faulted
#    shared-O2 names src/util/valid_hostname.o and reports that
#    valid_hostname gives other results there.
# 4. A function that crashes on some inputs (tests/faults/shim-crash.c):
#    those inputs observe SIGSEGV, every other input is answered, the
#    run goes on and judges "library".
# 5. Malformed func cases: file:line and exit 2.
. tests/cli/lib.sh
need_root

# 1. The corpus, unmodified.
set +e
$PFH run --variants shared-O0,shared-O2,O0 --cases cases/func \
    --out "$T/run" >"$T/out" 2>"$T/err"
rc=$?
set -e
tail -n 4 "$T/out"
[ $rc -eq 0 ] || { cat "$T/out" "$T/err"; fail "the func corpus exited $rc"; }
python3 - "$T/run/report.json" <<'PY' || fail "the func corpus"
import json, sys
r = json.load(open(sys.argv[1]))
func = [c for c in r["cases"] if c["kind"] == "func"]
assert len(func) >= 25, len(func)
for c in func:
    assert c["verdict"] == "pass", (c["name"], c["summary"])
    cells = {x["build"]: x for x in c["cells"]}
    assert cells["O0"]["skipped"], c["name"]           # no shared libraries
    assert not cells["shared-O0"]["skipped"] and not cells["shared-O2"]["skipped"]
PY
lines=$(grep -c '^[0-9]' "$T/run/observations/func-valid-hostname/shared-O2.plain.1.txt")
[ "$lines" -ge 2000 ] || fail "func-valid-hostname ran $lines inputs"

# 2. The compiler fault: a compiler matrix of gcc-12 and the wrapper.
cc="$TOP/tests/faults/cc-miscompile-label.sh"
set +e
$PFH run --variants shared-O2 --compilers gcc-12,"$cc" \
    --cases cases/func/valid-hostname.case cases/func/valid-hostaddr.case \
    --out "$T/fault" >"$T/out" 2>"$T/err"
rc=$?
set -e
cat "$T/out"
[ $rc -eq 1 ] || { cat "$T/err"; fail "the fault run exited $rc, wanted 1"; }
grep -q '^func-valid-hostname  *compiler' "$T/out" ||
    fail "func-valid-hostname is not compiler"
grep -q '^func-valid-hostaddr  *pass' "$T/out" || fail "func-valid-hostaddr"
grep -q 'valid_hostname differs on [0-9]* of [0-9]* inputs, first [0-9]' \
    "$T/fault/report.json" || fail "the summary names no function and input"
grep -q 'input 3 \\"a\{63\}.example\\" 0 => ret=1' "$T/fault/report.json" ||
    fail "the summary does not show the 63-byte label"

# 3. bisect objects on the shared builds: the object and the function.
set +e
$PFH bisect objects --good shared-O0 --bad "shared-O2 $cc" \
    --case cases/func/valid-hostname.case --out "$T/b" >"$T/out" 2>"$T/err"
rc=$?
set -e
tail -n 12 "$T/out"
[ $rc -eq 0 ] || { cat "$T/err"; fail "bisect objects exited $rc"; }
[ "$(tail -n 1 "$T/out")" = "culprit: src/util/valid_hostname.o" ] ||
    fail "bisect objects does not name valid_hostname.o"
grep -q '^functions: valid_hostname (func-valid-hostname): differs on' \
    "$T/out" || fail "no line on the functions that differ"

# 4. A crash in the function is an observation of that input.
mkdir "$T/shim"
gcc -Wall -Werror -shared -fPIC -O2 -o "$T/shim/shim-crash.so" \
    tests/faults/shim-crash.c
set +e
$PFH run --variants shared-O0 --libenv "crash:LD_PRELOAD=$T/shim/shim-crash.so" \
    --cases tests/faults/cases/fault-func-crash.case --out "$T/crash" \
    >"$T/out" 2>"$T/err"
rc=$?
set -e
cat "$T/out"
[ $rc -eq 1 ] || { cat "$T/err"; fail "the crash run exited $rc"; }
grep -q '^fault-func-crash  *library' "$T/out" || fail "not library"
obs="$T/crash/observations/fault-func-crash/shared-O0.crash.1.txt"
grep -q '^2 "probe" "XCRASH" ", " 66 => SIGSEGV$' "$obs" ||
    fail "input 2 did not observe SIGSEGV"
grep -q '^3 "probe" "beta" ", " 66 => ret=2$' "$obs" ||
    fail "the input after the crash was not answered"
[ "$(grep -c '^[0-9]' "$obs")" -eq 304 ] || fail "not every input has a line"

# 5. Malformed func cases.
printf 'name bad\nkind func\nlibrary util\ncall int valid_hostname(string, int)\ninput "a" 0\n' \
    >"$T/bad-type.case"
expect_exit 2 $PFH cases "$T/bad-type.case"
grep -q "bad-type.case:4: unknown type 'string'" "$T/err" ||
    fail "no file:line for an unknown type: $(cat "$T/err")"
printf 'name bad\nkind func\nlibrary util\ncall int valid_hostname(str, int)\ninput "a"\n' \
    >"$T/bad-count.case"
expect_exit 2 $PFH run --variants shared-O0 --cases "$T/bad-count.case" \
    --out "$T/none"
grep -q "bad-count.case:5: 1 values for valid_hostname, which takes 2" \
    "$T/err" || fail "no file:line for a wrong count: $(cat "$T/err")"
echo ok

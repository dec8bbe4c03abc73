#!/bin/sh
# t0700-bisect-objects - a compiler that miscompiles one translation unit
# of a Postfix library (src/global/xtext.c, in libglobal.a, so nearly
# every program is relinked): bisect objects names that object, confirmed
# alone, within ceil(log2 N) + 3 relink-and-replay steps, cross-checks it
# for undefined behaviour, and report --compiler-bug turns the record into
# a directory for a compiler bug report.
. tests/cli/lib.sh
need_root

cc="$TOP/tests/faults/cc-miscompile.sh"
set +e
$PFH bisect objects --good O0 --bad O2 --cc "$cc" \
    --case tests/faults/cases/fault-dsn-xtext.case --out "$T/b" \
    >"$T/out" 2>"$T/err"
rc=$?
set -e
cat "$T/out" "$T/err"
[ $rc -eq 0 ] || fail "bisect objects exited $rc, wanted 0"
[ "$(tail -n 1 "$T/out")" = "culprit: src/global/xtext.o" ] ||
    fail "the output does not end with the culprit"
grep -q '^source: src/global/xtext.c$' "$T/out" || fail "no source file"
grep -q '^confirmed alone: the good build plus only src/global/xtext.o' \
    "$T/out" || fail "the culprit was not confirmed alone"
grep -q '^conclusion: compiler' "$T/out" || fail "not a compiler conclusion"
grep -q '^wall time: ' "$T/out" || fail "no wall time"
grep -q ' ub-check .*-fsanitize=undefined' "$T/out" || fail "no UBSan trial"
# The bound: ceil(log2 N) + 3 steps that relink and replay.
line=$(grep '^steps: ' "$T/out")
used=$(echo "$line" | sed -n 's/.*; \([0-9]*\) relinked and replayed;.*/\1/p')
bound=$(echo "$line" | sed -n 's/.* = \([0-9]*\)$/\1/p')
[ -n "$used" ] && [ -n "$bound" ] || fail "cannot read the steps line"
[ "$used" -le "$bound" ] || fail "$used relink-and-replay steps, bound $bound"
# Only xtext.o: the all-bad-but-the-culprit mix behaves as the good build.
grep -q ' more  *good ' "$T/out" || fail "no check for more culprits"

# The record.
for f in objects.json objects.log good.txt bad.txt case.case; do
    [ -s "$T/b/$f" ] || fail "the record lacks $f"
done
grep -q '"object": *"src/global/xtext.o"' "$T/b/objects.json" ||
    fail "objects.json does not name the culprit"
grep -q '"conclusion": *"compiler"' "$T/b/objects.json" ||
    fail "objects.json lacks the conclusion"

# The compiler bug report.
$PFH report "$T/b" --compiler-bug "$T/bug" >"$T/rep.out"
cat "$T/rep.out"
for f in README.txt compiler.txt flags.txt compile-command.txt xtext.i \
         fault-dsn-xtext.case good.txt bad.txt observations.diff \
         bisection.log ub-check.txt; do
    [ -s "$T/bug/$f" ] || fail "the bug report lacks $f"
done
grep -q 'xtext_unquote' "$T/bug/xtext.i" || fail "xtext.i is not preprocessed xtext.c"
grep -q '^# ' "$T/bug/xtext.i" || fail "xtext.i has no line markers"
grep -q -- '-O2 .*-c xtext.c' "$T/bug/compile-command.txt" ||
    fail "no compile command"
grep -q 'sha256: *[0-9a-f]\{64\}' "$T/bug/compiler.txt" || fail "no compiler identity"
grep -q 'Bad ENVID' "$T/bug/observations.diff" || fail "the diff lacks the reply"
grep -q 'conclusion: compiler' "$T/bug/ub-check.txt" || fail "no UB cross-check"

# A record is input: the report runs none of its commands and no compiler
# it names. Same record, with the culprit's compile command, cc_path and
# build directories replaced by hostile ones.
printf '#!/bin/sh\ntouch "%s/pwned-cc"\n' "$T" >"$T/evil-cc"
chmod 755 "$T/evil-cc"
mkdir -p "$T/evil" "$T/fake/src/src/global"
cp -r "$T/b/." "$T/evil/"
sed -i "s|\"cc_path\": *\"[^\"]*\"|\"cc_path\":\"$T/evil-cc\"|g;
        s|-c xtext\.c|-c xtext.c; touch $T/pwned-record|" "$T/evil/objects.json"
grep -q "pwned-record" "$T/evil/objects.json" || fail "could not craft the record"
$PFH report "$T/evil" --compiler-bug "$T/bug3" >"$T/rep3.out" 2>&1 ||
    { cat "$T/rep3.out"; fail "report of the crafted record failed"; }
grep -q -- '-O2 .*-c xtext.c' "$T/bug3/compile-command.txt" ||
    fail "no compile command in the crafted record's report"
grep -q 'xtext_unquote' "$T/bug3/xtext.i" ||
    fail "xtext.i did not come from make.log's command"
# its build directory outside var/builds: refused, nothing run
printf 'cd src/global && touch %s/pwned-make; gcc -c xtext.c\n' "$T" \
    >"$T/fake/make.log"
sed -i "s|\"dir\": *\"[^\"]*/builds/[^\"]*\"|\"dir\": \"$T/fake\"|g" \
    "$T/evil/objects.json"
expect_exit 2 $PFH report "$T/evil" --compiler-bug "$T/bug4"
grep -q "is not a build of this harness" "$T/err" || fail "wrong refusal: $(cat "$T/err")"
for f in pwned-cc pwned-record pwned-make; do
    [ ! -e "$T/$f" ] || fail "the report ran a command of the record ($f)"
done
echo "ok: a crafted record's commands and compiler were not run"

# Not a bisection directory: trouble, one line.
expect_exit 2 $PFH report "$T" --compiler-bug "$T/bug2"
grep -q 'no object bisection' "$T/err" || fail "no diagnostic for a bad directory"

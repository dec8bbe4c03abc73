#!/bin/sh
# t0315-run-corpus-3.10 - the shipped corpus on Postfix 3.10.13 from
# Debian trixie, at O0 and O2, 3 reps: every case passes, with the version
# overlays of cases/versions/ for 3.10's intended changes, and every
# overlay is used by some case. The instance adapts to 3.10
# (compatibility_level = 3.10), and a case loaded for 3.7.11 is untouched.
. tests/cli/lib.sh
need_root

expect_exit 0 $PFH fetch --debian 3.10.13-0+deb13u1
read -r version commit tree <"$T/out"
[ "$version" = 3.10.13 ] || fail "fetched version '$version'"

set +e
$PFH run --source "$commit" --variants O0,O2 --reps 3 --out "$T/run" \
    >"$T/out" 2>"$T/err"
rc=$?
set -e
tail -n 3 "$T/out"
[ $rc -eq 0 ] || {
    grep -v ' pass ' "$T/out" | head -n 40
    fail "the corpus on 3.10.13 exited $rc, wanted 0"
}
n=$($PFH cases | wc -l)
grep -q "^$n cases on 2 builds x 1 libenvs x 3 reps: $n pass\$" "$T/out" ||
    fail "not every one of $n cases passed"

# Every overlay was applied to a case of the run.
for dir in cases/versions/*/; do
    name=$(basename "$dir")
    grep -q "\"$name (since" "$T/run/report.json" ||
        fail "overlay '$name' applied to no case on 3.10.13"
done
# The instance is 3.10's own.
main_cf=$(find "$T/run/instances" -name main.cf | head -n 1)
[ -n "$main_cf" ] || fail "the run kept no main.cf"
grep -q '^compatibility_level = 3.10$' "$main_cf" ||
    fail "compatibility_level is not 3.10 in $main_cf"
# On 3.7.11 no overlay applies.
expect_exit 0 $PFH cases --version 3.7.11
! grep -q ' overlays: ' "$T/out" || fail "an overlay applied to 3.7.11"
expect_exit 0 $PFH cases --version 3.10.13
[ "$(grep -c ' overlays: ' "$T/out")" -eq 4 ] ||
    fail "not 4 cases with overlays for 3.10.13"

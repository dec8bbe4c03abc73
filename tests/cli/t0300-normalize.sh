# t0300-normalize - the normalize verb as a test driver: golden files for
# every rule, DSN parsing, and observations of two runs that differ only
# in volatile parts. Needs no root and no Postfix build.
. "$TOP/tests/cli/lib.sh"
D=$TOP/tests/data

for in in "$D"/normalize/*.in; do
    "$PFH" normalize <"$in" >"$T/out"
    cmp -s "$T/out" "${in%.in}.ref" || { diff -u "${in%.in}.ref" "$T/out" >&2; fail "$(basename "$in")"; }
done

expect_exit 0 "$PFH" normalize --dsn <"$D/dsn/bounce-multi.in"
grep -q '^Status: 5.7.1$' "$T/out" || fail "--dsn lost a record"
expect_exit 2 "$PFH" normalize --dsn <"$D/dsn/plain-message.in"
grep -q 'multipart/report' "$T/err" || fail "--dsn: no reason given"

for run in stable-a stable-b; do
    expect_exit 0 "$PFH" normalize --observe "$D/observe/$run.in"
    cmp -s "$T/out" "$D/observe/stable.ref" || { diff -u "$D/observe/stable.ref" "$T/out" >&2; fail "$run"; }
done

expect_exit 2 "$PFH" normalize --observe "$T/nonexistent"
expect_exit 2 "$PFH" normalize --rules --dsn
expect_exit 0 "$PFH" normalize -h

#!/bin/sh
# t0360-reduce - pfharness reduce, for smtp sessions and configurations.
# 1. The compiler fault (tests/faults/cc-miscompile.sh, O0 against O2) in
#    a 39-line session of three transactions: the reduced case has at
#    most 3 client lines, parses, and still diverges the same way.
# 2. A main.cf of 30 settings, one of which (smtpd_authorized_xclient_
#    hosts) lets the divergence through: reduced to that one setting.
# 3. A budget stops the search and keeps the best case so far.
# 4. Bad input: a func case, builds that agree: exit 2, one line.
# 5. run --reduce puts the reduced case into the run and its report.
# 6. bisect objects --reduce bisects with the reduced case, and report
#    --compiler-bug holds it.
. tests/cli/lib.sh
need_root

cc="$TOP/tests/faults/cc-miscompile.sh"
long=tests/faults/cases/fault-dsn-xtext-long.case

# 1. The session.
expect_exit 0 $PFH reduce "$long" --good O0 --bad O2 --cc "$cc" \
    --out "$T/small.case"
cat "$T/out"
lines=$(sed -n 's/^client lines: 39 -> \([0-9]*\)$/\1/p' "$T/out")
[ -n "$lines" ] && [ "$lines" -le 3 ] || fail "not at most 3 client lines"
[ "$(grep -c '^[>|~]' "$T/small.case")" -le 3 ] || fail "the file has more"
grep -q '^# Reduced by pfharness reduce from ' "$T/small.case" ||
    fail "no header comment"
grep -q '^trials: [0-9]* run' "$T/out" || fail "no trial count"
expect_exit 0 $PFH cases "$T/small.case"
# it still diverges, the same way
set +e
$PFH run --variants O0,O2 --cc "$cc" --cases "$T/small.case" \
    --out "$T/check" >"$T/check.out" 2>&1
rc=$?
set -e
[ $rc -eq 1 ] || { cat "$T/check.out"; fail "the reduced case exited $rc"; }
grep -q 'compiler' "$T/check.out" || fail "the reduced case is not compiler"
grep -q 'Bad ENVID parameter syntax' "$T/check/report.json" ||
    fail "the reduced case diverges differently"

# 2. The configuration.
expect_exit 0 $PFH reduce tests/faults/cases/fault-xclient-xtext.case \
    --good O0 --bad O2 --cc "$cc" \
    --config tests/faults/config-xclient/main.cf --out "$T/x.case"
cat "$T/out"
[ "$(grep -c . "$T/x.main.cf")" -eq 1 ] || fail "not one setting left"
grep -qx 'smtpd_authorized_xclient_hosts = 127.0.0.0/8' "$T/x.main.cf" ||
    fail "not the xclient setting: $(cat "$T/x.main.cf")"
grep -q '^settings: 29 -> 1 ' "$T/out" || fail "no settings line"

# 3. A budget.
expect_exit 0 $PFH reduce "$long" --good O0 --bad O2 --cc "$cc" \
    --max-trials 2 --out "$T/budget.case"
grep -q 'stopped by --max-trials or --max-seconds' "$T/out" ||
    fail "the budget did not stop it"
expect_exit 0 $PFH cases "$T/budget.case"

# 4. Bad input.
expect_exit 2 $PFH reduce cases/func/dsn-valid.case --good O0 --bad O2 \
    --out "$T/f.case"
grep -q 'only smtp cases are reduced' "$T/err" || fail "a func case: $(cat "$T/err")"
expect_exit 2 $PFH reduce "$long" --good O0 --bad O0 --out "$T/same.case"
grep -q 'behave the same' "$T/err" || fail "no divergence: $(cat "$T/err")"
[ ! -e "$T/same.case" ] || fail "a case was written without a divergence"

# 5. run --reduce.
set +e
$PFH run --variants O0,O2 --cc "$cc" --cases "$long" --reduce \
    --out "$T/run" >"$T/run.out" 2>&1
rc=$?
set -e
[ $rc -eq 1 ] || { cat "$T/run.out"; fail "run --reduce exited $rc"; }
[ -s "$T/run/reduced/fault-dsn-xtext-long.case" ] || fail "no reduced case"
grep -q '"file": "reduced/fault-dsn-xtext-long.case"' "$T/run/report.json" ||
    fail "report.json lacks the reduced case"
grep -q '<dt>Reduced</dt>' "$T/run/report.html" || fail "the HTML lacks it"

# 6. bisect objects --reduce, and the compiler-bug report.
set +e
$PFH bisect objects --good O0 --bad O2 --cc "$cc" --case "$long" --reduce \
    --out "$T/b" >"$T/b.out" 2>&1
rc=$?
set -e
tail -n 3 "$T/b.out"
[ $rc -eq 0 ] || { cat "$T/b.out"; fail "bisect objects --reduce exited $rc"; }
grep -q '^reduced: 39 client lines -> ' "$T/b.out" || fail "not reduced first"
[ "$(tail -n 1 "$T/b.out")" = "culprit: src/global/xtext.o" ] ||
    fail "the bisection of the reduced case does not name xtext.o"
expect_exit 0 $PFH report "$T/b" --compiler-bug "$T/bug"
[ -s "$T/bug/fault-dsn-xtext-long-reduced.case" ] ||
    fail "the compiler-bug report lacks the reduced case: $(ls "$T/bug")"
echo ok

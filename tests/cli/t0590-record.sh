#!/bin/sh
# t0590-record - pfharness record writes NAME.golden beside NAME.case when
# the builds agree, leaves an unchanged golden alone, and run then holds
# the whole observation to it: a golden that differs anywhere makes the
# case real-bug, and a golden that is not an observation's text is bad
# input (file:line, exit 2).
. tests/cli/lib.sh
need_root

mkdir "$T/cases"
cp cases/smtp/capture-basic.case "$T/cases/"
case="$T/cases/capture-basic.case"
golden="$T/cases/capture-basic.golden"

expect_exit 0 $PFH record --variants O0 --reps 2 --out "$T/rec" "$case"
cat "$T/out"
grep -q "^recorded capture-basic: $golden" "$T/out" || fail "not recorded"
[ -f "$golden" ] || fail "no golden beside the case"
head -1 "$golden" | grep -q '^== transcript$' || fail "the golden does not start with the transcript"
grep -q '^== delivered$' "$golden" || fail "the golden lacks the delivered mail"
cmp -s "$golden" cases/smtp/capture-basic.golden || fail "the golden differs from the shipped one"

# Again: unchanged, and the file is not rewritten.
before=$(stat -c %Y.%i "$golden")
expect_exit 0 $PFH record --variants O0 --reps 2 --out "$T/rec2" "$case"
grep -q "^unchanged capture-basic" "$T/out" || fail "an equal golden was not left alone"
[ "$(stat -c %Y.%i "$golden")" = "$before" ] || fail "the golden was rewritten"

# A golden that differs in the delivered mail only: real-bug, naming it.
sed -i 's/^Subject: basic$/Subject: changed/' "$golden"
expect_exit 1 $PFH run --variants O0 --reps 1 --cases "$case" --out "$T/run"
grep -q '^capture-basic  *real-bug' "$T/out" || fail "a changed golden is not real-bug"
grep -q "capture-basic.golden:[0-9]*: the observation differs from the golden" \
    "$T/run/report.json" || fail "the mismatch does not name the golden"
[ -f "$T/run/cases/capture-basic.golden" ] || fail "the run did not keep the golden"

# Not an observation's text: refused when the case is loaded.
printf 'hello\n' >"$golden"
expect_exit 2 $PFH cases "$case"
grep -q "^pfharness: error: $golden:1: expected a section head" "$T/err" ||
    fail "no file:line message for a bad golden"
[ "$(wc -l <"$T/err")" -eq 1 ] || fail "more than one line on stderr"
echo "ok: record writes goldens, run holds cases to them"

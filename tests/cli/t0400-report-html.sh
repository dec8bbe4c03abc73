#!/bin/sh
# t0400-report-html.sh - 'pfharness report': report.html and junit.xml
# again from a fixture report.json; bad input exits 2 with one line naming
# the file; the page renders in headless Chromium, matrix and rows in the
# DOM, without touching the network; a screenshot is made, checked and
# deleted (no screenshots are committed)
. "$TOP/tests/cli/lib.sh"
DATA="$TOP/tests/data/report"

# expect_err TEXT - stderr is exactly this one line, stdout is empty
expect_err() {
    printf '%s\n' "$1" >"$T/want"
    diff -u "$T/want" "$T/err" || fail "unexpected stderr"
    [ ! -s "$T/out" ] || fail "stdout should be empty: $(cat "$T/out")"
}

# Usage
expect_exit 0 "$PFH" report -h
grep -q '^usage: pfharness report RUN_DIR' "$T/out" || fail "no usage text"
expect_exit 2 "$PFH" report
grep -q '^usage: pfharness report' "$T/err" || fail "no usage on stderr"
expect_exit 2 "$PFH" report --bogus "$T"
expect_exit 2 "$PFH" report "$T" "$T"

# Bad input: one line naming the file, exit 2, nothing written
expect_exit 2 "$PFH" report "$T/nope"
expect_err "pfharness: error: cannot open '$T/nope/report.json': No such file or directory"
mkdir "$T/bad"
printf '{"schema": "pfharness-report/1", "run": {' >"$T/bad/report.json"
expect_exit 2 "$PFH" report "$T/bad"
expect_err "pfharness: error: cannot parse '$T/bad/report.json': unexpected end of input at byte 41"
echo '<report/>' >"$T/bad/report.json"
expect_exit 2 "$PFH" report "$T/bad"
expect_err "pfharness: error: cannot parse '$T/bad/report.json': unexpected character at byte 0"
echo '{"schema": "other/1", "cases": []}' >"$T/bad/report.json"
expect_exit 2 "$PFH" report "$T/bad"
expect_err "pfharness: error: '$T/bad/report.json' is not a pfharness report: schema is 'other/1', expected 'pfharness-report/1'"
sed 's/"verdict": "compiler"/"verdict": "flaky"/' "$DATA/small.json.ref" >"$T/bad/report.json"
expect_exit 2 "$PFH" report "$T/bad"
expect_err "pfharness: error: '$T/bad/report.json': cases[1].verdict: 'flaky' is not a verdict (pass real-bug compiler undefined-behavior library hardware)"
[ "$(ls "$T/bad")" = report.json ] || fail "bad input left files: $(ls "$T/bad")"

# The small run: both files into RUN_DIR, junit.xml as the golden file
mkdir "$T/small"
cp "$DATA/small.json.ref" "$T/small/report.json"
expect_exit 0 "$PFH" report "$T/small"
printf '%s\n' "$T/small/report.html" "$T/small/junit.xml" >"$T/want"
diff -u "$T/want" "$T/out" || fail "report should print the files it wrote"
diff -u "$DATA/small.xml.ref" "$T/small/junit.xml" || fail "junit.xml"
cmp -s "$DATA/small.json.ref" "$T/small/report.json" || fail "report.json changed"
[ "$(ls "$T/small" | tr '\n' ' ')" = "junit.xml report.html report.json " ] ||
    fail "unexpected files in the run directory: $(ls "$T/small")"

# Elsewhere with --html and --junit, options after RUN_DIR; same bytes
expect_exit 0 "$PFH" report "$T/small" --html "$T/x.html" --junit "$T/x.xml"
cmp "$T/small/report.html" "$T/x.html" || fail "report.html is not deterministic"
cmp "$T/small/junit.xml" "$T/x.xml" || fail "junit.xml is not deterministic"

# The six-verdict run: self-contained, no address anywhere in the page
mkdir "$T/six"
cp "$DATA/six.json.ref" "$T/six/report.json"
expect_exit 0 "$PFH" report "$T/six"
H="$T/six/report.html"
! grep -Eq 'https?:|ftp:|src=|url\(|@import|<script|<link|<iframe|<object' "$H" ||
    fail "report.html refers to something outside itself"
! grep -Eo 'href="[^"]*"' "$H" | grep -Eq 'href="(/|[^"]*:)' ||
    fail "report.html links outside the run directory"
grep -q "content=\"default-src 'none'; style-src 'unsafe-inline'\"" "$H" ||
    fail "no Content-Security-Policy"

# Chromium renders it
command -v chromium >/dev/null 2>&1 || skip "chromium is not installed"
mkdir "$T/home"
chrome() {
    HOME="$T/home" timeout 120 chromium --headless --no-sandbox --disable-gpu \
        --disable-quic --no-first-run --disable-background-networking \
        --disable-component-update --disable-sync \
        --user-data-dir="$(mktemp -d "$T/profile.XXXXXX")" "$@" \
        2>>"$T/chromium.log"
}

chrome --log-net-log="$T/net.json" --dump-dom "file://$H" >"$T/dom.html" ||
    fail "chromium --dump-dom failed: $(tail -n 3 "$T/chromium.log")"
grep -q '<div class="matrix" id="matrix">' "$T/dom.html" || fail "no matrix in the DOM"
grep -q '<div class="mrow mhead">' "$T/dom.html" || fail "no matrix header in the DOM"
[ "$(grep -c '<details class="case v-' "$T/dom.html")" -eq 6 ] ||
    fail "the DOM should have 6 case rows"
# Findings first, by name, then the pass; each row coloured by verdict
grep -o '<details class="case v-[a-z-]*" data-verdict="[a-z-]*" id="case-[a-z0-9.-]*"' \
    "$T/dom.html" | sed 's/.*v-\([a-z-]*\)" data-verdict="\([a-z-]*\)" id="case-\(.*\)"/\1 \2 \3/' \
    >"$T/rows"
cat >"$T/want" <<'ROWS'
compiler compiler compiler-o2
hardware hardware hardware-flap
library library library-shim
real-bug real-bug real-bug-relay
undefined-behavior undefined-behavior ub-overflow
pass pass pass-basic
ROWS
diff -u "$T/want" "$T/rows" || fail "rows in the DOM"
for v in pass real-bug compiler undefined-behavior library hardware; do
    grep -q "<span class=\"badge v-$v\">$v</span>" "$T/dom.html" ||
        fail "no legend entry for $v"
done
grep -q 'title="O2/shim: flapping: its repetitions differ[^"]*">~</span>' "$T/dom.html" ||
    fail "no flapping mark"
grep -q '<table class="sbs">' "$T/dom.html" || fail "no side-by-side diff"
grep -q 'EDAC: 2 memory controllers' "$T/dom.html" || fail "no EDAC note"
grep -q '<strong>wrapv</strong>' "$T/dom.html" || fail "no builds table"

# No request came from the page. A control page that loads an image
# shows what such a request looks like in the NetLog: initiator "null"
# (Chromium's own requests have "not an origin").
printf '<!DOCTYPE html><img src="http://127.0.0.1:9/x.png">\n' >"$T/control.html"
chrome --log-net-log="$T/control.json" --dump-dom "file://$T/control.html" >/dev/null ||
    fail "chromium failed on the control page"
grep -q '"initiator":"null"' "$T/control.json" ||
    fail "the NetLog shows no request from the control page; cannot check"
! grep -o '"initiator":"[^"]*"' "$T/net.json" | grep -vq '"not an origin"' ||
    fail "report.html made a request: $(grep -o '"url":"[^"]*"' "$T/net.json")"

# A screenshot: a real PNG of the window's size, with something in it
chrome --screenshot="$T/shot.png" --window-size=1280,2000 "file://$H" >/dev/null ||
    fail "chromium --screenshot failed: $(tail -n 3 "$T/chromium.log")"
[ -f "$T/shot.png" ] || fail "no screenshot"
[ "$(od -An -tx1 -N8 "$T/shot.png" | tr -d ' \n')" = 89504e470d0a1a0a ] ||
    fail "the screenshot is not a PNG"
set -- $(od -An -tu1 -j16 -N8 "$T/shot.png")
[ $(( ($1 << 24) + ($2 << 16) + ($3 << 8) + $4 )) -eq 1280 ] &&
    [ $(( ($5 << 24) + ($6 << 16) + ($7 << 8) + $8 )) -eq 2000 ] ||
    fail "the screenshot is not 1280x2000"
size=$(wc -c <"$T/shot.png")
[ "$size" -gt 30000 ] || fail "the screenshot is nearly empty ($size bytes)"
rm -f "$T/shot.png"

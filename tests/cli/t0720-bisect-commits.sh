#!/bin/sh
# t0720-bisect-commits - a synthetic history on top of the imported tree:
# harmless commits, one that does not build (skipped, as git bisect
# does), its revert, and one that changes behaviour (all of 127/8 trusted
# as mynetworks). bisect commits names that commit by its id in the
# repository, with its summary line.
. tests/cli/lib.sh
need_root
command -v git >/dev/null || skip "git is not installed"
command -v patch >/dev/null || skip "patch is not installed"

VAR=${PFHARNESS_VAR:-$TOP/var}
$PFH fetch >/dev/null
git clone -q "$VAR/sources.git" "$T/src"
cd "$T/src"
git checkout -q -b history postfix-3.7.11
g() { git -c user.name=pfharness-test -c user.email=test@pfharness.invalid "$@"; }
good=$(git rev-parse HEAD)
echo "test-only: a note" >>HISTORY
g commit -q -am "test-only: a note in HISTORY"
sed -i '1i #error test-only: this commit does not build' src/util/alldig.c
g commit -q -am "test-only: a commit that does not build"
g revert --no-edit HEAD >/dev/null
patch -s -p1 <"$TOP/tests/faults/realbug-loopback-relay.patch"
g commit -q -am "test-only: trust all of 127/8 as mynetworks"
culprit=$(git rev-parse HEAD)
echo "test-only: another note" >>HISTORY
g commit -q -am "test-only: another note in HISTORY"
bad=$(git rev-parse HEAD)
cd "$TOP"

set +e
$PFH bisect commits --git "$T/src" --good "$good" --bad "$bad" \
    --case cases/smtp/capture-relaydenied.case --out "$T/c" \
    >"$T/out" 2>"$T/err"
rc=$?
set -e
cat "$T/out" "$T/err"
[ $rc -eq 0 ] || fail "bisect commits exited $rc, wanted 0"
[ "$(tail -n 1 "$T/out")" = "first bad commit: $culprit test-only: trust all of 127/8 as mynetworks" ] ||
    fail "the first bad commit is not $culprit"
grep -q ' commit  *skip .*does not build; skipped: ' "$T/out" ||
    fail "the commit that does not build was not skipped"
grep -q "\"commit\": *\"$culprit\"" "$T/c/commits.json" ||
    fail "commits.json does not name the commit"

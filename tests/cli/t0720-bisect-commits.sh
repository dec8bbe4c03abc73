#!/bin/sh
# t0720-bisect-commits - a synthetic history in the shape of the upstream
# mirror (github.com/vdukhovni/postfix): the tree under postfix/, a README
# beside it, the release tagged v3.7.11, a topic branch merged back. On
# top of the imported tree:
#   c1  an unrelated change that the case sees and that stays (QUIT
#       answers "Bye for now")
#   t1  an unrelated change that is reverted later (MAIL answers "Ok,
#       sender"), t2 its revert
#   c2  a commit that does not build (skipped, as git bisect does), c3 its
#       revert
#   m   a merge of a branch that touched only the README (first parents)
#   c4  the culprit: all of 127/8 trusted as mynetworks
#   c5  a note in HISTORY
# fetch --git keeps the commit ids and finds the tree by itself. The sides
# differ at two places, the relay answer and the QUIT answer: bisect
# commits bisects each on its own with shared trials and names c4 for the
# first (the last line) and c1 for the second, where a comparison of the
# whole observation named c1; a trial that shows the reverted change says
# so, and it does not decide. A commit in a range that holds no Postfix
# tree stops the bisection with exit 2: trouble is never a skip.
. tests/cli/lib.sh
need_root
command -v git >/dev/null || skip "git is not installed"
command -v patch >/dev/null || skip "patch is not installed"

VAR=${PFHARNESS_VAR:-$TOP/var}
$PFH fetch >/dev/null
mkdir -p "$T/src/postfix"
git --git-dir="$VAR/sources.git" archive postfix-3.7.11 |
    tar -x -C "$T/src/postfix"
cd "$T/src"
g() { git -c user.name=pfharness-test -c user.email=test@pfharness.invalid "$@"; }
g init -q -b master .
echo "Postfix, as the upstream mirror keeps it" >README
g add -A
g commit -q -m "test-only: snapshot 3.7.11"
g tag -a -m "Postfix 3.7.11" v3.7.11
sed -i 's/"221 2.0.0 Bye"/"221 2.0.0 Bye for now"/' postfix/src/smtpd/smtpd.c
g commit -q -am "test-only: QUIT says Bye for now"
c1=$(git rev-parse HEAD)
sed -i 's/"250 2.1.0 Ok"/"250 2.1.0 Ok, sender"/' postfix/src/smtpd/smtpd.c
g commit -q -am "test-only: MAIL says Ok, sender"
g revert --no-edit HEAD >/dev/null
sed -i '1i #error test-only: this commit does not build' postfix/src/util/alldig.c
g commit -q -am "test-only: a commit that does not build"
g revert --no-edit HEAD >/dev/null
g checkout -q -b topic
echo "a topic branch" >>README
g commit -q -am "test-only: the README on a topic branch"
topic=$(git rev-parse HEAD)
g checkout -q master
g merge -q --no-ff -m "test-only: merge the topic" topic
(cd postfix && patch -s -p1 <"$TOP/tests/faults/realbug-loopback-relay.patch")
g commit -q -am "test-only: trust all of 127/8 as mynetworks"
culprit=$(git rev-parse HEAD)
echo "test-only: another note" >>postfix/HISTORY
g commit -q -am "test-only: another note in HISTORY"
bad=$(git rev-parse HEAD)
# A branch where a commit lost the Postfix tree: trouble, not a skip.
g checkout -q -b lost "$c1"
g rm -q postfix/src/global/mail_version.h
g commit -q -m "test-only: mail_version.h is gone"
lost=$(git rev-parse HEAD)
g revert --no-edit HEAD >/dev/null
(cd postfix && patch -s -p1 <"$TOP/tests/faults/realbug-loopback-relay.patch")
g commit -q -am "test-only: the culprit again"
lost_bad=$(git rev-parse HEAD)
g checkout -q master
cd "$TOP"

# fetch: the tag and a snapshot commit, with the repository's ids, and the
# Postfix tree under postfix/ is the tree of the imported release.
pristine_tree=$($PFH fetch | awk '{ print $3 }')
expect_exit 0 $PFH fetch --git "$T/src" --rev v3.7.11
read -r version commit tree <"$T/out"
[ "$version" = 3.7.11 ] || fail "fetch --git printed version '$version'"
[ "$commit" = "$(git -C "$T/src" rev-parse 'v3.7.11^{commit}')" ] ||
    fail "fetch --git did not keep the tagged commit's id"
[ "$tree" = "$pristine_tree" ] ||
    fail "the tree under postfix/ is $tree, not the release's $pristine_tree"
expect_exit 0 $PFH fetch --git "$T/src" --rev "$culprit"
[ "$(awk '{ print $2 }' "$T/out")" = "$culprit" ] ||
    fail "fetch --git did not keep the snapshot's commit id"

set +e
$PFH bisect commits --git "$T/src" --good v3.7.11 --bad "$bad" \
    --case cases/smtp/capture-relaydenied.case --out "$T/c" \
    >"$T/out" 2>"$T/err"
rc=$?
set -e
cat "$T/out" "$T/err"
[ $rc -eq 0 ] || fail "bisect commits exited $rc, wanted 0"
[ "$(tail -n 1 "$T/out")" = "first bad commit: $culprit test-only: trust all of 127/8 as mynetworks" ] ||
    fail "the first bad commit is not $culprit"
grep -q 'the range has merges; following first parents' "$T/out" ||
    fail "the merge was not followed along first parents"
! grep -q "${topic%"${topic#????????????}"}" "$T/out" ||
    fail "a commit of the merged branch was tried"
grep -q ' commit  *skip .*does not build; skipped: ' "$T/out" ||
    fail "the commit that does not build was not skipped"
grep -q "place 2 changes first at $c1 test-only: QUIT says Bye for now" "$T/out" ||
    fail "the place the unrelated change made was not bisected to c1"
grep -q 'also changed where the sides do not differ' "$T/out" ||
    fail "no trial reported the reverted change"
grep -q "\"commit\": *\"$culprit\"" "$T/c/commits.json" ||
    fail "commits.json does not name the commit"

# Trouble: the only commit to try has no Postfix tree.
expect_exit 2 $PFH bisect commits --git "$T/src" --good "$c1" \
    --bad "$lost_bad" --case cases/smtp/capture-relaydenied.case \
    --out "$T/lost"
cat "$T/out" "$T/err"
grep -q "commit ${lost%"${lost#????????????}"}.*not a Postfix tree" "$T/err" ||
    fail "the commit without a Postfix tree was not named as trouble"
! grep -q ' skip ' "$T/out" || fail "trouble was taken for a skip"

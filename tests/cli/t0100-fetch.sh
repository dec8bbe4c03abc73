#!/bin/sh
# t0100-fetch - fetch prints "<version> <commit> <tree>", is idempotent,
#               and rejects bad input with exit 2 and one clear line
#
# Another Debian release's Postfix (3.10.13 in trixie) comes through a
# temporary apt source list derived from the machine's own entries: the
# machine's apt configuration is unchanged, and the list holds no host
# name that the machine's entries do not. --patched imports Debian's
# patched tree on top of the pristine one.
#
# The Debian fetch goes to the shared store (var/, or $PFHARNESS_VAR):
# in CI it is the first fetch, and later tests build from it. The bad
# inputs and the git fetch use a private store in $T.
. "$(dirname "$0")/lib.sh"

command -v apt-get >/dev/null || skip "no apt-get"
apt-cache showsrc postfix 2>/dev/null | grep -q '^Package: postfix' ||
    skip "apt has no deb-src for postfix; run 'make deps' first"
command -v git >/dev/null || skip "no git to make a test repository with"

VAR=${PFHARNESS_VAR:-$TOP/var}
case $VAR in /*) ;; *) VAR=$PWD/$VAR ;; esac
LINE_RE='^[0-9][0-9a-z.-]* [0-9a-f]\{40\} [0-9a-f]\{40\}$'

echo "== fetch from Debian"
expect_exit 0 "$PFH" fetch
cat "$T/out" "$T/err"
[ "$(wc -l <"$T/out")" -eq 1 ] || fail "wanted one line on stdout"
grep -q "$LINE_RE" "$T/out" || fail "not '<version> <commit> <tree>'"
cp "$T/out" "$T/first"

echo "== fetch again: same line, and says nothing changed"
expect_exit 0 "$PFH" fetch
cat "$T/out" "$T/err"
cmp -s "$T/first" "$T/out" || fail "second fetch printed another line"
grep -q 'already in the store; nothing changed' "$T/err" ||
    fail "second fetch does not say it changed nothing"

echo "== the same upstream tarball by file: the same tree, unchanged"
orig=$(ls "$VAR"/apt/postfix_*.orig.tar.gz | tail -n 1)
[ -f "$orig" ] || fail "no .orig tarball in $VAR/apt"
expect_exit 0 "$PFH" fetch --tarball "$orig"
cat "$T/out" "$T/err"
cmp -s "$T/first" "$T/out" || fail "--tarball of the .orig gave another line"
grep -q 'nothing changed' "$T/err" || fail "--tarball did not say unchanged"

# Bad inputs: a private store, so that a failure cannot touch var/.
priv() { "$PFH" --var "$T/var" "$@"; }
mkdir "$T/notpf/" "$T/notpf/foo-1.0" "$T/plain"
echo "hello" >"$T/notpf/foo-1.0/README"
tar -C "$T/notpf" -czf "$T/notpf.tar.gz" foo-1.0
echo "just text" >"$T/notes.txt"

# bad CODE PATTERN ARGS... - exit CODE, one stderr line matching PATTERN
bad() {
    code=$1 pattern=$2
    shift 2
    echo "== fetch $*"
    expect_exit "$code" priv fetch "$@"
    cat "$T/err"
    [ ! -s "$T/out" ] || fail "'fetch $*' printed on stdout"
    [ "$(wc -l <"$T/err")" -eq 1 ] || fail "'fetch $*': not one line"
    grep -q "^pfharness: error: .*$pattern" "$T/err" ||
        fail "'fetch $*': message lacks '$pattern'"
}

bad 2 "'$T/nosuch.tar.gz': no such file" --tarball "$T/nosuch.tar.gz"
bad 2 "'$T/notes.txt' is not a readable tarball" --tarball "$T/notes.txt"
bad 2 "is not a Postfix source tree: it has no src/global/mail_version.h" \
    --tarball "$T/notpf.tar.gz"
bad 2 "'$T/plain' is not a git repository" --git "$T/plain" --rev main
bad 2 "'$T/nosuch': no such directory" --git "$T/nosuch" --rev main
bad 2 "'x;id' is not a Debian version" --debian 'x;id'
bad 2 "'3.7.11 -1' is not a Debian version" --debian '3.7.11 -1'

# A small Postfix-like repository.
export GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null
export GIT_AUTHOR_NAME=t GIT_AUTHOR_EMAIL=t@example.test
export GIT_COMMITTER_NAME=t GIT_COMMITTER_EMAIL=t@example.test
git init -q -b main "$T/repo"
mkdir -p "$T/repo/src/global"
echo '#define MAIL_VERSION_NUMBER "9.9.1"' >"$T/repo/src/global/mail_version.h"
git -C "$T/repo" add -A
git -C "$T/repo" commit -q -m one
echo '#define MAIL_VERSION_NUMBER "9.9.2"' >"$T/repo/src/global/mail_version.h"
git -C "$T/repo" commit -q -a -m two
commit1=$(git -C "$T/repo" rev-parse HEAD~1)
tree1=$(git -C "$T/repo" rev-parse 'HEAD~1^{tree}')

bad 2 "'$T/repo': unknown revision 'nosuch'" --git "$T/repo" --rev nosuch

# Usage errors print the usage text after the one error line.
for args in "--rev main" "--git $T/repo" "--tarball a --debian b" \
    "--patched --tarball a" "--patched --git $T/repo --rev main"; do
    echo "== fetch $args"
    # shellcheck disable=SC2086
    expect_exit 2 priv fetch $args
    head -n 1 "$T/err"
    head -n 1 "$T/err" | grep -q '^pfharness: error: fetch: give at most one' ||
        fail "'fetch $args': unclear first line"
    grep -q '^usage: pfharness fetch' "$T/err" || fail "no usage text"
done

echo "== the private store has no tags after all that"
if [ -d "$T/var/sources.git" ]; then
    n=$(git --git-dir="$T/var/sources.git" for-each-ref | wc -l)
    [ "$n" -eq 0 ] || fail "bad input left $n refs in the store"
fi

echo "== fetch --git keeps the repository's commit id"
expect_exit 0 priv fetch --git "$T/repo" --rev HEAD~1
cat "$T/out" "$T/err"
[ "$(cat "$T/out")" = "9.9.1 $commit1 $tree1" ] ||
    fail "wanted '9.9.1 $commit1 $tree1'"
expect_exit 0 priv fetch --git "$T/repo" --rev "$commit1"
[ "$(cat "$T/out")" = "9.9.1 $commit1 $tree1" ] || fail "second --git fetch differs"
grep -q 'nothing changed' "$T/err" || fail "second --git fetch not unchanged"
echo "== another Debian release, through a temporary source list"
apt_before=$(cat /etc/apt/sources.list /etc/apt/sources.list.d/* 2>/dev/null |
    sha256sum)
expect_exit 0 "$PFH" fetch --debian 3.10.13-0+deb13u1
cat "$T/out" "$T/err"
grep -q '^3\.10\.13 [0-9a-f]\{40\} [0-9a-f]\{40\}$' "$T/out" ||
    fail "fetch --debian 3.10.13-0+deb13u1 did not print its line"
cp "$T/out" "$T/trixie"
expect_exit 0 "$PFH" fetch --debian 3.10.13-0+deb13u1
cmp -s "$T/trixie" "$T/out" || fail "the second fetch of 3.10.13 differs"
grep -q 'nothing changed' "$T/err" || fail "the second fetch changed something"
[ "$(cat /etc/apt/sources.list /etc/apt/sources.list.d/* 2>/dev/null |
    sha256sum)" = "$apt_before" ] || fail "the machine's apt sources changed"
list=$VAR/apt/other/sources.list.d/pfharness-other.sources
grep -q '^Suites: oldstable stable testing unstable$' "$list" ||
    fail "the temporary list does not ask for the other suites"
for uri in $(sed -n 's/^URIs: //p' "$list"); do
    cat /etc/apt/sources.list /etc/apt/sources.list.d/* 2>/dev/null |
        grep -qF "$uri" || fail "'$uri' is not one of the machine's entries"
done
echo "== a version no release has"
expect_exit 2 "$PFH" fetch --debian 0.0.0-nosuch
cat "$T/err"
grep -q "no Debian release has postfix 0.0.0-nosuch" "$T/err" ||
    fail "an unknown version is not named"

echo "== Debian's patched tree on top of the pristine one"
pristine=$(awk '{ print $2 }' "$T/first")
expect_exit 0 "$PFH" fetch --debian 3.7.11-0+deb12u1 --patched
cat "$T/out" "$T/err"
patched=$(awk '{ print $2 }' "$T/out")
[ "$(git --git-dir="$VAR/sources.git" rev-parse "$patched^")" = "$pristine" ] ||
    fail "the patched commit's parent is not the pristine commit"
git --git-dir="$VAR/sources.git" diff --stat "$pristine" "$patched" >"$T/delta"
tail -n 1 "$T/delta"
grep -q 'debian/patches/series' "$T/delta" || fail "the delta lacks the series"
grep -q 'conf/postfix-files' "$T/delta" ||
    fail "the delta lacks a file that the quilt series patches"
! grep -q '\.pc/' "$T/delta" || fail "quilt's .pc/ was imported"
[ "$(git --git-dir="$VAR/sources.git" rev-parse \
    'refs/tags/postfix-3.7.11-debian-3.7.11-0+deb12u1')" = "$patched" ] ||
    fail "the patched tree is not tagged"
cp "$T/out" "$T/patched"
expect_exit 0 "$PFH" fetch --debian 3.7.11-0+deb12u1 --patched
cmp -s "$T/patched" "$T/out" || fail "the second --patched fetch differs"
echo "ok"

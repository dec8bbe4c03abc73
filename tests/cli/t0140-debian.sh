#!/bin/sh
# t0140-debian - Debian's patches and Debian's binaries.
#   - fetch --debian 3.7.11-0+deb12u1 --patched imports the tree after
#     dpkg-source -x on top of the pristine one, and that tree builds
#     (postfix-install of what an instance runs: Debian's postfix-files
#     lists manual pages only its packaging makes);
#   - the variant "debian" (prebuilt debian) is Debian's own binary
#     packages, fetched with apt-get download and unpacked: its build
#     id and build.json name the packages and their SHA-256, a second
#     build is cached, and run --variants O0,debian finds the binary and
#     the rebuild in agreement, on the pristine and on the patched tree;
#   - a prebuilt variant takes no compiler, and has no objects to mix.
. tests/cli/lib.sh
need_root

VAR=${PFHARNESS_VAR:-$TOP/var}
expect_exit 0 $PFH fetch
pristine=$(awk '{ print $2 }' "$T/out")
expect_exit 0 $PFH fetch --debian 3.7.11-0+deb12u1 --patched
patched=$(awk '{ print $2 }' "$T/out")
[ "$(git --git-dir="$VAR/sources.git" rev-parse "$patched^")" = "$pristine" ] ||
    fail "the patched tree is not on top of the pristine one"

echo "== a build of Debian's patched tree"
expect_exit 0 $PFH build --variant O0 --source "$patched"
cat "$T/out"

echo "== Debian's binary packages"
expect_exit 0 $PFH build --variant debian
read -r id stage <"$T/out"
json=$VAR/builds/$id/build.json
grep -q '"prebuilt":"debian"' "$json" || fail "build.json lacks prebuilt"
for p in postfix postfix-pcre postfix-lmdb; do
    deb=$(ls "$VAR/apt/debs/3.7.11-0+deb12u1/${p}_3.7.11-0+deb12u1_"*.deb)
    sum=$(sha256sum "$deb" | cut -d' ' -f1)
    grep -q "\"$p 3.7.11-0+deb12u1 $sum\"" "$json" ||
        fail "build.json does not name $p with its SHA-256"
done
[ -x "$stage/usr/lib/postfix/sbin/smtpd" ] || fail "no smtpd in the stage"
[ "$(stat -c %G "$stage/usr/sbin/postdrop")" = postdrop ] ||
    fail "postdrop is not group postdrop"
[ ! -e /usr/lib/postfix ] || [ -n "$(dpkg -S /usr/lib/postfix 2>/dev/null)" ] ||
    fail "something was installed in /usr/lib/postfix on the host"
expect_exit 0 $PFH build --variant debian
[ "$(cat "$T/out")" = "$id $stage" ] || fail "the second build is another"

echo "== Debian's binary against a rebuild at O0"
expect_exit 0 $PFH run --variants O0,debian --reps 2 --out "$T/run"
tail -n 2 "$T/out"
n=$($PFH cases | wc -l)
grep -q ": $n pass$" "$T/out" || fail "not every one of $n cases passed"
grep -q '"cc_path": "apt:postfix=3.7.11-0+deb12u1"' "$T/run/report.json" ||
    fail "report.json does not name Debian's packages as the compiler"
expect_exit 0 $PFH run --source "$patched" --variants O0,debian --reps 1 \
    --out "$T/run2"
grep -q ": $n pass$" "$T/out" || fail "the patched rebuild and Debian differ"

echo "== what a prebuilt variant refuses"
expect_exit 2 $PFH build --variant debian --cc gcc
grep -q "variant debian is prebuilt: no compiler and no flags apply" "$T/err" ||
    fail "--cc on a prebuilt variant was not refused"
expect_exit 2 $PFH bisect objects --good O0 --bad debian \
    --case cases/smtp/capture-basic.case --out "$T/b"
grep -q "is a distribution's binary packages: it has no objects" "$T/err" ||
    { cat "$T/err"; fail "bisect objects took a prebuilt build"; }

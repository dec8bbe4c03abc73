#!/bin/sh
# t0001-deps-nonroot - 'make deps' without root says so and exits 2
#
# ci/deps.sh installs packages and creates the postfix user, which only
# root can do. Run by anyone else it must stop before touching apt,
# with one plain line that says root is needed, and exit 2 (trouble).
# As root, the test drops to nobody (uid 65534) with setpriv or su.
. "$(dirname "$0")/lib.sh"

NOBODY=65534

# as_nobody CMD... - run CMD unprivileged, whoever we are
as_nobody() {
    if [ "$(id -u)" -ne 0 ]; then
        "$@"
    elif command -v setpriv >/dev/null 2>&1; then
        setpriv --reuid=$NOBODY --regid=$NOBODY --clear-groups "$@"
    else
        su -s /bin/sh nobody -c '"$@"' sh "$@"
    fi
}

if [ "$(id -u)" -eq 0 ] && ! command -v setpriv >/dev/null 2>&1 &&
    ! getent passwd nobody >/dev/null; then
    skip "no setpriv and no nobody user to drop root with"
fi

# The script and the Makefile must be readable by nobody: copy both
# into a directory that is. T itself is private (mktemp -d).
chmod 755 "$T"
mkdir "$T/repo" "$T/repo/ci"
cp "$TOP/ci/deps.sh" "$T/repo/ci/deps.sh"
cp "$TOP/Makefile" "$T/repo/Makefile"
chmod -R a+rX "$T/repo"

echo "direct: sh ci/deps.sh"
cd "$T/repo"
expect_exit 2 as_nobody sh ci/deps.sh
cat "$T/err"
[ "$(wc -l <"$T/err")" -eq 1 ] || fail "wanted one line on stderr"
grep -q 'root is needed' "$T/err" || fail "stderr does not say root is needed"
[ ! -s "$T/out" ] || fail "unexpected output on stdout: $(cat "$T/out")"

echo "through make: make deps"
expect_exit 2 as_nobody make -s deps
cat "$T/err"
grep -q '^deps: root is needed' "$T/err" ||
    fail "make deps does not say root is needed"
echo "ok: both exit 2 and say root is needed"

#!/bin/sh
# t0580-run-root-checkout - runs may live where the postfix user cannot
# reach on the host: under /root (mode 0700, the home of the root user who
# runs this). The instance's mount namespace covers /root with its own
# directories, so the daemons reach their queues there; a clone in /root
# works without chmod.
. tests/cli/lib.sh
need_root

home=$(mktemp -d /root/pfh-t.XXXXXX)
private=$(mktemp -d "$TOP/.pfh-private.XXXXXX")
trap 'rm -rf "$T" "$home" "$private"' EXIT
chmod 700 "$home"
su -s /bin/sh postfix -c "test -x '$home'" 2>/dev/null &&
    skip "the postfix user can reach $home on this host"

set +e
$PFH run --variants O0 --reps 1 \
    --cases cases/smtp/capture-basic.case cases/probe/bv-local-user.case \
    --out "$home/run" >"$T/out" 2>"$T/err"
rc=$?
set -e
cat "$T/out" "$T/err"
[ $rc -eq 0 ] || fail "a run under /root exited $rc"
grep -q '^capture-basic  *pass' "$T/out" || fail "capture-basic did not pass"
grep -q '^bv-local-user  *pass' "$T/out" || fail "bv-local-user did not pass"
grep -q 'cannot reach' "$T/err" && fail "the reachability check refused /root"

# Outside the covered directories the host's modes count: a run under a
# directory the postfix user cannot search is refused before any build,
# with one line that names it.
chmod 700 "$private"
expect_exit 2 $PFH run --variants no-such-variant --cases cases/smtp/capture-basic.case \
    --out "$private/run"
cat "$T/err"
grep -q "the postfix user cannot reach .*'$private' has mode 0700" "$T/err" ||
    fail "no clear refusal of a private directory"
[ "$(wc -l <"$T/err")" -eq 1 ] || fail "more than one line on stderr"
echo "ok: a run under /root works; a private directory is refused up front"

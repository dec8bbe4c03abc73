#!/bin/sh
# t0580-run-root-checkout - runs may live where the postfix user cannot
# reach on the host: under /root (mode 0700, the home of the root user who
# runs this). The instance's mount namespace covers /root with its own
# directories, so the daemons reach their queues there; a clone in /root
# works without chmod.
. tests/cli/lib.sh
need_root

home=$(mktemp -d /root/pfh-t.XXXXXX)
trap 'rm -rf "$T" "$home"' EXIT
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
echo "ok: a run under /root works"

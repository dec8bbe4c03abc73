# lib.sh - helpers for tests/cli scripts; source it first.
set -eu
: "${PFH:=$PWD/pfharness}"
: "${TOP:=$PWD}"

# fail MESSAGE - stop the test
fail() { echo "FAIL: $*" >&2; exit 1; }

# skip MESSAGE - an unmet prerequisite
skip() { echo "$*"; exit 77; }

# expect_exit CODE CMD... - run CMD, require its exit status, keep stderr
expect_exit() {
    want=$1; shift
    set +e
    "$@" >"$T/out" 2>"$T/err"
    got=$?
    set -e
    [ "$got" -eq "$want" ] || {
        cat "$T/out" "$T/err" >&2
        fail "'$*' exited $got, wanted $want"
    }
}

# need_root - most end-to-end tests start Postfix
need_root() { [ "$(id -u)" -eq 0 ] || skip "needs root"; }

T=$(mktemp -d /tmp/pfh-t.XXXXXX)
# Instances under $T run daemons as postfix: it must reach them.
chmod 755 "$T"
trap 'rm -rf "$T"' EXIT

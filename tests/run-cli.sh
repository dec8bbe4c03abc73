#!/bin/sh
# run-cli.sh - run the end-to-end tests in tests/cli, in order
#
# Each tests/cli/tNNNN-<verb>-<what>.sh runs from the repository root with
# PFH=./pfharness. Exit 0 passes, 77 skips (an unmet prerequisite), anything
# else fails. The shared var/ is used, so cached builds serve every test.
# TESTS="t0001 t0200" limits the run to tests whose names start so.
set -u
cd "$(dirname "$0")/.."
export PFH="$PWD/pfharness"
export TOP="$PWD"
pass=0 fail=0 skip=0 failed=""
mkdir -p var/test-logs
logs=$(mktemp -d "$PWD/var/test-logs/cli.XXXXXX")
for t in tests/cli/t[0-9]*.sh; do
    name=$(basename "$t" .sh)
    if [ -n "${TESTS:-}" ]; then
        want=no
        for p in $TESTS; do
            case "$name" in "$p"*) want=yes ;; esac
        done
        [ "$want" = yes ] || continue
    fi
    start=$(date +%s)
    sh "$t" >"$logs/$name.log" 2>&1
    rc=$?
    secs=$(( $(date +%s) - start ))
    case $rc in
    0)  pass=$((pass + 1)); echo "ok   $name (${secs}s)" ;;
    77) skip=$((skip + 1)); echo "skip $name: $(tail -n 1 $logs/$name.log)" ;;
    *)  fail=$((fail + 1)); failed="$failed $name"
        echo "FAIL $name (exit $rc, ${secs}s); last lines of $logs/$name.log:"
        tail -n 25 "$logs/$name.log" | sed 's/^/    /' ;;
    esac
done
echo "cli: $pass passed, $fail failed, $skip skipped (logs in $logs)"
[ $fail -eq 0 ]

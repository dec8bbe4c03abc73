#!/bin/sh
# t0320-replay-kill - a killed replay leaves nothing that 'clean' cannot
# remove; SIGTERM, SIGINT, SIGHUP, SIGQUIT and SIGABRT (hr_panic) leave
# nothing at all, also while the instance is still starting; and 'clean'
# leaves a live run alone.
. tests/cli/lib.sh
need_root

id=$($PFH build --variant O0 | cut -d' ' -f1)

# ours - namespaces, in-memory queues (tmpfs spools named pfh-PID-N) and
# masters of the harness that are still there
ours() {
    ip netns list | grep '^pfh-' || true
    awk '$0 ~ / - tmpfs pfh-/ { print "spool " $5 }' /proc/self/mountinfo
    pgrep -f "$TOP/var/builds/.*/libexec/postfix/master" || true
}
[ -z "$(ours)" ] || fail "leftovers before the test: $(ours)"

ulimit -c 0     # SIGQUIT and SIGABRT would dump core

# start_replay [now] - a long replay in the background; wait for its
# instance (with "now": only until its namespace exists)
start_replay() {
    $PFH replay --reps 100 --build "$id" cases/smtp >/dev/null 2>&1 &
    pid=$!
    n=0
    until ip netns list | grep -q '^pfh-'; do
        n=$((n + 1))
        [ $n -lt 500 ] || fail "no instance appeared"
        kill -0 $pid 2>/dev/null || fail "replay ended before its instance appeared"
        sleep 0.02
    done
    [ "${1:-}" = now ] && return 0
    # Let it get into a case.
    sleep 0.3
}

for sig in TERM INT HUP QUIT ABRT; do
    start_replay
    kill -s $sig $pid
    set +e; wait $pid; rc=$?; set -e
    [ $rc -ne 0 ] || fail "replay exited 0 after SIG$sig"
    left=$(ours)
    [ -z "$left" ] || fail "SIG$sig left: $left"
    echo "SIG$sig: exit $rc, nothing left"
done

# While the instance is starting: its namespace exists, master may not.
for sig in TERM ABRT; do
    start_replay now
    kill -s $sig $pid
    set +e; wait $pid; rc=$?; set -e
    left=$(ours)
    [ -z "$left" ] || fail "SIG$sig during start-up left: $left"
    echo "SIG$sig during start-up: exit $rc, nothing left"
done

# clean leaves a live run alone: its namespace stays, and the run goes on.
start_replay
ns=$(ip netns list | grep '^pfh-' | cut -d' ' -f1 | head -n 1)
$PFH clean >"$T/live.out" 2>&1 || { cat "$T/live.out"; fail "clean failed"; }
grep -q "^kept $ns: its run is still alive" "$T/live.out" ||
    fail "clean did not keep the live run's $ns: $(cat "$T/live.out")"
ip netns list | grep -q "^$ns" || fail "clean removed the live run's $ns"
grep -q "^kept .*/spool: its run is still alive" "$T/live.out" ||
    fail "clean did not keep the live run's spool: $(cat "$T/live.out")"
grep -q " - tmpfs $ns " /proc/self/mountinfo ||
    fail "clean unmounted the live run's spool of $ns"
kill -0 $pid || fail "the run died when clean ran"
kill -s TERM $pid
wait $pid 2>/dev/null || true
[ -z "$(ours)" ] || fail "after the live run: $(ours)"
echo "clean during a live run: kept $ns, the run went on"

# SIGKILL: nothing can run in the harness; master dies with its parent
# (PR_SET_PDEATHSIG), and clean removes the namespace.
start_replay
kill -9 $pid
wait $pid 2>/dev/null || true
$PFH clean >"$T/clean.out" 2>&1 || { cat "$T/clean.out"; fail "clean failed"; }
cat "$T/clean.out"
left=$(ours)
[ -z "$left" ] || fail "after kill -9 and clean: $left"
# A second clean finds nothing.
$PFH clean 2>"$T/clean2.err"
grep -q "nothing to clean" "$T/clean2.err" || fail "second clean did something"
ls "$TOP/var/runs" 2>/dev/null | grep '^replay-' && fail "clean left replay scratch directories"
echo "SIGKILL + clean: nothing left"

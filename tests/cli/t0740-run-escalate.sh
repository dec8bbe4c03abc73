#!/bin/sh
# t0740-run-escalate - run --escalate reruns both sides of a divergence up
# DEBUG_README's ladder: debug_peer_list, -v, strace through
# debugger_command, and a gdb backtrace for a daemon killed by a signal
# (a library that crashes smtpd); the first diverging log line and the
# files are in report.json and report.html.
. tests/cli/lib.sh
need_root
command -v strace >/dev/null || skip "strace is not installed"
command -v gdb >/dev/null || skip "gdb is not installed"

# A compiler divergence: steps 1 to 3; no daemon dies, so no gdb.
set +e
$PFH run --variants O0,O2 --cc "$TOP/tests/faults/cc-miscompile.sh" --reps 2 \
    --escalate --cases tests/faults/cases/fault-dsn-xtext.case \
    cases/smtp/capture-basic.case --out "$T/c" --json "$T/c.json" \
    >"$T/out" 2>"$T/err"
rc=$?
set -e
cat "$T/out" "$T/err"
[ $rc -eq 1 ] || fail "run exited $rc, wanted 1"
tr -d '\n' <"$T/c.json" | grep -q '"name": *"capture-basic".*"escalation": *null' ||
    fail "capture-basic (pass) was escalated"
tr -d '\n' <"$T/c.json" | grep -q '"step": *1, *"name": *"debug_peer_list"' ||
    fail "no debug_peer_list step"
grep -q '"about": *"-v on [a-z -]*smtpd' "$T/c.json" || fail "no -v on smtpd"
grep -q 'Bad ENVID parameter syntax' "$T/c/escalation/fault-dsn-xtext/1-debug_peer_list/O2-plain.normalized" ||
    fail "no normalized log"
grep -q '"right": *"postfix/smtpd\[P1\]: > unknown\[127.0.0.1\]: 501 5.5.4 Bad ENVID' \
    "$T/c.json" || fail "the first diverging line is not the ENVID reply"
ls "$T/c/escalation/fault-dsn-xtext/3-strace/O2-plain/" | grep -q '^strace.smtpd.[0-9]*$' ||
    fail "no strace of smtpd"
grep -q '"skipped": *"master reported no daemon killed by a signal"' "$T/c.json" ||
    fail "gdb was not skipped"
grep -q 'Escalation: O0/plain against O2/plain' "$T/c/report.html" ||
    fail "report.html does not show the escalation"

# A library that crashes smtpd: the gdb step, with a backtrace. One rep:
# after the crash master throttles smtpd, and a second rep would hang.
gcc -Wall -Werror -shared -fPIC -O2 -g -o "$T/crash.so" tests/faults/shim-crash.c
set +e
$PFH run --variants O2 --reps 1 --libenv "crash:LD_PRELOAD=$T/crash.so" \
    --escalate --cases tests/faults/cases/fault-crash-command.case \
    --out "$T/l" --json "$T/l.json" >"$T/out" 2>"$T/err"
rc=$?
set -e
cat "$T/out" "$T/err"
[ $rc -eq 1 ] || fail "run exited $rc, wanted 1"
grep -q '^fault-crash-command  *library' "$T/out" || fail "not a library verdict"
grep -q '"about": *"-D on smtpd; debugger_command runs gdb' "$T/l.json" ||
    fail "no gdb step"
grep -q 'backtrace O2/crash gdb.smtpd.[0-9]*.log: #0  strcasecmp' "$T/l.json" ||
    fail "no backtrace in strcasecmp"
grep -q 'smtpd_proto' "$T"/l/escalation/fault-crash-command/4-gdb/O2-crash/gdb.smtpd.*.log ||
    fail "the backtrace does not reach smtpd_proto"

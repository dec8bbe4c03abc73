#!/bin/sh
# t0530-fault-library - an LD_PRELOAD shim that changes one libc function
# deterministically, as a second libenv: "library"; other cases pass.
. tests/cli/lib.sh
need_root

gcc -Wall -Werror -shared -fPIC -O2 -o "$T/shim.so" tests/faults/shim-dotless-i.c
set +e
$PFH run --variants O0,O2 --libenv "dotless:LD_PRELOAD=$T/shim.so" \
    --cases tests/faults/cases/fault-lowercase-commands.case cases/smtp \
    --out "$T/run" --json "$T/r.json" >"$T/out" 2>"$T/err"
rc=$?
set -e
cat "$T/out" "$T/err"
[ $rc -eq 1 ] || fail "run exited $rc, wanted 1"
grep -q '^fault-lowercase-commands  *library  *dotless' "$T/out" ||
    fail "fault-lowercase-commands is not library"
# The shim may change other cases too (any that fold an 'i'), but only
# ever into "library": nothing else may show.
bad=$(grep -E '^[a-z0-9][a-z0-9._-]* +(real-bug|compiler|undefined-behavior|hardware)( |$)' \
      "$T/out" || true)
[ -z "$bad" ] || fail "findings other than library: $bad"
grep -q '^capture-basic  *pass' "$T/out" || fail "capture-basic did not pass"

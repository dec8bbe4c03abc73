#!/bin/sh
# run-unit.sh - run cmocka test executables, report TAP, fail on any failure
fail=0
for t in "$@"; do
    if ! CMOCKA_MESSAGE_OUTPUT=TAP "$t"; then
        echo "FAILED: $t" >&2
        fail=1
    fi
done
exit $fail

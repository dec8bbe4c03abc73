#!/bin/sh
# regress.sh - feed tests/data/fuzz/TARGET/* to tests/fuzz/bin/regress_TARGET
#
# The inputs the fuzzers found (crashes they made, once fixed, and the
# inputs that reached new code) are regression tests: each must go
# through its target without a crash, a leak or a panic.
fail=0
for t in "$@"; do
    dir=tests/data/fuzz/$t
    bin=tests/fuzz/bin/regress_${t#fuzz_}
    [ -d "$dir" ] || { echo "ok - $t: no inputs"; continue; }
    if out=$("$bin" "$dir" 2>&1); then
        echo "$out" | sed "s/^ok - /ok - $t: /"
    else
        echo "$out" | tail -n 30
        echo "not ok - $t" >&2
        fail=1
    fi
done
exit $fail

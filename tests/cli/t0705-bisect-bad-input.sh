#!/bin/sh
# t0705-bisect-bad-input - bad bisect input is trouble: exit 2, with a
# first stderr line that names what is wrong, before any build or trial
. tests/cli/lib.sh

case=tests/faults/cases/fault-dsn-xtext.case

# check MSG CMD... - exit 2, and stderr's first line contains MSG
check() {
    msg=$1; shift
    expect_exit 2 "$@"
    head -n 1 "$T/err" | grep -qF -- "$msg" ||
        fail "'$*': first stderr line lacks '$msg': $(head -n 1 "$T/err")"
    [ ! -s "$T/out" ] || fail "'$*' wrote to stdout"
}

check "unknown kind 'frobnicate'" $PFH bisect frobnicate
check "bisect objects: missing options" \
    $PFH bisect objects --good O0 --bad O2
check "unknown variant 'nosuch'" \
    $PFH bisect objects --good O0 --bad nosuch --case $case
check "--reps: '1' is not a number from 2 to 100" \
    $PFH bisect objects --good O0 --bad O2 --case $case --reps 1
check "cannot open '$T/nonexistent.case'" \
    $PFH bisect objects --good O0 --bad O2 --case "$T/nonexistent.case"
check "unrecognized option '--bogus'" \
    $PFH bisect objects --good O0 --bad O2 --case $case --bogus
check "'$T/nonexistent': no such directory" \
    $PFH bisect commits --git "$T/nonexistent" --good a --bad b --case $case
check "bisect flags: missing options" $PFH bisect flags --case $case

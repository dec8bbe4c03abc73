#!/bin/sh
# t0310-replay-corpus - replay the shipped corpus on O2: every case
#                       matches its expectation, each case's three reps
#                       are identical, and two whole replays print the
#                       same bytes
#
# O2 is built (or found cached) in the shared var/. The corpus must hold
# at least 40 cases, 10 of them probes (the issue's floor).
. "$(dirname "$0")/lib.sh"
need_root

# now_ms - wall clock in milliseconds
now_ms() { echo $(($(date +%s%N) / 1000000)); }

# secs MS - "12.345"
secs() { printf '%d.%03d' $(($1 / 1000)) $(($1 % 1000)); }

echo "== O2"
expect_exit 0 "$PFH" build --variant O2
read -r id stage <"$T/out"
echo "build O2: $id"

echo "== the corpus"
expect_exit 0 "$PFH" cases "$TOP/cases"
cp "$T/out" "$T/cases"
ncases=$(wc -l <"$T/cases")
nprobes=$(awk '$2 == "probe"' "$T/cases" | wc -l)
echo "$ncases cases, $nprobes probes"
[ "$ncases" -ge 40 ] || fail "only $ncases cases, wanted at least 40"
[ "$nprobes" -ge 10 ] || fail "only $nprobes probes, wanted at least 10"

# replay N - replay the corpus with --reps 3 into $T/replay.N
replay() {
    start=$(now_ms)
    set +e
    "$PFH" replay --reps 3 --build "$id" "$TOP/cases" >"$T/replay.$1" \
        2>"$T/replay.$1.err"
    rc=$?
    set -e
    ms=$(($(now_ms) - start))
    if [ $rc -ne 0 ]; then
        cat "$T/replay.$1.err" >&2
        fail "replay $1 exited $rc, wanted 0"
    fi
    echo "replay $1: $ncases cases x 3 reps in $(secs $ms) s"
}

echo "== replay 1"
replay 1
ms1=$ms

echo "== every case three times, the reps identical"
# Split the output at "=== NAME rep N" lines into $T/obs/NAME.N.
mkdir "$T/obs"
awk -v dir="$T/obs" '
    /^=== [^ ]+ rep [0-9]+$/ { f = dir "/" $2 "." $4; next }
    f == "" { print "text before the first === line" > "/dev/stderr"; exit 1 }
    { printf "%s\n", $0 > f }
' "$T/replay.1" || fail "cannot split the replay output"
while read -r name kind path; do
    for r in 1 2 3; do
        [ -f "$T/obs/$name.$r" ] || fail "$name: no observation for rep $r"
    done
    for r in 2 3; do
        cmp -s "$T/obs/$name.1" "$T/obs/$name.$r" || {
            diff -u "$T/obs/$name.1" "$T/obs/$name.$r" >&2 || true
            fail "$name ($kind, $path): rep $r differs from rep 1"
        }
    done
done <"$T/cases"
nobs=$(ls "$T/obs" | wc -l)
[ "$nobs" -eq $((ncases * 3)) ] ||
    fail "$nobs observations for $ncases cases x 3 reps"

echo "== replay 2: the same bytes"
replay 2
ms2=$ms
cmp -s "$T/replay.1" "$T/replay.2" || {
    diff -u "$T/replay.1" "$T/replay.2" >&2 || true
    fail "two replays of the corpus printed different observations"
}

echo "times: corpus replay at --reps 3: $(secs $ms1) s and $(secs $ms2) s"

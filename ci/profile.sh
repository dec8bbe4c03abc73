#!/bin/sh
# profile.sh - where the CPU of a warm main job goes: "perf record -a"
# over one "pfharness run" (the builds cached), then the share of the
# samples per program, per shared object and per symbol.
#
#   sh ci/profile.sh [RUN_ARGS...]
#
# Writes var/bench/profile/{perf.data,comm.txt,dso.txt,sym.txt,run.log}
# and prints the tops. Needs perf (Debian: linux-perf) and root; make
# run first, so that the builds are cached and the profile is of the
# replays, not of a compiler.
set -eu
out=var/bench/profile
mkdir -p "$out"
command -v perf >/dev/null 2>&1 || { echo "profile.sh: perf is not installed (apt-get install linux-perf)" >&2; exit 2; }
# a first run makes whatever the run needs; the profiled one is warm
./pfharness run --out "$out/run" "$@" >"$out/run.log" 2>&1 || [ $? -le 1 ]
rm -rf "$out/run"
start=$(date +%s.%N)
perf record -a -F 999 -o "$out/perf.data" -- \
    ./pfharness run --out "$out/run" "$@" >"$out/run.log" 2>&1 || [ $? -le 1 ]
end=$(date +%s.%N)
runs=$(sed -n 's/.*"case_runs": \([0-9]*\).*/\1/p' "$out/run/report.json" | head -n 1)
perf report -i "$out/perf.data" --stdio --sort comm --percent-limit 0.5 \
    2>/dev/null | grep -v '^#' | grep -v '^$' >"$out/comm.txt"
perf report -i "$out/perf.data" --stdio --sort dso --percent-limit 0.5 \
    2>/dev/null | grep -v '^#' | grep -v '^$' >"$out/dso.txt"
perf report -i "$out/perf.data" --stdio --sort comm,dso,sym \
    --percent-limit 0.3 2>/dev/null | grep -v '^#' | grep -v '^$' \
    >"$out/sym.txt"
awk -v r="${runs:-0}" -v s="$start" -v e="$end" -v c="$(nproc)" 'BEGIN {
    printf "warm run: %d case runs in %.2f s (%.1f/s) on %d cores\n", r, e - s, r / (e - s), c }' 
echo "== by program (share of all samples, idle included)"
head -n 25 "$out/comm.txt"
echo "== by shared object"
head -n 20 "$out/dso.txt"
echo "== by symbol"
head -n 30 "$out/sym.txt"

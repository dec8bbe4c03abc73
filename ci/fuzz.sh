#!/bin/sh
# fuzz.sh - run libFuzzer targets one after another ("make fuzz")
#
#	FUZZ_SECONDS=600 sh ci/fuzz.sh fuzz_case_parse ...
#
# Each target runs for FUZZ_SECONDS on its corpus var/fuzz/TARGET/, seeded
# from the shipped data (cases/, tests/data/import/) and the inputs found
# before (tests/data/fuzz/TARGET/). A crash stops that target; its input
# is in var/fuzz/TARGET.crash/. One at a time: each is a busy process.
# Ends with a line per target: executions, seconds, corpus size, crashes.
set -u
: "${FUZZ_SECONDS:=600}"
summary=""
rc=0
for t in "$@"; do
    bin=tests/fuzz/bin/$t
    corpus=var/fuzz/$t
    crash=var/fuzz/$t.crash
    log=var/fuzz/$t.log
    mkdir -p "$corpus" "$crash"
    case $t in
    fuzz_case_parse)      seeds="cases tests/data/fuzz/$t"; max=8192 ;;
    fuzz_pcap_import)     seeds="tests/data/import tests/data/fuzz/$t"; max=65536 ;;
    fuzz_maillog_import)  seeds="tests/data/import tests/data/fuzz/$t"; max=16384 ;;
    fuzz_config_check)    seeds="tests/data/fuzz/$t"; max=4096 ;;
    fuzz_userconf)        seeds="tests/data/fuzz/$t tests/data/userconf"; max=16384 ;;
    fuzz_report_parse)    seeds="tests/data/fuzz/$t"; max=65536 ;;
    *)                    seeds="tests/data/fuzz/$t"; max=16384 ;;
    esac
    dirs=""
    for d in $seeds; do [ -d "$d" ] && dirs="$dirs $d"; done
    echo "fuzz: $t for ${FUZZ_SECONDS}s (log $log)"
    start=$(date +%s)
    "$bin" -max_total_time="$FUZZ_SECONDS" -max_len=$max -timeout=30 \
        -rss_limit_mb=2048 -print_final_stats=1 \
        -artifact_prefix="$crash/" "$corpus" $dirs >"$log" 2>&1
    status=$?
    secs=$(( $(date +%s) - start ))
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
    crashes=$(ls "$crash" | wc -l)
    [ $status -eq 0 ] || { rc=1; tail -n 40 "$log"; }
    summary="$summary$t: ${execs:-?} runs in ${secs}s, corpus $(ls "$corpus" | wc -l) inputs, $crashes crash files, exit $status
"
done
printf '%s' "$summary"
exit $rc

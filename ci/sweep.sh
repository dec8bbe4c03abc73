#!/bin/sh
# sweep.sh - "make sweep": every installed compiler x O0 O1 O2 O3 Os x the
# shipped corpus, on Postfix 3.7.11 and 3.10.13, and a certificate: one
# page with the (build, case) matrix, the compiler identities, the
# machine and the time it took (pfharness report --certificate).
#
# Environment:
#   SWEEP_DIR        where runs, bundles and certificate.html go
#                    (default var/sweep/YYYYmmdd-HHMMSS)
#   SWEEP_COMPILERS  "gcc-12,clang-14" (default: every /usr/bin/gcc-N and
#                    /usr/bin/clang-N)
#   SWEEP_VARIANTS   default O0,O1,O2,O3,Os
#   SWEEP_VERSIONS   default "3.7.11 3.10.13-0+deb13u1": the default
#                    source, then Debian versions fetch --debian imports
#   SWEEP_VAR        a var/ of its own (pfharness --var): everything
#                    built afresh, for timings that owe nothing to caches
#   SWEEP_REPS       repetitions per cell (default 3)
# A case whose builds disagree (compiler) gets bisect objects between a
# build that agrees with the golden and one that does not, and the
# compiler-bug bundle of that bisection under SWEEP_DIR/bugs/.
# Exit: 0 clean, 1 findings, 2 trouble.
set -eu

die() { echo "sweep: $*" >&2; exit 2; }
word='[A-Za-z0-9_.+~-]'
dir=${SWEEP_DIR:-var/sweep/$(date -u +%Y%m%d-%H%M%S)}
variants=${SWEEP_VARIANTS:-O0,O1,O2,O3,Os}
versions=${SWEEP_VERSIONS:-3.7.11 3.10.13-0+deb13u1}
reps=${SWEEP_REPS:-3}
echo "$dir" | grep -Eqx '[A-Za-z0-9_./-]+' || die "SWEEP_DIR '$dir'"
echo "$variants" | grep -Eqx "$word+(,$word+)*" || die "SWEEP_VARIANTS"
echo "$reps" | grep -Eqx '[1-9][0-9]?' || die "SWEEP_REPS '$reps'"
for v in $versions; do
    echo "$v" | grep -Eqx "$word+" || die "SWEEP_VERSIONS: '$v'"
done

compilers=${SWEEP_COMPILERS:-$(ls /usr/bin | grep -Ex '(gcc|clang)-[0-9]+' |
    sort -t- -k1,1 -k2,2n | paste -sd, -)}
echo "$compilers" | grep -Eqx "$word+(,$word+)*" ||
    die "no compilers (SWEEP_COMPILERS '$compilers')"
pfh=./pfharness
if [ -n "${SWEEP_VAR:-}" ]; then
    echo "$SWEEP_VAR" | grep -Eqx '[A-Za-z0-9_./-]+' || die "SWEEP_VAR"
    pfh="./pfharness --var $SWEEP_VAR"
fi

make deps COMPILERS="$(echo "$compilers" | tr ',' ' ')"
make
mkdir -p "$dir/bugs"
start=$(date +%s)
echo "sweep: $compilers x $variants, $reps reps, into $dir"

worst=0 runs=
for v in $versions; do
    # fetch prints "<version> <commit> <tree>"
    if [ "$v" = 3.7.11 ]; then
        $pfh fetch >"$dir/fetch-$v.txt"
    else
        $pfh fetch --debian "$v" >"$dir/fetch-$v.txt"
    fi
    read -r label src _ <"$dir/fetch-$v.txt"
    echo "$src" | grep -Eqx '[0-9a-f]{40}' || die "fetch $v printed no commit"
    out="$dir/$label"
    echo "sweep: Postfix $label"
    set +e
    $pfh run --source "$src" --compilers "$compilers" --variants "$variants" \
        --reps "$reps" --out "$out"
    rc=$?
    set -e
    [ $rc -le 1 ] || { echo "sweep: the run of $label failed (exit $rc)" >&2; worst=2; continue; }
    [ $rc -le $worst ] || worst=$rc
    runs="$runs $out"

    # A divergence: its compiler-bug bundle.
    python3 - "$out/report.json" >"$dir/bisect-$label.txt" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
for c in r["cases"]:
    if c["verdict"] != "compiler" or not c["differing"]:
        continue
    bad = c["differing"][0].rsplit("/", 1)[0]
    good = [x["build"] for x in c["cells"]
            if f'{x["build"]}/{x["libenv"]}' not in c["differing"]
            and not x["skipped"]]
    if good:
        print(c["name"], c["path"], good[0], bad, sep="\t")
PY
    while IFS='	' read -r name path good bad; do
        echo "sweep: $label $name: bisect objects --good '$good' --bad '$bad'"
        $pfh bisect objects --source "$src" --good "$good" --bad "$bad" \
            --case "$path" --out "$dir/bisect/$label-$name" || true
        $pfh report "$dir/bisect/$label-$name" \
            --compiler-bug "$dir/bugs/$label-$name" || true
    done <"$dir/bisect-$label.txt"
done
end=$(date +%s)
[ -n "$runs" ] || die "no run finished"
# shellcheck disable=SC2086 # run directories made above
$pfh report --certificate "$dir/certificate.html" \
    --wall $((end - start)) --bugs bugs $runs
echo "sweep: $((end - start)) s; certificate: $dir/certificate.html"
exit $worst

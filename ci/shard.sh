#!/bin/sh
# shard.sh - one CI job of a compiler matrix: one compiler's share of a
# pfharness run over COMPILERS x VARIANTS, for ci/github/pfharness.yml and
# ci/gitlab/pfharness.yml (README, "Compiler matrices in CI").
#
# Environment (each checked against its grammar first):
#   COMPILERS            the run's compilers, "gcc-12,clang-14"
#   COMPILER             this job's, one of COMPILERS
#   SHARD                this job's share of COMPILER's builds, 1..S
#   SHARDS_PER_COMPILER  S
#   VARIANTS             the variants, "O0,O2" (ones that name no
#                        compiler of their own)
#   OUT                  the run directory this job leaves (an artifact)
#   PFH_RUN_ARGS         more options for pfharness run, words of
#                        [A-Za-z0-9_.,/=@+-] ("--postfix-tests --reps 3")
#
# Builds are ordered compiler-major ("O0 gcc-12", "O2 gcc-12", "O0
# clang-14", ...), and the run is cut into N = compilers x S shares, so
# that share K = (index of COMPILER) x S + SHARD holds COMPILER's builds
# only: the job installs that one compiler. Exit: pfharness run's (0, or
# 2 for trouble; a shard's verdicts are partial, findings show in merge).
set -eu

die() { echo "shard.sh: $*" >&2; exit 2; }

word='[A-Za-z0-9_.+-]'
echo "${COMPILERS:?}" | grep -Eqx "$word+(,$word+)*" ||
    die "COMPILERS '$COMPILERS' is not NAME,NAME,..."
echo "${COMPILER:?}" | grep -Eqx "$word+" || die "COMPILER '$COMPILER'"
echo "${VARIANTS:?}" | grep -Eqx "$word+(,$word+)*" ||
    die "VARIANTS '$VARIANTS' is not NAME,NAME,..."
echo "${SHARD:?}" | grep -Eqx '[1-9][0-9]{0,2}' || die "SHARD '$SHARD'"
echo "${SHARDS_PER_COMPILER:?}" | grep -Eqx '[1-9][0-9]{0,2}' ||
    die "SHARDS_PER_COMPILER '$SHARDS_PER_COMPILER'"
[ "$SHARD" -le "$SHARDS_PER_COMPILER" ] ||
    die "SHARD $SHARD is more than SHARDS_PER_COMPILER $SHARDS_PER_COMPILER"
echo "${OUT:?}" | grep -Eqx '[A-Za-z0-9_./-]+' || die "OUT '$OUT'"
for a in ${PFH_RUN_ARGS:-}; do
    echo "$a" | grep -Eqx '[A-Za-z0-9_.,/=@+-]+' ||
        die "PFH_RUN_ARGS: '$a' is not a word of [A-Za-z0-9_.,/=@+-]"
done

index= n=0
for c in $(echo "$COMPILERS" | tr ',' ' '); do
    [ "$c" = "$COMPILER" ] && index=$n
    n=$((n + 1))
done
[ -n "$index" ] || die "COMPILER '$COMPILER' is not in COMPILERS '$COMPILERS'"
k=$((index * SHARDS_PER_COMPILER + SHARD))
total=$((n * SHARDS_PER_COMPILER))
echo "shard.sh: $COMPILER, share $SHARD of $SHARDS_PER_COMPILER: run --shard $k/$total"

make deps COMPILERS="$COMPILER"
make
./pfharness fetch
# shellcheck disable=SC2086 # PFH_RUN_ARGS is words, checked above
exec ./pfharness run --compilers "$COMPILERS" --variants "$VARIANTS" \
    --shard "$k/$total" --out "$OUT" ${PFH_RUN_ARGS:-}

#!/bin/sh
# merge.sh - the merge job of ci/github/pfharness.yml and
# ci/gitlab/pfharness.yml: join the shard run directories (each the OUT of
# one ci/shard.sh job) into one run in OUT, with one report.json,
# report.html and junit.xml, judged as one unsharded run would be.
#
# Environment:
#   SHARDS_DIR  where the shard jobs' artifacts are, one directory each
#               holding a report.json (found up to three levels down)
#   OUT         the merged run directory
# With GITHUB_STEP_SUMMARY set, the verdict table also goes there.
# Exit: pfharness merge's: 0 every case passes, 1 findings, 2 trouble.
set -eu

die() { echo "merge.sh: $*" >&2; exit 2; }
echo "${SHARDS_DIR:?}" | grep -Eqx '[A-Za-z0-9_./-]+' ||
    die "SHARDS_DIR '$SHARDS_DIR'"
echo "${OUT:?}" | grep -Eqx '[A-Za-z0-9_./-]+' || die "OUT '$OUT'"

# The merge builds nothing with the matrix's compilers.
make deps COMPILERS=
make
dirs=$(find "$SHARDS_DIR" -maxdepth 3 -name report.json -type f |
       sed 's|/report.json$||' | LC_ALL=C sort)
[ -n "$dirs" ] || die "no shard run directories under $SHARDS_DIR"
set +e
# shellcheck disable=SC2086 # one directory per line, made by the shards
./pfharness merge --out "$OUT" $dirs >"$OUT.table" 2>"$OUT.err"
rc=$?
set -e
cat "$OUT.table"
cat "$OUT.err" >&2
if [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then
    {
        echo '### pfharness'
        echo '```'
        cat "$OUT.table"
        echo '```'
    } >>"$GITHUB_STEP_SUMMARY"
fi
exit $rc

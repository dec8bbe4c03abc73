#!/bin/sh
# t0317-run-batch - batches (batch(3), attrib(3)) change nothing that is
# observed: the smtp and probe corpus at O2, twice each, one by one
# (--no-batch) and in batches; every observation file is the same byte
# for byte, the batches held (batched_case_runs), and the batch that
# held addr-recipient-syntax (trivial-rewrite's warning has no owner)
# was run again one by one (batches_one_by_one), which -v says.
. tests/cli/lib.sh
need_root

echo "== one by one"
expect_exit 0 $PFH run --variants O2 --reps 2 --no-batch \
    --cases cases/smtp cases/probe --out "$T/one"
tail -n 1 "$T/out"
grep -q '"batches": 0,' "$T/one/report.json" ||
    fail "--no-batch still played batches"

echo "== batches"
expect_exit 0 $PFH -v run --variants O2 --reps 2 \
    --cases cases/smtp cases/probe --out "$T/batch"
tail -n 1 "$T/out"
runs=$(sed -n 's/.*"case_runs": \([0-9]*\).*/\1/p' "$T/batch/report.json" | head -n 1)
batched=$(sed -n 's/.*"batched_case_runs": \([0-9]*\).*/\1/p' "$T/batch/report.json")
again=$(sed -n 's/.*"batches_one_by_one": \([0-9]*\).*/\1/p' "$T/batch/report.json")
echo "case runs $runs, in batches that held $batched, batches one by one $again"
[ "$batched" -ge $((runs / 2)) ] || fail "fewer than half the case runs were batched"
[ "$again" -ge 1 ] || fail "no batch was run again one by one"
grep -q "to be run one by one: a log line that no one session owns: .*trivial-rewrite.*warning: valid_ipv4_hostaddr" "$T/err" ||
    fail "-v does not say why a batch ran one by one"

echo "== the same observations"
n=0
for f in $(cd "$T/one" && find observations -type f | sort); do
    cmp -s "$T/one/$f" "$T/batch/$f" || { diff -u "$T/one/$f" "$T/batch/$f" | head -n 20; fail "$f differs"; }
    n=$((n + 1))
done
[ "$n" -eq "$runs" ] || fail "$n observation files for $runs case runs"
[ "$(cd "$T/batch" && find observations -type f | wc -l)" -eq "$n" ] ||
    fail "the batched run has other files"
echo "ok: $n observation files identical"

#!/bin/sh
# t0610-import-replay - a recorded case replays: the shared swaks captures,
# imported with the 'postconf -n' of the server they were recorded on,
# pass on O2; so do the debug_peer_list sessions, whose messages are made
# up (smtpd does not log content)
#
# The captures were made against Postfix 3.7.11 with myhostname
# mx.example.test, mydestination including example.test, mynetworks
# 127.0.0.1/32 and a local user pfuser (their replies say so).
# tests/data/import/captures.postconf is that server's 'postconf -n'.
. "$(dirname "$0")/lib.sh"
need_root

caps="$TOP/../shared/captures"
[ -d "$caps" ] || caps="$TOP/tests/data/import"
conf="$TOP/tests/data/import/captures.postconf"

# verdicts TABLE - "name verdict" per row of run's verdict table, sorted
verdicts() {
    awk 'NR == 1 { next } NF == 0 { exit } { print $1, $2 }' "$1" | sort
}

echo "== import the four captures with --config"
for f in basic dotstuff pipeline relaydenied; do
    expect_exit 0 "$PFH" import pcap "$caps/swaks-$f.pcap" --config "$conf" \
        --out "$T/pcap"
done
# The settings a case may hold became config lines, the others comments.
for line in 'config  mynetworks = 127.0.0.1/32' \
    'config  mydestination = $myhostname, localhost.$mydomain, localhost, example.test'; do
    grep -qxF "$line" "$T/pcap/swaks-basic-1.case" || fail "no '$line'"
done
grep -q "^# not from --config: myhostname = mx.example.test: 'myhostname' is not a parameter" \
    "$T/pcap/swaks-basic-1.case" || fail "myhostname should be a comment"
grep -q "^# not from --config: alias_maps = hash:/etc/aliases: table type 'hash' is not allowed" \
    "$T/pcap/swaks-basic-1.case" || fail "alias_maps should be a comment"

echo "== run them on O2: every verdict pass"
expect_exit 0 "$PFH" run --variants O2 --cases "$T/pcap" --out "$T/run1"
cat "$T/out"
verdicts "$T/out" >"$T/got"
cat >"$T/want" <<'WANT'
swaks-basic-1 pass
swaks-dotstuff-1 pass
swaks-pipeline-1 pass
swaks-relaydenied-1 pass
WANT
diff -u "$T/want" "$T/got" || fail "the imported captures do not all pass"
[ "$(grep -o '"verdict": *"pass"' "$T/run1/report.json" | wc -l)" -eq 4 ] ||
    fail "report.json does not have four passes"
# What was checked: the whole dialogue, the message as recorded.
grep -q '^| hello world$' "$T/pcap/swaks-basic-1.case" || fail "no content"
grep -q '^< 454 4.7.1 <victim@elsewhere.test>: Relay access denied$' \
    "$T/run1/observations/swaks-relaydenied-1/O2.plain.1.txt" ||
    fail "relaydenied did not see the relay refusal"

echo "== the debug_peer_list sessions: imported, run on O2, all pass"
expect_exit 0 "$PFH" import maillog "$caps/debug-peer-list.maillog" \
    --config "$conf" --out "$T/ml"
[ "$(wc -l <"$T/out")" -eq 10 ] || fail "ten sessions"
expect_exit 0 "$PFH" run --variants O2 --cases "$T/ml" --out "$T/run2"
cat "$T/out"
verdicts "$T/out" >"$T/got"
for i in 1 2 3 4 5 6 7 8 9 10; do
    echo "debug-peer-list-$i pass"
done | sort >"$T/want"
diff -u "$T/want" "$T/got" || fail "a maillog session does not pass"
# Eight sessions carry a made-up message (or BDAT chunks of the logged
# sizes) and say so; the sessions without a message do not.
[ "$(grep -l '^mark    synthetic-data$' "$T"/ml/*.case | wc -l)" -eq 8 ] ||
    fail "eight sessions should be marked synthetic-data"
grep -q '^< 250 2.0.0 Ok: 48 bytes queued as \*$' "$T/ml/debug-peer-list-8.case" ||
    fail "the BDAT session's queue id is not a glob"

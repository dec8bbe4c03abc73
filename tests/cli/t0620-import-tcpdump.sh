#!/bin/sh
# t0620-import-tcpdump - captures the test makes itself: 'replay --tcpdump'
# records sessions with tcpdump inside the instance's network namespace;
# imported, each is the replayed case's session byte for byte and replays
# to pass. Pipelining, BDAT, SMTPUTF8, garbage commands, two replays at
# once merged into one capture of concurrent connections; a truncated
# snapshot (-s 60) is refused.
. "$(dirname "$0")/lib.sh"
need_root
command -v tcpdump >/dev/null || skip "tcpdump is not installed"

expect_err() {
    printf '%s\n' "$1" >"$T/want"
    diff -u "$T/want" "$T/err" || fail "unexpected stderr"
    [ ! -s "$T/out" ] || fail "stdout should be empty: $(cat "$T/out")"
}

C="$TOP/cases/smtp"
expect_exit 0 "$PFH" build --variant O2
read -r id stage <"$T/out"

# Two sets that replay at once. The second comes from 127.0.0.2, so that
# no connection of one can have the address and port pair of the other.
mkdir "$T/a" "$T/b"
cp "$C/pipe-two-transactions.case" "$C/pipe-data-early.case" \
    "$C/bdat-pipelined-chunks.case" "$C/bdat-malformed.case" \
    "$C/utf8-smtputf8.case" "$T/a/"
for f in "$C/cmd-unknown.case" "$C/cmd-http-request.case" \
    "$C/cmd-line-too-long.case" "$TOP/tests/data/import/tcpdump/cmd-garbage-bytes.case"; do
    sed 's/^kind    smtp$/kind    smtp\nclient  127.0.0.2/' "$f" >"$T/b/$(basename "$f")"
done
grep -q '^client  127.0.0.2$' "$T/b/cmd-unknown.case" || fail "no client line"

echo "== usage and bad input: one line, exit 2"
expect_exit 2 "$PFH" replay --build "$id" --snaplen 60 "$T/a"
expect_err "pfharness: error: replay: --snaplen needs --tcpdump FILE"
expect_exit 2 "$PFH" replay --build "$id" --tcpdump "$T/x.pcap" --snaplen x "$T/a"
expect_err "pfharness: error: --snaplen: 'x' is not a number from 0 to 262144"
expect_exit 2 "$PFH" replay --build "$id" --tcpdump "$T/x.pcap" \
    "$T/a" "$C/relay-domains.case"
expect_err "pfharness: error: replay: --tcpdump records one instance, and these cases need 2 (their config, map and table lines differ); record them one configuration at a time"
expect_exit 2 "$PFH" replay --build "$id" --tcpdump "$T/nodir/x.pcap" "$T/a"
expect_err "pfharness: error: cannot create '$T/nodir/x.pcap': No such file or directory"
[ ! -e "$T/x.pcap" ] || fail "a refused replay left a capture"

echo "== two replays at once, each recorded"
"$PFH" replay --build "$id" --tcpdump "$T/a.pcap" "$T/a" >"$T/a.obs" 2>"$T/a.err" &
pa=$!
"$PFH" replay --build "$id" --tcpdump "$T/b.pcap" "$T/b" >"$T/b.obs" 2>"$T/b.err" &
pb=$!
wait $pa || { cat "$T/a.err"; fail "replay a failed"; }
wait $pb || { cat "$T/b.err"; fail "replay b failed"; }
[ -s "$T/a.pcap" ] && [ -s "$T/b.pcap" ] || fail "no captures"
ls "$T" | grep -q '\.tmp\.\|\.err\.' && fail "temporary files left: $(ls "$T")"

echo "== one capture of both: the connections interleave in time"
cc -Wall -Werror -o "$T/pcap-merge" "$TOP/tests/cli/pcap-merge.c" -lpcap
"$T/pcap-merge" "$T/both.pcap" "$T/a.pcap" "$T/b.pcap"

# check CAPTURE CASEDIR... - import every session of CAPTURE: each is,
# byte for byte and exchange by exchange, one of the replayed cases, and
# every replayed case is one of them
check() {
    cap=$1
    shift
    rm -rf "$T/imp" "$T/wire"
    mkdir "$T/wire"
    for d in "$@"; do
        for o in "$d"/*.case; do
            "$PFH" cases --wire "$o" | tail -n +2 >"$T/wire/$(basename "$o")"
        done
    done
    expect_exit 0 "$PFH" import pcap "$cap" --out "$T/imp"
    n=$(ls "$T/wire" | wc -l)
    [ "$(wc -l <"$T/out")" -eq "$n" ] || fail "$cap: $(wc -l <"$T/out") sessions, wanted $n"
    expect_exit 0 "$PFH" cases "$T/imp"
    for f in "$T"/imp/*.case; do
        "$PFH" cases --wire "$f" | tail -n +2 >"$T/got"
        match=""
        for o in "$T"/wire/*.case; do
            cmp -s "$o" "$T/got" && match=$o && break
        done
        [ -n "$match" ] || {
            cat "$T/got" >&2
            fail "$f is none of the replayed sessions"
        }
        echo "$(basename "$f"): $(basename "$match")"
        rm "$match"
    done
    [ -z "$(ls "$T/wire")" ] || fail "not imported: $(ls "$T/wire")"
}
check "$T/a.pcap" "$T/a"
check "$T/b.pcap" "$T/b"
check "$T/both.pcap" "$T/a" "$T/b"
# Concurrent: b's first session (cmd-garbage-bytes, with its pause) is
# open while a's sessions come and go. The SYNs in time order show it.
tcpdump -r "$T/both.pcap" -nn 'tcp[tcpflags] & (tcp-syn|tcp-ack) == tcp-syn' \
    2>/dev/null | sed -n 's/.* IP \(127\.0\.0\.[12]\)\.[0-9]* > .*/\1/p' |
    uniq -c >"$T/syns"
cat "$T/syns"
[ "$(wc -l <"$T/syns")" -ge 3 ] || fail "the sessions of a and b do not interleave"
expect_exit 0 "$PFH" import pcap "$T/both.pcap" --out "$T/imp"

echo "== the imports replay to pass"
# The merged capture's sessions come from two client addresses: replay
# each import where it was recorded from (the case says: client line).
expect_exit 0 "$PFH" replay --build "$id" "$T/imp"
grep -c '^=== ' "$T/out" | grep -qx 9 || fail "nine observations"
# What the imports were made of: pipelined groups, BDAT, SMTPUTF8, raw
grep -qx '> BDAT 0 LAST' "$T"/imp/*.case || fail "no BDAT in the imports"
grep -q '^> MAIL FROM:<zoë.müller@café-müller.example.de> SMTPUTF8' \
    "$T"/imp/*.case || fail "no SMTPUTF8 in the imports"
grep -qxF '~ \x00\x01\x02 junk\r\n' "$T"/imp/*.case || fail "no NUL in the imports"

echo "== a truncated snapshot is refused"
expect_exit 0 "$PFH" replay --build "$id" --tcpdump "$T/s60.pcap" --snaplen 60 \
    "$T/a/pipe-two-transactions.case"
expect_exit 2 "$PFH" import pcap "$T/s60.pcap" --out "$T/none"
grep -qx "pfharness: error: $T/s60.pcap: truncated capture: packet [0-9]* was cut to [0-9]* of [0-9]* bytes (snapshot length 60); record again with 'tcpdump -s 0'" \
    "$T/err" || fail "truncated: $(cat "$T/err")"
[ "$(wc -l <"$T/err")" -eq 1 ] || fail "more than one line"
[ ! -e "$T/none" ] || fail "a refused import wrote files"

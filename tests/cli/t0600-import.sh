#!/bin/sh
# t0600-import.sh - 'pfharness import pcap|maillog': the shared captures
# and log become cases that parse; bad captures exit 2 with one line
. "$TOP/tests/cli/lib.sh"

D="$TOP/tests/data/import"

# expect_err TEXT - stderr is exactly this one line, stdout is empty
expect_err() {
    printf '%s\n' "$1" >"$T/want"
    diff -u "$T/want" "$T/err" || fail "unexpected stderr"
    [ ! -s "$T/out" ] || fail "stdout should be empty: $(cat "$T/out")"
}

# bytes HEX... - write bytes given in hex
bytes() {
    for h in "$@"; do
        printf "\\$(printf '%03o' "0x$h")"
    done
}

# pcap_header SNAPLEN(4 HEX BYTES) - a pcap file header, Ethernet,
# little-endian
pcap_header() {
    bytes d4 c3 b2 a1 02 00 04 00 00 00 00 00 00 00 00 00
    bytes "$@" 01 00 00 00
}

# tcp_packet CAPLEN LEN SPORT_HI SPORT_LO DPORT_HI DPORT_LO PAYLOAD -
# one record: Ethernet, IPv4 127.0.0.1 > 127.0.0.1, TCP PSH|ACK
tcp_packet() {
    caplen=$1 len=$2 payload=$7
    iplen=$((len - 14))
    bytes 00 00 00 00 00 00 00 00
    bytes "$(printf %02x "$caplen")" 00 00 00 "$(printf %02x "$len")" 00 00 00
    bytes 00 00 00 00 00 00 00 00 00 00 00 00 08 00
    bytes 45 00 00 "$(printf %02x "$iplen")" 00 00 40 00 40 06 00 00
    bytes 7f 00 00 01 7f 00 00 01
    bytes "$3" "$4" "$5" "$6" 00 00 00 01 00 00 00 01 50 18 ff ff 00 00 00 00
    printf '%s' "$payload" | head -c $((caplen - 54))
}

echo "== usage"
expect_exit 0 "$PFH" import -h
grep -q '^usage: pfharness import pcap' "$T/out" || fail "no usage text"
expect_exit 2 "$PFH" import
grep -q '^usage: pfharness import pcap' "$T/err" || fail "no usage on stderr"
expect_exit 2 "$PFH" import tar "$D/swaks-basic.pcap"

echo "== the shared captures: one case each, the golden text, parsed"
for f in basic dotstuff pipeline relaydenied; do
    expect_exit 0 "$PFH" import pcap "$D/swaks-$f.pcap"
    diff -u "$D/swaks-$f.ref" "$T/out" || fail "swaks-$f.pcap import"
done
mkdir "$T/cases"
for f in basic dotstuff pipeline relaydenied; do
    expect_exit 0 "$PFH" import pcap "$D/swaks-$f.pcap" --out "$T/cases"
    echo "$T/cases/swaks-$f-1.case" | diff -u - "$T/out" || fail "--out path"
done
expect_exit 0 "$PFH" cases "$T/cases"
cat >"$T/want" <<WANT
swaks-basic-1 smtp $T/cases/swaks-basic-1.case
swaks-dotstuff-1 smtp $T/cases/swaks-dotstuff-1.case
swaks-pipeline-1 smtp $T/cases/swaks-pipeline-1.case
swaks-relaydenied-1 smtp $T/cases/swaks-relaydenied-1.case
WANT
diff -u "$T/want" "$T/out" || fail "the imported cases do not parse"
# --out again: replaced in place, no temporary files left
expect_exit 0 "$PFH" import pcap "$D/swaks-basic.pcap" --out "$T/cases"
[ "$(ls "$T/cases" | wc -l)" -eq 4 ] || fail "files left in --out: $(ls "$T/cases")"

# The original captures, if shared/ is beside the repository, import the same
if [ -d "$TOP/../shared/captures" ]; then
    for f in basic dotstuff pipeline relaydenied; do
        "$PFH" import pcap "$TOP/../shared/captures/swaks-$f.pcap" >"$T/out"
        diff -u "$D/swaks-$f.ref" "$T/out" || fail "shared swaks-$f.pcap"
    done
fi

echo "== --config: allowed settings as config lines, the rest as comments"
cat >"$T/postconf" <<'EOF2'
myhostname = mx.example.test
mynetworks = 127.0.0.1/32
EOF2
expect_exit 0 "$PFH" import pcap "$D/swaks-relaydenied.pcap" --config "$T/postconf"
grep -qx 'config  mynetworks = 127.0.0.1/32' "$T/out" || fail "no config line"
grep -qx "# not from --config: myhostname = mx.example.test: 'myhostname' is not a parameter that cases may set (see the allowlist in cases/README.md)" "$T/out" ||
    fail "no comment for the skipped setting"
# with it, the import has everything the hand-made case has
grep -v '^#\|^name\|^about' "$T/out" >"$T/a"
grep -v '^#\|^name\|^about' "$TOP/cases/smtp/capture-relaydenied.case" >"$T/b"
diff -u "$T/b" "$T/a" || fail "differs from cases/smtp/capture-relaydenied.case"

echo "== several flows: listed, exit 2; --flow picks one; --out writes all"
cat "$D/swaks-basic.pcap" >"$T/two.pcap"
tail -c +25 "$D/swaks-pipeline.pcap" >>"$T/two.pcap"
expect_exit 2 "$PFH" import pcap "$T/two.pcap"
cat >"$T/want" <<WANT
pfharness: error: $T/two.pcap: 2 SMTP sessions; pick one with --flow N, or write them all with --out DIR
    1  127.0.0.1:41034 > 127.0.0.1:2525  5 commands  EHLO client.outside.test
    2  127.0.0.1:41046 > 127.0.0.1:2525  6 commands  EHLO client.outside.test
WANT
diff -u "$T/want" "$T/err" || fail "the listing of flows"
expect_exit 0 "$PFH" import pcap "$T/two.pcap" --flow 2
grep -qx 'name    two-2' "$T/out" || fail "--flow 2 is not flow 2"
grep -v '^#\|^name\|^about' "$T/out" >"$T/a"
grep -v '^#\|^name\|^about' "$D/swaks-pipeline.ref" >"$T/b"
diff -u "$T/b" "$T/a" || fail "flow 2 is not the pipeline session"
expect_exit 2 "$PFH" import pcap "$T/two.pcap" --flow 3
expect_err "pfharness: error: $T/two.pcap: no SMTP session 3 (there are 2)"
expect_exit 0 "$PFH" import pcap "$T/two.pcap" --out "$T/two"
printf '%s\n' "$T/two/two-1.case" "$T/two/two-2.case" | diff -u - "$T/out" ||
    fail "--out with two flows"
expect_exit 0 "$PFH" cases "$T/two"

echo "== bad captures: exit 2, one line, nothing written"
mkdir "$T/none"
# snapshot length shorter than the packets
{ pcap_header 3c 00 00 00; tcp_packet 60 100 09 dd a0 4a \
    "220 mx.example.test ESMTP Postfix and much more text here..."; } >"$T/snap.pcap"
expect_exit 2 "$PFH" import pcap "$T/snap.pcap" --out "$T/none"
expect_err "pfharness: error: $T/snap.pcap: truncated capture: packet 1 was cut to 60 of 100 bytes (snapshot length 60); record again with 'tcpdump -s 0'"
# a file cut inside a packet record
head -c 1000 "$D/swaks-basic.pcap" >"$T/cut.pcap"
expect_exit 2 "$PFH" import pcap "$T/cut.pcap" --out "$T/none"
grep -q "^pfharness: error: $T/cut.pcap: truncated capture file: packet 9 is cut off" "$T/err" ||
    fail "cut file: $(cat "$T/err")"
[ "$(wc -l <"$T/err")" -eq 1 ] || fail "more than one line"
# not a capture
echo "hello" >"$T/text.pcap"
expect_exit 2 "$PFH" import pcap "$T/text.pcap"
expect_err "pfharness: error: $T/text.pcap: not a pcap or pcapng capture file (unknown file format)"
# a capture with no SMTP in it
{ pcap_header 00 00 04 00; tcp_packet 69 69 00 50 a0 4a "HTTP/1.0 200 OK"; } >"$T/http.pcap"
expect_exit 2 "$PFH" import pcap "$T/http.pcap"
expect_err "pfharness: error: $T/http.pcap: no SMTP session (1 TCP connections, none to port 25, 587 or 2525 or with a '220' greeting); name the server's port with --port"
expect_exit 2 "$PFH" import pcap "$D/swaks-basic.pcap" --port 25
expect_err "pfharness: error: $D/swaks-basic.pcap: no SMTP session to port 25 (1 TCP connections)"
expect_exit 2 "$PFH" import pcap "$T/nope.pcap"
expect_err "pfharness: error: cannot open '$T/nope.pcap': No such file or directory"
[ -z "$(ls "$T/none")" ] || fail "bad input wrote files: $(ls "$T/none")"

echo "== maillog: sessions listed, picked, written"
expect_exit 2 "$PFH" import maillog "$D/debug-peer-list.maillog"
head -n 1 "$T/err" | grep -qx "pfharness: error: $D/debug-peer-list.maillog: 10 SMTP sessions; pick one with --session N, or write them all with --out DIR" ||
    fail "maillog listing: $(head -n 1 "$T/err")"
grep -qx '    8  smtpd\[19391\] localhost\[127.0.0.1\]  6 commands  EHLO bdat.client.test' "$T/err" ||
    fail "maillog listing lacks session 8"
expect_exit 0 "$PFH" import maillog "$D/debug-peer-list.maillog" --session 8
diff -u "$D/debug-peer-list-8.ref" "$T/out" || fail "session 8"
expect_exit 0 "$PFH" import maillog "$D/debug-peer-list.maillog" --pid 15798 --client 127.0.0.1
diff -u "$D/debug-peer-list-1.ref" "$T/out" || fail "--pid 15798"
expect_exit 2 "$PFH" import maillog "$D/debug-peer-list.maillog" --pid 19391
[ "$(wc -l <"$T/err")" -eq 3 ] || fail "--pid 19391 should list two sessions"
expect_exit 2 "$PFH" import maillog "$D/debug-peer-list.maillog" --client 10.9.9.9
expect_err "pfharness: error: $D/debug-peer-list.maillog: no SMTP session from client '10.9.9.9'"
expect_exit 0 "$PFH" import maillog "$D/debug-peer-list.maillog" --out "$T/ml"
expect_exit 0 "$PFH" cases "$T/ml"
[ "$(wc -l <"$T/out")" -eq 10 ] || fail "ten maillog cases"
for i in 1 2 3 4 5 6 7 8 9 10; do
    diff -u "$D/debug-peer-list-$i.ref" "$T/ml/debug-peer-list-$i.case" ||
        fail "maillog session $i"
done
expect_exit 2 "$PFH" import maillog "$D/swaks-basic.ref"
expect_err "pfharness: error: $D/swaks-basic.ref: no smtpd session with '<' and '>' lines (log them with debug_peer_list or smtpd -v)"
expect_exit 2 "$PFH" import maillog "$D/debug-peer-list.maillog" --port 25
expect_err "pfharness: error: --port is an option of 'import pcap' only"

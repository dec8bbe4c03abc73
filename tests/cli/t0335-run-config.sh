#!/bin/sh
# t0335-run-config - the user's own configuration. Debian 12's stock
# main.cf (as its postinst writes it) plus a site's restrictions and
# header checks, with aliases, a cidr, a texthash and a pcre table beside
# it (tests/data/userconf/debian-stock/):
#   - run --config runs every case at O0 and O2, the builds agree, and the
#     report says the goldens do not apply and what was not applied;
#   - each instance has the user's settings and tables, and still the
#     sink as relayhost, loopback only and its own paths;
#   - replay --config shows Debian's banner;
#   - --master adds a service of the user's master.cf;
#   - mailbox_command in it exits 2 with file:line, before anything runs.
. tests/cli/lib.sh
need_root

DATA=$TOP/tests/data/userconf/debian-stock
n=$($PFH cases | wc -l)

echo "== run --config"
expect_exit 0 $PFH run --config "$DATA/main.cf" --variants O0,O2 --reps 1 \
    --out "$T/run"
tail -n 2 "$T/out"
grep -q ": $n pass$" "$T/out" || fail "not every case passed"
grep -q '"goldens": "do not apply' "$T/run/report.json" ||
    fail "the report does not say that the goldens do not apply"
grep -q '"smtpd_tls_key_file: the instance offers no TLS' \
    "$T/run/report.json" || fail "the report does not list what was dropped"
grep -q '<dt>Configuration</dt>' "$T/run/report.html" ||
    fail "the HTML report does not show the configuration"
main_cf=$(find "$T/run/instances" -name main.cf | head -n 1)
for line in 'smtpd_banner = $myhostname ESMTP $mail_name (Debian/GNU)' \
    'compatibility_level = 3.6' 'myorigin = example.test' \
    'relayhost = [127.0.0.9]:25' 'inet_interfaces = 127.0.0.1'; do
    grep -qxF "$line" "$main_cf" || fail "main.cf lacks '$line'"
done
grep -q '^header_checks = pcre:.*/etc/tables/user.header-checks-pcre$' \
    "$main_cf" || fail "the pcre table is not the instance's copy"
grep -q 'tls_key_file\|/etc/ssl' "$main_cf" && fail "TLS settings reached main.cf"
[ -f "$(dirname "$main_cf")/tables/user.aliases.db" ] ||
    fail "the hash aliases were not indexed with postmap"

echo "== replay --config"
build=$(grep -o '"id": "[0-9a-f]\{16\}"' "$T/run/report.json" | head -n 1 |
    cut -d'"' -f4)
expect_exit 0 $PFH replay --build "$build" --config "$DATA/main.cf" \
    cases/smtp/capture-basic.case
grep -q '^< 220 mx.example.test ESMTP Postfix (Debian/GNU)$' "$T/out" ||
    fail "replay --config does not show Debian's banner"

echo "== --master: a submission service"
cat >"$T/master.cf" <<'MASTER'
submission inet n - y - - smtpd
  -o smtpd_tls_security_level=encrypt
  -o smtpd_client_restrictions=permit_mynetworks,reject
MASTER
expect_exit 0 $PFH replay --build "$build" --config "$DATA/main.cf" \
    --master "$T/master.cf" --keep cases/smtp/capture-basic.case
kept=$(ls -td "${PFHARNESS_VAR:-$TOP/var}"/runs/replay-* | head -n 1)
grep -q '^submission inet n - n - - smtpd -o smtpd_client_restrictions=' \
    "$kept/g1/etc/master.cf" || fail "the submission service is not in $kept"
rm -rf "$kept"

echo "== what runs a program is refused, with file:line"
cp -r "$DATA" "$T/bad"
echo 'mailbox_command = procmail -a "$EXTENSION"' >>"$T/bad/main.cf"
nl=$(wc -l <"$T/bad/main.cf")
runs=$(ls "${PFHARNESS_VAR:-$TOP/var}/runs" | wc -l)
expect_exit 2 $PFH run --config "$T/bad/main.cf" --variants O0 --out "$T/r2"
cat "$T/err"
[ "$(wc -l <"$T/err")" -eq 1 ] || fail "not one line on stderr"
grep -q "^pfharness: error: $T/bad/main.cf:$nl: 'mailbox_command' runs a program" \
    "$T/err" || fail "the message does not name the file and line"
[ ! -e "$T/r2" ] || fail "a refused configuration left a run directory"
[ "$(ls "${PFHARNESS_VAR:-$TOP/var}/runs" | wc -l)" -eq "$runs" ] ||
    fail "something ran"
expect_exit 2 $PFH run --master "$T/master.cf"
grep -q 'run: --master needs --config' "$T/err" || fail "--master alone"

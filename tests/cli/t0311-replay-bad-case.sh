#!/bin/sh
# t0311-replay-bad-case - replay refuses malformed cases with exit 2 and
#                         "file:line: message", before any instance
#                         starts, and refuses an unknown build id
. "$(dirname "$0")/lib.sh"
need_root

expect_exit 0 "$PFH" build --variant O2
read -r id stage <"$T/out"

# expect_err TEXT - stderr is exactly this one line, stdout is empty
expect_err() {
    printf '%s\n' "$1" >"$T/want"
    diff -u "$T/want" "$T/err" || fail "unexpected stderr"
    [ ! -s "$T/out" ] || fail "stdout should be empty: $(cat "$T/out")"
}

mkdir "$T/bad" "$T/mixed"
# bad NAME LINE-AND-MESSAGE - replay the case on stdin: exit 2, one line
bad() {
    cat >"$T/bad/$1.case"
    expect_exit 2 "$PFH" replay --build "$id" "$T/bad/$1.case"
    expect_err "pfharness: error: $T/bad/$1.case:$2"
    echo "ok: $1"
}

bad unknown-key "4: unknown directive 'helo'" <<'CASE'
name    bad-unknown-key
kind    smtp
about   'helo' is a command, not a directive
helo    smtp-out-07.mail.eu-central.corp-example.net
< 220 mx.example.test ESMTP Postfix
CASE

bad bad-step "7: '>' must be followed by a space" <<'CASE'
name    bad-step
kind    smtp

< 220 mx.example.test ESMTP Postfix
> EHLO smtp-out-07.mail.eu-central.corp-example.net
< 250* CHUNKING
>QUIT
< 221 2.0.0 Bye
CASE

bad indented-step "6: unexpected white space at the start of the line" <<'CASE'
name    bad-indented-step
kind    smtp
< 220 mx.example.test ESMTP Postfix
> DATA
< 354 End data with <CR><LF>.<CR><LF>
  | Subject: typed with an indent
< 250 2.0.0 Ok: queued as *
CASE

bad forbidden-override "3: 'mailbox_command' runs a program; cases may not set it" <<'CASE'
name    bad-forbidden-override
kind    smtp
config  mailbox_command = /usr/bin/procmail -a "$EXTENSION"
< 220 mx.example.test ESMTP Postfix
CASE

bad not-allowlisted "3: 'relayhost' is not a parameter that cases may set (see the allowlist in cases/README.md)" <<'CASE'
name    bad-not-allowlisted
kind    probe
config  relayhost = [smtp.partner-logistics.example.com]:587
mode    bv
sender  probe@example.test
rcpt    ops-team@partner-logistics.example.com
expect  ops-team@partner-logistics.example.com  deliverable  2.0.0
CASE

bad file-table "4: table type 'hash' is not allowed; define the table in the case and use table:NAME" <<'CASE'
name    bad-file-table
kind    smtp
# a table must come from the case itself
config  smtpd_sender_restrictions = check_sender_access hash:/etc/postfix/sender_access
< 220 mx.example.test ESMTP Postfix
CASE

# One malformed case among good ones: nothing is replayed
cp "$TOP/cases/smtp/capture-basic.case" "$T/mixed/a.case"
cp "$T/bad/bad-step.case" "$T/mixed/b.case"
expect_exit 2 "$PFH" replay --build "$id" "$T/mixed"
expect_err "pfharness: error: $T/mixed/b.case:7: '>' must be followed by a space"
echo "ok: a bad case among good ones"

# A build id that names no build
expect_exit 2 "$PFH" replay --build 0000000000000000 "$TOP/cases/smtp/capture-basic.case"
grep -q "^pfharness: error: no finished build '0000000000000000' in .*; 'pfharness builds' lists them\$" \
    "$T/err" || fail "unknown build id: $(cat "$T/err")"
[ ! -s "$T/out" ] || fail "stdout should be empty"
echo "ok: unknown build id"

# No build at all is a usage error
expect_exit 2 "$PFH" replay "$TOP/cases/smtp/capture-basic.case"
grep -q '^usage: pfharness replay' "$T/err" || fail "no usage text"
echo "ok: --build missing"

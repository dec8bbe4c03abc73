#!/bin/sh
# t0200-cases.sh - 'pfharness cases': list valid corpora, reject malformed
# cases with exit 2 and "file:line: message"
. "$TOP/tests/cli/lib.sh"

# expect_err TEXT - stderr is exactly this one line, stdout is empty
expect_err() {
    printf '%s\n' "$1" >"$T/want"
    diff -u "$T/want" "$T/err" || fail "unexpected stderr"
    [ ! -s "$T/out" ] || fail "stdout should be empty: $(cat "$T/out")"
}

# -h prints the usage on stdout; an unknown option is a usage error
expect_exit 0 "$PFH" cases -h
grep -q '^usage: pfharness cases' "$T/out" || fail "no usage text"
expect_exit 2 "$PFH" cases --bogus
grep -q '^usage: pfharness cases' "$T/err" || fail "no usage on stderr"

# The shipped corpus: the default is ./cases, listed with absolute paths,
# one line per file, sorted by path (t0310 replays it); the files of the
# version overlays under cases/versions/ are no cases
expect_exit 0 "$PFH" cases
find "$TOP/cases" -path "$TOP/cases/versions" -prune -o -name '*.case' \
    ! -name '.*' -print | LC_ALL=C sort >"$T/want"
cut -d' ' -f3 "$T/out" | diff -u "$T/want" - || fail "default corpus listing"
for c in basic dotstuff pipeline relaydenied; do
    grep -qx "capture-$c smtp $TOP/cases/smtp/capture-$c.case" "$T/out" ||
        fail "capture-$c is not listed"
done
grep -v -e ' smtp /' -e ' probe /' -e ' func /' "$T/out" &&
    fail "a case of another kind"
[ "$(grep -c ' func /' "$T/out")" -ge 25 ] || fail "fewer than 25 func cases"

# A corpus of both kinds, nested, with files that are not cases
mkdir -p "$T/c/smtp/deep" "$T/c/probe"
cat >"$T/c/smtp/deep/zz.case" <<'CASE'
name    aa-first-by-name
kind    smtp
< 220 mx.example.test ESMTP Postfix
> QUIT
< 221 2.0.0 Bye
eof
CASE
cat >"$T/c/smtp/a.case" <<'CASE'
name    zz-last-by-name
kind    smtp
client  127.0.0.2
config  mynetworks = 127.0.0.1/32
< 220 mx.example.test ESMTP Postfix
> EHLO client.outside.test
< 250-mx.example.test
< 250* CHUNKING
CASE
cat >"$T/c/probe/fanout.case" <<'CASE'
name    bv-alias-fanout
kind    probe
mode    bv
sender  probe@example.test
rcpt    team@example.test
map     virtual_alias_maps  team@example.test  alice@example.test, bob@remote.example
sink    bob@remote.example  550 5.1.1 no such user
expect  alice@example.test  deliverable    2.0.0
expect  bob@remote.example  undeliverable  5.1.1  550 5.1.1 no such user
CASE
echo "not a case" >"$T/c/smtp/notes.txt"
echo "garbage" >"$T/c/smtp/.editor-swap.case"

expect_exit 0 "$PFH" cases "$T/c"
cat >"$T/want" <<WANT
bv-alias-fanout probe $T/c/probe/fanout.case
zz-last-by-name smtp $T/c/smtp/a.case
aa-first-by-name smtp $T/c/smtp/deep/zz.case
WANT
diff -u "$T/want" "$T/out" || fail "corpus listing, sorted by path"

# Several arguments: files and directories, each case listed once
expect_exit 0 "$PFH" cases "$T/c/smtp/deep/zz.case" "$T/c/smtp" "$T/c/smtp/a.case"
cat >"$T/want" <<WANT
zz-last-by-name smtp $T/c/smtp/a.case
aa-first-by-name smtp $T/c/smtp/deep/zz.case
WANT
diff -u "$T/want" "$T/out" || fail "listing of overlapping arguments"

# Relative arguments stay relative; PFHARNESS_CASES moves the default
(cd "$T" && "$PFH" cases c/probe) >"$T/out"
echo "bv-alias-fanout probe c/probe/fanout.case" | diff -u - "$T/out" ||
    fail "relative path"
PFHARNESS_CASES="$T/c/probe" "$PFH" cases >"$T/out"
echo "bv-alias-fanout probe $T/c/probe/fanout.case" | diff -u - "$T/out" ||
    fail "PFHARNESS_CASES"

# Malformed cases: exit 2, one line "file:line: message", no output
mkdir "$T/bad"
bad() {
    cat >"$T/bad/$1.case"
    expect_exit 2 "$PFH" cases "$T/bad/$1.case"
    expect_err "pfharness: error: $T/bad/$1.case:$2"
}

bad unknown-key "3: unknown directive 'colour'" <<'CASE'
name    t
kind    smtp
colour  blue
< 220 hi
CASE

bad bad-step "5: '<' must be followed by a space" <<'CASE'
name    t
kind    smtp
< 220 hi
> NOOP
<250 ok
CASE

bad step-for-kind "6: '>' is only for smtp cases" <<'CASE'
name    t
kind    probe
mode    bv
sender  s@example.test
rcpt    r@example.test
> EHLO x
CASE

bad forbidden-override "4: 'mailbox_command' runs a program; cases may not set it" <<'CASE'
name    t
kind    smtp
# delivery to a program is never allowed
config  mailbox_command = /usr/bin/procmail
< 220 hi
CASE

bad forbidden-value "3: 'mydestination' value '/etc/postfix/domains' is a path; files are not allowed" <<'CASE'
name    t
kind    smtp
config  mydestination = $myhostname, /etc/postfix/domains
< 220 hi
CASE

bad pipe-alias "3: '|/bin/sh' is not an address a case may use (local, local@domain or @domain; letters, digits and . _ - + = before the '@'; no quotes, '\\', '|', '/', ':' or '<>')" <<'CASE'
name    t
kind    smtp
map     alias_maps  root  |/bin/sh
< 220 hi
CASE

# a kilobyte of case that would expand to gigabytes in memory
{
    printf 'name    t\nkind    smtp\n< 220 hi\n'
    for i in 1 2 3 4 5 6 7 8 9 10; do
        printf '~ \\{xxxxxxxxxxxxxxxx*1000000}\n'
    done
} | bad raw-case-too-big "8: the '~' lines of the case expand to more than 67108864 bytes"

bad reply-count "4: pipelined group expects 2 replies (one per command and DATA content); the '<' lines after it give 1" <<'CASE'
name    t
kind    smtp
< 220 hi
> MAIL FROM:<a@example.test>
> RCPT TO:<b@example.test>
< 250 2.1.0 Ok
CASE

# One bad case among good ones fails the whole listing
cp "$T/bad/unknown-key.case" "$T/c/smtp/unknown-key.case"
expect_exit 2 "$PFH" cases "$T/c"
expect_err "pfharness: error: $T/c/smtp/unknown-key.case:3: unknown directive 'colour'"
rm "$T/c/smtp/unknown-key.case"

# The same name in two files: both are named
sed 's/^name .*/name    bv-alias-fanout/' "$T/c/smtp/a.case" >"$T/c/smtp/dup.case"
expect_exit 2 "$PFH" cases "$T/c"
expect_err "pfharness: error: $T/c/smtp/dup.case:1: case name 'bv-alias-fanout' is already used by $T/c/probe/fanout.case:1"
rm "$T/c/smtp/dup.case"

# A path that does not exist
expect_exit 2 "$PFH" cases "$T/nope"
expect_err "pfharness: error: cannot open '$T/nope': No such file or directory"

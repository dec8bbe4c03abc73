#!/bin/sh
# t0410-report-bundle - 'pfharness report RUN --bundle DIR [--anonymize]':
# what DEBUG_README asks of a problem report, as files and one .tar.gz,
# from a run with a library divergence (the dotless-i shim): summary,
# complete error messages, postconf -n of every instance by the build's
# own postconf, logs, queue shape, cases and observations; anonymized,
# no letter or digit of an address or host name is left
. "$TOP/tests/cli/lib.sh"
need_root

expect_err() {
    printf '%s\n' "$1" >"$T/want"
    diff -u "$T/want" "$T/err" || fail "unexpected stderr"
    [ ! -s "$T/out" ] || fail "stdout should be empty: $(cat "$T/out")"
}

cd "$TOP"
expect_exit 0 "$PFH" build --variant O2
read -r id stage <"$T/out"

echo "== a run with a divergence"
gcc -Wall -Werror -shared -fPIC -O2 -o "$T/shim.so" tests/faults/shim-dotless-i.c
expect_exit 1 "$PFH" run --variants O2 --libenv "dotless:LD_PRELOAD=$T/shim.so" \
    --cases tests/faults/cases/fault-lowercase-commands.case \
    cases/smtp/capture-basic.case cases/smtp/capture-relaydenied.case \
    cases/smtp/relay-domains.case cases/smtp/utf8-smtputf8.case \
    cases/smtp/helo-invalid-hostname.case --out "$T/run"
grep -q '^fault-lowercase-commands  *library  *dotless' "$T/out" ||
    fail "no library verdict: $(cat "$T/out")"
ninst=$(ls -d "$T"/run/instances/*/*/g* | wc -l)
[ "$ninst" -ge 4 ] || fail "only $ninst instances"

# A message left in one stopped instance's queue, by the build's own
# sendmail: the queue shape must show it. A stopped instance's queue
# lived on its spool (a tmpfs, gone with it); mail left in it is copied
# to gN/queue, which is what the bundle reads. Make that copy here: a
# maildrop as Postfix makes it, and the instance's configuration with
# queue_directory pointing there.
inst=$(ls -d "$T"/run/instances/O2/plain/g* | head -n 1)
rel=${inst#"$T/run/"}
[ ! -e "$inst/queue" ] || fail "an empty queue was kept on disk"
[ -z "$(ls -A "$inst/spool")" ] || fail "the stopped instance's spool is not empty"
install -d -m 755 "$inst/queue"
install -d -o postfix -g postdrop -m 1730 "$inst/queue/maildrop"
mkdir "$T/etc2"
cp "$inst/etc/master.cf" "$T/etc2/"
sed "s|^queue_directory = .*|queue_directory = $inst/queue|" \
    "$inst/etc/main.cf" >"$T/etc2/main.cf"
printf 'Subject: left over\n\nhello\n' |
    MAIL_CONFIG="$T/etc2" "$stage/usr/sbin/sendmail" -f sender@outside.test \
        bob@remote.example carol@remote.example ||
    fail "sendmail could not queue"

echo "== bad input: one line, exit 2"
expect_exit 2 "$PFH" report "$T/run" --anonymize
expect_err "pfharness: error: report: --anonymize applies to --bundle DIR only"
mkdir "$T/other"
echo keep >"$T/other/file"
expect_exit 2 "$PFH" report "$T/run" --bundle "$T/other"
expect_err "pfharness: error: '$T/other' exists and is not a pfharness bundle; name a new directory"
[ "$(ls "$T/other")" = file ] || fail "the directory was changed"
[ ! -e "$T/other.tar.gz" ] || fail "an archive was written"
echo x >"$T/afile"
expect_exit 2 "$PFH" report "$T/run" --bundle "$T/afile"
expect_err "pfharness: error: '$T/afile' exists and is not a pfharness bundle; name a new directory"

echo "== the bundle"
expect_exit 0 "$PFH" report "$T/run" --bundle "$T/b/"
printf '%s\n' "$T/run/report.html" "$T/run/junit.xml" "$T/b" "$T/b.tar.gz" |
    diff -u - "$T/out" || fail "the paths written"
B="$T/b"
head -n 1 "$B/README.txt" | grep -qx 'pfharness problem report bundle' ||
    fail "README.txt"
# summary: the verdicts and what differs
grep -q '^fault-lowercase-commands  *library  *every build agrees with itself' \
    "$B/summary.txt" || fail "summary: no library row"
grep -q '^capture-basic  *pass' "$B/summary.txt" || fail "summary: no pass row"
grep -qx 'differing: dotless' "$B/summary.txt" || fail "summary: differing"
grep -qx '+< 500 5.5.2 Error: command not recognized' "$B/summary.txt" ||
    fail "summary: no diff"
# complete error messages: the first of each class, whole log lines
grep -c '^=== instances/O2/[a-z]*/g[0-9]* (build O2, libenv [a-z]*)$' \
    "$B/errors.txt" | grep -qx "$ninst" || fail "errors.txt: not every instance"
grep '^warning  [A-Z]' "$B/errors.txt" | sed 's/^warning  //' >"$T/warnings"
[ -s "$T/warnings" ] || fail "errors.txt: no warning"
while IFS= read -r line; do
    cat "$T"/run/instances/*/*/g*/maillog | grep -qxF "$line" ||
        fail "errors.txt: not a whole log line: $line"
done <"$T/warnings"
grep -q "warning: Illegal address syntax from unknown\[127.0.0.1\] in MAIL command: <zoë.müller@café-müller.example.de>$" \
    "$T/warnings" || fail "errors.txt: the utf8 warning"
for d in "$T"/run/instances/*/*/g*; do
    r=${d#"$T/run/"}
    # postconf -n and -Mf: the build's own postconf on the instance
    "$stage/usr/sbin/postconf" -c "$d/etc" -n >"$T/pc" 2>&1
    cmp -s "$T/pc" "$B/$r/postconf-n.txt" || fail "$r: postconf-n.txt"
    "$stage/usr/sbin/postconf" -c "$d/etc" -Mf >"$T/pc" 2>&1
    cmp -s "$T/pc" "$B/$r/postconf-Mf.txt" || fail "$r: postconf-Mf.txt"
    grep -qx 'myhostname = mx.example.test' "$B/$r/postconf-n.txt" ||
        fail "$r: postconf -n lacks myhostname"
    cmp -s "$d/maillog" "$B/$r/maillog" || fail "$r: maillog"
    for q in incoming active deferred hold maildrop; do
        grep -q "^$q: [0-9]* messages*, [0-9]* recipients*$" "$B/$r/qshape.txt" ||
            fail "$r: qshape has no $q table"
    done
    [ "$r" = "$rel" ] && continue
    # after a run, the queues are empty: all-zero tables
    [ "$(grep -c '^ *TOTAL  0  0  0  0  0  0   0   0   0    0     0$' "$B/$r/qshape.txt")" -eq 5 ] ||
        fail "$r: queues not empty: $(cat "$B/$r/qshape.txt")"
done
cat "$B/$rel/qshape.txt"
grep -q '^maildrop: 1 message, 2 recipients$' "$B/$rel/qshape.txt" ||
    fail "the left-over message is not in the queue shape"
grep -q '^ *remote.example  2  2  0' "$B/$rel/qshape.txt" ||
    fail "no remote.example row"
# the cases and their observations
for c in "$B"/cases/*.case; do
    n=$(basename "$c" .case)
    src=$(grep -l "^name  *$n\$" tests/faults/cases/*.case cases/smtp/*.case)
    cmp -s "$src" "$c" || fail "cases/$n.case is not $src"
done
[ "$(ls "$B/cases" | wc -l)" -eq 6 ] || fail "six cases"
[ "$(find "$B/observations" -type f | wc -l)" -eq 36 ] ||
    fail "6 cases x 2 libenvs x 3 reps observations"
cmp -s "$T/run/observations/fault-lowercase-commands/O2.dotless.2.txt" \
    "$B/observations/fault-lowercase-commands/O2.dotless.2.txt" ||
    fail "an observation"
cmp -s "$T/run/report.json" "$B/report.json" || fail "report.json"

echo "== the archive holds the same files, reproducibly"
mkdir "$T/x"
tar -xzf "$T/b.tar.gz" -C "$T/x"
diff -r "$B" "$T/x/b" || fail "the archive differs from the directory"
cp "$T/b.tar.gz" "$T/b1.tar.gz"
expect_exit 0 "$PFH" report "$T/run" --bundle "$B"
cmp -s "$T/b.tar.gz" "$T/b1.tar.gz" || fail "a second bundle is not the same bytes"
ls "$T" | grep -q '\.tmp\.' && fail "temporary files left: $(ls "$T")"

echo "== anonymized"
expect_exit 0 "$PFH" report "$T/run" --bundle "$T/a" --anonymize
A="$T/a"
mkdir "$T/xa"
tar -xzf "$T/a.tar.gz" -C "$T/xa"
diff -r "$A" "$T/xa/a" || fail "the anonymized archive differs"
# Every address, host name and IPv4 address of the plain bundle...
files() { find "$1" -type f ! -name '*.tar.gz'; }
files "$B" | xargs cat | grep -aohE '[[:alnum:]._%+=!-]+@[[:alnum:].-]*[[:alnum:]]' |
    sort -u >"$T/addrs"
files "$B" | xargs cat |
    grep -aohE '([[:alnum:]-]+\.)+[[:alpha:]][[:alnum:]-]*' |
    grep -avE '\.(txt|case|json|xml|html|pcap|gz|c|h|ref|out|patch)$|^(main|master)\.cf$' |
    sort -u >"$T/hosts"
files "$B" | xargs cat | grep -aohE '\b[0-9]{1,3}(\.[0-9]{1,3}){3}\b' |
    sort -u >"$T/ips"
wc -l "$T/addrs" "$T/hosts" "$T/ips"
[ "$(wc -l <"$T/addrs")" -ge 10 ] && [ "$(wc -l <"$T/hosts")" -ge 10 ] &&
    [ "$(wc -l <"$T/ips")" -ge 2 ] || fail "too few names to check"
grep -qxF 'j.mueller@example-consulting.de' "$T/addrs" || fail "no address found"
grep -qxF 'workstation-17.branch-office.example-consulting.de' "$T/hosts" ||
    fail "no host name found"
# ... is gone from the anonymized bundle, file names included
cat "$T/addrs" "$T/hosts" "$T/ips" >"$T/names"
if files "$A" | xargs grep -aoFf "$T/names" >"$T/left"; then
    head "$T/left" >&2
    fail "addresses or host names left in the anonymized bundle"
fi
if (cd "$A" && find .) | grep -aFf "$T/names"; then
    fail "a file name holds a host name"
fi
# ... and every address and host name there is A and D and punctuation
files "$A" | xargs cat | grep -aohE '[[:alnum:]._%+=!-]+@[[:alnum:].-]*[[:alnum:]]' |
    grep -avE '^[AD._%+=!-]+@[AD.-]+$' >"$T/bad" && {
        head "$T/bad" >&2
        fail "an address with letters or digits left"
    }
files "$A" | xargs cat | grep -aohE '([[:alnum:]-]+\.)+[[:alpha:]][[:alnum:]-]*' |
    grep -avE '\.(txt|case|json|xml|html|pcap|gz|c|h|ref|out|patch)$|^(main|master)\.cf$' |
    sed 's/^[2-5][0-9][0-9]-//' | grep -avE '^[AD._-]+$' >"$T/bad" && {
        head "$T/bad" >&2
        fail "a host name with letters or digits left"
    }
files "$A" | xargs cat | grep -aohE '\b[0-9]{1,3}(\.[0-9]{1,3}){3}\b' >"$T/bad" &&
    fail "an IPv4 address left: $(head -n 1 "$T/bad")"
# Names by their place: EHLO arguments without a dot, the syslog host
grep -q '^> EHLO AAAAAAAADD$' "$A/observations/helo-invalid-hostname/O2.plain.1.txt" ||
    fail "the dotless EHLO name is not masked"
grep -rq 'EXCHANGE01' "$A" && fail "a dotless EHLO name left"
grep -q '^[A-Z][a-z][a-z] [ 0-9][0-9] [0-9:]* AA postfix/' "$A/$rel/maillog" ||
    fail "the syslog host field is not masked"
# Punctuation and everything else stays: syntax remains visible
grep -qx '< 454 4.7.1 <AAAAAA@AAAAAAAAA.AAAA>: Relay access denied' \
    "$A/observations/capture-relaydenied/O2.plain.1.txt" ||
    fail "the relay refusal is not as DEBUG_README's rule makes it"
grep -qx '< 250-AA.AAAAAAA.AAAA' "$A/observations/capture-basic/O2.plain.1.txt" ||
    fail "the EHLO reply"
grep -qx 'mynetworks = DDD.D.D.D/32' "$A/$rel/postconf-n.txt" || fail "mynetworks"
grep -q '^ *AAAAAA.AAAAAAA  2  2  0' "$A/$rel/qshape.txt" || fail "qshape domain"
grep -q '^fault-lowercase-commands  *library' "$A/summary.txt" || fail "verdict"
json_pp <"$A/report.json" >/dev/null || fail "report.json is no longer JSON"
grep -q '^Anonymized as DEBUG_README asks' "$A/README.txt" || fail "README"

echo "== a bundle reads only inside the run, writes only inside itself"
secret="$T/outside-secret"
echo "BUNDLE-SECRET-$$" >"$secret"
cp -r "$T/run" "$T/evil"
# an observation that is a symlink out of the run
obs=$(ls "$T"/evil/observations/capture-basic/*.txt | head -n 1)
rm "$obs"
ln -s "$secret" "$obs"
ln -sf "$secret" "$T/evil/cases/capture-basic.case"
expect_exit 0 "$PFH" report "$T/evil" --bundle "$T/eb"
grep -rq "BUNDLE-SECRET-$$" "$T/eb" "$T/eb.tar.gz" && fail "the bundle read outside the run"
grep -q "outside the run directory, not read" "$T/eb/MISSING.txt" 2>/dev/null ||
    grep -rq "outside the run directory, not read" "$T/eb" ||
    fail "the refused files are not noted"
# a case name that would write outside the bundle
sed -i 's|"name": *"capture-basic"|"name":"../../escaped"|' "$T/evil/report.json"
grep -q '"name":"../../escaped"' "$T/evil/report.json" || fail "could not craft report.json"
expect_exit 2 "$PFH" report "$T/evil" --bundle "$T/eb2"
grep -q "case name '../../escaped' is not a case name" "$T/err" ||
    fail "wrong refusal: $(cat "$T/err")"
[ ! -e "$T/escaped.case" ] && [ ! -e "$T/eb2/../escaped.case" ] ||
    fail "a file was written outside the bundle"
echo "ok: symlinks out of the run not read, a hostile case name refused"

#!/bin/sh
# t0800-security-escapes - the five escape classes of issue 12, each in
#   several spellings: a root-only file read through :include:, files
#   written outside the instance, mailbox paths that traverse, mail to a
#   UNIX socket on the host, and a host user's .forward command.
#
#   1. Validation on: every crafted case is refused at parse, exit 2, one
#      line "file:line: message".
#   2. Validation and the instance's own denials off (the test-only
#      switch): the mount namespace alone still contains the instance.
#      The secret's text is in no output, no file appeared on the host,
#      no host listener heard anything, the forward command did not run.
. "$(dirname "$0")/lib.sh"
need_root

expect_exit 0 "$PFH" build --variant O2
read -r id stage <"$T/out"
var=${PFHARNESS_VAR:-$TOP/var}

tag=pfh$$
token="SECRET-$tag-$(date +%s)"
user=pfhfwd$$
cleanup() {
    for p in $(cat "$T/pids" 2>/dev/null); do kill "$p" 2>/dev/null || :; done
    rm -f "/root/$tag-secret" "/tmp/$tag-secret" "/tmp/$tag-sock" \
        "/run/$tag-sock"
    rm -rf "/tmp/$tag-"* "/var/tmp/$tag-"* "/var/lib/$tag-"* "/home/$user"
    userdel "$user" 2>/dev/null || :
    for r in $(cat "$T/runs" 2>/dev/null); do rm -rf "$r"; done
    rm -rf "$T"
}
trap cleanup EXIT INT TERM

# The things a case must not reach.
printf '%s\n' "$token" >"/root/$tag-secret"
chmod 600 "/root/$tag-secret"
printf '%s\n' "$token" >"/tmp/$tag-secret"
cc -Wall -Werror -o "$T/unix-listen" "$TOP/tests/cli/unix-listen.c"
: >"$T/pids"
for s in "/tmp/$tag-sock" "/run/$tag-sock"; do
    "$T/unix-listen" "$s" "$T/heard" &
    echo $! >>"$T/pids"
done
: >"$T/heard"
if useradd -M -d "/home/$user" -s /bin/sh "$user" 2>/dev/null; then
    mkdir -p "/home/$user"
    printf '"|/bin/touch /tmp/%s-forward-ran"\n' "$tag" >"/home/$user/.forward"
    chown -R "$user" "/home/$user"
    have_user=1
else
    have_user=0
fi
for s in "/tmp/$tag-sock" "/run/$tag-sock"; do
    i=0
    while [ ! -S "$s" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
    [ -S "$s" ] || fail "listener $s did not start"
done

mkdir "$T/cases"
n=0
# crafted CLASS DIRECTIVES RCPT - a case that mails RCPT after DIRECTIVES
crafted() {
    n=$((n + 1))
    f="$T/cases/$1-$n.case"
    {
        printf 'name    sec-%s-%d\nkind    smtp\n' "$1" "$n"
        printf '%s\n' "$2"
        cat <<CASE
< 220*
> EHLO client.example.net
< 250*
> MAIL FROM:<sender@client.example.net>
< 2*
> RCPT TO:<$3>
< *
> DATA
< *
| Subject: containment $1 $n
|
| body
< *
> QUIT
< 221*
CASE
    } >"$f"
}

dots=../../../../../../../../../../../../../../../..
# 1. a root-only file read through an include
for v in ":include:/root/$tag-secret" "\":include:/root/$tag-secret\"" \
    ":\\include:/root/$tag-secret" ":INCLUDE:/tmp/$tag-secret" \
    "pfuser, :include:/tmp/$tag-secret"; do
    crafted read "map alias_maps victim $v" victim@example.test
done
# 2. files written outside the instance
for v in "/tmp/$tag-w1" "\"/tmp/$tag-w2\"" "\\/tmp/$tag-w3" \
    "<pfuser>/tmp/$tag-w4" "/var/lib/$tag-w5" "pfuser, /var/tmp/$tag-w6"; do
    crafted write "map alias_maps victim $v" victim@example.test
done
# 3. mailbox paths that traverse
for v in "$dots/tmp/$tag-mbox1/" "$dots/var/tmp/$tag-mbox2" \
    "a/$dots/var/lib/$tag-mbox3/" "/tmp/$tag-mbox4/"; do
    crafted mailbox "map virtual_mailbox_maps pfuser@example.test $v" \
        pfuser@example.test
done
# 4. mail to a UNIX socket on the host
for v in "lmtp:unix:/tmp/$tag-sock" "lmtp:unix:$dots/run/$tag-sock" \
    "lmtp:/tmp/$tag-sock" "smtp:unix:/tmp/$tag-sock"; do
    crafted socket "map transport_maps far.example $v" user@far.example
done
crafted socket "table acc 127.0.0.1 FILTER lmtp:unix:/tmp/$tag-sock
config smtpd_client_restrictions = check_client_access table:acc" \
    user@far.example
# 5. a host user's .forward command
for v in "$user@localhost" "$user@mx.example.test" "$user"; do
    crafted forward "map virtual_alias_maps x@example.test $v" x@example.test
done
crafted forward "map alias_maps victim $user" victim@example.test
total=$n

# 1. Validation on: the classes that need a command, a file, an include,
#    a path or a foreign next hop are refused before anything starts. A
#    host user's address is an address: it may pass, and must then be
#    contained by the instance's own denials (forward_path is empty).
mkdir "$T/accepted"
refused=0
for f in "$T"/cases/*.case; do
    set +e
    "$PFH" cases "$f" >"$T/out" 2>"$T/err"
    got=$?
    set -e
    case "$got:$(basename "$f")" in
    0:forward-*) cp "$f" "$T/accepted/"; continue ;;
    2:*) ;;
    *) cat "$T/err" >&2; fail "$f: exit $got, wanted 2" ;;
    esac
    [ "$(wc -l <"$T/err")" -eq 1 ] || fail "$f: more than one line: $(cat "$T/err")"
    grep -q "^pfharness: error: $f:[0-9][0-9]*: " "$T/err" ||
        fail "$f: no file:line: $(cat "$T/err")"
    refused=$((refused + 1))
done
echo "ok: $refused of $total crafted cases refused at parse"

# check_contained - nothing of the replay reached the host
check_contained() {
    if grep -rl "$token" "$T/replay.out" "$T/replay.err" $runs; then
        fail "the secret reached an output"
    fi
    for f in /tmp/$tag-w* /var/tmp/$tag-w* /var/lib/$tag-w* /tmp/$tag-mbox* \
        /var/tmp/$tag-mbox* /var/lib/$tag-mbox* /tmp/$tag-forward-ran; do
        [ -e "$f" ] && fail "$f appeared on the host"
    done
    [ ! -s "$T/heard" ] || fail "a host socket heard: $(head -c 300 "$T/heard")"
    echo "ok: $1: no secret in any output, no file on the host, no host socket heard anything"
}

# replay_all DIR [ENV] - replay every case of DIR; runs: its run dirs
replay_all() {
    touch "$T/start"
    sleep 1
    set +e
    env $2 "$PFH" replay --keep --build "$id" "$1" >"$T/replay.out" \
        2>"$T/replay.err"
    rc=$?
    set -e
    [ $rc -le 1 ] || { cat "$T/replay.err" >&2; fail "replay exited $rc"; }
    runs=$(find "$var/runs" -maxdepth 1 -newer "$T/start" -name 'replay-*')
    [ -n "$runs" ] || fail "no run directory"
    echo "$runs" >>"$T/runs"
    # The instance did run the cases: the transcripts are there.
    [ "$(grep -c '^< 221' "$T/replay.out")" -ge "$(ls "$1" | wc -l)" ] ||
        fail "not every case ran: $(tail -5 "$T/replay.out")"
}

if [ -n "$(ls "$T/accepted")" ]; then
    replay_all "$T/accepted" PFH_NOTHING=1
    check_contained "$(ls "$T/accepted" | wc -l) accepted cases, checks on"
fi

# 2. Validation off: the instance's mount namespace alone contains them.
replay_all "$T/cases" PFHARNESS_TEST_ONLY_UNCHECKED=contain-me
check_contained "$total cases, checks and denials off"
[ $have_user -eq 1 ] && echo "ok: $user's .forward command did not run"
exit 0

#!/bin/sh
# t0110-build - build O0 and O2 of the fetched Debian source; check the
#               flags, the stage, the cache, and the bad-variant errors
#
# The builds go to the shared var/ (or $PFHARNESS_VAR), where later
# tests and runs find them cached. In CI, this is where they are made.
. "$(dirname "$0")/lib.sh"
need_root

VAR=${PFHARNESS_VAR:-$TOP/var}
case $VAR in /*) ;; *) VAR=$PWD/$VAR ;; esac

# now_ms - wall clock in milliseconds
now_ms() { echo $(($(date +%s%N) / 1000000)); }

# secs MS - "12.345"
secs() { printf '%d.%03d' $(($1 / 1000)) $(($1 % 1000)); }

# build VARIANT - build it, set $id, $stage, $ms; the line is in $T/out
build() {
    start=$(now_ms)
    expect_exit 0 "$PFH" build --variant "$1"
    ms=$(($(now_ms) - start))
    cat "$T/err"
    [ "$(wc -l <"$T/out")" -eq 1 ] || fail "build $1: wanted one line"
    grep -q "^[0-9a-f]\{16\} $VAR/builds/[0-9a-f]\{16\}/stage\$" "$T/out" ||
        fail "build $1: not '<build-id> <stage>': $(cat "$T/out")"
    read -r id stage <"$T/out"
    [ "$stage" = "$VAR/builds/$id/stage" ] || fail "stage is not under its id"
    echo "build $1: $id in $(secs $ms) s"
}

# compile_lines LOG - the compiler invocations of a make.log
compile_lines() {
    grep -E '^[^ ]*(ccache|gcc|clang|cc)[^ ]* .* -c ' "$1" || true
}

echo "== the default source"
expect_exit 0 "$PFH" fetch
cat "$T/out"

echo "== O0"
build O0
o0=$id o0_stage=$stage o0_ms=$ms
cp "$T/out" "$T/o0.line"
log="$VAR/builds/$o0/make.log"
n=$(compile_lines "$log" | wc -l)
echo "O0: $n compile lines"
[ "$n" -gt 300 ] || fail "O0: only $n compile lines in $log"
if compile_lines "$log" | grep -E '(^| )-O[^ ]*( |$)' >"$T/bad"; then
    head -n 3 "$T/bad"
    fail "O0: $(wc -l <"$T/bad") compile lines carry an -O flag"
fi
grep -q '^+ make makefiles .* OPT= CCARGS=' "$log" ||
    fail "O0: make makefiles was not given an empty OPT="

echo "== O2"
build O2
o2=$id o2_ms=$ms
[ "$o2" != "$o0" ] || fail "O0 and O2 have the same build id"
log="$VAR/builds/$o2/make.log"
n=$(compile_lines "$log" | wc -l)
echo "O2: $n compile lines"
[ "$n" -gt 300 ] || fail "O2: only $n compile lines in $log"
if compile_lines "$log" | grep -v -e ' -O2 ' >"$T/bad"; then
    head -n 3 "$T/bad"
    fail "O2: $(wc -l <"$T/bad") compile lines lack -O2"
fi

echo "== the stage of O0"
for f in usr/sbin/postfix usr/sbin/postconf usr/sbin/sendmail \
    usr/libexec/postfix/master usr/libexec/postfix/smtpd \
    usr/libexec/postfix/qmgr usr/libexec/postfix/pickup \
    usr/libexec/postfix/cleanup usr/libexec/postfix/local \
    usr/libexec/postfix/smtp usr/libexec/postfix/bounce \
    usr/libexec/postfix/trivial-rewrite; do
    [ -f "$o0_stage/$f" ] && [ -x "$o0_stage/$f" ] ||
        fail "no executable $f in the stage"
done
for f in postdrop postqueue; do
    got=$(stat -c '%G %A' "$o0_stage/usr/sbin/$f")
    echo "$f: $got"
    case $got in
    "postdrop -rwxr-sr-x") ;;
    *) fail "$f is '$got', wanted group postdrop and mode 2755" ;;
    esac
done

echo "== O0 again: cached, the same line, under 1 s"
build O0
cached_ms=$ms
cmp -s "$T/o0.line" "$T/out" || fail "the cached build printed another line"
[ "$cached_ms" -lt 1000 ] || fail "the cached build took $(secs $cached_ms) s"
! grep -q 'new build' "$T/err" || fail "the second build was not cached"

echo "== builds lists both"
expect_exit 0 "$PFH" builds
cat "$T/out"
grep -q "^$o0  O0 " "$T/out" || fail "builds does not list $o0 as O0"
grep -q "^$o2  O2 " "$T/out" || fail "builds does not list $o2 as O2"

echo "== an unknown variant"
expect_exit 2 "$PFH" build --variant nosuch
cat "$T/err"
[ "$(wc -l <"$T/err")" -eq 1 ] || fail "wanted one line"
grep -q "^pfharness: error: unknown variant 'nosuch': .*(known: .*O0 .*O2" \
    "$T/err" || fail "the message does not name the variant and list others"

echo "== a malformed spec"
mkdir "$T/specs"
printf 'about broken on purpose\nopt -O2\nfrobnicate yes\n' >"$T/specs/bad.build"
expect_exit 2 env PFHARNESS_BUILDS="$T/specs" "$PFH" build --variant bad
cat "$T/err"
grep -q "^pfharness: error: $T/specs/bad.build:3: unknown key 'frobnicate'\$" \
    "$T/err" || fail "wanted 'file:line: message'"
printf 'opt -O2\r\n' >"$T/specs/crlf.build"
expect_exit 2 env PFHARNESS_BUILDS="$T/specs" "$PFH" build --variant crlf
cat "$T/err"
grep -q "$T/specs/crlf.build:1: carriage return in line" "$T/err" ||
    fail "a CRLF spec was not rejected"

echo "times: O0 $(secs $o0_ms) s, O2 $(secs $o2_ms) s," \
    "O0 cached $(secs $cached_ms) s"

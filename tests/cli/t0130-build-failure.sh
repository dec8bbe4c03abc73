#!/bin/sh
# t0130-build-failure - a failed build exits 2, naming its make.log and the
# first compiler error line, and is never reused as if it had finished.
. tests/cli/lib.sh
need_root

# A compiler that cannot compile one file of Postfix's util library.
cat >"$T/broken-cc.sh" <<'CC'
#!/bin/sh
for a in "$@"; do
    case "$a" in
    alldig.c) echo "alldig.c:1:1: error: pfharness test: this compiler is broken" >&2
              exit 1 ;;
    esac
done
exec gcc "$@"
CC
chmod +x "$T/broken-cc.sh"

expect_exit 2 $PFH build --variant O0 --cc "$T/broken-cc.sh"
cat "$T/err"
grep -q "make.log" "$T/err" || fail "the message does not name make.log"
grep -q "alldig.c:1:1: error: pfharness test: this compiler is broken" "$T/err" ||
    fail "the message lacks the first compiler error line"
[ "$(wc -l <"$T/err")" -eq 1 ] || fail "more than one line on stderr"
log=$(sed -n "s/.*see \([^:]*make.log\).*/\1/p" "$T/err")
[ -f "$log" ] || fail "make.log '$log' is not there"
dir=$(dirname "$log")
[ ! -e "$dir/build.json" ] || fail "a failed build has a build.json"

# The same build again is not taken from the cache: it fails again.
expect_exit 2 $PFH build --variant O0 --cc "$T/broken-cc.sh"
$PFH builds | grep -q "$(basename "$dir")" && fail "builds lists a failed build"
rm -rf "$dir" "$dir.lock"
echo "ok: failed builds exit 2 with the first error and are never reused"

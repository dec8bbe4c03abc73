#!/bin/sh
# t0120-build-wrapper - a wrapper script as --cc is a compiler: its
#                       contents are part of the build id
#
# Builds O0 (the cheapest) with "--cc ./wrapper.sh" three times: new,
# cached, and after the wrapper was edited (a new id, a new build).
# Then "build --rm" removes that build and a rebuild of the same id
# happens with ccache's help. The builds made here are removed at the
# end; the wall times go to the log.
. "$(dirname "$0")/lib.sh"
need_root

VAR=${PFHARNESS_VAR:-$TOP/var}
case $VAR in /*) ;; *) VAR=$PWD/$VAR ;; esac
# The wrapper is given as ./wrapper.sh from $T: state and specs must
# not depend on the current directory.
export PFHARNESS_VAR="$VAR"
export PFHARNESS_BUILDS="${PFHARNESS_BUILDS:-$TOP/builds}"
ids=""

cleanup() {
    for i in $ids; do
        "$PFH" build --rm "$i" >/dev/null 2>&1 || true
    done
    rm -rf "$T"
}
trap cleanup EXIT

now_ms() { echo $(($(date +%s%N) / 1000000)); }
secs() { printf '%d.%03d' $(($1 / 1000)) $(($1 % 1000)); }

# build WHAT - build O0 with the wrapper; set $id and $ms
build() {
    start=$(now_ms)
    expect_exit 0 "$PFH" build --variant O0 --cc ./wrapper.sh
    ms=$(($(now_ms) - start))
    cat "$T/err"
    read -r id stage <"$T/out"
    [ "$stage" = "$VAR/builds/$id/stage" ] || fail "$1: odd line $(cat "$T/out")"
    case " $ids " in *" $id "*) ;; *) ids="$ids $id" ;; esac
    echo "$1: $id in $(secs $ms) s"
}

# ccache_hits - cache hits so far in the harness's ccache
ccache_hits() {
    CCACHE_DIR="$VAR/ccache" ccache --print-stats 2>/dev/null |
        awk '$1 == "direct_cache_hit" || $1 == "preprocessed_cache_hit" \
             { n += $2 } END { print n + 0 }'
}

command -v ccache >/dev/null || skip "no ccache"
expect_exit 0 "$PFH" fetch

cd "$T"
printf '#!/bin/sh\nexec gcc "$@"\n' >wrapper.sh
chmod 755 wrapper.sh

build "first build"
first=$id cold_ms=$ms
grep -q 'new build O0' "$T/err" || fail "the first build was not new"
grep -q "\"path\":\"$T/wrapper.sh\"" "$VAR/builds/$first/build.json" ||
    fail "build.json does not name the wrapper as the compiler"
grep -q "CC=.*$T/wrapper.sh" "$VAR/builds/$first/make.log" ||
    fail "make makefiles did not get the wrapper as CC"

build "same wrapper"
cached_ms=$ms
[ "$id" = "$first" ] || fail "the same wrapper gave another id"
! grep -q 'new build' "$T/err" || fail "the same wrapper was not cached"
[ "$cached_ms" -lt 1000 ] || fail "the cached build took $(secs $cached_ms) s"

echo "# a comment changes nothing gcc does, but it is another compiler" \
    >>wrapper.sh
build "edited wrapper"
edited=$id edited_ms=$ms
[ "$edited" != "$first" ] || fail "editing the wrapper kept the build id"
grep -q 'new build O0' "$T/err" || fail "the edited wrapper was not built anew"
[ -d "$VAR/builds/$first" ] || fail "the first build disappeared"

echo "== build --rm $edited"
expect_exit 0 "$PFH" build --rm "$edited"
cat "$T/err"
[ ! -e "$VAR/builds/$edited" ] || fail "--rm left the build directory"
expect_exit 0 "$PFH" builds
! grep -q "^$edited " "$T/out" || fail "builds still lists $edited"
expect_exit 2 "$PFH" build --rm "$edited"
grep -q "no finished build '$edited'" "$T/err" ||
    fail "a second --rm does not say the build is gone"

hits=$(ccache_hits)
build "rebuild after --rm"
rebuild_ms=$ms
[ "$id" = "$edited" ] || fail "the rebuild has another id"
grep -q 'new build O0.*(ccache)' "$T/err" || fail "the rebuild did not use ccache"
hits=$(($(ccache_hits) - hits))
echo "ccache hits during the rebuild: $hits"
[ "$hits" -gt 300 ] || fail "the rebuild got only $hits ccache hits"

echo "times: cold $(secs $cold_ms) s, cached $(secs $cached_ms) s," \
    "edited wrapper $(secs $edited_ms) s, rebuild after --rm" \
    "$(secs $rebuild_ms) s"

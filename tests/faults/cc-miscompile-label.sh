#!/bin/sh
# cc-miscompile-label.sh - a C compiler that "miscompiles" one libutil
# function when optimizing
#
# It behaves exactly like $PFH_REAL_CC (default gcc), except when it
# compiles src/util/valid_hostname.c at -O2, -O3, -Os or -Ofast: then it
# compiles a copy in which valid_hostname() refuses a label of exactly
# VALID_LABEL_LEN (63) bytes, as a bad bounds check might ('>' became
# '>='). -O0 and -O1 are unaffected. In a shared build the function
# lands in libpostfix-util.so, where the func case func-valid-hostname
# calls it: that case is the oracle of this fault (t0350).
#
# Every input of a build counts in the build id, this script included.
real=${PFH_REAL_CC:-gcc}
src= opt=no has_o=no
for a in "$@"; do
    case "$a" in
    valid_hostname.c|*/valid_hostname.c) src=$a ;;
    -O[23s]|-Ofast) opt=yes ;;
    -O|-O0|-O1) opt=no ;;
    -E|-M|-MM) src= ; break ;;    # preprocessing (ccache): the source as it is
    -o) has_o=yes ;;
    esac
done
if [ -z "$src" ] || [ "$opt" = no ]; then
    exec "$real" "$@"
fi
dir=$(dirname "$src")
bad="$dir/.valid-hostname-miscompiled.c"
sed 's/if (label_length > VALID_LABEL_LEN) {/if (label_length >= VALID_LABEL_LEN) {/' "$src" >"$bad" || exit 1
grep -q ">= VALID_LABEL_LEN" "$bad" || { echo "cc-miscompile-label: pattern not found in $src" >&2; exit 1; }
[ "$has_o" = yes ] || set -- "$@" -o "${src%.c}.o"
args=
for a in "$@"; do
    [ "$a" = "$src" ] && a=$bad
    args="$args '$(printf %s "$a" | sed "s/'/'\\\\''/g")'"
done
eval "set -- $args"
"$real" "$@"
rc=$?
rm -f "$bad"
exit $rc

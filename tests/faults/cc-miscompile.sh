#!/bin/sh
# cc-miscompile.sh - a C compiler that "miscompiles" one translation unit
#
# Real miscompiles are rare, so this wrapper simulates one. It behaves
# exactly like $PFH_REAL_CC (default gcc), except when it compiles
# src/global/xtext.c at -O2, -O3, -Os or -Ofast: then it compiles a copy
# in which xtext_unquote() decodes the high nibble of "+XX" wrongly, as a
# bad strength reduction might. -O0 and Postfix's default -O are
# unaffected, so a run of O0, default and O2 has two builds against one.
# The object file keeps its name, so nothing else in the build can tell.
#
# With PFH_MISCOMPILE_FLAG=-fsomething, the fault appears only while that
# optimization is on (the -O level enables it and no -fno-something turns
# it off): flag bisection must find it.
#
# Every input of a build counts in the build id, this script's contents
# included: edit it and the builds are new.
real=${PFH_REAL_CC:-gcc}
src= opt=no flag_on=yes has_o=no
for a in "$@"; do
    case "$a" in
    xtext.c|*/xtext.c) src=$a ;;
    -O[23s]|-Ofast) opt=yes ;;
    -O|-O0|-O1) opt=no ;;
    -E|-M|-MM) src= ; break ;;    # preprocessing (ccache): the source as it is
    -o) has_o=yes ;;
    esac
done
if [ -n "${PFH_MISCOMPILE_FLAG:-}" ]; then
    off="-fno-${PFH_MISCOMPILE_FLAG#-f}"
    for a in "$@"; do
        [ "$a" = "$off" ] && flag_on=no
    done
fi
if [ -z "$src" ] || [ "$opt" = no ] || [ "$flag_on" = no ]; then
    exec "$real" "$@"
fi
dir=$(dirname "$src")
bad="$dir/.xtext-miscompiled.c"
sed 's/ch = (cp\[1\] - .0.) << 4;/ch = (cp[1] - '"'"'0'"'"') << 3;/' "$src" >"$bad" || exit 1
grep -q "<< 3;" "$bad" || { echo "cc-miscompile: pattern not found in $src" >&2; exit 1; }
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

#!/bin/sh
# cc-crash-banner.sh - a C compiler whose optimizer breaks smtpd's banner
#
# The most dramatic miscompilation there is: an optimized smtpd that dies
# before it says "220". This wrapper behaves exactly like $PFH_REAL_CC
# (default gcc), except when it compiles src/smtpd/smtpd.c with any -O
# level but -O0: then it compiles a copy in which the line that sends the
# banner raises SIGSEGV instead. Postfix's default -O and -O2 are hit, the
# unoptimized build (OPT= passes no -O at all) is not: with the default
# variant set, two builds stand against one, and the one is right.
#
# Every input of a build counts in the build id, this script's contents
# included: edit it and the builds are new.
real=${PFH_REAL_CC:-gcc}
src= opt=no has_o=no
for a in "$@"; do
    case "$a" in
    smtpd.c|*/smtpd/smtpd.c) src=$a ;;
    -O0) opt=no ;;
    -O|-O[1-3s]|-Ofast) opt=yes ;;
    -E|-M|-MM) src= ; break ;;    # preprocessing (ccache): the source as it is
    -o) has_o=yes ;;
    esac
done
if [ -z "$src" ] || [ "$opt" = no ]; then
    exec "$real" "$@"
fi
dir=$(dirname "$src")
bad="$dir/.smtpd-miscompiled.c"
{
    echo '#include <signal.h>'
    sed 's/smtpd_chat_reply(state, "220 %s", var_smtpd_banner);/raise(SIGSEGV);/' "$src"
} >"$bad" || exit 1
grep -q "raise(SIGSEGV);" "$bad" || { echo "cc-crash-banner: pattern not found in $src" >&2; exit 1; }
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

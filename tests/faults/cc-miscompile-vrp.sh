#!/bin/sh
# cc-miscompile-vrp.sh - cc-miscompile.sh's fault, only while -ftree-vrp is on
#
# The same simulated miscompile of src/global/xtext.c, keyed to one flag
# that -O2 enables and -O1 does not: "bisect flags" must name -ftree-vrp.
# A wrapper of its own, not an environment variable, because the build
# id and ccache know a compiler by its file: a variable would let a build
# or a cached object made without it stand in for one made with it.
#
# The build id hashes this file, not cc-miscompile.sh: the hash below
# ties the two, so that editing cc-miscompile.sh means editing this file
# too (and so new builds).
inner=$(dirname "$0")/cc-miscompile.sh
want=7652da2bbb26f9cff6f24de262b1933aeb407a7a556f722db511ba1d17927d07
have=$(sha256sum "$inner" | cut -d' ' -f1)
if [ "$have" != "$want" ]; then
    echo "cc-miscompile-vrp: $inner changed; update the hash in $0" >&2
    exit 1
fi
PFH_MISCOMPILE_FLAG=-ftree-vrp exec sh "$inner" "$@"

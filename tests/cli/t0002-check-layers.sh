#!/bin/sh
# t0002 - ci/check-layers.sh passes on the tree, and fails on each kind of
# offence added to a copy: an upward include, a lower layer that prints,
# exits or parses argv, a flat module, an unknown folder, a row that
# allows a layer above it.
. tests/cli/lib.sh

expect_exit 0 sh ci/check-layers.sh
grep -q 'every include goes down' "$T/out" || fail "no summary line"

# offend NAME SETUP WANT - copy the layer table and the folder SETUP
# breaks (the check skips folders that are not there, which keeps this
# fast), break it, want exit 1 and an offence line that says WANT
offend() {
    o_name=$1 o_setup=$2 o_want=$3
    rm -rf "$T/h" && mkdir "$T/h" && cp harness/README.md harness/main.c "$T/h"
    o_dir=$(printf '%s\n' "$o_setup" | sed -n 's|.*"\$1/\([a-z]*\)/.*|\1|p' | head -n 1)
    [ -z "$o_dir" ] || [ ! -d "harness/$o_dir" ] || cp -R "harness/$o_dir" "$T/h/"
    sh -c "$o_setup" sh "$T/h"
    expect_exit 1 sh ci/check-layers.sh "$T/h"
    grep -qF "$o_want" "$T/out" || { cat "$T/out"; fail "$o_name: no line with '$o_want'"; }
}

offend upward 'sed -i "s|^#include \"util/mem.h\"|#include \"util/mem.h\"\n#include \"report/report.h\"|" "$1/case/case.c"' \
    'case/case.c: #include "report/report.h": case/ may not include report/'
offend upward-header 'printf "#include \"cmd/cmd.h\"\n" >> "$1/util/buf.h"' \
    'util/buf.h: #include "cmd/cmd.h"'
offend sideways 'printf "#include \"import/pcap.h\"\n" >> "$1/instance/sink.c"' \
    'instance/sink.c: #include "import/pcap.h": instance/ may not include import/'
offend unqualified 'printf "#include \"mem.h\"\n" >> "$1/util/buf.c"' \
    'util/buf.c: #include "mem.h": name the folder'
offend prints 'printf "void f(void);\nvoid f(void) { printf(\"x\"); }\n" >> "$1/verdict/verdict.c"' \
    'verdict/verdict.c: only cmd/ may parse argv, print or exit'
offend exits 'printf "void g(void);\nvoid g(void) { exit(2); }\n" >> "$1/narrow/record.c"' \
    'narrow/record.c: only cmd/ may parse argv, print or exit'
offend flat 'echo "int x;" > "$1/stray.c"' 'stray.c: only main.c may sit flat'
offend folder 'mkdir "$1/extra" && echo "int x;" > "$1/extra/x.c"' 'extra: a folder the layer table does not name'
offend table 'sed -i "s/^| \`util\/\` |\(.*\)| - |$/| \`util\/\` |\1| case |/" "$1/README.md"' \
    'util/ may include case/, which is not below it'

# Comments and strings do not count: "printf(" in either is no offence.
rm -rf "$T/h" && mkdir "$T/h" && cp -R harness/README.md harness/util "$T/h"
printf '/* printf("x"); exit(1); */\nstatic const char *s_ = "puts(x) stdout";\n' >> "$T/h/util/buf.c"
expect_exit 0 sh ci/check-layers.sh "$T/h"
echo "ok"

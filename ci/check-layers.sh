#!/bin/sh
# check-layers.sh - enforce harness/README.md's layering rule
#
#   sh ci/check-layers.sh [HARNESS_DIR]
#
# Fails (exit 1, one line per offence) when:
#   - a file sits flat in harness/ other than main.c, or in a folder the
#     README's table does not name;
#   - a folder includes a header of a folder its row does not allow, or a
#     row allows a folder that is not below it in the table;
#   - outside cmd/ and main.c, code (comments stripped) parses argv
#     (getopt), calls exit(), or prints to stdout (printf, puts, stdout).
set -eu
dir=${1:-harness}
readme=$dir/README.md
[ -f "$readme" ] || { echo "check-layers: $readme: missing" >&2; exit 2; }

# "| `util/` | ... | a b c |" -> "util a b c", in table order, bottom first.
rows=$(sed -n 's/^| `\([a-z]*\)\/` |.*| \([a-z -]*\) |$/\1 \2/p' "$readme" | tr -d '-')
[ -n "$rows" ] || { echo "check-layers: $readme: no layer table" >&2; exit 2; }
folders=$(printf '%s\n' "$rows" | awk '{print $1}')
bad=0
fail() { echo "check-layers: $*"; bad=1; }

# Each row may only allow folders above it in the table (lower layers).
seen=" "
printf '%s\n' "$rows" | {
    seen=" "; rc=0
    while read -r f allowed; do
        for a in $allowed; do
            case "$seen" in
            *" $a "*) ;;
            *) echo "check-layers: $readme: $f/ may include $a/, which is not below it"; rc=1 ;;
            esac
        done
        seen="$seen$f "
    done
    exit $rc
} || bad=1

for f in "$dir"/*; do
    b=${f##*/}
    [ "$b" = main.c ] || [ "$b" = README.md ] && continue
    if [ -d "$f" ]; then
        printf '%s\n' "$folders" | grep -qx "$b" || fail "$f: a folder the layer table does not name"
    else
        fail "$f: only main.c may sit flat in $dir/"
    fi
done

# Every include, one grep: "FILE:NAME".
incs=$(grep -H '^[[:space:]]*#[[:space:]]*include[[:space:]]*"' "$dir"/*/*.[ch] 2>/dev/null |
    sed 's/^\([^:]*\):[^"]*"\([^"]*\)".*/\1 \2/') || true
offences=$(printf '%s\n' "$incs" | awk -v rows="$rows" '
    BEGIN {
        n = split(rows, line, "\n")
        for (i = 1; i <= n; i++) {
            k = split(line[i], w, " ")
            allow[w[1] "/" w[1]] = 1
            for (j = 2; j <= k; j++) allow[w[1] "/" w[j]] = 1
            known[w[1]] = 1
        }
    }
    NF == 2 {
        file = $1; inc = $2
        m = split(file, part, "/"); from = part[m - 1]
        if (!(from in known)) next
        if (index(inc, "/") == 0) {
            printf "%s: #include \"%s\": name the folder\n", file, inc; next
        }
        to = substr(inc, 1, index(inc, "/") - 1)
        if (!((from "/" to) in allow))
            printf "%s: #include \"%s\": %s/ may not include %s/\n", file, inc, from, to
    }')
if [ -n "$offences" ]; then
    printf '%s\n' "$offences" | sed 's/^/check-layers: /'
    bad=1
fi

# Outside cmd/: no argv parsing, no exit(), no stdout. Comments and
# strings are stripped by the preprocessor's own lexer first.
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
for folder in $folders; do
    [ "$folder" = cmd ] && continue
    for src in "$dir/$folder"/*.[ch]; do
        [ -e "$src" ] || continue
        gcc -fpreprocessed -dD -E -P -x c "$src" 2>/dev/null |
            sed 's/"\([^"\\]\|\\.\)*"/""/g' > "$tmp"
        if grep -qE '(^|[^_a-z0-9])(exit|printf|puts|getopt|getopt_long)[[:space:]]*\(|(^|[^_a-z0-9])stdout([^_a-z0-9]|$)' "$tmp"; then
            grep -E '(^|[^_a-z0-9])(exit|printf|puts|getopt|getopt_long)[[:space:]]*\(|(^|[^_a-z0-9])stdout([^_a-z0-9]|$)' "$tmp" |
                sed "s|^[[:space:]]*|check-layers: $src: only cmd/ may parse argv, print or exit: |"
            bad=1
        fi
    done
done
[ $bad -eq 0 ] && echo "check-layers: $(printf '%s\n' "$folders" | wc -l) folders, every include goes down"
exit $bad

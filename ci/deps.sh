#!/bin/sh
# deps.sh - install what pfharness and a Postfix build need (Debian 12, root)
#
# COMPILERS="gcc-11 clang-15 ..." adds Debian's compilers of those names.
#
# Idempotent: packages already installed, deb-src entries already present,
# and the postfix/postdrop accounts are left alone. Writes no mirror host
# name of its own: deb-src entries are derived from the machine's own apt
# sources (deb822 .sources files and one-line .list files).
set -eu

if [ "$(id -u)" -ne 0 ]; then
    echo "deps: root is needed to install packages and create the postfix user; run 'sudo make deps'" >&2
    exit 2
fi

# Packages: the harness itself, a Postfix build with Debian's feature set,
# and the tools that narrowing and escalation call.
PKGS="build-essential pkg-config m4 libdb-dev libpcre2-dev libssl-dev
libsasl2-dev liblmdb-dev libicu-dev libnsl-dev
libgit2-dev libffi-dev libcmocka-dev libjson-c-dev libgmime-3.0-dev
libarchive-dev libpcap-dev
ccache gdb strace iproute2 clang libclang-rt-dev dpkg-dev git patch
tcpdump swaks chromium python3-yaml wamerican mold"

# COMPILERS="gcc-11 clang-15": Debian's compilers of those names, for run
# --compilers (bookworm has gcc-11 and gcc-12, clang-13 to clang-16).
# Each name is checked against that grammar before it reaches apt-get.
for cc in $(echo "${COMPILERS:-}" | tr ',' ' '); do
    case $cc in
    gcc-[0-9] | gcc-[0-9][0-9] | clang-[0-9] | clang-[0-9][0-9]) ;;
    *)  echo "deps: COMPILERS: '$cc' is not gcc-N or clang-N" >&2
        exit 2 ;;
    esac
    PKGS="$PKGS $cc"
done

need_src=yes
srcdir=/etc/apt/sources.list.d

# enable_deb_src - add deb-src for every enabled deb source, in a file we own
enable_deb_src() {
    out=$srcdir/pfharness-deb-src.sources
    tmp=$(mktemp)
    # deb822 files: copy each stanza with Types: deb into Types: deb-src.
    for f in $srcdir/*.sources; do
        [ -e "$f" ] || continue
        [ "$f" = "$out" ] && continue
        awk '
            BEGIN { RS = ""; ORS = "\n\n" }
            /(^|\n)Types:[^\n]*deb-src/ { next }
            /(^|\n)Enabled:[ \t]*no/ { next }
            /(^|\n)Types:[^\n]*(^|[ \t])deb([ \t]|\n|$)/ {
                gsub(/(^|\n)#[^\n]*/, "")
                sub(/Types:[^\n]*/, "Types: deb-src")
                sub(/^\n+/, "")
                print
            }' "$f" >>"$tmp"
    done
    # one-line files: deb ... -> deb-src ...
    for f in /etc/apt/sources.list $srcdir/*.list; do
        [ -e "$f" ] || continue
        sed -n 's/^[ \t]*deb[ \t]/deb-src /p' "$f" >>"$tmp.list" 2>/dev/null || true
    done
    if [ -s "$tmp" ]; then
        if ! cmp -s "$tmp" "$out" 2>/dev/null; then
            mv "$tmp" "$out"; chmod 644 "$out"; echo "deps: wrote $out"
        else
            rm -f "$tmp"
        fi
    else
        rm -f "$tmp"
    fi
    if [ -s "$tmp.list" ]; then
        mv "$tmp.list" $srcdir/pfharness-deb-src.list; chmod 644 $srcdir/pfharness-deb-src.list
    else
        rm -f "$tmp.list"
    fi
}

# has_deb_src - true when apt already knows postfix's source package
has_deb_src() {
    apt-cache showsrc postfix 2>/dev/null | grep -q '^Package: postfix'
}

# One dpkg-query for all of them: "make run" calls this every time.
installed=$(dpkg-query -W -f='${Package} ${Status}\n' $PKGS 2>/dev/null |
    awk '$NF == "installed" && $(NF-1) == "ok" { print $1 }')
missing=""
for p in $PKGS; do
    echo "$installed" | grep -qx "$p" || missing="$missing $p"
done

if ! has_deb_src; then
    enable_deb_src
else
    need_src=no
fi
if [ -n "$missing" ] || [ "$need_src" = yes ]; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q >/dev/null
    if [ -n "$missing" ]; then
        echo "deps: installing$missing"
        apt-get install -y -q --no-install-recommends $missing >/dev/null
    fi
fi
if [ "$need_src" = yes ] && ! has_deb_src; then
    echo "deps: apt has no source package for postfix after enabling deb-src" >&2
    exit 2
fi

# Accounts Postfix needs: the postdrop group and the postfix user.
getent group postdrop >/dev/null || groupadd --system postdrop
getent group postfix >/dev/null || groupadd --system postfix
getent passwd postfix >/dev/null ||
    useradd --system --gid postfix --home-dir /nonexistent --no-create-home \
        --shell /usr/sbin/nologin postfix
echo "deps: ok"

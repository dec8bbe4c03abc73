/*
 * NAME
 *	case/gen 3
 * SUMMARY
 *	the input generators of func cases: seeded, byte for byte the same
 *	everywhere
 * SYNOPSIS
 *	#include "case/func.h"
 *
 *	void	hr_gen_make(out, v, seed, f)
 * DESCRIPTION
 *	hr_gen_make() appends to out the string that generator v (a
 *	'gen' value of func case f) makes for seed: the same bytes on
 *	every machine and in every build, so that a build's results can be
 *	compared with another's input by input. The seed already mixes the
 *	line's seed, the input's number and the value's place (func(3)),
 *	so that any input can be made on its own (a probe that restarts
 *	after a crash starts at the next input).
 *
 *	Each generator mixes the well-formed with the edge cases a parser
 *	meets: empty parts, parts at and beyond their limits, 8-bit bytes,
 *	malformed UTF-8, stray separators. None makes a NUL byte.
 *
 *	hostname(labels=A..B)  1 to 4 labels of A..B bytes; 6 in 10 names
 *	                       of [a-z0-9] and inner hyphens, the others
 *	                       noisy: leading and trailing hyphens,
 *	                       digits-only, underscores, capitals, 8-bit
 *	                       bytes, empty labels, a trailing dot
 *	ipaddr()               IPv4 and IPv6 text, in and out of range,
 *	                       compressed, with an IPv4 tail, bracketed or
 *	                       "IPv6:"-prefixed, and junk
 *	address()              local@domain: dot-atoms, quoted strings,
 *	                       stray dots, angle brackets, comments, routes
 *	bytes(len=A..B)        bytes 1 to 255
 *	utf8(len=A..B)         code points of 1 to 4 bytes, and malformed
 *	                       sequences (lone continuations, overlong forms,
 *	                       surrogates, truncations, F5 to FF)
 *	text(len=A..B, chars="...")  bytes of an alphabet
 *	xtext(len=A..B)        printable bytes and +XX escapes, some broken
 *	number()               digits with signs, units, overflow and junk
 *	header()               header lines, some without a colon
 *	base64(len=A..B)       encodings of random bytes, some corrupted
 *	dsn()                  status codes X.Y.Z, in and out of range
 *	masknames()            the case's 'entry' names with separators
 *	macro()                $name, ${name}, $(name), ${name?x}, ${name:y}
 *	                       over the case's 'macro' names, unbalanced too
 * SEE ALSO
 *	func(3), cases/README.md, "Func cases".
 */
#include <string.h>

#include "case/func.h"
#include "util/mem.h"

/* The generator's state: splitmix64. */
typedef struct rng {
    uint64_t s;
} rng;

static uint64_t next(rng *r)
{
    uint64_t z = (r->s += 0x9e3779b97f4a7c15ULL);

    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

/* below - 0 .. n-1 */
static unsigned below(rng *r, unsigned n)
{
    return n ? (unsigned)(next(r) % n) : 0;
}

/* range - lo .. hi */
static int range(rng *r, int lo, int hi)
{
    return hi <= lo ? lo : lo + (int)below(r, (unsigned)(hi - lo + 1));
}

/* pct - true in p of 100 */
static int pct(rng *r, unsigned p)
{
    return below(r, 100) < p;
}

static void pick(hr_buf *b, rng *r, const char *alphabet)
{
    hr_buf_putc(b, alphabet[below(r, (unsigned)strlen(alphabet))]);
}

#define LDH "abcdefghijklmnopqrstuvwxyz0123456789"
#define HEX "0123456789ABCDEF"

static void hostname(hr_buf *b, rng *r, int lo, int hi)
{
    int labels = 1 + (int)below(r, 4);
    int clean = pct(r, 60);     /* letters, digits, inner hyphens only */

    for (int l = 0; l < labels; l++) {
        int len = !clean && pct(r, 3) ? 0 : range(r, lo, hi);
        int digits = pct(r, 5);

        if (l)
            hr_buf_putc(b, '.');
        for (int i = 0; i < len; i++) {
            unsigned k = below(r, 100);

            if (digits)
                pick(b, r, "0123456789");
            else if (clean)
                hr_buf_putc(b, i > 0 && i + 1 < len && k < 5
                                   ? '-'
                                   : LDH[below(r, sizeof(LDH) - 1)]);
            else if (k < 85)
                pick(b, r, LDH);
            else if (k < 93)
                hr_buf_putc(b, '-');
            else if (k < 95)
                pick(b, r, "ABCDEFGHIJKLMNOPQRSTUVWXYZ");
            else if (k < 97)
                hr_buf_putc(b, '_');
            else if (k < 98)
                hr_buf_putc(b, (char)(0x80 + below(r, 0x80)));
            else
                pick(b, r, "!$%&*+/:;<=>?@[]^`{|}~ ");
        }
    }
    if (!clean && pct(r, 10))
        hr_buf_putc(b, '.');
}

static void ipv4(hr_buf *b, rng *r)
{
    int parts = pct(r, 5) ? (pct(r, 50) ? 3 : 5) : 4;

    for (int i = 0; i < parts; i++) {
        int v = pct(r, 10) ? range(r, 256, 999) : range(r, 0, 255);

        if (i)
            hr_buf_putc(b, '.');
        hr_buf_printf(b, pct(r, 5) ? "0%d" : "%d", v);
    }
}

static void ipaddr(hr_buf *b, rng *r)
{
    unsigned k = below(r, 100);
    int bracket = pct(r, 10), prefix = pct(r, 10);

    if (bracket)
        hr_buf_putc(b, '[');
    if (k < 50) {
        ipv4(b, r);
    } else if (k < 90) {
        int groups = pct(r, 5) ? 9 : 8, tail = pct(r, 10);
        int gap = pct(r, 50) ? (int)below(r, (unsigned)groups) : -1;

        if (prefix)
            hr_buf_puts(b, "IPv6:");
        if (tail)
            groups -= 2;
        for (int i = 0; i < groups; i++) {
            if (i == gap) {
                hr_buf_puts(b, i == 0 ? "::" : ":");
                i += (int)below(r, 3);
                continue;
            }
            if (i && !(i - 1 == gap))
                hr_buf_putc(b, ':');
            if (pct(r, 3))
                hr_buf_puts(b, "g1");
            else
                hr_buf_printf(b, "%x", (unsigned)below(r, 0x10000));
        }
        if (tail) {
            hr_buf_putc(b, ':');
            ipv4(b, r);
        }
    } else {
        int n = range(r, 0, 20);

        for (int i = 0; i < n; i++)
            pick(b, r, "0123456789abcdef.:[]xIPv6 -");
    }
    if (bracket)
        hr_buf_putc(b, ']');
}

static void address(hr_buf *b, rng *r)
{
    unsigned k = below(r, 100);
    int angle = pct(r, 10);

    if (angle)
        hr_buf_putc(b, '<');
    if (pct(r, 5))
        hr_buf_puts(b, "@relay.example:");
    if (k < 60) {
        int words = 1 + (int)below(r, 3);

        for (int w = 0; w < words; w++) {
            int n = range(r, 1, 12);

            if (w)
                hr_buf_putc(b, '.');
            for (int i = 0; i < n; i++)
                pick(b, r, pct(r, 90) ? LDH : "!#$%&'*+/=?^_`{|}~-");
        }
    } else if (k < 80) {
        int n = range(r, 0, 16);

        hr_buf_putc(b, '"');
        for (int i = 0; i < n; i++)
            pick(b, r, pct(r, 80) ? LDH : " .@<>()[],;:\\\"");
        hr_buf_putc(b, '"');
    } else if (k < 90) {
        hr_buf_puts(b, pct(r, 50) ? ".a..b" : "a.b.");
    } else if (k < 95) {
        hr_buf_putc(b, 'u');
        hr_buf_putc(b, (char)(0x80 + below(r, 0x80)));
    }
    if (pct(r, 5))
        hr_buf_puts(b, "(comment)");
    if (pct(r, 80)) {
        hr_buf_putc(b, '@');
        hostname(b, r, 1, 12);
    }
    if (angle)
        hr_buf_putc(b, '>');
}

static void bytes(hr_buf *b, rng *r, int lo, int hi)
{
    int n = range(r, lo, hi);

    for (int i = 0; i < n; i++)
        hr_buf_putc(b, (char)(1 + below(r, 255)));
}

static void utf8(hr_buf *b, rng *r, int lo, int hi)
{
    int n = range(r, lo, hi);

    while ((int)b->len < n) {
        unsigned k = below(r, 100);

        if (k < 40) {
            hr_buf_putc(b, (char)(0x20 + below(r, 0x5f)));
        } else if (k < 55) {
            unsigned cp = 0x80 + below(r, 0x780);

            hr_buf_putc(b, (char)(0xc0 | (cp >> 6)));
            hr_buf_putc(b, (char)(0x80 | (cp & 0x3f)));
        } else if (k < 65) {
            unsigned cp = 0x800 + below(r, 0xf800);

            if (cp >= 0xd800 && cp <= 0xdfff)
                cp -= 0x1000;
            hr_buf_putc(b, (char)(0xe0 | (cp >> 12)));
            hr_buf_putc(b, (char)(0x80 | ((cp >> 6) & 0x3f)));
            hr_buf_putc(b, (char)(0x80 | (cp & 0x3f)));
        } else if (k < 70) {
            unsigned cp = 0x10000 + below(r, 0x100000);

            hr_buf_putc(b, (char)(0xf0 | (cp >> 18)));
            hr_buf_putc(b, (char)(0x80 | ((cp >> 12) & 0x3f)));
            hr_buf_putc(b, (char)(0x80 | ((cp >> 6) & 0x3f)));
            hr_buf_putc(b, (char)(0x80 | (cp & 0x3f)));
        } else {
            /* malformed */
            static const char *const bad[] = {
                "\x80", "\xbf", "\xc0\x80", "\xc1\xbf", "\xe0\x80\x80",
                "\xed\xa0\x80", "\xed\xbf\xbf", "\xe2\x82", "\xf0\x9f\x98",
                "\xf4\x90\x80\x80", "\xf5\x80\x80\x80", "\xfe", "\xff",
                "\xc3", "\xe2\x28\xa1",
            };

            hr_buf_puts(b, bad[below(r, sizeof(bad) / sizeof(bad[0]))]);
        }
    }
}

static void text(hr_buf *b, rng *r, int lo, int hi, const char *chars)
{
    int n = range(r, lo, hi);

    for (int i = 0; i < n; i++)
        pick(b, r, chars && *chars ? chars
                                   : "abcdefghijklmnopqrstuvwxyz  ,;:\t");
}

static void xtext(hr_buf *b, rng *r, int lo, int hi)
{
    int n = range(r, lo, hi);

    for (int i = 0; i < n; i++) {
        unsigned k = below(r, 100);

        if (k < 60) {
            char c = (char)(0x21 + below(r, 0x5e));

            hr_buf_putc(b, c == '+' || c == '=' ? 'x' : c);
        } else if (k < 85) {
            hr_buf_putc(b, '+');
            pick(b, r, HEX);
            pick(b, r, HEX);
        } else if (k < 95) {
            hr_buf_putc(b, '+');
            if (pct(r, 50))
                pick(b, r, "0123456789abcdefgxyz+");
        } else {
            hr_buf_putc(b, (char)(pct(r, 50) ? 0x80 + below(r, 0x80)
                                             : 1 + below(r, 0x1f)));
        }
    }
}

static void number(hr_buf *b, rng *r)
{
    int digits = pct(r, 10) ? range(r, 11, 25) : range(r, 0, 6);

    if (pct(r, 5))
        hr_buf_putc(b, ' ');
    if (pct(r, 10))
        hr_buf_putc(b, pct(r, 50) ? '-' : '+');
    for (int i = 0; i < digits; i++)
        pick(b, r, "0123456789");
    if (pct(r, 50))
        pick(b, r, "smhdw");
    else if (pct(r, 5))
        pick(b, r, "xSk.");
    if (pct(r, 5))
        hr_buf_putc(b, ' ');
}

static void header(hr_buf *b, rng *r)
{
    unsigned k = below(r, 100);
    int n = range(r, 1, 30);

    if (k < 5)
        return;
    for (int i = 0; i < n; i++)
        pick(b, r, pct(r, 95) ? "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-"
                              : " \t(\x80\xff");
    if (k < 80)
        hr_buf_puts(b, pct(r, 90) ? ":" : " :");
    else if (k < 90)
        hr_buf_putc(b, ' ');
    if (pct(r, 70))
        text(b, r, 0, 20, NULL);
}

static void base64(hr_buf *b, rng *r, int lo, int hi)
{
    static const char alpha[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    int n = range(r, lo, hi), bad = pct(r, 30);
    size_t start = b->len;

    for (int i = 0; i + 2 < n; i += 3)
        for (int j = 0; j < 4; j++)
            hr_buf_putc(b, alpha[below(r, 64)]);
    if (n % 3 == 1) {
        hr_buf_putc(b, alpha[below(r, 64)]);
        hr_buf_putc(b, alpha[below(r, 4) << 4]);
        hr_buf_puts(b, "==");
    } else if (n % 3 == 2) {
        hr_buf_putc(b, alpha[below(r, 64)]);
        hr_buf_putc(b, alpha[below(r, 64)]);
        hr_buf_putc(b, alpha[below(r, 16) << 2]);
        hr_buf_putc(b, '=');
    }
    if (bad && b->len > start) {
        size_t at = start + below(r, (unsigned)(b->len - start));
        unsigned k = below(r, 3);

        if (k == 0)
            b->ptr[at] = "!*.-_ \x80"[below(r, 7)];
        else if (k == 1)
            hr_buf_truncate(b, at);
        else
            hr_buf_putc(b, '=');
    }
}

static void dsn(hr_buf *b, rng *r)
{
    if (pct(r, 5))
        return;
    hr_buf_printf(b, "%c.%d.%d", pct(r, 85) ? "245"[below(r, 3)]
                                            : "013x"[below(r, 4)],
                  pct(r, 90) ? range(r, 0, 9) : range(r, 10, 1200),
                  pct(r, 90) ? range(r, 0, 20) : range(r, 21, 1200));
    if (pct(r, 5))
        hr_buf_puts(b, pct(r, 50) ? ".1" : " x");
}

/* from - one of a list of "NAME REST" lines: NAME */
static void from(hr_buf *b, rng *r, const hr_strv *list)
{
    const char *s;

    if (list->n == 0)
        return;
    s = list->v[below(r, (unsigned)list->n)];
    hr_buf_put(b, s, strcspn(s, " "));
}

static void masknames(hr_buf *b, rng *r, const hr_func *f)
{
    int n = range(r, 0, 4);

    for (int i = 0; i < n; i++) {
        size_t start = b->len;

        if (i)
            pick(b, r, pct(r, 80) ? ", " : "\t|");
        if (pct(r, 10))
            hr_buf_puts(b, "bogus");
        else if (!pct(r, 5))
            from(b, r, &f->entries);
        if (pct(r, 10))
            for (size_t k = start; k < b->len; k++)
                if (b->ptr[k] >= 'a' && b->ptr[k] <= 'z')
                    b->ptr[k] = (char)(b->ptr[k] - 'a' + 'A');
    }
}

static void macro(hr_buf *b, rng *r, const hr_func *f)
{
    int n = range(r, 0, 5);

    for (int i = 0; i < n; i++) {
        unsigned k = below(r, 100);

        if (k < 20) {
            text(b, r, 0, 6, "abc xyz./-");
            continue;
        }
        hr_buf_putc(b, '$');
        if (k < 25) {
            hr_buf_putc(b, '$');
            continue;
        }
        if (k < 40) {
            pct(r, 20) ? hr_buf_puts(b, "unknown") : from(b, r, &f->macros);
            continue;
        }
        hr_buf_putc(b, k < 60 ? '{' : '(');
        pct(r, 15) ? hr_buf_puts(b, "unknown") : from(b, r, &f->macros);
        if (pct(r, 30)) {
            hr_buf_putc(b, pct(r, 50) ? '?' : ':');
            text(b, r, 0, 5, "abc ${}");
        }
        if (!pct(r, 5))
            hr_buf_putc(b, k < 60 ? '}' : ')');
    }
}

/* hr_gen_make - what generator v makes for seed */
void hr_gen_make(hr_buf *out, const hr_fvalue *v, uint64_t seed,
                 const hr_func *f)
{
    rng r = {seed};
    int lo = v->lo, hi = v->hi;

    (void)next(&r);
    switch (v->gen) {
    case HR_GEN_HOSTNAME:
        hostname(out, &r, lo, hi);
        break;
    case HR_GEN_IPADDR:
        ipaddr(out, &r);
        break;
    case HR_GEN_ADDRESS:
        address(out, &r);
        break;
    case HR_GEN_BYTES:
        bytes(out, &r, lo, hi);
        break;
    case HR_GEN_UTF8: {
        hr_buf u = HR_BUF_INIT;

        utf8(&u, &r, lo, hi);
        hr_buf_put(out, u.ptr ? u.ptr : "", u.len);
        hr_buf_release(&u);
        break;
    }
    case HR_GEN_TEXT:
        text(out, &r, lo, hi, v->chars);
        break;
    case HR_GEN_XTEXT:
        xtext(out, &r, lo, hi);
        break;
    case HR_GEN_NUMBER:
        number(out, &r);
        break;
    case HR_GEN_HEADER:
        header(out, &r);
        break;
    case HR_GEN_BASE64:
        base64(out, &r, lo, hi);
        break;
    case HR_GEN_DSN:
        dsn(out, &r);
        break;
    case HR_GEN_MASKNAMES:
        masknames(out, &r, f);
        break;
    case HR_GEN_MACRO:
        macro(out, &r, f);
        break;
    }
}

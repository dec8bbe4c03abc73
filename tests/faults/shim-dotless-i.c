/*
 * shim-dotless-i.c - a C library whose case folding is wrong for 'i'
 *
 * LD_PRELOAD this into Postfix's daemons (as a pfharness libenv) and
 * strcasecmp()/strncasecmp() stop treating 'i' and 'I' as the same
 * letter, as a C library with a Turkish dotless-i folding bug would. The
 * bug is deterministic: every run with the shim behaves the same, every
 * run without it behaves like the real library. pfharness must call that
 * a "library" verdict.
 *
 * Build: gcc -shared -fPIC -O2 -o shim-dotless-i.so shim-dotless-i.c
 */
#include <stddef.h>
#include <strings.h>

/* fold - ASCII lower case, except that 'I' stays 'I' */
static int fold(unsigned char c)
{
    if (c >= 'A' && c <= 'Z' && c != 'I')
        return c + ('a' - 'A');
    return c;
}

int strcasecmp(const char *a, const char *b)
{
    const unsigned char *p = (const unsigned char *)a;
    const unsigned char *q = (const unsigned char *)b;

    for (;; p++, q++) {
        int d = fold(*p) - fold(*q);

        if (d != 0 || *p == 0)
            return d;
    }
}

int strncasecmp(const char *a, const char *b, size_t n)
{
    const unsigned char *p = (const unsigned char *)a;
    const unsigned char *q = (const unsigned char *)b;

    for (; n > 0; n--, p++, q++) {
        int d = fold(*p) - fold(*q);

        if (d != 0 || *p == 0)
            return d;
    }
    return 0;
}

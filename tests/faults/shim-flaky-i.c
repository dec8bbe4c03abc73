/*
 * shim-flaky-i.c - case folding that goes wrong at random, like bad RAM
 *
 * LD_PRELOAD this into Postfix's daemons and, in about half of the
 * processes (a coin flip from /dev/urandom when the process starts),
 * strcasecmp()/strncasecmp() stop treating 'i' and 'I' as the same
 * letter. The same binary on the same input then does not reproduce:
 * DEBUG_README's signature of a hardware fault. pfharness must call that
 * a "hardware" verdict.
 *
 * Build: gcc -shared -fPIC -O2 -o shim-flaky-i.so shim-flaky-i.c
 */
#include <fcntl.h>
#include <stddef.h>
#include <strings.h>
#include <unistd.h>

static int broken;

/* flip - decide once per process */
__attribute__((constructor)) static void flip(void)
{
    unsigned char c = 0;
    int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);

    if (fd >= 0) {
        if (read(fd, &c, 1) != 1)
            c = 0;
        close(fd);
    }
    broken = c & 1;
}

/* fold - ASCII lower case; 'I' stays 'I' while broken */
static int fold(unsigned char c)
{
    if (c >= 'A' && c <= 'Z' && !(broken && c == 'I'))
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

/*
 * shim-crash.c - a C library that crashes on one word
 *
 * LD_PRELOAD this into Postfix's daemons (as a pfharness libenv) and
 * strcasecmp() dereferences a null pointer when either argument is
 * "XCRASH", in any case. smtpd looks a command name up in its table with
 * strcasecmp(), so the command "XCRASH" kills it with SIGSEGV, and
 * master logs "killed by signal 11". Without the shim, smtpd answers
 * "502 5.5.2 Error: command not recognized". That is a "library"
 * verdict, and the crash is what run --escalate's last step (a gdb
 * backtrace through debugger_command) is for.
 *
 * Build: gcc -shared -fPIC -O2 -g -o shim-crash.so shim-crash.c
 */
#include <stddef.h>
#include <strings.h>

/* lower - ASCII lower case */
static int lower(unsigned char c)
{
    return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
}

/* cmp - strcasecmp() with a limit; n == (size_t)-1 means none */
static int cmp(const char *a, const char *b, size_t n)
{
    const unsigned char *p = (const unsigned char *)a;
    const unsigned char *q = (const unsigned char *)b;

    for (; n > 0; n--, p++, q++) {
        int d = lower(*p) - lower(*q);

        if (d != 0 || *p == 0)
            return d;
    }
    return 0;
}

/* crash - the fault: a store through a null pointer */
static void crash(void)
{
    *(volatile int *)NULL = 1;
}

int strcasecmp(const char *a, const char *b)
{
    if (cmp(a, "xcrash", (size_t)-1) == 0 || cmp(b, "xcrash", (size_t)-1) == 0)
        crash();
    return cmp(a, b, (size_t)-1);
}

int strncasecmp(const char *a, const char *b, size_t n)
{
    return cmp(a, b, n);
}

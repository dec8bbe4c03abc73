/*
 * NAME
 *	util/mem 3
 * SUMMARY
 *	memory allocation
 * SYNOPSIS
 *	#include "util/mem.h"
 *
 *	void	*hr_malloc(len), *hr_calloc(n, len), *hr_realloc(ptr, len)
 *	char	*hr_strdup(s), *hr_strndup(s, len), *hr_sprintf(fmt, ...)
 *	char	*hr_vsprintf(fmt, ap)
 *	void	hr_free(ptr)
 * DESCRIPTION
 *	These never return NULL: running out of memory terminates the
 *	program, as in Postfix's mymalloc(). hr_free(NULL) does nothing.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/mem.h"

/* nomem - give up */
static void nomem(size_t len) __attribute__((noreturn));
static void nomem(size_t len)
{
    hr_panic("out of memory allocating %zu bytes", len);
}

/* hr_malloc - allocate */
void *hr_malloc(size_t len)
{
    void *p = malloc(len ? len : 1);

    if (p == NULL)
        nomem(len);
    return p;
}

/* hr_calloc - allocate zeroed */
void *hr_calloc(size_t n, size_t len)
{
    void *p = calloc(n ? n : 1, len ? len : 1);

    if (p == NULL)
        nomem(n * len);
    return p;
}

/* hr_realloc - resize */
void *hr_realloc(void *ptr, size_t len)
{
    void *p = realloc(ptr, len ? len : 1);

    if (p == NULL)
        nomem(len);
    return p;
}

/* hr_strdup - copy a string */
char *hr_strdup(const char *s)
{
    return hr_strndup(s, strlen(s));
}

/* hr_strndup - copy at most len bytes of a string, terminated */
char *hr_strndup(const char *s, size_t len)
{
    size_t n = strnlen(s, len);
    char *p = hr_malloc(n + 1);

    memcpy(p, s, n);
    p[n] = 0;
    return p;
}

/* hr_vsprintf - format a va_list into a new string */
char *hr_vsprintf(const char *fmt, va_list ap)
{
    char *p;

    if (vasprintf(&p, fmt, ap) < 0)
        nomem(strlen(fmt));
    return p;
}

/* hr_sprintf - format into a new string */
char *hr_sprintf(const char *fmt, ...)
{
    va_list ap;
    char *p;

    va_start(ap, fmt);
    p = hr_vsprintf(fmt, ap);
    va_end(ap);
    return p;
}

/* hr_free - release; NULL is fine */
void hr_free(void *ptr)
{
    free(ptr);
}

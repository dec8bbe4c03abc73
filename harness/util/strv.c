/*
 * NAME
 *	util/strv 3
 * SUMMARY
 *	vectors of strings
 * SYNOPSIS
 *	#include "util/strv.h"
 *
 *	hr_strv	sv = HR_STRV_INIT;
 *	void	hr_strv_add(sv, s), hr_strv_addf(sv, fmt, ...)
 *	void	hr_strv_add_owned(sv, s), hr_strv_addv(sv, from)
 *	void	hr_strv_sort(sv)
 *	int	hr_strv_find(sv, s)
 *	int	hr_strv_member(list, s, len)
 *	char	*hr_strv_join(sv, sep)
 *	int	hr_strv_split(sv, s, delims)
 *	char *const *hr_strv_argv(sv)
 *	void	hr_strv_release(sv)
 * DESCRIPTION
 *	A vector owns its strings and keeps a terminating NULL, so that it
 *	can be handed to execve() as argv or envp.
 *
 *	hr_strv_split() appends the non-empty fields of s separated by
 *	any of delims and returns how many it added. hr_strv_find()
 *	returns an index or -1. hr_strv_join() returns a new string.
 *	hr_strv_member() says whether the first len bytes of s are one of
 *	the strings of a NULL-terminated constant list (an allowlist).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/strv.h"
#include "util/mem.h"
#include "util/buf.h"

/* hr_strv_add_owned - append a string the vector takes over */
void hr_strv_add_owned(hr_strv *sv, char *s)
{
    if (sv->n + 2 > sv->cap) {
        sv->cap = sv->cap ? sv->cap * 2 : 8;
        sv->v = hr_realloc(sv->v, sv->cap * sizeof(char *));
    }
    sv->v[sv->n++] = s;
    sv->v[sv->n] = NULL;
}

/* hr_strv_add - append a copy */
void hr_strv_add(hr_strv *sv, const char *s)
{
    hr_strv_add_owned(sv, hr_strdup(s));
}

/* hr_strv_addf - append a formatted string */
void hr_strv_addf(hr_strv *sv, const char *fmt, ...)
{
    va_list ap;
    char *s;

    va_start(ap, fmt);
    s = hr_vsprintf(fmt, ap);
    va_end(ap);
    hr_strv_add_owned(sv, s);
}

/* hr_strv_addv - append copies of another vector's strings */
void hr_strv_addv(hr_strv *sv, const hr_strv *from)
{
    for (size_t i = 0; i < from->n; i++)
        hr_strv_add(sv, from->v[i]);
}

/* cmp - qsort helper */
static int cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* hr_strv_sort - sort bytewise */
void hr_strv_sort(hr_strv *sv)
{
    if (sv->n > 1)
        qsort(sv->v, sv->n, sizeof(char *), cmp);
}

/* hr_strv_find - index of s, or -1 */
int hr_strv_find(const hr_strv *sv, const char *s)
{
    for (size_t i = 0; i < sv->n; i++)
        if (strcmp(sv->v[i], s) == 0)
            return (int)i;
    return -1;
}

/* hr_strv_join - concatenate with a separator */
char *hr_strv_join(const hr_strv *sv, const char *sep)
{
    hr_buf b = HR_BUF_INIT;

    for (size_t i = 0; i < sv->n; i++) {
        if (i)
            hr_buf_puts(&b, sep);
        hr_buf_puts(&b, sv->v[i]);
    }
    return hr_buf_detach(&b);
}

/* hr_strv_split - append the non-empty fields of s */
int hr_strv_split(hr_strv *sv, const char *s, const char *delims)
{
    int added = 0;

    while (*s) {
        size_t skip = strspn(s, delims);
        size_t len;

        s += skip;
        if (*s == 0)
            break;
        len = strcspn(s, delims);
        hr_strv_add_owned(sv, hr_strndup(s, len));
        added++;
        s += len;
    }
    return added;
}

/* hr_strv_argv - the vector as argv; never NULL */
char *const *hr_strv_argv(hr_strv *sv)
{
    if (sv->v == NULL) {
        sv->cap = 8;
        sv->v = hr_calloc(sv->cap, sizeof(char *));
    }
    return sv->v;
}

/* hr_strv_release - free the strings and the vector */
void hr_strv_release(hr_strv *sv)
{
    for (size_t i = 0; i < sv->n; i++)
        hr_free(sv->v[i]);
    hr_free(sv->v);
    sv->v = NULL;
    sv->n = sv->cap = 0;
}

/* hr_strv_member - are the first len bytes of s one of a constant list */
int hr_strv_member(const char *const *list, const char *s, size_t len)
{
    for (; *list; list++)
        if (strlen(*list) == len && strncmp(*list, s, len) == 0)
            return 1;
    return 0;
}

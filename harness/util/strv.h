#ifndef HR_UTIL_STRV_H
#define HR_UTIL_STRV_H

/* util/strv.h - NULL-terminated vectors of owned strings */

#include <stddef.h>
#include "util/msg.h"

typedef struct hr_strv {
    char **v;       /* NULL-terminated when n > 0 or after init */
    size_t n;
    size_t cap;
} hr_strv;

#define HR_STRV_INIT {NULL, 0, 0}

void hr_strv_add(hr_strv *sv, const char *s);
void hr_strv_addf(hr_strv *sv, const char *fmt, ...) HR_PRINTF(2, 3);
void hr_strv_add_owned(hr_strv *sv, char *s);
void hr_strv_addv(hr_strv *sv, const hr_strv *from);
void hr_strv_sort(hr_strv *sv);
int hr_strv_find(const hr_strv *sv, const char *s);
int hr_strv_member(const char *const *list, const char *s, size_t len);
char *hr_strv_join(const hr_strv *sv, const char *sep);
int hr_strv_split(hr_strv *sv, const char *s, const char *delims);
void hr_strv_release(hr_strv *sv);
char *const *hr_strv_argv(hr_strv *sv);

#endif

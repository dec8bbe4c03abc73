#ifndef HR_UTIL_MEM_H
#define HR_UTIL_MEM_H

/* util/mem.h - allocation that never returns NULL */

#include <stdarg.h>
#include <stddef.h>
#include "util/msg.h"

void *hr_malloc(size_t len);
void *hr_calloc(size_t n, size_t len);
void *hr_realloc(void *ptr, size_t len);
char *hr_strdup(const char *s);
char *hr_strndup(const char *s, size_t len);
char *hr_sprintf(const char *fmt, ...) HR_PRINTF(1, 2);
char *hr_vsprintf(const char *fmt, va_list ap) HR_PRINTF(1, 0);
void hr_free(void *ptr);

#endif

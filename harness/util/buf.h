#ifndef HR_UTIL_BUF_H
#define HR_UTIL_BUF_H

/* util/buf.h - growable byte buffers with an optional size limit */

#include <stddef.h>
#include "util/msg.h"

typedef struct hr_buf {
    char *ptr;      /* always NUL-terminated when cap > 0 */
    size_t len;
    size_t cap;
    size_t limit;   /* 0: unlimited; else bytes past limit are dropped */
    int toobig;     /* set when bytes were dropped */
} hr_buf;

#define HR_BUF_INIT {NULL, 0, 0, 0, 0}

void hr_buf_init(hr_buf *b, size_t limit);
void hr_buf_release(hr_buf *b);
void hr_buf_clear(hr_buf *b);
void hr_buf_put(hr_buf *b, const void *data, size_t len);
void hr_buf_puts(hr_buf *b, const char *s);
void hr_buf_putc(hr_buf *b, int c);
void hr_buf_printf(hr_buf *b, const char *fmt, ...) HR_PRINTF(2, 3);
const char *hr_buf_cstr(const hr_buf *b);
char *hr_buf_detach(hr_buf *b);
void hr_buf_truncate(hr_buf *b, size_t len);

#endif

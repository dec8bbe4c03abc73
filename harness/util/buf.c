/*
 * NAME
 *	util/buf 3
 * SUMMARY
 *	growable byte buffers
 * SYNOPSIS
 *	#include "util/buf.h"
 *
 *	hr_buf	b = HR_BUF_INIT;
 *	void	hr_buf_init(b, limit)
 *	void	hr_buf_put(b, data, len), hr_buf_puts(b, s), hr_buf_putc(b, c)
 *	void	hr_buf_printf(b, fmt, ...)
 *	const char *hr_buf_cstr(b)
 *	char	*hr_buf_detach(b)
 *	void	hr_buf_release(b), hr_buf_clear(b), hr_buf_truncate(b, len)
 * DESCRIPTION
 *	A buffer holds bytes and stays NUL-terminated, so that text can be
 *	used as a C string while binary data keeps its length.
 *
 *	A non-zero limit bounds what a buffer keeps, for buffers that
 *	collect a child's output (curl's "toobig"): bytes beyond the limit
 *	are dropped and b->toobig is set.
 *
 *	hr_buf_detach() hands the storage to the caller (free with
 *	hr_free()) and leaves the buffer empty.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "util/buf.h"
#include "util/mem.h"

/* hr_buf_init - initialize with a size limit (0: none) */
void hr_buf_init(hr_buf *b, size_t limit)
{
    b->ptr = NULL;
    b->len = b->cap = 0;
    b->limit = limit;
    b->toobig = 0;
}

/* hr_buf_release - free the storage */
void hr_buf_release(hr_buf *b)
{
    hr_free(b->ptr);
    hr_buf_init(b, b->limit);
}

/* hr_buf_clear - empty the buffer, keep the storage */
void hr_buf_clear(hr_buf *b)
{
    b->len = 0;
    b->toobig = 0;
    if (b->ptr)
        b->ptr[0] = 0;
}

/* grow - make room for len more bytes and the terminator */
static void grow(hr_buf *b, size_t len)
{
    size_t need = b->len + len + 1;

    if (need <= b->cap)
        return;
    if (need < b->len)
        hr_panic("hr_buf: size overflow");
    b->cap = b->cap ? b->cap : 64;
    while (b->cap < need)
        b->cap *= 2;
    b->ptr = hr_realloc(b->ptr, b->cap);
}

/* hr_buf_put - append bytes */
void hr_buf_put(hr_buf *b, const void *data, size_t len)
{
    if (b->limit && b->len + len > b->limit) {
        b->toobig = 1;
        len = b->limit > b->len ? b->limit - b->len : 0;
    }
    grow(b, len);
    if (len)
        memcpy(b->ptr + b->len, data, len);
    b->len += len;
    b->ptr[b->len] = 0;
}

/* hr_buf_puts - append a string */
void hr_buf_puts(hr_buf *b, const char *s)
{
    hr_buf_put(b, s, strlen(s));
}

/* hr_buf_putc - append one byte */
void hr_buf_putc(hr_buf *b, int c)
{
    char ch = (char)c;

    hr_buf_put(b, &ch, 1);
}

/* hr_buf_printf - append formatted text */
void hr_buf_printf(hr_buf *b, const char *fmt, ...)
{
    va_list ap;
    char *s;

    va_start(ap, fmt);
    s = hr_vsprintf(fmt, ap);
    va_end(ap);
    hr_buf_puts(b, s);
    hr_free(s);
}

/* hr_buf_cstr - the contents as a C string (never NULL) */
const char *hr_buf_cstr(const hr_buf *b)
{
    return b->ptr ? b->ptr : "";
}

/* hr_buf_detach - hand over the storage */
char *hr_buf_detach(hr_buf *b)
{
    char *p = b->ptr ? b->ptr : hr_strdup("");

    hr_buf_init(b, b->limit);
    return p;
}

/* hr_buf_truncate - shorten to len bytes */
void hr_buf_truncate(hr_buf *b, size_t len)
{
    if (len < b->len) {
        b->len = len;
        b->ptr[len] = 0;
    }
}

#ifndef HR_UTIL_MARKUP_H
#define HR_UTIL_MARKUP_H

/* util/markup.h - text made safe for XML and HTML */

#include <stddef.h>
#include "util/buf.h"

#define HR_MARKUP_ATTR 1 /* inside an attribute value */

void hr_markup_put(hr_buf *b, const char *s, size_t len, int flags);
void hr_markup_puts(hr_buf *b, const char *s, int flags);

#endif

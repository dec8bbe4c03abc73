#ifndef HR_UTIL_UTF8_H
#define HR_UTIL_UTF8_H

/* util/utf8.h - decode UTF-8, replace what is not UTF-8 */

#include <stddef.h>
#include "util/buf.h"

#define HR_UTF8_REPLACEMENT 0xFFFDu

size_t hr_utf8_decode(unsigned *out, const char *s, size_t len);
void hr_utf8_put(hr_buf *b, unsigned cp);
char *hr_utf8_clean(const char *s);
size_t hr_utf8_len(const char *s, size_t len);
int hr_utf8_valid(const char *s, size_t len);

#endif

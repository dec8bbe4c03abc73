#ifndef HR_CASE_ESCAPE_H
#define HR_CASE_ESCAPE_H

/* case/escape.h - the '~' notation, decoded and encoded */

#include <stddef.h>
#include "util/buf.h"

#define HR_ESCAPE_LINE_BYTES (16 << 20) /* bytes one '~' line expands to */
#define HR_ESCAPE_CASE_BYTES (64 << 20) /* bytes all '~' lines of a case do */
#define HR_ESCAPE_ENCODE_WIDTH 1000     /* escaped bytes per encoded line */

char *hr_escape_decode(hr_buf *out, const char *text, size_t case_used);
void hr_escape_encode(hr_buf *out, const char *s, size_t len);

#endif

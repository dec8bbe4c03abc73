#ifndef HR_IMPORT_EXPECT_H
#define HR_IMPORT_EXPECT_H

/* import/expect.h - a recorded server line as '<' glob text */

#include <stddef.h>
#include "util/buf.h"

void hr_expect_put(hr_buf *b, const char *s, size_t n, size_t max);

#endif

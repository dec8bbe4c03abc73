#ifndef HR_REPORT_ANONYMIZE_H
#define HR_REPORT_ANONYMIZE_H

/* report/anonymize.h - mask addresses and host names as DEBUG_README asks */

#include <stddef.h>
#include "util/buf.h"

void hr_anonymize(hr_buf *out, const char *text, size_t len);

#endif

#ifndef HR_REPORT_SIDEDIFF_H
#define HR_REPORT_SIDEDIFF_H

/* report/sidediff.h - a unified diff as a side-by-side HTML table */

#include "util/buf.h"

int hr_sidediff_html(hr_buf *b, const char *diff, const char *left,
                     const char *right);

#endif

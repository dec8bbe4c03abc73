#ifndef HR_REPORT_BUNDLE_H
#define HR_REPORT_BUNDLE_H

/* report/bundle.h - a problem report bundle: what DEBUG_README asks for, as files */

#include "report/report.h"

typedef struct hr_bundle_opts {
    int anonymize; /* mask addresses and host names (anonymize(3)) */
} hr_bundle_opts;

#define HR_BUNDLE_OPTS_INIT                                                    \
    {                                                                          \
        0                                                                      \
    }

int hr_bundle_write(const hr_report *r, const char *dir,
                    const hr_bundle_opts *o);
int hr_bundle_check(const char *dir);

#endif

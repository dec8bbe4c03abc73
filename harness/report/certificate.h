#ifndef HR_REPORT_CERTIFICATE_H
#define HR_REPORT_CERTIFICATE_H

/* report/certificate.h - one page that certifies a sweep: runs of many
 * builds, their matrix of (build, case) results, compilers, machine, time */

#include "report/report.h"

typedef struct hr_certificate_opts {
    double wall_seconds;    /* the sweep's wall time; < 0: the runs' sum */
    const char *bugs_dir;   /* where compiler-bug bundles are, as
                             * LABEL-CASE/, relative to the page; NULL:
                             * none */
    const char *page_dir;   /* the page's directory, to find them */
} hr_certificate_opts;

#define HR_CERTIFICATE_OPTS_INIT {-1, NULL, NULL}

int hr_certificate_html(char **out, const hr_report *const *runs, size_t n,
                        const hr_certificate_opts *o);
int hr_certificate_write(const hr_report *const *runs, size_t n,
                         const hr_certificate_opts *o, const char *path);

#endif

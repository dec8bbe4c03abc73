#ifndef HR_REPORT_HTML_H
#define HR_REPORT_HTML_H

/* report/html.h - report.html: the verdict matrix and its evidence */

#include "report/report.h"

int hr_report_html(char **out, const hr_report *r);
int hr_report_write_html(const hr_report *r, const char *path);

#endif

#ifndef HR_REPORT_JUNIT_H
#define HR_REPORT_JUNIT_H

/* report/junit.h - junit.xml: one testcase per case */

#include "report/report.h"

#define HR_JUNIT_DIFF_LINES 20 /* diff lines in a failure's text */

int hr_report_junit(char **out, const hr_report *r);
int hr_report_write_junit(const hr_report *r, const char *path);

#endif

#ifndef HR_UTIL_GLOB_H
#define HR_UTIL_GLOB_H

/* util/glob.h - '*' and '?' globs, as expected replies use them */

int hr_glob_match(const char *pattern, const char *text);
int hr_glob_may_start_with(const char *pattern, const char *literal);

#endif

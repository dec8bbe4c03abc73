#ifndef HR_UTIL_VERSION_H
#define HR_UTIL_VERSION_H

/* util/version.h - Postfix version numbers: parsed and compared */

/* "3.7.11" is {3, 7, 11, 0}; the snapshot "3.11-20250601" is
 * {3, 11, 0, 20250601}: a snapshot of a.b counts as a.b.0 in ranges. */
typedef struct hr_version {
    int major, minor, patch;
    long snapshot;
} hr_version;

int hr_version_parse(hr_version *out, const char *s);
int hr_version_cmp(const hr_version *a, const hr_version *b);
int hr_version_at_least(const char *version, int major, int minor);

#endif

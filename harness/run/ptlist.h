#ifndef HR_RUN_PTLIST_H
#define HR_RUN_PTLIST_H

/* run/ptlist.h - which of Postfix's own tests a tree has, and which of
 * them are not run, with the reason */

#include "util/strv.h"

/* Entries of a skip file that apply to one Postfix version. */
typedef struct hr_ptskips {
    hr_strv pattern;    /* "dns/xyz_test", or "dns/ *" (without the space) */
    hr_strv reason;
} hr_ptskips;

#define HR_PTSKIPS_INIT {HR_STRV_INIT, HR_STRV_INIT}

int hr_ptlist_read(hr_strv *tests, hr_strv *root_tests, const char *tree);
int hr_ptlist_parse_makefile(hr_strv *tests, hr_strv *root_tests,
                             const char *dir, const char *text,
                             const char *path);
int hr_ptskips_load(hr_ptskips *out, const char *path, const char *version);
int hr_ptskips_parse(hr_ptskips *out, const char *text, const char *path,
                     const char *version);
int hr_ptlist_valid_test(const char *s);
int hr_ptlist_valid_reason(const char *s);
const char *hr_ptskips_reason(const hr_ptskips *s, const char *test);
void hr_ptskips_release(hr_ptskips *s);

#endif

/*
 * NAME
 *	util/glob 3
 * SUMMARY
 *	the globs of expected replies
 * SYNOPSIS
 *	#include "util/glob.h"
 *
 *	int	hr_glob_match(pattern, text)
 *	int	hr_glob_may_start_with(pattern, literal)
 * DESCRIPTION
 *	hr_glob_match() matches the globs of expected replies: '*' any
 *	run of bytes (newlines too), '?' one byte, '\*' '\?' '\\'
 *	themselves. It returns 1 on a match. Its running time is bounded
 *	by the product of the lengths: it never backtracks more than one
 *	'*'.
 *
 *	hr_glob_may_start_with() says whether some text that pattern
 *	matches can start with literal: a case's parser asks it whether
 *	an expected reply may be "354".
 * SEE ALSO
 *	cases/README.md, the '<' lines.
 */
#include <string.h>

#include "util/glob.h"

/* hr_glob_match - '*' any run, '?' one byte, backslash quotes */
int hr_glob_match(const char *pat, const char *text)
{
    const char *star_p = NULL, *star_t = NULL;

    while (*text) {
        const char *next;
        int any = 0, ch = 0;

        if (*pat == '*') {
            /* Remember only the last star: earlier ones never need to
             * take back what they matched, so this stays polynomial. */
            while (*pat == '*')
                pat++;
            star_p = pat;
            star_t = text;
            continue;
        }
        if (*pat == '?') {
            any = 1;
            next = pat + 1;
        } else if (*pat == '\\' && pat[1] && strchr("*?\\", pat[1])) {
            ch = pat[1];
            next = pat + 2;
        } else {
            ch = *pat;
            next = pat + 1;
        }
        if (*pat && (any || ch == *text)) {
            pat = next;
            text++;
            continue;
        }
        if (star_p == NULL)
            return 0;
        pat = star_p;
        text = ++star_t;
    }
    while (*pat == '*')
        pat++;
    return *pat == 0;
}

/* hr_glob_may_start_with - can text matching pat start with lit */
int hr_glob_may_start_with(const char *pat, const char *lit)
{
    for (; *lit; lit++) {
        if (*pat == '*')
            return 1;
        if (*pat == 0)
            return 0;
        if (*pat == '\\' && pat[1] && strchr("*?\\", pat[1]))
            pat++;
        else if (*pat == '?') {
            pat++;
            continue;
        }
        if (*pat++ != *lit)
            return 0;
    }
    return 1;
}

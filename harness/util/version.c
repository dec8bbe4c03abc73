/*
 * NAME
 *	util/version 3
 * SUMMARY
 *	Postfix version numbers: parsed and compared
 * SYNOPSIS
 *	#include "util/version.h"
 *
 *	int	hr_version_parse(out, s)
 *	int	hr_version_cmp(a, b)
 *	int	hr_version_at_least(version, major, minor)
 * DESCRIPTION
 *	Postfix names releases a.b.c and snapshots a.b-yyyymmdd
 *	(mail_version.h). hr_version_parse() reads either, and also a.b
 *	(a version range's bound, or a snapshot without its date). A
 *	snapshot of a.b counts as a.b.0: it is in "since a.b", the series
 *	it belongs to. hr_version_cmp() orders two versions by major,
 *	minor and patch level, then by snapshot date.
 *
 *	hr_version_at_least() is hr_version_parse() and a comparison with
 *	major.minor in one; a version that does not parse is not at least
 *	anything.
 * DIAGNOSTICS
 *	hr_version_parse() returns 0, or HR_EINPUT for text that is not a
 *	version: digits, dots and one '-' with eight digits, numbers below
 *	1000.
 */
#include <stdlib.h>
#include <string.h>

#include "util/msg.h"
#include "util/version.h"

/* number - a decimal number below 1000 at *s; -1 when there is none */
static int number(const char **s)
{
    int n = 0, digits = 0;

    while (**s >= '0' && **s <= '9' && digits < 4) {
        n = n * 10 + (**s - '0');
        (*s)++;
        digits++;
    }
    return digits == 0 || digits > 3 ? -1 : n;
}

/* hr_version_parse - "3.7.11", "3.11-20250601" or "3.9" */
int hr_version_parse(hr_version *out, const char *s)
{
    const char *p = s;

    memset(out, 0, sizeof(*out));
    if ((out->major = number(&p)) < 0 || *p++ != '.' ||
        (out->minor = number(&p)) < 0)
        goto bad;
    if (*p == '.') {
        p++;
        if ((out->patch = number(&p)) < 0)
            goto bad;
    } else if (*p == '-') {
        if (strlen(p + 1) != 8 || strspn(p + 1, "0123456789") != 8)
            goto bad;
        out->snapshot = strtol(p + 1, NULL, 10);
        p += 9;
    }
    if (*p == 0)
        return 0;
bad:
    return hr_error_set(HR_EINPUT, "'%s' is not a Postfix version (a.b.c, "
                        "a.b-yyyymmdd or a.b)", s);
}

/* hr_version_cmp - <0, 0, >0 as a is older, the same, newer than b */
int hr_version_cmp(const hr_version *a, const hr_version *b)
{
    if (a->major != b->major)
        return a->major < b->major ? -1 : 1;
    if (a->minor != b->minor)
        return a->minor < b->minor ? -1 : 1;
    if (a->patch != b->patch)
        return a->patch < b->patch ? -1 : 1;
    if (a->snapshot != b->snapshot)
        return a->snapshot < b->snapshot ? -1 : 1;
    return 0;
}

/* hr_version_at_least - version is major.minor or later */
int hr_version_at_least(const char *version, int major, int minor)
{
    hr_version v, w = {major, minor, 0, 0};

    if (hr_version_parse(&v, version) < 0) {
        hr_error_clear();
        return 0;
    }
    v.snapshot = 0;
    return hr_version_cmp(&v, &w) >= 0;
}

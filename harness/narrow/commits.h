#ifndef HR_NARROW_COMMITS_H
#define HR_NARROW_COMMITS_H

/* narrow/commits.h - bisect the commits between two revisions */

#include "narrow/bisection.h"

/* HR_BISECTION_FOUND, HR_BISECTION_NONE or an error */
int hr_commits_run(hr_bisection *x, const char *git, const char *good_rev,
                   const char *bad_rev, const char *variant, const char *cc,
                   int first_parent);

#endif

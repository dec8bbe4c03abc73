#ifndef HR_NARROW_OBJECTS_H
#define HR_NARROW_OBJECTS_H

/* narrow/objects.h - bisect the objects of two builds of one source */

#include "narrow/bisection.h"

/* HR_BISECTION_FOUND, HR_BISECTION_NONE or an error */
int hr_objects_run(hr_bisection *x, const char *good_v, const char *bad_v,
                   const char *source, const char *cc, int max_culprits);

/* pure helpers, exposed for the unit test */
char *hr_objects_source(const char *object);
int hr_objects_ub_verdict(const char **why, hr_outcome ubsan, hr_outcome wrapv,
                          size_t nreports);

#endif

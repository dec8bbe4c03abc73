#ifndef HR_NARROW_FLAGS_H
#define HR_NARROW_FLAGS_H

/* narrow/flags.h - bisect the flags of a level, or the clang pass */

#include "narrow/bisection.h"

/* HR_BISECTION_FOUND, HR_BISECTION_NONE or an error */
int hr_flags_run(hr_bisection *x, const char *variant, const char *good_v,
                 const char *object, const char *source, const char *cc);

#endif

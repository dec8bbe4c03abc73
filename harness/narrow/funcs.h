#ifndef HR_NARROW_FUNCS_H
#define HR_NARROW_FUNCS_H

/* narrow/funcs.h - which functions of a culprit object give other
 * results: the func cases that call them, on both sides */

#include "build/build.h"
#include "narrow/bisection.h"
#include "util/strv.h"

int hr_funcs_of_object(hr_strv *out, const char *object);
int hr_funcs_compare(hr_bisection *x, const hr_build *good,
                     const hr_build *bad, const hr_strv *objects);

#endif

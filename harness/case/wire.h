#ifndef HR_CASE_WIRE_H
#define HR_CASE_WIRE_H

/* case/wire.h - an smtp case as the bytes it sends and the replies it awaits */

#include "case/case.h"

char *hr_case_wire(const hr_case *c);

#endif

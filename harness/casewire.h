#ifndef HR_CASEWIRE_H
#define HR_CASEWIRE_H

/* casewire.h - an smtp case as the bytes it sends and the replies it awaits */

#include "case.h"

char *hr_case_wire(const hr_case *c);

#endif

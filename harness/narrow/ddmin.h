#ifndef HR_NARROW_DDMIN_H
#define HR_NARROW_DDMIN_H

/* narrow/ddmin.h - delta debugging: a 1-minimal subset that still fails */

#include <stddef.h>

/* The test of a subset (keep[i] set: unit i is in it): 1 when it still
 * shows the failure, 0 when not, negative to stop (trouble, budget). */
typedef int (*hr_ddmin_test_fn)(const unsigned char *keep, size_t n,
                                void *payload);

int hr_ddmin(unsigned char *keep, size_t n, hr_ddmin_test_fn test,
             void *payload);

#endif

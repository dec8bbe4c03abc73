#ifndef HR_UTIL_PARALLEL_H
#define HR_UTIL_PARALLEL_H

/* util/parallel.h - indices handed out to a few threads, first failure
 * kept */

#include <stddef.h>

typedef int (*hr_parallel_fn)(void *arg, size_t i);

int hr_parallel(size_t n, int threads, hr_parallel_fn fn, void *arg);

#endif

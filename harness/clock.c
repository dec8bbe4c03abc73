/*
 * NAME
 *	clock 3
 * SUMMARY
 *	monotonic time and the processors there are to use
 * SYNOPSIS
 *	#include "clock.h"
 *
 *	double	hr_clock_s(void)
 *	long long hr_clock_ms(void)
 *	int	hr_clock_ncpus(void)
 * DESCRIPTION
 *	hr_clock_s() and hr_clock_ms() read CLOCK_MONOTONIC, in seconds
 *	and in milliseconds: for timings and deadlines, never for what a
 *	report compares.
 *
 *	hr_clock_ncpus() is the number of online processors, at least 1:
 *	how many builds, make jobs and instances run side by side.
 */
#include <time.h>
#include <unistd.h>

#include "clock.h"

/* hr_clock_s - monotonic seconds */
double hr_clock_s(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* hr_clock_ms - monotonic milliseconds */
long long hr_clock_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* hr_clock_ncpus - online processors */
int hr_clock_ncpus(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);

    return n > 0 ? (int)n : 1;
}

/*
 * NAME
 *	util/clock 3
 * SUMMARY
 *	monotonic time, processors, ids stamped with the time
 * SYNOPSIS
 *	#include "util/clock.h"
 *
 *	double	hr_clock_s(void)
 *	long long hr_clock_ms(void)
 *	int	hr_clock_ncpus(void)
 *	char	*hr_clock_id(void)
 * DESCRIPTION
 *	hr_clock_s() and hr_clock_ms() read CLOCK_MONOTONIC, in seconds
 *	and in milliseconds: for timings and deadlines, never for what a
 *	report compares.
 *
 *	hr_clock_ncpus() is the number of online processors, at least 1:
 *	how many builds, make jobs and instances run side by side.
 *
 *	hr_clock_id() makes a new id for a run or a bisection: the UTC
 *	time and six hex digits of a hash of the time and the pid
 *	("20261124-111551-3fa2c1"), short enough for namespace names, and
 *	sorted by time.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "util/clock.h"
#include "util/hash.h"
#include "util/mem.h"

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

/* hr_clock_id - time and randomness, short */
char *hr_clock_id(void)
{
    char stamp[32], seed[64], hex[HR_SHA256_HEX];
    struct timespec ts;
    time_t now = time(NULL);

    clock_gettime(CLOCK_REALTIME, &ts);
    strftime(stamp, sizeof(stamp), "%Y%m%d-%H%M%S", gmtime(&now));
    snprintf(seed, sizeof(seed), "%ld.%ld.%ld", (long)ts.tv_sec, ts.tv_nsec,
             (long)getpid());
    hr_sha256_buf(hex, seed, strlen(seed));
    return hr_sprintf("%s-%.6s", stamp, hex);
}

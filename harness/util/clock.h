#ifndef HR_UTIL_CLOCK_H
#define HR_UTIL_CLOCK_H

/* util/clock.h - monotonic time, processors, ids stamped with the time */

double hr_clock_s(void);
long long hr_clock_ms(void);
int hr_clock_ncpus(void);
char *hr_clock_id(void);

#endif

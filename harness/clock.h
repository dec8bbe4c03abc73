#ifndef HR_CLOCK_H
#define HR_CLOCK_H

/* clock.h - monotonic time and the processors there are to use */

double hr_clock_s(void);
long long hr_clock_ms(void);
int hr_clock_ncpus(void);

#endif

#ifndef HR_RUN_PTESTS_H
#define HR_RUN_PTESTS_H

/* run/ptests.h - Postfix's own tests, one by one, in each build's tree */

#include "observe/obs.h"
#include "run/run.h"
#include "run/runner.h"

/* Seconds one test may take. */
#define HR_PTEST_TIMEOUT_S 300

int hr_ptests_run(hr_run *run, const hr_runner_opts *o);
int hr_ptests_judge(hr_run *run);
void hr_ptests_new(hr_ptests **out, size_t ntests, size_t nbuilds, int reps);
hr_obs *hr_ptests_model(const char *result, const char *sanitizer);
size_t hr_ptests_nonpass(const hr_ptests *p);
int hr_ptests_reps(const hr_ptests *p, const hr_ptest *t, size_t b);
int hr_ptests_valid_result(const char *s);
char *hr_ptests_log_path(const char *build, const char *test, int rep);
void hr_ptests_free(hr_ptests *p);

#endif

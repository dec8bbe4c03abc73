#ifndef HR_RUN_CONFIRM_H
#define HR_RUN_CONFIRM_H

/* run/confirm.h - rerun a flapping cell on each CPU in turn: hardware with
 * numbers */

#include "run/run.h"
#include "run/runner.h"

int hr_confirm_all(hr_run *run, const hr_runner_opts *o);
char *hr_confirm_line(const hr_confirm *c);
double hr_confirm_chance(int k, int n, int control_differ, int control_runs);
void hr_confirm_free(hr_confirm *c);

#endif

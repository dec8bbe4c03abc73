#ifndef HR_RUN_PHASES_H
#define HR_RUN_PHASES_H

/* run/phases.h - the main job's parallel phases: build, replay, sanitizer
 * baselines (for run/ only) */

#include "run/run.h"
#include "run/runner.h"
#include "util/msg.h"
#include "util/strv.h"

int hr_phase_build(hr_run *run, const hr_runner_opts *o,
                   const char **variants, size_t n, size_t first);
int hr_phase_replay(hr_run *run, const hr_runner_opts *o, hr_case **cases,
                    const int *mask, size_t b0);
int hr_phase_baseline(hr_strv *out, hr_run *run, const hr_runner_opts *o,
                      size_t b0);
hr_run_cell *hr_phase_cell(hr_run *run, size_t ci, size_t b, size_t e);
int hr_phase_in_shard(const hr_run *run, size_t ci, size_t b);
int hr_phase_find_cell(const hr_run *run, const char *label, size_t *b,
                       size_t *e);
void hr_phase_say(const hr_runner_opts *o, const char *fmt, ...)
    HR_PRINTF(2, 3);

#endif

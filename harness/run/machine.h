#ifndef HR_RUN_MACHINE_H
#define HR_RUN_MACHINE_H

/* run/machine.h - facts about the machine a run ran on */

#include "run/run.h"

/* The root under which /proc and /sys are read; tests use a fake one. */
#define HR_MACHINE_ROOT "/"

int hr_machine_read(hr_machine *out, const char *root);
int hr_machine_edac_after(hr_machine *m, const char *root);
void hr_machine_release(hr_machine *m);
void hr_run_shard_release(hr_run_shard *s);
void hr_machine_copy(hr_machine *out, const hr_machine *in);

#endif

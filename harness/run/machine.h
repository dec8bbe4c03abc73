#ifndef HR_RUN_MACHINE_H
#define HR_RUN_MACHINE_H

/* run/machine.h - facts about the machine a run ran on */

#include "run/run.h"

#define HR_EDAC_DIR "/sys/devices/system/edac/mc"

int hr_machine_read(hr_machine *out, const char *edac_dir);
int hr_machine_edac_after(hr_machine *m, const char *edac_dir);
void hr_machine_release(hr_machine *m);

#endif

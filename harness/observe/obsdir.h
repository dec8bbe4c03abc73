#ifndef HR_OBSERVE_OBSDIR_H
#define HR_OBSERVE_OBSDIR_H

/* observe/obsdir.h - an observation's raw material from files in a directory */

#include "observe/observe.h"

typedef struct hr_obsdir hr_obsdir;

int hr_obsdir_load(hr_obsdir **out, const char *dir);
const hr_obs_raw *hr_obsdir_raw(const hr_obsdir *d);
void hr_obsdir_free(hr_obsdir *d);

#endif

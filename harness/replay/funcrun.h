#ifndef HR_REPLAY_FUNCRUN_H
#define HR_REPLAY_FUNCRUN_H

/* replay/funcrun.h - one func case once on one build: the probe process,
 * its crashes, the observation */

#include "build/build.h"
#include "case/case.h"
#include "replay/caserun.h"
#include "util/strv.h"

/* A probe that makes no progress this long hangs in the function. */
#define HR_FUNCRUN_STALL_MS 10000

int hr_funcrun_applies(const hr_build *b);
char *hr_funcrun_libdir(const hr_build *b);
void hr_funcrun_set_exe(const char *path);
int hr_funcrun(hr_caserun_result *out, const hr_build *b,
               const hr_strv *libenv, const hr_case *c, const char *dir);

#endif

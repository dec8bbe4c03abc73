#ifndef HR_REPORT_MERGE_H
#define HR_REPORT_MERGE_H

/* report/merge.h - shards of a run joined into one run, judged from all observations */

#include <stddef.h>
#include "case/userconf.h"
#include "run/run.h"

int hr_merge_run(hr_run **out, hr_userconf **user, const char *const *dirs,
                 size_t n, const char *out_dir);

#endif

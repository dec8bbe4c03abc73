#ifndef HR_REPLAY_BATCH_H
#define HR_REPLAY_BATCH_H

/* replay/batch.h - several smtp cases on one instance, delivered and
 * observed together */

#include "case/case.h"
#include "instance/instance.h"
#include "replay/caserun.h"

int hr_batch_applies(const hr_instance *in, const hr_case *c);
int hr_batch_run(hr_caserun_result *out, hr_instance *in,
                 const hr_case *const *cases, size_t n, char **why);

#endif

#ifndef HR_REPLAY_PROBE_H
#define HR_REPLAY_PROBE_H

/* replay/probe.h - sendmail -bv and -v against an instance */

#include "util/buf.h"
#include "case/case.h"
#include "instance/instance.h"

typedef struct hr_probe_result {
    hr_buf output;      /* sendmail's stdout and stderr */
    int status;         /* sendmail's exit status */
    double seconds;     /* from the start of sendmail to its exit */
} hr_probe_result;

void hr_probe_result_init(hr_probe_result *r);
void hr_probe_result_release(hr_probe_result *r);
int hr_probe_run(hr_probe_result *out, const hr_case *c, hr_instance *in,
                 int timeout_ms);

#endif

#ifndef HR_VERDICT_EVIDENCE_H
#define HR_VERDICT_EVIDENCE_H

/* verdict/evidence.h - what a verdict shows: the observed expectation, the
 * diff of the representative pair, the sanitizer findings */

#include <stddef.h>
#include "case/case.h"
#include "observe/obs.h"
#include "util/strv.h"

#define HR_EVIDENCE_CONTEXT 3

char *hr_evidence_expectation(const hr_case *c, const hr_obs *o);
int hr_evidence_diff(char **out, const char *left, const char *left_label,
                     const char *right, const char *right_label);
void hr_evidence_findings(hr_strv *out, const hr_obs *o);
char *hr_evidence_func_inputs(const char *left, const char *left_label,
                              const char *right, const char *right_label,
                              const char *function);

#endif

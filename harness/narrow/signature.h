#ifndef HR_NARROW_SIGNATURE_H
#define HR_NARROW_SIGNATURE_H

/* narrow/signature.h - the divergence signature: where a good and a bad observation differ */

#include <stddef.h>
#include "narrow/outcome.h"

typedef struct hr_signature hr_signature;

int hr_signature_new(hr_signature **out, const char *good, const char *bad);
void hr_signature_free(hr_signature *s);
size_t hr_signature_hunks(const hr_signature *s);
hr_outcome hr_signature_judge_hunk(const hr_signature *s, const char *obs,
                                   size_t h);
const char *hr_signature_describe(const hr_signature *s, size_t h);
int hr_signature_elsewhere(const hr_signature *s, const char *obs);

#endif

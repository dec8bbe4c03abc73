#ifndef HR_NARROW_COMMITBISECT_H
#define HR_NARROW_COMMITBISECT_H

/* narrow/commitbisect.h - the first bad commit between a good and a bad one */

#include <stddef.h>
#include "narrow/objbisect.h"

/* The oracle builds and tries commit i of the range (0 is the oldest
 * after the good commit; count-1 is the bad one): GOOD, BAD, OTHER (a
 * third behaviour, counted as bad), FLAKY, or SKIP when it does not
 * build. */
typedef int (*hr_commit_oracle)(hr_outcome *out, size_t i, void *payload);

typedef enum {
    HR_COMMITBISECT_FOUND = 0, /* the first bad commit is named */
    HR_COMMITBISECT_SKIPPED,   /* it is one of several: skipped ones between */
    HR_COMMITBISECT_FLAKY,     /* a trial flapped */
} hr_commitbisect_status;

typedef struct hr_commitbisect_step {
    size_t index;
    hr_outcome outcome;
} hr_commitbisect_step;

typedef struct hr_commitbisect_result {
    hr_commitbisect_status status;
    size_t first_bad;   /* index of the first bad commit */
    size_t *candidates; /* HR_COMMITBISECT_SKIPPED: it is one of these */
    size_t ncandidates;
    hr_commitbisect_step *steps;
    size_t nsteps;
} hr_commitbisect_result;

int hr_commitbisect_run(hr_commitbisect_result *out, size_t count,
                        hr_commit_oracle oracle, void *payload);
void hr_commitbisect_result_release(hr_commitbisect_result *r);

#endif

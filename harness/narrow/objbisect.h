#ifndef HR_NARROW_OBJBISECT_H
#define HR_NARROW_OBJBISECT_H

/* narrow/objbisect.h - object bisection: which objects of a bad build make it bad */

#include <stddef.h>
#include "narrow/outcome.h"


typedef enum {
    HR_STEP_GUARD = 0, /* all good, all bad */
    HR_STEP_DESCENT,   /* one half at a time */
    HR_STEP_CONFIRM,   /* the culprit alone */
    HR_STEP_MORE,      /* the culprits held at good: anything left? */
} hr_objbisect_phase;

/* The oracle tries one mix: bad[i] != 0 takes object i from the bad
 * build, the others come from the good one; phase and what name the
 * step. It returns 0 and sets *out, or a negative error (trouble, not a
 * result). */
typedef int (*hr_objbisect_oracle)(hr_outcome *out, const unsigned char *bad,
                                size_t n, hr_objbisect_phase phase,
                                const char *what, void *payload);

typedef enum {
    HR_BISECT_FOUND = 0,  /* at least one culprit named */
    HR_BISECT_GOOD_GUARD, /* the all-good mix does not behave as good */
    HR_BISECT_BAD_GUARD,  /* the all-bad mix does not behave as bad */
    HR_BISECT_FLAKY,      /* a trial flapped: no culprit is named */
} hr_objbisect_status;

typedef struct hr_objbisect_step {
    hr_objbisect_phase phase;
    char *what; /* "first 315 of 629 candidates bad" */
    size_t nbad;
    hr_outcome outcome;
} hr_objbisect_step;

typedef struct hr_objbisect_culprit {
    size_t index; /* into the caller's objects */
    int alone;    /* confirmed alone: the good build plus only
                   * this object behaves as bad (or otherwise) */
    hr_outcome alone_outcome;
    size_t *partners; /* when not alone: the objects it needs */
    size_t npartners;
} hr_objbisect_culprit;

typedef struct hr_objbisect_result {
    hr_objbisect_status status;
    hr_objbisect_culprit *culprits;
    size_t nculprits;
    hr_objbisect_step *steps;
    size_t nsteps;
    int others;    /* a trial showed a third behaviour */
    int more_left; /* stopped at max_culprits with more left */
} hr_objbisect_result;

int hr_objbisect_objects(hr_objbisect_result *out, size_t n, size_t max_culprits,
                      hr_objbisect_oracle oracle, void *payload);
void hr_objbisect_result_release(hr_objbisect_result *r);
size_t hr_objbisect_count(const hr_objbisect_result *r, hr_objbisect_phase phase);
unsigned hr_objbisect_log2_ceil(size_t n);

const char *hr_objbisect_phase_name(hr_objbisect_phase p);
const char *hr_objbisect_status_name(hr_objbisect_status s);

#endif

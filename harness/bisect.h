#ifndef HR_BISECT_H
#define HR_BISECT_H

/* bisect.h - object bisection: which objects of a bad build make it bad */

#include <stddef.h>

/* What one trial showed, measured against the good and the bad side. */
typedef enum {
    HR_TRIAL_GOOD = 0, /* behaves like the good side */
    HR_TRIAL_BAD,      /* behaves like the bad side */
    HR_TRIAL_OTHER,    /* a third behaviour: like neither side */
    HR_TRIAL_FLAKY,    /* its runs disagree with each other */
    HR_TRIAL_SKIP,     /* cannot be tried (a commit that does not build) */
} hr_trial_outcome;

typedef enum {
    HR_STEP_GUARD = 0, /* all good, all bad */
    HR_STEP_DESCENT,   /* one half at a time */
    HR_STEP_CONFIRM,   /* the culprit alone */
    HR_STEP_MORE,      /* the culprits held at good: anything left? */
} hr_bisect_phase;

/* The oracle tries one mix: bad[i] != 0 takes object i from the bad
 * build, the others come from the good one; phase and what name the
 * step. It returns 0 and sets *out, or a negative error (trouble, not a
 * result). */
typedef int (*hr_bisect_oracle)(hr_trial_outcome *out, const unsigned char *bad,
                                size_t n, hr_bisect_phase phase,
                                const char *what, void *payload);

typedef enum {
    HR_BISECT_FOUND = 0,  /* at least one culprit named */
    HR_BISECT_GOOD_GUARD, /* the all-good mix does not behave as good */
    HR_BISECT_BAD_GUARD,  /* the all-bad mix does not behave as bad */
    HR_BISECT_FLAKY,      /* a trial flapped: no culprit is named */
} hr_bisect_status;

typedef struct hr_bisect_step {
    hr_bisect_phase phase;
    char *what; /* "first 315 of 629 candidates bad" */
    size_t nbad;
    hr_trial_outcome outcome;
} hr_bisect_step;

typedef struct hr_bisect_culprit {
    size_t index; /* into the caller's objects */
    int alone;    /* confirmed alone: the good build plus only
                   * this object behaves as bad (or otherwise) */
    hr_trial_outcome alone_outcome;
    size_t *partners; /* when not alone: the objects it needs */
    size_t npartners;
} hr_bisect_culprit;

typedef struct hr_bisect_result {
    hr_bisect_status status;
    hr_bisect_culprit *culprits;
    size_t nculprits;
    hr_bisect_step *steps;
    size_t nsteps;
    int others;    /* a trial showed a third behaviour */
    int more_left; /* stopped at max_culprits with more left */
} hr_bisect_result;

int hr_bisect_objects(hr_bisect_result *out, size_t n, size_t max_culprits,
                      hr_bisect_oracle oracle, void *payload);
void hr_bisect_result_release(hr_bisect_result *r);
size_t hr_bisect_count(const hr_bisect_result *r, hr_bisect_phase phase);
unsigned hr_bisect_log2_ceil(size_t n);

const char *hr_trial_outcome_name(hr_trial_outcome o);
const char *hr_bisect_phase_name(hr_bisect_phase p);
const char *hr_bisect_status_name(hr_bisect_status s);

#endif

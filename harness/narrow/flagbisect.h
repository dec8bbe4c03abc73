#ifndef HR_NARROW_FLAGBISECT_H
#define HR_NARROW_FLAGBISECT_H

/* narrow/flagbisect.h - which optimization flags, or which pass, make a build
 * bad */

#include <stddef.h>
#include "narrow/objbisect.h"
#include "util/strv.h"

/* gcc: the oracle tries the bad build with the flags in off turned off
 * (-fno-...); HR_OUTCOME_GOOD means the divergence disappeared. */
typedef int (*hr_flagbisect_oracle)(hr_outcome *out, const hr_strv *off,
                                    const char *what, void *payload);

typedef enum {
    HR_FLAGBISECT_FOUND = 0, /* a minimal set of flags explains it */
    HR_FLAGBISECT_NONE,      /* every flag off, still bad: no flag does */
    HR_FLAGBISECT_FLAKY,     /* a trial flapped */
} hr_flagbisect_status;

typedef struct hr_flagbisect_step {
    char *what; /* "12 flags off: -fno-a ... -fno-l" */
    size_t noff;
    hr_outcome outcome;
} hr_flagbisect_step;

typedef struct hr_flagbisect_result {
    hr_flagbisect_status status;
    hr_strv minimal;      /* the flags whose removal removes the
                           * divergence, in the order given */
    size_t verified_step; /* the step that tried them alone (1-based) */
    hr_flagbisect_step *steps;
    size_t nsteps;
} hr_flagbisect_result;

int hr_flagbisect_enabled(hr_strv *out, const char *help_text);
char *hr_flagbisect_negate(const char *flag);
char *hr_flagbisect_off_args(const hr_strv *off);
int hr_flagbisect_ddmin(hr_flagbisect_result *out, const hr_strv *flags,
                        hr_flagbisect_oracle oracle, void *payload);
void hr_flagbisect_result_release(hr_flagbisect_result *r);

/* clang: one line of -mllvm -opt-bisect-limit output. */
typedef struct hr_optpass {
    int number;   /* 1-based, per translation unit */
    char *name;   /* "SROAPass" */
    char *target; /* "xtext_unquote_append", "[module]" */
} hr_optpass;

/* The oracle compiles with -opt-bisect-limit=limit (passes after it do
 * not run); HR_OUTCOME_GOOD: the divergence is gone. */
typedef int (*hr_limit_oracle)(hr_outcome *out, int limit, void *payload);

typedef struct hr_limit_result {
    int status; /* HR_FLAGBISECT_FOUND, _NONE (limit 0 is bad too),
                 * _FLAKY, or -1: the full limit is good */
    int pass;   /* the first limit that is bad: that pass */
    int ntrials;
} hr_limit_result;

int hr_optpass_parse(hr_optpass **out, size_t *count, const char *text);
void hr_optpass_free_all(hr_optpass *p, size_t count);
int hr_flagbisect_limit(hr_limit_result *out, int npasses,
                        hr_limit_oracle oracle, void *payload);

#endif

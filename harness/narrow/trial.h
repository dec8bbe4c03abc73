#ifndef HR_NARROW_TRIAL_H
#define HR_NARROW_TRIAL_H

/* narrow/trial.h - one case on one build, run twice, judged against two sides */

#include "narrow/objbisect.h"
#include "build/build.h"
#include "case/case.h"
#include "observe/obs.h"
#include "util/strv.h"

typedef struct hr_trial hr_trial;

typedef struct hr_trial_opts {
    const hr_case *c;
    const char *dir;       /* instances go under it */
    const hr_strv *libenv; /* NAME=VALUE for every daemon, or NULL */
    int reps;              /* runs per trial; 0: 2 */
} hr_trial_opts;

#define HR_TRIAL_OPTS_INIT                                                     \
    {                                                                          \
        NULL, NULL, NULL, 0                                                    \
    }

/* Extra settings for the instance (escalation). */
typedef struct hr_trial_extra {
    const hr_strv *service_args; /* "smtpd -v" */
    const hr_strv *extra_main;   /* "debug_peer_list = 127.0.0.1" */
    const char *tag;             /* names the instance directory */
    int quiesce;                 /* logs without start-up and teardown
                                  * races (escalation) */
    const char *writable;        /* a directory outside the instance that
                                  * its processes write (traces) */
} hr_trial_extra;

/* What the runs of one trial showed. */
typedef struct hr_trial_run {
    hr_obs **models;    /* per run: the normalized observation */
    char **obs;         /* per run: its text */
    char **logs;        /* per run: the raw maillog lines of the case */
    char *instance_dir; /* where the instance was (kept with keep) */
    int reps;
    int flaky;  /* the runs differ (sanitizer findings aside) */
    hr_strv ub; /* sanitizer findings of all runs */
    double seconds;
} hr_trial_run;

int hr_trial_new(hr_trial **out, const hr_trial_opts *o);
void hr_trial_free(hr_trial *t);
int hr_trial_observe(hr_trial_run *out, hr_trial *t, const hr_build *b,
                     const hr_trial_extra *x);
void hr_trial_run_release(hr_trial_run *r);
void hr_trial_set_sides(hr_trial *t, const hr_obs *good, const hr_obs *bad);
int hr_trial_sides_differ(const hr_trial *t);
hr_outcome hr_trial_classify(const hr_trial *t, const hr_trial_run *r);
int hr_trial_judge(hr_outcome *out, hr_trial *t, const hr_build *b,
                   hr_trial_run *run);
void hr_trial_keep(hr_trial *t, int keep);
int hr_trial_count(const hr_trial *t);

#endif

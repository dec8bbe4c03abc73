#ifndef HR_NARROW_BISECTION_H
#define HR_NARROW_BISECTION_H

/* narrow/bisection.h - what every kind of bisection shares */

#include <stddef.h>

#include "build/build.h"
#include "case/case.h"
#include "instance/libenv.h"
#include "narrow/outcome.h"
#include "narrow/record.h"
#include "narrow/trial.h"
#include "observe/obs.h"
#include "util/msg.h"

/* What a driver returns when it did not fail (negative: an error). */
#define HR_BISECTION_FOUND 0 /* a culprit (object, flags, pass, commit) */
#define HR_BISECTION_NONE 1  /* ended without one: flaky, guard, no-flag */

/* One line of results; the caller prints it (the record logs it too). */
typedef void (*hr_bisection_line_fn)(const char *text, void *payload);

typedef struct hr_bisection_opts {
    const char *kind;      /* "objects", "flags", "commits": KIND.json */
    const char *case_path; /* holds exactly one case */
    const char *out_dir;   /* the record; NULL: var/runs/bisect-ID */
    const char *libenv;    /* NAME[:VAR=VAL,...] or NULL */
    const char *command;   /* the command line, for the record */
    int reps;              /* runs per trial */
    int keep;              /* keep var/bisect/ID */
    hr_bisection_line_fn line;
    void *payload;
} hr_bisection_opts;

#define HR_BISECTION_OPTS_INIT                                                 \
    {                                                                          \
        NULL, NULL, NULL, NULL, NULL, 2, 0, NULL, NULL                         \
    }

/* The fields are the drivers' (narrow/objects.c, flags.c, commits.c). */
typedef struct hr_bisection {
    const char *kind;
    hr_case **cases;
    size_t ncases;
    const hr_case *c;
    hr_libenv env;
    int has_env;
    int reps;
    int keep;
    char *id;
    char *out_dir;
    char *work;
    hr_record *rec;
    hr_trial *trial;
    double t0;
    int steps;
    int replays;
    int relinks;
    hr_obs *good_obs, *bad_obs;
    hr_bisection_line_fn line;
    void *payload;
} hr_bisection;

int hr_bisection_init(hr_bisection *x, const hr_bisection_opts *o);
void hr_bisection_release(hr_bisection *x);
int hr_bisection_finish(hr_bisection *x, int exit_status);

void hr_bisection_out(hr_bisection *x, const char *fmt, ...) HR_PRINTF(2, 3);
void hr_bisection_flaky(hr_bisection *x, const char *what);
int hr_bisection_save_obs(hr_bisection *x, const char *name, const char *obs);
char *hr_bisection_save_run(hr_bisection *x, const hr_trial_run *run,
                            hr_outcome o);
int hr_bisection_sides(hr_bisection *x, const char *good_label,
                       const hr_build *good, const char *bad_label,
                       const hr_build *bad);
int hr_bisection_build(hr_build **out, const char *variant, const char *source,
                       const char *cc, const char *extra_opt);
void hr_bisection_step(hr_bisection *x, const char *phase, const char *what,
                       hr_outcome outcome, double secs, long relinked,
                       int replayed, const char *note);

#endif

#ifndef HR_RUN_RUNNER_H
#define HR_RUN_RUNNER_H

/* run/runner.h - the main job: build, replay everywhere, compare, judge */

#include "case/userconf.h"
#include "run/run.h"
#include "util/strv.h"

typedef void (*hr_runner_progress_fn)(const char *line, void *payload);

typedef struct hr_runner_opts {
    const char *source;         /* NULL: the default source */
    hr_strv variants;           /* empty: O0, default, O2 */
    const char *cc;             /* the compiler of every variant that
                                 * names none */
    hr_strv compilers;          /* a matrix: every variant that names no
                                 * compiler once per compiler, "O2 gcc-12" */
    int reps;                   /* 0: 3 */
    const hr_libenv *libenvs;   /* extra libenvs; "plain" is always first */
    size_t nlibenvs;
    hr_strv case_args;          /* empty: the cases directory */
    const char *out_dir;        /* NULL: var/runs/<id> */
    int jobs;                   /* instances at once; 0: automatic */
    int ub_check;               /* add ubsan and wrapv on a divergence */
    int escalate;               /* DEBUG_README's ladder on a divergence */
    int no_ccache;              /* compile every build without ccache */
    int no_batch;               /* every case run one by one (batch(3)) */
    int confirm;                /* reruns per CPU of a flapping cell; 0:
                                 * none */
    int postfix_tests;          /* run Postfix's own tests on each build
                                 * (ptests(3)) */
    int reduce;                 /* reduce each case whose builds diverge
                                 * (reduce(3)) */
    int shard_k, shard_n;       /* run --shard K/N: only this share of the
                                 * (build, case) pairs; 0: all */
    const char *command;        /* for the report */
    const hr_userconf *user;    /* run --config: a user's configuration,
                                 * borrowed, or NULL */
    hr_runner_progress_fn progress;
    void *payload;
} hr_runner_opts;

int hr_runner_run(hr_run **out, const hr_runner_opts *o);
int hr_runner_judge_all(hr_run *run, const hr_strv *background);
const char *hr_runner_cc_witness(hr_run *run, size_t b);
const char *hr_runner_opt_label(const hr_build *b);
void hr_run_free(hr_run *run);

#endif

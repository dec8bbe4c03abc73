#ifndef HR_RUN_RUN_H
#define HR_RUN_RUN_H

/* run/run.h - the results of a main-job run, as the reports see them */

#include <stddef.h>
#include "build/build.h"
#include "case/case.h"
#include "instance/libenv.h"
#include "observe/obs.h"
#include "narrow/escalate.h"
#include "util/strv.h"
#include "verdict/verdict.h"

/* One repetition of one case in one (build, libenv) cell. */
typedef struct hr_rep {
    hr_obs *model;      /* normalized observation */
    char *obs;          /* its text, as in obs_file */
    char *obs_file;     /* relative to the run directory */
    int expect_ok;
    char *mismatch;     /* "" when expect_ok */
    char *first_finding;/* raw first panic/fatal/error/warning, or NULL */
    double seconds;
} hr_rep;

typedef struct hr_run_cell {
    size_t build;       /* index into hr_run.builds */
    size_t libenv;      /* index into hr_run.libenvs */
    hr_rep *reps;       /* hr_run.reps entries */
    int skipped;        /* the case does not apply to this build */
    int failed;         /* the instance did not start or failed: the reps
                         * hold that as their observation */
} hr_run_cell;

/* A flapping cell rerun on each CPU in turn (confirm(3)). */
typedef struct hr_confirm {
    char *cell;             /* "O2/flaky" */
    char *control;          /* the stable cell run beside it, or NULL */
    int per_cpu;            /* runs asked for on each CPU */
    int ncpus;
    int *cpu, *runs, *differ; /* per CPU: its number, runs, differing */
    int control_runs, control_differ;
    double artefact_chance; /* P(this many differ by the control's rate);
                             * -1 without a control */
    int varies;             /* the cell did not reproduce itself */
    char *edac;             /* "no EDAC", or the counters before -> after */
    char *was;              /* the verdict it replaced, or NULL */
} hr_confirm;

typedef struct hr_run_case {
    const hr_case *c;
    hr_run_cell *cells; /* nbuilds * nlibenvs, build-major */
    hr_verdict *verdict;
    char *diff;         /* unified diff of the representative pair */
    char *expected;     /* the expectation, rendered like an observation */
    char *left_finding, *right_finding; /* first log finding, each side */
    hr_escalation *escalation; /* run --escalate on a divergence, or NULL */
    hr_confirm *confirm;    /* a flap rerun per CPU, or NULL */
    /* run --reduce: the divergent case made small (reduce(3)), or NULL */
    char *reduced_file;     /* relative to the run directory */
    char *reduced_text;
    size_t reduced_before, reduced_after, reduced_trials;
    double reduced_seconds;
} hr_run_case;

/* ECC/EDAC counters of one memory controller. */
typedef struct hr_edac {
    char *mc;           /* "mc0" */
    long long ce_before, ue_before, ce_after, ue_after;
} hr_edac;

typedef struct hr_machine {
    char *kernel;       /* uname -srvm */
    char *libc;         /* "glibc 2.36" */
    char *cpu;          /* model name */
    int cpus;
    hr_strv compilers;  /* distinct compiler identities of the builds */
    hr_edac *edac;      /* NULL and nedac 0: "no EDAC" */
    size_t nedac;
} hr_machine;

/* A shard of a run (run --shard K/N), as a merged run keeps it. */
typedef struct hr_run_shard {
    char *label;        /* "1/2" */
    char *run_dir;      /* where it ran */
    hr_machine machine; /* the machine it ran on */
    hr_strv builds;     /* the builds it made */
    size_t case_runs;   /* the case runs it made */
} hr_run_shard;

/* One of Postfix's own tests (run --postfix-tests) on every build. */
typedef struct hr_ptest {
    char *name;         /* "global/xtext_test": DIR/TARGET of src/DIR/Makefile */
    char *skip;         /* why it was not run, or NULL */
    char **result;      /* [build * reps + rep]: "pass", "fail (exit 2)",
                         * "timed out after 300 s"; NULL: not run there.
                         * A build ran it once, or reps times when it
                         * failed on some build. */
    char **log;         /* same index: its output, relative to the run
                         * directory, or NULL when it printed nothing */
    hr_obs **model;     /* same index: the observation judged */
    hr_verdict *verdict;/* NULL when skipped */
} hr_ptest;

/* Postfix's own tests across the run's first nbuilds builds. */
typedef struct hr_ptests {
    hr_ptest *tests;
    size_t n;
    size_t nbuilds;     /* the builds they ran on: the run's first */
    int reps;           /* room per build: the run's reps */
    size_t *ran, *passed, *failed; /* per build */
    char **build_note;  /* per build: why none ran there, or NULL */
    size_t nskipped;
    double seconds;
    int timeout_s;
} hr_ptests;

typedef struct hr_run {
    char *id;
    char *out_dir;
    char *command;      /* the command line, for the report */
    char *started;      /* ISO 8601, UTC */
    double seconds, build_seconds, replay_seconds;
    int reps;
    char *source_commit, *source_tree, *source_version;
    hr_build **builds;
    size_t nbuilds;
    int *build_cached;  /* per build: found in the cache */
    hr_strv failed_variants; /* builds that could not be made ... */
    hr_strv failed_errors;   /* ... and the one-line error of each */
    hr_libenv *libenvs;
    size_t nlibenvs;
    hr_run_case *cases;
    size_t ncases;
    hr_machine machine;
    const struct hr_userconf *user; /* run --config, borrowed, or NULL */
    hr_strv cc_witness; /* per build: its compiler as the verdict counts
                         * it, one name per identity (cc_label) */
    int shard_k, shard_n;   /* run --shard K/N, or 0 */
    hr_strv shard_pairs;    /* "BUILD\tCASE" of the share, sorted */
    size_t case_runs;       /* case runs made */
    size_t batched_runs;    /* ... of them in batches that held (batch(3)) */
    size_t batches, batches_one_by_one; /* batches played; those whose
                             * material could not be divided */
    hr_run_shard *shards;   /* a merged run: its shards */
    size_t nshards;
    hr_ptests *ptests;      /* run --postfix-tests, or NULL */
    int exit_code;      /* 0, 1 or 2 as the CLI contract says */
} hr_run;

#endif

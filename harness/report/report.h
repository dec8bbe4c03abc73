#ifndef HR_REPORT_REPORT_H
#define HR_REPORT_REPORT_H

/* report/report.h - report.json read back: what report.html and junit.xml show */

#include <stddef.h>
#include "build/build.h"
#include "narrow/escalate.h"
#include "run/run.h"
#include "util/strv.h"
#include "verdict/verdict.h"

/* One repetition of a cell, as report.json records it. */
typedef struct hr_report_rep {
    char *obs_file; /* relative to the run directory, or NULL */
    char *sha256;   /* of the observation, or NULL */
    int expect_ok;
    double seconds;
} hr_report_rep;

typedef struct hr_report_cell {
    char *build; /* variant: "O2" */
    char *build_id;
    char *libenv;
    char *label; /* "O2/plain" */
    int skipped;
    int flapping;   /* its repetitions differ */
    int expect_ok;  /* every rep met the expectation; 1 when skipped */
    char *mismatch; /* the first rep's mismatch, or NULL */
    hr_report_rep *reps;
    size_t nreps;
} hr_report_cell;

typedef struct hr_report_case {
    char *name, *kind, *path, *about;
    hr_strv overlays;   /* version overlays that applied */
    hr_verdict_kind verdict;
    char *summary;
    char *suspect;      /* NULL, "undecided" or cell labels */
    char *undecided_why;
    hr_strv differing;  /* cell labels, or libenv names (library) */
    hr_strv also;       /* "hardware: ..." beside the verdict */
    hr_strv flaps;      /* per flapping cell, its rate */
    char *left, *right; /* the representative pair, or NULL */
    char *left_obs, *right_obs;
    char *diff;     /* unified diff, or NULL */
    char *expected; /* or NULL */
    char *left_finding, *right_finding;
    hr_strv ub_reports;
    hr_strv ub_background;      /* findings every case shows */
    hr_escalation *escalation; /* run --escalate, or NULL */
    char *reduced_file;         /* run --reduce: "reduced/NAME.case" */
    char *reduced_text;
    long long reduced_before, reduced_after, reduced_trials;
    double reduced_seconds;
    hr_report_cell *cells;
    size_t ncells;
    double seconds; /* the sum over its reps */
} hr_report_case;

/* One of Postfix's own tests on one build (run --postfix-tests). */
typedef struct hr_report_ptrun {
    char *build;
    hr_strv results;    /* per rep: "pass", "fail (exit 2)", ... */
    hr_strv logs;       /* per rep: its output file, or "" */
    hr_strv sanitizer;  /* per rep: reduced sanitizer reports, or "" */
} hr_report_ptrun;

typedef struct hr_report_ptest {
    char *test;         /* "global/xtext_test" */
    char *skip;         /* why it did not run, or NULL */
    int judged;         /* verdict holds one */
    hr_verdict_kind verdict;
    char *summary, *suspect;
    hr_strv differing, flaps;
    hr_report_ptrun *runs;
    size_t nruns;
} hr_report_ptest;

typedef struct hr_report_ptbuild {
    char *build;
    long long ran, passed, failed;
    char *note;         /* why none ran there, or NULL */
} hr_report_ptbuild;

typedef struct hr_report_ptests {
    double seconds;
    int timeout_s, reps;
    hr_report_ptbuild *builds;
    size_t nbuilds;
    hr_report_ptest *tests;
    size_t ntests;
    size_t totals[HR_HARDWARE + 1]; /* counted from the tests */
    size_t skipped;
} hr_report_ptests;

typedef struct hr_report {
    char *path; /* where it was read from */
    char *run_id, *command, *started, *out_dir;
    double seconds, build_seconds, replay_seconds;
    int reps;
    int exit_code;
    char *source_commit, *source_tree, *source_version;
    char *config_main, *config_master; /* run --config, or NULL */
    hr_strv config_applied, config_not_applied, config_tables;
    hr_strv config_services;
    char *config_goldens;
    hr_machine machine;
    int shard_k, shard_n;    /* run --shard K/N, or 0 */
    hr_strv shard_pairs;     /* "BUILD\tCASE" of the share */
    long long case_runs;     /* a shard's case runs */
    hr_run_shard *shards;    /* a merged run's shards */
    size_t nshards;
    int edac_available;
    char *edac_note;   /* "no EDAC", or the counts */
    hr_strv failed_variants, failed_errors; /* builds not made */
    hr_build **builds; /* no dir, src, stage or make_log */
    size_t nbuilds;
    hr_libenv *libenvs;
    size_t nlibenvs;
    size_t totals[HR_HARDWARE + 1]; /* counted from the cases */
    hr_report_case *cases;          /* in run order */
    size_t ncases;
    hr_report_ptests *ptests;       /* run --postfix-tests, or NULL */
} hr_report;


int hr_report_parse(hr_report **out, const char *text, size_t len,
                    const char *path);
int hr_report_load(hr_report **out, const char *path);
int hr_report_from_run(hr_report **out, const hr_run *run);
int hr_report_write(hr_report **out, const hr_run *run, const char *path);
void hr_report_free(hr_report *r);

#endif

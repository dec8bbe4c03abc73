#ifndef HR_VERDICT_VERDICT_H
#define HR_VERDICT_VERDICT_H

/* verdict/verdict.h - compare a case's observations, give a verdict and evidence */

#include <stddef.h>
#include "observe/obs.h"
#include "util/strv.h"

typedef enum {
    HR_PASS = 0,
    HR_REAL_BUG,
    HR_COMPILER,
    HR_UB,
    HR_LIBRARY,
    HR_HARDWARE,
} hr_verdict_kind;

/* What one (build, libenv) cell observed over its repetitions. */
typedef struct hr_cell {
    const char *build;      /* variant name, e.g. "O2" */
    const char *libenv;     /* "plain" for the plain environment */
    int unoptimized;        /* OPT is empty: DEBUG_README's reference */
    int ub_check;           /* wrapv or a sanitizer build */
    int sanitizer;          /* a sanitizer build */
    size_t nreps;
    const hr_obs *const *obs; /* normalized observation of each rep */
    const int *expect_ok;   /* each rep matched the case's expectation */
    const char *compiler;   /* "gcc": builds of one compiler are one
                             * witness; NULL: "cc" */
    const char *opt;        /* "-O2", for people; NULL: from unoptimized */
    int golden;             /* expect_ok compared the whole observation
                             * with a golden: what it expects is fine */
} hr_cell;

typedef struct hr_verdict {
    hr_verdict_kind kind;
    char *summary;          /* one line: what happened */
    hr_strv differing;      /* "O2/plain", cells that stand apart */
    char *left, *right;     /* the representative pair: cell labels */
    int left_cell, right_cell, left_rep, right_rep;  /* indexes, or -1 */
    char *suspect;          /* compiler: "O2 (gcc -O2): O0, default and
                             * the golden agree", or "undecided"; NULL
                             * otherwise */
    char *undecided_why;    /* with "undecided": why */
    hr_strv ub_reports;     /* "file:line: runtime error: ..." lines */
    hr_strv ub_background;  /* sanitizer findings of the baseline */
    int ub_cell;            /* the first cell with a report, or -1 */
    hr_strv also;           /* "hardware: O2/plain: 1 of 3 reps differ ..."
                             * beside the verdict */
    hr_strv flaps;          /* "O2/plain: 1 of 3 reps differ from the
                             * first", per flapping cell */
} hr_verdict;

const char *hr_verdict_name(hr_verdict_kind kind);
int hr_verdict_parse_name(hr_verdict_kind *out, const char *name);
int hr_verdict_compute(hr_verdict **out, const hr_cell *cells, size_t n,
                       const hr_strv *background);
void hr_verdict_free(hr_verdict *v);
char *hr_verdict_severe(const hr_obs *o);

#endif

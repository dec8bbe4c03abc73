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
} hr_cell;

typedef struct hr_verdict {
    hr_verdict_kind kind;
    char *summary;          /* one line: what happened */
    hr_strv differing;      /* "O2/plain", cells that stand apart */
    char *left, *right;     /* the representative pair: cell labels */
    int left_cell, right_cell, left_rep, right_rep;  /* indexes, or -1 */
    char *suspect;          /* compiler: the side that looks wrong, or
                             * "undecided"; NULL otherwise */
    hr_strv ub_reports;     /* "file:line: runtime error: ..." lines */
    hr_strv ub_background;  /* sanitizer findings every case shows */
} hr_verdict;

const char *hr_verdict_name(hr_verdict_kind kind);
int hr_verdict_parse_name(hr_verdict_kind *out, const char *name);
int hr_verdict_compute(hr_verdict **out, const hr_cell *cells, size_t n,
                       const hr_strv *background);
void hr_verdict_free(hr_verdict *v);

#endif

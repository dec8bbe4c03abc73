#ifndef HR_NARROW_ESCALATE_H
#define HR_NARROW_ESCALATE_H

/* narrow/escalate.h - DEBUG_README's escalation ladder on both sides of a
 * divergence */

#include <stddef.h>
#include "build/build.h"
#include "case/case.h"
#include "util/strv.h"

/* Where two normalized texts first differ. */
typedef struct hr_divergence {
    long line;          /* 1-based; 0: the texts are equal */
    char *left, *right; /* the lines, "(end)" past the end */
} hr_divergence;

typedef struct hr_escalation_step {
    int number; /* 1 debug_peer_list, 2 verbose, 3 strace, 4 gdb */
    char *name;
    char *about;       /* what was turned on */
    char *skipped;     /* why the step did not run, or NULL */
    hr_strv files;     /* relative to the run directory */
    hr_divergence log; /* of the normalized maillogs */
    hr_strv notes;     /* "trace smtpd: line 12: ... | ...", backtraces */
    double seconds;
} hr_escalation_step;

typedef struct hr_escalation {
    char *left, *right; /* "O0/plain", "O2/plain" */
    hr_escalation_step *steps;
    size_t nsteps;
    double seconds;
} hr_escalation;

typedef struct hr_escalate_side {
    const char *label; /* "O0/plain" */
    const hr_build *build;
    const hr_strv *libenv; /* NULL: the plain environment */
} hr_escalate_side;

typedef struct hr_escalate_opts {
    const hr_case *c;
    hr_escalate_side left, right;
    const char *run_dir; /* files are named relative to it */
    const char *dir;     /* where this case's files go */
} hr_escalate_opts;

int hr_escalate(hr_escalation **out, const hr_escalate_opts *o);
void hr_escalation_free(hr_escalation *e);

char *hr_escalate_normalize_log(const char *log, const char *const *from,
                                const char *const *to);
void hr_escalate_diverge(hr_divergence *out, const char *left,
                         const char *right);
void hr_divergence_release(hr_divergence *d);
void hr_escalate_daemons(hr_strv *out, const char *log);
void hr_escalate_killed(hr_strv *out, const char *log);

#endif

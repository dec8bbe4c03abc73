#ifndef HR_NARROW_REDUCE_H
#define HR_NARROW_REDUCE_H

/* narrow/reduce.h - a diverging smtp case, and a configuration, made as
 * small as the divergence allows */

#include <stddef.h>
#include "instance/libenv.h"

typedef void (*hr_reduce_progress_fn)(const char *line, void *payload);

typedef struct hr_reduce_opts {
    const char *case_path;
    const char *good, *bad;     /* builds: "VARIANT" or "VARIANT CC" */
    const char *source;         /* NULL: the default source */
    const char *cc;             /* for builds that name no compiler */
    const hr_libenv *libenv;    /* or NULL */
    const char *config;         /* a user's main.cf, reduced too, or NULL */
    const char *master;         /* its master.cf, or NULL */
    const char *work_dir;       /* instances go under it */
    int max_trials;             /* 0: 2000 */
    double max_seconds;         /* 0: 1800 */
    int plain;                  /* plain ddmin over the case's lines, for
                                 * comparison */
    hr_reduce_progress_fn progress;
    void *payload;
} hr_reduce_opts;

typedef struct hr_reduce_result {
    size_t trials;              /* candidates run */
    size_t cached;              /* answered by the cache */
    size_t invalid;             /* refused before running: they did not
                                 * parse or broke SMTP's order */
    size_t flaky;               /* a repetition disagreed */
    double seconds;
    size_t lines_before, lines_after;      /* client lines */
    size_t config_before, config_after;    /* the case's config lines */
    size_t settings_before, settings_after;/* the user's main.cf settings */
    size_t defaults_dropped;    /* settings equal to postconf -d */
    int budget_hit;             /* stopped by --max-trials/--max-seconds */
    char *signature;            /* the divergence kept, diff lines */
    char *case_text;            /* the reduced case */
    char *config_text;          /* the reduced main.cf, or NULL */
    char *good_label, *bad_label;
} hr_reduce_result;

int hr_reduce_run(hr_reduce_result *out, const hr_reduce_opts *o);
void hr_reduce_result_release(hr_reduce_result *r);
char *hr_reduce_signature(const char *good_obs, const char *bad_obs);

#endif

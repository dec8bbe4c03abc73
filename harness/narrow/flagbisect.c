/*
 * NAME
 *	narrow/flagbisect 3
 * SUMMARY
 *	which optimization flags, or which pass, make a build bad
 * SYNOPSIS
 *	#include "narrow/flagbisect.h"
 *
 *	int	hr_flagbisect_enabled(out, help_text)
 *	char	*hr_flagbisect_negate(flag)
 *	char	*hr_flagbisect_off_args(off)
 *	int	hr_flagbisect_ddmin(out, flags, oracle, payload)
 *	void	hr_flagbisect_result_release(r)
 *
 *	int	hr_optpass_parse(out, count, text)
 *	void	hr_optpass_free_all(p, count)
 *	int	hr_flagbisect_limit(out, npasses, oracle, payload)
 * DESCRIPTION
 *	hr_flagbisect_enabled() reads the output of "gcc -Q --help=optimizers
 *	-O2" and returns the -f flags that it marks [enabled], in its
 *	order; options that take a value ("-falign-loops=") are left out,
 *	since they have no -fno- form.
 *
 *	hr_flagbisect_ddmin() subtracts flags from the bad level: the oracle
 *	tries the bad build with a set of flags turned off and says whether
 *	the divergence disappeared (HR_OUTCOME_GOOD). First every flag goes
 *	off at once; if the divergence stays, no flag explains it
 *	(HR_FLAGBISECT_NONE): the difference lies in what the level does
 *	without a flag of its own. Otherwise, on the guess that one flag is
 *	to blame, the set is halved: the first half is tried, and when it
 *	does not cure, the second half is taken untried; the last flag is
 *	then tried alone. About ceil(log2 n) + 2 trials. When the guess
 *	fails (the flags act together), Zeller's ddmin narrows the full set
 *	to a 1-minimal one: turning off all of it removes the divergence,
 *	and no smaller set obtained by dropping one chunk or one flag does.
 *	Sets already tried are not tried again. The minimal set was tried
 *	by itself; verified_step names that trial.
 *
 *	hr_optpass_parse() reads clang's "BISECT: running pass (N) NAME on
 *	TARGET" lines (-mllvm -opt-bisect-limit=-1 prints one per pass).
 *	hr_flagbisect_limit() searches the limit between 0 (no optional
 *	pass runs: must be good) and npasses (every pass runs: must be bad)
 *	for the first bad limit; that pass is the one that makes the
 *	difference.
 * DIAGNOSTICS
 *	A negative return is the oracle's error, passed up unchanged.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "narrow/flagbisect.h"
#include "util/mem.h"
#include "util/msg.h"

/* hr_flagbisect_enabled - the -f flags that -Q --help=optimizers marks enabled
 */
int hr_flagbisect_enabled(hr_strv *out, const char *text)
{
    const char *p = text;

    while (*p) {
        size_t n = strcspn(p, "\n");
        const char *s = p, *e;

        p += n + (p[n] == '\n');
        while (s < p && (*s == ' ' || *s == '\t'))
            s++;
        if (strncmp(s, "-f", 2) != 0)
            continue;
        e = s;
        while (e < p && !isspace((unsigned char)*e))
            e++;
        if (memchr(s, '=', (size_t)(e - s)) != NULL)
            continue;
        if (memmem(e, (size_t)(p - e), "[enabled]", 9) == NULL)
            continue;
        {
            char *flag = hr_strndup(s, (size_t)(e - s));

            if (hr_strv_find(out, flag) < 0)
                hr_strv_add_owned(out, flag);
            else
                hr_free(flag);
        }
    }
    return 0;
}

/* hr_flagbisect_negate - "-ftree-vrp" <-> "-fno-tree-vrp" */
char *hr_flagbisect_negate(const char *flag)
{
    if (strncmp(flag, "-fno-", 5) == 0)
        return hr_sprintf("-f%s", flag + 5);
    if (strncmp(flag, "-f", 2) == 0)
        return hr_sprintf("-fno-%s", flag + 2);
    hr_panic("hr_flagbisect_negate: '%s' is not a -f flag", flag);
}

/* hr_flagbisect_off_args - "-fno-a -fno-b": what turns the flags off */
char *hr_flagbisect_off_args(const hr_strv *off)
{
    hr_buf b = HR_BUF_INIT;

    for (size_t i = 0; i < off->n; i++) {
        char *neg = hr_flagbisect_negate(off->v[i]);

        hr_buf_printf(&b, "%s%s", i ? " " : "", neg);
        hr_free(neg);
    }
    return hr_buf_detach(&b);
}

typedef struct tried {
    char *key;
    hr_outcome outcome;
} tried;

typedef struct ddctx {
    const hr_strv *flags;
    hr_flagbisect_oracle oracle;
    void *payload;
    hr_flagbisect_result *r;
    tried *cache;
    size_t ncache;
} ddctx;

/* set_key - the indexes of a set, as text */
static char *set_key(const size_t *set, size_t n)
{
    hr_buf b = HR_BUF_INIT;

    for (size_t i = 0; i < n; i++)
        hr_buf_printf(&b, "%zu,", set[i]);
    return hr_buf_detach(&b);
}

/* test_set - one trial of a set of flags turned off (cached) */
static int test_set(hr_outcome *out, ddctx *d, const size_t *set, size_t n)
{
    char *key = set_key(set, n);
    hr_strv off = HR_STRV_INIT;
    hr_flagbisect_step *step;
    hr_buf what = HR_BUF_INIT;
    int error;

    for (size_t i = 0; i < d->ncache; i++) {
        if (strcmp(d->cache[i].key, key) == 0) {
            *out = d->cache[i].outcome;
            hr_free(key);
            return 0;
        }
    }
    for (size_t i = 0; i < n; i++)
        hr_strv_add(&off, d->flags->v[set[i]]);
    hr_buf_printf(&what, "%zu of %zu flags off", n, d->flags->n);
    if (n <= 8) {
        char *args = hr_flagbisect_off_args(&off);

        hr_buf_printf(&what, ": %s", args);
        hr_free(args);
    }
    d->r->steps =
        hr_realloc(d->r->steps, (d->r->nsteps + 1) * sizeof(*d->r->steps));
    step = &d->r->steps[d->r->nsteps++];
    step->what = hr_buf_detach(&what);
    step->noff = n;
    step->outcome = HR_OUTCOME_FLAKY;
    error = d->oracle(out, &off, step->what, d->payload);
    hr_strv_release(&off);
    if (error < 0) {
        hr_free(key);
        return error;
    }
    step->outcome = *out;
    d->cache = hr_realloc(d->cache, (d->ncache + 1) * sizeof(*d->cache));
    d->cache[d->ncache].key = key;
    d->cache[d->ncache].outcome = *out;
    d->ncache++;
    return 0;
}

/* step_of - the step that tried this set */
static size_t step_of(ddctx *d, const size_t *set, size_t n)
{
    char *key = set_key(set, n);
    size_t found = 0;

    for (size_t i = 0; i < d->ncache && !found; i++)
        if (strcmp(d->cache[i].key, key) == 0)
            found = i;
    hr_free(key);
    /* The cache holds one entry per step, in step order. */
    return found + 1;
}

/* hr_flagbisect_ddmin - a 1-minimal set of flags whose removal removes the
 * divergence */
int hr_flagbisect_ddmin(hr_flagbisect_result *out, const hr_strv *flags,
                        hr_flagbisect_oracle oracle, void *payload)
{
    ddctx d = {flags, oracle, payload, out, NULL, 0};
    size_t *set = hr_calloc(flags->n ? flags->n : 1, sizeof(size_t));
    size_t *part = hr_calloc(flags->n ? flags->n : 1, sizeof(size_t));
    size_t m = flags->n, chunks = 2;
    hr_outcome o;
    int error;

    memset(out, 0, sizeof(*out));
    for (size_t i = 0; i < m; i++)
        set[i] = i;
    if ((error = test_set(&o, &d, set, m)) < 0)
        goto done;
    if (o != HR_OUTCOME_GOOD) {
        out->status =
            o == HR_OUTCOME_FLAKY ? HR_FLAGBISECT_FLAKY : HR_FLAGBISECT_NONE;
        goto done;
    }
    /* Most often one flag is to blame: halve, and when the first half
     * does not cure, take the second without trying it. One trial of
     * the last flag alone checks the guess; if it fails, ddmin starts
     * from the full set (tried sets are not tried again). */
    while (m >= 2) {
        size_t half = m / 2;

        if ((error = test_set(&o, &d, set, half)) < 0)
            goto done;
        if (o == HR_OUTCOME_FLAKY) {
            out->status = HR_FLAGBISECT_FLAKY;
            goto done;
        }
        if (o == HR_OUTCOME_GOOD) {
            m = half;
        } else {
            memmove(set, set + half, (m - half) * sizeof(size_t));
            m -= half;
        }
    }
    if ((error = test_set(&o, &d, set, m)) < 0)
        goto done;
    if (o == HR_OUTCOME_FLAKY) {
        out->status = HR_FLAGBISECT_FLAKY;
        goto done;
    }
    if (o != HR_OUTCOME_GOOD) {
        m = flags->n;
        for (size_t i = 0; i < m; i++)
            set[i] = i;
    }
    while (m >= 2) {
        int found = 0;

        /* Subsets: one chunk off. */
        for (size_t c = 0; c < chunks && !found; c++) {
            size_t a = m * c / chunks, b = m * (c + 1) / chunks;

            if ((error = test_set(&o, &d, set + a, b - a)) < 0)
                goto done;
            if (o == HR_OUTCOME_FLAKY)
                break;
            if (o == HR_OUTCOME_GOOD) {
                memmove(set, set + a, (b - a) * sizeof(size_t));
                m = b - a;
                chunks = 2;
                found = 1;
            }
        }
        /* Complements: all but one chunk off (with two chunks these are
         * the subsets again). */
        for (size_t c = 0;
             c < chunks && !found && chunks > 2 && o != HR_OUTCOME_FLAKY; c++) {
            size_t a = m * c / chunks, b = m * (c + 1) / chunks, k = 0;

            for (size_t i = 0; i < m; i++)
                if (i < a || i >= b)
                    part[k++] = set[i];
            if ((error = test_set(&o, &d, part, k)) < 0)
                goto done;
            if (o == HR_OUTCOME_FLAKY)
                break;
            if (o == HR_OUTCOME_GOOD) {
                memcpy(set, part, k * sizeof(size_t));
                m = k;
                chunks = chunks - 1 > 2 ? chunks - 1 : 2;
                found = 1;
            }
        }
        if (o == HR_OUTCOME_FLAKY) {
            out->status = HR_FLAGBISECT_FLAKY;
            goto done;
        }
        if (found)
            continue;
        if (chunks >= m)
            break;
        chunks = chunks * 2 < m ? chunks * 2 : m;
    }
    out->status = HR_FLAGBISECT_FOUND;
    for (size_t i = 0; i < m; i++)
        hr_strv_add(&out->minimal, flags->v[set[i]]);
    out->verified_step = step_of(&d, set, m);
done:
    for (size_t i = 0; i < d.ncache; i++)
        hr_free(d.cache[i].key);
    hr_free(d.cache);
    hr_free(set);
    hr_free(part);
    return error;
}

/* hr_flagbisect_result_release - free */
void hr_flagbisect_result_release(hr_flagbisect_result *r)
{
    for (size_t i = 0; i < r->nsteps; i++)
        hr_free(r->steps[i].what);
    hr_free(r->steps);
    hr_strv_release(&r->minimal);
    memset(r, 0, sizeof(*r));
}

/* hr_optpass_parse - clang's BISECT lines: the passes in order */
int hr_optpass_parse(hr_optpass **out, size_t *count, const char *text)
{
    static const char run[] = "running pass (";
    const char *p = text;
    hr_optpass *v = NULL;
    size_t n = 0;

    while (*p) {
        size_t len = strcspn(p, "\n");
        char *line = hr_strndup(p, len);
        char *s = strstr(line, run), *close, *on;

        p += len + (p[len] == '\n');
        if (strncmp(line, "BISECT: ", 8) != 0 || s == NULL ||
            (close = strchr(s, ')')) == NULL || close[1] != ' ') {
            hr_free(line);
            continue;
        }
        v = hr_realloc(v, (n + 1) * sizeof(*v));
        v[n].number = atoi(s + sizeof(run) - 1);
        on = strstr(close + 2, " on ");
        v[n].name = on ? hr_strndup(close + 2, (size_t)(on - close - 2))
                       : hr_strdup(close + 2);
        v[n].target = hr_strdup(on ? on + 4 : "");
        n++;
        hr_free(line);
    }
    *out = v;
    *count = n;
    return 0;
}

/* hr_optpass_free_all - free */
void hr_optpass_free_all(hr_optpass *p, size_t count)
{
    for (size_t i = 0; i < count; i++) {
        hr_free(p[i].name);
        hr_free(p[i].target);
    }
    hr_free(p);
}

/* hr_flagbisect_limit - the first opt-bisect-limit that is bad */
int hr_flagbisect_limit(hr_limit_result *out, int npasses,
                        hr_limit_oracle oracle, void *payload)
{
    hr_outcome o;
    int lo = 0, hi = npasses, error;

    memset(out, 0, sizeof(*out));
    out->pass = -1;
    out->ntrials++;
    if ((error = oracle(&o, 0, payload)) < 0)
        return error;
    if (o != HR_OUTCOME_GOOD) {
        out->status =
            o == HR_OUTCOME_FLAKY ? HR_FLAGBISECT_FLAKY : HR_FLAGBISECT_NONE;
        return 0;
    }
    out->ntrials++;
    if ((error = oracle(&o, npasses, payload)) < 0)
        return error;
    if (o == HR_OUTCOME_FLAKY || o == HR_OUTCOME_GOOD) {
        out->status = o == HR_OUTCOME_FLAKY ? HR_FLAGBISECT_FLAKY : -1;
        return 0;
    }
    while (hi - lo > 1) {
        int mid = lo + (hi - lo) / 2;

        out->ntrials++;
        if ((error = oracle(&o, mid, payload)) < 0)
            return error;
        if (o == HR_OUTCOME_FLAKY) {
            out->status = HR_FLAGBISECT_FLAKY;
            return 0;
        }
        if (o == HR_OUTCOME_GOOD)
            lo = mid;
        else
            hi = mid;
    }
    out->status = HR_FLAGBISECT_FOUND;
    out->pass = hi;
    return 0;
}

/*
 * NAME
 *	narrow/reduce 3
 * SUMMARY
 *	a diverging smtp case, and a configuration, made as small as the
 *	divergence allows
 * SYNOPSIS
 *	#include "narrow/reduce.h"
 *
 *	int	hr_reduce_run(out, o)
 *	void	hr_reduce_result_release(r)
 *	char	*hr_reduce_signature(good_obs, bad_obs)
 * DESCRIPTION
 *	hr_reduce_run() reduces the smtp case o->case_path while the good
 *	and the bad build keep diverging the same way. The oracle runs a
 *	candidate on both builds (on warm instances, a pool per build
 *	keyed by configuration, the two builds side by side) and compares
 *	their divergence signature with the original's: the sorted set of
 *	lines that a diff of the two observations removes and adds
 *	(hr_reduce_signature()). "Still differs somehow" is not enough. A
 *	candidate that reproduces is run twice more on each build; one
 *	whose repetitions disagree is never accepted, and counted (flaky).
 *
 *	The search is hierarchical delta debugging over the case's
 *	structure (rdcase(3)), ddmin (ddmin(3)) at each level:
 *	transactions; commands (a DATA with its content, a BDAT with its
 *	chunk); recipients; MIME parts; header fields and body lines. A
 *	candidate that breaks SMTP's order or framing (rdcase(3)) is not
 *	run. Then simplification, each step kept only when the divergence
 *	stays: a body becomes one line, long command arguments are halved
 *	(values of KEY=VALUE, local parts, host names), and the case's
 *	config lines go by ddmin. With o->config, the user's settings go
 *	too: first all that equal postconf -d's value, then ddmin over the
 *	rest.
 *
 *	Every candidate is rendered, parsed and keyed by its text and its
 *	settings: no candidate runs twice. The search stops at
 *	o->max_trials or o->max_seconds and keeps the best case so far
 *	(out->budget_hit). Progress lines say "reduce: trials N, current
 *	size S, best size B (LEVEL)".
 *
 *	The result's case has the replies the good build gives (queue ids
 *	and other run-dependent tokens as '*'), checked by running it once
 *	more; a header comment says where it came from, the sizes and the
 *	divergence. With o->plain, plain ddmin over the case's step lines
 *	(no structure, no simplification) runs instead, for comparison.
 * DIAGNOSTICS
 *	HR_EINPUT for a case that is not smtp or whose builds do not
 *	diverge; the errors of builds and instances; HR_EINTR.
 * SEE ALSO
 *	rdcase(3), ddmin(3), cmd_reduce(1).
 */
#include <ctype.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "narrow/reduce.h"
#include "case/case.h"
#include "case/userconf.h"
#include "instance/instance.h"
#include "instance/netns.h"
#include "narrow/bisection.h"
#include "narrow/ddmin.h"
#include "narrow/rdcase.h"
#include "replay/caserun.h"
#include "util/buf.h"
#include "util/cleanup.h"
#include "util/clock.h"
#include "util/fsutil.h"
#include "util/hash.h"
#include "util/mem.h"
#include "util/msg.h"
#include "verdict/evidence.h"

#define POOL 4
#define CANDIDATE_NAME "reduce-candidate"
#define STOP (-100)     /* ddmin's stop: the budget */

typedef struct side {
    hr_build *b;
    const char *label;
    struct {
        char *key, *dir, *ns;
        hr_instance *in;
        long long used;
    } pool[POOL];
    long long clock;
    int seq;
} side;

typedef struct red {
    const hr_reduce_opts *o;
    hr_reduce_result *res;
    side s[2];
    hr_userconf *user;          /* loaded, or NULL */
    hr_strv settings;           /* the candidate settings (of user) */
    char *sig;
    hr_strv cache_key, cache_val;
    double t0;
    size_t best_size;
    const char *level;
    hr_rdcase *best;
} red;

/* ---- the divergence signature */

/* hr_reduce_signature - where the two observations first part: the first
 * block of lines a diff of them removes and adds (with no line in
 * common between), in order; "" when they agree */
char *hr_reduce_signature(const char *good_obs, const char *bad_obs)
{
    char *diff = NULL;
    hr_buf b = HR_BUF_INIT;
    int in_block = 0;

    if (hr_evidence_diff(&diff, good_obs, "good", bad_obs, "bad") < 0)
        return hr_strdup("");
    for (const char *p = diff; *p;) {
        size_t n = strcspn(p, "\n");
        int changed = (p[0] == '-' || p[0] == '+') &&
                      strncmp(p, "---", 3) != 0 && strncmp(p, "+++", 3) != 0;

        if (changed) {
            hr_buf_printf(&b, "%s%.*s", b.len ? "\n" : "", (int)n, p);
            in_block = 1;
        } else if (in_block && p[0] != '\\') {
            break;
        }
        p += n + (p[n] == '\n');
    }
    hr_free(diff);
    if (b.ptr == NULL)
        hr_buf_puts(&b, "");
    return hr_buf_detach(&b);
}

/* ---- warm instances */

/* instance_for - a running instance of side s for case c */
static int instance_for(hr_instance **out, red *r, side *s, const hr_case *c)
{
    char *key = hr_case_config_key(c);
    char *sett = hr_strv_join(&r->settings, "\n");
    char *all = hr_sprintf("%s\n--\n%s", key, c->user ? sett : "");
    size_t k, oldest = 0;
    hr_instance_opts io = HR_INSTANCE_OPTS_INIT;
    int error;

    hr_free(key);
    hr_free(sett);
    s->clock++;
    for (k = 0; k < POOL; k++)
        if (s->pool[k].key && strcmp(s->pool[k].key, all) == 0) {
            s->pool[k].used = s->clock;
            *out = s->pool[k].in;
            hr_free(all);
            return 0;
        }
    for (k = 1; k < POOL; k++)
        if (s->pool[k].used < s->pool[oldest].used)
            oldest = k;
    k = oldest;
    if (s->pool[k].in) {
        hr_instance_stop(s->pool[k].in);
        hr_instance_free(s->pool[k].in);
        hr_free(s->pool[k].key);
        hr_free(s->pool[k].dir);
        hr_free(s->pool[k].ns);
        memset(&s->pool[k], 0, sizeof(s->pool[k]));
    }
    s->pool[k].dir = hr_sprintf("%s/%s-%d", r->o->work_dir,
                                s == &r->s[0] ? "good" : "bad", ++s->seq);
    s->pool[k].ns = hr_netns_name();
    hr_instance_opts_from_case(&io, s->b, s->pool[k].dir, s->pool[k].ns,
                               r->o->libenv ? &r->o->libenv->env : NULL, c);
    if ((error = hr_instance_start(&s->pool[k].in, &io)) < 0) {
        hr_free(all);
        hr_free(s->pool[k].dir);
        hr_free(s->pool[k].ns);
        memset(&s->pool[k], 0, sizeof(s->pool[k]));
        return error;
    }
    s->pool[k].key = all;
    s->pool[k].used = s->clock;
    *out = s->pool[k].in;
    return 0;
}

static void pool_stop(side *s)
{
    for (size_t k = 0; k < POOL; k++) {
        if (s->pool[k].in) {
            hr_instance_stop(s->pool[k].in);
            hr_instance_free(s->pool[k].in);
        }
        hr_free(s->pool[k].key);
        hr_free(s->pool[k].dir);
        hr_free(s->pool[k].ns);
        memset(&s->pool[k], 0, sizeof(s->pool[k]));
    }
}

/* One side's run of a case, on a thread. */
struct job {
    red *r;
    side *s;
    const hr_case *c;
    char *obs;          /* behaviour, or NULL */
    char *first_reply_text; /* the transcript (good side, final) */
    int error;
};

/* run_side - the case once on one side; an instance that fails under it
 * is that side's observation */
static void *run_side(void *arg)
{
    struct job *j = arg;
    hr_instance *in = NULL;
    hr_caserun_result res;
    int e;

    j->obs = NULL;
    if ((e = instance_for(&in, j->r, j->s, j->c)) < 0) {
        if (e == HR_EINTR || hr_instance_start_why()[0] == 0) {
            j->error = e;
            return NULL;
        }
        j->obs = hr_sprintf("! instance did not start: %s\n",
                            hr_instance_start_why());
        return NULL;
    }
    if ((e = hr_caserun(&res, in, j->c)) < 0) {
        if (e == HR_EINTR || hr_interrupted()) {
            j->error = e;
            return NULL;
        }
        /* the instance failed under the case: a fresh one next time */
        for (size_t k = 0; k < POOL; k++)
            if (j->s->pool[k].in == in) {
                hr_instance_stop(in);
                hr_instance_free(in);
                hr_free(j->s->pool[k].key);
                hr_free(j->s->pool[k].dir);
                hr_free(j->s->pool[k].ns);
                memset(&j->s->pool[k], 0, sizeof(j->s->pool[k]));
            }
        j->obs = hr_strdup("! instance failed during the case\n");
        return NULL;
    }
    j->obs = hr_strdup(hr_obs_behaviour(res.model));
    hr_caserun_result_release(&res);
    return NULL;
}

/* observe - the case on both sides at once: their behaviours */
static int observe(red *r, const hr_case *c, char **good, char **bad)
{
    struct job jobs[2] = {{r, &r->s[0], c, NULL, NULL, 0},
                          {r, &r->s[1], c, NULL, NULL, 0}};
    pthread_t t;
    int threaded = pthread_create(&t, NULL, run_side, &jobs[1]) == 0;

    run_side(&jobs[0]);
    if (threaded)
        pthread_join(t, NULL);
    else
        run_side(&jobs[1]);
    if (jobs[0].error < 0 || jobs[1].error < 0) {
        hr_free(jobs[0].obs);
        hr_free(jobs[1].obs);
        return jobs[0].error < 0 ? jobs[0].error : jobs[1].error;
    }
    *good = jobs[0].obs;
    *bad = jobs[1].obs;
    return 0;
}

/* ---- the oracle */

static void say(red *r, const char *fmt, ...) HR_PRINTF(2, 3);

static void say(red *r, const char *fmt, ...)
{
    va_list ap;
    char *line;

    if (r->o->progress == NULL)
        return;
    va_start(ap, fmt);
    line = hr_vsprintf(fmt, ap);
    va_end(ap);
    r->o->progress(line, r->o->payload);
    hr_free(line);
}

/* parse_text - a candidate's text as a case (with the user's
 * configuration), or NULL */
static hr_case *parse_text(red *r, const char *text)
{
    hr_case *c = NULL;

    if (hr_case_parse(&c, r->o->case_path, text, strlen(text)) < 0)
        return NULL;
    if (r->user) {
        hr_free(c->golden);
        c->golden = NULL;
        c->user = r->user;
    }
    return c;
}

/* test_text - 1 when the case text (with the current settings)
 * reproduces the divergence, confirmed; 0 when not; STOP or trouble */
static int test_text(red *r, const char *text, size_t size)
{
    char *key, *sett = hr_strv_join(&r->settings, "\n");
    char hex[HR_SHA256_HEX];
    hr_case *c = NULL;
    char *g = NULL, *b = NULL, *sig = NULL;
    int found, verdict = 0, error;
    hr_hash *h;

    if (hr_interrupted())
        return hr_error_set(HR_EINTR, "interrupted");
    hr_hash_new(&h);
    hr_hash_field(h, "case", text);
    hr_hash_field(h, "settings", sett);
    hr_hash_final(hex, h);
    hr_hash_free(h);
    hr_free(sett);
    key = hr_strdup(hex);
    if ((found = hr_strv_find(&r->cache_key, key)) >= 0) {
        r->res->cached++;
        hr_free(key);
        return r->cache_val.v[found][0] == '1';
    }
    if ((size_t)r->res->trials >= (size_t)r->o->max_trials ||
        hr_clock_s() - r->t0 > r->o->max_seconds) {
        r->res->budget_hit = 1;
        hr_free(key);
        return STOP;
    }
    if ((c = parse_text(r, text)) == NULL) {
        r->res->invalid++;
        goto done;
    }
    r->res->trials++;
    if ((error = observe(r, c, &g, &b)) < 0) {
        hr_case_free(c);
        hr_free(key);
        return error;
    }
    sig = hr_reduce_signature(g, b);
    if (strcmp(sig, r->sig) == 0) {
        /* Confirmed twice: the same behaviour on each side again. */
        verdict = 1;
        for (int k = 0; k < 2 && verdict; k++) {
            char *g2 = NULL, *b2 = NULL;

            if ((error = observe(r, c, &g2, &b2)) < 0) {
                hr_free(g);
                hr_free(b);
                hr_free(sig);
                hr_case_free(c);
                hr_free(key);
                return error;
            }
            if (strcmp(g, g2) != 0 || strcmp(b, b2) != 0) {
                verdict = 0;
                r->res->flaky++;
            }
            hr_free(g2);
            hr_free(b2);
        }
    }
    if (verdict && size < r->best_size)
        r->best_size = size;
    say(r, "reduce: trials %zu, current size %zu, best size %zu (%s)",
        r->res->trials, size, r->best_size, r->level);
done:
    hr_strv_add_owned(&r->cache_key, key);
    hr_strv_add(&r->cache_val, verdict ? "1" : "0");
    hr_free(g);
    hr_free(b);
    hr_free(sig);
    hr_case_free(c);
    return verdict;
}

/* test_rd - a structured candidate: checked, rendered, tested */
static int test_rd(red *r, const hr_rdcase *cand)
{
    char *why = NULL, *text;
    int v;

    if (hr_rdcase_check(cand, &why) < 0) {
        hr_free(why);
        r->res->invalid++;
        return 0;
    }
    text = hr_rdcase_render(cand, CANDIDATE_NAME, NULL, NULL);
    v = test_text(r, text, hr_rdcase_client_lines(cand));
    hr_free(text);
    return v;
}

/* ---- levels: units of steps */

typedef struct level {
    red *r;
    const hr_rdcase *base;
    size_t nunits;
    hr_strv members;    /* per unit: step indexes, "1 2 3" */
} level;

static void unit_add(level *l, const size_t *steps, size_t n)
{
    hr_buf b = HR_BUF_INIT;

    for (size_t i = 0; i < n; i++)
        hr_buf_printf(&b, "%s%zu", i ? " " : "", steps[i]);
    hr_strv_add_owned(&l->members, hr_buf_detach(&b));
    l->nunits++;
}

/* level_keep - the steps a unit selection keeps */
static unsigned char *level_keep(const level *l, const unsigned char *keep)
{
    unsigned char *steps = hr_calloc(l->base->n + 1, 1);

    memset(steps, 1, l->base->n);
    for (size_t u = 0; u < l->nunits; u++) {
        const char *p = l->members.v[u];

        if (keep[u])
            continue;
        while (*p) {
            char *end;
            unsigned long i = strtoul(p, &end, 10);

            if (i < l->base->n)
                steps[i] = 0;
            p = end + (*end == ' ');
        }
    }
    return steps;
}

static int level_test(const unsigned char *keep, size_t n, void *payload)
{
    level *l = payload;
    unsigned char *steps = level_keep(l, keep);
    hr_rdcase *cand = hr_rdcase_keep(l->base, steps);
    int v;

    (void)n;
    v = test_rd(l->r, cand);
    hr_rdcase_free(cand);
    hr_free(steps);
    return v;
}

/* run_level - ddmin over the units; the best case becomes what is left */
static int run_level(red *r, level *l, const char *name)
{
    unsigned char *keep;
    int error;

    r->level = name;
    if (l->nunits < 1) {
        hr_strv_release(&l->members);
        return 0;
    }
    keep = hr_calloc(l->nunits, 1);
    memset(keep, 1, l->nunits);
    error = hr_ddmin(keep, l->nunits, level_test, l);
    if (error == 0 || error == STOP) {
        unsigned char *steps = level_keep(l, keep);
        hr_rdcase *next = hr_rdcase_keep(l->base, steps);

        hr_rdcase_free(r->best);
        r->best = next;
        hr_free(steps);
    }
    hr_free(keep);
    hr_strv_release(&l->members);
    return error;
}

/* level_txns - a unit per transaction */
static int level_txns(red *r)
{
    level l = {r, r->best, 0, HR_STRV_INIT};
    size_t *steps = hr_calloc(r->best->n + 1, sizeof(size_t));

    for (int t = 0; t < r->best->ntxn; t++) {
        size_t n = 0;

        for (size_t i = 0; i < r->best->n; i++)
            if (r->best->steps[i].txn == t)
                steps[n++] = i;
        if (n)
            unit_add(&l, steps, n);
    }
    hr_free(steps);
    return run_level(r, &l, "transactions");
}

/* level_steps - a unit per command (with its content), raw step, pause
 * or eof; only the verb's commands when verb is not 0 */
static int level_steps(red *r, hr_rd_verb only, const char *name)
{
    level l = {r, r->best, 0, HR_STRV_INIT};
    const hr_rdcase *b = r->best;

    for (size_t i = 0; i < b->n; i++) {
        const hr_rd_step *s = &b->steps[i];
        size_t steps[2] = {i, i + 1};

        if (s->kind == HR_RD_CONTENT)
            continue;           /* with its command */
        if (only && (s->kind != HR_RD_CMD || s->verb != only))
            continue;
        if (s->kind == HR_RD_CMD && i + 1 < b->n &&
            b->steps[i + 1].kind == HR_RD_CONTENT &&
            (s->verb == HR_RD_DATA || s->verb == HR_RD_BDAT))
            unit_add(&l, steps, 2);
        else
            unit_add(&l, steps, 1);
    }
    return run_level(r, &l, name);
}

/* ---- line levels: units of content lines */

typedef struct lines_level {
    red *r;
    const hr_rdcase *base;
    size_t nunits;
    size_t *step, *from, *to;   /* per unit: a content step's lines */
} lines_level;

static void lines_add(lines_level *l, size_t step, size_t from, size_t to)
{
    l->step = hr_realloc(l->step, (l->nunits + 1) * sizeof(size_t));
    l->from = hr_realloc(l->from, (l->nunits + 1) * sizeof(size_t));
    l->to = hr_realloc(l->to, (l->nunits + 1) * sizeof(size_t));
    l->step[l->nunits] = step;
    l->from[l->nunits] = from;
    l->to[l->nunits] = to;
    l->nunits++;
}

/* lines_make - the base with the lines of the dropped units taken out */
static hr_rdcase *lines_make(const lines_level *l, const unsigned char *keep)
{
    hr_rdcase *c = hr_rdcase_copy(l->base);

    for (size_t i = 0; i < c->n; i++) {
        hr_rd_step *s = &c->steps[i];
        hr_strv kept = HR_STRV_INIT;

        if (s->kind != HR_RD_CONTENT)
            continue;
        for (size_t k = 0; k < s->lines.n; k++) {
            int drop = 0;

            for (size_t u = 0; u < l->nunits && !drop; u++)
                drop = !keep[u] && l->step[u] == i && k >= l->from[u] &&
                       k < l->to[u];
            if (!drop)
                hr_strv_add(&kept, s->lines.v[k]);
        }
        hr_strv_release(&s->lines);
        s->lines = kept;
    }
    return c;
}

static int lines_test(const unsigned char *keep, size_t n, void *payload)
{
    lines_level *l = payload;
    hr_rdcase *cand = lines_make(l, keep);
    int v;

    (void)n;
    v = test_rd(l->r, cand);
    hr_rdcase_free(cand);
    return v;
}

static int run_lines(red *r, lines_level *l, const char *name)
{
    unsigned char *keep;
    int error = 0;

    r->level = name;
    if (l->nunits > 0) {
        keep = hr_calloc(l->nunits, 1);
        memset(keep, 1, l->nunits);
        error = hr_ddmin(keep, l->nunits, lines_test, l);
        if (error == 0 || error == STOP) {
            hr_rdcase *next = lines_make(l, keep);

            hr_rdcase_free(r->best);
            r->best = next;
        }
        hr_free(keep);
    }
    hr_free(l->step);
    hr_free(l->from);
    hr_free(l->to);
    return error;
}

/* boundary - the MIME boundary a content's header declares, or NULL */
static char *boundary(const hr_strv *lines)
{
    for (size_t k = 0; k < lines->n && lines->v[k][0]; k++) {
        const char *p = strcasestr(lines->v[k], "boundary=");

        if (p) {
            char *b;

            p += 9;
            if (*p == '"')
                b = hr_strndup(p + 1, strcspn(p + 1, "\""));
            else
                b = hr_strndup(p, strcspn(p, " ;\t"));
            if (*b)
                return b;
            hr_free(b);
        }
    }
    return NULL;
}

/* level_mime - a unit per MIME part of each multipart content */
static int level_mime(red *r)
{
    lines_level l = {r, r->best, 0, NULL, NULL, NULL};

    for (size_t i = 0; i < r->best->n; i++) {
        const hr_rd_step *s = &r->best->steps[i];
        char *b, *delim;
        size_t start = 0;
        int open = 0;

        if (s->kind != HR_RD_CONTENT || (b = boundary(&s->lines)) == NULL)
            continue;
        delim = hr_sprintf("--%s", b);
        for (size_t k = 0; k < s->lines.n; k++)
            if (strncmp(s->lines.v[k], delim, strlen(delim)) == 0) {
                int closing = strncmp(s->lines.v[k] + strlen(delim), "--",
                                      2) == 0;

                if (open && k > start)
                    lines_add(&l, i, start, k);
                open = !closing;
                start = k;
            }
        hr_free(delim);
        hr_free(b);
    }
    return run_lines(r, &l, "MIME parts");
}

/* level_lines - a unit per header field (with its continuation lines)
 * and per body line */
static int level_lines(red *r)
{
    lines_level l = {r, r->best, 0, NULL, NULL, NULL};

    for (size_t i = 0; i < r->best->n; i++) {
        const hr_rd_step *s = &r->best->steps[i];
        size_t k = 0;

        if (s->kind != HR_RD_CONTENT)
            continue;
        while (k < s->lines.n && s->lines.v[k][0]) {
            size_t end = k + 1;

            while (end < s->lines.n &&
                   (s->lines.v[end][0] == ' ' || s->lines.v[end][0] == '\t'))
                end++;
            lines_add(&l, i, k, end);
            k = end;
        }
        for (k++; k < s->lines.n; k++)
            lines_add(&l, i, k, k + 1);
    }
    return run_lines(r, &l, "header fields and body lines");
}

/* ---- simplification */

/* try_best - the candidate replaces the best when it reproduces; it is
 * freed either way */
static int try_best(red *r, hr_rdcase *cand)
{
    int v = test_rd(r, cand);

    if (v == 1) {
        hr_rdcase_free(r->best);
        r->best = cand;
        return 1;
    }
    hr_rdcase_free(cand);
    return v;
}

/* simplify_bodies - each content of several lines as one line */
static int simplify_bodies(red *r)
{
    r->level = "one-line bodies";
    for (size_t i = 0; i < r->best->n; i++) {
        hr_rdcase *cand;
        int v;

        if (r->best->steps[i].kind != HR_RD_CONTENT ||
            r->best->steps[i].lines.n <= 1)
            continue;
        cand = hr_rdcase_copy(r->best);
        hr_strv_release(&cand->steps[i].lines);
        hr_strv_add(&cand->steps[i].lines, "x");
        if ((v = try_best(r, cand)) < 0)
            return v;
    }
    return 0;
}

/* shorter - a shorter form of an argument word, or NULL: KEY=VALUE's
 * value halved, <local@domain>'s local part "a", else the word halved */
static char *shorter(const char *w, int round)
{
    const char *eq = strchr(w, '='), *lt = strchr(w, '<'),
               *at = lt ? strchr(lt, '@') : NULL;
    size_t n = strlen(w);

    if (lt && at && round == 0 && at - lt > 2)
        return hr_sprintf("%.*sa%s", (int)(lt - w + 1), w, at);
    if (eq && strlen(eq + 1) > 2)
        return hr_sprintf("%.*s%.*s", (int)(eq - w + 1), w,
                          (int)(strlen(eq + 1) / 2), eq + 1);
    if (!lt && !eq && n > 8)
        return hr_strndup(w, n / 2);
    return NULL;
}

/* simplify_args - shorten each long argument of each command */
static int simplify_args(red *r)
{
    r->level = "shorter arguments";
    for (size_t i = 0; i < r->best->n; i++) {
        hr_strv words = HR_STRV_INIT;

        if (r->best->steps[i].kind != HR_RD_CMD)
            continue;
        hr_strv_split(&words, r->best->steps[i].text, " ");
        for (size_t w = 1; w < words.n; w++) {
            for (int round = 0; round < 8; round++) {
                char *s = shorter(words.v[w], round), *text;
                hr_rdcase *cand;
                int v;

                if (s == NULL)
                    break;
                hr_free(words.v[w]);
                words.v[w] = s;
                text = hr_strv_join(&words, " ");
                cand = hr_rdcase_copy(r->best);
                hr_free(cand->steps[i].text);
                cand->steps[i].text = text;
                if ((v = try_best(r, cand)) < 0) {
                    hr_strv_release(&words);
                    return v;
                }
                if (v == 0) {
                    /* back to the best's word, and the next word */
                    hr_strv_release(&words);
                    hr_strv_split(&words, r->best->steps[i].text, " ");
                    break;
                }
            }
        }
        hr_strv_release(&words);
    }
    return 0;
}

/* config lines of the case: ddmin */
static int config_test(const unsigned char *keep, size_t n, void *payload)
{
    red *r = payload;
    hr_rdcase *cand = hr_rdcase_copy(r->best);
    int v;

    hr_strv_release(&cand->config);
    for (size_t i = 0; i < n; i++)
        if (keep[i])
            hr_strv_add(&cand->config, r->best->config.v[i]);
    v = test_rd(r, cand);
    hr_rdcase_free(cand);
    return v;
}

static int reduce_case_config(red *r)
{
    size_t n = r->best->config.n;
    unsigned char *keep;
    int error;

    r->level = "config lines";
    if (n == 0)
        return 0;
    keep = hr_calloc(n, 1);
    memset(keep, 1, n);
    /* none at all first: ddmin does not try the empty set */
    {
        hr_rdcase *cand = hr_rdcase_copy(r->best);

        hr_strv_release(&cand->config);
        if ((error = try_best(r, cand)) < 0) {
            hr_free(keep);
            return error;
        }
        if (error == 1) {
            hr_free(keep);
            return 0;
        }
    }
    error = hr_ddmin(keep, n, config_test, r);
    if (error == 0 || error == STOP) {
        hr_strv kept = HR_STRV_INIT;

        for (size_t i = 0; i < n; i++)
            if (keep[i])
                hr_strv_add(&kept, r->best->config.v[i]);
        hr_strv_release(&r->best->config);
        r->best->config = kept;
    }
    hr_free(keep);
    return error;
}

/* ---- the user's settings */

/* test_settings - the best case with this set of settings */
static int test_settings(red *r, const hr_strv *settings)
{
    hr_strv saved = r->settings;
    char *text;
    int v;

    memset(&r->settings, 0, sizeof(r->settings));
    hr_strv_addv(&r->settings, settings);
    hr_strv_release(&r->user->settings);
    hr_strv_addv(&r->user->settings, settings);
    text = hr_rdcase_render(r->best, CANDIDATE_NAME, NULL, NULL);
    v = test_text(r, text, hr_rdcase_client_lines(r->best));
    hr_free(text);
    if (v != 1) {
        hr_strv_release(&r->settings);
        r->settings = saved;
        hr_strv_release(&r->user->settings);
        hr_strv_addv(&r->user->settings, &r->settings);
    } else {
        hr_strv_release(&saved);
    }
    return v;
}

struct sett {
    red *r;
    hr_strv all;
};

static int settings_test(const unsigned char *keep, size_t n, void *payload)
{
    struct sett *s = payload;
    hr_strv sub = HR_STRV_INIT;
    int v;

    for (size_t i = 0; i < n; i++)
        if (keep[i])
            hr_strv_add(&sub, s->all.v[i]);
    v = test_settings(s->r, &sub);
    hr_strv_release(&sub);
    return v;
}

/* default_of - postconf -d's value of a parameter, from the build */
static char *default_of(const hr_build *b, const char *param)
{
    char *path = hr_path_join(b->dir, "postconf-d.txt");
    hr_buf text = HR_BUF_INIT;
    char *value = NULL;
    size_t plen = strlen(param);

    if (hr_file_read(&text, path, 8 << 20) == 0)
        for (const char *p = hr_buf_cstr(&text); *p && value == NULL;) {
            size_t n = strcspn(p, "\n");

            if (n > plen + 3 && strncmp(p, param, plen) == 0 &&
                strncmp(p + plen, " = ", 3) == 0)
                value = hr_strndup(p + plen + 3, n - plen - 3);
            p += n + (p[n] == '\n');
        }
    hr_buf_release(&text);
    hr_free(path);
    return value;
}

static int reduce_settings(red *r)
{
    struct sett s = {r, HR_STRV_INIT};
    hr_strv nondefault = HR_STRV_INIT;
    unsigned char *keep;
    int error = 0;

    r->level = "settings";
    r->res->settings_before = r->settings.n;
    /* Settings that postconf -d gives anyway. */
    for (size_t i = 0; i < r->settings.n; i++) {
        const char *line = r->settings.v[i];
        const char *eq = strstr(line, " = ");
        char *name = eq ? hr_strndup(line, (size_t)(eq - line))
                        : hr_strdup(line);
        char *def = default_of(r->s[0].b, name);

        if (def && eq && strcmp(def, eq + 3) == 0)
            r->res->defaults_dropped++;
        else
            hr_strv_add(&nondefault, line);
        hr_free(def);
        hr_free(name);
    }
    if (nondefault.n < r->settings.n &&
        (error = test_settings(r, &nondefault)) < 0)
        goto done;
    if (error == 0)
        r->res->defaults_dropped = 0;
    error = 0;
    hr_strv_addv(&s.all, &r->settings);
    if (s.all.n > 0) {
        hr_strv none = HR_STRV_INIT;

        if ((error = test_settings(r, &none)) < 0 || error == 1) {
            error = error < 0 ? error : 0;
            goto done;
        }
        keep = hr_calloc(s.all.n, 1);
        memset(keep, 1, s.all.n);
        error = hr_ddmin(keep, s.all.n, settings_test, &s);
        if (error == 0 || error == STOP) {
            hr_strv kept = HR_STRV_INIT;

            for (size_t i = 0; i < s.all.n; i++)
                if (keep[i])
                    hr_strv_add(&kept, s.all.v[i]);
            hr_strv_release(&r->settings);
            r->settings = kept;
            hr_strv_release(&r->user->settings);
            hr_strv_addv(&r->user->settings, &r->settings);
        }
        hr_free(keep);
    }
done:
    hr_strv_release(&s.all);
    hr_strv_release(&nondefault);
    return error;
}

/* ---- plain ddmin over lines, for comparison */

struct plain {
    red *r;
    hr_strv head, lines;        /* kept lines; the step lines */
};

static char *plain_text(const struct plain *p, const unsigned char *keep)
{
    hr_buf b = HR_BUF_INIT;

    for (size_t i = 0; i < p->head.n; i++)
        hr_buf_printf(&b, "%s\n", p->head.v[i]);
    for (size_t i = 0; i < p->lines.n; i++)
        if (keep == NULL || keep[i])
            hr_buf_printf(&b, "%s\n", p->lines.v[i]);
    return hr_buf_detach(&b);
}

static size_t plain_size(const struct plain *p, const unsigned char *keep)
{
    size_t n = 0;

    for (size_t i = 0; i < p->lines.n; i++)
        if ((keep == NULL || keep[i]) && strchr(">|~", p->lines.v[i][0]))
            n++;
    return n;
}

static int plain_test(const unsigned char *keep, size_t n, void *payload)
{
    struct plain *p = payload;
    char *text = plain_text(p, keep);
    int v;

    (void)n;
    v = test_text(p->r, text, plain_size(p, keep));
    hr_free(text);
    return v;
}

/* ---- the replies of the good build, for the result */

/* glob_tokens - run-dependent tokens of a normalized reply as '*' */
static char *glob_tokens(const char *s)
{
    hr_buf b = HR_BUF_INIT;

    for (const char *p = s; *p;) {
        if ((p == s || !isalnum((unsigned char)p[-1])) &&
            strchr("QMPB", *p) && isdigit((unsigned char)p[1])) {
            const char *q = p + 1;

            while (isdigit((unsigned char)*q))
                q++;
            if (!isalnum((unsigned char)*q)) {
                hr_buf_putc(&b, '*');
                p = q;
                continue;
            }
        }
        hr_buf_putc(&b, *p++);
    }
    return hr_buf_detach(&b);
}

/* transcript_replies - the replies of an observation's transcript, each
 * its lines joined by '\n' */
static void transcript_replies(hr_strv *out, const char *obs)
{
    const char *p = strstr(obs, "== transcript\n");
    hr_buf cur = HR_BUF_INIT;

    if (p == NULL)
        return;
    p += 14;
    while (*p && strncmp(p, "== ", 3) != 0) {
        size_t n = strcspn(p, "\n");

        if (strncmp(p, "< ", 2) == 0) {
            char *line = hr_strndup(p + 2, n - 2);
            char *g = glob_tokens(line);

            if (cur.len)
                hr_buf_putc(&cur, '\n');
            hr_buf_puts(&cur, g);
            /* a line whose 4th character is not '-' ends a reply */
            if (strlen(line) < 4 || line[3] != '-') {
                hr_strv_add(out, hr_buf_cstr(&cur));
                hr_buf_clear(&cur);
            }
            hr_free(g);
            hr_free(line);
        }
        p += n + (p[n] == '\n');
    }
    hr_buf_release(&cur);
}

/* final_text - the best case with the good build's replies, checked by
 * running it; with '*' replies when they do not hold */
static int final_text(red *r, char **out, const hr_strv *comments,
                      const char *name)
{
    hr_strv replies = HR_STRV_INIT;
    char *text = hr_rdcase_render(r->best, name, NULL, comments);
    hr_case *c = parse_text(r, text);
    int error = 0;

    if (c == NULL) {
        *out = text;
        return 0;
    }
    /* the good build's transcript, with its replies */
    {
        hr_instance *in;
        hr_caserun_result res;

        if ((error = instance_for(&in, r, &r->s[0], c)) == 0 &&
            (error = hr_caserun(&res, in, c)) == 0) {
            transcript_replies(&replies, hr_obs_text(res.model));
            hr_caserun_result_release(&res);
        }
    }
    hr_case_free(c);
    if (error < 0) {
        *out = text;
        hr_strv_release(&replies);
        return 0;
    }
    {
        char *with = hr_rdcase_render(r->best, name, &replies, comments);
        hr_case *c2 = parse_text(r, with);

        /* The replies hold when the good build meets them. */
        if (c2 && !c2->user) {
            hr_instance *in;
            hr_caserun_result res;

            if (instance_for(&in, r, &r->s[0], c2) == 0 &&
                hr_caserun(&res, in, c2) == 0) {
                if (res.expect_ok) {
                    hr_free(text);
                    text = with;
                    with = NULL;
                }
                hr_caserun_result_release(&res);
            }
        } else if (c2) {
            hr_free(text);
            text = with;
            with = NULL;
        }
        hr_case_free(c2);
        hr_free(with);
    }
    hr_strv_release(&replies);
    *out = text;
    return 0;
}

/* ---- the driver */

void hr_reduce_result_release(hr_reduce_result *r)
{
    hr_free(r->signature);
    hr_free(r->case_text);
    hr_free(r->config_text);
    hr_free(r->good_label);
    hr_free(r->bad_label);
    memset(r, 0, sizeof(*r));
}

/* hr_reduce_run - reduce the case (and the configuration) */
int hr_reduce_run(hr_reduce_result *out, const hr_reduce_opts *o)
{
    red r;
    hr_reduce_opts opts = *o;
    hr_case *orig = NULL;
    hr_buf text = HR_BUF_INIT;
    char *g = NULL, *b = NULL;
    hr_strv comments = HR_STRV_INIT;
    int error;

    memset(out, 0, sizeof(*out));
    memset(&r, 0, sizeof(r));
    if (opts.max_trials <= 0)
        opts.max_trials = 2000;
    if (opts.max_seconds <= 0)
        opts.max_seconds = 1800;
    r.o = &opts;
    r.res = out;
    r.t0 = hr_clock_s();
    if ((error = hr_file_read(&text, o->case_path, 1 << 20)) < 0 ||
        (error = hr_case_load(&orig, o->case_path)) < 0)
        goto done;
    if (orig->kind != HR_CASE_SMTP) {
        error = hr_error_set(HR_EINPUT, "%s: only smtp cases are reduced "
                             "(this one is %s)", o->case_path,
                             hr_case_kind_name(orig->kind));
        goto done;
    }
    if (o->config &&
        (error = hr_userconf_load(&r.user, o->config, o->master)) < 0)
        goto done;
    if (r.user) {
        hr_strv_addv(&r.settings, &r.user->settings);
        orig->user = r.user;
        hr_free(orig->golden);
        orig->golden = NULL;
    }
    if ((error = hr_bisection_build(&r.s[0].b, o->good, o->source, o->cc,
                                    NULL)) < 0 ||
        (error = hr_bisection_build(&r.s[1].b, o->bad, o->source, o->cc,
                                    NULL)) < 0)
        goto done;
    out->good_label = hr_strdup(o->good);
    out->bad_label = hr_strdup(o->bad);
    if ((error = hr_rdcase_from(&r.best, orig, hr_buf_cstr(&text))) < 0)
        goto done;
    out->lines_before = hr_rdcase_client_lines(r.best);
    out->config_before = r.best->config.n;
    r.best_size = out->lines_before;

    /* The divergence to keep. */
    r.level = "the original";
    if ((error = observe(&r, orig, &g, &b)) < 0)
        goto done;
    r.sig = hr_reduce_signature(g, b);
    if (r.sig[0] == 0) {
        error = hr_error_set(HR_EINPUT, "%s: %s and %s behave the same: "
                             "there is no divergence to keep",
                             o->case_path, o->good, o->bad);
        goto done;
    }
    say(&r, "reduce: %zu client lines, %zu config lines%s; the divergence: "
            "%zu diff lines", out->lines_before, out->config_before,
        r.user ? ", a user's main.cf" : "",
        (size_t)(strchr(r.sig, '\n') ? 2 : 1));

    if (o->plain) {
        struct plain p = {&r, HR_STRV_INIT, HR_STRV_INIT};
        unsigned char *keep;
        const char *t = hr_buf_cstr(&text);

        r.level = "plain ddmin over lines";
        for (const char *q = t; *q;) {
            size_t n = strcspn(q, "\n");
            char *line = hr_strndup(q, n);

            if (line[0] == '<' || line[0] == '>' || line[0] == '|' ||
                line[0] == '~' || strncmp(line, "pause", 5) == 0 ||
                strncmp(line, "eof", 3) == 0)
                hr_strv_add_owned(&p.lines, line);
            else
                hr_strv_add_owned(&p.head, line);
            q += n + (q[n] == '\n');
        }
        keep = hr_calloc(p.lines.n + 1, 1);
        memset(keep, 1, p.lines.n);
        error = hr_ddmin(keep, p.lines.n, plain_test, &p);
        if (error == 0 || error == STOP) {
            out->case_text = plain_text(&p, keep);
            out->lines_after = plain_size(&p, keep);
            error = 0;
        }
        hr_free(keep);
        hr_strv_release(&p.head);
        hr_strv_release(&p.lines);
        goto finish;
    }

    /* HDD: coarse to fine, then simpler forms. */
    if ((error = level_txns(&r)) < 0 && error != STOP)
        goto done;
    if (error != STOP &&
        (error = level_steps(&r, 0, "commands")) < 0 && error != STOP)
        goto done;
    if (error != STOP &&
        (error = level_steps(&r, HR_RD_RCPT, "recipients")) < 0 &&
        error != STOP)
        goto done;
    if (error != STOP && (error = level_mime(&r)) < 0 && error != STOP)
        goto done;
    if (error != STOP && (error = level_lines(&r)) < 0 && error != STOP)
        goto done;
    if (error != STOP && (error = simplify_bodies(&r)) < 0 && error != STOP)
        goto done;
    if (error != STOP && (error = simplify_args(&r)) < 0 && error != STOP)
        goto done;
    if (error != STOP && (error = reduce_case_config(&r)) < 0 &&
        error != STOP)
        goto done;
    if (error != STOP && r.user && (error = reduce_settings(&r)) < 0 &&
        error != STOP)
        goto done;
    error = 0;
    out->lines_after = hr_rdcase_client_lines(r.best);
    out->config_after = r.best->config.n;
    hr_strv_addf(&comments, "Reduced by pfharness reduce from %s:",
                 o->case_path);
    hr_strv_addf(&comments, "%zu client lines -> %zu, %zu config lines -> "
                 "%zu, %zu trials, %.0f s%s.",
                 out->lines_before, out->lines_after, out->config_before,
                 out->config_after, out->trials, hr_clock_s() - r.t0,
                 out->budget_hit ? " (stopped by the budget)" : "");
    hr_strv_addf(&comments, "The builds %s (good) and %s (bad) still "
                 "diverge as in the original:", o->good, o->bad);
    for (const char *q = r.sig; *q && comments.n < 10;) {
        size_t n = strcspn(q, "\n");

        hr_strv_addf(&comments, "  %.*s", (int)(n < 150 ? n : 150), q);
        q += n + (q[n] == '\n');
    }
    hr_strv_add(&comments, "The replies are the good build's.");
    {
        char *name = hr_sprintf("%.90s-reduced", orig->name);

        error = final_text(&r, &out->case_text, &comments, name);
        hr_free(name);
    }
    if (r.user) {
        out->settings_after = r.settings.n;
        out->config_text = hr_strv_join(&r.settings, "\n");
        if (r.settings.n) {
            char *t = hr_sprintf("%s\n", out->config_text);

            hr_free(out->config_text);
            out->config_text = t;
        }
    }
finish:
    out->signature = hr_strdup(r.sig);
done:
    out->seconds = hr_clock_s() - r.t0;
    pool_stop(&r.s[0]);
    pool_stop(&r.s[1]);
    hr_build_free(r.s[0].b);
    hr_build_free(r.s[1].b);
    hr_rdcase_free(r.best);
    hr_strv_release(&r.cache_key);
    hr_strv_release(&r.cache_val);
    hr_strv_release(&r.settings);
    hr_strv_release(&comments);
    hr_userconf_free(r.user);
    hr_free(r.sig);
    hr_free(g);
    hr_free(b);
    hr_case_free(orig);
    hr_buf_release(&text);
    return error;
}

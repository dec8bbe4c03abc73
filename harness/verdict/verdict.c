/*
 * NAME
 *	verdict/verdict 3
 * SUMMARY
 *	compare a case's observations, give a verdict and evidence
 * SYNOPSIS
 *	#include "verdict/verdict.h"
 *
 *	int	hr_verdict_compute(out, cells, n, background)
 *	void	hr_verdict_free(v)
 *	const char *hr_verdict_name(kind)
 *	int	hr_verdict_parse_name(out, name)
 *	char	*hr_verdict_severe(obs)
 * DESCRIPTION
 *	A case's observations form a matrix O[build][libenv][rep]; each
 *	(build, libenv) is a cell. A cell is stable when its repetitions
 *	agree, and flaps when they do not. The rules of ../shared/DESIGN.md
 *	apply to the stable cells, in this order:
 *
 *	undefined-behavior: stable builds disagree under one libenv, and a
 *	sanitizer build reported undefined behaviour (a "== sanitizer"
 *	section that is not background), or the UB-check build (-fwrapv
 *	...) sides with the unoptimized build against an optimized one.
 *
 *	compiler: stable builds disagree under one libenv. The suspect
 *	is decided, in this order, by the expectation (the golden: when
 *	exactly one side matches it, the others are suspect), by the
 *	compilers (the optimization levels of one compiler are one witness:
 *	only a compiler whose builds all stand on one side counts, for that
 *	side), and by the UB-check builds (all on one side). Otherwise the
 *	suspect is "undecided", with the reason: -O0 is not an oracle.
 *
 *	library: builds agree with each other under each libenv, but the
 *	same build disagrees with itself across libenvs.
 *
 *	hardware: no stable divergence, but a cell flapped: the same
 *	binary on the same input did not reproduce.
 *
 *	undefined-behavior (latent): everything agrees, and a sanitizer
 *	reported something specific to this case.
 *
 *	real-bug: everything agrees, and differs from the expectation, or
 *	shows a panic, a fatal error or a daemon killed by a signal that
 *	no golden (cell.golden: the expectation is the whole observation)
 *	expects.
 *
 *	pass: everything agrees with the expectation.
 *
 *	A flap beside a stable divergence does not hide it: the divergence
 *	keeps its verdict and the flap is listed in "also" (and a real bug
 *	or latent UB beside a hardware verdict is listed there too). Each
 *	flapping cell's rate ("k of n reps differ from the first") is in
 *	"flaps".
 *
 *	Sanitizer findings ("== sanitizer" sections) are evidence, not
 *	behaviour: observations are compared without them, and a finding
 *	listed in background (the sanitizer builds' baseline: start-up and
 *	an empty session) is not evidence.
 *
 *	The verdict names the differing cells and a representative pair
 *	(cell and rep indexes) for the caller to diff.
 *
 *	hr_verdict_severe() returns the first panic, fatal or "killed by
 *	signal" line of an observation's log section, or NULL.
 */
#include <stdio.h>
#include <string.h>

#include "verdict/verdict.h"
#include "util/buf.h"
#include "util/mem.h"
#include "util/msg.h"

static const char *const kind_names[] = {
    "pass", "real-bug", "compiler", "undefined-behavior", "library",
    "hardware",
};

/* hr_verdict_name - the report name of a verdict */
const char *hr_verdict_name(hr_verdict_kind kind)
{
    if ((size_t)kind >= sizeof(kind_names) / sizeof(kind_names[0]))
        hr_panic("bad verdict %d", (int)kind);
    return kind_names[kind];
}

/* hr_verdict_parse_name - name to kind */
int hr_verdict_parse_name(hr_verdict_kind *out, const char *name)
{
    for (size_t i = 0; i < sizeof(kind_names) / sizeof(kind_names[0]); i++) {
        if (strcmp(kind_names[i], name) == 0) {
            *out = (hr_verdict_kind)i;
            return 0;
        }
    }
    return hr_error_set(HR_EINPUT, "unknown verdict '%s'", name);
}

/* severe_text - a log finding's text is a panic, a fatal or a signal */
static int severe_text(const char *t, size_t len)
{
    const char *colon;

    /* "QUEUEID: fatal: ..." as cleanup writes it */
    colon = memchr(t, ':', len);
    if (colon && colon[1] == ' ' && strncmp(colon + 2, "fatal: ", 7) == 0)
        return 1;
    if (colon && colon[1] == ' ' && strncmp(colon + 2, "panic: ", 7) == 0)
        return 1;
    if (strncmp(t, "fatal: ", 7) == 0 || strncmp(t, "panic: ", 7) == 0)
        return 1;
    for (const char *p = t; p + 16 <= t + len; p++)
        if (strncmp(p, "killed by signal", 16) == 0)
            return 1;
    return 0;
}

/* hr_verdict_severe - the first severe log line, or NULL */
char *hr_verdict_severe(const hr_obs *o)
{
    const char *p = o ? hr_obs_section(o, "log") : NULL;

    while (p && *p) {
        size_t len = strcspn(p, "\n");

        /* "* text" marks the first finding, "  text" the others */
        if (len > 2 && severe_text(p + 2, len - 2))
            return hr_strndup(p + 2, len - 2);
        p += len + (p[len] == '\n');
    }
    return NULL;
}

/* label - "build/libenv" */
static char *label(const hr_cell *c)
{
    return hr_sprintf("%s/%s", c->build, c->libenv);
}

/* same - two observations are equal */
static int same(const char *a, const char *b)
{
    return strcmp(a ? a : "", b ? b : "") == 0;
}

/* set_pair - the representative pair */
static void set_pair(hr_verdict *v, const hr_cell *cells, int lc, int lr,
                     int rc, int rr)
{
    hr_free(v->left);
    hr_free(v->right);
    v->left_cell = lc;
    v->left_rep = lr;
    v->right_cell = rc;
    v->right_rep = rr;
    v->left = label(&cells[lc]);
    v->right = label(&cells[rc]);
}

/* obs0 - a cell's observation (its reps are equal when it is stable) */
static const char *obs0(const hr_cell *c)
{
    return c->nreps ? hr_obs_behaviour(c->obs[0]) : "";
}

/* cell_ok - every rep of a cell matched the expectation */
static int cell_ok(const hr_cell *c)
{
    for (size_t r = 0; r < c->nreps; r++)
        if (!c->expect_ok[r])
            return 0;
    return 1;
}

/* opt_name - the optimization of a build, for people */
static const char *opt_name(const hr_cell *c)
{
    if (c->opt && *c->opt)
        return c->opt;
    return c->unoptimized ? "-O0" : "-O";
}

/* cc_name - the compiler of a build */
static const char *cc_name(const hr_cell *c)
{
    return c->compiler && *c->compiler ? c->compiler : "cc";
}

/* Stable cells of one libenv, partitioned into classes of equal
 * behaviour. */
typedef struct split {
    size_t *cell;       /* the cells */
    size_t *cls;        /* their class */
    size_t n, nclass;
} split;

/* split_env - the stable cells of env, by class */
static void split_env(split *s, const hr_cell *cells, size_t n,
                      const int *stable, const char *env)
{
    s->cell = hr_calloc(n ? n : 1, sizeof(size_t));
    s->cls = hr_calloc(n ? n : 1, sizeof(size_t));
    s->n = s->nclass = 0;
    for (size_t i = 0; i < n; i++) {
        size_t k;

        if (!stable[i] || strcmp(cells[i].libenv, env) != 0)
            continue;
        for (k = 0; k < s->n; k++)
            if (same(obs0(&cells[s->cell[k]]), obs0(&cells[i])))
                break;
        s->cls[s->n] = k < s->n ? s->cls[k] : s->nclass++;
        s->cell[s->n++] = i;
    }
}

static void split_free(split *s)
{
    hr_free(s->cell);
    hr_free(s->cls);
}

/* class_names - "O0, default": the builds of class k */
static char *class_names(const split *s, const hr_cell *cells, size_t k)
{
    hr_strv names = HR_STRV_INIT;
    char *out;

    for (size_t j = 0; j < s->n; j++)
        if (s->cls[j] == k)
            hr_strv_add(&names, cells[s->cell[j]].build);
    out = hr_strv_join(&names, ", ");
    hr_strv_release(&names);
    return out;
}

/* suspect_names - "default, O2 (gcc -O, -O2)": the builds outside
 * class k, with their compilers and optimization levels */
static char *suspect_names(const split *s, const hr_cell *cells, size_t k)
{
    hr_strv parts = HR_STRV_INIT, ccs = HR_STRV_INIT;
    char *out;

    for (size_t j = 0; j < s->n; j++)
        if (s->cls[j] != k &&
            hr_strv_find(&ccs, cc_name(&cells[s->cell[j]])) < 0)
            hr_strv_add(&ccs, cc_name(&cells[s->cell[j]]));
    for (size_t c = 0; c < ccs.n; c++) {
        hr_strv names = HR_STRV_INIT, opts = HR_STRV_INIT;
        char *nj, *oj;

        for (size_t j = 0; j < s->n; j++) {
            const hr_cell *x = &cells[s->cell[j]];

            if (s->cls[j] == k || strcmp(cc_name(x), ccs.v[c]) != 0)
                continue;
            hr_strv_add(&names, x->build);
            if (hr_strv_find(&opts, opt_name(x)) < 0)
                hr_strv_add(&opts, opt_name(x));
        }
        nj = hr_strv_join(&names, ", ");
        oj = hr_strv_join(&opts, ", ");
        hr_strv_add_owned(&parts, hr_sprintf("%s (%s %s)", nj, ccs.v[c], oj));
        hr_free(nj);
        hr_free(oj);
        hr_strv_release(&names);
        hr_strv_release(&opts);
    }
    out = hr_strv_join(&parts, "; ");
    hr_strv_release(&parts);
    hr_strv_release(&ccs);
    return out;
}

/* decide - the class that is right, or -1; *why says who decided, or
 * why nobody could */
static int decide(const split *s, const hr_cell *cells, char **why)
{
    size_t *ok = hr_calloc(s->nclass, sizeof(size_t));
    size_t *bad = hr_calloc(s->nclass, sizeof(size_t));
    size_t *votes = hr_calloc(s->nclass, sizeof(size_t));
    hr_strv ccs = HR_STRV_INIT;
    int pick = -1;

    *why = NULL;
    /* 1. the golden: exactly one class matches the expectation */
    for (size_t j = 0; j < s->n; j++) {
        if (cell_ok(&cells[s->cell[j]]))
            ok[s->cls[j]]++;
        else
            bad[s->cls[j]]++;
    }
    for (size_t k = 0; k < s->nclass; k++) {
        if (ok[k] > 0 && bad[k] == 0) {
            if (pick >= 0) {
                pick = -2;
                break;
            }
            pick = (int)k;
        }
    }
    if (pick >= 0) {
        char *names = class_names(s, cells, (size_t)pick);

        *why = hr_sprintf("%s and the golden agree", names);
        hr_free(names);
        goto done;
    }
    pick = -1;

    /* 2. the compilers: one witness each, for the side that holds all
     * of its (independent) builds */
    for (size_t j = 0; j < s->n; j++)
        if (!cells[s->cell[j]].ub_check &&
            hr_strv_find(&ccs, cc_name(&cells[s->cell[j]])) < 0)
            hr_strv_add(&ccs, cc_name(&cells[s->cell[j]]));
    for (size_t c = 0; c < ccs.n; c++) {
        long side = -1;

        for (size_t j = 0; j < s->n && side != -2; j++) {
            const hr_cell *x = &cells[s->cell[j]];

            if (x->ub_check || strcmp(cc_name(x), ccs.v[c]) != 0)
                continue;
            if (side == -1)
                side = (long)s->cls[j];
            else if (side != (long)s->cls[j])
                side = -2;
        }
        if (side >= 0)
            votes[side]++;
    }
    {
        size_t best = 0, best_votes = 0;
        int tie = 0;

        for (size_t k = 0; k < s->nclass; k++) {
            if (votes[k] > best_votes)
                best = k, best_votes = votes[k], tie = 0;
            else if (votes[k] == best_votes && best_votes > 0)
                tie = 1;
        }
        if (best_votes > 0 && !tie) {
            hr_strv wit = HR_STRV_INIT;
            char *w, *names = class_names(s, cells, best);

            for (size_t c = 0; c < ccs.n; c++) {
                int all_in = 1, any = 0;

                for (size_t j = 0; j < s->n; j++) {
                    const hr_cell *x = &cells[s->cell[j]];

                    if (x->ub_check || strcmp(cc_name(x), ccs.v[c]) != 0)
                        continue;
                    any = 1;
                    all_in &= s->cls[j] == best;
                }
                if (any && all_in)
                    hr_strv_add(&wit, ccs.v[c]);
            }
            w = hr_strv_join(&wit, ", ");
            *why = hr_sprintf("%s agree, and every build of %s is on that "
                              "side", names, w);
            hr_free(w);
            hr_free(names);
            hr_strv_release(&wit);
            pick = (int)best;
            goto done;
        }
    }

    /* 3. the UB-check builds, all on one side */
    {
        long side = -1;

        for (size_t j = 0; j < s->n && side != -2; j++) {
            if (!cells[s->cell[j]].ub_check)
                continue;
            if (side == -1)
                side = (long)s->cls[j];
            else if (side != (long)s->cls[j])
                side = -2;
        }
        if (side >= 0) {
            char *names = class_names(s, cells, (size_t)side);

            *why = hr_sprintf("%s agree, with the UB-check builds",
                              names);
            hr_free(names);
            pick = (int)side;
            goto done;
        }
    }
    {
        char *c = hr_strv_join(&ccs, ", ");

        *why = hr_sprintf("%s on %s; no golden, other compiler or UB-check "
                          "build breaks the tie",
                          ccs.n == 1 ? "one compiler" : "compilers split", c);
        hr_free(c);
    }
done:
    hr_free(ok);
    hr_free(bad);
    hr_free(votes);
    hr_strv_release(&ccs);
    return pick;
}

/* find_flaps - mark stable cells; list each flapping cell and its rate;
 * the pair is the first flap. Returns how many cells flap. */
static size_t find_flaps(hr_verdict *v, const hr_cell *cells, size_t n,
                         int *stable, int *fl, int *fr)
{
    size_t count = 0;

    *fl = *fr = -1;
    for (size_t i = 0; i < n; i++) {
        size_t differ = 0;
        int first = -1;

        for (size_t r = 1; r < cells[i].nreps; r++)
            if (!same(hr_obs_behaviour(cells[i].obs[0]),
                      hr_obs_behaviour(cells[i].obs[r]))) {
                differ++;
                if (first < 0)
                    first = (int)r;
            }
        stable[i] = differ == 0;
        if (differ == 0)
            continue;
        if (count++ == 0)
            *fl = (int)i, *fr = first;
        hr_strv_add_owned(&v->flaps,
                          hr_sprintf("%s/%s: %zu of %zu reps differ from the "
                                     "first",
                                     cells[i].build, cells[i].libenv, differ,
                                     cells[i].nreps));
    }
    return count;
}

static int judge(hr_verdict *v, const hr_cell *cells, size_t n);

/* hr_verdict_compute - apply the rules */
int hr_verdict_compute(hr_verdict **out, const hr_cell *in_cells, size_t n,
                       const hr_strv *background)
{
    hr_verdict *v = hr_calloc(1, sizeof(*v));
    int error;

    v->ub_cell = -1;
    /* Sanitizer findings are evidence, not behaviour: cells compare by
     * hr_obs_behaviour(). Every rep counts: a finding in one rep is
     * still a finding. */
    for (size_t i = 0; i < n; i++) {
        for (size_t r = 0; r < in_cells[i].nreps; r++) {
            const hr_strv *ub = hr_obs_ub(in_cells[i].obs[r]);

            for (size_t k = 0; ub && k < ub->n; k++) {
                if (background && hr_strv_find(background, ub->v[k]) >= 0) {
                    if (hr_strv_find(&v->ub_background, ub->v[k]) < 0)
                        hr_strv_add(&v->ub_background, ub->v[k]);
                } else if (hr_strv_find(&v->ub_reports, ub->v[k]) < 0) {
                    hr_strv_add(&v->ub_reports, ub->v[k]);
                    if (v->ub_cell < 0)
                        v->ub_cell = (int)i;
                }
            }
        }
    }
    *out = v;
    error = judge(v, in_cells, n);
    return error;
}

/* divergence - stable builds disagree under env: undefined-behavior or
 * compiler, with differing cells, pair and suspect */
static void divergence(hr_verdict *v, const hr_cell *cells, size_t n,
                       const int *stable, const char *env)
{
    split s;
    char *why = NULL;
    int pick, ref = -1, wrapv = -1, optimized_differs = 0;
    size_t base_class;

    split_env(&s, cells, n, stable, env);
    for (size_t j = 0; j < s.n; j++) {
        const hr_cell *c = &cells[s.cell[j]];

        if (c->unoptimized && !c->sanitizer && ref < 0)
            ref = (int)j;
        if (c->ub_check && !c->sanitizer && wrapv < 0)
            wrapv = (int)j;
    }
    pick = decide(&s, cells, &why);
    /* The cells that stand apart: from the decided side, else from the
     * unoptimized build, else from the first. */
    base_class = pick >= 0 ? (size_t)pick : ref >= 0 ? s.cls[ref] : 0;
    for (size_t j = 0; j < s.n; j++) {
        const hr_cell *c = &cells[s.cell[j]];

        if (s.cls[j] != base_class) {
            hr_strv_add_owned(&v->differing, label(c));
            if (v->left == NULL) {
                size_t b = 0;

                while (s.cls[b] != base_class)
                    b++;
                set_pair(v, cells, (int)s.cell[b], 0, (int)s.cell[j], 0);
            }
        }
        if (ref >= 0 && !c->unoptimized && !c->ub_check &&
            s.cls[j] != s.cls[ref])
            optimized_differs = 1;
    }

    if (v->ub_reports.n > 0 ||
        (wrapv >= 0 && ref >= 0 && optimized_differs &&
         s.cls[wrapv] == s.cls[ref])) {
        v->kind = HR_UB;
        if (v->ub_reports.n > 0)
            v->summary = hr_sprintf("builds disagree and a sanitizer "
                                    "reported: %s", v->ub_reports.v[0]);
        else
            v->summary = hr_sprintf("builds disagree, and %s (UB-exploiting "
                                    "optimizations off) sides with "
                                    "unoptimized %s",
                                    cells[s.cell[wrapv]].build,
                                    cells[s.cell[ref]].build);
    } else if (pick >= 0) {
        char *names = suspect_names(&s, cells, (size_t)pick);

        v->kind = HR_COMPILER;
        v->suspect = hr_sprintf("%s: %s", names, why);
        v->summary = hr_sprintf("builds of the same source disagree; "
                                "suspect %s", v->suspect);
        hr_free(names);
    } else {
        v->kind = HR_COMPILER;
        v->suspect = hr_strdup("undecided");
        v->undecided_why = hr_strdup(why);
        v->summary = hr_sprintf("builds of the same source disagree (%s vs "
                                "%s); undecided: %s", v->left, v->right, why);
    }
    hr_free(why);
    split_free(&s);
}

/* judge - the rules, on observations without sanitizer sections */
static int judge(hr_verdict *v, const hr_cell *cells, size_t n)
{
    int *stable = hr_calloc(n ? n : 1, sizeof(int));
    int all_expect = 1, all_golden = 1, fl, fr, sl = -1, sr = -1;
    const char *div_env = NULL;
    size_t nflap, nstable = 0;
    char *severe = NULL;

    v->left_cell = v->right_cell = v->left_rep = v->right_rep = -1;
    if (n == 0) {
        v->kind = HR_PASS;
        v->summary = hr_strdup("no observations");
        hr_free(stable);
        return 0;
    }
    nflap = find_flaps(v, cells, n, stable, &fl, &fr);
    for (size_t i = 0; i < n; i++) {
        if (!stable[i])
            continue;
        nstable++;
        all_expect &= cell_ok(&cells[i]);
        all_golden &= cells[i].golden != 0;
        if (severe == NULL)
            severe = hr_verdict_severe(cells[i].obs[0]);
    }

    /* A panic, a fatal or a signal is never a pass, unless a golden that
     * holds the whole observation expects it. */
    if (severe && all_golden && all_expect) {
        hr_free(severe);
        severe = NULL;
    }

    /* Who disagrees with whom among the stable cells: builds under one
     * libenv, and one build across libenvs. */
    for (size_t i = 0; i < n && div_env == NULL; i++)
        for (size_t j = i + 1; j < n && div_env == NULL; j++)
            if (stable[i] && stable[j] &&
                strcmp(cells[i].libenv, cells[j].libenv) == 0 &&
                !same(obs0(&cells[i]), obs0(&cells[j])))
                div_env = cells[i].libenv;
    for (size_t i = 0; i < n && sl < 0; i++)
        for (size_t j = i + 1; j < n && sl < 0; j++)
            if (stable[i] && stable[j] &&
                strcmp(cells[i].libenv, cells[j].libenv) != 0 &&
                strcmp(cells[i].build, cells[j].build) == 0 &&
                !same(obs0(&cells[i]), obs0(&cells[j])))
                sl = (int)i, sr = (int)j;

    if (div_env) {
        divergence(v, cells, n, stable, div_env);
    } else if (sl >= 0) {
        v->kind = HR_LIBRARY;
        set_pair(v, cells, sl, 0, sr, 0);
        for (size_t i = 0; i < n; i++)
            if (stable[i] && !same(obs0(&cells[i]), obs0(&cells[sl])) &&
                hr_strv_find(&v->differing, cells[i].libenv) < 0)
                hr_strv_add(&v->differing, cells[i].libenv);
        v->summary = hr_sprintf("every build agrees with itself, but builds "
                                "behave differently under libenv %s",
                                cells[sr].libenv);
    } else if (nflap > 0) {
        v->kind = HR_HARDWARE;
        set_pair(v, cells, fl, 0, fl, fr);
        for (size_t i = 0; i < n; i++)
            if (!stable[i])
                hr_strv_add_owned(&v->differing, label(&cells[i]));
        v->summary = hr_sprintf("%s gave different results in repeated runs "
                                "of the same build (%s): a hardware fault, "
                                "or a race", v->left,
                                v->flaps.v[0] + strlen(v->left) + 2);
    } else if (v->ub_reports.n > 0) {
        int u = v->ub_cell, other = -1;

        for (size_t i = 0; i < n && other < 0; i++)
            if ((int)i != u)
                other = (int)i;
        v->kind = HR_UB;
        set_pair(v, cells, other >= 0 ? other : u, 0, u, 0);
        hr_strv_add_owned(&v->differing, label(&cells[u]));
        v->summary = hr_sprintf("every build agrees, but %s's sanitizer "
                                "reported (latent undefined behaviour): %s",
                                cells[u].build, v->ub_reports.v[0]);
    } else if (!all_expect || severe) {
        v->kind = HR_REAL_BUG;
        if (!all_expect)
            v->summary = hr_strdup("every build and library environment "
                                   "agrees, and all differ from the "
                                   "recorded expectation");
        else
            v->summary = hr_sprintf("every build and library environment "
                                    "agrees, and all show: %s", severe);
        set_pair(v, cells, 0, 0, 0, 0);
    } else {
        v->kind = HR_PASS;
        v->summary = hr_strdup("every build agrees with the expectation");
    }

    /* What else is true: a flap beside another verdict, and the other
     * way round. */
    if (nflap > 0 && v->kind != HR_HARDWARE) {
        char *f = hr_strv_join(&v->flaps, "; ");

        hr_strv_add_owned(&v->also, hr_sprintf("hardware: %s", f));
        hr_free(f);
    }
    if (v->kind == HR_HARDWARE && nstable > 0) {
        if (v->ub_reports.n > 0)
            hr_strv_add_owned(&v->also,
                              hr_sprintf("undefined-behavior: %s",
                                         v->ub_reports.v[0]));
        if (!all_expect)
            hr_strv_add(&v->also, "real-bug: the stable cells all differ "
                                  "from the expectation");
        else if (severe)
            hr_strv_add_owned(&v->also, hr_sprintf("real-bug: the stable "
                                                   "cells all show: %s",
                                                   severe));
    }
    hr_free(severe);
    hr_free(stable);
    return 0;
}

/* hr_verdict_free - release; NULL is fine */
void hr_verdict_free(hr_verdict *v)
{
    if (v == NULL)
        return;
    hr_free(v->summary);
    hr_strv_release(&v->differing);
    hr_free(v->left);
    hr_free(v->right);
    hr_free(v->suspect);
    hr_free(v->undecided_why);
    hr_strv_release(&v->ub_reports);
    hr_strv_release(&v->ub_background);
    hr_strv_release(&v->also);
    hr_strv_release(&v->flaps);
    hr_free(v);
}

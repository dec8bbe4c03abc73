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
 * DESCRIPTION
 *	A case's observations form a matrix O[build][libenv][rep]; each
 *	(build, libenv) is a cell. The rules of ../shared/DESIGN.md apply in
 *	this order:
 *
 *	hardware: a cell's repetitions differ. The same binary on the
 *	same input did not reproduce.
 *
 *	undefined-behavior: builds disagree under one libenv, and a
 *	sanitizer build reported undefined behaviour (a "== sanitizer"
 *	section), or the UB-check build (-fwrapv ...) sides with the
 *	unoptimized build against an optimized one.
 *
 *	compiler: each cell is deterministic, but builds disagree under one
 *	libenv. When a strict majority of the independent builds (UB-check
 *	builds do not count: they share the optimizer of the build they
 *	check) agrees, the builds against it are named as the suspect; with
 *	a tie, as with only two builds, the suspect is "undecided": -O0 is
 *	not a trusted oracle.
 *
 *	library: builds agree with each other under each libenv, but the
 *	same build disagrees with itself across libenvs.
 *
 *	real-bug: everything agrees, and differs from the expectation.
 *
 *	pass: everything agrees with the expectation.
 *
 *	Sanitizer findings ("== sanitizer" sections) are evidence, not
 *	behaviour: observations are compared without them, and a finding
 *	listed in background (one that every case shows, such as UB in
 *	start-up code) does not make a divergence undefined-behavior.
 *
 *	The verdict names the differing cells and a representative pair
 *	(cell and rep indexes) for the caller to diff.
 */
#include <stdio.h>
#include <string.h>

#include "verdict/verdict.h"
#include "util/buf.h"
#include "util/mem.h"
#include "util/msg.h"

static const char *const names[] = {
    "pass", "real-bug", "compiler", "undefined-behavior", "library",
    "hardware",
};

/* hr_verdict_name - the report name of a verdict */
const char *hr_verdict_name(hr_verdict_kind kind)
{
    if ((size_t)kind >= sizeof(names) / sizeof(names[0]))
        hr_panic("bad verdict %d", (int)kind);
    return names[kind];
}

/* hr_verdict_parse_name - name to kind */
int hr_verdict_parse_name(hr_verdict_kind *out, const char *name)
{
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        if (strcmp(names[i], name) == 0) {
            *out = (hr_verdict_kind)i;
            return 0;
        }
    }
    return hr_error_set(HR_EINPUT, "unknown verdict '%s'", name);
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
    v->left_cell = lc;
    v->left_rep = lr;
    v->right_cell = rc;
    v->right_rep = rr;
    v->left = label(&cells[lc]);
    v->right = label(&cells[rc]);
}

/* find_flap - a cell whose reps differ; 1 when found */
static int find_flap(hr_verdict *v, const hr_cell *cells, size_t n)
{
    int found = 0;

    for (size_t i = 0; i < n; i++) {
        for (size_t r = 1; r < cells[i].nreps; r++) {
            if (!same(hr_obs_behaviour(cells[i].obs[0]),
                      hr_obs_behaviour(cells[i].obs[r]))) {
                if (!found)
                    set_pair(v, cells, (int)i, 0, (int)i, (int)r);
                found = 1;
                hr_strv_add_owned(&v->differing, label(&cells[i]));
                break;
            }
        }
    }
    return found;
}

/* obs0 - a cell's observation (its reps are equal by now) */
static const char *obs0(const hr_cell *c)
{
    return c->nreps ? hr_obs_behaviour(c->obs[0]) : "";
}

/* class_size - how many cells of libenv env observed what cell i did */
static size_t class_size(const hr_cell *cells, size_t n, size_t i,
                         const char *env)
{
    size_t count = 0;

    for (size_t j = 0; j < n; j++)
        if (strcmp(cells[j].libenv, env) == 0 && !cells[j].ub_check &&
            same(obs0(&cells[i]), obs0(&cells[j])))
            count++;
    return count;
}

/* majority - among builds that are independent opinions (not UB-check
 * builds, which share the optimizer of the build they check), the cell
 * whose class is strictly the largest, or -1 */
static int majority(const hr_cell *cells, size_t n, const char *env)
{
    size_t best = 0, best_count = 0;
    int tie = 0;

    for (size_t i = 0; i < n; i++) {
        size_t count;

        if (strcmp(cells[i].libenv, env) != 0 || cells[i].ub_check)
            continue;
        count = class_size(cells, n, i, env);
        if (count > best_count) {
            best = i;
            best_count = count;
            tie = 0;
        } else if (count == best_count && !same(obs0(&cells[i]),
                                                obs0(&cells[best]))) {
            tie = 1;
        }
    }
    return tie || best_count < 2 ? -1 : (int)best;
}

static int judge(hr_verdict *v, const hr_cell *cells, size_t n);

/* hr_verdict_compute - apply the rules */
int hr_verdict_compute(hr_verdict **out, const hr_cell *in_cells, size_t n,
                       const hr_strv *background)
{
    hr_verdict *v = hr_calloc(1, sizeof(*v));
    int error;

    /* Sanitizer findings are evidence, not behaviour: cells compare by
     * hr_obs_behaviour() (a finding in start-up code shows up whenever a
     * daemon happened to start). */
    for (size_t i = 0; i < n; i++) {
        const hr_strv *ub =
            in_cells[i].nreps ? hr_obs_ub(in_cells[i].obs[0]) : NULL;

        for (size_t k = 0; ub && k < ub->n; k++)
            if (hr_strv_find(&v->ub_reports, ub->v[k]) < 0)
                hr_strv_add(&v->ub_reports, ub->v[k]);
    }
    /* Findings that every case shows are background, not evidence. */
    for (size_t k = 0; background && k < v->ub_reports.n;) {
        if (hr_strv_find(background, v->ub_reports.v[k]) >= 0) {
            hr_strv_add(&v->ub_background, v->ub_reports.v[k]);
            hr_free(v->ub_reports.v[k]);
            memmove(&v->ub_reports.v[k], &v->ub_reports.v[k + 1],
                    (v->ub_reports.n - k) * sizeof(char *));
            v->ub_reports.n--;
        } else {
            k++;
        }
    }
    *out = v;
    error = judge(v, in_cells, n);
    return error;
}

/* judge - the rules, on observations without sanitizer sections */
static int judge(hr_verdict *v, const hr_cell *cells, size_t n)
{
    int builds_disagree = 0, libenvs_disagree = 0, all_expect = 1;
    int dl = -1, dr = -1;       /* a disagreeing pair under one libenv */

    v->left_cell = v->right_cell = v->left_rep = v->right_rep = -1;
    if (n == 0) {
        v->kind = HR_PASS;
        v->summary = hr_strdup("no observations");
        return 0;
    }
    for (size_t i = 0; i < n; i++)
        for (size_t r = 0; r < cells[i].nreps; r++)
            all_expect &= cells[i].expect_ok[r] != 0;

    /* 1. hardware: the same binary on the same input did not reproduce */
    if (find_flap(v, cells, n)) {
        v->kind = HR_HARDWARE;
        v->summary = hr_sprintf("%s gave different results in repeated runs "
                                "of the same build (a hardware fault, or a "
                                "race)", v->left);
        return 0;
    }

    /* Who disagrees with whom: builds under one libenv, and one build
     * across libenvs. */
    for (size_t i = 0; i < n; i++) {
        for (size_t j = i + 1; j < n; j++) {
            if (same(obs0(&cells[i]), obs0(&cells[j])))
                continue;
            if (strcmp(cells[i].libenv, cells[j].libenv) == 0) {
                if (!builds_disagree)
                    dl = (int)i, dr = (int)j;
                builds_disagree = 1;
            } else if (strcmp(cells[i].build, cells[j].build) == 0) {
                libenvs_disagree = 1;
                if (!builds_disagree && dl < 0)
                    dl = (int)i, dr = (int)j;
            }
        }
    }

    if (builds_disagree) {
        const char *env = cells[dl].libenv;
        int ref = -1, wrapv = -1, optimized_differs = 0;
        int major = majority(cells, n, env);
        int base;

        for (size_t i = 0; i < n; i++) {
            if (strcmp(cells[i].libenv, env) != 0)
                continue;
            if (cells[i].unoptimized && !cells[i].sanitizer && ref < 0)
                ref = (int)i;
            if (cells[i].ub_check && !cells[i].sanitizer && wrapv < 0)
                wrapv = (int)i;
        }
        /* The cells that stand apart: from the majority if there is one,
         * else from the unoptimized build, else from the first. */
        base = major >= 0 ? major : ref >= 0 ? ref : dl;
        for (size_t i = 0; i < n; i++) {
            if (strcmp(cells[i].libenv, env) != 0)
                continue;
            if (!same(obs0(&cells[i]), obs0(&cells[base]))) {
                hr_strv_add_owned(&v->differing, label(&cells[i]));
                if (v->left == NULL)
                    set_pair(v, cells, base, 0, (int)i, 0);
            }
            if (ref >= 0 && !cells[i].unoptimized && !cells[i].ub_check &&
                !same(obs0(&cells[i]), obs0(&cells[ref])))
                optimized_differs = 1;
        }

        /* 2. undefined-behavior */
        if (v->ub_reports.n > 0 ||
            (wrapv >= 0 && ref >= 0 && optimized_differs &&
             same(obs0(&cells[wrapv]), obs0(&cells[ref])))) {
            v->kind = HR_UB;
            if (v->ub_reports.n > 0)
                v->summary = hr_sprintf("builds disagree and a sanitizer "
                                        "reported: %s", v->ub_reports.v[0]);
            else
                v->summary = hr_sprintf("builds disagree, and %s (UB-"
                                        "exploiting optimizations off) sides "
                                        "with unoptimized %s",
                                        cells[wrapv].build, cells[ref].build);
            return 0;
        }

        /* 3. compiler */
        v->kind = HR_COMPILER;
        if (major >= 0) {
            v->suspect = hr_strv_join(&v->differing, ", ");
            v->summary = hr_sprintf("builds of the same source disagree; %s "
                                    "stands against the other builds",
                                    v->suspect);
        } else {
            v->suspect = hr_strdup("undecided");
            v->summary = hr_sprintf("builds of the same source disagree (%s "
                                    "vs %s); no third build breaks the tie",
                                    v->left, v->right);
        }
        return 0;
    }

    /* 4. library */
    if (libenvs_disagree) {
        v->kind = HR_LIBRARY;
        set_pair(v, cells, dl, 0, dr, 0);
        for (size_t i = 0; i < n; i++)
            if (!same(obs0(&cells[i]), obs0(&cells[dl])) &&
                hr_strv_find(&v->differing, cells[i].libenv) < 0)
                hr_strv_add(&v->differing, cells[i].libenv);
        v->summary = hr_sprintf("every build agrees with itself, but builds "
                                "behave differently under libenv %s",
                                cells[dr].libenv);
        return 0;
    }

    /* 5. real-bug, 6. pass */
    if (!all_expect) {
        v->kind = HR_REAL_BUG;
        v->summary = hr_strdup("every build and library environment agrees, "
                               "and all differ from the recorded "
                               "expectation");
        set_pair(v, cells, 0, 0, 0, 0);
        return 0;
    }
    v->kind = HR_PASS;
    v->summary = hr_strdup("every build agrees with the expectation");
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
    hr_strv_release(&v->ub_reports);
    hr_strv_release(&v->ub_background);
    hr_free(v);
}

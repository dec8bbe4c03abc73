/*
 * NAME
 *	run/phases 3
 * SUMMARY
 *	the main job's parallel phases: build, replay, sanitizer baselines
 * SYNOPSIS
 *	#include "run/phases.h"
 *
 *	int	hr_phase_build(run, o, variants, n, first)
 *	int	hr_phase_replay(run, o, cases, mask, b0)
 *	int	hr_phase_baseline(out, run, o, b0)
 *	hr_run_cell *hr_phase_cell(run, ci, b, e)
 *	int	hr_phase_find_cell(run, label, b, e)
 *	void	hr_phase_say(o, fmt, ...)
 * DESCRIPTION
 *	hr_phase_build() builds variants [first..] of the run on threads,
 *	several at once where there are cores; a build that fails is
 *	recorded in run->failed_variants and leaves run->builds[i] NULL.
 *
 *	hr_phase_replay() starts one instance per (build, libenv, group of
 *	cases that share a configuration), several side by side, longest
 *	first, and runs every selected case run->reps times on each. An
 *	instance that does not start, or fails under a case, is that
 *	cell's observation (hr_caserun_failed()); the next case gets a
 *	fresh instance. Every observation is written to
 *	OUT/observations/CASE/VARIANT.LIBENV.REP.txt.
 *
 *	hr_phase_baseline() adds, for each sanitizer build from b0 on, the
 *	findings of an instance that starts and serves one empty session:
 *	the background that no case's finding is judged by.
 * DIAGNOSTICS
 *	Negative returns are the harness's trouble, or HR_EINTR.
 */
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "run/phases.h"
#include "build/build.h"
#include "case/group.h"
#include "instance/instance.h"
#include "instance/netns.h"
#include "replay/batch.h"
#include "replay/caserun.h"
#include "replay/funcrun.h"
#include "case/func.h"
#include "util/cleanup.h"
#include "util/clock.h"
#include "util/fsutil.h"
#include "util/mem.h"
#include "util/msg.h"
#include "util/paths.h"

/* Work shared by the threads of one phase. */
typedef struct work {
    const hr_runner_opts *o;
    hr_run *run;
    hr_case **cases;
    pthread_mutex_t lock;
    size_t next, total, done;
    int failed;                 /* the first error stops the others */
    char error[2048];
    int error_code;
    /* builds */
    const char **variants;
    size_t nvariants, first_build;
    int jobs;
    int jobserver[2];           /* the shared job server's pipe, or -1 */
    /* instances */
    struct unit *units;
    size_t nunits;
    size_t case_reps_done, case_reps_total;
} work;

struct unit {
    size_t build, libenv;
    size_t *cases;
    size_t n;
    size_t seq;
    long cost;          /* estimated milliseconds, for scheduling */
    int func;           /* func cases: a probe per rep, no instance */
};

/* Case runs per batch at most (batch(3)): more would make a batch that
 * cannot be divided costlier to play again one by one. */
#define BATCH_MAX 16

/* Cases per instance at most: a large group is split, so that one long
 * instance does not keep the other cores waiting at the end. */
#define UNIT_MAX_CASES 12

/* case_cost - a rough estimate of one run of a case, in milliseconds */
static long case_cost(const hr_case *c)
{
    long ms = c->kind == HR_CASE_PROBE ? 120
              : c->kind == HR_CASE_FUNC ? 20 + (long)(c->func->total / 50)
                                        : 60;

    for (size_t x = 0; x < c->nxs; x++)
        ms += c->xs[x].pause_ms;
    return ms;
}

/* cmp_unit - most expensive first (longest processing time first), then
 * in creation order */
static int cmp_unit(const void *a, const void *b)
{
    const struct unit *x = a, *y = b;

    if (x->cost != y->cost)
        return x->cost > y->cost ? -1 : 1;
    return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* fail_work - keep the first error */
static void fail_work(work *w, int code)
{
    pthread_mutex_lock(&w->lock);
    if (!w->failed) {
        w->failed = 1;
        w->error_code = code;
        snprintf(w->error, sizeof(w->error), "%s", hr_error_last());
    }
    pthread_mutex_unlock(&w->lock);
}

/* by_key - bsearch helper over strings */
static int by_key(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* hr_phase_in_shard - the pair (case ci, build b) is in the run's share
 * (every pair is, without run --shard) */
int hr_phase_in_shard(const hr_run *run, size_t ci, size_t b)
{
    char *key;
    int in;

    if (run->shard_n == 0)
        return 1;
    key = hr_sprintf("%s\t%s", run->builds[b]->variant, run->cases[ci].c->name);
    in = bsearch(&key, run->shard_pairs.v, run->shard_pairs.n, sizeof(char *),
                 by_key) != NULL;
    hr_free(key);
    return in;
}

/* hr_phase_say - a progress line */
void hr_phase_say(const hr_runner_opts *o, const char *fmt, ...)
{
    va_list ap;
    char line[256];

    if (o->progress == NULL)
        return;
    va_start(ap, fmt);
    vsnprintf(line, sizeof(line), fmt, ap);
    va_end(ap);
    o->progress(line, o->payload);
}

/* build_progress - from build(3) */
static void build_progress(const char *variant, const char *step,
                           void *payload)
{
    work *w = payload;

    pthread_mutex_lock(&w->lock);
    hr_phase_say(w->o, "building %zu/%zu: %s: %s", w->done + 1, w->total, variant,
           step);
    pthread_mutex_unlock(&w->lock);
}

/* build_worker - build variants until none is left */
static void *build_worker(void *arg)
{
    work *w = arg;

    for (;;) {
        hr_build_opts bo = HR_BUILD_OPTS_INIT;
        hr_build *b = NULL;
        char *variant = NULL;
        const char *blank;
        size_t i;

        pthread_mutex_lock(&w->lock);
        i = w->next++;
        pthread_mutex_unlock(&w->lock);
        if (i >= w->nvariants || w->failed || hr_interrupted())
            break;
        bo.variant = w->variants[i];
        bo.source = w->o->source;
        bo.cc = w->o->cc;
        /* "O2 clang-15": the variant O2 with the compiler of that name */
        if ((blank = strchr(w->variants[i], ' ')) != NULL) {
            variant = hr_strndup(w->variants[i],
                                 (size_t)(blank - w->variants[i]));
            bo.variant = variant;
            bo.label = w->variants[i];
            for (size_t k = 0; k < w->o->compilers.n; k++)
                if (strcmp(hr_path_basename(w->o->compilers.v[k]), blank + 1) ==
                    0)
                    bo.cc = w->o->compilers.v[k];
        }
        bo.jobs = w->jobs;
        if (w->jobserver[0] >= 0) {
            bo.jobserver = 1;
            bo.jobserver_r = w->jobserver[0];
            bo.jobserver_w = w->jobserver[1];
        }
        /* A replica (NAME@LABEL) is a second, independent compile: from
         * ccache it would be the same bytes, a relink and no more. */
        if (w->o->no_ccache || strchr(bo.variant, '@'))
            bo.use_ccache = 0;
        bo.progress = build_progress;
        bo.payload = w;
        if (hr_build_run(&b, &bo) < 0) {
            /* A build that fails is an observation of the compiler and
             * the source, not a reason to stop: the other builds are
             * judged. Bad input (an unknown variant) still stops. */
            if (hr_error_code() == HR_EINPUT || hr_interrupted()) {
                fail_work(w, hr_error_code());
                hr_free(variant);
                break;
            }
            pthread_mutex_lock(&w->lock);
            hr_strv_add(&w->run->failed_variants, w->variants[i]);
            hr_strv_add(&w->run->failed_errors, hr_error_last());
            w->done++;
            hr_phase_say(w->o, "build %zu/%zu failed: %s", w->done, w->total,
                w->variants[i]);
            hr_msg_warn("build %s failed: %s", w->variants[i],
                        hr_error_last());
            pthread_mutex_unlock(&w->lock);
            hr_free(variant);
            continue;
        }
        hr_free(variant);
        pthread_mutex_lock(&w->lock);
        w->run->builds[w->first_build + i] = b;
        w->run->build_cached[w->first_build + i] = b->cached;
        w->done++;
        hr_phase_say(w->o, "built %zu/%zu: %s%s", w->done, w->total, b->variant,
               b->cached ? " (cached)" : "");
        pthread_mutex_unlock(&w->lock);
    }
    return NULL;
}

/* work_run - run a phase's workers on threads (1 to 64), wait for them,
 * add the phase's time to *seconds; the first worker's error, or
 * HR_EINTR when a signal stopped the phase */
static int work_run(work *w, int threads, void *(*worker)(void *),
                    double *seconds, double t0)
{
    pthread_t tid[64];

    if (threads < 1)
        threads = 1;
    if (threads > 64)
        threads = 64;
    for (int t = 0; t < threads; t++)
        pthread_create(&tid[t], NULL, worker, w);
    for (int t = 0; t < threads; t++)
        pthread_join(tid[t], NULL);
    pthread_mutex_destroy(&w->lock);
    *seconds += hr_clock_s() - t0;
    if (w->failed)
        return hr_error_set(w->error_code ? w->error_code : HR_ERROR, "%s",
                            w->error);
    if (hr_interrupted())
        return hr_error_set(HR_EINTR, "interrupted");
    return 0;
}

/* hr_phase_build - build variants [first..] of the run in parallel */
int hr_phase_build(hr_run *run, const hr_runner_opts *o,
                     const char **variants, size_t n, size_t first)
{
    work w;
    int cpus = hr_clock_ncpus();
    int threads;
    double t0 = hr_clock_s();
    int error;

    memset(&w, 0, sizeof(w));
    pthread_mutex_init(&w.lock, NULL);
    w.o = o;
    w.run = run;
    w.variants = variants;
    w.nvariants = n;
    w.first_build = first;
    w.total = n;
    /* One GNU make job server for all the builds: a build that walks its
     * directories alone, configures or installs leaves its cores to the
     * others, and the last build gets them all. It holds a token less
     * than there are cores (each make has one of its own). Up to twice
     * as many builds as cores run at once, so that their serial steps
     * fill each other's gaps and no build is left to finish alone on
     * one core (measured: 4 variants on 2 cores with 3 at once took
     * 1.02 x the bound, the last build running alone). The pipe is inherited by the makes (not close-on-exec) and
     * closed after the phase. Without one, builds split the cores. */
    w.jobserver[0] = w.jobserver[1] = -1;
    if (pipe(w.jobserver) == 0) {
        for (int k = 0; k < cpus - 1; k++)
            if (write(w.jobserver[1], "+", 1) != 1)
                break;
        threads = (int)n < 2 * cpus ? (int)n : 2 * cpus;
    } else {
        w.jobserver[0] = w.jobserver[1] = -1;
        threads = (int)n < cpus ? (int)n : cpus;
    }
    if (threads < 1)
        threads = 1;
    w.jobs = cpus / threads > 0 ? cpus / threads : 1;
    error = work_run(&w, threads, build_worker, &run->build_seconds, t0);
    if (w.jobserver[0] >= 0) {
        close(w.jobserver[0]);
        close(w.jobserver[1]);
    }
    return error;
}

/* hr_phase_cell - the cell of a case for (build, libenv) */
hr_run_cell *hr_phase_cell(hr_run *run, size_t ci, size_t b, size_t e)
{
    return &run->cases[ci].cells[b * run->nlibenvs + e];
}

/* obs_file - where an observation goes, relative to the run directory */
static char *obs_file(hr_run *run, size_t ci, size_t b, size_t e, int rep)
{
    char *slug = hr_build_slug(run->builds[b]->variant);
    char *f = hr_sprintf("observations/%s/%s.%s.%d.txt",
                         run->cases[ci].c->name, slug, run->libenvs[e].name,
                         rep + 1);

    hr_free(slug);
    return f;
}

/* start_unit - start the unit's instance; when it does not start for a
 * reason of Postfix's own, *why says so (the cells observe it) and 0 is
 * returned; negative only for the harness's trouble */
static int start_unit(hr_instance **in, char **why, const hr_instance_opts *io)
{
    int error;

    *in = NULL;
    if ((error = hr_instance_start(in, io)) == 0)
        return 0;
    if (error == HR_EINTR || hr_interrupted() ||
        hr_instance_start_why()[0] == 0)
        return error;
    *why = hr_sprintf("instance did not start: %s", hr_instance_start_why());
    return 0;
}

/* store_rep - keep a rep's result and write its observation file */
static int store_rep(work *w, struct unit *u, size_t ci, int r,
                     hr_caserun_result *res)
{
    hr_run *run = w->run;
    hr_rep *rep = &hr_phase_cell(run, ci, u->build, u->libenv)->reps[r];
    char *path, *parent;
    int error;

    rep->model = res->model;
    rep->obs = res->obs;
    rep->expect_ok = res->expect_ok;
    rep->mismatch = res->mismatch;
    rep->first_finding = res->first_finding;
    rep->seconds = res->seconds;
    hr_free(res->log);
    memset(res, 0, sizeof(*res));
    rep->obs_file = obs_file(run, ci, u->build, u->libenv, r);
    path = hr_path_join(run->out_dir, rep->obs_file);
    parent = hr_path_dirname(path);
    if ((error = hr_mkdir_p(parent, 0755)) == 0)
        error = hr_file_write_atomic(path, rep->obs, strlen(rep->obs), 0644);
    hr_free(parent);
    hr_free(path);
    pthread_mutex_lock(&w->lock);
    w->case_reps_done++;
    hr_phase_say(w->o, "replay: %zu of %zu case runs done, %zu left (%s on "
                       "%s/%s)",
                 w->case_reps_done, w->case_reps_total,
                 w->case_reps_total - w->case_reps_done, w->cases[ci]->name,
                 run->builds[u->build]->variant, run->libenvs[u->libenv].name);
    pthread_mutex_unlock(&w->lock);
    return error;
}

/* A unit's instance and what run_one() needs to restart it. */
struct ustate {
    hr_instance *in;
    char *why;                  /* it did not start: why */
    hr_instance_opts io;
    char *dir;
    int batch;                  /* batches may still be tried */
};

/* run_one - one rep of one case on the unit's instance, one by one. An
 * instance that does not start, or fails under the case, is the cell's
 * observation; the next rep gets a fresh instance. */
static int run_one(work *w, struct unit *u, struct ustate *st, size_t ci,
                   int r)
{
    hr_run *run = w->run;
    const hr_build *bd = run->builds[u->build];
    hr_run_cell *cell = hr_phase_cell(run, ci, u->build, u->libenv);
    hr_caserun_result res;
    int error = 0;

    if (st->in == NULL && st->why == NULL &&
        (error = start_unit(&st->in, &st->why, &st->io)) < 0)
        return error;
    if (st->in == NULL) {
        cell->failed = 1;
        error = hr_caserun_failed(&res, st->why, st->dir, bd->dir);
    } else if ((error = hr_caserun(&res, st->in, w->cases[ci])) < 0) {
        char *what;

        if (error == HR_EINTR || hr_interrupted())
            return error;
        /* The instance failed under the case: that is what the case
         * observed. The next rep gets a fresh instance. */
        what = hr_sprintf("instance failed during the case: %s",
                          !hr_instance_alive(st->in) ? "its master is gone"
                          : error == HR_ETIMEOUT     ? "it timed out"
                                                     : "it stopped "
                                                       "answering");
        hr_instance_stop(st->in);
        cell->failed = 1;
        error = hr_caserun_failed(&res, what, st->dir, bd->dir);
        hr_instance_free(st->in);
        st->in = NULL;
        hr_free(what);
    }
    if (error < 0)
        return hr_error_set(error, "%s on %s/%s: %s", w->cases[ci]->name,
                            bd->variant, run->libenvs[u->libenv].name,
                            hr_error_last());
    return store_rep(w, u, ci, r, &res);
}

/* A batch's case runs waiting to be played. */
struct pending {
    size_t ci[BATCH_MAX];
    int rep[BATCH_MAX];
    size_t n;
};

/* flush - the pending case runs as one batch (batch(3)). When its
 * material cannot be divided, or the instance fails or its mail does not
 * settle, they run one by one on a fresh instance, as they would have
 * without a batch, and the unit plays no more batches: what made it
 * fail is likely to again. */
static int flush(work *w, struct unit *u, struct ustate *st,
                 struct pending *p)
{
    const hr_case *cs[BATCH_MAX];
    hr_caserun_result res[BATCH_MAX];
    char *why = NULL;
    int error = 0, e;

    if (p->n == 0)
        return 0;
    for (size_t i = 0; i < p->n; i++)
        cs[i] = w->cases[p->ci[i]];
    if (p->n == 1) {
        error = run_one(w, u, st, p->ci[0], p->rep[0]);
    } else if ((e = hr_batch_run(res, st->in, cs, p->n, &why)) == 0 &&
               why == NULL) {
        pthread_mutex_lock(&w->lock);
        w->run->batches++;
        w->run->batched_runs += p->n;
        pthread_mutex_unlock(&w->lock);
        for (size_t i = 0; i < p->n; i++) {
            if (error == 0)
                error = store_rep(w, u, p->ci[i], p->rep[i], &res[i]);
            hr_caserun_result_release(&res[i]);
        }
    } else if (e == HR_EINTR || hr_interrupted()) {
        error = hr_error_set(HR_EINTR, "stopped");
    } else {
        if (hr_verbose && why == NULL)
            hr_msg_info("batch of %zu on %s failed (%s): one by one on a "
                        "fresh instance", p->n, st->dir, hr_error_last());
        pthread_mutex_lock(&w->lock);
        w->run->batches++;
        w->run->batches_one_by_one++;
        pthread_mutex_unlock(&w->lock);
        hr_instance_stop(st->in);
        hr_instance_free(st->in);
        st->in = NULL;
        st->batch = 0;
        for (size_t i = 0; i < p->n && error == 0; i++)
            error = run_one(w, u, st, p->ci[i], p->rep[i]);
    }
    hr_free(why);
    p->n = 0;
    return error;
}

/* run_unit - one instance, its group's cases, every rep: the smtp cases
 * that may (hr_batch_applies()) in batches, the others one by one */
static int run_unit(work *w, struct unit *u)
{
    hr_run *run = w->run;
    const hr_build *bd = run->builds[u->build];
    const hr_case *first = w->cases[u->cases[0]];
    struct ustate st;
    struct pending p;
    char *ns, *slug;
    int error, *may;

    memset(&st, 0, sizeof(st));
    memset(&p, 0, sizeof(p));
    st.io = (hr_instance_opts)HR_INSTANCE_OPTS_INIT;
    st.batch = !w->o->no_batch;
    slug = hr_build_slug(bd->variant);
    st.dir = hr_sprintf("%s/instances/%s/%s/g%zu", run->out_dir, slug,
                        run->libenvs[u->libenv].name, u->seq);
    hr_free(slug);
    ns = hr_netns_name();
    hr_instance_opts_from_case(&st.io, bd, st.dir, ns,
                               &run->libenvs[u->libenv].env, first);
    error = start_unit(&st.in, &st.why, &st.io);
    may = hr_calloc(u->n, sizeof(*may));
    for (size_t k = 0; k < u->n; k++) {
        hr_phase_cell(run, u->cases[k], u->build, u->libenv)->skipped = 0;
        may[k] = st.in && hr_batch_applies(st.in, w->cases[u->cases[k]]);
    }
    /* Two passes: first every rep that may go into a batch, so that the
     * batches are as long as they can be, then the others one by one.
     * A case run observes only itself, so the order is free. */
    for (int pass = 0; pass < 2 && error == 0; pass++) {
        for (size_t k = 0; k < u->n && error == 0; k++) {
            size_t ci = u->cases[k];

            if (may[k] != (pass == 0))
                continue;
            for (int r = 0; r < run->reps && error == 0; r++) {
                if (w->failed || hr_interrupted()) {
                    error = hr_error_set(HR_EINTR, "stopped");
                    break;
                }
                if (st.batch && st.in && may[k]) {
                    p.ci[p.n] = ci;
                    p.rep[p.n++] = r;
                    if (p.n == BATCH_MAX)
                        error = flush(w, u, &st, &p);
                    continue;
                }
                if ((error = flush(w, u, &st, &p)) == 0)
                    error = run_one(w, u, &st, ci, r);
            }
        }
        if (error == 0)
            error = flush(w, u, &st, &p);
    }
    if (st.in) {
        double t_stop = hr_clock_s();
        int e = hr_instance_stop(st.in);

        if (hr_verbose > 1)
            hr_msg_info("timing instance %s: start %.3f stop %.3f", ns,
                        hr_instance_start_seconds(st.in),
                        hr_clock_s() - t_stop);
        if (error == 0)
            error = e;
    }
    hr_instance_free(st.in);
    hr_free(may);
    hr_free(st.why);
    hr_free(st.dir);
    hr_free(ns);
    return error;
}

/* run_func_unit - func cases: each rep a probe of its own (funcrun(3)),
 * no instance */
static int run_func_unit(work *w, struct unit *u)
{
    hr_run *run = w->run;
    const hr_build *bd = run->builds[u->build];
    char *slug = hr_build_slug(bd->variant);
    int error = 0;

    for (size_t k = 0; k < u->n && error == 0; k++) {
        size_t ci = u->cases[k];
        hr_run_cell *cell = hr_phase_cell(run, ci, u->build, u->libenv);

        cell->skipped = 0;
        for (int r = 0; r < run->reps && error == 0; r++) {
            hr_caserun_result res;
            char *dir = hr_sprintf("%s/instances/%s/%s/func/%s.%d",
                                   run->out_dir, slug,
                                   run->libenvs[u->libenv].name,
                                   w->cases[ci]->name, r + 1);

            if (w->failed || hr_interrupted())
                error = hr_error_set(HR_EINTR, "stopped");
            else if ((error = hr_funcrun(&res, bd,
                                         &run->libenvs[u->libenv].env,
                                         w->cases[ci], dir)) < 0)
                error = hr_error_set(error, "%s on %s/%s: %s",
                                     w->cases[ci]->name, bd->variant,
                                     run->libenvs[u->libenv].name,
                                     hr_error_last());
            else
                error = store_rep(w, u, ci, r, &res);
            hr_free(dir);
        }
    }
    hr_free(slug);
    return error;
}

/* unit_worker - run units until none is left */
static void *unit_worker(void *arg)
{
    work *w = arg;

    for (;;) {
        size_t i;

        pthread_mutex_lock(&w->lock);
        i = w->next++;
        pthread_mutex_unlock(&w->lock);
        if (i >= w->nunits || w->failed || hr_interrupted())
            break;
        if ((w->units[i].func ? run_func_unit(w, &w->units[i])
                              : run_unit(w, &w->units[i])) < 0) {
            fail_work(w, hr_error_code());
            break;
        }
    }
    return NULL;
}

/* hr_phase_replay - cases (mask) on builds [b0..nbuilds) under every
 * libenv */
int hr_phase_replay(hr_run *run, const hr_runner_opts *o, hr_case **cases,
                      const int *mask, size_t b0)
{
    hr_case **sel = hr_calloc(run->ncases ? run->ncases : 1, sizeof(*sel));
    size_t *sel_index = hr_calloc(run->ncases ? run->ncases : 1,
                                  sizeof(size_t));
    hr_group *groups = NULL;
    size_t nsel = 0, ngroups = 0, seq = 0;
    int threads, error;
    double t0 = hr_clock_s();
    work w;

    memset(&w, 0, sizeof(w));
    pthread_mutex_init(&w.lock, NULL);
    w.o = o;
    w.run = run;
    w.cases = cases;
    for (size_t i = 0; i < run->ncases; i++)
        if ((mask == NULL || mask[i]) && cases[i]->kind != HR_CASE_FUNC) {
            sel[nsel] = cases[i];
            sel_index[nsel++] = i;
        }
    hr_group_cases(&groups, &ngroups, sel, nsel);
    w.units = hr_calloc((run->nbuilds - b0) * run->nlibenvs *
                            (run->ncases + ngroups) + 1,
                        sizeof(struct unit));
    /* Func cases: a unit each, on the builds with shared libraries; on
     * the others they do not apply (their cells stay skipped). */
    for (size_t b = b0; b < run->nbuilds; b++)
        for (size_t e = 0; e < run->nlibenvs; e++)
            for (size_t i = 0; i < run->ncases; i++) {
                struct unit *u = &w.units[w.nunits];

                if ((mask && !mask[i]) || cases[i]->kind != HR_CASE_FUNC ||
                    !hr_funcrun_applies(run->builds[b]) ||
                    !hr_phase_in_shard(run, i, b))
                    continue;
                u->build = b;
                u->libenv = e;
                u->func = 1;
                u->cases = hr_calloc(1, sizeof(size_t));
                u->cases[u->n++] = i;
                u->cost = 50 + run->reps * case_cost(cases[i]);
                u->seq = ++seq;
                w.nunits++;
                w.case_reps_total += (size_t)run->reps;
            }
    for (size_t b = b0; b < run->nbuilds; b++) {
        for (size_t e = 0; e < run->nlibenvs; e++) {
            for (size_t g = 0; g < ngroups; g++) {
                size_t chunks = (groups[g].n + UNIT_MAX_CASES - 1) /
                                UNIT_MAX_CASES;
                size_t per = (groups[g].n + chunks - 1) / chunks;

                for (size_t first = 0; first < groups[g].n; first += per) {
                    struct unit *u = &w.units[w.nunits];
                    size_t m = groups[g].n - first < per ? groups[g].n - first
                                                         : per;

                    u->build = b;
                    u->libenv = e;
                    u->cases = hr_calloc(m, sizeof(size_t));
                    u->cost = 50;
                    u->n = 0;
                    for (size_t k = 0; k < m; k++) {
                        size_t ci = sel_index[groups[g].cases[first + k]];

                        if (!hr_phase_in_shard(run, ci, b))
                            continue;
                        u->cases[u->n++] = ci;
                        u->cost += run->reps * case_cost(cases[ci]);
                    }
                    if (u->n == 0) {
                        hr_free(u->cases);
                        continue;
                    }
                    u->seq = ++seq;
                    w.nunits++;
                    w.case_reps_total += u->n * (size_t)run->reps;
                }
            }
        }
    }
    qsort(w.units, w.nunits, sizeof(struct unit), cmp_unit);
    /* An instance mostly waits for Postfix's processes and sockets:
     * measured on 2 cores, 4 instances per core keep them busy (2 per
     * core left a third of the CPU idle). */
    threads = o->jobs > 0 ? o->jobs : 4 * hr_clock_ncpus();
    if ((size_t)threads > w.nunits)
        threads = (int)w.nunits;
    error = work_run(&w, threads, unit_worker, &run->replay_seconds, t0);
    run->case_runs += w.case_reps_done;
    for (size_t i = 0; i < w.nunits; i++)
        hr_free(w.units[i].cases);
    hr_free(w.units);
    hr_group_free_all(groups, ngroups);
    hr_free(sel);
    hr_free(sel_index);
    return error;
}

/* hr_phase_baseline - per sanitizer build from b0 on, the findings
 * of its baseline: an instance that starts and serves one empty session.
 * They are background in every case, and only they are: what cases
 * share beyond that is evidence, however many share it. */
int hr_phase_baseline(hr_strv *out, hr_run *run, const hr_runner_opts *o,
                      size_t b0)
{
    int error = 0;

    for (size_t b = b0; b < run->nbuilds && error == 0; b++) {
        hr_instance_opts io = HR_INSTANCE_OPTS_INIT;
        hr_instance *in = NULL;
        char *dir, *ns;

        if (run->builds[b]->sanitizer == NULL)
            continue;
        hr_phase_say(o, "baseline of %s", run->builds[b]->variant);
        dir = hr_sprintf("%s/instances/%s/baseline", run->out_dir,
                         run->builds[b]->variant);
        ns = hr_netns_name();
        io.build = run->builds[b];
        io.dir = dir;
        io.netns = ns;
        io.libenv = &run->libenvs[0].env;
        /* A build whose instance does not start has no baseline: its
         * cells observe that anyway. */
        if (hr_instance_start(&in, &io) == 0) {
            error = hr_caserun_baseline(out, in);
            if (hr_instance_stop(in) < 0 && error == 0)
                error = hr_error_code();
        } else if (hr_instance_start_why()[0] == 0) {
            error = hr_error_code();
        }
        hr_instance_free(in);
        hr_free(dir);
        hr_free(ns);
    }
    return error;
}

/* hr_phase_find_cell - the build and libenv of a cell label
 * "VARIANT/LIBENV"; -1 when there is none */
int hr_phase_find_cell(const hr_run *run, const char *label, size_t *b, size_t *e)
{
    for (*b = 0; *b < run->nbuilds; (*b)++)
        for (*e = 0; *e < run->nlibenvs; (*e)++) {
            char *l = hr_sprintf("%s/%s", run->builds[*b]->variant,
                                 run->libenvs[*e].name);
            int same = strcmp(l, label) == 0;

            hr_free(l);
            if (same)
                return 0;
        }
    return -1;
}

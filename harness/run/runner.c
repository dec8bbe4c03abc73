/*
 * NAME
 *	run/runner 3
 * SUMMARY
 *	the main job: build, replay everywhere, compare, judge
 * SYNOPSIS
 *	#include "run/runner.h"
 *
 *	int	hr_runner_run(out, opts)
 *	void	hr_run_free(run)
 * DESCRIPTION
 *	hr_runner_run() builds the variants (O0, default and O2 unless
 *	told otherwise) in parallel where there are cores, skipping cached
 *	builds; starts one instance per (build, libenv, group of cases that
 *	share a configuration), several side by side; runs every case
 *	opts->reps times on each; and gives every case a verdict with its
 *	evidence (verdict(3)): the differing cells, a unified diff of a
 *	representative pair made with libgit2, the first log finding of
 *	each side. Every observation is written to
 *	OUT/observations/CASE/VARIANT.LIBENV.REP.txt, and every case file
 *	as it ran to OUT/cases/CASE.case.
 *
 *	With ub_check, when a case gets the compiler verdict and the run
 *	has no UB-check build, the ubsan and wrapv variants are built and
 *	the divergent cases run on them too, before the verdicts are
 *	final.
 *
 *	With escalate, every case whose builds or library environments
 *	disagree (compiler, undefined-behavior and library verdicts) is
 *	run again on both sides of its representative pair, stepping up
 *	through DEBUG_README's ladder (escalate(3)); the files go to
 *	OUT/escalation/CASE.
 *
 *	The machine's facts and its EDAC counters are read before the run
 *	and again after it.
 * DIAGNOSTICS
 *	A negative return means trouble (a malformed case, a failed build,
 *	an instance that would not start); findings are not errors.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "run/runner.h"
#include "build/build.h"
#include "build/buildspec.h"
#include "replay/caserun.h"
#include "util/cleanup.h"
#include "util/clock.h"
#include "narrow/escalate.h"
#include "util/fsutil.h"
#include "case/group.h"
#include "util/hash.h"
#include "instance/instance.h"
#include "instance/netns.h"
#include "instance/libenv.h"
#include "run/machine.h"
#include "util/mem.h"
#include "util/msg.h"
#include "util/paths.h"
#include "verdict/evidence.h"


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
};

/* Cases per instance at most: a large group is split, so that one long
 * instance does not keep the other cores waiting at the end. */
#define UNIT_MAX_CASES 12

/* case_cost - a rough estimate of one run of a case, in milliseconds */
static long case_cost(const hr_case *c)
{
    long ms = c->kind == HR_CASE_PROBE ? 120 : 60;

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

/* say - a progress line */
static void say(const hr_runner_opts *o, const char *fmt, ...)
    HR_PRINTF(2, 3);
static void say(const hr_runner_opts *o, const char *fmt, ...)
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
    say(w->o, "building %zu/%zu: %s: %s", w->done + 1, w->total, variant,
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
        size_t i;

        pthread_mutex_lock(&w->lock);
        i = w->next++;
        pthread_mutex_unlock(&w->lock);
        if (i >= w->nvariants || w->failed || hr_interrupted())
            break;
        bo.variant = w->variants[i];
        bo.source = w->o->source;
        bo.cc = w->o->cc;
        bo.jobs = w->jobs;
        bo.progress = build_progress;
        bo.payload = w;
        if (hr_build_run(&b, &bo) < 0) {
            fail_work(w, hr_error_code());
            break;
        }
        pthread_mutex_lock(&w->lock);
        w->run->builds[w->first_build + i] = b;
        w->run->build_cached[w->first_build + i] = b->cached;
        w->done++;
        say(w->o, "built %zu/%zu: %s%s", w->done, w->total, b->variant,
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

/* build_all - build variants [first..] of the run in parallel */
static int build_all(hr_run *run, const hr_runner_opts *o,
                     const char **variants, size_t n, size_t first)
{
    work w;
    int cpus = hr_clock_ncpus();
    int threads = (int)n < cpus ? (int)n : cpus;
    double t0 = hr_clock_s();

    memset(&w, 0, sizeof(w));
    pthread_mutex_init(&w.lock, NULL);
    w.o = o;
    w.run = run;
    w.variants = variants;
    w.nvariants = n;
    w.first_build = first;
    w.total = n;
    if (threads < 1)
        threads = 1;
    /* Parallel builds share the cores: two -j1 builds keep two cores
     * busier than one -j2 build with its serial phases. */
    w.jobs = cpus / threads > 0 ? cpus / threads : 1;
    return work_run(&w, threads, build_worker, &run->build_seconds, t0);
}

/* cell_of - the cell of a case for (build, libenv) */
static hr_run_cell *cell_of(hr_run *run, size_t ci, size_t b, size_t e)
{
    return &run->cases[ci].cells[b * run->nlibenvs + e];
}

/* obs_file - where an observation goes, relative to the run directory */
static char *obs_file(hr_run *run, size_t ci, size_t b, size_t e, int rep)
{
    return hr_sprintf("observations/%s/%s.%s.%d.txt", run->cases[ci].c->name,
                      run->builds[b]->variant, run->libenvs[e].name, rep + 1);
}

/* run_unit - one instance, its group's cases, every rep */
static int run_unit(work *w, struct unit *u)
{
    hr_run *run = w->run;
    hr_instance_opts io = HR_INSTANCE_OPTS_INIT;
    const hr_case *first = w->cases[u->cases[0]];
    hr_instance *in = NULL;
    char *dir, *ns;
    int error;

    dir = hr_sprintf("%s/instances/%s/%s/g%zu", run->out_dir,
                     run->builds[u->build]->variant,
                     run->libenvs[u->libenv].name, u->seq);
    ns = hr_netns_name();
    hr_instance_opts_from_case(&io, run->builds[u->build], dir, ns,
                               &run->libenvs[u->libenv].env, first);
    if ((error = hr_instance_start(&in, &io)) < 0)
        goto done;
    for (size_t k = 0; k < u->n && error == 0; k++) {
        size_t ci = u->cases[k];
        hr_run_cell *cell = cell_of(run, ci, u->build, u->libenv);

        cell->skipped = 0;
        for (int r = 0; r < run->reps && error == 0; r++) {
            hr_caserun_result res;
            hr_rep *rep = &cell->reps[r];
            char *path;

            if (w->failed || hr_interrupted()) {
                error = hr_error_set(HR_EINTR, "stopped");
                break;
            }
            if ((error = hr_caserun(&res, in, w->cases[ci])) < 0) {
                error = hr_error_set(error, "%s on %s/%s: %s",
                                     w->cases[ci]->name,
                                     run->builds[u->build]->variant,
                                     run->libenvs[u->libenv].name,
                                     hr_error_last());
                break;
            }
            rep->model = res.model;
            rep->obs = res.obs;
            rep->expect_ok = res.expect_ok;
            rep->mismatch = res.mismatch;
            rep->first_finding = res.first_finding;
            rep->seconds = res.seconds;
            hr_free(res.log);
            rep->obs_file = obs_file(run, ci, u->build, u->libenv, r);
            path = hr_path_join(run->out_dir, rep->obs_file);
            {
                char *parent = hr_path_dirname(path);

                if ((error = hr_mkdir_p(parent, 0755)) == 0)
                    error = hr_file_write_atomic(path, rep->obs,
                                                 strlen(rep->obs), 0644);
                hr_free(parent);
            }
            hr_free(path);
            pthread_mutex_lock(&w->lock);
            w->case_reps_done++;
            say(w->o, "replaying %zu/%zu: %s on %s/%s", w->case_reps_done,
                   w->case_reps_total, w->cases[ci]->name,
                   run->builds[u->build]->variant,
                   run->libenvs[u->libenv].name);
            pthread_mutex_unlock(&w->lock);
        }
    }
    {
        double t_stop = hr_clock_s();
        int e = hr_instance_stop(in);

        if (hr_verbose > 1)
            hr_msg_info("timing instance %s: start %.3f stop %.3f", ns,
                        hr_instance_start_seconds(in), hr_clock_s() - t_stop);
        if (error == 0)
            error = e;
    }
done:
    hr_instance_free(in);
    hr_free(dir);
    hr_free(ns);
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
        if (run_unit(w, &w->units[i]) < 0) {
            fail_work(w, hr_error_code());
            break;
        }
    }
    return NULL;
}

/* replay_all - cases (mask) on builds [b0..nbuilds) under every libenv */
static int replay_all(hr_run *run, const hr_runner_opts *o, hr_case **cases,
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
        if (mask == NULL || mask[i]) {
            sel[nsel] = cases[i];
            sel_index[nsel++] = i;
        }
    hr_group_cases(&groups, &ngroups, sel, nsel);
    w.units = hr_calloc((run->nbuilds - b0) * run->nlibenvs *
                            (nsel + ngroups) + 1,
                        sizeof(struct unit));
    for (size_t b = b0; b < run->nbuilds; b++) {
        for (size_t e = 0; e < run->nlibenvs; e++) {
            for (size_t g = 0; g < ngroups; g++) {
                size_t chunks = (groups[g].n + UNIT_MAX_CASES - 1) /
                                UNIT_MAX_CASES;
                size_t per = (groups[g].n + chunks - 1) / chunks;

                for (size_t first = 0; first < groups[g].n; first += per) {
                    struct unit *u = &w.units[w.nunits++];

                    u->build = b;
                    u->libenv = e;
                    u->seq = ++seq;
                    u->n = groups[g].n - first < per ? groups[g].n - first
                                                     : per;
                    u->cases = hr_calloc(u->n, sizeof(size_t));
                    u->cost = 50;
                    for (size_t k = 0; k < u->n; k++) {
                        u->cases[k] = sel_index[groups[g].cases[first + k]];
                        u->cost += run->reps * case_cost(cases[u->cases[k]]);
                    }
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
    for (size_t i = 0; i < w.nunits; i++)
        hr_free(w.units[i].cases);
    hr_free(w.units);
    hr_group_free_all(groups, ngroups);
    hr_free(sel);
    hr_free(sel_index);
    return error;
}

/* case_findings - the sanitizer findings of one case on one build */
static void case_findings(hr_strv *out, const hr_run *run, size_t ci,
                          size_t b)
{
    for (size_t e = 0; e < run->nlibenvs; e++) {
        const hr_run_cell *cell = &run->cases[ci].cells[b * run->nlibenvs + e];

        if (cell->skipped)
            continue;
        for (int r = 0; r < run->reps; r++)
            hr_evidence_findings(out, cell->reps[r].model);
    }
}

/* sanitizer_background - per sanitizer build, the findings that every
 * case that ran on it shows (verdict/evidence(3)) */
static void sanitizer_background(hr_strv *out, const hr_run *run)
{
    for (size_t b = 0; b < run->nbuilds; b++) {
        hr_strv *found;
        size_t nran = 0;

        if (run->builds[b]->sanitizer == NULL)
            continue;
        found = hr_calloc(run->ncases ? run->ncases : 1, sizeof(*found));
        for (size_t ci = 0; ci < run->ncases; ci++) {
            if (run->cases[ci].cells[b * run->nlibenvs].skipped)
                continue;
            case_findings(&found[nran++], run, ci, b);
        }
        hr_evidence_background(out, found, nran);
        for (size_t i = 0; i < nran; i++)
            hr_strv_release(&found[i]);
        hr_free(found);
    }
}

/* judge - verdict and evidence of one case */
static int judge(hr_run *run, size_t ci, const hr_strv *background)
{
    hr_run_case *rc = &run->cases[ci];
    size_t ncells = run->nbuilds * run->nlibenvs, n = 0;
    hr_cell *cells = hr_calloc(ncells, sizeof(hr_cell));
    size_t *cell_index = hr_calloc(ncells, sizeof(size_t));
    const hr_obs ***obs = hr_calloc(ncells, sizeof(*obs));
    int **ok = hr_calloc(ncells, sizeof(*ok));
    int error = 0;

    for (size_t b = 0; b < run->nbuilds; b++) {
        for (size_t e = 0; e < run->nlibenvs; e++) {
            hr_run_cell *cell = cell_of(run, ci, b, e);
            const hr_build *bd = run->builds[b];

            if (cell->skipped)
                continue;
            obs[n] = hr_calloc((size_t)run->reps, sizeof(hr_obs *));
            ok[n] = hr_calloc((size_t)run->reps, sizeof(int));
            for (int r = 0; r < run->reps; r++) {
                obs[n][r] = cell->reps[r].model;
                ok[n][r] = cell->reps[r].expect_ok;
            }
            cells[n].build = bd->variant;
            cells[n].libenv = run->libenvs[e].name;
            cells[n].unoptimized = bd->opt && bd->opt[0] == 0;
            cells[n].ub_check = bd->ub_check;
            cells[n].sanitizer = bd->sanitizer != NULL;
            cells[n].nreps = (size_t)run->reps;
            cells[n].obs = obs[n];
            cells[n].expect_ok = ok[n];
            cell_index[n] = b * run->nlibenvs + e;
            n++;
        }
    }
    hr_verdict_free(rc->verdict);
    rc->verdict = NULL;
    hr_free(rc->diff);
    rc->diff = NULL;
    hr_free(rc->left_finding);
    hr_free(rc->right_finding);
    rc->left_finding = rc->right_finding = NULL;
    if ((error = hr_verdict_compute(&rc->verdict, cells, n, background)) < 0)
        goto done;
    if (rc->verdict->kind == HR_REAL_BUG) {
        char *observed = hr_evidence_expectation(rc->c, cells[0].obs[0]);

        error = hr_evidence_diff(&rc->diff, rc->expected, "expected",
                                 observed, cells[0].build);
        hr_free(observed);
    } else if (rc->verdict->kind != HR_PASS && rc->verdict->left_cell >= 0) {
        const hr_verdict *v = rc->verdict;
        char *l = hr_sprintf("%s rep %d", v->left, v->left_rep + 1);
        char *r = hr_sprintf("%s rep %d", v->right, v->right_rep + 1);
        const hr_rep *lrep = &run->cases[ci].cells[cell_index[v->left_cell]]
                                  .reps[v->left_rep];
        const hr_rep *rrep = &run->cases[ci].cells[cell_index[v->right_cell]]
                                  .reps[v->right_rep];

        error = hr_evidence_diff(&rc->diff, lrep->obs, l, rrep->obs, r);
        if (lrep->first_finding)
            rc->left_finding = hr_strdup(lrep->first_finding);
        if (rrep->first_finding)
            rc->right_finding = hr_strdup(rrep->first_finding);
        hr_free(l);
        hr_free(r);
    }
    if (rc->diff == NULL)
        rc->diff = hr_strdup("");
done:
    for (size_t i = 0; i < n; i++) {
        hr_free(obs[i]);
        hr_free(ok[i]);
    }
    hr_free(obs);
    hr_free(ok);
    hr_free(cells);
    hr_free(cell_index);
    return error;
}

/* grow_builds - room for more builds; new cells start skipped */
static void grow_builds(hr_run *run, size_t more)
{
    size_t old = run->nbuilds, nb = old + more;

    run->builds = hr_realloc(run->builds, nb * sizeof(hr_build *));
    run->build_cached = hr_realloc(run->build_cached, nb * sizeof(int));
    for (size_t b = old; b < nb; b++) {
        run->builds[b] = NULL;
        run->build_cached[b] = 0;
    }
    for (size_t ci = 0; ci < run->ncases; ci++) {
        hr_run_case *rc = &run->cases[ci];

        rc->cells = hr_realloc(rc->cells,
                               nb * run->nlibenvs * sizeof(hr_run_cell));
        for (size_t b = old; b < nb; b++) {
            for (size_t e = 0; e < run->nlibenvs; e++) {
                hr_run_cell *cell = &rc->cells[b * run->nlibenvs + e];

                cell->build = b;
                cell->libenv = e;
                cell->skipped = 1;
                cell->reps = hr_calloc((size_t)run->reps, sizeof(hr_rep));
            }
        }
    }
    run->nbuilds = nb;
}

/* iso_now - the start time for the report */
static char *iso_now(void)
{
    char buf[32];
    time_t now = time(NULL);

    strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", gmtime(&now));
    return hr_strdup(buf);
}

/* has_ub_check - the run already has a UB-check build */
static int has_ub_check(const hr_run *run)
{
    for (size_t b = 0; b < run->nbuilds; b++)
        if (run->builds[b]->ub_check)
            return 1;
    return 0;
}

/* find_cell - the build and libenv of a cell label "VARIANT/LIBENV" */
static int find_cell(const hr_run *run, const char *label, size_t *b, size_t *e)
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

/* escalate_all - the ladder for every case whose builds or libenvs
 * disagree: compiler, undefined-behavior and library verdicts */
static int escalate_all(hr_run *run, const hr_runner_opts *o)
{
    int error = 0;

    for (size_t i = 0; i < run->ncases && error == 0; i++) {
        hr_run_case *rc = &run->cases[i];
        const hr_verdict *v = rc->verdict;
        hr_escalate_opts eo;
        size_t lb, le, rb, re;
        char *dir;

        if ((v->kind != HR_COMPILER && v->kind != HR_UB &&
             v->kind != HR_LIBRARY) ||
            v->left == NULL || v->right == NULL ||
            find_cell(run, v->left, &lb, &le) < 0 ||
            find_cell(run, v->right, &rb, &re) < 0)
            continue;
        if (hr_interrupted())
            return hr_error_set(HR_EINTR, "interrupted");
        say(o, "escalating %s: %s against %s", rc->c->name, v->left, v->right);
        dir = hr_sprintf("%s/escalation/%s", run->out_dir, rc->c->name);
        memset(&eo, 0, sizeof(eo));
        eo.c = rc->c;
        eo.left.label = v->left;
        eo.left.build = run->builds[lb];
        eo.left.libenv = &run->libenvs[le].env;
        eo.right.label = v->right;
        eo.right.build = run->builds[rb];
        eo.right.libenv = &run->libenvs[re].env;
        eo.run_dir = run->out_dir;
        eo.dir = dir;
        if ((error = hr_escalate(&rc->escalation, &eo)) < 0)
            error = hr_error_set(error, "escalating %s: %s", rc->c->name,
                                 hr_error_last());
        hr_free(dir);
    }
    return error;
}

/* hr_runner_run - the main job */
int hr_runner_run(hr_run **out, const hr_runner_opts *o)
{
    static const char *const default_variants[] = {"O0", "default", "O2"};
    static const char *const ub_variants[] = {"ubsan", "wrapv"};
    hr_run *run = hr_calloc(1, sizeof(*run));
    hr_case **cases = NULL;
    const char **variants = NULL;
    hr_strv background = HR_STRV_INIT;
    size_t nvariants, ncases = 0;
    double t0 = hr_clock_s();
    int error;

    *out = run;
    run->id = hr_clock_id();
    run->started = iso_now();
    run->command = hr_strdup(o->command ? o->command : "pfharness run");
    run->reps = o->reps > 0 ? o->reps : 3;
    run->out_dir = o->out_dir ? hr_path_abs(o->out_dir)
                              : hr_path_join(hr_runs_root(), run->id);
    hr_machine_read(&run->machine, HR_MACHINE_ROOT);

    /* Cases first: a malformed case stops the run before any build. */
    if (o->case_args.n > 0)
        error = hr_case_load_all(&cases, &ncases,
                                 (const char *const *)o->case_args.v,
                                 o->case_args.n);
    else {
        const char *dir = hr_cases_dir();

        error = hr_case_load_all(&cases, &ncases, &dir, 1);
    }
    if (error < 0)
        goto done;
    if (ncases == 0) {
        error = hr_error_set(HR_EINPUT, "no cases to run");
        goto done;
    }

    /* Library environments: plain first, then the ones asked for. */
    run->nlibenvs = 1 + o->nlibenvs;
    run->libenvs = hr_calloc(run->nlibenvs, sizeof(hr_libenv));
    run->libenvs[0].name = hr_strdup(HR_LIBENV_PLAIN);
    for (size_t i = 0; i < o->nlibenvs; i++) {
        for (size_t j = 0; j <= i; j++) {
            if (strcmp(o->libenvs[i].name, run->libenvs[j].name) == 0) {
                error = hr_error_set(HR_EINPUT, "libenv name '%s' is used "
                                     "twice ('plain' is the plain "
                                     "environment)", o->libenvs[i].name);
                goto done;
            }
        }
        run->libenvs[i + 1].name = hr_strdup(o->libenvs[i].name);
        hr_strv_addv(&run->libenvs[i + 1].env, &o->libenvs[i].env);
    }

    /* Builds. */
    nvariants = o->variants.n ? o->variants.n : 3;
    variants = hr_calloc(nvariants, sizeof(char *));
    for (size_t i = 0; i < nvariants; i++) {
        variants[i] = o->variants.n ? o->variants.v[i] : default_variants[i];
        for (size_t j = 0; j < i; j++)
            if (strcmp(variants[i], variants[j]) == 0) {
                error = hr_error_set(HR_EINPUT, "variant '%s' is listed "
                                     "twice; use NAME@LABEL for a replica",
                                     variants[i]);
                goto done;
            }
    }
    run->ncases = ncases;
    run->cases = hr_calloc(ncases, sizeof(hr_run_case));
    for (size_t i = 0; i < ncases; i++) {
        run->cases[i].c = cases[i];
        run->cases[i].expected = hr_caserun_expected(cases[i]);
    }
    grow_builds(run, nvariants);
    if ((error = build_all(run, o, variants, nvariants, 0)) < 0)
        goto done;
    run->source_commit = hr_strdup(run->builds[0]->source_commit);
    run->source_tree = hr_strdup(run->builds[0]->source_tree);
    run->source_version = hr_strdup(run->builds[0]->source_version);
    for (size_t b = 0; b < run->nbuilds; b++) {
        char *id = hr_sprintf("%s (%s)", run->builds[b]->cc_version,
                              run->builds[b]->cc_path);

        if (hr_strv_find(&run->machine.compilers, id) < 0)
            hr_strv_add(&run->machine.compilers, id);
        hr_free(id);
        if (strcmp(run->builds[b]->source_tree, run->source_tree) != 0) {
            error = hr_error_set(HR_EINPUT, "builds of one run must share "
                                 "their source");
            goto done;
        }
    }

    /* Replay everything everywhere, then judge. */
    if ((error = hr_mkdir_p(run->out_dir, 0755)) < 0)
        goto done;
    /* The cases as they ran, inside the run: a bundle reads nothing
     * outside it. */
    for (size_t i = 0; i < ncases && error == 0; i++) {
        char *to = hr_sprintf("%s/cases/%s.case", run->out_dir,
                              cases[i]->name);
        char *parent = hr_path_dirname(to);

        if ((error = hr_mkdir_p(parent, 0755)) == 0)
            error = hr_file_copy(cases[i]->path, to, 0644);
        hr_free(parent);
        hr_free(to);
    }
    if (error < 0 || (error = replay_all(run, o, cases, NULL, 0)) < 0)
        goto done;
    sanitizer_background(&background, run);
    for (size_t i = 0; i < ncases && error == 0; i++)
        error = judge(run, i, &background);
    if (error < 0)
        goto done;

    /* --ub-check: UB-check builds for the divergent cases. */
    if (o->ub_check && !has_ub_check(run)) {
        int *mask = hr_calloc(ncases, sizeof(int));
        size_t ndiv = 0, b0 = run->nbuilds;

        for (size_t i = 0; i < ncases; i++)
            if (run->cases[i].verdict->kind == HR_COMPILER)
                mask[i] = 1, ndiv++;
        if (ndiv > 0) {
            const char *uv[2] = {ub_variants[0], ub_variants[1]};

            say(o, "divergence: adding ubsan and wrapv");
            grow_builds(run, 2);
            if ((error = build_all(run, o, uv, 2, b0)) == 0 &&
                (error = replay_all(run, o, cases, mask, b0)) == 0) {
                /* Only the divergent cases ran on the new builds: what
                 * they all show is not background there. */
                hr_strv_release(&background);
                sanitizer_background(&background, run);
                for (size_t i = 0; i < ncases && error == 0; i++)
                    if (mask[i])
                        error = judge(run, i, &background);
            }
        }
        hr_free(mask);
        if (error < 0)
            goto done;
    }

    /* --escalate: DEBUG_README's ladder on both sides of a divergence. */
    if (o->escalate && (error = escalate_all(run, o)) < 0)
        goto done;

    run->exit_code = 0;
    for (size_t i = 0; i < ncases; i++)
        if (run->cases[i].verdict->kind != HR_PASS)
            run->exit_code = 1;
done:
    hr_machine_edac_after(&run->machine, HR_MACHINE_ROOT);
    run->seconds = hr_clock_s() - t0;
    if (error < 0)
        run->exit_code = 2;
    hr_free(variants);
    hr_strv_release(&background);
    /* The run keeps the cases: hr_run_free() frees them. */
    if (run->cases == NULL)
        hr_case_free_all(cases, ncases);
    else
        hr_free(cases);
    return error;
}

/* hr_run_free - release; NULL is fine */
void hr_run_free(hr_run *run)
{
    if (run == NULL)
        return;
    for (size_t ci = 0; ci < run->ncases; ci++) {
        hr_run_case *rc = &run->cases[ci];

        for (size_t k = 0; rc->cells && k < run->nbuilds * run->nlibenvs;
             k++) {
            for (int r = 0; r < run->reps; r++) {
                hr_rep *rep = &rc->cells[k].reps[r];

                hr_obs_free(rep->model);
                hr_free(rep->obs);
                hr_free(rep->obs_file);
                hr_free(rep->mismatch);
                hr_free(rep->first_finding);
            }
            hr_free(rc->cells[k].reps);
        }
        hr_free(rc->cells);
        hr_verdict_free(rc->verdict);
        hr_free(rc->diff);
        hr_free(rc->expected);
        hr_free(rc->left_finding);
        hr_free(rc->right_finding);
        hr_escalation_free(rc->escalation);
        hr_case_free((hr_case *)rc->c);
    }
    hr_free(run->cases);
    for (size_t b = 0; b < run->nbuilds; b++)
        hr_build_free(run->builds[b]);
    hr_free(run->builds);
    hr_free(run->build_cached);
    for (size_t e = 0; e < run->nlibenvs; e++)
        hr_libenv_release(&run->libenvs[e]);
    hr_free(run->libenvs);
    hr_machine_release(&run->machine);
    hr_free(run->id);
    hr_free(run->out_dir);
    hr_free(run->command);
    hr_free(run->started);
    hr_free(run->source_commit);
    hr_free(run->source_tree);
    hr_free(run->source_version);
    hr_free(run);
}

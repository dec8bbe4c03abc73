/*
 * NAME
 *	narrow/trial 3
 * SUMMARY
 *	one case on one build, run twice, judged against two sides
 * SYNOPSIS
 *	#include "narrow/trial.h"
 *
 *	int	hr_trial_new(out, opts)
 *	void	hr_trial_free(t)
 *	int	hr_trial_observe(out, t, build, extra)
 *	void	hr_trial_run_release(r)
 *	void	hr_trial_set_sides(t, good_obs, bad_obs)
 *	int	hr_trial_sides_differ(t)
 *	hr_outcome hr_trial_classify(t, run)
 *	int	hr_trial_judge(out, t, build, run)
 *	void	hr_trial_keep(t, keep)
 *	int	hr_trial_count(t)
 * DESCRIPTION
 *	Narrowing asks one question many times: does this build behave as
 *	the good one or as the bad one on this case? A trial starts a
 *	private instance of the build (configured from the case, as replay
 *	does), runs the case opts->reps times (2 by default), stops the
 *	instance and compares.
 *
 *	hr_trial_observe() returns each run's observation and raw maillog
 *	lines. Sanitizer findings are evidence, not behaviour (verdict(3)):
 *	they are collected in run->ub, and the runs are compared without
 *	them. Runs that differ make the trial flaky.
 *
 *	hr_trial_set_sides() records what the good and the bad side
 *	observed (from the builds themselves); hr_trial_classify() says
 *	which of them a trial's runs equal: HR_OUTCOME_GOOD, HR_OUTCOME_BAD,
 *	HR_OUTCOME_OTHER for neither, HR_OUTCOME_FLAKY when its runs differ.
 *	hr_trial_judge() is observe and classify in one.
 *
 *	Instance directories are removed after each trial unless
 *	hr_trial_keep() says otherwise.
 * DIAGNOSTICS
 *	A negative return means the instance failed (it would not start,
 *	its master died), with hr_error_set(); behaviour is never an error.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "replay/caserun.h"
#include "replay/funcrun.h"
#include "util/cleanup.h"
#include "util/clock.h"
#include "util/fsutil.h"
#include "instance/instance.h"
#include "util/mem.h"
#include "util/msg.h"
#include "instance/netns.h"
#include "narrow/trial.h"

struct hr_trial {
    const hr_case *c;
    char *dir;
    const hr_strv *libenv;
    int reps;
    int seq;
    int keep;
    char *good, *bad; /* the sides, sanitizer sections stripped */
};

/* hr_trial_new - a case and where its instances go */
int hr_trial_new(hr_trial **out, const hr_trial_opts *o)
{
    hr_trial *t;
    int error;

    *out = NULL;
    if ((error = hr_mkdir_p(o->dir, 0755)) < 0)
        return error;
    t = hr_calloc(1, sizeof(*t));
    t->c = o->c;
    t->dir = hr_path_abs(o->dir);
    t->libenv = o->libenv;
    t->reps = o->reps > 0 ? o->reps : 2;
    *out = t;
    return 0;
}

/* hr_trial_free - release; NULL is fine */
void hr_trial_free(hr_trial *t)
{
    if (t == NULL)
        return;
    hr_free(t->dir);
    hr_free(t->good);
    hr_free(t->bad);
    hr_free(t);
}

/* hr_trial_keep - keep instance directories */
void hr_trial_keep(hr_trial *t, int keep)
{
    t->keep = keep;
}

/* hr_trial_count - trials observed so far */
int hr_trial_count(const hr_trial *t)
{
    return t->seq;
}

/* hr_trial_run_release - free */
void hr_trial_run_release(hr_trial_run *r)
{
    for (int i = 0; i < r->reps; i++) {
        hr_obs_free(r->models ? r->models[i] : NULL);
        hr_free(r->obs ? r->obs[i] : NULL);
        hr_free(r->logs ? r->logs[i] : NULL);
    }
    hr_free(r->models);
    hr_free(r->obs);
    hr_free(r->logs);
    hr_free(r->instance_dir);
    hr_strv_release(&r->ub);
    memset(r, 0, sizeof(*r));
}

/* Daemons that master starts for a case and that exit once they served
 * it (max_use = 1). bounce, pickup and qmgr live on, and so does
 * trivial-rewrite while qmgr keeps its connection. */
static const char *const per_case[] = {
    "smtpd", "cleanup", "local",   "virtual", "smtp",
    "lmtp",  "error",   "discard", "pipe",    NULL,
};

/* busy - a per-case daemon (or only smtpd) still runs in the namespace */
static int busy(const char *ns, int smtpd_only)
{
    hr_strv pids = HR_STRV_INIT;
    int found = 0;

    if (hr_netns_pids(&pids, ns) < 0) {
        hr_error_clear();
        return 0;
    }
    for (size_t i = 0; i < pids.n && !found; i++) {
        char path[64], comm[64];
        FILE *fp;

        snprintf(path, sizeof(path), "/proc/%s/comm", pids.v[i]);
        if ((fp = fopen(path, "r")) == NULL)
            continue;
        if (fgets(comm, sizeof(comm), fp)) {
            comm[strcspn(comm, "\n")] = 0;
            for (const char *const *d = per_case; *d && !found; d++)
                found = strcmp(comm, *d) == 0 &&
                        (!smtpd_only || strcmp(comm, "smtpd") == 0);
            if (found && hr_verbose > 1)
                hr_msg_info("trial: waiting for %s, pid %s", comm, pids.v[i]);
        }
        fclose(fp);
    }
    hr_strv_release(&pids);
    return found;
}

/* quiet - wait, bounded, until busy() says no */
static void quiet(const char *ns, int smtpd_only, int timeout_ms)
{
    struct timespec tick = {0, 20 * 1000 * 1000};

    for (int waited = 0; busy(ns, smtpd_only) && waited < timeout_ms;
         waited += 20)
        nanosleep(&tick, NULL);
}

/* hr_trial_observe - start an instance of b, run the case, stop */
int hr_trial_observe(hr_trial_run *out, hr_trial *t, const hr_build *b,
                     const hr_trial_extra *x)
{
    hr_instance_opts io = HR_INSTANCE_OPTS_INIT;
    hr_instance *in = NULL;
    char *ns;
    double t0 = hr_clock_s();
    int error, e;

    memset(out, 0, sizeof(*out));
    t->seq++;
    out->instance_dir =
        hr_sprintf("%s/%s%d", t->dir, x && x->tag ? x->tag : "t", t->seq);
    ns = hr_netns_name();
    out->models = hr_calloc((size_t)t->reps, sizeof(hr_obs *));
    out->obs = hr_calloc((size_t)t->reps, sizeof(char *));
    out->logs = hr_calloc((size_t)t->reps, sizeof(char *));
    out->reps = t->reps;
    /* A func case needs no instance: a probe per rep (funcrun(3)). */
    if (t->c->kind == HR_CASE_FUNC) {
        error = x ? hr_error_set(HR_EINPUT, "a func case has no daemons to "
                                 "escalate") : 0;
        for (int r = 0; r < t->reps && error == 0; r++) {
            hr_caserun_result res;
            char *dir = hr_sprintf("%s/r%d", out->instance_dir, r + 1);

            if (hr_interrupted())
                error = hr_error_set(HR_EINTR, "interrupted");
            else if ((error = hr_funcrun(&res, b, t->libenv, t->c, dir)) < 0)
                error = hr_error_set(error, "%s on %s: %s", t->c->name,
                                     b->variant, hr_error_last());
            hr_free(dir);
            if (error < 0)
                break;
            out->models[r] = res.model;
            out->obs[r] = res.obs;
            out->logs[r] = res.log;
            res.model = NULL;
            res.obs = res.log = NULL;
            hr_caserun_result_release(&res);
        }
        if (error == 0)
            for (int r = 1; r < t->reps; r++)
                if (strcmp(hr_obs_behaviour(out->models[0]),
                           hr_obs_behaviour(out->models[r])) != 0)
                    out->flaky = 1;
        goto done;
    }
    hr_instance_opts_from_case(&io, b, out->instance_dir, ns, t->libenv,
                               t->c);
    if (x) {
        io.service_args = x->service_args;
        io.extra_main = x->extra_main;
        io.writable = x->writable;
    }
    if ((error = hr_instance_start(&in, &io)) < 0)
        goto done;
    for (int r = 0; r < t->reps && error == 0; r++) {
        hr_caserun_result res;

        if (hr_interrupted()) {
            error = hr_error_set(HR_EINTR, "interrupted");
            break;
        }
        /* Escalation compares whole verbose logs: the smtpd of the
         * start-up probe must have said its last before the case, and
         * the case's daemons theirs before its log is taken. */
        if (x && x->quiesce) {
            quiet(ns, 1, 2000);
            if ((error = hr_instance_log_mark(in, NULL)) < 0)
                break;
        }
        if ((error = hr_caserun(&res, in, t->c)) < 0) {
            error = hr_error_set(error, "%s on %s: %s", t->c->name, b->variant,
                                 hr_error_last());
            break;
        }
        if (x && x->quiesce) {
            hr_buf more = HR_BUF_INIT;

            quiet(ns, 0, 3000);
            error = hr_instance_log_mark(in, &more);
            if (error == 0 && more.len) {
                char *all = hr_sprintf("%s%s", res.log ? res.log : "",
                                       hr_buf_cstr(&more));

                hr_free(res.log);
                res.log = all;
            }
            hr_buf_release(&more);
            if (error < 0) {
                hr_caserun_result_release(&res);
                break;
            }
        }
        for (size_t k = 0; k < hr_obs_ub(res.model)->n; k++)
            if (hr_strv_find(&out->ub, hr_obs_ub(res.model)->v[k]) < 0)
                hr_strv_add(&out->ub, hr_obs_ub(res.model)->v[k]);
        out->models[r] = res.model;
        out->obs[r] = res.obs;
        out->logs[r] = res.log;
        res.model = NULL;
        res.obs = res.log = NULL;
        hr_caserun_result_release(&res);
    }
    if ((e = hr_instance_stop(in)) < 0 && error == 0)
        error = e;
    if (error == 0)
        for (int r = 1; r < t->reps; r++)
            if (strcmp(hr_obs_behaviour(out->models[0]),
                       hr_obs_behaviour(out->models[r])) != 0)
                out->flaky = 1;
done:
    hr_instance_free(in);
    if (!t->keep)
        hr_rm_rf(out->instance_dir);
    out->seconds = hr_clock_s() - t0;
    hr_free(ns);
    return error;
}

/* hr_trial_set_sides - what the good and the bad side observed */
void hr_trial_set_sides(hr_trial *t, const hr_obs *good, const hr_obs *bad)
{
    hr_free(t->good);
    hr_free(t->bad);
    t->good = hr_strdup(hr_obs_behaviour(good));
    t->bad = hr_strdup(hr_obs_behaviour(bad));
}

/* hr_trial_sides_differ - the good and the bad side are not the same */
int hr_trial_sides_differ(const hr_trial *t)
{
    return t->good && t->bad && strcmp(t->good, t->bad) != 0;
}

/* hr_trial_classify - good, bad, other or flaky */
hr_outcome hr_trial_classify(const hr_trial *t, const hr_trial_run *r)
{
    const char *obs;

    if (r->flaky)
        return HR_OUTCOME_FLAKY;
    if (t->good == NULL || t->bad == NULL)
        hr_panic("hr_trial_classify: the sides are not set");
    obs = hr_obs_behaviour(r->models[0]);
    return strcmp(obs, t->good) == 0  ? HR_OUTCOME_GOOD
           : strcmp(obs, t->bad) == 0 ? HR_OUTCOME_BAD
                                      : HR_OUTCOME_OTHER;
}

/* hr_trial_judge - observe and classify */
int hr_trial_judge(hr_outcome *out, hr_trial *t, const hr_build *b,
                   hr_trial_run *run)
{
    int error;

    if ((error = hr_trial_observe(run, t, b, NULL)) < 0)
        return error;
    *out = hr_trial_classify(t, run);
    return 0;
}

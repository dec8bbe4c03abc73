/*
 * NAME
 *	narrow/bisection 3
 * SUMMARY
 *	what every kind of bisection shares: sides, builds, steps, record
 * SYNOPSIS
 *	#include "narrow/bisection.h"
 *
 *	int	hr_bisection_init(x, opts)
 *	void	hr_bisection_release(x)
 *	int	hr_bisection_finish(x, exit_status)
 *
 *	void	hr_bisection_out(x, fmt, ...)
 *	void	hr_bisection_flaky(x, what)
 *	int	hr_bisection_sides(x, good_label, good, bad_label, bad)
 *	int	hr_bisection_build(out, variant, source, cc, extra_opt)
 *	void	hr_bisection_step(x, phase, what, outcome, secs, relinked,
 *		    replayed, note)
 *	int	hr_bisection_save_obs(x, name, obs)
 *	char	*hr_bisection_save_run(x, run, outcome)
 * DESCRIPTION
 *	The context of one bisection (objects(3), flags(3), commits(3)):
 *	the one case, the record directory (opts->out_dir, default
 *	var/runs/bisect-ID) with KIND.json, KIND.log and a copy of the
 *	case, the work directory var/bisect/ID (removed by
 *	hr_bisection_release() unless opts->keep), and the trial that
 *	replays builds opts->reps times. hr_bisection_release() may be
 *	called after a failed hr_bisection_init().
 *
 *	The drivers never print. Each line of results goes through
 *	hr_bisection_out() to opts->line (the caller prints it, or not)
 *	and into KIND.log. hr_bisection_step() numbers a trial, records
 *	it under "steps" and reports it as a line.
 *
 *	hr_bisection_sides() observes the good and the bad build: 0 when
 *	they differ (the trial then judges against them), 1 when the
 *	bisection cannot go on (a side flapped, or they behave the same),
 *	with the reason reported and recorded.
 *
 *	hr_bisection_finish() records counts, wall time and the caller's
 *	exit status, and writes KIND.json.
 * DIAGNOSTICS
 *	Functions that return int return a negative code on failure, with
 *	the reason in hr_error_last(). hr_bisection_save_run() returns the
 *	saved file's name (the caller frees it) or NULL.
 * SEE ALSO
 *	trial(3), record(3), cmd_bisect(1).
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "narrow/bisection.h"
#include "util/clock.h"
#include "util/fsutil.h"
#include "util/mem.h"
#include "util/msg.h"
#include "util/paths.h"

/* hr_bisection_out - one line of results, to the callback and the log */
void hr_bisection_out(hr_bisection *x, const char *fmt, ...)
{
    va_list ap;
    char *line;

    va_start(ap, fmt);
    line = hr_vsprintf(fmt, ap);
    va_end(ap);
    if (x->line)
        x->line(line, x->payload);
    if (x->rec)
        hr_record_log(x->rec, "%s", line);
    hr_free(line);
}

/* hr_bisection_init - the case, the directories, the record, the trial */
int hr_bisection_init(hr_bisection *x, const hr_bisection_opts *o)
{
    hr_trial_opts to = HR_TRIAL_OPTS_INIT;
    const char *case_path = o->case_path;
    char *inst;
    int error;

    memset(x, 0, sizeof(*x));
    x->kind = o->kind;
    x->reps = o->reps;
    x->keep = o->keep;
    x->line = o->line;
    x->payload = o->payload;
    x->t0 = hr_clock_s();
    if (o->libenv) {
        if ((error = hr_libenv_parse(&x->env, o->libenv)) < 0)
            return error;
        x->has_env = 1;
    }
    /* Bisections compare builds with each other, never with a golden:
     * no version overlays. */
    if ((error = hr_case_load_all(&x->cases, &x->ncases, &case_path, 1,
                                  NULL)) < 0)
        return error;
    if (x->ncases != 1)
        return hr_error_set(HR_EINPUT,
                            "--case '%s' holds %zu cases; a "
                            "bisection follows one",
                            case_path, x->ncases);
    x->c = x->cases[0];
    x->id = hr_clock_id();
    x->out_dir = o->out_dir ? hr_path_abs(o->out_dir)
                            : hr_sprintf("%s/bisect-%s", hr_runs_root(), x->id);
    x->work = hr_sprintf("%s/bisect/%s", hr_var_dir(), x->id);
    if ((error = hr_mkdir_p(x->out_dir, 0755)) < 0 ||
        (error = hr_mkdir_p(x->work, 0755)) < 0)
        return error;
    hr_record_new(&x->rec, o->kind, x->out_dir);
    hr_record_set_str(x->rec, "id", x->id);
    hr_record_set_str(x->rec, "command", o->command);
    hr_record_set_str(x->rec, "case.name", x->c->name);
    hr_record_set_str(x->rec, "case.path", x->c->path);
    hr_record_set_str(x->rec, "case.file", "case.case");
    if (x->has_env) {
        hr_record_set_str(x->rec, "libenv.name", x->env.name);
        hr_record_set_strv(x->rec, "libenv.env", &x->env.env);
    }
    hr_record_set_int(x->rec, "reps", x->reps);
    {
        char *copy = hr_path_join(x->out_dir, "case.case");

        error = hr_file_copy(x->c->path, copy, 0644);
        hr_free(copy);
        if (error < 0)
            return error;
    }
    inst = hr_path_join(x->work, "instances");
    to.c = x->c;
    to.dir = inst;
    to.libenv = x->has_env ? &x->env.env : NULL;
    to.reps = x->reps;
    error = hr_trial_new(&x->trial, &to);
    if (error == 0)
        hr_trial_keep(x->trial, x->keep);
    hr_free(inst);
    return error;
}

/* hr_bisection_release - free; the work directory goes unless keep */
void hr_bisection_release(hr_bisection *x)
{
    if (x->work && !x->keep)
        hr_rm_rf(x->work);
    hr_trial_free(x->trial);
    hr_record_free(x->rec);
    hr_case_free_all(x->cases, x->ncases);
    if (x->has_env)
        hr_libenv_release(&x->env);
    hr_free(x->id);
    hr_free(x->out_dir);
    hr_free(x->work);
    hr_obs_free(x->good_obs);
    hr_obs_free(x->bad_obs);
}

/* hr_bisection_flaky - the lines for a trial that did not reproduce */
void hr_bisection_flaky(hr_bisection *x, const char *what)
{
    hr_bisection_out(
        x,
        "hardware: %s gave different observations in runs of the same "
        "binary on the same input",
        what);
    hr_bisection_out(
        x, "no culprit named: DEBUG_README's sign of a hardware fault (or "
           "a race); a bisection needs a behaviour that reproduces");
    hr_record_set_str(x->rec, "result.status", "flaky");
    hr_record_set_str(x->rec, "result.message", "a trial did not reproduce");
}

/* hr_bisection_save_obs - an observation into the record's directory */
int hr_bisection_save_obs(hr_bisection *x, const char *name, const char *obs)
{
    char *path = hr_path_join(x->out_dir, name);
    int error = hr_file_write_atomic(path, obs, strlen(obs), 0644);

    hr_free(path);
    return error;
}

/* hr_bisection_sides - observe the good and the bad build; 1 when the bisection
 * cannot go on (flaky, or no divergence), with the reason printed */
int hr_bisection_sides(hr_bisection *x, const char *good_label,
                       const hr_build *good, const char *bad_label,
                       const hr_build *bad)
{
    hr_trial_run run;
    int error;

    for (int side = 0; side < 2; side++) {
        const hr_build *b = side ? bad : good;
        const char *label = side ? bad_label : good_label;
        double t0 = hr_clock_s();

        if ((error = hr_trial_observe(&run, x->trial, b, NULL)) < 0)
            return error;
        x->replays++;
        hr_bisection_out(x, "%s side: %s (build %s) observed %d times, %.1f s",
                         side ? "bad" : "good", label, b->id, run.reps,
                         hr_clock_s() - t0);
        if (run.flaky) {
            char *what =
                hr_sprintf("the %s side (%s)", side ? "bad" : "good", label);

            hr_bisection_save_obs(x, side ? "bad.1.txt" : "good.1.txt",
                                  run.obs[0]);
            hr_bisection_save_obs(x, side ? "bad.2.txt" : "good.2.txt",
                                  run.obs[1]);
            hr_bisection_flaky(x, what);
            hr_free(what);
            hr_trial_run_release(&run);
            return 1;
        }
        if (side)
            x->bad_obs = run.models[0];
        else
            x->good_obs = run.models[0];
        run.models[0] = NULL;
        hr_trial_run_release(&run);
    }
    if ((error = hr_bisection_save_obs(x, "good.txt",
                                       hr_obs_text(x->good_obs))) < 0 ||
        (error = hr_bisection_save_obs(x, "bad.txt",
                                       hr_obs_text(x->bad_obs))) < 0)
        return error;
    hr_record_set_str(x->rec, "observations.good", "good.txt");
    hr_record_set_str(x->rec, "observations.bad", "bad.txt");
    hr_trial_set_sides(x->trial, x->good_obs, x->bad_obs);
    if (!hr_trial_sides_differ(x->trial)) {
        hr_bisection_out(x, "no divergence: %s and %s behave the same on %s",
                         good_label, bad_label, x->c->name);
        hr_record_set_str(x->rec, "result.status", "no-divergence");
        return 1;
    }
    return 0;
}

/* hr_bisection_build - build (or find cached) one variant */
int hr_bisection_build(hr_build **b, const char *variant, const char *source,
                       const char *cc, const char *extra_opt)
{
    hr_build_opts bo = HR_BUILD_OPTS_INIT;
    const char *blank = strchr(variant, ' ');
    char *name = NULL;
    int error;

    bo.variant = variant;
    bo.source = source;
    bo.cc = cc;
    bo.extra_opt = extra_opt;
    /* "O2 clang-15", as a compiler matrix names its builds: the variant
     * with that compiler */
    if (blank) {
        name = hr_strndup(variant, (size_t)(blank - variant));
        bo.variant = name;
        bo.cc = blank + 1 + strspn(blank + 1, " ");
        bo.label = variant;
    }
    error = hr_build_run(b, &bo);
    hr_free(name);
    return error;
}

/* hr_bisection_finish - timing, counts, the exit status into the record */
int hr_bisection_finish(hr_bisection *x, int exit_status)
{
    double secs = hr_clock_s() - x->t0;

    hr_record_set_int(x->rec, "counts.replays", x->replays);
    hr_record_set_int(x->rec, "counts.relinks", x->relinks);
    hr_record_set_num(x->rec, "seconds", secs);
    hr_record_set_int(x->rec, "exit", exit_status);
    return hr_record_write(x->rec);
}

/* hr_bisection_step - one step into the record and out as a line */
void hr_bisection_step(hr_bisection *x, const char *phase, const char *what,
                       hr_outcome outcome, double secs, long relinked,
                       int replayed, const char *note)
{
    char key[64];
    size_t k = hr_record_push(x->rec, "steps");

    x->steps++;
#define KEY(f) (snprintf(key, sizeof(key), "steps.%zu.%s", k, f), key)
    hr_record_set_int(x->rec, KEY("n"), x->steps);
    hr_record_set_str(x->rec, KEY("phase"), phase);
    hr_record_set_str(x->rec, KEY("what"), what);
    hr_record_set_str(x->rec, KEY("outcome"), hr_outcome_name(outcome));
    hr_record_set_num(x->rec, KEY("seconds"), secs);
    if (relinked >= 0)
        hr_record_set_int(x->rec, KEY("relinked"), relinked);
    hr_record_set_bool(x->rec, KEY("replayed"), replayed);
    if (note && *note)
        hr_record_set_str(x->rec, KEY("note"), note);
#undef KEY
    hr_bisection_out(x, "%3d  %-7s  %-5s  %5.1f s  %s%s%s", x->steps, phase,
                     hr_outcome_name(outcome), secs, what,
                     note && *note ? "; " : "", note ? note : "");
}

/* hr_bisection_save_run - a trial's observation(s), when worth a look */
char *hr_bisection_save_run(hr_bisection *x, const hr_trial_run *run,
                            hr_outcome o)
{
    char *name = NULL;

    if (o == HR_OUTCOME_OTHER) {
        name = hr_sprintf("step%d.other.txt", x->steps + 1);
        hr_bisection_save_obs(x, name, run->obs[0]);
    } else if (o == HR_OUTCOME_FLAKY) {
        char *second = hr_sprintf("step%d.run2.txt", x->steps + 1);

        name = hr_sprintf("step%d.run1.txt", x->steps + 1);
        hr_bisection_save_obs(x, name, run->obs[0]);
        hr_bisection_save_obs(x, second, run->obs[1]);
        hr_free(second);
    }
    return name;
}

/*
 * NAME
 *	run/confirm 3
 * SUMMARY
 *	rerun a flapping cell on each CPU in turn: hardware with numbers
 * SYNOPSIS
 *	#include "run/confirm.h"
 *
 *	int	hr_confirm_all(run, o)
 *	void	hr_confirm_free(c)
 *	double	hr_confirm_chance(k, n, control_differ, control_runs)
 * DESCRIPTION
 *	A cell whose repetitions differ is the signature of a hardware
 *	fault, or of a race. hr_confirm_all() reruns such a cell
 *	o->confirm more times on each CPU the run may use, one thread per
 *	CPU pinned there with sched_setaffinity() (master and every daemon
 *	inherit the mask), and runs a control: the same case, as many
 *	times, on a cell that did not flap (the same build under another
 *	libenv, else another build). It gives:
 *
 *	- the flap rate on each CPU: a faulty core reproduces on one core
 *	  and not on the others; a fault anywhere, on all;
 *	- the chance that the flaps are the harness's own artefact: the
 *	  probability of seeing at least as many differing runs if each
 *	  run differed with the control's rate (hr_confirm_chance());
 *	- the EDAC counters before and after the confirmation.
 *
 *	A run differs when its behaviour is not the reference: the
 *	control's, when the cell ever agrees with it, else the cell's most
 *	common one.
 *
 *	Randomness is judged across cases too: a fault that strikes at
 *	random half the time leaves 3 reps alike in one case of four. So
 *	when a cell flapped in some case, every compiler, library or
 *	undefined-behavior verdict that the same cell stands apart in is
 *	confirmed the same way before it is given; if the cell does not
 *	reproduce its own behaviour, the verdict becomes hardware and the
 *	old one is kept in "also".
 *
 *	The numbers go into the case's confirm record (report.json) and,
 *	as one line, into the verdict's flaps.
 * DIAGNOSTICS
 *	Negative returns are the harness's trouble, or HR_EINTR.
 */
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>

#include "run/confirm.h"
#include "run/machine.h"
#include "run/phases.h"
#include "instance/instance.h"
#include "instance/netns.h"
#include "replay/caserun.h"
#include "replay/funcrun.h"
#include "util/buf.h"
#include "util/cleanup.h"
#include "util/mem.h"
#include "util/msg.h"

#define MAX_CPUS 64

/* One CPU's share of a confirmation. */
struct lane {
    hr_run *run;
    const hr_run_case *rc;
    size_t build, libenv;
    int cpu;                /* -1: not pinned (the control) */
    int runs;
    char *dir;
    hr_strv seen;           /* each run's behaviour */
    int error;
    char why[512];
};

/* run_lane - start an instance (pinned), run the case lane->runs times */
static void *run_lane(void *arg)
{
    struct lane *l = arg;
    hr_run *run = l->run;
    const hr_build *bd = run->builds[l->build];
    hr_instance_opts io = HR_INSTANCE_OPTS_INIT;
    hr_instance *in = NULL;
    char *ns = hr_netns_name();

    if (l->cpu >= 0) {
        cpu_set_t set;

        CPU_ZERO(&set);
        CPU_SET(l->cpu, &set);
        /* this thread only; what it forks inherits the mask */
        if (sched_setaffinity(0, sizeof(set), &set) < 0) {
            l->error = hr_error_set(HR_ERROR, "cannot pin to CPU %d",
                                    l->cpu);
            goto done;
        }
    }
    /* A func case: a probe per run, pinned like the rest. */
    if (l->rc->c->kind == HR_CASE_FUNC) {
        for (int r = 0; r < l->runs && l->error == 0; r++) {
            hr_caserun_result res;
            char *dir = hr_sprintf("%s/r%d", l->dir, r + 1);
            int e = hr_interrupted()
                        ? hr_error_set(HR_EINTR, "interrupted")
                        : hr_funcrun(&res, bd, &run->libenvs[l->libenv].env,
                                     l->rc->c, dir);

            hr_free(dir);
            if (e < 0) {
                l->error = e;
                break;
            }
            hr_strv_add(&l->seen, hr_obs_behaviour(res.model));
            hr_caserun_result_release(&res);
        }
        goto done;
    }
    hr_instance_opts_from_case(&io, bd, l->dir, ns,
                               &run->libenvs[l->libenv].env, l->rc->c);
    for (int r = 0; r < l->runs && l->error == 0; r++) {
        hr_caserun_result res;
        int e;

        if (hr_interrupted()) {
            l->error = hr_error_set(HR_EINTR, "interrupted");
            break;
        }
        if (in == NULL && (e = hr_instance_start(&in, &io)) < 0) {
            if (hr_instance_start_why()[0] == 0) {
                l->error = e;
                break;
            }
            hr_strv_addf(&l->seen, "instance did not start: %s",
                         hr_instance_start_why());
            continue;
        }
        if ((e = hr_caserun(&res, in, l->rc->c)) < 0) {
            if (e == HR_EINTR || hr_interrupted()) {
                l->error = e;
                break;
            }
            hr_strv_add(&l->seen, "instance failed during the case");
            hr_instance_stop(in);
            hr_instance_free(in);
            in = NULL;
            continue;
        }
        hr_strv_add(&l->seen, hr_obs_behaviour(res.model));
        hr_caserun_result_release(&res);
    }
    if (in) {
        hr_instance_stop(in);
        hr_instance_free(in);
    }
done:
    if (l->error < 0)
        snprintf(l->why, sizeof(l->why), "%s", hr_error_last());
    hr_free(ns);
    return NULL;
}

/* count_differ - runs in seen whose behaviour is not ref */
static int count_differ(const hr_strv *seen, const char *ref)
{
    int n = 0;

    for (size_t i = 0; i < seen->n; i++)
        n += strcmp(seen->v[i], ref) != 0;
    return n;
}

/* most_common - the most common string of a, then b */
static const char *most_common(const hr_strv *a, const hr_strv *b)
{
    const char *best = NULL;
    size_t best_n = 0;

    for (int pass = 0; pass < 2; pass++) {
        const hr_strv *s = pass ? b : a;

        for (size_t i = 0; i < s->n; i++) {
            size_t n = 0;

            for (int q = 0; q < 2; q++) {
                const hr_strv *t = q ? b : a;

                for (size_t j = 0; j < t->n; j++)
                    n += strcmp(t->v[j], s->v[i]) == 0;
            }
            if (n > best_n)
                best = s->v[i], best_n = n;
        }
    }
    return best ? best : "";
}

/* hr_confirm_chance - P(X >= k) for X ~ Binomial(n, p), with p the
 * control's rate, (control_differ + 1/2) / (control_runs + 1): a control
 * that never differed still leaves a small rate possible */
double hr_confirm_chance(int k, int n, int control_differ, int control_runs)
{
    double p = (control_differ + 0.5) / (control_runs + 1.0);
    double pmf = 1.0, below = 0.0;

    if (k <= 0)
        return 1.0;
    if (p >= 1.0)
        return 1.0;
    for (int i = 0; i < n; i++)
        pmf *= 1.0 - p;                 /* P(X = 0) */
    for (int i = 0; i < k && i < n; i++) {
        below += pmf;
        pmf *= (double)(n - i) / (i + 1) * p / (1.0 - p);
    }
    return below >= 1.0 ? 0.0 : 1.0 - below;
}

/* cell_label - "VARIANT/LIBENV" */
static char *cell_label(const hr_run *run, size_t b, size_t e)
{
    return hr_sprintf("%s/%s", run->builds[b]->variant, run->libenvs[e].name);
}

/* cell_stable - a cell ran and its reps agree */
static int cell_stable(const hr_run *run, const hr_run_cell *c)
{
    if (c->skipped || run->reps < 1)
        return 0;
    for (int r = 1; r < run->reps; r++)
        if (strcmp(hr_obs_behaviour(c->reps[0].model),
                   hr_obs_behaviour(c->reps[r].model)) != 0)
            return 0;
    return 1;
}

/* pick_control - a stable cell of the case: the same build under
 * another libenv, else another build; -1 when none */
static long pick_control(const hr_run *run, const hr_run_case *rc, size_t b,
                         size_t e)
{
    for (int pass = 0; pass < 2; pass++)
        for (size_t k = 0; k < run->nbuilds * run->nlibenvs; k++) {
            const hr_run_cell *c = &rc->cells[k];

            if ((c->build == b && c->libenv == e) ||
                (pass == 0 && c->build != b) || !cell_stable(run, c))
                continue;
            return (long)k;
        }
    return -1;
}

/* edac_note - the counters before and after */
static char *edac_note(const hr_machine *m)
{
    hr_buf b = HR_BUF_INIT;

    if (m->nedac == 0)
        return hr_strdup("no EDAC");
    for (size_t i = 0; i < m->nedac; i++)
        hr_buf_printf(&b, "%s%s: ce %lld -> %lld, ue %lld -> %lld",
                      i ? "; " : "", m->edac[i].mc, m->edac[i].ce_before,
                      m->edac[i].ce_after, m->edac[i].ue_before,
                      m->edac[i].ue_after);
    return hr_buf_detach(&b);
}

/* confirm_cell - the confirmation of case rc on cell (b, e) */
static int confirm_cell(hr_confirm **out, hr_run *run, const hr_runner_opts *o,
                        const hr_run_case *rc, size_t b, size_t e)
{
    struct lane lanes[MAX_CPUS + 1];
    pthread_t tid[MAX_CPUS];
    cpu_set_t allowed;
    hr_machine m;
    hr_confirm *c = hr_calloc(1, sizeof(*c));
    hr_strv all = HR_STRV_INIT, main_reps = HR_STRV_INIT;
    const hr_run_cell *cell = &rc->cells[b * run->nlibenvs + e];
    long ctl = pick_control(run, rc, b, e);
    int nl = 0, error = 0, k = 0, n = 0;
    const char *ref;
    char *slug;

    *out = c;
    c->cell = cell_label(run, b, e);
    c->per_cpu = o->confirm;
    memset(lanes, 0, sizeof(lanes));
    memset(&m, 0, sizeof(m));
    hr_machine_read(&m, HR_MACHINE_ROOT);
    CPU_ZERO(&allowed);
    if (sched_getaffinity(0, sizeof(allowed), &allowed) < 0)
        CPU_SET(0, &allowed);
    for (int cpu = 0; cpu < CPU_SETSIZE && nl < MAX_CPUS; cpu++) {
        if (!CPU_ISSET(cpu, &allowed))
            continue;
        lanes[nl].cpu = cpu;
        lanes[nl].build = b;
        lanes[nl].libenv = e;
        lanes[nl].runs = o->confirm;
        slug = hr_build_slug(run->builds[b]->variant);
        lanes[nl].dir = hr_sprintf("%s/confirm/%s/%s.%s.cpu%d", run->out_dir,
                                   rc->c->name, slug, run->libenvs[e].name,
                                   cpu);
        hr_free(slug);
        nl++;
    }
    for (int i = 0; i < nl; i++) {
        lanes[i].run = run;
        lanes[i].rc = rc;
        pthread_create(&tid[i], NULL, run_lane, &lanes[i]);
    }
    for (int i = 0; i < nl; i++)
        pthread_join(tid[i], NULL);
    /* The control, unpinned, as many runs as one CPU's share. */
    if (ctl >= 0) {
        struct lane *l = &lanes[nl];

        l->run = run;
        l->rc = rc;
        l->cpu = -1;
        l->build = rc->cells[ctl].build;
        l->libenv = rc->cells[ctl].libenv;
        l->runs = o->confirm;
        l->dir = hr_sprintf("%s/confirm/%s/control", run->out_dir,
                            rc->c->name);
        run_lane(l);
        c->control = cell_label(run, l->build, l->libenv);
    }
    hr_machine_edac_after(&m, HR_MACHINE_ROOT);
    c->edac = edac_note(&m);
    for (int i = 0; i <= nl; i++)
        if (lanes[i].error < 0 && error == 0)
            error = hr_error_set(lanes[i].error, "confirming %s on %s: %s",
                                 rc->c->name, c->cell, lanes[i].why);
    if (error < 0)
        goto done;

    /* The reference: the control's behaviour when the cell ever shows
     * it, else the cell's most common one. */
    for (int r = 0; r < run->reps; r++)
        hr_strv_add(&main_reps, hr_obs_behaviour(cell->reps[r].model));
    for (int i = 0; i < nl; i++)
        hr_strv_addv(&all, &lanes[i].seen);
    ref = NULL;
    if (ctl >= 0) {
        const char *cref = hr_obs_behaviour(rc->cells[ctl].reps[0].model);

        if (hr_strv_find(&all, cref) >= 0 ||
            hr_strv_find(&main_reps, cref) >= 0)
            ref = cref;
        c->control_runs = (int)lanes[nl].seen.n;
        c->control_differ = count_differ(&lanes[nl].seen, cref);
    }
    if (ref == NULL)
        ref = cell_stable(run, cell) ? main_reps.v[0]
                                     : most_common(&main_reps, &all);
    c->ncpus = nl;
    c->cpu = hr_calloc((size_t)nl + 1, sizeof(int));
    c->runs = hr_calloc((size_t)nl + 1, sizeof(int));
    c->differ = hr_calloc((size_t)nl + 1, sizeof(int));
    for (int i = 0; i < nl; i++) {
        c->cpu[i] = lanes[i].cpu;
        c->runs[i] = (int)lanes[i].seen.n;
        c->differ[i] = count_differ(&lanes[i].seen, ref);
        k += c->differ[i];
        n += c->runs[i];
    }
    /* A stable cell that keeps its behaviour varies with nothing: 0.
     * Otherwise: differing from itself. */
    if (cell_stable(run, cell)) {
        c->varies = count_differ(&all, main_reps.v[0]) > 0;
    } else {
        c->varies = 1;
    }
    c->artefact_chance = ctl >= 0 ? hr_confirm_chance(k, n, c->control_differ,
                                                      c->control_runs)
                                  : -1.0;
done:
    for (int i = 0; i <= nl; i++) {
        hr_strv_release(&lanes[i].seen);
        hr_free(lanes[i].dir);
    }
    hr_strv_release(&all);
    hr_strv_release(&main_reps);
    hr_machine_release(&m);
    return error;
}

/* hr_confirm_line - the confirmation in one line */
char *hr_confirm_line(const hr_confirm *c)
{
    hr_buf b = HR_BUF_INIT;

    hr_buf_printf(&b, "confirmed %s with %d runs per CPU:", c->cell,
                  c->per_cpu);
    for (int i = 0; i < c->ncpus; i++)
        hr_buf_printf(&b, "%s cpu %d %d of %d differ", i ? "," : "",
                      c->cpu[i], c->differ[i], c->runs[i]);
    if (c->control)
        hr_buf_printf(&b, "; control %s %d of %d; chance of a harness "
                      "artefact %.2g", c->control, c->control_differ,
                      c->control_runs, c->artefact_chance);
    else
        hr_buf_puts(&b, "; no stable cell for a control");
    hr_buf_printf(&b, "; %s", c->edac);
    return hr_buf_detach(&b);
}

/* flapped_somewhere - the cell flapped in some case of the run */
static int flapped_somewhere(const hr_run *run, size_t b, size_t e)
{
    for (size_t ci = 0; ci < run->ncases; ci++)
        if (!run->cases[ci].cells[b * run->nlibenvs + e].skipped &&
            !cell_stable(run, &run->cases[ci].cells[b * run->nlibenvs + e]))
            return 1;
    return 0;
}

/* suspect_cell - a cell that a divergent verdict of case rc stands on
 * (stable here, and among the differing) and that flapped in some case;
 * 0 when found */
static int suspect_cell(const hr_run *run, const hr_run_case *rc,
                        const hr_verdict *v, size_t *b, size_t *e)
{
    for (size_t i = 0; i < v->differing.n; i++) {
        if (hr_phase_find_cell(run, v->differing.v[i], b, e) == 0) {
            if (cell_stable(run, &rc->cells[*b * run->nlibenvs + *e]) &&
                flapped_somewhere(run, *b, *e))
                return 0;
            continue;
        }
        /* library: libenv names */
        for (*e = 0; *e < run->nlibenvs; (*e)++) {
            if (strcmp(run->libenvs[*e].name, v->differing.v[i]) != 0)
                continue;
            for (*b = 0; *b < run->nbuilds; (*b)++)
                if (cell_stable(run, &rc->cells[*b * run->nlibenvs + *e]) &&
                    flapped_somewhere(run, *b, *e))
                    return 0;
        }
    }
    return -1;
}

/* hr_confirm_all - confirm every flap, and every divergence that rests
 * on a cell that flapped elsewhere */
int hr_confirm_all(hr_run *run, const hr_runner_opts *o)
{
    int error = 0;

    if (o->confirm <= 0)
        return 0;
    for (size_t ci = 0; ci < run->ncases && error == 0; ci++) {
        hr_run_case *rc = &run->cases[ci];
        hr_verdict *v = rc->verdict;
        size_t b = 0, e = 0;
        int divergence = 0, found = 0;

        /* A divergence first: does a cell it stands on reproduce
         * itself? Else the flap itself, for its numbers. */
        if ((v->kind == HR_COMPILER || v->kind == HR_LIBRARY ||
             v->kind == HR_UB) &&
            suspect_cell(run, rc, v, &b, &e) == 0)
            found = divergence = 1;
        for (size_t k = 0; k < run->nbuilds * run->nlibenvs && !found; k++)
            if (!rc->cells[k].skipped && !cell_stable(run, &rc->cells[k])) {
                b = rc->cells[k].build;
                e = rc->cells[k].libenv;
                found = 1;
            }
        if (!found)
            continue;
        hr_phase_say(o, "confirming %s on %s/%s", rc->c->name,
                     run->builds[b]->variant, run->libenvs[e].name);
        if ((error = confirm_cell(&rc->confirm, run, o, rc, b, e)) < 0)
            break;
        hr_strv_add_owned(&v->flaps, hr_confirm_line(rc->confirm));
        if (divergence && rc->confirm->varies) {
            /* The divergence rested on a cell that does not reproduce
             * itself: the same randomness, not the compiler. */
            rc->confirm->was = hr_strdup(hr_verdict_name(v->kind));
            hr_strv_add_owned(&v->also, hr_sprintf("was %s: %s",
                                                   hr_verdict_name(v->kind),
                                                   v->summary));
            v->kind = HR_HARDWARE;
            hr_free(v->summary);
            v->summary = hr_sprintf("%s stood apart in every rep, but did "
                                    "not reproduce itself when confirmed, "
                                    "and flapped in other cases: a "
                                    "hardware fault, or a race",
                                    rc->confirm->cell);
            hr_free(v->suspect);
            v->suspect = NULL;
        }
    }
    return error;
}

/* hr_confirm_free - release; NULL is fine */
void hr_confirm_free(hr_confirm *c)
{
    if (c == NULL)
        return;
    hr_free(c->cell);
    hr_free(c->control);
    hr_free(c->cpu);
    hr_free(c->runs);
    hr_free(c->differ);
    hr_free(c->edac);
    hr_free(c->was);
    hr_free(c);
}

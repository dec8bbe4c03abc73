/*
 * NAME
 *	report/json 3
 * SUMMARY
 *	report.json, the primary output of a run
 * SYNOPSIS
 *	#include "report/json.h"
 *
 *	int	hr_report_json_text(out, run)
 *	int	hr_report_write_json(run, path)
 *	char	*hr_report_edac_note(m)
 * DESCRIPTION
 *	hr_report_json_text() renders a run (run.h) as the text of
 *	report.json: a new string, free it with hr_free().
 *	hr_report_write_json() writes that text to path atomically.
 *	report.html and junit.xml are made from this text, read back by
 *	report(3), so that "pfharness report" can make them again later.
 *
 *	The output is deterministic: keys in the order below, cases in
 *	run order, cells build-major in run order, two-space indentation,
 *	a final newline. Durations have three decimals. Every string is
 *	valid UTF-8: bytes that are not (observations come from the wire)
 *	are replaced by U+FFFD; control characters are JSON escapes.
 *	A string that the run does not have is null.
 *
 *	hr_report_edac_note() returns the EDAC note (see "machine" below)
 *	as a new string.
 * SCHEMA "pfharness-report/1"
 *	{
 *	  "schema": "pfharness-report/1",
 *	  "run": {
 *	    "id", "command", "started" (ISO 8601, UTC),
 *	    "seconds", "build_seconds", "replay_seconds",
 *	    "case_runs" (replays and probes made), "batched_case_runs"
 *	    (of them, in batches whose material was divided), "batches",
 *	    "batches_one_by_one" (batches run again one by one),
 *	    "reps" (repetitions per cell), "out_dir",
 *	    "exit" (0 pass, 1 findings, 2 trouble)
 *	  },
 *	  "source": { "commit", "tree", "version" },
 *	  "machine": {
 *	    "kernel" (uname -srvm), "libc", "cpu", "cpus",
 *	    "compilers": [ distinct compiler identities of the builds ],
 *	    "edac": {
 *	      "available": true when /sys/devices/system/edac has
 *	        memory controllers,
 *	      "note": "no EDAC", or "EDAC: N memory controller(s);
 *	        C corrected and U uncorrected errors during the run",
 *	      "controllers": [ { "mc", "ce_before", "ue_before",
 *	        "ce_after", "ue_after" } ]
 *	    }
 *	  },
 *	  "builds": [ {
 *	    "id" (build id), "variant" (with @LABEL for replicas),
 *	    "cc" (as given), "cc_path" (resolved), "cc_sha256",
 *	    "cc_version" (first line of --version), "cc_kind",
 *	    "flags" (OPT=... CCARGS=...), "opt", "sanitizer" (null,
 *	    "ubsan", "asan"), "ub_check", "shared", "ccache",
 *	    "cached" (found in the cache by this run), "seconds" (how
 *	    long the build took when it was made),
 *	    "phases": null (a prebuilt or older build) or { "checkout",
 *	      "makefiles", "make", "install", "postconf": wall seconds of
 *	      each step, "make_cpu": CPU seconds of make and all it ran },
 *	    "env": [ "NAME=VALUE" for the daemons ]
 *	  } ],
 *	  "config": null, or run --config's: { "main_cf", "master_cf",
 *	    "applied": [ "name = value" over the base ], "not_applied":
 *	    [ "name: why" ], "tables": [ names ], "services": [ master.cf
 *	    lines ], "goldens": why they do not apply },
 *	  "shard": null, or run --shard K/N's: { "k", "n", "pairs": [
 *	    "BUILD\tCASE" it ran ], "case_runs" },
 *	  "shards": null, or a merged run's: [ { "shard": "K/N",
 *	    "run_dir", "builds": [ names ], "case_runs", "machine": as
 *	    above } ],
 *	  "failed_builds": [ { "variant", "error" (one line: the make.log
 *	    and its first compiler error) }: builds that could not be
 *	    made; the run went on without them ],
 *	  "libenvs": [ { "name" ("plain": no settings), "env": [...] } ],
 *	  "postfix_tests": null, or run --postfix-tests' (ptests(3)): {
 *	    "seconds", "timeout_s" (one test's limit), "reps" (runs per
 *	      build of a test that failed somewhere),
 *	    "builds": [ { "build", "ran", "passed", "failed", "note" (why
 *	      none ran there, or null) } ],
 *	    "totals": { verdict: test counts, "skipped" },
 *	    "tests": [ { "test" ("global/xtext_test": DIR/TARGET),
 *	      "skipped" (why it did not run, or null), "verdict" (null
 *	      when skipped), "summary", "suspect", "differing", "flaps"
 *	      (as a case's), "runs": [ { "build", "results": [ "pass",
 *	      "fail (exit 2)", "fail (signal 11)" or "timed out after
 *	      300 s", per rep ], "logs": [ its output, relative to
 *	      out_dir, or null ], "sanitizer": [ reduced sanitizer
 *	      reports, or null ] } ] } ]
 *	  },
 *	  "totals": { "pass", "real-bug", "compiler",
 *	    "undefined-behavior", "library", "hardware": case counts },
 *	  "cases": [ {
 *	    "name", "kind" ("smtp", "probe"), "path", "about",
 *	    "overlays": [ the version overlays that replaced the case or
 *	      its golden for this Postfix, each "NAME (since 3.9: the
 *	      RELEASE_NOTES item)" ],
 *	    "verdict": one of pass real-bug compiler undefined-behavior
 *	      library hardware,
 *	    "summary": one line,
 *	    "suspect": null, "undecided", or the builds that look wrong
 *	      and who says so ("default, O2 (gcc -O, -O2): O0 and the
 *	      golden agree"); compiler verdicts only,
 *	    "undecided_why": with "undecided", why nothing decides,
 *	    "also": [ what else holds beside the verdict: "hardware:
 *	      ..." beside a stable divergence, "real-bug: ..." beside
 *	      hardware ],
 *	    "flaps": [ "O2/plain: 1 of 3 reps differ from the first" ],
 *	    "differing": [ cell labels "VARIANT/LIBENV" that stand apart;
 *	      for library verdicts, libenv names ],
 *	    "pair": { "left", "right" (cell labels of the representative
 *	      pair, or null), "left_obs", "right_obs" (their observation
 *	      files, relative to out_dir, or null) },
 *	    "diff": unified diff of the pair (or of the observation
 *	      against the expectation), or null,
 *	    "expected": the expectation rendered like an observation,
 *	      or null,
 *	    "first_finding": { "left", "right" }: the first panic,
 *	      fatal, error or warning log line of each side, or null,
 *	    "ub_reports": [ sanitizer "runtime error" lines ],
 *	    "ub_background": [ sanitizer findings that every case shows ],
 *	    "confirm": null, or (a flapping cell, or a divergence that
 *	      rests on a cell that flapped in another case) { "cell",
 *	      "runs_per_cpu", "cpus": [ { "cpu", "runs", "differ" } ],
 *	      "control" (a stable cell run as often, or null),
 *	      "control_runs", "control_differ", "artefact_chance" (the
 *	      chance of this many differing runs at the control's rate,
 *	      or null), "varies" (the cell did not reproduce itself),
 *	      "edac" (counters before -> after), "was" (the verdict the
 *	      confirmation replaced, or null) },
 *	    "reduced": null, or (run --reduce, cases whose builds diverge)
 *	      { "file" ("reduced/NAME.case"), "client_lines_before",
 *	      "client_lines_after", "trials", "seconds", "text" },
 *	    "escalation": null, or (run --escalate, divergent cases) {
 *	      "left", "right" (the pair's cell labels), "seconds",
 *	      "steps": [ { "step" (1 debug_peer_list, 2 verbose,
 *	        3 strace, 4 gdb), "name", "about" (what was turned on),
 *	        "skipped" (why it did not run, or null),
 *	        "first_divergence": null (the normalized maillogs agree)
 *	          or { "line", "left", "right" },
 *	        "notes": [ per-daemon trace divergences, backtraces ],
 *	        "files": [ relative to out_dir ], "seconds" } ] },
 *	    "cells": [ {
 *	      "build" (variant), "build_id", "libenv",
 *	      "skipped" (the case does not apply to this build),
 *	      "failed" (the instance did not start or failed under the
 *	        case: the reps hold that as their observation),
 *	      "flapping" (its repetitions differ),
 *	      "expect_ok" (every rep met the expectation; null when
 *	        skipped),
 *	      "mismatch" (the first rep's mismatch text, or null),
 *	      "reps": [ { "obs_file", "sha256" (of the observation),
 *	        "expect_ok", "seconds" } ]
 *	    } ]
 *	  } ]
 *	}
 *
 *	A cell's label is "VARIANT/LIBENV", as in "differing" and
 *	"pair". Readers ignore keys they do not know; a change that
 *	breaks them gets a new schema name.
 * DIAGNOSTICS
 *	hr_report_json_text() returns 0. A case without a verdict or a
 *	cell with an index out of range is a bug (hr_panic()).
 *	hr_report_write_json() returns what hr_file_write_atomic()
 *	returns.
 * SEE ALSO
 *	report(3) reads the text back, report_html(3), report_junit(3),
 *	tests/data/report/SCHEMA.md.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

#include "case/userconf.h"
#include "report/json.h"
#include "run/ptests.h"
#include "util/fsutil.h"
#include "util/hash.h"
#include "util/mem.h"
#include "util/utf8.h"

/* jstr - a string with bad UTF-8 replaced; NULL is null */
static json_object *jstr(const char *s)
{
    char *clean;
    json_object *o;

    if (s == NULL)
        return NULL;
    clean = hr_utf8_clean(s);
    o = json_object_new_string(clean);
    hr_free(clean);
    return o;
}

/* jsecs - a duration with three decimals */
static json_object *jsecs(double d)
{
    char text[64];

    if (!isfinite(d) || d < 0)
        d = 0;
    snprintf(text, sizeof(text), "%.3f", d);
    return json_object_new_double_s(d, text);
}

/* jstrv - an array of strings */
static json_object *jstrv(const hr_strv *sv)
{
    json_object *a = json_object_new_array();

    for (size_t i = 0; i < sv->n; i++)
        json_object_array_add(a, jstr(sv->v[i]));
    return a;
}

/* add - object[key] = value, in insertion order */
static void add(json_object *o, const char *key, json_object *value)
{
    json_object_object_add(o, key, value);
}

/* hr_report_edac_note - "no EDAC", or the errors counted during the run */
char *hr_report_edac_note(const hr_machine *m)
{
    long long ce = 0, ue = 0;

    if (m->nedac == 0)
        return hr_strdup("no EDAC");
    for (size_t i = 0; i < m->nedac; i++) {
        ce += m->edac[i].ce_after - m->edac[i].ce_before;
        ue += m->edac[i].ue_after - m->edac[i].ue_before;
    }
    return hr_sprintf("EDAC: %zu memory controller%s; %lld corrected and "
                      "%lld uncorrected errors during the run",
                      m->nedac, m->nedac == 1 ? "" : "s", ce, ue);
}

/* run_obj - "run" */
static json_object *run_obj(const hr_run *run)
{
    json_object *o = json_object_new_object();

    add(o, "id", jstr(run->id));
    add(o, "command", jstr(run->command));
    add(o, "started", jstr(run->started));
    add(o, "seconds", jsecs(run->seconds));
    add(o, "build_seconds", jsecs(run->build_seconds));
    add(o, "replay_seconds", jsecs(run->replay_seconds));
    add(o, "case_runs", json_object_new_int64((int64_t)run->case_runs));
    add(o, "batched_case_runs",
        json_object_new_int64((int64_t)run->batched_runs));
    add(o, "batches", json_object_new_int64((int64_t)run->batches));
    add(o, "batches_one_by_one",
        json_object_new_int64((int64_t)run->batches_one_by_one));
    add(o, "reps", json_object_new_int(run->reps));
    add(o, "out_dir", jstr(run->out_dir));
    add(o, "exit", json_object_new_int(run->exit_code));
    return o;
}

/* source_obj - "source" */
static json_object *source_obj(const hr_run *run)
{
    json_object *o = json_object_new_object();

    add(o, "commit", jstr(run->source_commit));
    add(o, "tree", jstr(run->source_tree));
    add(o, "version", jstr(run->source_version));
    return o;
}

/* config_obj - "config": the user's configuration, or null */
static json_object *config_obj(const hr_run *run)
{
    const hr_userconf *u = run->user;
    json_object *o, *tables;

    if (u == NULL)
        return NULL;
    o = json_object_new_object();
    tables = json_object_new_array();
    add(o, "main_cf", jstr(u->path));
    add(o, "master_cf", jstr(u->master_path));
    add(o, "applied", jstrv(&u->settings));
    add(o, "not_applied", jstrv(&u->dropped));
    for (size_t i = 0; i < u->ntables; i++)
        json_object_array_add(
            tables, json_object_new_string(u->tables[i].name));
    add(o, "tables", tables);
    add(o, "services", jstrv(&u->services));
    add(o, "goldens", jstr("do not apply: the goldens and the cases' "
                           "replies were written for the instance's base "
                           "configuration; the verdicts compare builds, "
                           "library environments and repetitions"));
    return o;
}

/* machine_obj - "machine", with the EDAC counters or "no EDAC" */
static json_object *machine_obj(const hr_machine *m)
{
    json_object *o = json_object_new_object();
    json_object *edac = json_object_new_object();
    json_object *mcs = json_object_new_array();
    char *note = hr_report_edac_note(m);

    add(o, "kernel", jstr(m->kernel));
    add(o, "libc", jstr(m->libc));
    add(o, "cpu", jstr(m->cpu));
    add(o, "cpus", json_object_new_int(m->cpus));
    add(o, "compilers", jstrv(&m->compilers));
    for (size_t i = 0; i < m->nedac; i++) {
        json_object *mc = json_object_new_object();

        add(mc, "mc", jstr(m->edac[i].mc));
        add(mc, "ce_before", json_object_new_int64(m->edac[i].ce_before));
        add(mc, "ue_before", json_object_new_int64(m->edac[i].ue_before));
        add(mc, "ce_after", json_object_new_int64(m->edac[i].ce_after));
        add(mc, "ue_after", json_object_new_int64(m->edac[i].ue_after));
        json_object_array_add(mcs, mc);
    }
    add(edac, "available", json_object_new_boolean(m->nedac > 0));
    add(edac, "note", jstr(note));
    add(edac, "controllers", mcs);
    add(o, "edac", edac);
    hr_free(note);
    return o;
}

/* shard_obj - "shard": this run's share (run --shard), or null */
static json_object *shard_obj(const hr_run *run)
{
    json_object *o;

    if (run->shard_n == 0)
        return NULL;
    o = json_object_new_object();
    add(o, "k", json_object_new_int(run->shard_k));
    add(o, "n", json_object_new_int(run->shard_n));
    add(o, "pairs", jstrv(&run->shard_pairs));
    add(o, "case_runs", json_object_new_int64((int64_t)run->case_runs));
    return o;
}

/* shards_obj - "shards": what each shard of a merged run was, or null */
static json_object *shards_obj(const hr_run *run)
{
    json_object *a;

    if (run->nshards == 0)
        return NULL;
    a = json_object_new_array();
    for (size_t i = 0; i < run->nshards; i++) {
        const hr_run_shard *sh = &run->shards[i];
        json_object *o = json_object_new_object();

        add(o, "shard", jstr(sh->label));
        add(o, "run_dir", jstr(sh->run_dir));
        add(o, "builds", jstrv(&sh->builds));
        add(o, "case_runs", json_object_new_int64((int64_t)sh->case_runs));
        add(o, "machine", machine_obj(&sh->machine));
        json_object_array_add(a, o);
    }
    return a;
}

/* build_obj - one of "builds" */
static json_object *build_obj(const hr_build *b, int cached)
{
    json_object *o = json_object_new_object();

    add(o, "id", jstr(b->id));
    add(o, "variant", jstr(b->variant));
    add(o, "cc", jstr(b->cc));
    add(o, "cc_path", jstr(b->cc_path));
    add(o, "cc_sha256", jstr(b->cc_sha256));
    add(o, "cc_version", jstr(b->cc_version));
    add(o, "cc_kind", jstr(b->cc_kind));
    add(o, "flags", jstr(b->flags));
    add(o, "opt", jstr(b->opt));
    add(o, "sanitizer", jstr(b->sanitizer));
    add(o, "ub_check", json_object_new_boolean(b->ub_check));
    add(o, "shared", json_object_new_boolean(b->shared));
    add(o, "ccache", json_object_new_boolean(b->ccache));
    add(o, "cached", json_object_new_boolean(cached));
    add(o, "seconds", jsecs(b->seconds));
    if (b->has_phases) {
        json_object *ph = json_object_new_object();

        add(ph, "checkout", jsecs(b->t_checkout));
        add(ph, "makefiles", jsecs(b->t_makefiles));
        add(ph, "make", jsecs(b->t_make));
        add(ph, "install", jsecs(b->t_install));
        add(ph, "postconf", jsecs(b->t_postconf));
        add(ph, "make_cpu", jsecs(b->make_cpu));
        add(o, "phases", ph);
    } else {
        add(o, "phases", NULL);
    }
    add(o, "env", jstrv(&b->env));
    return o;
}

/* cell_label - "VARIANT/LIBENV" */
static char *cell_label(const hr_run *run, const hr_run_cell *cell)
{
    return hr_sprintf("%s/%s", run->builds[cell->build]->variant,
                      run->libenvs[cell->libenv].name);
}

/* same - two observations are equal (NULL is empty) */
static int same(const char *a, const char *b)
{
    return strcmp(a ? a : "", b ? b : "") == 0;
}

/* pair_obs - the observation file of rep of the cell labelled label */
static const char *pair_obs(const hr_run *run, const hr_run_case *rc,
                            const char *label, int rep)
{
    const char *found = NULL;

    if (label == NULL || rep < 0 || rep >= run->reps)
        return NULL;
    for (size_t i = 0; i < run->nbuilds * run->nlibenvs && !found; i++) {
        const hr_run_cell *cell = &rc->cells[i];
        char *l;

        if (cell->skipped || cell->reps == NULL)
            continue;
        l = cell_label(run, cell);
        if (strcmp(l, label) == 0)
            found = cell->reps[rep].obs_file;
        hr_free(l);
    }
    return found;
}

/* cell_obj - one of a case's "cells" */
static json_object *cell_obj(const hr_run *run, const hr_run_cell *cell)
{
    json_object *o = json_object_new_object();
    json_object *reps = json_object_new_array();
    const char *mismatch = NULL;
    int expect_ok = 1, flapping = 0;
    size_t nreps = cell->skipped || cell->reps == NULL ? 0 : (size_t)run->reps;

    for (size_t r = 0; r < nreps; r++) {
        const hr_rep *rep = &cell->reps[r];
        json_object *jr = json_object_new_object();
        char sum[HR_SHA256_HEX];
        const char *obs = rep->obs ? rep->obs : "";

        hr_sha256_buf(sum, obs, strlen(obs));
        add(jr, "obs_file", jstr(rep->obs_file));
        add(jr, "sha256", jstr(sum));
        add(jr, "expect_ok", json_object_new_boolean(rep->expect_ok));
        add(jr, "seconds", jsecs(rep->seconds));
        json_object_array_add(reps, jr);
        expect_ok &= rep->expect_ok != 0;
        if (mismatch == NULL && rep->mismatch && *rep->mismatch)
            mismatch = rep->mismatch;
        flapping |= !same(cell->reps[0].obs, rep->obs);
    }
    add(o, "build", jstr(run->builds[cell->build]->variant));
    add(o, "build_id", jstr(run->builds[cell->build]->id));
    add(o, "libenv", jstr(run->libenvs[cell->libenv].name));
    add(o, "skipped", json_object_new_boolean(cell->skipped));
    add(o, "failed", json_object_new_boolean(cell->failed));
    add(o, "flapping", json_object_new_boolean(flapping));
    add(o, "expect_ok",
        cell->skipped ? NULL : json_object_new_boolean(expect_ok));
    add(o, "mismatch", jstr(mismatch));
    add(o, "reps", reps);
    return o;
}

/* escalation_obj - run --escalate's steps, or null */
static json_object *escalation_obj(const hr_escalation *e)
{
    json_object *o, *steps;

    if (e == NULL)
        return NULL;
    o = json_object_new_object();
    steps = json_object_new_array();
    add(o, "left", jstr(e->left));
    add(o, "right", jstr(e->right));
    add(o, "seconds", jsecs(e->seconds));
    for (size_t i = 0; i < e->nsteps; i++) {
        const hr_escalation_step *st = &e->steps[i];
        json_object *s = json_object_new_object();
        json_object *d = NULL;

        if (st->log.line > 0) {
            d = json_object_new_object();
            add(d, "line", json_object_new_int64(st->log.line));
            add(d, "left", jstr(st->log.left));
            add(d, "right", jstr(st->log.right));
        }
        add(s, "step", json_object_new_int(st->number));
        add(s, "name", jstr(st->name));
        add(s, "about", jstr(st->about));
        add(s, "skipped", jstr(st->skipped));
        add(s, "first_divergence", d);
        add(s, "notes", jstrv(&st->notes));
        add(s, "files", jstrv(&st->files));
        add(s, "seconds", jsecs(st->seconds));
        json_object_array_add(steps, s);
    }
    add(o, "steps", steps);
    return o;
}

/* confirm_obj - a flap rerun per CPU, or null */
static json_object *confirm_obj(const hr_confirm *c)
{
    json_object *o, *cpus;

    if (c == NULL)
        return NULL;
    o = json_object_new_object();
    cpus = json_object_new_array();
    add(o, "cell", jstr(c->cell));
    add(o, "runs_per_cpu", json_object_new_int(c->per_cpu));
    for (int i = 0; i < c->ncpus; i++) {
        json_object *x = json_object_new_object();

        add(x, "cpu", json_object_new_int(c->cpu[i]));
        add(x, "runs", json_object_new_int(c->runs[i]));
        add(x, "differ", json_object_new_int(c->differ[i]));
        json_object_array_add(cpus, x);
    }
    add(o, "cpus", cpus);
    add(o, "control", jstr(c->control));
    add(o, "control_runs", json_object_new_int(c->control_runs));
    add(o, "control_differ", json_object_new_int(c->control_differ));
    add(o, "artefact_chance", c->artefact_chance < 0
                                  ? NULL
                                  : json_object_new_double(c->artefact_chance));
    add(o, "varies", json_object_new_boolean(c->varies));
    add(o, "edac", jstr(c->edac));
    add(o, "was", jstr(c->was));
    return o;
}

/* case_obj - one of "cases" */
static json_object *case_obj(const hr_run *run, const hr_run_case *rc)
{
    json_object *o = json_object_new_object();
    json_object *pair = json_object_new_object();
    json_object *finding = json_object_new_object();
    json_object *cells = json_object_new_array();
    const hr_verdict *v = rc->verdict;

    add(o, "name", jstr(rc->c->name));
    add(o, "kind", jstr(hr_case_kind_name(rc->c->kind)));
    add(o, "path", jstr(rc->c->path));
    add(o, "about", jstr(rc->c->about));
    add(o, "overlays", jstrv(&rc->c->overlay_labels));
    add(o, "verdict", jstr(hr_verdict_name(v->kind)));
    add(o, "summary", jstr(v->summary));
    add(o, "suspect", jstr(v->suspect));
    add(o, "undecided_why", jstr(v->undecided_why));
    add(o, "differing", jstrv(&v->differing));
    add(o, "also", jstrv(&v->also));
    add(o, "flaps", jstrv(&v->flaps));
    add(pair, "left", jstr(v->left));
    add(pair, "right", jstr(v->right));
    add(pair, "left_obs", jstr(pair_obs(run, rc, v->left, v->left_rep)));
    add(pair, "right_obs", jstr(pair_obs(run, rc, v->right, v->right_rep)));
    add(o, "pair", pair);
    add(o, "diff", jstr(rc->diff));
    add(o, "expected", jstr(rc->expected));
    add(finding, "left", jstr(rc->left_finding));
    add(finding, "right", jstr(rc->right_finding));
    add(o, "first_finding", finding);
    add(o, "ub_reports", jstrv(&v->ub_reports));
    add(o, "ub_background", jstrv(&v->ub_background));
    add(o, "escalation", escalation_obj(rc->escalation));
    add(o, "confirm", confirm_obj(rc->confirm));
    if (rc->reduced_file) {
        json_object *red = json_object_new_object();

        add(red, "file", jstr(rc->reduced_file));
        add(red, "client_lines_before",
            json_object_new_int64((int64_t)rc->reduced_before));
        add(red, "client_lines_after",
            json_object_new_int64((int64_t)rc->reduced_after));
        add(red, "trials", json_object_new_int64((int64_t)rc->reduced_trials));
        add(red, "seconds", jsecs(rc->reduced_seconds));
        add(red, "text", jstr(rc->reduced_text));
        add(o, "reduced", red);
    } else {
        add(o, "reduced", NULL);
    }
    for (size_t i = 0; i < run->nbuilds * run->nlibenvs; i++)
        json_object_array_add(cells, cell_obj(run, &rc->cells[i]));
    add(o, "cells", cells);
    return o;
}

/* ptest_obj - one of "postfix_tests"'s tests */
static json_object *ptest_obj(const hr_run *run, const hr_ptest *t)
{
    const hr_ptests *p = run->ptests;
    json_object *o = json_object_new_object();
    json_object *runs = json_object_new_array();
    const hr_verdict *v = t->verdict;

    add(o, "test", jstr(t->name));
    add(o, "skipped", jstr(t->skip));
    add(o, "verdict", v ? jstr(hr_verdict_name(v->kind)) : NULL);
    add(o, "summary", jstr(v ? v->summary : NULL));
    add(o, "suspect", jstr(v ? v->suspect : NULL));
    add(o, "differing", v ? jstrv(&v->differing) : json_object_new_array());
    add(o, "flaps", v ? jstrv(&v->flaps) : json_object_new_array());
    for (size_t b = 0; b < p->nbuilds; b++) {
        size_t slot = b * (size_t)p->reps;
        json_object *r, *results, *logs, *san;

        if (t->result[slot] == NULL)
            continue;
        r = json_object_new_object();
        results = json_object_new_array();
        logs = json_object_new_array();
        san = json_object_new_array();
        for (int k = 0; k < hr_ptests_reps(p, t, b); k++) {
            const hr_obs *m = t->model[slot + (size_t)k];

            json_object_array_add(results, jstr(t->result[slot + (size_t)k]));
            json_object_array_add(logs, jstr(t->log[slot + (size_t)k]));
            json_object_array_add(san, jstr(m ? hr_obs_section(m, "sanitizer")
                                              : NULL));
        }
        add(r, "build", jstr(run->builds[b]->variant));
        add(r, "results", results);
        add(r, "logs", logs);
        add(r, "sanitizer", san);
        json_object_array_add(runs, r);
    }
    add(o, "runs", runs);
    return o;
}

/* ptests_obj - "postfix_tests", null without run --postfix-tests */
static json_object *ptests_obj(const hr_run *run)
{
    const hr_ptests *p = run->ptests;
    json_object *o, *builds, *totals, *tests;
    size_t counts[HR_HARDWARE + 1] = {0}, skipped = 0;

    if (p == NULL)
        return NULL;
    o = json_object_new_object();
    builds = json_object_new_array();
    totals = json_object_new_object();
    tests = json_object_new_array();
    add(o, "seconds", jsecs(p->seconds));
    add(o, "timeout_s", json_object_new_int(p->timeout_s));
    add(o, "reps", json_object_new_int(p->reps));
    for (size_t b = 0; b < p->nbuilds; b++) {
        json_object *bo = json_object_new_object();

        add(bo, "build", jstr(run->builds[b]->variant));
        add(bo, "ran", json_object_new_int64((int64_t)p->ran[b]));
        add(bo, "passed", json_object_new_int64((int64_t)p->passed[b]));
        add(bo, "failed", json_object_new_int64((int64_t)p->failed[b]));
        add(bo, "note", jstr(p->build_note[b]));
        json_object_array_add(builds, bo);
    }
    add(o, "builds", builds);
    for (size_t i = 0; i < p->n; i++) {
        if (p->tests[i].verdict)
            counts[p->tests[i].verdict->kind]++;
        else
            skipped++;
        json_object_array_add(tests, ptest_obj(run, &p->tests[i]));
    }
    for (int v = HR_PASS; v <= HR_HARDWARE; v++)
        add(totals, hr_verdict_name((hr_verdict_kind)v),
            json_object_new_int64((int64_t)counts[v]));
    add(totals, "skipped", json_object_new_int64((int64_t)skipped));
    add(o, "totals", totals);
    add(o, "tests", tests);
    return o;
}

/* check_run - the invariants the writer relies on */
static void check_run(const hr_run *run)
{
    for (size_t k = 0; k < run->ncases; k++) {
        const hr_run_case *rc = &run->cases[k];

        if (rc->c == NULL || rc->verdict == NULL)
            hr_panic("report: case %zu has no case or no verdict", k);
        (void)hr_verdict_name(rc->verdict->kind); /* panics when bad */
        for (size_t i = 0; i < run->nbuilds * run->nlibenvs; i++)
            if (rc->cells[i].build >= run->nbuilds ||
                rc->cells[i].libenv >= run->nlibenvs)
                hr_panic("report: case '%s' cell %zu is out of range",
                         rc->c->name, i);
    }
}

/* hr_report_json_text - the text of report.json */
int hr_report_json_text(char **out, const hr_run *run)
{
    json_object *root = json_object_new_object();
    json_object *builds = json_object_new_array();
    json_object *libenvs = json_object_new_array();
    json_object *totals = json_object_new_object();
    json_object *cases = json_object_new_array();
    size_t counts[HR_HARDWARE + 1] = {0};

    check_run(run);
    add(root, "schema", json_object_new_string(HR_REPORT_SCHEMA));
    add(root, "run", run_obj(run));
    add(root, "source", source_obj(run));
    add(root, "config", config_obj(run));
    add(root, "machine", machine_obj(&run->machine));
    add(root, "shard", shard_obj(run));
    add(root, "shards", shards_obj(run));
    for (size_t i = 0; i < run->nbuilds; i++)
        json_object_array_add(
            builds, build_obj(run->builds[i],
                              run->build_cached ? run->build_cached[i] : 0));
    add(root, "builds", builds);
    {
        json_object *failed = json_object_new_array();

        for (size_t i = 0; i < run->failed_variants.n; i++) {
            json_object *f = json_object_new_object();

            add(f, "variant", jstr(run->failed_variants.v[i]));
            add(f, "error", jstr(run->failed_errors.v[i]));
            json_object_array_add(failed, f);
        }
        add(root, "failed_builds", failed);
    }
    for (size_t i = 0; i < run->nlibenvs; i++) {
        json_object *le = json_object_new_object();

        add(le, "name", jstr(run->libenvs[i].name));
        add(le, "env", jstrv(&run->libenvs[i].env));
        json_object_array_add(libenvs, le);
    }
    add(root, "libenvs", libenvs);
    add(root, "postfix_tests", ptests_obj(run));
    for (size_t k = 0; k < run->ncases; k++) {
        counts[run->cases[k].verdict->kind]++;
        json_object_array_add(cases, case_obj(run, &run->cases[k]));
    }
    for (int v = HR_PASS; v <= HR_HARDWARE; v++)
        add(totals, hr_verdict_name((hr_verdict_kind)v),
            json_object_new_int64((int64_t)counts[v]));
    add(root, "totals", totals);
    add(root, "cases", cases);
    *out = hr_sprintf("%s\n", json_object_to_json_string_ext(
                                  root, JSON_C_TO_STRING_PRETTY |
                                            JSON_C_TO_STRING_SPACED |
                                            JSON_C_TO_STRING_NOSLASHESCAPE));
    json_object_put(root);
    return 0;
}

/* hr_report_write_json - report.json, atomically */
int hr_report_write_json(const hr_run *run, const char *path)
{
    char *text = NULL;
    int error;

    if ((error = hr_report_json_text(&text, run)) < 0)
        return error;
    error = hr_file_write_atomic(path, text, strlen(text), 0644);
    hr_free(text);
    return error;
}

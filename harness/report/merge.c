/*
 * NAME
 *	report/merge 3
 * SUMMARY
 *	shards of a run joined into one run, judged from all observations
 * SYNOPSIS
 *	#include "report/merge.h"
 *
 *	int	hr_merge_run(out, user, dirs, ndirs, out_dir)
 * DESCRIPTION
 *	run --shard K/N makes one share of the (build, case) pairs, on
 *	one CI runner; hr_merge_run() joins the run directories of all N
 *	shards into one run in out_dir, as if one machine had made every
 *	pair, and judges it with the main job's own rules
 *	(hr_runner_judge_all()): the verdicts come from the union of the
 *	observations, so they are what an unsharded run gives.
 *
 *	The shards must be shards of one run: the same N, each K once,
 *	the same source tree, repetitions, library environments and
 *	cases (the copies in each RUN_DIR/cases/, byte for byte); a build
 *	of the same name in two shards must have the same id, and each
 *	(case, build, library environment) cell must have run in exactly
 *	one shard. The merged run keeps each shard's machine, builds and
 *	number of case runs (out->shards), its observations and the
 *	cases under out_dir. When the shards ran a user's configuration,
 *	*user gets its record (the caller frees it with
 *	hr_userconf_free() after the run) and the cases' expectations do
 *	not apply, as in the shards.
 *
 *	With run --postfix-tests, each build's Postfix tests ran in the
 *	shard that holds its first case; every shard must have the same
 *	tests with the same reasons for those it skipped. Their results
 *	(report.json) and output files (at the harness's own paths) join
 *	the merged run, and ptests(3) judges them.
 *
 *	report.json files and run directories come from other machines:
 *	each is read by report(3)'s validating reader, the cases are
 *	parsed again, and an observation file is read only under the
 *	path the harness itself gives it (observations/CASE/BUILD.LIBENV.N
 *	.txt), never one a report names.
 * DIAGNOSTICS
 *	HR_EINPUT naming the run directory for shards that do not fit
 *	together or a report that does not read; the errors of fsutil(3).
 * SEE ALSO
 *	runner(3), report(3), cmd_merge(1).
 */
#include <stdio.h>
#include <string.h>

#include "report/merge.h"
#include "replay/caserun.h"
#include "report/report.h"
#include "run/machine.h"
#include "run/ptests.h"
#include "run/runner.h"
#include "util/clock.h"
#include "util/fsutil.h"
#include "util/hash.h"
#include "util/mem.h"
#include "util/msg.h"

/* The shards being merged. */
typedef struct shard {
    const char *dir;
    hr_report *r;
} shard;

/* same_libenvs - two reports ran the same library environments */
static int same_libenvs(const hr_report *a, const hr_report *b)
{
    if (a->nlibenvs != b->nlibenvs)
        return 0;
    for (size_t e = 0; e < a->nlibenvs; e++) {
        char *x = hr_strv_join(&a->libenvs[e].env, "\n");
        char *y = hr_strv_join(&b->libenvs[e].env, "\n");
        int same = strcmp(a->libenvs[e].name, b->libenvs[e].name) == 0 &&
                   strcmp(x, y) == 0;

        hr_free(x);
        hr_free(y);
        if (!same)
            return 0;
    }
    return 1;
}

/* check_shards - N shards of one run, each K once */
static int check_shards(shard *s, size_t n)
{
    const hr_report *a = s[0].r;
    unsigned char *seen = hr_calloc(n + 1, 1);
    int error = 0;

    for (size_t i = 0; i < n && error == 0; i++) {
        const hr_report *r = s[i].r;

        if (r->shard_n == 0)
            error = hr_error_set(HR_EINPUT, "%s: not a shard (run --shard "
                                 "K/N makes one)", s[i].dir);
        else if ((size_t)r->shard_n != n)
            error = hr_error_set(HR_EINPUT, "%s is shard %d/%d, and %zu run "
                                 "directories were given", s[i].dir,
                                 r->shard_k, r->shard_n, n);
        else if (seen[r->shard_k]++)
            error = hr_error_set(HR_EINPUT, "%s: shard %d/%d is given twice",
                                 s[i].dir, r->shard_k, r->shard_n);
        else if (strcmp(r->source_tree ? r->source_tree : "",
                        a->source_tree ? a->source_tree : "") != 0)
            error = hr_error_set(HR_EINPUT, "%s ran another source tree "
                                 "than %s", s[i].dir, s[0].dir);
        else if (r->reps != a->reps)
            error = hr_error_set(HR_EINPUT, "%s ran %d repetitions, %s %d",
                                 s[i].dir, r->reps, s[0].dir, a->reps);
        else if (!same_libenvs(r, a))
            error = hr_error_set(HR_EINPUT, "%s ran other library "
                                 "environments than %s", s[i].dir, s[0].dir);
        else if (r->ncases != a->ncases)
            error = hr_error_set(HR_EINPUT, "%s ran %zu cases, %s %zu",
                                 s[i].dir, r->ncases, s[0].dir, a->ncases);
        for (size_t c = 0; c < r->ncases && error == 0; c++)
            if (strcmp(r->cases[c].name, a->cases[c].name) != 0)
                error = hr_error_set(HR_EINPUT, "%s and %s ran other cases "
                                     "('%s', '%s')", s[i].dir, s[0].dir,
                                     r->cases[c].name, a->cases[c].name);
    }
    hr_free(seen);
    return error;
}

/* case_file - RUN_DIR/cases/NAME.EXT, and its SHA-256 when it exists */
static char *case_file(const char *dir, const char *name, const char *ext)
{
    return hr_sprintf("%s/cases/%s.%s", dir, name, ext);
}

/* load_cases - every case from the first shard's copies, the same bytes
 * in every shard */
static int load_cases(hr_run *run, shard *s, size_t n)
{
    const hr_report *a = s[0].r;
    int error = 0;

    run->ncases = a->ncases;
    run->cases = hr_calloc(a->ncases + 1, sizeof(hr_run_case));
    for (size_t c = 0; c < a->ncases && error == 0; c++) {
        const char *name = a->cases[c].name;
        char *path = case_file(s[0].dir, name, "case");
        char want[HR_SHA256_HEX];
        hr_case *loaded = NULL;

        if ((error = hr_sha256_file(want, path)) == 0)
            for (size_t i = 1; i < n && error == 0; i++) {
                char *other = case_file(s[i].dir, name, "case");
                char got[HR_SHA256_HEX];

                if ((error = hr_sha256_file(got, other)) == 0 &&
                    strcmp(got, want) != 0)
                    error = hr_error_set(HR_EINPUT, "case '%s' differs "
                                         "between %s and %s", name,
                                         s[0].dir, s[i].dir);
                hr_free(other);
            }
        if (error == 0 && (error = hr_case_load(&loaded, path)) == 0) {
            run->cases[c].c = loaded;
            if (strcmp(loaded->name, name) != 0)
                error = hr_error_set(HR_EINPUT, "%s holds case '%s', not "
                                     "'%s'", path, loaded->name, name);
        }
        hr_free(path);
    }
    return error;
}

/* take_builds - the builds of all shards, once per name; the same name
 * must be the same build */
static int take_builds(hr_run *run, shard *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        hr_report *r = s[i].r;

        for (size_t b = 0; b < r->nbuilds; b++) {
            hr_build *bd = r->builds[b];
            size_t k;

            for (k = 0; k < run->nbuilds; k++)
                if (strcmp(run->builds[k]->variant, bd->variant) == 0)
                    break;
            if (k < run->nbuilds) {
                if (strcmp(run->builds[k]->id, bd->id) != 0)
                    return hr_error_set(HR_EINPUT, "build '%s' is %s in one "
                                        "shard and %s in %s", bd->variant,
                                        run->builds[k]->id, bd->id, s[i].dir);
                continue;
            }
            run->builds = hr_realloc(run->builds,
                                     (run->nbuilds + 1) * sizeof(hr_build *));
            run->build_cached = hr_realloc(run->build_cached,
                                           (run->nbuilds + 1) * sizeof(int));
            run->build_cached[run->nbuilds] = bd->cached;
            run->builds[run->nbuilds++] = bd;
            r->builds[b] = NULL; /* taken */
        }
        for (size_t f = 0; f < r->failed_variants.n; f++)
            if (hr_strv_find(&run->failed_variants, r->failed_variants.v[f]) <
                0) {
                hr_strv_add(&run->failed_variants, r->failed_variants.v[f]);
                hr_strv_add(&run->failed_errors, r->failed_errors.v[f]);
            }
    }
    return 0;
}

/* find_cell - the cell of a report case for build and libenv, or NULL */
static const hr_report_cell *find_cell(const hr_report_case *rc,
                                       const char *build, const char *libenv)
{
    for (size_t i = 0; i < rc->ncells; i++)
        if (strcmp(rc->cells[i].build, build) == 0 &&
            strcmp(rc->cells[i].libenv, libenv) == 0)
            return &rc->cells[i];
    return NULL;
}

/* take_cell - the observations of one cell, from the shard that ran it */
static int take_cell(hr_run *run, size_t c, size_t b, size_t e, shard *s,
                     size_t n, const char *out_dir)
{
    hr_run_cell *cell = &run->cases[c].cells[b * run->nlibenvs + e];
    const char *build = run->builds[b]->variant;
    const char *libenv = run->libenvs[e].name;
    const hr_report_cell *rcell = NULL;
    size_t from = 0;
    char *slug = hr_build_slug(build);
    int error = 0;

    cell->build = b;
    cell->libenv = e;
    cell->skipped = 1;
    cell->reps = hr_calloc((size_t)run->reps, sizeof(hr_rep));
    for (size_t i = 0; i < n; i++) {
        const hr_report_cell *rc =
            find_cell(&s[i].r->cases[c], build, libenv);

        if (rc == NULL || rc->skipped)
            continue;
        if (rcell) {
            error = hr_error_set(HR_EINPUT, "case '%s' on %s/%s ran in %s and "
                                 "in %s", run->cases[c].c->name, build, libenv,
                                 s[from].dir, s[i].dir);
            goto done;
        }
        rcell = rc;
        from = i;
    }
    if (rcell == NULL)
        goto done;
    if (rcell->nreps != (size_t)run->reps) {
        error = hr_error_set(HR_EINPUT, "%s: case '%s' on %s/%s has %zu "
                             "repetitions, not %d", s[from].dir,
                             run->cases[c].c->name, build, libenv,
                             rcell->nreps, run->reps);
        goto done;
    }
    cell->skipped = 0;
    for (int r = 0; r < run->reps && error == 0; r++) {
        hr_rep *rep = &cell->reps[r];
        hr_buf text = HR_BUF_INIT;
        char *src, *dst, *parent;

        /* The harness's own name for the file, not the report's. */
        rep->obs_file = hr_sprintf("observations/%s/%s.%s.%d.txt",
                                   run->cases[c].c->name, slug, libenv, r + 1);
        src = hr_path_join(s[from].dir, rep->obs_file);
        dst = hr_path_join(out_dir, rep->obs_file);
        parent = hr_path_dirname(dst);
        if ((error = hr_file_read(&text, src, 16 << 20)) == 0 &&
            (error = hr_mkdir_p(parent, 0755)) == 0)
            error = hr_file_write_atomic(dst, text.ptr ? text.ptr : "",
                                         text.len, 0644);
        if (error == 0) {
            rep->obs = hr_buf_detach(&text);
            hr_obs_parse(&rep->model, rep->obs);
            rep->expect_ok = rcell->reps[r].expect_ok;
            rep->seconds = rcell->reps[r].seconds;
            rep->mismatch = hr_strdup(
                rep->expect_ok ? "" : rcell->mismatch ? rcell->mismatch : "");
        }
        hr_buf_release(&text);
        hr_free(src);
        hr_free(dst);
        hr_free(parent);
    }
done:
    hr_free(slug);
    return error;
}

/* find_build - a merged run's build by name, or run->nbuilds */
static size_t find_build(const hr_run *run, const char *variant)
{
    size_t k;

    for (k = 0; k < run->nbuilds; k++)
        if (strcmp(run->builds[k]->variant, variant) == 0)
            break;
    return k;
}

/* take_ptrun - one shard's results of one test on one build */
static int take_ptrun(hr_run *run, hr_ptest *t, const hr_report_ptrun *pr,
                      const shard *sh, const char *out_dir)
{
    hr_ptests *p = run->ptests;
    size_t b = find_build(run, pr->build), slot;
    int error = 0;

    if (b == run->nbuilds)
        return hr_error_set(HR_EINPUT, "%s: Postfix test %s ran on '%s', "
                            "which is no build of the shards", sh->dir,
                            t->name, pr->build);
    slot = b * (size_t)p->reps;
    if (t->result[slot])
        return hr_error_set(HR_EINPUT, "Postfix test %s on %s ran in two "
                            "shards (%s is one)", t->name, pr->build,
                            sh->dir);
    if (pr->results.n != 1 && pr->results.n != (size_t)p->reps)
        return hr_error_set(HR_EINPUT, "%s: Postfix test %s on %s has %zu "
                            "results, not 1 or %d", sh->dir, t->name,
                            pr->build, pr->results.n, p->reps);
    for (size_t k = 0; k < pr->results.n && error == 0; k++) {
        hr_buf text = HR_BUF_INIT;

        t->result[slot + k] = hr_strdup(pr->results.v[k]);
        t->model[slot + k] = hr_ptests_model(pr->results.v[k],
                                             pr->sanitizer.v[k]);
        if (pr->logs.v[k][0] == 0)
            continue;
        /* The harness's own name for the file: the reader checked that
         * the report gives that one. */
        t->log[slot + k] = hr_ptests_log_path(pr->build, t->name, (int)k);
        {
            char *src = hr_path_join(sh->dir, t->log[slot + k]);
            char *dst = hr_path_join(out_dir, t->log[slot + k]);
            char *parent = hr_path_dirname(dst);

            if ((error = hr_file_read(&text, src, 16 << 20)) == 0 &&
                (error = hr_mkdir_p(parent, 0755)) == 0)
                error = hr_file_write_atomic(dst, text.ptr ? text.ptr : "",
                                             text.len, 0644);
            hr_free(src);
            hr_free(dst);
            hr_free(parent);
        }
        hr_buf_release(&text);
    }
    return error;
}

/* take_ptests - run --postfix-tests' results of every shard */
static int take_ptests(hr_run *run, shard *s, size_t n, const char *out_dir)
{
    const hr_report_ptests *first = NULL;
    hr_ptests *p;
    int error = 0;

    for (size_t i = 0; i < n; i++) {
        const hr_report_ptests *q = s[i].r->ptests;

        if ((q != NULL) != (s[0].r->ptests != NULL))
            return hr_error_set(HR_EINPUT, "%s ran Postfix's tests and %s "
                                "did not", q ? s[i].dir : s[0].dir,
                                q ? s[0].dir : s[i].dir);
        if (q == NULL)
            continue;
        if (first == NULL) {
            first = q;
            continue;
        }
        if (q->ntests != first->ntests)
            return hr_error_set(HR_EINPUT, "%s has %zu Postfix tests, %s "
                                "has %zu", s[i].dir, q->ntests, s[0].dir,
                                first->ntests);
        for (size_t k = 0; k < q->ntests; k++) {
            const hr_report_ptest *a = &first->tests[k], *b = &q->tests[k];

            if (strcmp(a->test, b->test) != 0 ||
                (a->skip == NULL) != (b->skip == NULL) ||
                (a->skip && strcmp(a->skip, b->skip) != 0))
                return hr_error_set(HR_EINPUT, "%s and %s list Postfix's "
                                    "tests differently (test %zu: %s, %s)",
                                    s[0].dir, s[i].dir, k + 1, a->test,
                                    b->test);
        }
    }
    if (first == NULL)
        return 0;
    hr_ptests_new(&p, first->ntests, run->nbuilds, run->reps);
    run->ptests = p;
    p->timeout_s = first->timeout_s;
    for (size_t k = 0; k < first->ntests; k++) {
        p->tests[k].name = hr_strdup(first->tests[k].test);
        if (first->tests[k].skip) {
            p->tests[k].skip = hr_strdup(first->tests[k].skip);
            p->nskipped++;
        }
    }
    for (size_t i = 0; i < n && error == 0; i++) {
        const hr_report_ptests *q = s[i].r->ptests;

        if (q->seconds > p->seconds)
            p->seconds = q->seconds;
        for (size_t k = 0; k < q->ntests && error == 0; k++)
            for (size_t r = 0; r < q->tests[k].nruns && error == 0; r++)
                error = take_ptrun(run, &p->tests[k], &q->tests[k].runs[r],
                                   &s[i], out_dir);
        /* Why a build ran none: the note of a shard that had it. */
        for (size_t b = 0; b < q->nbuilds; b++) {
            size_t k = find_build(run, q->builds[b].build);

            if (k < run->nbuilds && q->builds[b].note && q->builds[b].ran == 0 &&
                p->build_note[k] == NULL &&
                strstr(q->builds[b].note, "in another shard") == NULL)
                p->build_note[k] = hr_strdup(q->builds[b].note);
        }
    }
    for (size_t b = 0; b < p->nbuilds && error == 0; b++) {
        for (size_t k = 0; k < p->n; k++) {
            const char *r = p->tests[k].result[b * (size_t)p->reps];

            if (r == NULL)
                continue;
            p->ran[b]++;
            if (strcmp(r, "pass") == 0)
                p->passed[b]++;
            else
                p->failed[b]++;
        }
        if (p->ran[b] == 0 && p->build_note[b] == NULL)
            p->build_note[b] = hr_sprintf("%s: no shard ran Postfix's "
                                          "tests there",
                                          run->builds[b]->variant);
    }
    return error;
}

/* copy_cases - the cases as they ran, into the merged run */
static int copy_cases(const hr_run *run, const shard *s, const char *out_dir)
{
    int error = 0;

    for (size_t c = 0; c < run->ncases && error == 0; c++)
        for (int g = 0; g < 2 && error == 0; g++) {
            char *from = case_file(s[0].dir, run->cases[c].c->name,
                                   g ? "golden" : "case");
            char *to = case_file(out_dir, run->cases[c].c->name,
                                 g ? "golden" : "case");
            char *parent = hr_path_dirname(to);

            if (hr_is_file(from) && (error = hr_mkdir_p(parent, 0755)) == 0)
                error = hr_file_copy(from, to, 0644);
            hr_free(from);
            hr_free(to);
            hr_free(parent);
        }
    return error;
}

/* take_shard - what the merged run keeps of a shard */
static void take_shard(hr_run_shard *out, shard *s)
{
    hr_report *r = s->r;

    out->label = hr_sprintf("%d/%d", r->shard_k, r->shard_n);
    out->run_dir = hr_path_abs(s->dir);
    out->machine = r->machine;
    memset(&r->machine, 0, sizeof(r->machine));
    out->case_runs = (size_t)r->case_runs;
}

/* hr_merge_run - join shard runs and judge them */
int hr_merge_run(hr_run **out, hr_userconf **user, const char *const *dirs,
                 size_t n, const char *out_dir)
{
    hr_run *run = hr_calloc(1, sizeof(*run));
    shard *s = hr_calloc(n + 1, sizeof(*s));
    hr_strv background = HR_STRV_INIT;
    int error = 0;

    *out = run;
    *user = NULL;
    run->id = hr_clock_id();
    run->out_dir = hr_path_abs(out_dir);
    for (size_t i = 0; i < n && error == 0; i++) {
        char *path = hr_path_join(dirs[i], "report.json");

        s[i].dir = dirs[i];
        if ((error = hr_report_load(&s[i].r, path)) < 0)
            error = hr_error_set(HR_EINPUT, "%s", hr_error_last());
        hr_free(path);
    }
    if (error < 0 || (error = check_shards(s, n)) < 0)
        goto done;
    run->command = hr_strdup(s[0].r->command);
    run->started = hr_strdup(s[0].r->started);
    run->reps = s[0].r->reps;
    run->source_commit = hr_strdup(s[0].r->source_commit);
    run->source_tree = hr_strdup(s[0].r->source_tree);
    run->source_version = hr_strdup(s[0].r->source_version);
    run->nlibenvs = s[0].r->nlibenvs;
    run->libenvs = hr_calloc(run->nlibenvs, sizeof(hr_libenv));
    for (size_t e = 0; e < run->nlibenvs; e++) {
        run->libenvs[e].name = hr_strdup(s[0].r->libenvs[e].name);
        hr_strv_addv(&run->libenvs[e].env, &s[0].r->libenvs[e].env);
    }
    for (size_t i = 0; i < n; i++) {
        if (s[i].r->seconds > run->seconds)
            run->seconds = s[i].r->seconds;
        if (s[i].r->build_seconds > run->build_seconds)
            run->build_seconds = s[i].r->build_seconds;
        if (s[i].r->replay_seconds > run->replay_seconds)
            run->replay_seconds = s[i].r->replay_seconds;
        run->case_runs += (size_t)s[i].r->case_runs;
        /* what every shard's sanitizer baselines found */
        for (size_t c = 0; c < s[i].r->ncases; c++)
            for (size_t k = 0; k < s[i].r->cases[c].ub_background.n; k++)
                if (hr_strv_find(&background,
                                 s[i].r->cases[c].ub_background.v[k]) < 0)
                    hr_strv_add(&background,
                                s[i].r->cases[c].ub_background.v[k]);
    }
    if ((error = hr_mkdir_p(run->out_dir, 0755)) < 0 ||
        (error = load_cases(run, s, n)) < 0 ||
        (error = take_builds(run, s, n)) < 0)
        goto done;
    for (size_t c = 0; c < run->ncases; c++)
        run->cases[c].cells = hr_calloc(run->nbuilds * run->nlibenvs + 1,
                                        sizeof(hr_run_cell));
    for (size_t c = 0; c < run->ncases && error == 0; c++)
        for (size_t b = 0; b < run->nbuilds && error == 0; b++)
            for (size_t e = 0; e < run->nlibenvs && error == 0; e++)
                error = take_cell(run, c, b, e, s, n, run->out_dir);
    if (error < 0 || (error = copy_cases(run, s, run->out_dir)) < 0 ||
        (error = take_ptests(run, s, n, run->out_dir)) < 0)
        goto done;
    run->nshards = n;
    run->shards = hr_calloc(n, sizeof(hr_run_shard));
    for (size_t i = 0; i < n; i++) {
        size_t k = (size_t)s[i].r->shard_k - 1;

        take_shard(&run->shards[k], &s[i]);
        for (size_t p = 0; p < s[i].r->shard_pairs.n; p++) {
            const char *pair = s[i].r->shard_pairs.v[p];
            char *build = hr_strndup(pair, strcspn(pair, "\t"));

            if (hr_strv_find(&run->shards[k].builds, build) < 0)
                hr_strv_add(&run->shards[k].builds, build);
            hr_free(build);
        }
    }
    hr_machine_copy(&run->machine, &run->shards[0].machine);
    /* Shards that ran a user's configuration: its record, and the cases'
     * expectations do not apply (userconf(3)). */
    if (s[0].r->config_main) {
        hr_userconf *u = hr_calloc(1, sizeof(*u));

        u->path = hr_strdup(s[0].r->config_main);
        u->master_path = s[0].r->config_master
                             ? hr_strdup(s[0].r->config_master)
                             : NULL;
        hr_strv_addv(&u->settings, &s[0].r->config_applied);
        hr_strv_addv(&u->dropped, &s[0].r->config_not_applied);
        hr_strv_addv(&u->services, &s[0].r->config_services);
        u->ntables = s[0].r->config_tables.n;
        u->tables = hr_calloc(u->ntables + 1, sizeof(hr_case_table));
        for (size_t t = 0; t < u->ntables; t++)
            u->tables[t].name = hr_strdup(s[0].r->config_tables.v[t]);
        *user = u;
        run->user = u;
        for (size_t c = 0; c < run->ncases; c++) {
            hr_case *cc = (hr_case *)run->cases[c].c;

            cc->user = u;
            hr_free(cc->golden);
            cc->golden = NULL;
        }
    }
    for (size_t c = 0; c < run->ncases; c++)
        run->cases[c].expected = hr_caserun_expected(run->cases[c].c);
    if ((error = hr_runner_judge_all(run, &background)) < 0 ||
        (error = hr_ptests_judge(run)) < 0)
        goto done;
    run->exit_code = run->failed_variants.n > 0 ||
                     hr_ptests_nonpass(run->ptests) > 0;
    for (size_t c = 0; c < run->ncases; c++)
        if (run->cases[c].verdict->kind != HR_PASS)
            run->exit_code = 1;
done:
    for (size_t i = 0; i < n; i++)
        hr_report_free(s[i].r);
    hr_free(s);
    hr_strv_release(&background);
    if (error < 0)
        run->exit_code = 2;
    return error;
}

/*
 * NAME
 *	run/runner 3
 * SUMMARY
 *	the main job: build, replay everywhere, compare, judge
 * SYNOPSIS
 *	#include "run/runner.h"
 *
 *	int	hr_runner_run(out, opts)
 *	int	hr_runner_judge_all(run, background)
 *	void	hr_run_free(run)
 * DESCRIPTION
 *	hr_runner_run() builds the variants (O0, default and O2 unless
 *	told otherwise) in parallel where there are cores, skipping cached
 *	builds; runs every case opts->reps times on every build under
 *	every libenv (phases(3)); and gives every case a verdict with its
 *	evidence (verdict(3)): the differing cells, a unified diff of a
 *	representative pair made with libgit2, the first log finding of
 *	each side. Every observation is written to
 *	OUT/observations/CASE/VARIANT.LIBENV.REP.txt, and every case file
 *	as it ran to OUT/cases/CASE.case.
 *
 *	A build that fails is recorded (run->failed_variants, with its
 *	one-line error) and the run goes on without it. An instance that
 *	does not start, or fails under a case, is that cell's observation
 *	(hr_caserun_failed()), judged like any other; the next case gets
 *	a fresh instance.
 *
 *	Each sanitizer build's background findings come from its baseline:
 *	an instance that starts and serves one empty session. They do not
 *	depend on which cases diverged.
 *
 *	A replica (NAME@LABEL), and every build with no_ccache, is
 *	compiled without ccache.
 *
 *	With ub_check, when a case gets the compiler verdict and the run
 *	has no UB-check build, the ubsan and wrapv variants are built and
 *	the divergent cases run on them too, before the verdicts are
 *	final.
 *
 *	With confirm, every flapping cell, and every cell that a divergent
 *	verdict stands on while it flapped in another case, is rerun on
 *	each CPU in turn (confirm(3)).
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
 *	A negative return means trouble: a malformed case, no build at
 *	all, the harness's own failure. Findings are not errors.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "run/runner.h"
#include "case/func.h"
#include "source/source.h"
#include "run/confirm.h"
#include "run/phases.h"
#include "run/ptests.h"
#include "util/cleanup.h"
#include "build/build.h"
#include "build/buildspec.h"
#include "replay/caserun.h"
#include "util/clock.h"
#include "narrow/escalate.h"
#include "narrow/reduce.h"
#include "util/fsutil.h"
#include "instance/instance.h"
#include "instance/libenv.h"
#include "run/machine.h"
#include "util/mem.h"
#include "util/msg.h"
#include "util/paths.h"
#include "verdict/evidence.h"


/* cc_name - the name a build's compiler was given ("gcc", "clang-15", a
 * wrapper's file name) */
static const char *cc_name(const hr_build *b)
{
    const char *cc = b->cc && *b->cc ? b->cc : b->cc_path;
    const char *slash = cc ? strrchr(cc, '/') : NULL;

    return slash ? slash + 1 : cc;
}

/* hr_runner_cc_witness - a build's compiler as the verdict counts
 * witnesses: one per identity (resolved path and SHA-256), so that "gcc" and "gcc-12", the
 * same executable, are one witness; named as the first build of that
 * identity names it, with the SHA-256's start when two identities
 * share a name */
const char *hr_runner_cc_witness(hr_run *run, size_t b)
{
    if (run->cc_witness.n != run->nbuilds) {
        hr_strv_release(&run->cc_witness);
        for (size_t i = 0; i < run->nbuilds; i++) {
            const hr_build *bi = run->builds[i];
            const char *name = NULL;
            int clash = 0;

            for (size_t j = 0; j < i && name == NULL; j++)
                if (strcmp(run->builds[j]->cc_sha256, bi->cc_sha256) == 0)
                    name = run->cc_witness.v[j];
            if (name) {
                hr_strv_add(&run->cc_witness, name);
                continue;
            }
            for (size_t j = 0; j < run->nbuilds; j++)
                clash |= strcmp(cc_name(run->builds[j]), cc_name(bi)) == 0 &&
                         strcmp(run->builds[j]->cc_sha256, bi->cc_sha256) != 0;
            if (clash)
                hr_strv_addf(&run->cc_witness, "%s@%.8s", cc_name(bi),
                             bi->cc_sha256);
            else
                hr_strv_add(&run->cc_witness, cc_name(bi));
        }
    }
    return run->cc_witness.v[b];
}

/* hr_runner_opt_label - a build's optimization, for people */
const char *hr_runner_opt_label(const hr_build *b)
{
    if (b->opt == NULL || b->opt[0] == 0)
        return "-O0";
    if (b->opt[0] == '(')
        return "-O";            /* "(postfix default)" */
    return b->opt;
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
            hr_run_cell *cell = hr_phase_cell(run, ci, b, e);
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
            cells[n].compiler = hr_runner_cc_witness(run, b);
            cells[n].opt = hr_runner_opt_label(bd);
            cells[n].golden = rc->c->golden != NULL;
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

        error = hr_evidence_diff(&rc->diff,
                                 rc->expected ? rc->expected : "",
                                 "expected", observed, cells[0].build);
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
    /* A func case: the function and the first inputs that differ. */
    if (error == 0 && rc->c->kind == HR_CASE_FUNC &&
        rc->verdict->kind != HR_PASS && n > 0) {
        const hr_verdict *v = rc->verdict;
        const hr_rep *lrep = NULL, *rrep = NULL;
        char *note;

        if (v->left_cell >= 0 && v->right_cell >= 0) {
            lrep = &rc->cells[cell_index[v->left_cell]].reps[v->left_rep];
            rrep = &rc->cells[cell_index[v->right_cell]].reps[v->right_rep];
        }
        note = lrep ? hr_evidence_func_inputs(lrep->obs, v->left, rrep->obs,
                                              v->right,
                                              rc->c->func->calls[0].function)
               : rc->expected
                   ? hr_evidence_func_inputs(rc->expected, "expected",
                                             hr_obs_text(cells[0].obs[0]),
                                             cells[0].build,
                                             rc->c->func->calls[0].function)
                   : NULL;
        if (note) {
            char *summary = hr_sprintf("%s; %s", v->summary, note);

            hr_free(rc->verdict->summary);
            rc->verdict->summary = summary;
            hr_free(note);
        }
    }
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

/* hr_runner_judge_all - every case's verdict from the run's cells, as
 * the main job judges them (merge(3) judges shards joined) */
int hr_runner_judge_all(hr_run *run, const hr_strv *background)
{
    int error = 0;

    for (size_t i = 0; i < run->ncases && error == 0; i++)
        error = judge(run, i, background);
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

/* drop_failed_builds - builds [first..] that could not be made leave the
 * run (run->failed_variants has them); their cells never ran */
static void drop_failed_builds(hr_run *run, size_t first)
{
    size_t to = first, ne = run->nlibenvs;

    for (size_t b = first; b < run->nbuilds; b++) {
        if (run->builds[b] == NULL) {
            for (size_t ci = 0; ci < run->ncases; ci++)
                for (size_t e = 0; e < ne; e++)
                    hr_free(run->cases[ci].cells[b * ne + e].reps);
            continue;
        }
        if (to != b) {
            run->builds[to] = run->builds[b];
            run->build_cached[to] = run->build_cached[b];
            for (size_t ci = 0; ci < run->ncases; ci++)
                for (size_t e = 0; e < ne; e++) {
                    hr_run_cell *c = &run->cases[ci].cells[to * ne + e];

                    *c = run->cases[ci].cells[b * ne + e];
                    c->build = to;
                }
        }
        to++;
    }
    run->nbuilds = to;
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
            hr_phase_find_cell(run, v->left, &lb, &le) < 0 ||
            hr_phase_find_cell(run, v->right, &rb, &re) < 0)
            continue;
        if (hr_interrupted())
            return hr_error_set(HR_EINTR, "interrupted");
        hr_phase_say(o, "escalating %s: %s against %s", rc->c->name, v->left, v->right);
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

/* reduce_all - the smtp cases whose builds diverge (compiler,
 * undefined-behavior), reduced between the representative pair's
 * builds under its library environment; the reduced case goes to
 * OUT/reduced/CASE.case and into the evidence. A case that cannot be
 * reduced keeps its evidence as it is, and says so. */
static int reduce_all(hr_run *run, const hr_runner_opts *o)
{
    for (size_t i = 0; i < run->ncases; i++) {
        hr_run_case *rc = &run->cases[i];
        const hr_verdict *v = rc->verdict;
        size_t lb, le, rb, re;
        hr_reduce_opts ro;
        hr_reduce_result res;
        char *work, *file, *path;
        int error;

        if ((v->kind != HR_COMPILER && v->kind != HR_UB) ||
            rc->c->kind != HR_CASE_SMTP || v->left == NULL ||
            v->right == NULL ||
            hr_phase_find_cell(run, v->left, &lb, &le) < 0 ||
            hr_phase_find_cell(run, v->right, &rb, &re) < 0 || le != re)
            continue;
        if (hr_interrupted())
            return hr_error_set(HR_EINTR, "interrupted");
        hr_phase_say(o, "reducing %s: %s against %s", rc->c->name, v->left,
                     v->right);
        memset(&ro, 0, sizeof(ro));
        work = hr_sprintf("%s/reduce/%s", run->out_dir, rc->c->name);
        ro.case_path = rc->c->path;
        ro.good = run->builds[lb]->variant;
        ro.bad = run->builds[rb]->variant;
        ro.source = run->source_commit;
        ro.cc = o->cc;
        ro.libenv = le > 0 ? &run->libenvs[le] : NULL;
        ro.work_dir = work;
        ro.max_seconds = 300;
        ro.progress = o->progress;
        ro.payload = o->payload;
        error = hr_reduce_run(&res, &ro);
        hr_rm_rf(work);
        hr_free(work);
        if (error == HR_EINTR)
            return error;
        if (error < 0) {
            hr_phase_say(o, "%s: not reduced: %s", rc->c->name,
                         hr_error_last());
            hr_reduce_result_release(&res);
            continue;
        }
        file = hr_sprintf("reduced/%s.case", rc->c->name);
        path = hr_path_join(run->out_dir, file);
        {
            char *dir = hr_path_dirname(path);

            error = hr_mkdir_p(dir, 0755);
            hr_free(dir);
        }
        if (error == 0)
            error = hr_file_write_atomic(path, res.case_text,
                                         strlen(res.case_text), 0644);
        hr_free(path);
        if (error < 0) {
            hr_free(file);
            hr_reduce_result_release(&res);
            return error;
        }
        rc->reduced_file = file;
        rc->reduced_text = res.case_text;
        res.case_text = NULL;
        rc->reduced_before = res.lines_before;
        rc->reduced_after = res.lines_after;
        rc->reduced_trials = res.trials;
        rc->reduced_seconds = res.seconds;
        hr_reduce_result_release(&res);
    }
    return 0;
}

/* build_labels - what the run builds: its variants (three by default),
 * or with --compilers every variant that names no compiler of its own
 * once per compiler, labelled "VARIANT COMPILER", compiler-major ("O0
 * gcc-12", "O2 gcc-12", "O0 clang-15", ...), so that a shard of a
 * compiler matrix holds one compiler's builds (the CI templates cut
 * compilers x shards that way); variants that name their own compiler
 * or are prebuilt come after the matrix */
static int build_labels(hr_strv *out, const hr_runner_opts *o,
                        const char *const *defaults)
{
    size_t n = o->variants.n ? o->variants.n : 3;
    hr_strv matrix = HR_STRV_INIT, own = HR_STRV_INIT;
    int error = 0;

    for (size_t i = 0; i < n && error == 0; i++) {
        const char *v = o->variants.n ? o->variants.v[i] : defaults[i];
        hr_buildspec *spec = NULL;

        if (o->compilers.n == 0) {
            hr_strv_add(out, v);
            continue;
        }
        if (strchr(v, ' ')) {
            error = hr_error_set(HR_EINPUT, "variant '%s': a variant name "
                                 "has no blank", v);
            break;
        }
        if ((error = hr_buildspec_load(&spec, hr_specs_dir(), v)) < 0)
            break;
        hr_strv_add(spec->cc || spec->prebuilt ? &own : &matrix, v);
        hr_buildspec_free(spec);
    }
    for (size_t k = 0; k < o->compilers.n && error == 0; k++)
        for (size_t i = 0; i < matrix.n; i++)
            hr_strv_addf(out, "%s %s", matrix.v[i],
                         hr_path_basename(o->compilers.v[k]));
    hr_strv_addv(out, &own);
    hr_strv_release(&matrix);
    hr_strv_release(&own);
    return error;
}

/* check_compilers - every compiler of --compilers that a build of the
 * run (or of its shard) uses is installed: bad input otherwise, said
 * before anything is built */
static int check_compilers(const hr_strv *labels, const hr_runner_opts *o)
{
    for (size_t k = 0; k < o->compilers.n; k++) {
        const char *name = hr_path_basename(o->compilers.v[k]);
        size_t len = strlen(name);
        hr_compiler *cc = NULL;
        int used = 0, error;

        for (size_t i = 0; i < labels->n && !used; i++) {
            const char *blank = strchr(labels->v[i], ' ');

            used = blank && strlen(blank + 1) == len &&
                   strcmp(blank + 1, name) == 0;
        }
        if (!used)
            continue;
        error = hr_compiler_identify(&cc, o->compilers.v[k]);
        hr_compiler_free(cc);
        if (error < 0)
            return hr_error_set(HR_EINPUT, "--compilers: '%s' is not "
                                "installed (make deps COMPILERS=\"%s\" "
                                "installs Debian's): %s",
                                o->compilers.v[k], o->compilers.v[k],
                                hr_error_last());
    }
    return 0;
}

/* shard_share - run --shard K/N: the (build, case) pairs in build-major
 * order, cut into N runs of nearly equal length; shard K takes the K-th,
 * so that it builds few of the builds and runs its share of the cases.
 * The same builds and cases give every shard the same cut. Labels of
 * builds the share does not touch are dropped from labels. */
static void shard_share(hr_run *run, hr_strv *labels, hr_case **cases,
                        size_t ncases, int k, int n)
{
    size_t total = labels->n * ncases;
    size_t lo = total * (size_t)(k - 1) / (size_t)n;
    size_t hi = total * (size_t)k / (size_t)n;
    hr_strv keep = HR_STRV_INIT;

    for (size_t b = 0; b < labels->n; b++) {
        int used = 0;

        for (size_t c = 0; c < ncases; c++) {
            size_t i = b * ncases + c;

            if (i >= lo && i < hi) {
                hr_strv_addf(&run->shard_pairs, "%s\t%s", labels->v[b],
                             cases[c]->name);
                used = 1;
            }
        }
        if (used)
            hr_strv_add(&keep, labels->v[b]);
    }
    hr_strv_sort(&run->shard_pairs);
    hr_strv_release(labels);
    *labels = keep;
}

/* hr_runner_run - the main job */
int hr_runner_run(hr_run **out, const hr_runner_opts *o)
{
    static const char *const default_variants[] = {"O0", "default", "O2"};
    static const char *const ub_variants[] = {"ubsan", "wrapv"};
    hr_run *run = hr_calloc(1, sizeof(*run));
    hr_case **cases = NULL;
    const char **variants = NULL;
    hr_strv background = HR_STRV_INIT, labels = HR_STRV_INIT;
    hr_source_rev sr;
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

    /* Cases first: a malformed case stops the run before any build. The
     * source's version decides which version overlays apply. */
    if ((error = hr_source_lookup(&sr, o->source)) < 0)
        goto done;
    if (o->case_args.n > 0)
        error = hr_case_load_all(&cases, &ncases,
                                 (const char *const *)o->case_args.v,
                                 o->case_args.n, sr.version);
    else {
        const char *dir = hr_cases_dir();

        error = hr_case_load_all(&cases, &ncases, &dir, 1, sr.version);
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

    /* Builds: the variants, or with --compilers each variant that names
     * no compiler once per compiler ("O2 clang-15"). */
    if ((error = build_labels(&labels, o, default_variants)) < 0)
        goto done;
    if (o->shard_n > 0) {
        run->shard_k = o->shard_k;
        run->shard_n = o->shard_n;
        shard_share(run, &labels, cases, ncases, o->shard_k, o->shard_n);
    }
    if ((error = check_compilers(&labels, o)) < 0)
        goto done;
    nvariants = labels.n;
    variants = hr_calloc(nvariants, sizeof(char *));
    for (size_t i = 0; i < nvariants; i++) {
        variants[i] = labels.v[i];
        for (size_t j = 0; j < i; j++)
            if (strcmp(variants[i], variants[j]) == 0) {
                error = hr_error_set(HR_EINPUT, "build '%s' is listed "
                                     "twice; use NAME@LABEL for a replica",
                                     variants[i]);
                goto done;
            }
    }
    run->ncases = ncases;
    run->cases = hr_calloc(ncases, sizeof(hr_run_case));
    run->user = o->user;
    for (size_t i = 0; i < ncases; i++) {
        /* A user's configuration: the goldens and the cases' replies were
         * written for the base configuration, and do not apply. */
        if (o->user) {
            cases[i]->user = o->user;
            hr_free(cases[i]->golden);
            cases[i]->golden = NULL;
        }
        run->cases[i].c = cases[i];
        run->cases[i].expected = hr_caserun_expected(cases[i]);
    }
    /* Before minutes of building: can the daemons reach the run? */
    if ((error = hr_instance_reachable(run->out_dir)) < 0)
        goto done;
    grow_builds(run, nvariants);
    if ((error = hr_phase_build(run, o, variants, nvariants, 0)) < 0)
        goto done;
    drop_failed_builds(run, 0);
    if (run->nbuilds == 0) {
        error = hr_error_set(HR_ERROR, "no build could be made: %s",
                             run->failed_errors.v[0]);
        goto done;
    }
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
        /* and its golden, so that a bundle has all a case expects */
        if (error == 0 && cases[i]->golden) {
            char *g = hr_sprintf("%s/cases/%s.golden", run->out_dir,
                                 cases[i]->name);

            error = hr_file_write_atomic(g, cases[i]->golden,
                                         strlen(cases[i]->golden), 0644);
            hr_free(g);
        }
        hr_free(parent);
        hr_free(to);
    }
    if (error < 0 || (error = hr_phase_replay(run, o, cases, NULL, 0)) < 0 ||
        (error = hr_phase_baseline(&background, run, o, 0)) < 0)
        goto done;
    for (size_t i = 0; i < ncases && error == 0; i++)
        error = judge(run, i, &background);
    if (error < 0)
        goto done;

    /* Postfix's own tests, in each build's tree. */
    if (o->postfix_tests && (error = hr_ptests_run(run, o)) < 0)
        goto done;

    /* A shard observes its share; the merge judges the whole. */
    if (run->shard_n > 0)
        goto finish;

    /* --ub-check: UB-check builds for the divergent cases. */
    if (o->ub_check && !has_ub_check(run)) {
        int *mask = hr_calloc(ncases, sizeof(int));
        size_t ndiv = 0, b0 = run->nbuilds;

        for (size_t i = 0; i < ncases; i++)
            if (run->cases[i].verdict->kind == HR_COMPILER)
                mask[i] = 1, ndiv++;
        if (ndiv > 0) {
            const char *uv[2] = {ub_variants[0], ub_variants[1]};

            hr_phase_say(o, "divergence: adding ubsan and wrapv");
            grow_builds(run, 2);
            if ((error = hr_phase_build(run, o, uv, 2, b0)) == 0)
                drop_failed_builds(run, b0);
            /* When neither could be made, the verdicts stand. */
            if (error == 0 && run->nbuilds > b0 &&
                (error = hr_phase_replay(run, o, cases, mask, b0)) == 0 &&
                (error = hr_phase_baseline(&background, run, o, b0)) == 0)
                for (size_t i = 0; i < ncases && error == 0; i++)
                    if (mask[i])
                        error = judge(run, i, &background);
        }
        hr_free(mask);
        if (error < 0)
            goto done;
    }

    /* Flaps, and divergences that rest on a cell that flapped: rerun on
     * each CPU. */
    if ((error = hr_confirm_all(run, o)) < 0)
        goto done;

    /* --escalate: DEBUG_README's ladder on both sides of a divergence. */
    if (o->escalate && (error = escalate_all(run, o)) < 0)
        goto done;

    /* --reduce: each divergence between builds, made small. */
    if (o->reduce && (error = reduce_all(run, o)) < 0)
        goto done;

finish:
    /* A build that failed is a finding too. */
    run->exit_code = run->failed_variants.n > 0;
    for (size_t i = 0; i < ncases && run->shard_n == 0; i++)
        if (run->cases[i].verdict->kind != HR_PASS)
            run->exit_code = 1;
    if (run->shard_n == 0 && hr_ptests_nonpass(run->ptests) > 0)
        run->exit_code = 1;
done:
    hr_machine_edac_after(&run->machine, HR_MACHINE_ROOT);
    run->seconds = hr_clock_s() - t0;
    if (error < 0)
        run->exit_code = 2;
    hr_free(variants);
    hr_strv_release(&labels);
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
        hr_confirm_free(rc->confirm);
        hr_free(rc->reduced_file);
        hr_free(rc->reduced_text);
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
    hr_strv_release(&run->failed_variants);
    hr_strv_release(&run->cc_witness);
    hr_strv_release(&run->shard_pairs);
    for (size_t i = 0; i < run->nshards; i++)
        hr_run_shard_release(&run->shards[i]);
    hr_free(run->shards);
    hr_ptests_free(run->ptests);
    hr_strv_release(&run->failed_errors);
    hr_free(run->id);
    hr_free(run->out_dir);
    hr_free(run->command);
    hr_free(run->started);
    hr_free(run->source_commit);
    hr_free(run->source_tree);
    hr_free(run->source_version);
    hr_free(run);
}

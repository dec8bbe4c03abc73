/*
 * NAME
 *	cmd_bisect 1
 * SUMMARY
 *	narrow a divergence: objects, flags, commits
 * SYNOPSIS
 *	pfharness bisect objects --good V --bad V --case CASE [--source REV]
 *		[--cc CC] [COMMON]
 *	pfharness bisect flags --variant BAD --case CASE [--object OBJ]
 *		[--good V] [--source REV] [--cc CC] [COMMON]
 *	pfharness bisect commits --git PATH --good REV --bad REV --case CASE
 *		[--variant V] [--cc CC] [--first-parent] [COMMON]
 *
 *	COMMON: [--libenv NAME[:VAR=VAL,...]] [--reps N] [--out DIR] [--keep]
 * DESCRIPTION
 *	objects: two builds of one source with one compiler (bisect(3)
 *	over mix(3)): mix their objects, relink, replay the case, descend
 *	one half at a time, confirm the culprit alone, look for more with
 *	it held at good, then cross-check the culprit for undefined
 *	behaviour (UBSan, and the -fwrapv set). A trial whose programs are
 *	byte for byte those of a build already replayed is not replayed.
 *	Output ends with "culprit: OBJECT" lines.
 *
 *	flags: subtract the flags that the bad level enables (gcc) with
 *	ddmin, from one object (--object: recompiled alone and relinked) or
 *	from the whole build (each trial a build); with clang, bisect
 *	-mllvm -opt-bisect-limit to a pass (needs --object). Output ends
 *	with "flags: ..." (or "pass: N NAME"), or says that no flag
 *	explains the divergence.
 *
 *	commits: fetch PATH with libgit2, walk good..bad (optionally first
 *	parents only), build and replay midpoints, skip commits that do
 *	not build, and name the first bad commit by its id in PATH with
 *	its summary line ("first bad commit: ID SUMMARY").
 *
 *	Every trial runs the case --reps times (2); a trial that flaps
 *	stops the bisection with a hardware/flaky message and no culprit.
 *	The record goes to --out (default var/runs/bisect-ID): KIND.json,
 *	KIND.log, the case, and both sides' observations (good.txt,
 *	bad.txt). Trial trees and instances live in var/bisect/ID and are
 *	removed at the end unless --keep.
 *
 *	Exit status: 0 a culprit was named, 1 the bisection ended without
 *	one (flaky, a guard failed, no flag explains, no divergence), 2
 *	trouble.
 * SEE ALSO
 *	bisect(3), flagbisect(3), commitbisect(3), mix(3), trial(3),
 *	narrow(3).
 */
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "narrow/objbisect.h"
#include "build/build.h"
#include "case/case.h"
#include "util/clock.h"
#include "cmd/cmd.h"
#include "narrow/commitbisect.h"
#include "narrow/flagbisect.h"
#include "util/fsutil.h"
#include "source/gitrepo.h"
#include "util/hash.h"
#include "instance/libenv.h"
#include "build/makelog.h"
#include "util/mem.h"
#include "narrow/mixtree.h"
#include "util/msg.h"
#include "narrow/record.h"
#include "util/paths.h"
#include "source/source.h"
#include "util/spawn.h"
#include "narrow/trial.h"

#define WRAPV_FLAGS                                                            \
    "-fwrapv -fno-strict-aliasing -fno-aggressive-loop-optimizations "         \
    "-fno-delete-null-pointer-checks"
#define UBSAN_FLAGS "-fsanitize=undefined"
#define MAX_CULPRITS 4

static const char usage[] =
    "usage: pfharness bisect objects --good V --bad V --case CASE\n"
    "                        [--source REV] [--cc CC] [--max-culprits N]\n"
    "                        [COMMON]\n"
    "       pfharness bisect flags --variant BAD --case CASE [--object OBJ]\n"
    "                        [--good V] [--source REV] [--cc CC] [COMMON]\n"
    "       pfharness bisect commits --git PATH --good REV --bad REV\n"
    "                        --case CASE [--variant V] [--cc CC]\n"
    "                        [--first-parent] [COMMON]\n"
    "COMMON: [--libenv NAME[:VAR=VAL,...]] [--reps N] [--out DIR] [--keep]\n"
    "\n"
    "Narrow a divergence between two builds to what a compiler vendor or a\n"
    "Postfix maintainer can act on.\n"
    "\n"
    "  objects   mix the object files of two builds of one source (same\n"
    "            compiler), relink, replay; name the culprit object(s),\n"
    "            confirmed alone, and cross-check them for undefined\n"
    "            behaviour (UBSan, -fwrapv ...)\n"
    "  flags     find a minimal set of the flags the bad level enables whose\n"
    "            -fno- form removes the divergence, in one object (--object)\n"
    "            or in the whole build; clang: the pass, by\n"
    "            -mllvm -opt-bisect-limit (needs --object)\n"
    "  commits   the first bad commit between two revisions of a git\n"
    "            repository, by its id there; commits that do not build are\n"
    "            skipped\n"
    "\n"
    "  --case CASE       the one case that shows the divergence\n"
    "  --good V, --bad V variants (objects); --good V is the reference for\n"
    "                    flags (default O0)\n"
    "  --variant V       the bad variant (flags); the variant built at each\n"
    "                    commit (commits, default O0)\n"
    "  --object OBJ      a tree-relative object, such as src/global/xtext.o\n"
    "  --max-culprits N  stop after N culprits (default 4)\n"
    "  --first-parent    follow only the first parent of merges\n"
    "  --libenv SPEC     run the daemons in a library environment\n"
    "  --reps N          runs per trial (default 2; runs that differ stop\n"
    "                    the bisection: the same binary did not reproduce)\n"
    "  --out DIR         the record (default var/runs/bisect-ID)\n"
    "  --keep            keep the trial tree and instances (var/bisect/ID)\n"
    "\n"
    "Exit status: 0 a culprit was named, 1 none was (flaky, a guard failed,\n"
    "no flag explains, no divergence), 2 trouble.\n";

/* What every kind of bisection shares. */
typedef struct bctx {
    const char *kind;
    hr_case **cases;
    size_t ncases;
    const hr_case *c;
    hr_libenv env;
    int has_env;
    int reps;
    int keep;
    char *id;
    char *out_dir;
    char *work;
    hr_record *rec;
    hr_trial *trial;
    double t0;
    int steps;
    int replays;
    int relinks;
    char *good_obs, *bad_obs;
} bctx;

/* out - one line of results, also into the record's log */
static void out(bctx *x, const char *fmt, ...) HR_PRINTF(2, 3);
static void out(bctx *x, const char *fmt, ...)
{
    va_list ap;
    char *line;

    va_start(ap, fmt);
    line = hr_vsprintf(fmt, ap);
    va_end(ap);
    printf("%s\n", line);
    fflush(stdout);
    if (x->rec)
        hr_record_log(x->rec, "%s", line);
    hr_free(line);
}

/* ctx_init - the case, the directories, the record, the trial */
static int ctx_init(bctx *x, const char *kind, const char *case_path,
                    const char *out_dir, const char *libenv_spec,
                    const char *command)
{
    hr_trial_opts to = HR_TRIAL_OPTS_INIT;
    char *inst;
    int error;

    x->kind = kind;
    x->t0 = hr_clock_s();
    if (libenv_spec) {
        if ((error = hr_libenv_parse(&x->env, libenv_spec)) < 0)
            return error;
        x->has_env = 1;
    }
    if ((error = hr_case_load_all(&x->cases, &x->ncases, &case_path, 1)) < 0)
        return error;
    if (x->ncases != 1)
        return hr_error_set(HR_EINPUT,
                            "--case '%s' holds %zu cases; a "
                            "bisection follows one",
                            case_path, x->ncases);
    x->c = x->cases[0];
    x->id = hr_clock_id();
    x->out_dir = out_dir ? hr_path_abs(out_dir)
                         : hr_sprintf("%s/bisect-%s", hr_runs_root(), x->id);
    x->work = hr_sprintf("%s/bisect/%s", hr_var_dir(), x->id);
    if ((error = hr_mkdir_p(x->out_dir, 0755)) < 0 ||
        (error = hr_mkdir_p(x->work, 0755)) < 0)
        return error;
    hr_record_new(&x->rec, kind, x->out_dir);
    hr_record_set_str(x->rec, "id", x->id);
    hr_record_set_str(x->rec, "command", command);
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

/* ctx_release - free; the work directory goes unless --keep */
static void ctx_release(bctx *x)
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
    hr_free(x->good_obs);
    hr_free(x->bad_obs);
}

/* hardware - the message for a trial that did not reproduce */
static void hardware(bctx *x, const char *what)
{
    out(x,
        "hardware: %s gave different observations in runs of the same "
        "binary on the same input",
        what);
    out(x, "no culprit named: DEBUG_README's sign of a hardware fault (or "
           "a race); a bisection needs a behaviour that reproduces");
    hr_record_set_str(x->rec, "result.status", "flaky");
    hr_record_set_str(x->rec, "result.message", "a trial did not reproduce");
}

/* save_obs - an observation into the record's directory */
static int save_obs(bctx *x, const char *name, const char *obs)
{
    char *path = hr_path_join(x->out_dir, name);
    int error = hr_file_write_atomic(path, obs, strlen(obs), 0644);

    hr_free(path);
    return error;
}

/* sides - observe the good and the bad build; 1 when the bisection
 * cannot go on (flaky, or no divergence), with the reason printed */
static int sides(bctx *x, const char *good_label, const hr_build *good,
                 const char *bad_label, const hr_build *bad)
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
        out(x, "%s side: %s (build %s) observed %d times, %.1f s",
            side ? "bad" : "good", label, b->id, run.reps, hr_clock_s() - t0);
        if (run.flaky) {
            char *what =
                hr_sprintf("the %s side (%s)", side ? "bad" : "good", label);

            save_obs(x, side ? "bad.1.txt" : "good.1.txt", run.obs[0]);
            save_obs(x, side ? "bad.2.txt" : "good.2.txt", run.obs[1]);
            hardware(x, what);
            hr_free(what);
            hr_trial_run_release(&run);
            return 1;
        }
        if (side)
            x->bad_obs = hr_strdup(run.obs[0]);
        else
            x->good_obs = hr_strdup(run.obs[0]);
        hr_trial_run_release(&run);
    }
    if ((error = save_obs(x, "good.txt", x->good_obs)) < 0 ||
        (error = save_obs(x, "bad.txt", x->bad_obs)) < 0)
        return error;
    hr_record_set_str(x->rec, "observations.good", "good.txt");
    hr_record_set_str(x->rec, "observations.bad", "bad.txt");
    hr_trial_set_sides(x->trial, x->good_obs, x->bad_obs);
    if (!hr_trial_sides_differ(x->trial)) {
        out(x, "no divergence: %s and %s behave the same on %s", good_label,
            bad_label, x->c->name);
        hr_record_set_str(x->rec, "result.status", "no-divergence");
        return 1;
    }
    return 0;
}

/* build_variant - build (or find cached) one variant */
static int build_variant(hr_build **b, const char *variant, const char *source,
                         const char *cc, const char *extra_opt)
{
    hr_build_opts bo = HR_BUILD_OPTS_INIT;

    bo.variant = variant;
    bo.source = source;
    bo.cc = cc;
    bo.extra_opt = extra_opt;
    return hr_build_run(b, &bo);
}

/* finish - timing, counts, the record; the exit code passes through */
static int finish(bctx *x, int code)
{
    double secs = hr_clock_s() - x->t0;

    hr_record_set_int(x->rec, "counts.replays", x->replays);
    hr_record_set_int(x->rec, "counts.relinks", x->relinks);
    hr_record_set_num(x->rec, "seconds", secs);
    hr_record_set_int(x->rec, "exit", code);
    if (hr_record_write(x->rec) < 0)
        return hr_cmd_fail();
    return code;
}

/* A trial tree's answers, remembered by the digest of its programs. */
typedef struct seen {
    char digest[HR_SHA256_HEX];
    hr_outcome outcome;
    int step;
} seen;

typedef struct objctx {
    bctx *x;
    hr_mixtree *mix;
    char good_digest[HR_SHA256_HEX], bad_digest[HR_SHA256_HEX];
    seen *seen;
    size_t nseen;
    int relink_replays; /* trials that relinked and replayed */
} objctx;

/* describe - what a mix holds, with names when they are few */
static char *describe(const objctx *o, const unsigned char *bad, size_t n,
                      const char *what)
{
    hr_buf b = HR_BUF_INIT;
    size_t k = 0;

    for (size_t i = 0; i < n; i++)
        k += bad[i] != 0;
    hr_buf_puts(&b, what);
    if (k >= 1 && k <= 2 && k < n) {
        hr_buf_puts(&b, ":");
        for (size_t i = 0; i < n; i++)
            if (bad[i])
                hr_buf_printf(&b, " %s", hr_mixtree_object(o->mix, i));
    }
    return hr_buf_detach(&b);
}

/* record_step - one step into the record and onto stdout */
static void record_step(bctx *x, const char *phase, const char *what,
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
    out(x, "%3d  %-7s  %-5s  %5.1f s  %s%s%s", x->steps, phase,
        hr_outcome_name(outcome), secs, what, note && *note ? "; " : "",
        note ? note : "");
}

/* save_run - a trial's observation(s), when they are worth a look */
static char *save_run(bctx *x, const hr_trial_run *run, hr_outcome o)
{
    char *name = NULL;

    if (o == HR_OUTCOME_OTHER) {
        name = hr_sprintf("step%d.other.txt", x->steps + 1);
        save_obs(x, name, run->obs[0]);
    } else if (o == HR_OUTCOME_FLAKY) {
        char *second = hr_sprintf("step%d.run2.txt", x->steps + 1);

        name = hr_sprintf("step%d.run1.txt", x->steps + 1);
        save_obs(x, name, run->obs[0]);
        save_obs(x, second, run->obs[1]);
        hr_free(second);
    }
    return name;
}

/* obj_oracle - relink a mix, and replay it unless its programs are known */
static int obj_oracle(hr_outcome *res, const unsigned char *bad, size_t n,
                      hr_objbisect_phase phase, const char *what, void *payload)
{
    objctx *o = payload;
    bctx *x = o->x;
    double t0 = hr_clock_s();
    char digest[HR_SHA256_HEX];
    char *desc = describe(o, bad, n, what), *note = NULL, *file = NULL;
    int replayed = 0, error;
    size_t relinked;

    if ((error = hr_mixtree_set(o->mix, bad)) < 0 ||
        (error = hr_mixtree_relink(o->mix, NULL)) < 0 ||
        (error = hr_mixtree_digest(digest, o->mix)) < 0)
        goto done;
    relinked = hr_mixtree_relinked(o->mix);
    if (relinked)
        x->relinks++;
    if (strcmp(digest, o->good_digest) == 0) {
        *res = HR_OUTCOME_GOOD;
        note = hr_strdup("programs identical to the good build's: not "
                         "replayed");
    } else if (strcmp(digest, o->bad_digest) == 0) {
        *res = HR_OUTCOME_BAD;
        note = hr_strdup("programs identical to the bad build's: not "
                         "replayed");
    } else {
        for (size_t i = 0; i < o->nseen && note == NULL; i++)
            if (strcmp(o->seen[i].digest, digest) == 0) {
                *res = o->seen[i].outcome;
                note = hr_sprintf("programs identical to step %d's: not "
                                  "replayed",
                                  o->seen[i].step);
            }
    }
    if (note == NULL) {
        hr_trial_run run;

        if ((error =
                 hr_trial_judge(res, x->trial, hr_mixtree_build(o->mix), &run)) < 0)
            goto done;
        x->replays++;
        replayed = 1;
        if (relinked)
            o->relink_replays++;
        if ((file = save_run(x, &run, *res)) != NULL)
            note = hr_sprintf("observation in %s", file);
        hr_trial_run_release(&run);
        o->seen = hr_realloc(o->seen, (o->nseen + 1) * sizeof(*o->seen));
        memcpy(o->seen[o->nseen].digest, digest, HR_SHA256_HEX);
        o->seen[o->nseen].outcome = *res;
        o->seen[o->nseen].step = x->steps + 1;
        o->nseen++;
    }
    note = note ? note : hr_strdup("");
    {
        char *full = hr_sprintf("%zu program(s) relinked%s%s", relinked,
                                *note ? "; " : "", note);

        record_step(x, hr_objbisect_phase_name(phase), desc, *res, hr_clock_s() - t0,
                    (long)relinked, replayed, full);
        hr_free(full);
    }
done:
    hr_free(desc);
    hr_free(note);
    hr_free(file);
    return error;
}

/* source_of - "src/global/xtext.c" for "src/global/xtext.o" */
static char *source_of(const char *object)
{
    size_t n = strlen(object);

    return hr_sprintf("%.*s.c", (int)(n > 2 ? n - 2 : n), object);
}

/* The UBSan runtime reads its options when it first reports. A Postfix
 * daemon has dropped root by then, and /proc/self/environ (where the
 * runtime looks) is no longer readable: log_path is lost, and reports go
 * to stderr, which is /dev/null. Linked into the trial's programs, this
 * object keeps UBSAN_OPTIONS from the start and hands them over. */
static const char ubsan_options_c[] =
    "/* made by pfharness bisect: UBSAN_OPTIONS kept from the start */\n"
    "#include <stdlib.h>\n"
    "#include <string.h>\n"
    "static char options[4096];\n"
    "__attribute__((constructor)) static void keep(void)\n"
    "{\n"
    "    const char *o = getenv(\"UBSAN_OPTIONS\");\n"
    "\n"
    "    if (o)\n"
    "        strncpy(options, o, sizeof(options) - 1);\n"
    "}\n"
    "const char *__ubsan_default_options(void);\n"
    "const char *__ubsan_default_options(void)\n"
    "{\n"
    "    return options;\n"
    "}\n";

/* ubsan_options - compile that object with the bad build's compiler */
static int ubsan_options(char **out_obj, bctx *x, const hr_build *bad)
{
    char *src = hr_path_join(x->work, "ubsan-options.c");
    char *obj = hr_path_join(x->work, "ubsan-options.o");
    const char *argv[] = {bad->cc_path, "-c", "-O2", "-fPIC",
                          "-o",         obj,  src,   NULL};
    hr_buf err = HR_BUF_INIT;
    int status, error;

    err.limit = 4096;
    if ((error = hr_file_write_atomic(src, ubsan_options_c,
                                      strlen(ubsan_options_c), 0644)) == 0 &&
        (error = hr_spawn_capture(&status, &err, &err, argv, NULL, 60000)) ==
            0 &&
        status != 0)
        error = hr_error_set(HR_ERROR, "cannot compile '%s': %s", src,
                             hr_buf_cstr(&err));
    hr_buf_release(&err);
    hr_free(src);
    if (error < 0) {
        hr_free(obj);
        return error;
    }
    *out_obj = obj;
    return 0;
}

/* ub_trial - the mix with the culprit recompiled from the bad build with
 * extra flags; link_flags for the link (the UBSan runtime) */
static int ub_trial(hr_outcome *res, hr_strv *reports, objctx *o,
                    const hr_build *bad, const unsigned char *partners,
                    const char *object, const char *flags,
                    const char *link_flags, const char *sanitizer)
{
    bctx *x = o->x;
    hr_trial_run run;
    double t0 = hr_clock_s();
    char *what = hr_sprintf("%s recompiled with %s", object, flags);
    char *note = NULL, *file = NULL;
    int error;

    if ((error = hr_mixtree_set(o->mix, partners)) < 0 ||
        (error = hr_mixtree_recompile(o->mix, object, bad, flags, NULL)) < 0 ||
        (error = hr_mixtree_relink(o->mix, link_flags)) < 0)
        goto done;
    x->relinks++;
    hr_mixtree_set_sanitizer(o->mix, sanitizer);
    error = hr_trial_judge(res, x->trial, hr_mixtree_build(o->mix), &run);
    hr_mixtree_set_sanitizer(o->mix, NULL);
    if (error < 0)
        goto done;
    x->replays++;
    hr_strv_addv(reports, &run.ub);
    file = save_run(x, &run, *res);
    note = run.ub.n ? hr_sprintf("UBSan: %s", run.ub.v[0])
           : file   ? hr_sprintf("observation in %s", file)
                    : hr_strdup(sanitizer ? "no UB reported" : "");
    record_step(x, "ub-check", what, *res, hr_clock_s() - t0,
                (long)hr_mixtree_relinked(o->mix), 1, note);
    hr_trial_run_release(&run);
done:
    hr_free(what);
    hr_free(note);
    hr_free(file);
    return error;
}

/* ub_check - DESIGN's "UB first" for one culprit; *is_ub: 1 UB, 0
 * compiler, -1 undecided (a trial flapped) */
static int ub_check(int *is_ub, objctx *o, const hr_build *bad,
                    const hr_objbisect_culprit *cul, size_t ci)
{
    bctx *x = o->x;
    size_t n = hr_mixtree_count(o->mix);
    unsigned char *mask = hr_calloc(n ? n : 1, 1);
    const char *object = hr_mixtree_object(o->mix, cul->index);
    hr_outcome ubsan = HR_OUTCOME_BAD, wrapv = HR_OUTCOME_BAD;
    hr_strv reports = HR_STRV_INIT, none = HR_STRV_INIT;
    char key[96], *opts = NULL, *link = NULL;
    const char *why;
    int error;

    for (size_t i = 0; i < cul->npartners; i++)
        mask[cul->partners[i]] = 1;
    if ((error = ubsan_options(&opts, x, bad)) < 0)
        goto done;
    link = hr_sprintf("%s %s", UBSAN_FLAGS, opts);
    if ((error = ub_trial(&ubsan, &reports, o, bad, mask, object, UBSAN_FLAGS,
                          link, "ubsan")) < 0 ||
        (error = ub_trial(&wrapv, &none, o, bad, mask, object, WRAPV_FLAGS,
                          NULL, NULL)) < 0)
        goto done;
    if (ubsan == HR_OUTCOME_FLAKY || wrapv == HR_OUTCOME_FLAKY) {
        *is_ub = -1;
        why = "a cross-check trial did not reproduce";
    } else if (ubsan == HR_OUTCOME_GOOD) {
        *is_ub = 1;
        why = "built with " UBSAN_FLAGS ", it behaves as the good build";
    } else if (reports.n) {
        *is_ub = 1;
        why = "UBSan reports undefined behaviour in it";
    } else if (wrapv == HR_OUTCOME_GOOD) {
        *is_ub = 1;
        why = "built with " WRAPV_FLAGS ", it behaves as the good build";
    } else {
        *is_ub = 0;
        why = "neither UBSan nor the -fwrapv set removes the divergence, "
              "and UBSan reports nothing";
    }
#define KEY(f) (snprintf(key, sizeof(key), "ub_check.%zu.%s", ci, f), key)
    hr_record_set_str(x->rec, KEY("object"), object);
    hr_record_set_str(x->rec, KEY("ubsan.flags"), UBSAN_FLAGS);
    hr_record_set_str(x->rec, KEY("ubsan.outcome"),
                      hr_outcome_name(ubsan));
    hr_record_set_strv(x->rec, KEY("ubsan.reports"), &reports);
    hr_record_set_str(x->rec, KEY("wrapv.flags"), WRAPV_FLAGS);
    hr_record_set_str(x->rec, KEY("wrapv.outcome"),
                      hr_outcome_name(wrapv));
    hr_record_set_str(x->rec, KEY("conclusion"),
                      *is_ub > 0    ? "undefined-behavior"
                      : *is_ub == 0 ? "compiler"
                                    : "undecided");
    hr_record_set_str(x->rec, KEY("why"), why);
#undef KEY
    out(x, "ub-check: %s: %s; %s: %s%s%s", UBSAN_FLAGS,
        hr_outcome_name(ubsan), "-fwrapv ...",
        hr_outcome_name(wrapv), reports.n ? "; UBSan: " : "",
        reports.n ? reports.v[0] : "");
    out(x, "ub-check: %s: %s", object, why);
done:
    hr_free(mask);
    hr_free(opts);
    hr_free(link);
    hr_strv_release(&reports);
    hr_strv_release(&none);
    return error;
}

/* record_culprit - a culprit's object, source and compile command */
static void record_culprit(bctx *x, objctx *o, const hr_build *bad,
                           const hr_objbisect_culprit *cul, size_t ci)
{
    const char *object = hr_mixtree_object(o->mix, cul->index);
    char *source = source_of(object), key[96];
    hr_buf log = HR_BUF_INIT;
    hr_compile c;
    hr_strv partners = HR_STRV_INIT;

    memset(&c, 0, sizeof(c));
    for (size_t i = 0; i < cul->npartners; i++)
        hr_strv_add(&partners, hr_mixtree_object(o->mix, cul->partners[i]));
#define KEY(f)                                                                 \
    (snprintf(key, sizeof(key), "result.culprits.%zu.%s", ci, f), key)
    hr_record_set_str(x->rec, KEY("object"), object);
    hr_record_set_str(x->rec, KEY("source"), source);
    hr_record_set_bool(x->rec, KEY("alone"), cul->alone);
    hr_record_set_str(x->rec, KEY("alone_outcome"),
                      hr_outcome_name(cul->alone_outcome));
    hr_record_set_strv(x->rec, KEY("partners"), &partners);
    if (hr_file_read(&log, bad->make_log, 256 << 20) == 0 &&
        hr_makelog_compile(&c, hr_buf_cstr(&log), object) == 0) {
        hr_record_set_str(x->rec, KEY("compile.dir"), c.dir);
        hr_record_set_str(x->rec, KEY("compile.command"), c.command);
    } else {
        hr_msg_warn("no compile command for '%s': %s", object, hr_error_last());
    }
#undef KEY
    hr_compile_release(&c);
    hr_buf_release(&log);
    hr_strv_release(&partners);
    hr_free(source);
}

/* objects - bisect objects */
static int objects(bctx *x, const char *good_v, const char *bad_v,
                   const char *source, const char *cc, int max_culprits)
{
    hr_build *good = NULL, *bad = NULL;
    hr_objbisect_result res;
    objctx o;
    char *trial_dir = NULL;
    int code = HR_EXIT_TROUBLE, r;
    size_t n;

    memset(&res, 0, sizeof(res));
    memset(&o, 0, sizeof(o));
    o.x = x;
    if (build_variant(&good, good_v, source, cc, NULL) < 0 ||
        build_variant(&bad, bad_v, source, cc, NULL) < 0)
        goto trouble;
    out(x, "good: %s, build %s (OPT=%s)", good->variant, good->id, good->opt);
    out(x, "bad: %s, build %s (OPT=%s)", bad->variant, bad->id, bad->opt);
    if (strcmp(good->source_tree, bad->source_tree) != 0) {
        hr_error_set(HR_EINPUT,
                     "the builds come from different sources "
                     "(trees %.12s and %.12s): mix objects of one source",
                     good->source_tree, bad->source_tree);
        goto trouble;
    }
    if (strcmp(good->cc_path, bad->cc_path) != 0 ||
        strcmp(good->cc_sha256, bad->cc_sha256) != 0) {
        hr_error_set(HR_EINPUT,
                     "the builds use different compilers (%s and "
                     "%s): mix objects of one compiler, or bisect flags",
                     good->cc_path, bad->cc_path);
        goto trouble;
    }
    hr_record_set_build(x->rec, "good", good);
    hr_record_set_build(x->rec, "bad", bad);
    if ((r = sides(x, good->variant, good, bad->variant, bad)) != 0) {
        code = r < 0 ? HR_EXIT_TROUBLE : HR_EXIT_FINDINGS;
        if (r < 0)
            goto trouble;
        goto done;
    }
    trial_dir = hr_path_join(x->work, "trial");
    if (hr_mixtree_new(&o.mix, good, bad, trial_dir) < 0 ||
        hr_mixtree_stage_digest(o.good_digest, good->stage) < 0 ||
        hr_mixtree_stage_digest(o.bad_digest, bad->stage) < 0)
        goto trouble;
    n = hr_mixtree_count(o.mix);
    out(x,
        "objects: %zu in each build, %zu byte-identical in both (left "
        "out: they cannot differ); N = %zu candidates, ceil(log2 N) = %u",
        hr_mixtree_total(o.mix), hr_mixtree_identical(o.mix), n,
        hr_objbisect_log2_ceil(n));
    hr_record_set_int(x->rec, "objects.total", (long long)hr_mixtree_total(o.mix));
    hr_record_set_int(x->rec, "objects.identical",
                      (long long)hr_mixtree_identical(o.mix));
    hr_record_set_int(x->rec, "objects.candidates", (long long)n);
    hr_record_set_int(x->rec, "objects.log2", hr_objbisect_log2_ceil(n));
    if (n == 0) {
        out(x, "guard failed: every object is the same in both builds; "
               "the divergence is not in the objects");
        hr_record_set_str(x->rec, "result.status", "bad-guard");
        code = HR_EXIT_FINDINGS;
        goto done;
    }
    if (hr_objbisect_objects(&res, n, (size_t)max_culprits, obj_oracle, &o) < 0)
        goto trouble;
    hr_record_set_str(x->rec, "result.status",
                      hr_objbisect_status_name(res.status));
    switch (res.status) {
    case HR_BISECT_FLAKY:
        hardware(x, "a trial");
        code = HR_EXIT_FINDINGS;
        goto done;
    case HR_BISECT_GOOD_GUARD:
        out(x, "guard failed: the all-good mix does not behave as the good "
               "build; mixing itself changes the behaviour");
        code = HR_EXIT_FINDINGS;
        goto done;
    case HR_BISECT_BAD_GUARD:
        out(x, "guard failed: the all-bad mix does not behave as the bad "
               "build; the divergence does not come from the objects alone");
        code = HR_EXIT_FINDINGS;
        goto done;
    case HR_BISECT_FOUND:
        break;
    }
    {
        hr_strv sources = HR_STRV_INIT;
        int any_ub = 0, undecided = 0;
        size_t steps = res.nsteps;

        for (size_t i = 0; i < res.nculprits; i++) {
            const hr_objbisect_culprit *cul = &res.culprits[i];
            char *src = source_of(hr_mixtree_object(o.mix, cul->index));
            int is_ub = 0;

            hr_strv_add_owned(&sources, src);
            record_culprit(x, &o, bad, cul, i);
            if (cul->alone)
                out(x,
                    "confirmed alone: the good build plus only %s from "
                    "the bad one behaves %s",
                    hr_mixtree_object(o.mix, cul->index),
                    cul->alone_outcome == HR_OUTCOME_BAD
                        ? "as the bad build"
                        : "differently again (a third behaviour)");
            else
                out(x,
                    "%s makes the difference only with %zu other "
                    "object(s) from the bad build",
                    hr_mixtree_object(o.mix, cul->index), cul->npartners);
            if (ub_check(&is_ub, &o, bad, cul, i) < 0) {
                hr_strv_release(&sources);
                goto trouble;
            }
            any_ub |= is_ub > 0;
            undecided |= is_ub < 0;
        }
        hr_record_set_str(x->rec, "conclusion",
                          any_ub      ? "undefined-behavior"
                          : undecided ? "undecided"
                                      : "compiler");
        if (res.others)
            out(x,
                "note: some mixes showed a third behaviour (neither side): "
                "counted as bad, observations saved in %s",
                x->out_dir);
        if (res.more_left)
            out(x,
                "note: stopped after %zu culprits; more are left "
                "(--max-culprits)",
                res.nculprits);
        {
            char *list = hr_strv_join(&sources, ", ");

            out(x, "source: %s", list);
            hr_free(list);
        }
        out(x, "conclusion: %s",
            any_ub      ? "undefined-behavior (the program's code is wrong; "
                          "the optimizer only exposed it)"
            : undecided ? "undecided (a cross-check did not reproduce)"
                        : "compiler (no sign of undefined behaviour)");
        out(x,
            "steps: %zu trials of the bisection (%zu guards, %zu descent, "
            "%zu confirmation, %zu check for more); %d relinked and "
            "replayed; bound ceil(log2 %zu) + 3 = %u",
            steps, hr_objbisect_count(&res, HR_STEP_GUARD),
            hr_objbisect_count(&res, HR_STEP_DESCENT),
            hr_objbisect_count(&res, HR_STEP_CONFIRM),
            hr_objbisect_count(&res, HR_STEP_MORE), o.relink_replays, n,
            hr_objbisect_log2_ceil(n) + 3);
        hr_record_set_int(x->rec, "counts.trials", (long long)steps);
        hr_record_set_int(x->rec, "counts.relink_replays", o.relink_replays);
        hr_record_set_int(x->rec, "counts.bound", hr_objbisect_log2_ceil(n) + 3);
        out(x, "wall time: %.1f s (%d relinks, %d replays)", hr_clock_s() - x->t0,
            x->relinks, x->replays);
        out(x, "record: %s/objects.json", x->out_dir);
        for (size_t i = 0; i < res.nculprits; i++) {
            const hr_objbisect_culprit *cul = &res.culprits[i];

            if (cul->alone) {
                out(x, "culprit: %s", hr_mixtree_object(o.mix, cul->index));
            } else {
                hr_buf b = HR_BUF_INIT;

                for (size_t k = 0; k < cul->npartners; k++)
                    hr_buf_printf(&b, "%s%s", k ? ", " : "",
                                  hr_mixtree_object(o.mix, cul->partners[k]));
                out(x, "culprit: %s (together with %s)",
                    hr_mixtree_object(o.mix, cul->index), hr_buf_cstr(&b));
                hr_buf_release(&b);
            }
        }
        hr_strv_release(&sources);
    }
    code = HR_EXIT_OK;
    goto done;
trouble:
    code = hr_cmd_fail();
done:
    hr_objbisect_result_release(&res);
    hr_free(o.seen);
    hr_mixtree_free(o.mix);
    hr_build_free(good);
    hr_build_free(bad);
    hr_free(trial_dir);
    return code;
}

/* The flags half: what a trial of a set of flags needs. */
typedef struct flagctx {
    bctx *x;
    const char *variant, *source, *cc, *object;
    const hr_build *bad;
    hr_mixtree *mix; /* --object: a copy of the bad build's tree */
    int relink_replays;
} flagctx;

/* try_build - judge a build made from the mix or the variant */
static int flag_trial(hr_outcome *res, flagctx *f, const char *extra,
                      const char *what, const char *phase)
{
    bctx *x = f->x;
    hr_build *b = NULL;
    hr_trial_run run;
    double t0 = hr_clock_s();
    char *note = NULL, *file = NULL;
    long relinked = -1;
    int error;

    if (f->mix) {
        if ((error = hr_mixtree_set(f->mix, NULL)) < 0 ||
            (error = hr_mixtree_recompile(f->mix, f->object, f->bad, extra, NULL)) <
                0 ||
            (error = hr_mixtree_relink(f->mix, NULL)) < 0)
            goto done;
        relinked = (long)hr_mixtree_relinked(f->mix);
        x->relinks++;
        error = hr_trial_judge(res, x->trial, hr_mixtree_build(f->mix), &run);
    } else {
        if ((error = build_variant(&b, f->variant, f->source, f->cc, extra)) <
            0)
            goto done;
        error = hr_trial_judge(res, x->trial, b, &run);
    }
    if (error < 0)
        goto done;
    x->replays++;
    f->relink_replays++;
    if ((file = save_run(x, &run, *res)) != NULL)
        note = hr_sprintf("observation in %s", file);
    hr_trial_run_release(&run);
    record_step(x, phase, what, *res, hr_clock_s() - t0, relinked, 1, note);
done:
    hr_build_free(b);
    hr_free(note);
    hr_free(file);
    return error;
}

/* flag_oracle - the bad build with some flags turned off */
static int flag_oracle(hr_outcome *res, const hr_strv *off,
                       const char *what, void *payload)
{
    char *args = hr_flags_off_args(off);
    int error = flag_trial(res, payload, args, what, "flags");

    hr_free(args);
    return error;
}

/* limit_oracle - the object compiled with -opt-bisect-limit */
static int limit_oracle(hr_outcome *res, int limit, void *payload)
{
    char *args = hr_sprintf("-mllvm -opt-bisect-limit=%d", limit);
    char *what = hr_sprintf("%s with %s", ((flagctx *)payload)->object, args);
    int error = flag_trial(res, payload, args, what, "limit");

    hr_free(args);
    hr_free(what);
    return error;
}

/* enabled_flags - what gcc -Q --help=optimizers says the bad level enables */
static int enabled_flags(hr_strv *outv, const hr_build *bad)
{
    hr_strv argv = HR_STRV_INIT;
    hr_buf text = HR_BUF_INIT;
    const char *opt = bad->opt && strcmp(bad->opt, "(postfix default)") != 0
                          ? bad->opt
                          : "-O";
    int status, error;

    hr_strv_add(&argv, bad->cc_path);
    hr_strv_add(&argv, "-Q");
    hr_strv_add(&argv, "--help=optimizers");
    hr_strv_split(&argv, opt, " ");
    if ((error = hr_spawn_capture(&status, &text, NULL,
                                  (const char *const *)hr_strv_argv(&argv),
                                  NULL, 60000)) == 0 &&
        status != 0)
        error = hr_error_set(HR_ERROR,
                             "'%s -Q --help=optimizers %s' failed "
                             "(exit status %d)",
                             bad->cc_path, opt, status);
    if (error == 0)
        error = hr_flags_enabled(outv, hr_buf_cstr(&text));
    hr_strv_release(&argv);
    hr_buf_release(&text);
    return error;
}

/* flags_gcc - ddmin over the enabled flags */
static int flags_gcc(flagctx *f, int *code)
{
    bctx *x = f->x;
    hr_strv enabled = HR_STRV_INIT;
    hr_flags_result r;
    int error;

    memset(&r, 0, sizeof(r));
    if ((error = enabled_flags(&enabled, f->bad)) < 0)
        goto done;
    out(x,
        "flags: %zu that %s enables (%s -Q --help=optimizers); each trial "
        "%s",
        enabled.n, f->bad->opt, f->bad->cc_kind,
        f->mix ? "recompiles the object and relinks" : "is a whole build");
    hr_record_set_strv(x->rec, "flags.enabled", &enabled);
    if ((error = hr_flags_ddmin(&r, &enabled, flag_oracle, f)) < 0)
        goto done;
    switch (r.status) {
    case HR_FLAGS_FLAKY:
        hardware(x, "a trial");
        *code = HR_EXIT_FINDINGS;
        break;
    case HR_FLAGS_NONE:
        out(x,
            "no flag explains the divergence: with all %zu flags that %s "
            "enables turned off, %s still behaves as the bad build; the "
            "difference comes from what the level does without a flag",
            enabled.n, f->bad->opt, f->object ? f->object : "the build");
        hr_record_set_str(x->rec, "result.status", "no-flag");
        *code = HR_EXIT_FINDINGS;
        break;
    case HR_FLAGS_FOUND: {
        char *list = hr_strv_join(&r.minimal, " ");
        char *args = hr_flags_off_args(&r.minimal);

        hr_record_set_str(x->rec, "result.status", "found");
        hr_record_set_strv(x->rec, "result.flags", &r.minimal);
        hr_record_set_str(x->rec, "result.off", args);
        hr_record_set_int(x->rec, "result.verified_step",
                          (long long)r.verified_step);
        out(x,
            "minimal: with %s (and nothing else turned off) %s behaves as "
            "the good build; tried alone at step %zu, and no smaller set "
            "does",
            args, f->object ? f->object : "the build", r.verified_step);
        out(x, "steps: %zu trials; wall time: %.1f s", r.nsteps,
            hr_clock_s() - x->t0);
        out(x, "flags: %s", list);
        hr_free(list);
        hr_free(args);
        *code = HR_EXIT_OK;
        break;
    }
    }
done:
    hr_flags_result_release(&r);
    hr_strv_release(&enabled);
    return error;
}

/* flags_clang - bisect -opt-bisect-limit in one object */
static int flags_clang(flagctx *f, int *code)
{
    bctx *x = f->x;
    hr_buf diag = HR_BUF_INIT;
    hr_optpass *passes = NULL;
    size_t npasses = 0;
    hr_limit_result r;
    int error;

    if ((error = hr_mixtree_recompile(f->mix, f->object, f->bad,
                                  "-mllvm -opt-bisect-limit=-1", &diag)) < 0)
        goto done;
    hr_optpass_parse(&passes, &npasses, hr_buf_cstr(&diag));
    if (npasses == 0) {
        error = hr_error_set(HR_ERROR, "%s printed no BISECT lines for %s",
                             f->bad->cc_path, f->object);
        goto done;
    }
    out(x, "passes: %d in %s (-mllvm -opt-bisect-limit=-1)",
        passes[npasses - 1].number, f->object);
    if ((error = hr_flags_bisect_limit(&r, passes[npasses - 1].number,
                                       limit_oracle, f)) < 0)
        goto done;
    if (r.status == HR_FLAGS_FLAKY) {
        hardware(x, "a trial");
        *code = HR_EXIT_FINDINGS;
    } else if (r.status == HR_FLAGS_NONE) {
        out(x,
            "no pass explains the divergence: with -opt-bisect-limit=0 "
            "%s still behaves as the bad build",
            f->object);
        hr_record_set_str(x->rec, "result.status", "no-pass");
        *code = HR_EXIT_FINDINGS;
    } else if (r.status != HR_FLAGS_FOUND) {
        out(x,
            "guard failed: with every pass running, %s behaves as the "
            "good build",
            f->object);
        hr_record_set_str(x->rec, "result.status", "bad-guard");
        *code = HR_EXIT_FINDINGS;
    } else {
        const hr_optpass *p = NULL;

        for (size_t i = 0; i < npasses; i++)
            if (passes[i].number == r.pass)
                p = &passes[i];
        hr_record_set_str(x->rec, "result.status", "found");
        hr_record_set_int(x->rec, "result.pass", r.pass);
        hr_record_set_str(x->rec, "result.pass_name", p ? p->name : "?");
        hr_record_set_str(x->rec, "result.target", p ? p->target : "?");
        out(x, "steps: %d trials; wall time: %.1f s", r.ntrials,
            hr_clock_s() - x->t0);
        out(x, "pass: %d %s on %s", r.pass, p ? p->name : "?",
            p ? p->target : "?");
        *code = HR_EXIT_OK;
    }
done:
    hr_optpass_free_all(passes, npasses);
    hr_buf_release(&diag);
    return error;
}

/* flags - bisect flags */
static int flags(bctx *x, const char *variant, const char *good_v,
                 const char *object, const char *source, const char *cc)
{
    hr_build *good = NULL, *bad = NULL;
    flagctx f;
    char *trial_dir = NULL;
    int code = HR_EXIT_TROUBLE, r;

    memset(&f, 0, sizeof(f));
    f.x = x;
    f.variant = variant;
    f.source = source;
    f.cc = cc;
    f.object = object;
    if (build_variant(&good, good_v, source, cc, NULL) < 0 ||
        build_variant(&bad, variant, source, cc, NULL) < 0)
        goto trouble;
    f.bad = bad;
    out(x, "good: %s, build %s (OPT=%s)", good->variant, good->id, good->opt);
    out(x, "bad: %s, build %s (OPT=%s, %s)", bad->variant, bad->id, bad->opt,
        bad->cc_version);
    hr_record_set_build(x->rec, "good", good);
    hr_record_set_build(x->rec, "bad", bad);
    if (object)
        hr_record_set_str(x->rec, "object", object);
    if ((r = sides(x, good->variant, good, bad->variant, bad)) != 0) {
        if (r < 0)
            goto trouble;
        code = HR_EXIT_FINDINGS;
        goto done;
    }
    if (strcmp(bad->cc_kind, "clang") == 0 && object == NULL) {
        hr_error_set(HR_EINPUT, "clang: give --object; pass numbers of "
                                "-opt-bisect-limit count per translation unit");
        goto trouble;
    }
    if (object) {
        trial_dir = hr_path_join(x->work, "trial");
        if (hr_mixtree_new(&f.mix, bad, NULL, trial_dir) < 0)
            goto trouble;
    }
    if (strcmp(bad->cc_kind, "clang") == 0) {
        if (flags_clang(&f, &code) < 0)
            goto trouble;
    } else if (flags_gcc(&f, &code) < 0) {
        goto trouble;
    }
    goto done;
trouble:
    code = hr_cmd_fail();
done:
    hr_mixtree_free(f.mix);
    hr_build_free(good);
    hr_build_free(bad);
    hr_free(trial_dir);
    return code;
}

/* The commits half. */
typedef struct commitctx {
    bctx *x;
    const char *variant, *cc;
    hr_strv *ids;
    hr_gitrepo *store;
} commitctx;

/* commit_oracle - build the variant at commit i and replay */
static int commit_oracle(hr_outcome *res, size_t i, void *payload)
{
    commitctx *k = payload;
    bctx *x = k->x;
    hr_build *b = NULL;
    hr_trial_run run;
    double t0 = hr_clock_s();
    char *summary = NULL, *what, *note = NULL, *file = NULL;
    int error = 0;

    if (hr_gitrepo_summary(&summary, k->store, k->ids->v[i]) < 0)
        summary = hr_strdup("");
    what = hr_sprintf("%.12s %s", k->ids->v[i], summary);
    if (build_variant(&b, k->variant, k->ids->v[i], k->cc, NULL) < 0) {
        if (hr_error_code() == HR_EINTR) {
            error = hr_error_code();
            goto done;
        }
        *res = HR_OUTCOME_SKIP;
        note = hr_sprintf("skipped: %s", hr_error_last());
        hr_error_clear();
    } else {
        if ((error = hr_trial_judge(res, x->trial, b, &run)) < 0)
            goto done;
        x->replays++;
        if ((file = save_run(x, &run, *res)) != NULL)
            note = hr_sprintf("observation in %s", file);
        hr_trial_run_release(&run);
    }
    record_step(x, "commit", what, *res, hr_clock_s() - t0, -1, b != NULL, note);
done:
    hr_build_free(b);
    hr_free(summary);
    hr_free(what);
    hr_free(note);
    hr_free(file);
    return error;
}

/* commits - bisect commits */
static int commits(bctx *x, const char *git, const char *good_rev,
                   const char *bad_rev, const char *variant, const char *cc,
                   int first_parent)
{
    hr_source_result gs, bs;
    hr_strv ids = HR_STRV_INIT;
    hr_build *good = NULL, *bad = NULL;
    hr_commits_result res;
    commitctx k;
    char *summary = NULL;
    int code = HR_EXIT_TROUBLE, r;

    memset(&res, 0, sizeof(res));
    memset(&k, 0, sizeof(k));
    k.x = x;
    k.variant = variant;
    k.cc = cc;
    k.ids = &ids;
    if (hr_gitrepo_open(&k.store, hr_sources_repo(), 1) < 0 ||
        hr_source_fetch_git(&bs, k.store, git, bad_rev) < 0 ||
        hr_source_fetch_git(&gs, k.store, git, good_rev) < 0 ||
        hr_gitrepo_revlist(&ids, k.store, gs.commit, bs.commit, first_parent) <
            0)
        goto trouble;
    hr_record_set_str(x->rec, "git.path", git);
    hr_record_set_str(x->rec, "git.good", gs.commit);
    hr_record_set_str(x->rec, "git.bad", bs.commit);
    hr_record_set_bool(x->rec, "git.first_parent", first_parent);
    hr_record_set_strv(x->rec, "git.range", &ids);
    if (ids.n == 0) {
        hr_error_set(HR_EINPUT,
                     "%s: the bad revision %.12s is not after "
                     "the good one %.12s",
                     git, bs.commit, gs.commit);
        goto trouble;
    }
    out(x,
        "commits: %zu after the good one %.12s, up to the bad one "
        "%.12s%s; at most %u to try",
        ids.n, gs.commit, bs.commit, first_parent ? " (first parents)" : "",
        hr_objbisect_log2_ceil(ids.n));
    if (build_variant(&good, variant, gs.commit, cc, NULL) < 0 ||
        build_variant(&bad, variant, bs.commit, cc, NULL) < 0)
        goto trouble;
    hr_record_set_build(x->rec, "good", good);
    hr_record_set_build(x->rec, "bad", bad);
    if ((r = sides(x, gs.commit, good, bs.commit, bad)) != 0) {
        if (r < 0)
            goto trouble;
        code = HR_EXIT_FINDINGS;
        goto done;
    }
    if (hr_commits_bisect(&res, ids.n, commit_oracle, &k) < 0)
        goto trouble;
    if (res.status == HR_COMMITS_FLAKY) {
        hardware(x, "a trial");
        code = HR_EXIT_FINDINGS;
        goto done;
    }
    out(x, "steps: %zu builds and replays of %zu commits; wall time: %.1f s",
        res.nsteps, ids.n, hr_clock_s() - x->t0);
    if (res.status == HR_COMMITS_SKIPPED) {
        hr_record_set_str(x->rec, "result.status", "skipped");
        out(x, "only commits that do not build are left; the first bad "
               "commit is one of:");
        for (size_t i = 0; i < res.ncandidates; i++) {
            char *s = NULL;

            hr_gitrepo_summary(&s, k.store, ids.v[res.candidates[i]]);
            out(x, "  %s %s", ids.v[res.candidates[i]], s ? s : "");
            hr_free(s);
        }
        code = HR_EXIT_FINDINGS;
        goto done;
    }
    if (hr_gitrepo_summary(&summary, k.store, ids.v[res.first_bad]) < 0)
        goto trouble;
    hr_record_set_str(x->rec, "result.status", "found");
    hr_record_set_str(x->rec, "result.commit", ids.v[res.first_bad]);
    hr_record_set_str(x->rec, "result.summary", summary);
    out(x, "first bad commit: %s %s", ids.v[res.first_bad], summary);
    code = HR_EXIT_OK;
    goto done;
trouble:
    code = hr_cmd_fail();
done:
    hr_commits_result_release(&res);
    hr_gitrepo_free(k.store);
    hr_strv_release(&ids);
    hr_build_free(good);
    hr_build_free(bad);
    hr_free(summary);
    return code;
}

/* Options of every sub-verb. */
enum {
    OPT_GOOD = 256,
    OPT_BAD,
    OPT_CASE,
    OPT_SOURCE,
    OPT_CC,
    OPT_LIBENV,
    OPT_REPS,
    OPT_OUT,
    OPT_KEEP,
    OPT_VARIANT,
    OPT_OBJECT,
    OPT_GIT,
    OPT_FIRST_PARENT,
    OPT_MAX,
};

/* cmd_bisect - bisect objects|flags|commits */
int cmd_bisect(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"good", required_argument, NULL, OPT_GOOD},
        {"bad", required_argument, NULL, OPT_BAD},
        {"case", required_argument, NULL, OPT_CASE},
        {"source", required_argument, NULL, OPT_SOURCE},
        {"cc", required_argument, NULL, OPT_CC},
        {"libenv", required_argument, NULL, OPT_LIBENV},
        {"reps", required_argument, NULL, OPT_REPS},
        {"out", required_argument, NULL, OPT_OUT},
        {"keep", no_argument, NULL, OPT_KEEP},
        {"variant", required_argument, NULL, OPT_VARIANT},
        {"object", required_argument, NULL, OPT_OBJECT},
        {"git", required_argument, NULL, OPT_GIT},
        {"first-parent", no_argument, NULL, OPT_FIRST_PARENT},
        {"max-culprits", required_argument, NULL, OPT_MAX},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *good = NULL, *bad = NULL, *case_path = NULL, *source = NULL;
    const char *cc = NULL, *libenv = NULL, *out_dir = NULL, *variant = NULL;
    const char *object = NULL, *git = NULL, *kind;
    hr_strv cmdline = HR_STRV_INIT;
    char *command = NULL;
    int first_parent = 0, max_culprits = MAX_CULPRITS, ch, code;
    bctx x;

    memset(&x, 0, sizeof(x));
    x.reps = 2;
    if (argc < 2 || strcmp(argv[1], "-h") == 0 ||
        strcmp(argv[1], "--help") == 0)
        return argc < 2 ? hr_cmd_usage(usage) : hr_cmd_help(usage);
    kind = argv[1];
    if (strcmp(kind, "objects") != 0 && strcmp(kind, "flags") != 0 &&
        strcmp(kind, "commits") != 0) {
        hr_msg_error("bisect: unknown kind '%s' (objects, flags or commits)",
                     kind);
        return hr_cmd_usage(usage);
    }
    for (int i = 0; i < argc; i++)
        hr_strv_add(&cmdline, i == 0 ? "pfharness bisect" : argv[i]);
    argc--;
    argv++;
    optind = 0;
    while ((ch = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        switch (ch) {
        case OPT_GOOD:
            good = optarg;
            break;
        case OPT_BAD:
            bad = optarg;
            break;
        case OPT_CASE:
            case_path = optarg;
            break;
        case OPT_SOURCE:
            source = optarg;
            break;
        case OPT_CC:
            cc = optarg;
            break;
        case OPT_LIBENV:
            libenv = optarg;
            break;
        case OPT_REPS:
            if (hr_cmd_parse_int(&x.reps, "--reps", optarg, 2, 100) < 0)
                return hr_cmd_usage(usage);
            break;
        case OPT_OUT:
            out_dir = optarg;
            break;
        case OPT_KEEP:
            x.keep = 1;
            break;
        case OPT_VARIANT:
            variant = optarg;
            break;
        case OPT_OBJECT:
            object = optarg;
            break;
        case OPT_GIT:
            git = optarg;
            break;
        case OPT_FIRST_PARENT:
            first_parent = 1;
            break;
        case OPT_MAX:
            if (hr_cmd_parse_int(&max_culprits, "--max-culprits", optarg, 1,
                                 1000) < 0)
                return hr_cmd_usage(usage);
            break;
        case 'h':
            hr_strv_release(&cmdline);
            return hr_cmd_help(usage);
        default:
            hr_strv_release(&cmdline);
            return hr_cmd_usage(usage);
        }
    }
    if (optind < argc || case_path == NULL ||
        (strcmp(kind, "objects") == 0 && (good == NULL || bad == NULL)) ||
        (strcmp(kind, "flags") == 0 && variant == NULL) ||
        (strcmp(kind, "commits") == 0 &&
         (git == NULL || good == NULL || bad == NULL))) {
        if (optind < argc)
            hr_msg_error("bisect: unexpected argument '%s'", argv[optind]);
        else
            hr_msg_error("bisect %s: missing options; see 'pfharness bisect "
                         "-h'",
                         kind);
        hr_strv_release(&cmdline);
        return hr_cmd_usage(usage);
    }
    if (hr_cmd_need_root("bisect") < 0) {
        hr_strv_release(&cmdline);
        return HR_EXIT_TROUBLE;
    }
    command = hr_strv_join(&cmdline, " ");
    if (ctx_init(&x, kind, case_path, out_dir, libenv, command) < 0) {
        code = hr_cmd_fail();
        goto done;
    }
    if (strcmp(kind, "objects") == 0)
        code = objects(&x, good, bad, source, cc, max_culprits);
    else if (strcmp(kind, "flags") == 0)
        code = flags(&x, variant, good ? good : "O0", object, source, cc);
    else
        code = commits(&x, git, good, bad, variant ? variant : "O0", cc,
                       first_parent);
    code = finish(&x, code);
done:
    ctx_release(&x);
    hr_strv_release(&cmdline);
    hr_free(command);
    return code;
}

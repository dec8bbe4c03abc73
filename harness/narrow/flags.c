/*
 * NAME
 *	narrow/flags 3
 * SUMMARY
 *	the flags of an optimization level, or the clang pass, that diverge
 * SYNOPSIS
 *	#include "narrow/flags.h"
 *
 *	int	hr_flags_run(x, variant, good_v, object, source, cc)
 * DESCRIPTION
 *	hr_flags_run() builds (or finds) good_v and the bad variant,
 *	observes both sides, then narrows what the bad level does. With
 *	gcc: ddmin (flagbisect(3)) over the flags the level enables
 *	(gcc -Q --help=optimizers), each trial turning a set off with its
 *	-fno- form, in one object (object: recompiled alone in a copy of
 *	the bad tree, and relinked) or in the whole build (each trial a
 *	build). With clang: bisect -mllvm -opt-bisect-limit in one object
 *	to a pass (object is required: pass numbers count per translation
 *	unit). Progress and results go out as lines through x
 *	(bisection(3)); the last one is "flags: ..." or "pass: N NAME on
 *	TARGET".
 * DIAGNOSTICS
 *	HR_BISECTION_FOUND when a minimal set of flags (or a pass) was
 *	named; HR_BISECTION_NONE when none was (flaky, no flag or pass
 *	explains, a guard failed, no divergence), the reason reported and
 *	recorded; a negative code with hr_error_set() on trouble.
 * SEE ALSO
 *	bisection(3), flagbisect(3), mixtree(3), trial(3).
 */
#include <string.h>

#include "build/build.h"
#include "narrow/flagbisect.h"
#include "narrow/flags.h"
#include "narrow/mixtree.h"
#include "util/buf.h"
#include "util/clock.h"
#include "util/mem.h"
#include "util/msg.h"
#include "util/fsutil.h"
#include "util/paths.h"
#include "util/spawn.h"
#include "util/strv.h"

/* The flags half: what a trial of a set of flags needs. */
typedef struct flagctx {
    hr_bisection *x;
    const char *variant, *source, *cc, *object;
    const hr_build *bad;
    hr_mixtree *mix; /* --object: a copy of the bad build's tree */
    int relink_replays;
} flagctx;

/* flag_trial - judge a build made from the mix or the variant */
static int flag_trial(hr_outcome *res, flagctx *f, const char *extra,
                      const char *what, const char *phase)
{
    hr_bisection *x = f->x;
    hr_build *b = NULL;
    hr_trial_run run;
    double t0 = hr_clock_s();
    char *note = NULL, *file = NULL;
    long relinked = -1;
    int error;

    if (f->mix) {
        if ((error = hr_mixtree_set(f->mix, NULL)) < 0 ||
            (error = hr_mixtree_recompile(f->mix, f->object, f->bad, extra,
                                          NULL)) < 0 ||
            (error = hr_mixtree_relink(f->mix, NULL)) < 0)
            goto done;
        relinked = (long)hr_mixtree_relinked(f->mix);
        x->relinks++;
        error = hr_trial_judge(res, x->trial, hr_mixtree_build(f->mix), &run);
    } else {
        if ((error = hr_bisection_build(&b, f->variant, f->source, f->cc,
                                        extra)) < 0)
            goto done;
        error = hr_trial_judge(res, x->trial, b, &run);
    }
    if (error < 0)
        goto done;
    x->replays++;
    f->relink_replays++;
    if ((file = hr_bisection_save_run(x, &run, *res)) != NULL)
        note = hr_sprintf("observation in %s", file);
    hr_trial_run_release(&run);
    hr_bisection_step(x, phase, what, *res, hr_clock_s() - t0, relinked, 1,
                      note);
done:
    hr_build_free(b);
    hr_free(note);
    hr_free(file);
    return error;
}

/* flag_oracle - the bad build with some flags turned off */
static int flag_oracle(hr_outcome *res, const hr_strv *off, const char *what,
                       void *payload)
{
    char *args = hr_flagbisect_off_args(off);
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
        error = hr_flagbisect_enabled(outv, hr_buf_cstr(&text));
    hr_strv_release(&argv);
    hr_buf_release(&text);
    return error;
}

/* flags_gcc - ddmin over the enabled flags */
static int flags_gcc(flagctx *f, int *status)
{
    hr_bisection *x = f->x;
    hr_strv enabled = HR_STRV_INIT;
    hr_flagbisect_result r;
    int error;

    memset(&r, 0, sizeof(r));
    if ((error = enabled_flags(&enabled, f->bad)) < 0)
        goto done;
    hr_bisection_out(
        x,
        "flags: %zu that %s enables (%s -Q --help=optimizers); each trial "
        "%s",
        enabled.n, f->bad->opt, f->bad->cc_kind,
        f->mix ? "recompiles the object and relinks" : "is a whole build");
    hr_record_set_strv(x->rec, "flags.enabled", &enabled);
    if ((error = hr_flagbisect_ddmin(&r, &enabled, flag_oracle, f)) < 0)
        goto done;
    switch (r.status) {
    case HR_FLAGBISECT_FLAKY:
        hr_bisection_flaky(x, "a trial");
        *status = HR_BISECTION_NONE;
        break;
    case HR_FLAGBISECT_NONE:
        hr_bisection_out(
            x,
            "no flag explains the divergence: with all %zu flags that %s "
            "enables turned off, %s still behaves as the bad build; the "
            "difference comes from what the level does without a flag",
            enabled.n, f->bad->opt, f->object ? f->object : "the build");
        hr_record_set_str(x->rec, "result.status", "no-flag");
        *status = HR_BISECTION_NONE;
        break;
    case HR_FLAGBISECT_FOUND: {
        char *list = hr_strv_join(&r.minimal, " ");
        char *args = hr_flagbisect_off_args(&r.minimal);

        hr_record_set_str(x->rec, "result.status", "found");
        hr_record_set_strv(x->rec, "result.flags", &r.minimal);
        hr_record_set_str(x->rec, "result.off", args);
        hr_record_set_int(x->rec, "result.verified_step",
                          (long long)r.verified_step);
        hr_bisection_out(
            x,
            "minimal: with %s (and nothing else turned off) %s behaves as "
            "the good build; tried alone at step %zu, and no smaller set "
            "does",
            args, f->object ? f->object : "the build", r.verified_step);
        hr_bisection_out(x, "steps: %zu trials; wall time: %.1f s", r.nsteps,
                         hr_clock_s() - x->t0);
        hr_bisection_out(x, "flags: %s", list);
        hr_free(list);
        hr_free(args);
        *status = HR_BISECTION_FOUND;
        break;
    }
    }
done:
    hr_flagbisect_result_release(&r);
    hr_strv_release(&enabled);
    return error;
}

/* flags_clang - bisect -opt-bisect-limit in one object */
static int flags_clang(flagctx *f, int *status)
{
    hr_bisection *x = f->x;
    hr_buf diag = HR_BUF_INIT;
    hr_optpass *passes = NULL;
    size_t npasses = 0;
    hr_limit_result r;
    int error;

    if ((error = hr_mixtree_recompile(f->mix, f->object, f->bad,
                                      "-mllvm -opt-bisect-limit=-1", &diag)) <
        0)
        goto done;
    hr_optpass_parse(&passes, &npasses, hr_buf_cstr(&diag));
    if (npasses == 0) {
        error = hr_error_set(HR_ERROR, "%s printed no BISECT lines for %s",
                             f->bad->cc_path, f->object);
        goto done;
    }
    hr_bisection_out(x, "passes: %d in %s (-mllvm -opt-bisect-limit=-1)",
                     passes[npasses - 1].number, f->object);
    if ((error = hr_flagbisect_limit(&r, passes[npasses - 1].number,
                                     limit_oracle, f)) < 0)
        goto done;
    if (r.status == HR_FLAGBISECT_FLAKY) {
        hr_bisection_flaky(x, "a trial");
        *status = HR_BISECTION_NONE;
    } else if (r.status == HR_FLAGBISECT_NONE) {
        hr_bisection_out(
            x,
            "no pass explains the divergence: with -opt-bisect-limit=0 "
            "%s still behaves as the bad build",
            f->object);
        hr_record_set_str(x->rec, "result.status", "no-pass");
        *status = HR_BISECTION_NONE;
    } else if (r.status != HR_FLAGBISECT_FOUND) {
        hr_bisection_out(
            x,
            "guard failed: with every pass running, %s behaves as the "
            "good build",
            f->object);
        hr_record_set_str(x->rec, "result.status", "bad-guard");
        *status = HR_BISECTION_NONE;
    } else {
        const hr_optpass *p = NULL;

        for (size_t i = 0; i < npasses; i++)
            if (passes[i].number == r.pass)
                p = &passes[i];
        hr_record_set_str(x->rec, "result.status", "found");
        hr_record_set_int(x->rec, "result.pass", r.pass);
        hr_record_set_str(x->rec, "result.pass_name", p ? p->name : "?");
        hr_record_set_str(x->rec, "result.target", p ? p->target : "?");
        hr_bisection_out(x, "steps: %d trials; wall time: %.1f s", r.ntrials,
                         hr_clock_s() - x->t0);
        hr_bisection_out(x, "pass: %d %s on %s", r.pass, p ? p->name : "?",
                         p ? p->target : "?");
        *status = HR_BISECTION_FOUND;
    }
done:
    hr_optpass_free_all(passes, npasses);
    hr_buf_release(&diag);
    return error;
}

/* hr_flags_run - bisect flags */
int hr_flags_run(hr_bisection *x, const char *variant, const char *good_v,
                 const char *object, const char *source, const char *cc)
{
    hr_build *good = NULL, *bad = NULL;
    flagctx f;
    char *trial_dir = NULL;
    int code = HR_ERROR, r;

    memset(&f, 0, sizeof(f));
    f.x = x;
    f.variant = variant;
    f.source = source;
    f.cc = cc;
    f.object = object;
    if (hr_bisection_build(&good, good_v, source, cc, NULL) < 0 ||
        hr_bisection_build(&bad, variant, source, cc, NULL) < 0)
        goto trouble;
    f.bad = bad;
    hr_bisection_out(x, "good: %s, build %s (OPT=%s)", good->variant, good->id,
                     good->opt);
    hr_bisection_out(x, "bad: %s, build %s (OPT=%s, %s)", bad->variant, bad->id,
                     bad->opt, bad->cc_version);
    hr_record_set_build(x->rec, "good", good);
    hr_record_set_build(x->rec, "bad", bad);
    if (object)
        hr_record_set_str(x->rec, "object", object);
    if ((r = hr_bisection_sides(x, good->variant, good, bad->variant, bad)) !=
        0) {
        if (r < 0)
            goto trouble;
        code = HR_BISECTION_NONE;
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
    /* the callee recorded why */
    code = hr_error_code() < 0 ? hr_error_code() : HR_ERROR;
done:
    hr_mixtree_free(f.mix);
    hr_build_free(good);
    hr_build_free(bad);
    hr_free(trial_dir);
    return code;
}

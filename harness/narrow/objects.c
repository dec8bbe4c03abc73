/*
 * NAME
 *	narrow/objects 3
 * SUMMARY
 *	bisect the objects of two builds of one source, then check for UB
 * SYNOPSIS
 *	#include "narrow/objects.h"
 *
 *	int	hr_objects_run(x, good_v, bad_v, source, cc,
 *		    max_culprits)
 *	char	*hr_objects_source(object)
 *	int	hr_objects_ub_verdict(why, ubsan, wrapv, nreports)
 * DESCRIPTION
 *	hr_objects_run() builds (or finds) the variants good_v and
 *	bad_v of one source with one compiler, observes both sides, and
 *	runs bisect(3) over mix(3): mix their objects, relink, replay the
 *	case, descend one half at a time, confirm the culprit alone, look
 *	for more with it held at good (up to max_culprits). A mix whose
 *	programs are byte for byte those of a build already replayed is
 *	not replayed.
 *
 *	Every replay watches the trial stage's programs (mixtree(3)). The
 *	first replayed trial (the all-bad guard: everything relinked)
 *	tells which programs the case runs; later trials relink only
 *	those, the others stay the good build's. Should a trial run one
 *	of the others, its run is not trusted: that program joins the set,
 *	the mix is relinked and replayed again, and the step line names
 *	it ("replayed again: ..."). The step count does not change. Once
 *	programs are set aside, no mix is skipped as "identical" to a build
 *	or an earlier step: the set-aside programs are the good build's
 *	whatever the mix holds, so equal digests would not prove equal
 *	behaviour (a mix whose bad objects feed only a program the case
 *	had not run yet); such a mix is replayed, watched.
 *
 *	Each culprit is then cross-checked for undefined
 *	behaviour: recompiled with UBSan, and with the -fwrapv set.
 *	Progress and results go out as lines through x (bisection(3));
 *	the last ones are "culprit: OBJECT".
 *
 *	hr_objects_source() names the source of a tree-relative
 *	object; the caller frees it. hr_objects_ub_verdict() turns
 *	the outcomes of the two cross-checks and the number of UBSan
 *	reports into 1 (undefined behaviour), 0 (compiler) or -1
 *	(undecided: a trial flapped), with the reason in *why (static).
 * DIAGNOSTICS
 *	HR_BISECTION_FOUND when a culprit was named; HR_BISECTION_NONE
 *	when the bisection ended without one (flaky, a guard failed, no
 *	divergence), the reason reported and recorded; a negative code
 *	with hr_error_set() on trouble (the builds differ in source or
 *	compiler, a build, relink or replay failed).
 * SEE ALSO
 *	bisection(3), objbisect(3), mixtree(3), trial(3).
 */
#include <stdio.h>
#include <string.h>

#include "build/build.h"
#include "build/makelog.h"
#include "narrow/funcs.h"
#include "narrow/mixtree.h"
#include "narrow/objbisect.h"
#include "narrow/objects.h"
#include "util/buf.h"
#include "util/clock.h"
#include "util/fsutil.h"
#include "util/hash.h"
#include "util/mem.h"
#include "util/msg.h"
#include "util/spawn.h"
#include "util/strv.h"

#define WRAPV_FLAGS                                                            \
    "-fwrapv -fno-strict-aliasing -fno-aggressive-loop-optimizations "         \
    "-fno-delete-null-pointer-checks"
#define UBSAN_FLAGS "-fsanitize=undefined"

/* A trial tree's answers, remembered by the digest of its programs. */
typedef struct seen {
    char digest[HR_SHA256_HEX];
    hr_outcome outcome;
    int step;
} seen;

typedef struct objctx {
    hr_bisection *x;
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

/* watched_judge - replay the mix with its stage watched. A program that
 * ran and was left alone (the base build's, not relinked) makes the run
 * worthless: it joins the relinked set, the mix is relinked and replayed
 * again; its names go to *ran_outside, and *relinked grows by the
 * programs relinked for it. The first trial that relinked everything
 * fixes the set (mixtree(3)). */
static int watched_judge(hr_outcome *res, hr_trial_run *run, objctx *o,
                         const char *link_flags, hr_strv *ran_outside,
                         size_t *relinked)
{
    hr_bisection *x = o->x;
    size_t known = hr_mixtree_used(o->mix, NULL);
    int error, e;

    for (;;) {
        hr_strv outside = HR_STRV_INIT;

        if ((error = hr_mixtree_watch(o->mix)) < 0)
            return error;
        error = hr_trial_judge(res, x->trial, hr_mixtree_build(o->mix), run);
        if ((e = hr_mixtree_watched(o->mix, &outside)) < 0 && error == 0)
            error = e;
        if (error < 0 || outside.n == 0) {
            hr_strv_release(&outside);
            break;
        }
        x->replays++;
        hr_strv_addv(ran_outside, &outside);
        if (hr_verbose > 1)
            for (size_t i = 0; i < outside.n; i++)
                hr_msg_info("trial: %s ran and was not relinked: relinking, "
                            "replaying again", outside.v[i]);
        hr_strv_release(&outside);
        hr_trial_run_release(run);
        if ((error = hr_mixtree_relink(o->mix, link_flags)) < 0)
            break;
        *relinked += hr_mixtree_relinked(o->mix);
    }
    if (error == 0 && known == hr_mixtree_programs(o->mix) &&
        hr_mixtree_used(o->mix, NULL) < known && hr_verbose > 1) {
        hr_strv names = HR_STRV_INIT;
        char *list;

        hr_mixtree_used(o->mix, &names);
        list = hr_strv_join(&names, " ");
        hr_msg_info("trial: the case ran %zu of the %zu programs that "
                    "program directories make: %s", names.n, known, list);
        hr_free(list);
        hr_strv_release(&names);
    }
    return error;
}

/* relink_note - what a relink did, for a step line */
static char *relink_note(const objctx *o, size_t relinked, size_t restored,
                         size_t known, const hr_strv *outside)
{
    hr_buf b = HR_BUF_INIT;
    size_t used = hr_mixtree_used(o->mix, NULL);

    hr_buf_printf(&b, "%zu program(s) relinked", relinked);
    if (restored)
        hr_buf_printf(&b, ", %zu put back to the good build's", restored);
    if (known == hr_mixtree_programs(o->mix) && used < known)
        hr_buf_printf(&b, "; the case ran %zu of the %zu programs that "
                      "program directories make: later trials relink only "
                      "those", used, known);
    if (outside->n) {
        char *list = hr_strv_join(outside, ", ");

        hr_buf_printf(&b, "; replayed again: %s ran, not relinked (now "
                      "relinked)", list);
        hr_free(list);
    }
    return hr_buf_detach(&b);
}

/* obj_oracle - relink a mix, and replay it unless its programs are known */
static int obj_oracle(hr_outcome *res, const unsigned char *bad, size_t n,
                      hr_objbisect_phase phase, const char *what, void *payload)
{
    objctx *o = payload;
    hr_bisection *x = o->x;
    double t0 = hr_clock_s();
    char digest[HR_SHA256_HEX];
    char *desc = describe(o, bad, n, what), *note = NULL, *file = NULL;
    char *rnote = NULL;
    hr_strv outside = HR_STRV_INIT;
    int replayed = 0, error;
    size_t relinked, restored, known = hr_mixtree_used(o->mix, NULL);

    if ((error = hr_mixtree_set(o->mix, bad)) < 0 ||
        (error = hr_mixtree_relink(o->mix, NULL)) < 0 ||
        (error = hr_mixtree_digest(digest, o->mix)) < 0)
        goto done;
    if (hr_verbose > 1)
        hr_msg_info("timing trial: set, relink and digest %.3f",
                    hr_clock_s() - t0);
    relinked = hr_mixtree_relinked(o->mix);
    restored = hr_mixtree_restored(o->mix);
    if (relinked)
        x->relinks++;
    if (hr_mixtree_used(o->mix, NULL) < hr_mixtree_programs(o->mix)) {
        /* Programs set aside (the good build's, not relinked) make equal
         * digests say nothing about a program the mix would change but
         * that the case did not run so far: replay, watched. */
    } else if (strcmp(digest, o->good_digest) == 0) {
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

        if ((error = watched_judge(res, &run, o, NULL, &outside,
                                   &relinked)) < 0)
            goto done;
        /* replayed again: the stage that counts is the last one */
        if (outside.n && (error = hr_mixtree_digest(digest, o->mix)) < 0) {
            hr_trial_run_release(&run);
            goto done;
        }
        x->replays++;
        replayed = 1;
        if (relinked)
            o->relink_replays++;
        if ((file = hr_bisection_save_run(x, &run, *res)) != NULL)
            note = hr_sprintf("observation in %s", file);
        hr_trial_run_release(&run);
        o->seen = hr_realloc(o->seen, (o->nseen + 1) * sizeof(*o->seen));
        memcpy(o->seen[o->nseen].digest, digest, HR_SHA256_HEX);
        o->seen[o->nseen].outcome = *res;
        o->seen[o->nseen].step = x->steps + 1;
        o->nseen++;
    }
    note = note ? note : hr_strdup("");
    rnote = relink_note(o, relinked, restored, known, &outside);
    {
        char *full = hr_sprintf("%s%s%s", rnote, *note ? "; " : "", note);

        hr_bisection_step(x, hr_objbisect_phase_name(phase), desc, *res,
                          hr_clock_s() - t0, (long)relinked, replayed, full);
        hr_free(full);
    }
done:
    hr_free(desc);
    hr_free(note);
    hr_free(rnote);
    hr_free(file);
    hr_strv_release(&outside);
    return error;
}

/* hr_objects_source - "src/global/xtext.c" for "src/global/xtext.o" */
char *hr_objects_source(const char *object)
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
static int ubsan_options(char **out_obj, hr_bisection *x, const hr_build *bad)
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
    hr_bisection *x = o->x;
    hr_trial_run run;
    double t0 = hr_clock_s();
    char *what = hr_sprintf("%s recompiled with %s", object, flags);
    char *note = NULL, *file = NULL, *full = NULL;
    hr_strv outside = HR_STRV_INIT;
    size_t relinked;
    int error;

    if ((error = hr_mixtree_set(o->mix, partners)) < 0 ||
        (error = hr_mixtree_recompile(o->mix, object, bad, flags, NULL)) < 0 ||
        (error = hr_mixtree_relink(o->mix, link_flags)) < 0)
        goto done;
    x->relinks++;
    relinked = hr_mixtree_relinked(o->mix);
    hr_mixtree_set_sanitizer(o->mix, sanitizer);
    error = watched_judge(res, &run, o, link_flags, &outside, &relinked);
    hr_mixtree_set_sanitizer(o->mix, NULL);
    if (error < 0)
        goto done;
    x->replays++;
    hr_strv_addv(reports, &run.ub);
    file = hr_bisection_save_run(x, &run, *res);
    note = run.ub.n ? hr_sprintf("UBSan: %s", run.ub.v[0])
           : file   ? hr_sprintf("observation in %s", file)
                    : hr_strdup(sanitizer ? "no UB reported" : "");
    if (outside.n) {
        char *list = hr_strv_join(&outside, ", ");

        full = hr_sprintf("%s%sreplayed again: %s ran, not relinked (now "
                          "relinked)", note, *note ? "; " : "", list);
        hr_free(list);
    }
    hr_bisection_step(x, "ub-check", what, *res, hr_clock_s() - t0,
                      (long)relinked, 1, full ? full : note);
    hr_trial_run_release(&run);
done:
    hr_free(what);
    hr_free(note);
    hr_free(full);
    hr_free(file);
    hr_strv_release(&outside);
    return error;
}

/* hr_objects_ub_verdict - DESIGN's "UB first" from the two
 * cross-checks: 1 undefined behaviour, 0 compiler, -1 undecided */
int hr_objects_ub_verdict(const char **why, hr_outcome ubsan, hr_outcome wrapv,
                          size_t nreports)
{
    int verdict;

    if (ubsan == HR_OUTCOME_FLAKY || wrapv == HR_OUTCOME_FLAKY) {
        verdict = -1;
        *why = "a cross-check trial did not reproduce";
    } else if (ubsan == HR_OUTCOME_GOOD) {
        verdict = 1;
        *why = "built with " UBSAN_FLAGS ", it behaves as the good build";
    } else if (nreports) {
        verdict = 1;
        *why = "UBSan reports undefined behaviour in it";
    } else if (wrapv == HR_OUTCOME_GOOD) {
        verdict = 1;
        *why = "built with " WRAPV_FLAGS ", it behaves as the good build";
    } else {
        verdict = 0;
        *why = "neither UBSan nor the -fwrapv set removes the divergence, "
               "and UBSan reports nothing";
    }
    return verdict;
}

/* ub_check - DESIGN's "UB first" for one culprit; *is_ub: 1 UB, 0
 * compiler, -1 undecided (a trial flapped) */
static int ub_check(int *is_ub, objctx *o, const hr_build *bad,
                    const hr_objbisect_culprit *cul, size_t ci)
{
    hr_bisection *x = o->x;
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
    *is_ub = hr_objects_ub_verdict(&why, ubsan, wrapv, reports.n);
#define KEY(f) (snprintf(key, sizeof(key), "ub_check.%zu.%s", ci, f), key)
    hr_record_set_str(x->rec, KEY("object"), object);
    hr_record_set_str(x->rec, KEY("ubsan.flags"), UBSAN_FLAGS);
    hr_record_set_str(x->rec, KEY("ubsan.outcome"), hr_outcome_name(ubsan));
    hr_record_set_strv(x->rec, KEY("ubsan.reports"), &reports);
    hr_record_set_str(x->rec, KEY("wrapv.flags"), WRAPV_FLAGS);
    hr_record_set_str(x->rec, KEY("wrapv.outcome"), hr_outcome_name(wrapv));
    hr_record_set_str(x->rec, KEY("conclusion"),
                      *is_ub > 0    ? "undefined-behavior"
                      : *is_ub == 0 ? "compiler"
                                    : "undecided");
    hr_record_set_str(x->rec, KEY("why"), why);
#undef KEY
    hr_bisection_out(x, "ub-check: %s: %s; %s: %s%s%s", UBSAN_FLAGS,
                     hr_outcome_name(ubsan), "-fwrapv ...",
                     hr_outcome_name(wrapv), reports.n ? "; UBSan: " : "",
                     reports.n ? reports.v[0] : "");
    hr_bisection_out(x, "ub-check: %s: %s", object, why);
done:
    hr_free(mask);
    hr_free(opts);
    hr_free(link);
    hr_strv_release(&reports);
    hr_strv_release(&none);
    return error;
}

/* record_culprit - a culprit's object, source and compile command */
static void record_culprit(hr_bisection *x, objctx *o, const hr_build *bad,
                           const hr_objbisect_culprit *cul, size_t ci)
{
    const char *object = hr_mixtree_object(o->mix, cul->index);
    char *source = hr_objects_source(object), key[96];
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

/* hr_objects_run - bisect objects */
int hr_objects_run(hr_bisection *x, const char *good_v, const char *bad_v,
                   const char *source, const char *cc, int max_culprits)
{
    hr_build *good = NULL, *bad = NULL;
    hr_objbisect_result res;
    objctx o;
    char *trial_dir = NULL;
    int code = HR_ERROR, r;
    size_t n;

    memset(&res, 0, sizeof(res));
    memset(&o, 0, sizeof(o));
    o.x = x;
    if (hr_bisection_build(&good, good_v, source, cc, NULL) < 0 ||
        hr_bisection_build(&bad, bad_v, source, cc, NULL) < 0)
        goto trouble;
    hr_bisection_out(x, "good: %s, build %s (OPT=%s)", good->variant, good->id,
                     good->opt);
    hr_bisection_out(x, "bad: %s, build %s (OPT=%s)", bad->variant, bad->id,
                     bad->opt);
    if (strcmp(good->source_tree, bad->source_tree) != 0) {
        hr_error_set(HR_EINPUT,
                     "the builds come from different sources "
                     "(trees %.12s and %.12s): mix objects of one source",
                     good->source_tree, bad->source_tree);
        goto trouble;
    }
    if (good->prebuilt || bad->prebuilt) {
        hr_error_set(HR_EINPUT, "build %s is a distribution's binary "
                     "packages: it has no objects to mix",
                     good->prebuilt ? good->variant : bad->variant);
        goto trouble;
    }
    /* Two compilers (a vendor's question: gcc-12 against clang-15): C
     * objects of both link together, with the good build's driver. */
    if (strcmp(good->cc_sha256, bad->cc_sha256) != 0)
        hr_bisection_out(x, "compilers: good %s, bad %s; the mixes link "
                            "with the good one's",
                         good->cc_version, bad->cc_version);
    hr_record_set_build(x->rec, "good", good);
    hr_record_set_build(x->rec, "bad", bad);
    if ((r = hr_bisection_sides(x, good->variant, good, bad->variant, bad)) !=
        0) {
        code = HR_BISECTION_NONE;
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
    hr_bisection_out(
        x,
        "objects: %zu in each build, %zu byte-identical in both (left "
        "out: they cannot differ); N = %zu candidates, ceil(log2 N) = %u",
        hr_mixtree_total(o.mix), hr_mixtree_identical(o.mix), n,
        hr_objbisect_log2_ceil(n));
    hr_record_set_int(x->rec, "objects.total",
                      (long long)hr_mixtree_total(o.mix));
    hr_record_set_int(x->rec, "objects.identical",
                      (long long)hr_mixtree_identical(o.mix));
    hr_record_set_int(x->rec, "objects.candidates", (long long)n);
    hr_record_set_int(x->rec, "objects.log2", hr_objbisect_log2_ceil(n));
    if (n == 0) {
        hr_bisection_out(
            x, "guard failed: every object is the same in both builds; "
               "the divergence is not in the objects");
        hr_record_set_str(x->rec, "result.status", "bad-guard");
        code = HR_BISECTION_NONE;
        goto done;
    }
    if (hr_objbisect_objects(&res, n, (size_t)max_culprits, obj_oracle, &o) < 0)
        goto trouble;
    hr_record_set_str(x->rec, "result.status",
                      hr_objbisect_status_name(res.status));
    switch (res.status) {
    case HR_BISECT_FLAKY:
        hr_bisection_flaky(x, "a trial");
        code = HR_BISECTION_NONE;
        goto done;
    case HR_BISECT_GOOD_GUARD:
        hr_bisection_out(
            x, "guard failed: the all-good mix does not behave as the good "
               "build; mixing itself changes the behaviour");
        code = HR_BISECTION_NONE;
        goto done;
    case HR_BISECT_BAD_GUARD:
        hr_bisection_out(
            x, "guard failed: the all-bad mix does not behave as the bad "
               "build; the divergence does not come from the objects alone");
        code = HR_BISECTION_NONE;
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
            char *src = hr_objects_source(hr_mixtree_object(o.mix, cul->index));
            int is_ub = 0;

            hr_strv_add_owned(&sources, src);
            record_culprit(x, &o, bad, cul, i);
            if (cul->alone)
                hr_bisection_out(
                    x,
                    "confirmed alone: the good build plus only %s from "
                    "the bad one behaves %s",
                    hr_mixtree_object(o.mix, cul->index),
                    cul->alone_outcome == HR_OUTCOME_BAD
                        ? "as the bad build"
                        : "differently again (a third behaviour)");
            else
                hr_bisection_out(x,
                                 "%s makes the difference only with %zu other "
                                 "object(s) from the bad build",
                                 hr_mixtree_object(o.mix, cul->index),
                                 cul->npartners);
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
            hr_bisection_out(
                x,
                "note: some mixes showed a third behaviour (neither side): "
                "counted as bad, observations saved in %s",
                x->out_dir);
        if (res.more_left)
            hr_bisection_out(x,
                             "note: stopped after %zu culprits; more are left "
                             "(--max-culprits)",
                             res.nculprits);
        {
            char *list = hr_strv_join(&sources, ", ");
            hr_strv objs = HR_STRV_INIT;

            hr_bisection_out(x, "source: %s", list);
            hr_free(list);
            /* A shared build's culprit: the func cases over its
             * functions, on both sides. */
            for (size_t i = 0; i < res.nculprits; i++)
                hr_strv_add(&objs,
                            hr_mixtree_object(o.mix, res.culprits[i].index));
            if (hr_funcs_compare(x, good, bad, &objs) < 0) {
                hr_strv_release(&objs);
                hr_strv_release(&sources);
                goto trouble;
            }
            hr_strv_release(&objs);
        }
        hr_bisection_out(
            x, "conclusion: %s",
            any_ub      ? "undefined-behavior (the program's code is wrong; "
                          "the optimizer only exposed it)"
            : undecided ? "undecided (a cross-check did not reproduce)"
                        : "compiler (no sign of undefined behaviour)");
        hr_bisection_out(
            x,
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
        hr_record_set_int(x->rec, "counts.bound",
                          hr_objbisect_log2_ceil(n) + 3);
        hr_bisection_out(x, "wall time: %.1f s (%d relinks, %d replays)",
                         hr_clock_s() - x->t0, x->relinks, x->replays);
        hr_bisection_out(x, "record: %s/objects.json", x->out_dir);
        for (size_t i = 0; i < res.nculprits; i++) {
            const hr_objbisect_culprit *cul = &res.culprits[i];

            if (cul->alone) {
                hr_bisection_out(x, "culprit: %s",
                                 hr_mixtree_object(o.mix, cul->index));
            } else {
                hr_buf b = HR_BUF_INIT;

                for (size_t k = 0; k < cul->npartners; k++)
                    hr_buf_printf(&b, "%s%s", k ? ", " : "",
                                  hr_mixtree_object(o.mix, cul->partners[k]));
                hr_bisection_out(x, "culprit: %s (together with %s)",
                                 hr_mixtree_object(o.mix, cul->index),
                                 hr_buf_cstr(&b));
                hr_buf_release(&b);
            }
        }
        hr_strv_release(&sources);
    }
    code = HR_BISECTION_FOUND;
    goto done;
trouble:
    /* the callee recorded why */
    code = hr_error_code() < 0 ? hr_error_code() : HR_ERROR;
done:
    hr_objbisect_result_release(&res);
    hr_free(o.seen);
    hr_mixtree_free(o.mix);
    hr_build_free(good);
    hr_build_free(bad);
    hr_free(trial_dir);
    return code;
}

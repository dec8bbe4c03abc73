/*
 * NAME
 *	narrow/commits 3
 * SUMMARY
 *	the first bad commit between two revisions of a git repository
 * SYNOPSIS
 *	#include "narrow/commits.h"
 *
 *	int	hr_commits_run(x, git, good_rev, bad_rev, variant, cc,
 *		    first_parent)
 * DESCRIPTION
 *	hr_commits_run() fetches good_rev and bad_rev of the
 *	repository git into the source store (the Postfix tree at its top
 *	or under postfix/, source(3)), walks good..bad (first parents only
 *	when first_parent, or when the range has merges), builds variant
 *	at both ends and observes them, then builds and replays midpoints
 *	(commitbisect(3)).
 *
 *	A trial is judged by the divergence signature (signature(3)): as
 *	the good or the bad side there where they differ. A commit that
 *	also changes the observation elsewhere is reported so in its step
 *	("differs from that side outside the divergence too"), and does
 *	not decide. A commit whose tree does not build (HR_EBUILD) is
 *	skipped; any other failure to build or to replay stops the
 *	bisection as trouble. Progress and results go out as
 *	lines through x (bisection(3)); the last one is "first bad commit:
 *	ID SUMMARY", or the list of candidates when only commits that do
 *	not build are left.
 * DIAGNOSTICS
 *	HR_BISECTION_FOUND when the first bad commit was named;
 *	HR_BISECTION_NONE when it was not (flaky, skipped commits, no
 *	divergence), the reason reported and recorded; a negative code
 *	with hr_error_set() on trouble (a fetch or a side's build failed,
 *	the bad revision is not after the good one).
 * SEE ALSO
 *	bisection(3), commitbisect(3), gitrepo(3), trial(3).
 */
#include <stdio.h>
#include <string.h>

#include "build/build.h"
#include "narrow/commitbisect.h"
#include "narrow/commits.h"
#include "narrow/objbisect.h"
#include "narrow/signature.h"
#include "source/gitrepo.h"
#include "source/source.h"
#include "util/clock.h"
#include "util/mem.h"
#include "util/msg.h"
#include "util/paths.h"
#include "util/strv.h"

/* What one commit showed, tried once for all places. */
typedef struct tried {
    int done;
    hr_outcome *at; /* per place of the signature */
} tried;

/* The commits half. */
typedef struct commitctx {
    hr_bisection *x;
    const char *variant, *cc;
    hr_strv *ids;
    hr_gitrepo *store;
    hr_signature *sig; /* where the good and the bad side differ */
    size_t nplaces;
    tried *t;     /* per commit of the range */
    size_t place; /* the place being bisected */
    size_t ntried;
} commitctx;

/* places_note - "place 1 bad, place 2 good" when they do not agree */
static char *places_note(const commitctx *k, const hr_outcome *at,
                         hr_outcome *overall)
{
    hr_buf b = HR_BUF_INIT;
    int mixed = 0;

    for (size_t h = 1; h < k->nplaces; h++)
        mixed |= at[h] != at[0];
    *overall = mixed ? HR_OUTCOME_OTHER : at[0];
    if (!mixed)
        return NULL;
    for (size_t h = 0; h < k->nplaces; h++)
        hr_buf_printf(&b, "%splace %zu %s", h ? ", " : "", h + 1,
                      hr_outcome_name(at[h]));
    return hr_buf_detach(&b);
}

/* try_commit - build the variant at commit i and replay, once */
static int try_commit(commitctx *k, size_t i)
{
    hr_bisection *x = k->x;
    tried *t = &k->t[i];
    hr_build *b = NULL;
    hr_trial_run run;
    double t0 = hr_clock_s();
    char *summary = NULL, *what, *note = NULL, *file = NULL, *places = NULL;
    hr_outcome overall = HR_OUTCOME_SKIP;
    int error = 0;

    t->done = 1;
    t->at = hr_calloc(k->nplaces, sizeof(*t->at));
    k->ntried++;
    if (hr_gitrepo_summary(&summary, k->store, k->ids->v[i]) < 0)
        summary = hr_strdup("");
    what = hr_sprintf("%.12s %s", k->ids->v[i], summary);
    if (hr_bisection_build(&b, k->variant, k->ids->v[i], k->cc, NULL) < 0) {
        /* Only a tree that does not build is skipped, as git bisect
         * skips it; anything else is the harness's trouble, and a
         * bisection that went on past it could name the wrong commit. */
        if (hr_error_code() != HR_EBUILD) {
            error = hr_error_set(hr_error_code() < 0 ? hr_error_code()
                                                     : HR_ERROR,
                                 "commit %.12s: %s", k->ids->v[i],
                                 hr_error_last());
            goto done;
        }
        for (size_t h = 0; h < k->nplaces; h++)
            t->at[h] = HR_OUTCOME_SKIP;
        note = hr_sprintf("skipped: %s", hr_error_last());
        hr_error_clear();
    } else {
        int elsewhere = 0;

        if ((error = hr_trial_observe(&run, x->trial, b, NULL)) < 0)
            goto done;
        x->replays++;
        for (size_t h = 0; h < k->nplaces; h++)
            t->at[h] = run.flaky ? HR_OUTCOME_FLAKY
                                 : hr_signature_judge_hunk(
                                       k->sig, hr_obs_behaviour(run.models[0]),
                                       h);
        if (!run.flaky)
            elsewhere = hr_signature_elsewhere(k->sig,
                                               hr_obs_behaviour(run.models[0]));
        places = places_note(k, t->at, &overall);
        if ((file = hr_bisection_save_run(x, &run, overall)) != NULL)
            note = hr_sprintf("%s%s%sobservation in %s",
                              places ? places : "", places ? "; " : "",
                              elsewhere ? "also changed where the sides do "
                                          "not differ; "
                                        : "",
                              file);
        hr_trial_run_release(&run);
    }
    hr_bisection_step(x, "commit", what, overall, hr_clock_s() - t0, -1,
                      b != NULL, note);
done:
    hr_build_free(b);
    hr_free(summary);
    hr_free(what);
    hr_free(note);
    hr_free(file);
    hr_free(places);
    return error;
}

/* commit_oracle - commit i at the place being bisected */
static int commit_oracle(hr_outcome *res, size_t i, void *payload)
{
    commitctx *k = payload;
    int error;

    if (!k->t[i].done && (error = try_commit(k, i)) < 0)
        return error;
    *res = k->t[i].at[k->place];
    return 0;
}

/* has_merges - 1 when a commit of the range has more than one parent */
static int has_merges(commitctx *k, const hr_strv *ids)
{
    for (size_t i = 0; i < ids->n; i++) {
        unsigned n;
        int error;

        if ((error = hr_gitrepo_parents(&n, k->store, ids->v[i])) < 0)
            return error;
        if (n > 1)
            return 1;
    }
    return 0;
}

/* hr_commits_run - bisect commits */
int hr_commits_run(hr_bisection *x, const char *git, const char *good_rev,
                   const char *bad_rev, const char *variant, const char *cc,
                   int first_parent)
{
    hr_source_result gs, bs;
    hr_strv ids = HR_STRV_INIT;
    hr_build *good = NULL, *bad = NULL;
    hr_commitbisect_result *res = NULL;
    commitctx k;
    char *summary = NULL;
    int code = HR_ERROR, r;

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
    /* A history with merges (a release branch merged back, a topic
     * branch) is walked along its first parents: the commits on the
     * mainline, each of which was a state that someone released or
     * built, as git bisect --first-parent does. */
    if (!first_parent && (r = has_merges(&k, &ids)) != 0) {
        if (r < 0)
            goto trouble;
        first_parent = 1;
        hr_strv_release(&ids);
        if (hr_gitrepo_revlist(&ids, k.store, gs.commit, bs.commit, 1) < 0)
            goto trouble;
        hr_bisection_out(x, "commits: the range has merges; following "
                            "first parents");
    }
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
    hr_bisection_out(x,
                     "commits: %zu after the good one %.12s, up to the bad one "
                     "%.12s%s; at most %u to try",
                     ids.n, gs.commit, bs.commit,
                     first_parent ? " (first parents)" : "",
                     hr_objbisect_log2_ceil(ids.n));
    if (hr_bisection_build(&good, variant, gs.commit, cc, NULL) < 0 ||
        hr_bisection_build(&bad, variant, bs.commit, cc, NULL) < 0)
        goto trouble;
    hr_record_set_build(x->rec, "good", good);
    hr_record_set_build(x->rec, "bad", bad);
    if ((r = hr_bisection_sides(x, gs.commit, good, bs.commit, bad)) != 0) {
        if (r < 0)
            goto trouble;
        code = HR_BISECTION_NONE;
        goto done;
    }
    if (hr_signature_new(&k.sig, hr_obs_behaviour(x->good_obs),
                         hr_obs_behaviour(x->bad_obs)) < 0)
        goto trouble;
    k.nplaces = hr_signature_hunks(k.sig);
    k.t = hr_calloc(ids.n, sizeof(*k.t));
    /* The bad end is tried: bad at every place. */
    k.t[ids.n - 1].done = 1;
    k.t[ids.n - 1].at = hr_calloc(k.nplaces, sizeof(hr_outcome));
    for (size_t h = 0; h < k.nplaces; h++)
        k.t[ids.n - 1].at[h] = HR_OUTCOME_BAD;
    hr_bisection_out(x, "the sides differ at %zu place%s; each is bisected "
                        "on its own, the first one decides:",
                     k.nplaces, k.nplaces == 1 ? "" : "s");
    for (size_t h = 0; h < k.nplaces; h++)
        hr_bisection_out(x, "  place %zu: %s", h + 1,
                         hr_signature_describe(k.sig, h));
    res = hr_calloc(k.nplaces, sizeof(*res));
    /* The other places first: the first place's answer is the last line. */
    for (size_t n = 0; n < k.nplaces; n++) {
        size_t h = (n + 1) % k.nplaces;
        char key[64];
        size_t slot;

        k.place = h;
        if (hr_commitbisect_run(&res[h], ids.n, commit_oracle, &k) < 0)
            goto trouble;
        if (res[h].status == HR_COMMITBISECT_FLAKY) {
            hr_bisection_flaky(x, "a trial");
            code = HR_BISECTION_NONE;
            goto done;
        }
        slot = hr_record_push(x->rec, "result.places");
        snprintf(key, sizeof(key), "result.places.%zu.where", slot);
        hr_record_set_str(x->rec, key, hr_signature_describe(k.sig, h));
        snprintf(key, sizeof(key), "result.places.%zu.status", slot);
        hr_record_set_str(x->rec, key, res[h].status == HR_COMMITBISECT_SKIPPED
                                           ? "skipped"
                                           : "found");
        snprintf(key, sizeof(key), "result.places.%zu.commit", slot);
        hr_record_set_str(x->rec, key, ids.v[res[h].first_bad]);
        if (h != 0) {
            char *s = NULL;

            hr_gitrepo_summary(&s, k.store, ids.v[res[h].first_bad]);
            hr_bisection_out(x, "place %zu changes %s at %s %s", h + 1,
                             res[h].status == HR_COMMITBISECT_SKIPPED
                                 ? "at or before"
                                 : "first",
                             ids.v[res[h].first_bad], s ? s : "");
            hr_free(s);
        }
    }
    hr_bisection_out(
        x, "steps: %zu builds and replays of %zu commits; wall time: %.1f s",
        k.ntried, ids.n, hr_clock_s() - x->t0);
    if (res[0].status == HR_COMMITBISECT_SKIPPED) {
        hr_record_set_str(x->rec, "result.status", "skipped");
        hr_bisection_out(
            x, "only commits that do not build are left; the first bad "
               "commit is one of:");
        for (size_t i = 0; i < res[0].ncandidates; i++) {
            char *s = NULL;

            hr_gitrepo_summary(&s, k.store, ids.v[res[0].candidates[i]]);
            hr_bisection_out(x, "  %s %s", ids.v[res[0].candidates[i]],
                             s ? s : "");
            hr_free(s);
        }
        code = HR_BISECTION_NONE;
        goto done;
    }
    if (hr_gitrepo_summary(&summary, k.store, ids.v[res[0].first_bad]) < 0)
        goto trouble;
    hr_record_set_str(x->rec, "result.status", "found");
    hr_record_set_str(x->rec, "result.commit", ids.v[res[0].first_bad]);
    hr_record_set_str(x->rec, "result.summary", summary);
    hr_bisection_out(x, "first bad commit: %s %s", ids.v[res[0].first_bad],
                     summary);
    code = HR_BISECTION_FOUND;
    goto done;
trouble:
    /* the callee recorded why */
    code = hr_error_code() < 0 ? hr_error_code() : HR_ERROR;
done:
    for (size_t h = 0; res && h < k.nplaces; h++)
        hr_commitbisect_result_release(&res[h]);
    hr_free(res);
    for (size_t i = 0; k.t && i < ids.n; i++)
        hr_free(k.t[i].at);
    hr_free(k.t);
    hr_signature_free(k.sig);
    hr_gitrepo_free(k.store);
    hr_strv_release(&ids);
    hr_build_free(good);
    hr_build_free(bad);
    hr_free(summary);
    return code;
}

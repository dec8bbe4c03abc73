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
 *	repository git into the source store, walks good..bad (first
 *	parents only when first_parent), builds variant at both ends and
 *	observes them, then builds and replays midpoints (commitbisect(3)),
 *	skipping commits that do not build. Progress and results go out as
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
#include <string.h>

#include "build/build.h"
#include "narrow/commitbisect.h"
#include "narrow/commits.h"
#include "narrow/objbisect.h"
#include "source/gitrepo.h"
#include "source/source.h"
#include "util/clock.h"
#include "util/mem.h"
#include "util/msg.h"
#include "util/paths.h"
#include "util/strv.h"

/* The commits half. */
typedef struct commitctx {
    hr_bisection *x;
    const char *variant, *cc;
    hr_strv *ids;
    hr_gitrepo *store;
} commitctx;

/* commit_oracle - build the variant at commit i and replay */
static int commit_oracle(hr_outcome *res, size_t i, void *payload)
{
    commitctx *k = payload;
    hr_bisection *x = k->x;
    hr_build *b = NULL;
    hr_trial_run run;
    double t0 = hr_clock_s();
    char *summary = NULL, *what, *note = NULL, *file = NULL;
    int error = 0;

    if (hr_gitrepo_summary(&summary, k->store, k->ids->v[i]) < 0)
        summary = hr_strdup("");
    what = hr_sprintf("%.12s %s", k->ids->v[i], summary);
    if (hr_bisection_build(&b, k->variant, k->ids->v[i], k->cc, NULL) < 0) {
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
        if ((file = hr_bisection_save_run(x, &run, *res)) != NULL)
            note = hr_sprintf("observation in %s", file);
        hr_trial_run_release(&run);
    }
    hr_bisection_step(x, "commit", what, *res, hr_clock_s() - t0, -1, b != NULL,
                      note);
done:
    hr_build_free(b);
    hr_free(summary);
    hr_free(what);
    hr_free(note);
    hr_free(file);
    return error;
}

/* hr_commits_run - bisect commits */
int hr_commits_run(hr_bisection *x, const char *git, const char *good_rev,
                   const char *bad_rev, const char *variant, const char *cc,
                   int first_parent)
{
    hr_source_result gs, bs;
    hr_strv ids = HR_STRV_INIT;
    hr_build *good = NULL, *bad = NULL;
    hr_commitbisect_result res;
    commitctx k;
    char *summary = NULL;
    int code = HR_ERROR, r;

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
    if (hr_commitbisect_run(&res, ids.n, commit_oracle, &k) < 0)
        goto trouble;
    if (res.status == HR_COMMITBISECT_FLAKY) {
        hr_bisection_flaky(x, "a trial");
        code = HR_BISECTION_NONE;
        goto done;
    }
    hr_bisection_out(
        x, "steps: %zu builds and replays of %zu commits; wall time: %.1f s",
        res.nsteps, ids.n, hr_clock_s() - x->t0);
    if (res.status == HR_COMMITBISECT_SKIPPED) {
        hr_record_set_str(x->rec, "result.status", "skipped");
        hr_bisection_out(
            x, "only commits that do not build are left; the first bad "
               "commit is one of:");
        for (size_t i = 0; i < res.ncandidates; i++) {
            char *s = NULL;

            hr_gitrepo_summary(&s, k.store, ids.v[res.candidates[i]]);
            hr_bisection_out(x, "  %s %s", ids.v[res.candidates[i]],
                             s ? s : "");
            hr_free(s);
        }
        code = HR_BISECTION_NONE;
        goto done;
    }
    if (hr_gitrepo_summary(&summary, k.store, ids.v[res.first_bad]) < 0)
        goto trouble;
    hr_record_set_str(x->rec, "result.status", "found");
    hr_record_set_str(x->rec, "result.commit", ids.v[res.first_bad]);
    hr_record_set_str(x->rec, "result.summary", summary);
    hr_bisection_out(x, "first bad commit: %s %s", ids.v[res.first_bad],
                     summary);
    code = HR_BISECTION_FOUND;
    goto done;
trouble:
    /* the callee recorded why */
    code = hr_error_code() < 0 ? hr_error_code() : HR_ERROR;
done:
    hr_commitbisect_result_release(&res);
    hr_gitrepo_free(k.store);
    hr_strv_release(&ids);
    hr_build_free(good);
    hr_build_free(bad);
    hr_free(summary);
    return code;
}

/*
 * NAME
 *	narrow/commitbisect 3
 * SUMMARY
 *	the first bad commit between a good and a bad one
 * SYNOPSIS
 *	#include "narrow/commitbisect.h"
 *
 *	int	hr_commitbisect_run(out, count, oracle, payload)
 *	void	hr_commitbisect_result_release(r)
 * DESCRIPTION
 *	hr_commitbisect_run() searches a range of commits, oldest first, that
 *	follows a good commit and ends with a bad one (index count-1, which
 *	the caller has tried), as git bisect does: it tries the middle of
 *	what is still open, and keeps the half that holds the first
 *	transition from good to bad. A third behaviour counts as bad: it
 *	is not the good one.
 *
 *	A commit that cannot be tried (it does not build) is skipped, and
 *	the one nearest to the middle is tried instead, alternately after
 *	and before it. When only skipped commits lie between the last good
 *	and the first bad one, the result is HR_COMMITBISECT_SKIPPED and the
 *	candidates are those skipped commits and the first bad one, as git
 *	bisect reports "one of these".
 *
 *	A trial that flaps stops the search (HR_COMMITBISECT_FLAKY).
 * DIAGNOSTICS
 *	A negative return is the oracle's error, passed up unchanged.
 */
#include <string.h>

#include "narrow/commitbisect.h"
#include "util/mem.h"

/* pick - the untried commit between lo and hi nearest to the middle, or
 * -1 when only skipped ones are left */
static long pick(long lo, long hi, const unsigned char *skipped)
{
    long mid = lo + (hi - lo) / 2;

    for (long d = 0; d < hi - lo; d++) {
        long after = mid + d, before = mid - d;

        if (after > lo && after < hi && !skipped[after])
            return after;
        if (before > lo && before < hi && !skipped[before])
            return before;
    }
    return -1;
}

/* hr_commitbisect_run - the first bad commit, skipping what does not build */
int hr_commitbisect_run(hr_commitbisect_result *out, size_t count,
                        hr_commit_oracle oracle, void *payload)
{
    unsigned char *skipped = hr_calloc(count ? count : 1, 1);
    long lo = -1, hi = (long)count - 1, i;
    int error = 0;

    memset(out, 0, sizeof(*out));
    while ((i = pick(lo, hi, skipped)) >= 0) {
        hr_outcome o;
        hr_commitbisect_step *step;

        out->steps =
            hr_realloc(out->steps, (out->nsteps + 1) * sizeof(*out->steps));
        step = &out->steps[out->nsteps++];
        step->index = (size_t)i;
        step->outcome = HR_OUTCOME_FLAKY;
        if ((error = oracle(&o, (size_t)i, payload)) < 0)
            goto done;
        step->outcome = o;
        if (o == HR_OUTCOME_FLAKY) {
            out->status = HR_COMMITBISECT_FLAKY;
            goto done;
        }
        if (o == HR_OUTCOME_SKIP)
            skipped[i] = 1;
        else if (o == HR_OUTCOME_GOOD)
            lo = i;
        else
            hi = i;
    }
    out->first_bad = (size_t)hi;
    out->status = HR_COMMITBISECT_FOUND;
    for (long k = lo + 1; k < hi; k++) {
        if (skipped[k]) {
            out->status = HR_COMMITBISECT_SKIPPED;
            out->candidates = hr_realloc(
                out->candidates, (out->ncandidates + 1) * sizeof(size_t));
            out->candidates[out->ncandidates++] = (size_t)k;
        }
    }
    if (out->status == HR_COMMITBISECT_SKIPPED) {
        out->candidates = hr_realloc(out->candidates,
                                     (out->ncandidates + 1) * sizeof(size_t));
        out->candidates[out->ncandidates++] = (size_t)hi;
    }
done:
    hr_free(skipped);
    return error;
}

/* hr_commitbisect_result_release - free */
void hr_commitbisect_result_release(hr_commitbisect_result *r)
{
    hr_free(r->candidates);
    hr_free(r->steps);
    memset(r, 0, sizeof(*r));
}

/*
 * NAME
 *	narrow/objbisect 3
 * SUMMARY
 *	object bisection: which objects of a bad build make it bad
 * SYNOPSIS
 *	#include "narrow/objbisect.h"
 *
 *	int	hr_objbisect_objects(out, n, max_culprits, oracle, payload)
 *	void	hr_objbisect_result_release(r)
 *	size_t	hr_objbisect_count(r, phase)
 *	unsigned hr_objbisect_log2_ceil(n)
 *	const char *hr_objbisect_phase_name(p)
 *	const char *hr_objbisect_status_name(s)
 * DESCRIPTION
 *	hr_objbisect_objects() searches n candidate objects, numbered 0..n-1,
 *	for the ones whose bad version makes a mix behave as the bad build.
 *	It knows nothing about builds: the oracle tries a mix (a mask of
 *	objects taken from the bad build) and says how it behaved.
 *
 *	Guards come first: the all-good mix must behave as good and the
 *	all-bad mix as bad, else the status says which guard failed and no
 *	culprit is named.
 *
 *	The descent is a binary search over prefixes of the candidates in
 *	their order: with the first k objects bad, the mix passes at k = 0
 *	and fails at k = n, so some k has a passing k-1 and a failing k,
 *	which differ in object k alone. It needs ceil(log2 n) trials and
 *	finds a real transition even when the behaviour is not monotonic.
 *	A third behaviour (neither good nor bad) counts as failing: it
 *	differs from the good build, and the result says that it was seen.
 *
 *	The culprit is then confirmed alone: the good build plus only that
 *	object from the bad one. When that passes, the object needs others
 *	with it; the search goes on among the objects before it, with it
 *	held bad, until the group fails on its own; the group is reported
 *	as one culprit with its partners.
 *
 *	Then the culprits are held at good and the rest is tried all bad:
 *	if that still fails, there is another culprit, and the search
 *	starts again without the ones found (up to max_culprits; 0 means
 *	no limit). For one culprit the trials are: 2 guards, ceil(log2 n)
 *	descent steps, 1 confirmation and 1 check for more.
 *
 *	A trial that flaps stops everything: the status is HR_BISECT_FLAKY
 *	and no culprit is named, because the same binary did not behave
 *	the same twice.
 * DIAGNOSTICS
 *	A negative return is the oracle's error, passed up unchanged; the
 *	steps taken so far stay in *out. Release *out in every case.
 */
#include <string.h>

#include "narrow/objbisect.h"
#include "util/mem.h"
#include "util/msg.h"

typedef struct search {
    hr_objbisect_result *r;
    hr_objbisect_oracle oracle;
    void *payload;
    size_t n;
    unsigned char *mask;
} search;

/* hr_objbisect_phase_name - for logs and JSON */
const char *hr_objbisect_phase_name(hr_objbisect_phase p)
{
    static const char *const names[] = {"guard", "descent", "confirm", "more"};

    if ((unsigned)p >= sizeof(names) / sizeof(names[0]))
        hr_panic("hr_objbisect_phase_name: bad phase %d", (int)p);
    return names[p];
}

/* hr_objbisect_status_name - for logs and JSON */
const char *hr_objbisect_status_name(hr_objbisect_status s)
{
    static const char *const names[] = {"found", "good-guard", "bad-guard",
                                        "flaky"};

    if ((unsigned)s >= sizeof(names) / sizeof(names[0]))
        hr_panic("hr_objbisect_status_name: bad status %d", (int)s);
    return names[s];
}

/* hr_objbisect_log2_ceil - the descent's bound */
unsigned hr_objbisect_log2_ceil(size_t n)
{
    unsigned k = 0;

    while (k < sizeof(size_t) * 8 && ((size_t)1 << k) < n)
        k++;
    return k;
}

/* failing - the mix differs from the good build */
static int failing(hr_outcome o)
{
    return o == HR_OUTCOME_BAD || o == HR_OUTCOME_OTHER;
}

/* ask - one trial of the current mask, recorded */
static int ask(hr_outcome *out, search *s, hr_objbisect_phase phase,
               char *what)
{
    hr_objbisect_result *r = s->r;
    hr_objbisect_step *step;
    size_t nbad = 0;
    int error;

    for (size_t i = 0; i < s->n; i++)
        nbad += s->mask[i] != 0;
    r->steps = hr_realloc(r->steps, (r->nsteps + 1) * sizeof(*r->steps));
    step = &r->steps[r->nsteps++];
    step->phase = phase;
    step->what = what;
    step->nbad = nbad;
    step->outcome = HR_OUTCOME_FLAKY;
    if ((error = s->oracle(out, s->mask, s->n, phase, what, s->payload)) < 0)
        return error;
    if ((unsigned)*out > HR_OUTCOME_FLAKY)
        hr_panic("bisect oracle returned outcome %d", (int)*out);
    step->outcome = *out;
    if (*out == HR_OUTCOME_OTHER)
        r->others = 1;
    return 0;
}

/* set_mask - background bad, plus the first k of list */
static void set_mask(search *s, const size_t *bg, size_t nbg,
                     const size_t *list, size_t k)
{
    memset(s->mask, 0, s->n);
    for (size_t i = 0; i < nbg; i++)
        s->mask[bg[i]] = 1;
    for (size_t i = 0; i < k; i++)
        s->mask[list[i]] = 1;
}

/* find_group - one culprit among cand (all of them bad fails, none bad
 * passes): the object and, when it fails only with others, its partners.
 * known is how the all-candidates mix failed; *stop is set when a trial
 * flapped. */
static int find_group(search *s, size_t *cand, size_t m, hr_outcome known,
                      size_t **group, size_t *ngroup,
                      hr_outcome *alone_outcome, int *stop)
{
    hr_outcome o, hi_outcome = known;
    size_t *bg = hr_calloc(m, sizeof(size_t));
    size_t nbg = 0;
    int error = 0;

    *stop = 0;
    for (;;) {
        size_t lo = 0, hi = m;

        /* Known: background plus all m fails; background alone passes. */
        while (hi - lo > 1) {
            size_t mid = lo + (hi - lo) / 2;

            set_mask(s, bg, nbg, cand, mid);
            if ((error =
                     ask(&o, s, HR_STEP_DESCENT,
                         hr_sprintf("first %zu of %zu candidates bad%s", mid, m,
                                    nbg ? ", with the found ones" : ""))) < 0)
                goto done;
            if (o == HR_OUTCOME_FLAKY) {
                *stop = 1;
                goto done;
            }
            if (failing(o)) {
                hi = mid;
                hi_outcome = o;
            } else {
                lo = mid;
            }
        }
        bg[nbg++] = cand[hi - 1];
        if (hi == 1) {
            /* The failing mix at hi was the group alone: confirmed. */
            *alone_outcome = hi_outcome;
            break;
        }
        set_mask(s, bg, nbg, cand, 0);
        if ((error = ask(
                 &o, s, HR_STEP_CONFIRM,
                 nbg == 1 ? hr_sprintf("candidate %zu alone", cand[hi - 1] + 1)
                          : hr_sprintf("candidate %zu with %zu "
                                       "partner(s)",
                                       bg[0] + 1, nbg - 1))) < 0)
            goto done;
        if (o == HR_OUTCOME_FLAKY) {
            *stop = 1;
            goto done;
        }
        if (failing(o)) {
            *alone_outcome = o;
            break;
        }
        /* It needs company among the objects before it; the mix that
         * failed at hi is now the known failing one. */
        m = hi - 1;
    }
done:
    *group = bg;
    *ngroup = nbg;
    return error;
}

/* hr_objbisect_objects - guards, descent, confirmation, more culprits */
int hr_objbisect_objects(hr_objbisect_result *out, size_t n, size_t max_culprits,
                      hr_objbisect_oracle oracle, void *payload)
{
    search s;
    unsigned char *held = hr_calloc(n ? n : 1, 1);
    size_t *cand = hr_calloc(n ? n : 1, sizeof(size_t));
    hr_outcome o, known = HR_OUTCOME_BAD;
    int error = 0, stop;

    memset(out, 0, sizeof(*out));
    s.r = out;
    s.oracle = oracle;
    s.payload = payload;
    s.n = n;
    s.mask = hr_calloc(n ? n : 1, 1);

    /* Guards. */
    set_mask(&s, NULL, 0, NULL, 0);
    if ((error = ask(&o, &s, HR_STEP_GUARD, hr_strdup("all good"))) < 0)
        goto done;
    if (o != HR_OUTCOME_GOOD) {
        out->status =
            o == HR_OUTCOME_FLAKY ? HR_BISECT_FLAKY : HR_BISECT_GOOD_GUARD;
        goto done;
    }
    memset(s.mask, 1, n);
    if ((error = ask(&o, &s, HR_STEP_GUARD, hr_strdup("all bad"))) < 0)
        goto done;
    if (o != HR_OUTCOME_BAD || n == 0) {
        out->status =
            o == HR_OUTCOME_FLAKY ? HR_BISECT_FLAKY : HR_BISECT_BAD_GUARD;
        goto done;
    }

    for (;;) {
        hr_objbisect_culprit *c;
        size_t m = 0, *group = NULL, ngroup = 0;
        hr_outcome alone = HR_OUTCOME_BAD;

        for (size_t i = 0; i < n; i++)
            if (!held[i])
                cand[m++] = i;
        /* Known here: all candidates bad, the held ones good, fails. */
        error = find_group(&s, cand, m, known, &group, &ngroup, &alone, &stop);
        if (error < 0 || stop) {
            hr_free(group);
            if (stop)
                out->status = HR_BISECT_FLAKY;
            goto done;
        }
        out->culprits = hr_realloc(out->culprits, (out->nculprits + 1) *
                                                      sizeof(*out->culprits));
        c = &out->culprits[out->nculprits++];
        c->index = group[0];
        c->alone = ngroup == 1;
        c->alone_outcome = alone;
        c->npartners = ngroup - 1;
        c->partners = NULL;
        if (ngroup > 1) {
            c->partners = hr_calloc(ngroup - 1, sizeof(size_t));
            memcpy(c->partners, group + 1, (ngroup - 1) * sizeof(size_t));
        }
        for (size_t i = 0; i < ngroup; i++)
            held[group[i]] = 1;
        hr_free(group);

        /* Anything left once the culprits are held at good? */
        m = 0;
        for (size_t i = 0; i < n; i++)
            m += !held[i];
        if (m == 0)
            break;
        if (max_culprits && out->nculprits >= max_culprits) {
            out->more_left = 1;
            break;
        }
        for (size_t i = 0; i < n; i++)
            s.mask[i] = !held[i];
        if ((error = ask(&o, &s, HR_STEP_MORE,
                         hr_sprintf("all bad but the %zu culprit(s) found",
                                    out->nculprits))) < 0)
            goto done;
        if (o == HR_OUTCOME_FLAKY) {
            out->status = HR_BISECT_FLAKY;
            goto done;
        }
        if (!failing(o))
            break;
        known = o;
    }
    out->status = HR_BISECT_FOUND;
done:
    hr_free(s.mask);
    hr_free(held);
    hr_free(cand);
    return error;
}

/* hr_objbisect_count - steps of one phase */
size_t hr_objbisect_count(const hr_objbisect_result *r, hr_objbisect_phase phase)
{
    size_t k = 0;

    for (size_t i = 0; i < r->nsteps; i++)
        k += r->steps[i].phase == phase;
    return k;
}

/* hr_objbisect_result_release - free what hr_objbisect_objects() filled in */
void hr_objbisect_result_release(hr_objbisect_result *r)
{
    for (size_t i = 0; i < r->nsteps; i++)
        hr_free(r->steps[i].what);
    hr_free(r->steps);
    for (size_t i = 0; i < r->nculprits; i++)
        hr_free(r->culprits[i].partners);
    hr_free(r->culprits);
    memset(r, 0, sizeof(*r));
}

/*
 * NAME
 *	narrow/ddmin 3
 * SUMMARY
 *	delta debugging: a 1-minimal subset that still fails
 * SYNOPSIS
 *	#include "narrow/ddmin.h"
 *
 *	int	hr_ddmin(keep, n, test, payload)
 * DESCRIPTION
 *	hr_ddmin() is Zeller and Hildebrandt's ddmin over the units that
 *	keep[] holds on entry (keep[i] != 0). It splits them into g parts
 *	(g = 2 first), tests each part alone, then each complement; a part
 *	or complement that still fails becomes the new set (g back to 2,
 *	or g - 1 for a complement), and when none does, g doubles, until g
 *	exceeds the units left. The result, in keep[], fails and loses the
 *	failure when any one unit is taken out (1-minimal), provided the
 *	test is deterministic. The set on entry must fail; it is not
 *	tested again. A test of an empty set is never made.
 *
 *	test() sees the whole keep[] array of the candidate. The caller
 *	counts, caches and budgets trials there.
 * DIAGNOSTICS
 *	0, or the negative value test() returned: keep[] then holds the
 *	smallest failing set found so far.
 * SEE ALSO
 *	A. Zeller, R. Hildebrandt, "Simplifying and Isolating
 *	Failure-Inducing Input", IEEE TSE 28(2), 2002; reduce(3).
 */
#include <string.h>

#include "narrow/ddmin.h"
#include "util/mem.h"

/* try - test the units idx[from, to) alone (complement 0) or all of cur
 * but them (complement 1); 1 and keep[] set to it when it fails */
static int try(unsigned char *keep, size_t n, const size_t *idx,
               size_t nidx, size_t from, size_t to, int complement,
               hr_ddmin_test_fn test, void *payload, unsigned char *scratch)
{
    size_t count = 0;
    int r;

    memset(scratch, 0, n);
    for (size_t k = 0; k < nidx; k++) {
        int inside = k >= from && k < to;

        if (inside != complement) {
            scratch[idx[k]] = 1;
            count++;
        }
    }
    if (count == 0 || count == nidx)
        return 0;
    if ((r = test(scratch, n, payload)) <= 0)
        return r;
    memcpy(keep, scratch, n);
    return 1;
}

/* hr_ddmin - reduce keep[] to a 1-minimal failing subset */
int hr_ddmin(unsigned char *keep, size_t n, hr_ddmin_test_fn test,
             void *payload)
{
    size_t *idx = hr_calloc(n ? n : 1, sizeof(size_t));
    unsigned char *scratch = hr_calloc(n ? n : 1, 1);
    size_t g = 2;
    int r = 0;

    for (;;) {
        size_t nidx = 0, parts;
        int found = 0;

        for (size_t i = 0; i < n; i++)
            if (keep[i])
                idx[nidx++] = i;
        if (nidx < 2)
            break;
        if (g > nidx)
            g = nidx;
        parts = g;
        /* each part alone */
        for (size_t p = 0; p < parts && !found; p++) {
            size_t from = nidx * p / parts, to = nidx * (p + 1) / parts;

            if ((r = try(keep, n, idx, nidx, from, to, 0, test, payload,
                         scratch)) < 0)
                goto done;
            if (r > 0) {
                found = 1;
                g = 2;
            }
        }
        /* each complement */
        for (size_t p = 0; p < parts && !found && parts > 2; p++) {
            size_t from = nidx * p / parts, to = nidx * (p + 1) / parts;

            if ((r = try(keep, n, idx, nidx, from, to, 1, test, payload,
                         scratch)) < 0)
                goto done;
            if (r > 0) {
                found = 1;
                g = g > 2 ? g - 1 : 2;
            }
        }
        if (found)
            continue;
        if (g >= nidx)
            break;
        g = 2 * g < nidx ? 2 * g : nidx;
    }
    r = 0;
done:
    hr_free(idx);
    hr_free(scratch);
    return r < 0 ? r : 0;
}

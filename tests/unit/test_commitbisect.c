/* test_commitbisect - first bad commit, with commits that do not build */
#include "unit.h"
#include "narrow/commitbisect.h"
#include "util/mem.h"

/* A fake history: commits from first_bad on are bad; some do not build;
 * one may flap. */
struct history {
    size_t first_bad;
    const char *broken; /* 'x' at index i: commit i does not build */
    size_t tries[64];
    size_t flap_index; /* +1; 0: none */
};

static int oracle(hr_outcome *out, size_t i, void *payload)
{
    struct history *h = payload;

    h->tries[i]++;
    assert_int_equal(h->tries[i], 1); /* never tried twice */
    if (h->flap_index && i + 1 == h->flap_index)
        *out = HR_OUTCOME_FLAKY;
    else if (h->broken && h->broken[i] == 'x')
        *out = HR_OUTCOME_SKIP;
    else
        *out = i >= h->first_bad ? HR_OUTCOME_BAD : HR_OUTCOME_GOOD;
    return 0;
}

static void test_commitbisect_every_position(void **state)
{
    (void)state;
    for (size_t n = 1; n <= 40; n++) {
        for (size_t fb = 0; fb < n; fb++) {
            struct history h = {fb, NULL, {0}, 0};
            hr_commitbisect_result r;
            size_t steps = 0;

            assert_int_equal(hr_commitbisect_run(&r, n, oracle, &h), 0);
            assert_int_equal(r.status, HR_COMMITBISECT_FOUND);
            assert_int_equal(r.first_bad, fb);
            /* The bad end is known: the range before it is searched. */
            while (((size_t)1 << steps) < n)
                steps++;
            assert_true(r.nsteps <= steps);
            hr_commitbisect_result_release(&r);
        }
    }
}

static void test_commitbisect_skips_what_does_not_build(void **state)
{
    /* good, then 0 ok, 1 broken, 2 ok, 3 bad (first), 4 bad */
    struct history h = {3, "-x---", {0}, 0};
    hr_commitbisect_result r;

    (void)state;
    assert_int_equal(hr_commitbisect_run(&r, 5, oracle, &h), 0);
    assert_int_equal(r.status, HR_COMMITBISECT_FOUND);
    assert_int_equal(r.first_bad, 3);
    assert_int_equal(h.tries[1], 1);
    assert_int_equal(r.steps[0].index, 1);
    assert_int_equal(r.steps[0].outcome, HR_OUTCOME_SKIP);
    hr_commitbisect_result_release(&r);
}

static void test_commitbisect_skipped_neighbours(void **state)
{
    /* The commits just before the first bad one do not build: it is
     * one of them or the first bad one. */
    struct history h = {4, "--xx---", {0}, 0};
    hr_commitbisect_result r;

    (void)state;
    assert_int_equal(hr_commitbisect_run(&r, 7, oracle, &h), 0);
    assert_int_equal(r.status, HR_COMMITBISECT_SKIPPED);
    assert_int_equal(r.ncandidates, 3);
    assert_int_equal(r.candidates[0], 2);
    assert_int_equal(r.candidates[1], 3);
    assert_int_equal(r.candidates[2], 4);
    assert_int_equal(r.first_bad, 4);
    hr_commitbisect_result_release(&r);
}

static void test_commitbisect_flapping_stops(void **state)
{
    struct history h = {5, NULL, {0}, 5};
    hr_commitbisect_result r;

    (void)state;
    assert_int_equal(hr_commitbisect_run(&r, 10, oracle, &h), 0);
    assert_int_equal(r.status, HR_COMMITBISECT_FLAKY);
    assert_int_equal(r.steps[r.nsteps - 1].outcome, HR_OUTCOME_FLAKY);
    hr_commitbisect_result_release(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_commitbisect_every_position),
        cmocka_unit_test(test_commitbisect_skips_what_does_not_build),
        cmocka_unit_test(test_commitbisect_skipped_neighbours),
        cmocka_unit_test(test_commitbisect_flapping_stops),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}

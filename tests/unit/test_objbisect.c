/* test_objbisect - object bisection against fake oracles */
#include "unit.h"
#include "narrow/objbisect.h"
#include "util/mem.h"

/* A fake world: groups of culprits; a mix fails when every member of
 * some group is bad. Optionally a trial flaps, or guards misbehave. */
struct world {
    size_t groups[3][3]; /* object indexes, +1; 0 ends a group */
    size_t ngroups;
    size_t calls;
    size_t flap_at;     /* this call (1-based) flaps; 0: never */
    int all_good_fails; /* the all-good mix behaves as bad */
    int other;          /* failing mixes other than all-bad show a
                         * third behaviour */
};

static int oracle(hr_outcome *out, const unsigned char *bad, size_t n,
                  hr_objbisect_phase phase, const char *what, void *payload)
{
    struct world *w = payload;
    int fails = 0, all_bad = 1;

    for (size_t i = 0; i < n; i++)
        all_bad &= bad[i] != 0;
    assert_non_null(what);
    assert_true(phase <= HR_STEP_MORE);
    w->calls++;
    if (w->flap_at && w->calls == w->flap_at) {
        *out = HR_OUTCOME_FLAKY;
        return 0;
    }
    for (size_t g = 0; g < w->ngroups; g++) {
        int all = 1;

        for (size_t k = 0; k < 3 && w->groups[g][k]; k++)
            all &= bad[w->groups[g][k] - 1] != 0;
        fails |= all;
    }
    if (w->all_good_fails)
        fails = 1;
    *out = !fails                 ? HR_OUTCOME_GOOD
           : w->other && !all_bad ? HR_OUTCOME_OTHER
                                  : HR_OUTCOME_BAD;
    return 0;
}

/* An oracle that fails the caller's way: trouble, not a result. */
static int broken_oracle(hr_outcome *out, const unsigned char *bad,
                         size_t n, hr_objbisect_phase phase, const char *what,
                         void *payload)
{
    (void)out, (void)bad, (void)n, (void)phase, (void)what, (void)payload;
    return hr_error_set(HR_ERROR, "relink failed");
}

static void test_bisect_single_culprit_every_position(void **state)
{
    (void)state;
    for (size_t n = 1; n <= 70; n++) {
        for (size_t c = 0; c < n; c++) {
            struct world w = {{{c + 1}}, 1, 0, 0, 0, 0};
            hr_objbisect_result r;

            assert_int_equal(hr_objbisect_objects(&r, n, 0, oracle, &w), 0);
            assert_int_equal(r.status, HR_BISECT_FOUND);
            assert_int_equal(r.nculprits, 1);
            assert_int_equal(r.culprits[0].index, c);
            assert_true(r.culprits[0].alone);
            assert_int_equal(r.culprits[0].alone_outcome, HR_OUTCOME_BAD);
            hr_objbisect_result_release(&r);
        }
    }
}

static void test_bisect_single_culprit_step_bound(void **state)
{
    static const size_t sizes[] = {1, 2, 3, 7, 8, 9, 100, 629, 1000, 4096};

    (void)state;
    for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
        size_t n = sizes[i];
        unsigned bound = hr_objbisect_log2_ceil(n);

        for (size_t c = 0; c < n; c += n / 7 + 1) {
            struct world w = {{{c + 1}}, 1, 0, 0, 0, 0};
            hr_objbisect_result r;

            assert_int_equal(hr_objbisect_objects(&r, n, 0, oracle, &w), 0);
            assert_int_equal(r.culprits[0].index, c);
            /* 2 guards, ceil(log2 n) halvings, at most 1 confirmation
             * (none when the descent already tried it alone), and the
             * check for more when anything is left. The all-good guard
             * costs no relink or replay in a mix, which starts as a copy
             * of the good build: the trials that do are <= log2 n + 3. */
            assert_int_equal(hr_objbisect_count(&r, HR_STEP_GUARD), 2);
            assert_true(hr_objbisect_count(&r, HR_STEP_DESCENT) <= bound);
            assert_true(hr_objbisect_count(&r, HR_STEP_CONFIRM) <= 1);
            assert_int_equal(hr_objbisect_count(&r, HR_STEP_MORE), n > 1);
            assert_true(r.nsteps - 1 <= bound + 3);
            assert_int_equal(w.calls, r.nsteps);
            hr_objbisect_result_release(&r);
        }
    }
}

static void test_bisect_two_culprits(void **state)
{
    struct world w = {{{12}, {400}}, 2, 0, 0, 0, 0};
    hr_objbisect_result r;

    (void)state;
    assert_int_equal(hr_objbisect_objects(&r, 629, 0, oracle, &w), 0);
    assert_int_equal(r.status, HR_BISECT_FOUND);
    assert_int_equal(r.nculprits, 2);
    /* The prefix search meets the earlier one first. */
    assert_int_equal(r.culprits[0].index, 11);
    assert_int_equal(r.culprits[1].index, 399);
    assert_true(r.culprits[0].alone && r.culprits[1].alone);
    assert_int_equal(hr_objbisect_count(&r, HR_STEP_MORE), 2);
    assert_int_equal(r.steps[r.nsteps - 1].outcome, HR_OUTCOME_GOOD);
    hr_objbisect_result_release(&r);
}

static void test_bisect_max_culprits(void **state)
{
    struct world w = {{{3}, {9}}, 2, 0, 0, 0, 0};
    hr_objbisect_result r;

    (void)state;
    assert_int_equal(hr_objbisect_objects(&r, 20, 1, oracle, &w), 0);
    assert_int_equal(r.nculprits, 1);
    assert_int_equal(r.culprits[0].index, 2);
    assert_true(r.more_left);
    hr_objbisect_result_release(&r);
}

static void test_bisect_culprit_needs_partner(void **state)
{
    /* Objects 5 and 40 only fail together. */
    struct world w = {{{5, 40}}, 1, 0, 0, 0, 0};
    hr_objbisect_result r;

    (void)state;
    assert_int_equal(hr_objbisect_objects(&r, 64, 0, oracle, &w), 0);
    assert_int_equal(r.status, HR_BISECT_FOUND);
    assert_int_equal(r.nculprits, 1);
    assert_false(r.culprits[0].alone);
    assert_int_equal(r.culprits[0].index, 39);
    assert_int_equal(r.culprits[0].npartners, 1);
    assert_int_equal(r.culprits[0].partners[0], 4);
    hr_objbisect_result_release(&r);
}

static void test_bisect_third_behaviour_counts_as_failing(void **state)
{
    struct world w = {{{33}}, 1, 0, 0, 0, 1};
    hr_objbisect_result r;

    (void)state;
    assert_int_equal(hr_objbisect_objects(&r, 50, 0, oracle, &w), 0);
    assert_int_equal(r.status, HR_BISECT_FOUND);
    assert_true(r.others);
    assert_int_equal(r.culprits[0].index, 32);
    assert_int_equal(r.culprits[0].alone_outcome, HR_OUTCOME_OTHER);
    hr_objbisect_result_release(&r);
}

static void test_bisect_flapping_trial_stops(void **state)
{
    (void)state;
    for (size_t at = 1; at <= 8; at++) {
        struct world w = {{{17}}, 1, 0, at, 0, 0};
        hr_objbisect_result r;

        assert_int_equal(hr_objbisect_objects(&r, 100, 0, oracle, &w), 0);
        assert_int_equal(r.status, HR_BISECT_FLAKY);
        assert_int_equal(r.nculprits, 0);
        assert_int_equal(r.nsteps, at);
        assert_int_equal(r.steps[at - 1].outcome, HR_OUTCOME_FLAKY);
        hr_objbisect_result_release(&r);
    }
}

static void test_bisect_good_guard_fails(void **state)
{
    struct world w = {{{1}}, 1, 0, 0, 1, 0};
    hr_objbisect_result r;

    (void)state;
    assert_int_equal(hr_objbisect_objects(&r, 10, 0, oracle, &w), 0);
    assert_int_equal(r.status, HR_BISECT_GOOD_GUARD);
    assert_int_equal(r.nsteps, 1);
    assert_int_equal(r.nculprits, 0);
    hr_objbisect_result_release(&r);
}

static void test_bisect_bad_guard_fails(void **state)
{
    /* No object makes a difference: the divergence is elsewhere. */
    struct world w = {{{0}}, 0, 0, 0, 0, 0};
    hr_objbisect_result r;

    (void)state;
    assert_int_equal(hr_objbisect_objects(&r, 10, 0, oracle, &w), 0);
    assert_int_equal(r.status, HR_BISECT_BAD_GUARD);
    assert_int_equal(r.nsteps, 2);
    hr_objbisect_result_release(&r);
}

static void test_bisect_oracle_error_passes_up(void **state)
{
    hr_objbisect_result r;

    (void)state;
    assert_int_equal(hr_objbisect_objects(&r, 10, 0, broken_oracle, NULL),
                     HR_ERROR);
    assert_string_equal(hr_error_last(), "relink failed");
    assert_int_equal(r.nsteps, 1);
    hr_objbisect_result_release(&r);
}

static void test_bisect_log2_ceil(void **state)
{
    (void)state;
    assert_int_equal(hr_objbisect_log2_ceil(1), 0);
    assert_int_equal(hr_objbisect_log2_ceil(2), 1);
    assert_int_equal(hr_objbisect_log2_ceil(3), 2);
    assert_int_equal(hr_objbisect_log2_ceil(629), 10);
    assert_int_equal(hr_objbisect_log2_ceil(1024), 10);
    assert_int_equal(hr_objbisect_log2_ceil(1025), 11);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bisect_single_culprit_every_position),
        cmocka_unit_test(test_bisect_single_culprit_step_bound),
        cmocka_unit_test(test_bisect_two_culprits),
        cmocka_unit_test(test_bisect_max_culprits),
        cmocka_unit_test(test_bisect_culprit_needs_partner),
        cmocka_unit_test(test_bisect_third_behaviour_counts_as_failing),
        cmocka_unit_test(test_bisect_flapping_trial_stops),
        cmocka_unit_test(test_bisect_good_guard_fails),
        cmocka_unit_test(test_bisect_bad_guard_fails),
        cmocka_unit_test(test_bisect_oracle_error_passes_up),
        cmocka_unit_test(test_bisect_log2_ceil),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* test_confirm - the chance that a flap is the harness's own artefact */
#include "unit.h"
#include "run/confirm.h"

static void test_confirm_no_flap_is_no_evidence(void **state)
{
    (void)state;
    /* Nothing differed: anything is consistent with an artefact. */
    assert_true(hr_confirm_chance(0, 20, 0, 10) == 1.0);
}

static void test_confirm_clean_control(void **state)
{
    double p;

    (void)state;
    /* The control never differed in 10 runs (rate taken as 0.5/11);
     * 10 of 20 runs differing is then far beyond chance. */
    p = hr_confirm_chance(10, 20, 0, 10);
    assert_true(p > 0.0 && p < 1e-6);
    /* One of 20 is not. */
    p = hr_confirm_chance(1, 20, 0, 10);
    assert_true(p > 0.5 && p < 1.0);
}

static void test_confirm_noisy_control(void **state)
{
    double p;

    (void)state;
    /* A control that differs half the time explains half the runs. */
    p = hr_confirm_chance(10, 20, 5, 10);
    assert_true(p > 0.4 && p < 0.8);
    /* Monotone: more differing runs, smaller chance. */
    assert_true(hr_confirm_chance(15, 20, 5, 10) <
                hr_confirm_chance(10, 20, 5, 10));
}

static void test_confirm_binomial_exact(void **state)
{
    (void)state;
    /* p = (0 + 0.5) / (0 + 1) = 0.5: P(X >= 1), n = 2, is 3/4. */
    assert_true(hr_confirm_chance(1, 2, 0, 0) > 0.7499 &&
                hr_confirm_chance(1, 2, 0, 0) < 0.7501);
    /* P(X >= 2) = 1/4. */
    assert_true(hr_confirm_chance(2, 2, 0, 0) > 0.2499 &&
                hr_confirm_chance(2, 2, 0, 0) < 0.2501);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_confirm_no_flap_is_no_evidence),
        cmocka_unit_test(test_confirm_clean_control),
        cmocka_unit_test(test_confirm_noisy_control),
        cmocka_unit_test(test_confirm_binomial_exact),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}

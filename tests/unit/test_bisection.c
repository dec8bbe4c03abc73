/* test_bisection - the shared context: lines out through the callback */
#include "unit.h"
#include "narrow/bisection.h"
#include "util/mem.h"
#include "util/strv.h"

/* collect - the line callback: every line, in order */
static void collect(const char *text, void *payload)
{
    hr_strv_add(payload, text);
}

/* ctx - a context with a record in memory and no case or trial */
static void ctx(hr_bisection *x, hr_strv *lines)
{
    memset(x, 0, sizeof(*x));
    x->line = collect;
    x->payload = lines;
    hr_record_new(&x->rec, "objects", "/nonexistent/record");
}

static void test_bisection_out_goes_to_the_callback(void **state)
{
    hr_strv lines = HR_STRV_INIT;
    hr_bisection x;

    (void)state;
    ctx(&x, &lines);
    hr_bisection_out(&x, "good: %s, build %s", "O0", "abc123");
    hr_bisection_out(&x, "%d%%", 50);
    assert_int_equal(lines.n, 2);
    assert_string_equal(lines.v[0], "good: O0, build abc123");
    assert_string_equal(lines.v[1], "50%");
    hr_record_free(x.rec);
    hr_strv_release(&lines);
}

static void test_bisection_out_without_callback_is_silent(void **state)
{
    hr_bisection x;

    (void)state;
    memset(&x, 0, sizeof(x));
    hr_bisection_out(&x, "nobody listens: %s", "fine");
}

static void test_bisection_step_numbers_and_records(void **state)
{
    hr_strv lines = HR_STRV_INIT;
    hr_bisection x;

    (void)state;
    ctx(&x, &lines);
    hr_bisection_step(&x, "guard", "all good", HR_OUTCOME_GOOD, 1.5, 3, 1,
                      "3 program(s) relinked");
    hr_bisection_step(&x, "descent", "half", HR_OUTCOME_BAD, 0.0, -1, 0, "");
    assert_int_equal(x.steps, 2);
    assert_int_equal(lines.n, 2);
    assert_string_equal(lines.v[0], "  1  guard    good     1.5 s  all good; "
                                    "3 program(s) relinked");
    assert_string_equal(lines.v[1], "  2  descent  bad      0.0 s  half");
    assert_string_equal(hr_record_get_str(x.rec, "steps.0.phase"), "guard");
    assert_string_equal(hr_record_get_str(x.rec, "steps.1.outcome"), "bad");
    assert_string_equal(hr_record_get_str(x.rec, "steps.0.note"),
                        "3 program(s) relinked");
    assert_null(hr_record_get_str(x.rec, "steps.1.note"));
    hr_record_free(x.rec);
    hr_strv_release(&lines);
}

static void test_bisection_flaky_says_hardware(void **state)
{
    hr_strv lines = HR_STRV_INIT;
    hr_bisection x;

    (void)state;
    ctx(&x, &lines);
    hr_bisection_flaky(&x, "a trial");
    assert_int_equal(lines.n, 2);
    assert_string_equal(lines.v[0],
                        "hardware: a trial gave different observations in "
                        "runs of the same binary on the same input");
    assert_true(strncmp(lines.v[1], "no culprit named: ", 18) == 0);
    assert_string_equal(hr_record_get_str(x.rec, "result.status"), "flaky");
    hr_record_free(x.rec);
    hr_strv_release(&lines);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bisection_out_goes_to_the_callback),
        cmocka_unit_test(test_bisection_out_without_callback_is_silent),
        cmocka_unit_test(test_bisection_step_numbers_and_records),
        cmocka_unit_test(test_bisection_flaky_says_hardware),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}

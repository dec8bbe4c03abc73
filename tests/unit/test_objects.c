/* test_objects - the pure parts of the objects driver */
#include "unit.h"
#include "narrow/objects.h"
#include "util/mem.h"

static void test_objects_source_of_object(void **state)
{
    char *s;

    (void)state;
    s = hr_objects_source("src/global/xtext.o");
    assert_string_equal(s, "src/global/xtext.c");
    hr_free(s);
    s = hr_objects_source("a.o");
    assert_string_equal(s, "a.c");
    hr_free(s);
}

static void test_objects_ub_verdict(void **state)
{
    const char *why = NULL;

    (void)state;
    /* a flapping cross-check decides nothing, whatever else it says */
    assert_int_equal(
        hr_objects_ub_verdict(&why, HR_OUTCOME_FLAKY, HR_OUTCOME_GOOD, 1), -1);
    assert_int_equal(
        hr_objects_ub_verdict(&why, HR_OUTCOME_GOOD, HR_OUTCOME_FLAKY, 0), -1);
    assert_string_equal(why, "a cross-check trial did not reproduce");
    /* UBSan removes the divergence */
    assert_int_equal(
        hr_objects_ub_verdict(&why, HR_OUTCOME_GOOD, HR_OUTCOME_BAD, 0), 1);
    assert_non_null(strstr(why, "-fsanitize=undefined"));
    /* still bad under UBSan, but it reported something */
    assert_int_equal(
        hr_objects_ub_verdict(&why, HR_OUTCOME_BAD, HR_OUTCOME_BAD, 2), 1);
    assert_string_equal(why, "UBSan reports undefined behaviour in it");
    /* only the -fwrapv set removes it */
    assert_int_equal(
        hr_objects_ub_verdict(&why, HR_OUTCOME_BAD, HR_OUTCOME_GOOD, 0), 1);
    assert_non_null(strstr(why, "-fwrapv"));
    /* nothing: the compiler */
    assert_int_equal(
        hr_objects_ub_verdict(&why, HR_OUTCOME_BAD, HR_OUTCOME_OTHER, 0), 0);
    assert_non_null(strstr(why, "UBSan reports nothing"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_objects_source_of_object),
        cmocka_unit_test(test_objects_ub_verdict),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}

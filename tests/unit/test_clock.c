/* test_clock.c - monotonic time, processors, time-stamped ids */
#include <stdio.h> /* before unit.h, which uses snprintf() */
#include "unit.h"

#include <ctype.h>
#include <time.h>

#include "util/clock.h"
#include "util/mem.h"

/* test_clock_monotonic - never goes back; seconds and milliseconds agree */
static void test_clock_monotonic(void **state)
{
    double s0 = hr_clock_s(), s1;
    long long m0 = hr_clock_ms(), m1;
    struct timespec nap = {0, 20 * 1000 * 1000};

    (void)state;
    nanosleep(&nap, NULL);
    s1 = hr_clock_s();
    m1 = hr_clock_ms();
    assert_true(s1 - s0 >= 0.019);
    assert_true(m1 - m0 >= 19);
    /* the same clock: within 50 ms of each other */
    assert_true((long long)(s1 * 1000) - m1 < 50 &&
                m1 - (long long)(s1 * 1000) < 50);
}

/* test_clock_ncpus - at least one */
static void test_clock_ncpus(void **state)
{
    (void)state;
    assert_true(hr_clock_ncpus() >= 1);
}

/* test_clock_id - "YYYYmmdd-HHMMSS-xxxxxx", UTC, and new each time */
static void test_clock_id(void **state)
{
    char *a = hr_clock_id(), *b = hr_clock_id(), now[16];
    time_t t = time(NULL);

    (void)state;
    assert_int_equal(strlen(a), 22);
    for (size_t i = 0; i < 22; i++) {
        if (i == 8 || i == 15)
            assert_int_equal(a[i], '-');
        else if (i < 15)
            assert_true(isdigit((unsigned char)a[i]));
        else
            assert_true(isxdigit((unsigned char)a[i]) &&
                        !isupper((unsigned char)a[i]));
    }
    strftime(now, sizeof(now), "%Y%m%d", gmtime(&t));
    /* the date, unless midnight passed between the two calls */
    assert_true(strncmp(a, now, 8) == 0 || strncmp(a, now, 8) < 0);
    assert_string_not_equal(a, b);
    hr_free(a);
    hr_free(b);
}

/* main - the clock tests */
int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_clock_monotonic),
        cmocka_unit_test(test_clock_ncpus),
        cmocka_unit_test(test_clock_id),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}

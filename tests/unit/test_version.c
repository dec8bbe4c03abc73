/*
 * NAME
 *	test_version 1
 * SUMMARY
 *	unit tests of version(3): Postfix version numbers
 */
#include "unit.h"

#include "util/msg.h"
#include "util/version.h"

/* test_version_parse - releases, snapshots, bounds, and what is not one */
static void test_version_parse(void **state)
{
    static const struct {
        const char *s;
        int ok, major, minor, patch;
        long snapshot;
    } rows[] = {
        {"3.7.11", 1, 3, 7, 11, 0},
        {"3.10.13", 1, 3, 10, 13, 0},
        {"3.11-20250601", 1, 3, 11, 0, 20250601},
        {"3.9", 1, 3, 9, 0, 0},
        {"2.11.0", 1, 2, 11, 0, 0},
        {"", 0, 0, 0, 0, 0},
        {"3", 0, 0, 0, 0, 0},
        {"3.", 0, 0, 0, 0, 0},
        {"3.7.", 0, 0, 0, 0, 0},
        {"3.7.11.1", 0, 0, 0, 0, 0},
        {"3.11-2025", 0, 0, 0, 0, 0},
        {"3.11-2025060x", 0, 0, 0, 0, 0},
        {"3.7.11 ", 0, 0, 0, 0, 0},
        {"1234.1", 0, 0, 0, 0, 0},
        {"v3.7.11", 0, 0, 0, 0, 0},
    };

    (void)state;
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        hr_version v;
        int rc = hr_version_parse(&v, rows[i].s);

        if ((rc == 0) != rows[i].ok)
            fail_msg("'%s': rc %d", rows[i].s, rc);
        if (rc < 0) {
            assert_int_equal(rc, HR_EINPUT);
            continue;
        }
        assert_int_equal(v.major, rows[i].major);
        assert_int_equal(v.minor, rows[i].minor);
        assert_int_equal(v.patch, rows[i].patch);
        assert_int_equal(v.snapshot, rows[i].snapshot);
    }
}

/* test_version_order - older, newer, and snapshots as a.b.0 */
static void test_version_order(void **state)
{
    static const char *const ascending[] = {
        "3.4.14", "3.6", "3.7.9", "3.7.11", "3.9", "3.9.1", "3.10.0",
        "3.10.13", "3.11.0", "3.11-20250601",
    };
    size_t n = sizeof(ascending) / sizeof(ascending[0]);

    (void)state;
    for (size_t i = 0; i + 1 < n; i++) {
        hr_version a, b;

        assert_int_equal(hr_version_parse(&a, ascending[i]), 0);
        assert_int_equal(hr_version_parse(&b, ascending[i + 1]), 0);
        assert_true(hr_version_cmp(&a, &b) < 0);
        assert_true(hr_version_cmp(&b, &a) > 0);
        assert_int_equal(hr_version_cmp(&a, &a), 0);
    }
    assert_true(hr_version_at_least("3.10.13", 3, 9));
    assert_true(hr_version_at_least("3.9-20230801", 3, 9));
    assert_true(hr_version_at_least("3.6.0", 3, 6));
    assert_false(hr_version_at_least("3.5.18", 3, 6));
    assert_false(hr_version_at_least("2.11.11", 3, 0));
    assert_false(hr_version_at_least("garbage", 0, 0));
}

int main(void)
{
    static const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_version_parse),
        cmocka_unit_test(test_version_order),
    };

    return cmocka_run_group_tests_name("version", tests, NULL, NULL);
}

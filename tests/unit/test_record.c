/* test_record - a bisection's record: paths, arrays, write and load */
#include "unit.h"
#include "util/fsutil.h"
#include "util/mem.h"
#include "narrow/record.h"

static void test_narrow_paths_round_trip(void **state)
{
    char *dir = unit_tmpdir();
    hr_record *n = NULL, *back = NULL;
    hr_strv v = HR_STRV_INIT;
    double num = 0;
    size_t k;

    (void)state;
    assert_non_null(dir);
    hr_record_new(&n, "objects", dir);
    hr_record_set_str(n, "case.name", "fault-dsn-xtext");
    hr_record_set_num(n, "seconds", 83.25);
    hr_record_set_int(n, "objects.candidates", 632);
    hr_strv_add(&v, "src/util/a.o");
    hr_record_set_strv(n, "result.culprits.0.partners", &v);
    hr_record_set_str(n, "result.culprits.0.object", "src/global/xtext.o");
    k = hr_record_push(n, "steps");
    assert_int_equal(k, 0);
    hr_record_set_str(n, "steps.0.outcome", "good");
    k = hr_record_push(n, "steps");
    assert_int_equal(k, 1);
    hr_record_set_str(n, "steps.1.outcome", "bad");
    hr_record_log(n, "step %d", 1);
    assert_int_equal(hr_record_write(n), 0);
    assert_int_equal(hr_record_load(&back, "objects", dir), 0);
    assert_string_equal(hr_record_get_str(back, "case.name"),
                        "fault-dsn-xtext");
    assert_string_equal(hr_record_get_str(back, "result.culprits.0.object"),
                        "src/global/xtext.o");
    assert_string_equal(hr_record_get_str(back, "result.culprits.0.partners.0"),
                        "src/util/a.o");
    assert_int_equal(hr_record_count(back, "steps"), 2);
    assert_string_equal(hr_record_get_str(back, "steps.1.outcome"), "bad");
    assert_int_equal(hr_record_get_num(&num, back, "seconds"), 0);
    assert_true(num == 83.25);
    assert_int_equal(hr_record_get_num(&num, back, "objects.candidates"), 0);
    assert_true(num == 632);
    assert_null(hr_record_get_str(back, "steps.7.outcome"));
    assert_null(hr_record_get_str(back, "nothing.here"));
    assert_int_equal(hr_record_get_num(&num, back, "case.name"), HR_ENOTFOUND);
    hr_record_free(n);
    hr_record_free(back);
    hr_strv_release(&v);
    hr_rm_rf(dir);
    free(dir);
}

static void test_narrow_load_refuses_other_files(void **state)
{
    char *dir = unit_tmpdir();
    char *path = hr_path_join(dir, "flags.json");
    hr_record *n = NULL;

    (void)state;
    assert_int_equal(hr_record_load(&n, "flags", dir), HR_ENOTFOUND);
    assert_int_equal(hr_file_write_atomic(path, "{\"schema\":\"x\"}", 14, 0644),
                     0);
    assert_int_equal(hr_record_load(&n, "flags", dir), HR_EINPUT);
    assert_null(n);
    hr_rm_rf(dir);
    free(dir);
    hr_free(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_narrow_paths_round_trip),
        cmocka_unit_test(test_narrow_load_refuses_other_files),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}

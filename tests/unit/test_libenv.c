/*
 * NAME
 *	test_libenv 1
 * SUMMARY
 *	unit tests of libenv(3): --libenv NAME[:VAR=VAL,...] and the paths a
 *	library environment needs shown
 */
#include "unit.h"

#include "instance/libenv.h"
#include "util/fsutil.h"
#include "util/mem.h"
#include "util/msg.h"

static void test_libenv_parse(void **state)
{
    hr_libenv e;

    (void)state;
    assert_int_equal(hr_libenv_parse(&e, "shim:LD_PRELOAD=/opt/x/s.so,"
                                         "MALLOC_CHECK_=3"),
                     0);
    assert_string_equal(e.name, "shim");
    assert_int_equal(e.env.n, 2);
    assert_string_equal(e.env.v[1], "MALLOC_CHECK_=3");
    hr_libenv_release(&e);
    assert_int_equal(hr_libenv_parse(&e, "bare"), 0);
    assert_int_equal(e.env.n, 0);
    hr_libenv_release(&e);
}

static void test_libenv_errors(void **state)
{
    static const struct {
        const char *spec, *error;
    } rows[] = {
        {":A=1", "libenv ':A=1': the name must have 1 to 32 characters"},
        {"a b:A=1", "libenv 'a b:A=1': the name may hold letters, digits, "
                    "'-' and '_' only"},
        {"x:NOEQUALS", "libenv 'x:NOEQUALS': 'NOEQUALS' is not VAR=VALUE "
                       "without spaces"},
        {"x:A=1 2", "libenv 'x:A=1 2': 'A=1 2' is not VAR=VALUE without "
                    "spaces"},
        {"x:LD_PRELOAD=/tmp/s.so", "libenv 'x:LD_PRELOAD=/tmp/s.so': "
                                   "'/tmp/s.so' lies right in /tmp, which "
                                   "instances see empty; put it in a "
                                   "directory of its own (/tmp/shim/...)"},
        {"x:LD_LIBRARY_PATH=/opt/a:/root/b.so",
         "libenv 'x:LD_LIBRARY_PATH=/opt/a:/root/b.so': '/opt/a:/root/b.so' "
         "lies right in /root, which instances see empty; put it in a "
         "directory of its own (/root/shim/...)"},
    };

    (void)state;
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        hr_libenv e;

        assert_int_equal(hr_libenv_parse(&e, rows[i].spec), HR_EINPUT);
        assert_string_equal(hr_error_last(), rows[i].error);
    }
}

/* test_libenv_paths - what exists of the values' absolute paths: a
 * directory itself, a file's directory */
static void test_libenv_paths(void **state)
{
    char *dir = unit_tmpdir(), *file;
    hr_strv env = HR_STRV_INIT, ro = HR_STRV_INIT;

    (void)state;
    file = hr_sprintf("%s/s.so", dir);
    assert_int_equal(hr_file_write_atomic(file, "x", 1, 0644), 0);
    hr_strv_addf(&env, "LD_PRELOAD=%s", file);
    hr_strv_addf(&env, "LD_LIBRARY_PATH=%s:/no/such:relative", dir);
    hr_libenv_paths(&ro, &env);
    assert_int_equal(ro.n, 2);
    assert_string_equal(ro.v[0], dir);
    assert_string_equal(ro.v[1], dir);
    hr_strv_release(&ro);
    hr_strv_release(&env);
    assert_int_equal(hr_rm_rf(dir), 0);
    hr_free(file);
    free(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_libenv_parse),
        cmocka_unit_test(test_libenv_errors),
        cmocka_unit_test(test_libenv_paths),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}

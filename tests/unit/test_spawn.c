/* test_spawn.c - real /bin/sh children: exit status, capture of stdout
 * and stderr, the buffer's size limit, the time limit */
#include <stdio.h> /* before unit.h, which uses snprintf() */
#include "unit.h"

#include "util/buf.h"
#include "util/clock.h"
#include "util/msg.h"
#include "util/spawn.h"

/* sh - argv for /bin/sh -c SCRIPT */
#define SH(script) ((const char *const[]){"/bin/sh", "-c", script, NULL})

/* test_spawn_status - exit codes, and 128+N for a signal */
static void test_spawn_status(void **state)
{
    int status = -7;

    (void)state;
    assert_int_equal(hr_spawn_capture(&status, NULL, NULL, SH("exit 0"), NULL,
                                      10000), 0);
    assert_int_equal(status, 0);
    assert_int_equal(hr_spawn_capture(&status, NULL, NULL, SH("exit 3"), NULL,
                                      10000), 0);
    assert_int_equal(status, 3);
    assert_int_equal(hr_spawn_capture(&status, NULL, NULL, SH("kill -9 $$"),
                                      NULL, 10000), 0);
    assert_int_equal(status, 128 + 9);
}

/* test_spawn_separate - stdout and stderr into their own buffers */
static void test_spawn_separate(void **state)
{
    hr_buf out = HR_BUF_INIT, err = HR_BUF_INIT;
    int status;

    (void)state;
    assert_int_equal(hr_spawn_capture(&status, &out, &err,
                                      SH("echo to-out; echo to-err >&2; "
                                         "exit 1"),
                                      NULL, 10000), 0);
    assert_int_equal(status, 1);
    assert_string_equal(hr_buf_cstr(&out), "to-out\n");
    assert_string_equal(hr_buf_cstr(&err), "to-err\n");
    hr_buf_release(&out);
    hr_buf_release(&err);
}

/* test_spawn_merged - err == out: both streams in order, in one buffer */
static void test_spawn_merged(void **state)
{
    hr_buf out = HR_BUF_INIT;
    int status;

    (void)state;
    assert_int_equal(hr_spawn_capture(&status, &out, &out,
                                      SH("echo one; echo two >&2; echo three"),
                                      NULL, 10000), 0);
    assert_int_equal(status, 0);
    assert_string_equal(hr_buf_cstr(&out), "one\ntwo\nthree\n");
    hr_buf_release(&out);
}

/* test_spawn_null - a NULL buffer drops that stream */
static void test_spawn_null(void **state)
{
    hr_buf err = HR_BUF_INIT;
    int status;

    (void)state;
    assert_int_equal(hr_spawn_capture(&status, NULL, &err,
                                      SH("echo quiet; echo loud >&2"), NULL,
                                      10000), 0);
    assert_string_equal(hr_buf_cstr(&err), "loud\n");
    hr_buf_release(&err);
}

/* test_spawn_cwd - the child runs in cwd */
static void test_spawn_cwd(void **state)
{
    hr_buf out = HR_BUF_INIT;
    int status;

    (void)state;
    assert_int_equal(hr_spawn_capture(&status, &out, NULL, SH("pwd"), "/",
                                      10000), 0);
    assert_string_equal(hr_buf_cstr(&out), "/\n");
    hr_buf_release(&out);
}

/* test_spawn_limit - bytes past the limit are dropped, toobig is set,
 * and the child still runs to its end */
static void test_spawn_limit(void **state)
{
    hr_buf out = HR_BUF_INIT;
    int status;

    (void)state;
    hr_buf_init(&out, 100);
    assert_int_equal(hr_spawn_capture(&status, &out, NULL,
                                      SH("i=0; while [ $i -lt 1000 ]; do "
                                         "echo 0123456789; i=$((i+1)); done; "
                                         "exit 5"),
                                      NULL, 20000), 0);
    assert_int_equal(status, 5);
    assert_int_equal(out.len, 100);
    assert_true(out.toobig);
    assert_memory_equal(out.ptr, "0123456789\n0123456789\n", 22);
    hr_buf_release(&out);
}

/* test_spawn_timeout - a child that outlives its time limit is stopped */
static void test_spawn_timeout(void **state)
{
    hr_buf out = HR_BUF_INIT;
    long long t0 = hr_clock_ms();
    int status, error;

    (void)state;
    error = hr_spawn_capture(&status, &out, NULL, SH("echo started; sleep 30"),
                             NULL, 300);
    assert_int_equal(error, HR_ETIMEOUT);
    assert_non_null(strstr(hr_error_last(), "ran out of time"));
    assert_true(hr_clock_ms() - t0 < 10000);
    hr_buf_release(&out);
}

/* test_spawn_missing - a program that does not exist cannot be run */
static void test_spawn_missing(void **state)
{
    const char *argv[] = {"/nonexistent/pfh-no-such-program", NULL};
    int status = 0, error;

    (void)state;
    error = hr_spawn_capture(&status, NULL, NULL, argv, NULL, 10000);
    assert_true(error < 0 || status == 127);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_spawn_status),
        cmocka_unit_test(test_spawn_separate),
        cmocka_unit_test(test_spawn_merged),
        cmocka_unit_test(test_spawn_null),
        cmocka_unit_test(test_spawn_cwd),
        cmocka_unit_test(test_spawn_limit),
        cmocka_unit_test(test_spawn_timeout),
        cmocka_unit_test(test_spawn_missing),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}

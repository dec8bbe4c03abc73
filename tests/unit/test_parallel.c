/* test_parallel.c - indices handed out to a few threads, first failure
 * kept */
#include <stdio.h> /* before unit.h, which uses snprintf() */
#include "unit.h"

#include <pthread.h>
#include <string.h>

#include "util/msg.h"
#include "util/parallel.h"

#define N 200

struct calls {
    pthread_mutex_t lock;
    int seen[N];
    size_t fail_at;       /* N: none fails */
};

/* count - note the call; fail at fail_at, in whichever thread has it */
static int count(void *arg, size_t i)
{
    struct calls *c = arg;

    pthread_mutex_lock(&c->lock);
    c->seen[i]++;
    pthread_mutex_unlock(&c->lock);
    if (i == c->fail_at)
        return hr_error_set(HR_ETIMEOUT, "index %zu ran out", i);
    return 0;
}

/* test_parallel_every_index_once - no failure: each index once */
static void test_parallel_every_index_once(void **state)
{
    static struct calls c = {PTHREAD_MUTEX_INITIALIZER, {0}, N};

    (void)state;
    for (int threads = 1; threads <= 4; threads++) {
        memset(c.seen, 0, sizeof(c.seen));
        assert_int_equal(hr_parallel(N, threads, count, &c), 0);
        for (size_t i = 0; i < N; i++)
            assert_int_equal(c.seen[i], 1);
    }
    assert_int_equal(hr_parallel(0, 4, count, &c), 0);
}

/* test_parallel_first_failure - its code and message reach the caller;
 * no index starts twice; with one thread nothing after it starts (with
 * more, how many others start first is up to the scheduler) */
static void test_parallel_first_failure(void **state)
{
    static struct calls c = {PTHREAD_MUTEX_INITIALIZER, {0}, 7};

    (void)state;
    for (int threads = 1; threads <= 3; threads += 2) {
        int started = 0;

        memset(c.seen, 0, sizeof(c.seen));
        hr_error_clear();
        assert_int_equal(hr_parallel(N, threads, count, &c), HR_ETIMEOUT);
        assert_string_equal(hr_error_last(), "index 7 ran out");
        for (size_t i = 0; i < N; i++) {
            assert_true(c.seen[i] <= 1);
            started += c.seen[i];
        }
        assert_int_equal(c.seen[7], 1);
        if (threads == 1)
            assert_int_equal(started, 8);
    }
}

/* main - the parallel tests */
int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parallel_every_index_once),
        cmocka_unit_test(test_parallel_first_failure),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* test_escalate - the pure parts of the escalation ladder */
#include "unit.h"
#include "narrow/escalate.h"
#include "util/mem.h"

/* Two runs of one case: the same lines, daemons interleaved differently,
 * other pids, queue ids and times. */
static const char run_a[] =
    "Nov 24 10:30:01 mx postfix/smtpd[100]: connect from unknown[127.0.0.1]\n"
    "Nov 24 10:30:01 mx postfix/smtpd[100]: 3F2A1B0C9D: client=unknown\n"
    "Nov 24 10:30:01 mx postfix/cleanup[101]: 3F2A1B0C9D: message-id=<x@y>\n"
    "Nov 24 10:30:01 mx postfix/smtpd[100]: > unknown[127.0.0.1]: 250 2.0.0 "
    "Ok: queued as 3F2A1B0C9D\n"
    "Nov 24 10:30:01 mx postfix/smtpd[100]: running: strace -p 100 -o "
    "/run/a/strace.smtpd.100\n"
    "Nov 24 10:30:02 mx postfix/smtpd[100]: disconnect from unknown\n";
static const char run_b[] =
    "Nov 24 11:00:07 mx postfix/smtpd[200]: connect from unknown[127.0.0.1]\n"
    "Nov 24 11:00:07 mx postfix/smtpd[200]: 7E6D5C4B3A: client=unknown\n"
    "Nov 24 11:00:07 mx postfix/smtpd[200]: > unknown[127.0.0.1]: 250 2.0.0 "
    "Ok: queued as 7E6D5C4B3A\n"
    "Nov 24 11:00:07 mx postfix/cleanup[201]: 7E6D5C4B3A: message-id=<x@y>\n"
    "Nov 24 11:00:07 mx postfix/smtpd[200]: running: strace -p 200 -o "
    "/run/b/strace.smtpd.200\n"
    "Nov 24 11:00:08 mx postfix/smtpd[200]: disconnect from unknown\n";

static void test_escalate_normalize_ignores_interleaving(void **state)
{
    char *a, *b;

    (void)state;
    a = hr_escalate_normalize_log(run_a, NULL, NULL);
    b = hr_escalate_normalize_log(run_b, NULL, NULL);
    assert_string_equal(a, b);
    /* Grouped by program in order of first appearance, no time or host,
     * no debugger command. */
    assert_true(strncmp(a, "postfix/smtpd[P1]: connect from", 31) == 0);
    assert_non_null(strstr(a, "disconnect from unknown\npostfix/cleanup"));
    assert_null(strstr(a, "running:"));
    assert_null(strstr(a, "Nov 24"));
    hr_free(a);
    hr_free(b);
}

static void test_escalate_normalize_literals(void **state)
{
    const char *from[] = {"/var/runs/x/instances/s1-1", NULL};
    const char *to[] = {"INSTANCE", NULL};
    char *a = hr_escalate_normalize_log(
        "Nov 24 10:30:01 mx postfix/master[9]: daemon started -- "
        "configuration /var/runs/x/instances/s1-1/etc\n",
        from, to);

    (void)state;
    assert_string_equal(a, "postfix/master[P1]: daemon started -- "
                           "configuration INSTANCE/etc\n");
    hr_free(a);
}

static void test_escalate_diverge(void **state)
{
    hr_divergence d;

    (void)state;
    hr_escalate_diverge(&d, "a\nb\nc\n", "a\nb\nc\n");
    assert_int_equal(d.line, 0);
    assert_null(d.left);
    hr_escalate_diverge(&d, "a\nb\nc\n", "a\nB\nc\n");
    assert_int_equal(d.line, 2);
    assert_string_equal(d.left, "b");
    assert_string_equal(d.right, "B");
    hr_divergence_release(&d);
    hr_escalate_diverge(&d, "a\n", "a\nmore\n");
    assert_int_equal(d.line, 2);
    assert_string_equal(d.left, "(end)");
    assert_string_equal(d.right, "more");
    hr_divergence_release(&d);
    hr_escalate_diverge(&d, NULL, "");
    assert_int_equal(d.line, 0);
}

static void test_escalate_daemons(void **state)
{
    hr_strv v = HR_STRV_INIT;
    char *j;

    (void)state;
    hr_escalate_daemons(&v, run_a);
    hr_escalate_daemons(&v,
                        "Nov 24 10:30:01 mx postfix/master[1]: reload\n"
                        "Nov 24 10:30:01 mx postfix/postlogd[2]: x\n"
                        "Nov  4 10:30:01 mx postfix/trivial-rewrite[3]: y\n"
                        "Nov 24 10:30:01 mx pfharness[4]: pfharness-mark 2\n"
                        "garbage\n");
    j = hr_strv_join(&v, " ");
    assert_string_equal(j, "cleanup smtpd trivial-rewrite");
    hr_free(j);
    hr_strv_release(&v);
}

static void test_escalate_killed(void **state)
{
    hr_strv v = HR_STRV_INIT;

    (void)state;
    hr_escalate_killed(&v, run_a);
    assert_int_equal(v.n, 0);
    hr_escalate_killed(&v, "Nov 24 10:30:01 mx postfix/master[1]: warning: "
                           "process /b/stage/usr/libexec/postfix/smtpd pid 77 "
                           "killed by signal 11\n"
                           "Nov 24 10:30:02 mx postfix/master[1]: warning: "
                           "/b/stage/usr/libexec/postfix/smtpd: bad command "
                           "startup -- throttling\n"
                           "Nov 24 10:30:03 mx postfix/master[1]: warning: "
                           "process /b/stage/usr/libexec/postfix/local pid 78 "
                           "killed by signal 6\n"
                           "Nov 24 10:30:03 mx postfix/master[1]: warning: "
                           "process /b/stage/usr/libexec/postfix/smtpd pid 79 "
                           "killed by signal 11\n");
    assert_int_equal(v.n, 2);
    assert_string_equal(v.v[0], "local");
    assert_string_equal(v.v[1], "smtpd");
    hr_strv_release(&v);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_escalate_normalize_ignores_interleaving),
        cmocka_unit_test(test_escalate_normalize_literals),
        cmocka_unit_test(test_escalate_diverge),
        cmocka_unit_test(test_escalate_daemons),
        cmocka_unit_test(test_escalate_killed),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}

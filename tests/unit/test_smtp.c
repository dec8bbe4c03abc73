/* test_smtp - reading complete SMTP replies from a socket */
#include <stdio.h>
#include <sys/socket.h>
#include <unistd.h>
#include "unit.h"
#include "util/buf.h"
#include "util/msg.h"
#include "replay/smtp.h"

struct pair {
    int client, server;
};

static int setup(void **state)
{
    static struct pair p;
    int sv[2];

    if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0)
        return -1;
    p.client = sv[0];
    p.server = sv[1];
    *state = &p;
    return 0;
}

static int teardown(void **state)
{
    struct pair *p = *state;

    close(p->client);
    if (p->server >= 0)
        close(p->server);
    return 0;
}

/* say - the server writes bytes */
static void say(struct pair *p, const char *s)
{
    assert_int_equal(write(p->server, s, strlen(s)), (ssize_t)strlen(s));
}

static void test_replay_single_line_reply(void **state)
{
    struct pair *p = *state;
    hr_buf out = HR_BUF_INIT, pending = HR_BUF_INIT;

    say(p, "250 2.1.0 Ok\r\n");
    assert_int_equal(hr_reply_read(&out, p->client, &pending, 1000), 1);
    assert_string_equal(hr_buf_cstr(&out), "250 2.1.0 Ok\r\n");
    assert_int_equal(pending.len, 0);
    hr_buf_release(&out);
    hr_buf_release(&pending);
}

static void test_replay_multi_line_reply(void **state)
{
    struct pair *p = *state;
    hr_buf out = HR_BUF_INIT, pending = HR_BUF_INIT;
    const char *ehlo = "250-mx.example.test\r\n250-PIPELINING\r\n"
                       "250-SIZE 10240000\r\n250 CHUNKING\r\n";

    say(p, ehlo);
    assert_int_equal(hr_reply_read(&out, p->client, &pending, 1000), 1);
    assert_string_equal(hr_buf_cstr(&out), ehlo);
    hr_buf_release(&out);
    hr_buf_release(&pending);
}

static void test_replay_pipelined_replies_split(void **state)
{
    struct pair *p = *state;
    hr_buf out = HR_BUF_INIT, pending = HR_BUF_INIT;

    /* Three replies in one segment: each read returns exactly one. */
    say(p, "250 2.1.0 Ok\r\n250 2.1.5 Ok\r\n354 End data\r\n");
    assert_int_equal(hr_reply_read(&out, p->client, &pending, 1000), 1);
    assert_string_equal(hr_buf_cstr(&out), "250 2.1.0 Ok\r\n");
    hr_buf_clear(&out);
    assert_int_equal(hr_reply_read(&out, p->client, &pending, 1000), 1);
    assert_string_equal(hr_buf_cstr(&out), "250 2.1.5 Ok\r\n");
    hr_buf_clear(&out);
    assert_int_equal(hr_reply_read(&out, p->client, &pending, 1000), 1);
    assert_string_equal(hr_buf_cstr(&out), "354 End data\r\n");
    hr_buf_release(&out);
    hr_buf_release(&pending);
}

static void test_replay_reply_across_writes(void **state)
{
    struct pair *p = *state;
    hr_buf out = HR_BUF_INIT, pending = HR_BUF_INIT;

    /* A reply that arrives in pieces, cut inside a line and between the
     * continuation lines, is still one reply. */
    say(p, "250-mx.exa");
    say(p, "mple.test\r\n250-8BIT");
    say(p, "MIME\r\n250 DSN\r\n");
    assert_int_equal(hr_reply_read(&out, p->client, &pending, 1000), 1);
    assert_string_equal(hr_buf_cstr(&out), "250-mx.example.test\r\n"
                                           "250-8BITMIME\r\n250 DSN\r\n");
    hr_buf_release(&out);
    hr_buf_release(&pending);
}

static void test_replay_bare_lf_and_code_only(void **state)
{
    struct pair *p = *state;
    hr_buf out = HR_BUF_INIT, pending = HR_BUF_INIT;

    /* A reply of just a code ends the reply too; LF without CR counts. */
    say(p, "250-first\n250\n");
    assert_int_equal(hr_reply_read(&out, p->client, &pending, 1000), 1);
    assert_string_equal(hr_buf_cstr(&out), "250-first\n250\n");
    hr_buf_release(&out);
    hr_buf_release(&pending);
}

static void test_replay_timeout_keeps_partial(void **state)
{
    struct pair *p = *state;
    hr_buf out = HR_BUF_INIT, pending = HR_BUF_INIT;

    say(p, "250-incomplete\r\n");
    assert_int_equal(hr_reply_read(&out, p->client, &pending, 50),
                     HR_ETIMEOUT);
    assert_string_equal(hr_buf_cstr(&out), "250-incomplete\r\n");
    hr_buf_release(&out);
    hr_buf_release(&pending);
}

static void test_replay_close_is_zero(void **state)
{
    struct pair *p = *state;
    hr_buf out = HR_BUF_INIT, pending = HR_BUF_INIT;

    say(p, "421 4.3.2 bye\r\n");
    close(p->server);
    p->server = -1;
    assert_int_equal(hr_reply_read(&out, p->client, &pending, 1000), 1);
    hr_buf_clear(&out);
    assert_int_equal(hr_reply_read(&out, p->client, &pending, 1000), 0);
    assert_int_equal(out.len, 0);
    hr_buf_release(&out);
    hr_buf_release(&pending);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_replay_single_line_reply, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_replay_multi_line_reply, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_replay_pipelined_replies_split,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_replay_reply_across_writes,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_replay_bare_lf_and_code_only,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_replay_timeout_keeps_partial,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_replay_close_is_zero, setup,
                                        teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}

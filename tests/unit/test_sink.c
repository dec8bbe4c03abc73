/* test_sink.c - the sink's answers: its defaults, the rules a case gives
 * per stage and per recipient, and the record it keeps; one session over
 * a socketpair through hr_sink_serve(), the code a session thread runs */
#include <stdio.h> /* before unit.h, which uses snprintf() */
#include "unit.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "case/world.h"
#include "instance/netns.h"
#include "util/msg.h"

#include "instance/sink.h"
#include "util/buf.h"
#include "util/mem.h"

/* session - send the client's lines, then EOF; the sink's record */
static char *session(const char *client, const hr_sink_rule *rules, size_t n,
                     char **replies)
{
    int sv[2];
    char *record;
    hr_buf wire = HR_BUF_INIT;
    char chunk[4096];
    ssize_t got;

    assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
    assert_int_equal(write(sv[0], client, strlen(client)),
                     (ssize_t)strlen(client));
    assert_int_equal(shutdown(sv[0], SHUT_WR), 0);
    record = hr_sink_serve(sv[1], rules, n);
    close(sv[1]);
    while ((got = read(sv[0], chunk, sizeof(chunk))) > 0)
        hr_buf_put(&wire, chunk, (size_t)got);
    close(sv[0]);
    *replies = hr_buf_detach(&wire);
    return record;
}

/* test_sink_defaults - no rules: every stage accepts, the mail is kept */
static void test_sink_defaults(void **state)
{
    char *replies;
    char *record = session("EHLO client\r\nMAIL FROM:<a@x>\r\n"
                           "RCPT TO:<b@y>\r\nDATA\r\nSubject: s\r\n"
                           "\r\n..dot\r\nbody\r\n.\r\nQUIT\r\n",
                           NULL, 0, &replies);

    (void)state;
    assert_string_equal(record,
                        "< 220 sink.remote.example ESMTP pfharness sink\n"
                        "> EHLO client\n"
                        "< 250-sink.remote.example\n"
                        "< 250-PIPELINING\n"
                        "< 250-SIZE 52428800\n"
                        "< 250-8BITMIME\n"
                        "< 250-DSN\n"
                        "< 250-SMTPUTF8\n"
                        "< 250 ENHANCEDSTATUSCODES\n"
                        "> MAIL FROM:<a@x>\n"
                        "< 250 2.1.0 Ok\n"
                        "> RCPT TO:<b@y>\n"
                        "< 250 2.1.5 Ok\n"
                        "> DATA\n"
                        "< 354 End data with <CR><LF>.<CR><LF>\n"
                        "| Subject: s\n"
                        "| \n"
                        "| .dot\n"
                        "| body\n"
                        "< 250 2.0.0 Ok: queued by sink\n"
                        "> QUIT\n"
                        "< 221 2.0.0 Bye\n");
    /* what went on the wire is what was recorded, with CRLF */
    assert_non_null(strstr(replies, "\r\n250 2.0.0 Ok: queued by sink\r\n"
                                    "221 2.0.0 Bye\r\n"));
    assert_int_equal(strncmp(replies, "220 sink.remote.example ", 24), 0);
    hr_free(record);
    hr_free(replies);
}

/* test_sink_rcpt_rules - one recipient by name (any case), "*" for the
 * rest; DATA refused when no recipient was accepted */
static void test_sink_rcpt_rules(void **state)
{
    hr_sink_rule rules[] = {
        {"rcpt", "*", 450, "4.2.0 try later", 1},
        {"rcpt", "Good@Y", 250, "2.1.5 this one", 2},
    };
    char *replies;
    char *record = session("HELO c\r\nMAIL FROM:<a@x>\r\n"
                           "RCPT TO:<good@y>\r\nRCPT TO:<other@y>\r\n"
                           "RSET\r\nMAIL FROM:<a@x>\r\n"
                           "RCPT TO:<other@y>\r\nDATA\r\nQUIT\r\n",
                           rules, 2, &replies);

    (void)state;
    assert_string_equal(record,
                        "< 220 sink.remote.example ESMTP pfharness sink\n"
                        "> HELO c\n"
                        "< 250 sink.remote.example\n"
                        "> MAIL FROM:<a@x>\n"
                        "< 250 2.1.0 Ok\n"
                        "> RCPT TO:<good@y>\n"
                        "< 250 2.1.5 this one\n"
                        "> RCPT TO:<other@y>\n"
                        "< 450 4.2.0 try later\n"
                        "> RSET\n"
                        "< 250 2.0.0 Ok\n"
                        "> MAIL FROM:<a@x>\n"
                        "< 250 2.1.0 Ok\n"
                        "> RCPT TO:<other@y>\n"
                        "< 450 4.2.0 try later\n"
                        "> DATA\n"
                        "< 554 5.5.1 Error: no valid recipients\n"
                        "> QUIT\n"
                        "< 221 2.0.0 Bye\n");
    hr_free(record);
    hr_free(replies);
}

/* test_sink_stage_rules - mail and data answers; unknown verbs */
static void test_sink_stage_rules(void **state)
{
    hr_sink_rule rules[] = {
        {"mail", NULL, 250, "2.1.0 sender fine", 1},
        {"data", NULL, 552, "5.3.4 too big", 2},
    };
    char *replies;
    char *record = session("ehlo c\r\nmail from:<a@x>\r\nrcpt to:<b@y>\r\n"
                           "data\r\nx\r\n.\r\nVRFY b\r\nquit\r\n",
                           rules, 2, &replies);

    (void)state;
    assert_non_null(strstr(record, "> mail from:<a@x>\n"
                                   "< 250 2.1.0 sender fine\n"));
    assert_non_null(strstr(record, "| x\n< 552 5.3.4 too big\n"));
    assert_non_null(strstr(record, "> VRFY b\n"
                                   "< 502 5.5.2 Error: command not "
                                   "recognized\n> quit\n< 221 2.0.0 Bye\n"));
    hr_free(record);
    hr_free(replies);
}

/* test_sink_connect_reject - a 4xx/5xx connect rule: banner, then close */
static void test_sink_connect_reject(void **state)
{
    hr_sink_rule rules[] = {{"connect", NULL, 554, "5.7.1 go away", 1}};
    char *replies;
    char *record = session("EHLO c\r\n", rules, 1, &replies);

    (void)state;
    assert_string_equal(record, "< 554 5.7.1 go away\n");
    assert_string_equal(replies, "554 5.7.1 go away\r\n");
    hr_free(record);
    hr_free(replies);
}

/* test_sink_eof - a client that goes away mid-DATA: what came is kept */
static void test_sink_eof(void **state)
{
    char *replies;
    char *record = session("EHLO c\r\nMAIL FROM:<>\r\nRCPT TO:<b@y>\r\n"
                           "DATA\r\npartial\r\n",
                           NULL, 0, &replies);

    (void)state;
    assert_non_null(strstr(record, "< 354 "));
    assert_non_null(strstr(record, "| partial\n"));
    assert_null(strstr(record, "queued by sink"));
    hr_free(record);
    hr_free(replies);
}

/* client - connect to the sink inside ns, read its greeting */
static int client(const char *ns)
{
    struct sockaddr_in sa;
    char buf[256];
    int fd;

    assert_int_equal(hr_netns_socket(&fd, ns, AF_INET, SOCK_STREAM), 0);
    memset(&sa, 0, sizeof(sa));
    sa.sin_family = AF_INET;
    sa.sin_port = htons(HR_SINK_PORT);
    inet_pton(AF_INET, HR_SINK_ADDR, &sa.sin_addr);
    assert_int_equal(connect(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
    assert_true(read(fd, buf, sizeof(buf)) > 4);
    assert_int_equal(strncmp(buf, "220 ", 4), 0);
    return fd;
}

/* quit - end a session and read its 221 */
static void quit(int fd)
{
    char buf[256];

    assert_int_equal(write(fd, "QUIT\r\n", 6), 6);
    assert_true(read(fd, buf, sizeof(buf)) > 4);
    assert_int_equal(strncmp(buf, "221 ", 4), 0);
    close(fd);
}

/* test_sink_many_sessions - 200 sessions to one sink, 100 of them open
 * at once: every one is served and recorded (it deadlocked after 64) */
static void test_sink_many_sessions(void **state)
{
    int fds[100];
    hr_sink *sink = NULL;
    char *ns, *record;
    size_t n = 0;

    (void)state;
    if (geteuid() != 0)
        skip();
    ns = hr_netns_name();
    assert_int_equal(hr_netns_create(ns), 0);
    assert_int_equal(hr_sink_start(&sink, ns, HR_SINK_ADDR, HR_SINK_PORT),
                     0);
    for (int i = 0; i < 100; i++)
        fds[i] = client(ns);
    for (int i = 0; i < 100; i++)
        quit(fds[i]);
    for (int i = 0; i < 100; i++)
        quit(client(ns));
    assert_int_equal(hr_sink_wait_idle(sink, 10000), 0);
    record = hr_sink_take_record(sink);
    for (const char *p = record; (p = strstr(p, "> QUIT\n")) != NULL; p++)
        n++;
    assert_int_equal(n, 200);
    assert_non_null(strstr(record, "session 200\n"));
    hr_free(record);
    hr_sink_stop(sink);
    assert_int_equal(hr_netns_delete(ns), 0);
    hr_free(ns);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sink_defaults),
        cmocka_unit_test(test_sink_rcpt_rules),
        cmocka_unit_test(test_sink_stage_rules),
        cmocka_unit_test(test_sink_connect_reject),
        cmocka_unit_test(test_sink_eof),
        cmocka_unit_test(test_sink_many_sessions),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}

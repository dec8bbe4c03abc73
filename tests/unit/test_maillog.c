/* test_maillog.c - sessions from smtpd's '<' and '>' log lines */
#include <stdio.h> /* before unit.h, which uses snprintf() */
#include "unit.h"

#include "case/case.h"
#include "import/maillog.h"
#include "util/mem.h"
#include "util/msg.h"
#include "import/session.h"

#define P "Nov 24 07:15:35 mail postfix/smtpd[42]: "
#define Q "Nov 24 07:15:36 mail postfix/smtpd[43]: "

/* import - parse log text, render session i */
static char *import(const char *log, size_t i, size_t want_n)
{
    hr_maillog *m = NULL;
    hr_case *c = NULL;
    char *text = NULL;

    if (hr_maillog_parse(&m, "t.log", log, strlen(log), NULL) < 0)
        fail_msg("%s", hr_error_last());
    assert_int_equal(hr_maillog_count(m), want_n);
    assert_int_equal(hr_session_render(&text, hr_maillog_session(m, i)), 0);
    assert_int_equal(hr_case_parse(&c, "t", text, strlen(text)), 0);
    hr_case_free(c);
    hr_maillog_free(m);
    return text;
}

/* test_maillog_import_session - a whole session, made-up content */
static void test_maillog_import_session(void **state)
{
    static const char log[] =
        P "connect from localhost[127.0.0.1]\n" P
          "> localhost[127.0.0.1]: 220 mx.example.test ESMTP Postfix\n" P
          "< localhost[127.0.0.1]: EHLO c.test\n" P
          "> localhost[127.0.0.1]: 250-mx.example.test\n" P
          ">>> START Recipient address RESTRICTIONS <<<\n" P
          "> localhost[127.0.0.1]: 250 CHUNKING\n" P
          "< localhost[127.0.0.1]: MAIL FROM:<a@outside.test>\n" P
          "> localhost[127.0.0.1]: 250 2.1.0 Ok\n" P
          "< localhost[127.0.0.1]: DATA\n" P
          "> localhost[127.0.0.1]: 354 End data with <CR><LF>.<CR><LF>\n" P
          "> localhost[127.0.0.1]: 250 2.0.0 Ok: queued as B7B83A78E5B\n" P
          "< localhost[127.0.0.1]: QUIT\n" P
          "> localhost[127.0.0.1]: 221 2.0.0 Bye\n" P
          "disconnect from localhost[127.0.0.1] ehlo=1 commands=4\n";
    char *text = import(log, 0, 1);

    (void)state;
    assert_string_equal(
        text,
        "# Imported by 'pfharness import maillog' from t.log, session 1.\n"
        "# The log shows no pipelining: each command goes out by itself.\n"
        "# smtpd does not log message content: the content here is made "
        "up.\n"
        "name    t-1\n"
        "kind    smtp\n"
        "about   t.log session 1: smtpd[42] with localhost[127.0.0.1], lines "
        "1-14\n"
        "mark    synthetic-data\n"
        "\n"
        "< 220 mx.example.test ESMTP Postfix\n"
        "> EHLO c.test\n"
        "< 250-mx.example.test\n"
        "< 250 CHUNKING\n"
        "> MAIL FROM:<a@outside.test>\n"
        "< 250 2.1.0 Ok\n"
        "> DATA\n"
        "< 354 End data with <CR><LF>.<CR><LF>\n"
        "| Subject: synthetic message\n"
        "|\n"
        "| The log does not record message content; this message stands in\n"
        "| for the one of the logged session.\n"
        "< 250 2.0.0 Ok: queued as *\n"
        "> QUIT\n"
        "< 221 2.0.0 Bye\n"
        "eof\n");
    hr_free(text);
}

/* test_maillog_import_bdat - chunks made up with the logged sizes */
static void test_maillog_import_bdat(void **state)
{
    static const char log[] =
        P "connect from localhost[127.0.0.1]:40000\n" P
          "> localhost[127.0.0.1]:40000: 220 mx.example.test ESMTP\n" P
          "< localhost[127.0.0.1]:40000: BDAT 40\n" P
          "> localhost[127.0.0.1]:40000: 250 2.0.0 Ok: 40 bytes\n" P
          "< localhost[127.0.0.1]:40000: BDAT 1 LAST\n" P
          "> localhost[127.0.0.1]:40000: 250 2.0.0 Ok: 41 bytes queued as X\n" P
          "disconnect from localhost[127.0.0.1]:40000\n";
    char *text = import(log, 0, 1);

    (void)state;
    assert_string_equal(strstr(text, "\n\n") + 2,
                        "< 220 mx.example.test ESMTP\n"
                        "> BDAT 40\n"
                        "| Subject: synthetic BDAT content\n"
                        "| xxxxx\n"
                        "< 250 2.0.0 Ok: 40 bytes\n"
                        "~ BDAT 1 LAST\\r\\n\n"
                        "~ x\n"
                        "< 250 2.0.0 Ok: 41 bytes queued as *\n");
    hr_free(text);
}

/* test_maillog_import_interleaved - two processes, one pid reused */
static void test_maillog_import_interleaved(void **state)
{
    static const char log[] =
        P "connect from a.test[10.1.2.3]\n" Q
          "connect from localhost[127.0.0.5]\n" P
          "> a.test[10.1.2.3]: 220 mx.example.test ESMTP\n" Q
          "> localhost[127.0.0.5]: 220 mx.example.test ESMTP\n" P
          "< a.test[10.1.2.3]: QUIT\n" Q "< localhost[127.0.0.5]: NOOP\n" P
          "> a.test[10.1.2.3]: 221 2.0.0 Bye\n" Q
          "> localhost[127.0.0.5]: 250 2.0.0 Ok\n" P
          "disconnect from a.test[10.1.2.3]\n" P
          "connect from unknown[127.0.0.2]\n" P
          "disconnect from unknown[127.0.0.2]\n" Q
          "lost connection after NOOP from localhost[127.0.0.5]\n" Q
          "disconnect from localhost[127.0.0.5]\n";
    hr_maillog *m = NULL;
    char *text;

    (void)state;
    assert_int_equal(hr_maillog_parse(&m, "t.log", log, strlen(log), NULL), 0);
    assert_int_equal(hr_maillog_count(m), 2);
    assert_int_equal(hr_maillog_pid(m, 0), 42);
    assert_string_equal(hr_maillog_client(m, 0), "10.1.2.3");
    assert_string_equal(hr_maillog_peer(m, 1), "localhost[127.0.0.5]");
    assert_string_equal(hr_maillog_notes(m)->v[0],
                        "t.log:10: skipped the session of smtpd[42] with "
                        "unknown[127.0.0.2]: no '<' or '>' lines (is the "
                        "client in debug_peer_list?)");
    hr_maillog_free(m);
    text = import(log, 0, 2);
    assert_non_null(strstr(text, "about   t.log session 1: smtpd[42] with "
                                 "a.test[10.1.2.3], lines 1-9 (client "
                                 "10.1.2.3 replayed from 127.0.0.1)\n"));
    assert_null(strstr(text, "\nclient"));
    assert_non_null(strstr(text, "> QUIT\n< 221 2.0.0 Bye\neof\n"));
    hr_free(text);
    text = import(log, 1, 2);
    assert_non_null(strstr(text, "\nclient  127.0.0.5\n"));
    assert_non_null(strstr(text, "# smtpd logged: lost connection after "
                                 "NOOP from localhost[127.0.0.5]\n"));
    /* the client closed: no eof */
    assert_non_null(strstr(text, "> NOOP\n< 250 2.0.0 Ok\n"));
    assert_null(strstr(text, "eof"));
    hr_free(text);
}

/* test_maillog_import_cut - the log ends inside sessions */
static void test_maillog_import_cut(void **state)
{
    static const char log[] =
        Q "< localhost[127.0.0.1]: RSET\n" Q
          "> localhost[127.0.0.1]: 250 2.0.0 Ok\n" P
          "connect from localhost[127.0.0.1]\n" P
          "> localhost[127.0.0.1]: 220 mx.example.test ESMTP\n" P
          "< localhost[127.0.0.1]: DATA\n" P
          "> localhost[127.0.0.1]: 354 go ahead\n";
    char *text;

    (void)state;
    text = import(log, 0, 2);
    assert_non_null(strstr(text, "# The log starts inside the session.\n"));
    assert_non_null(strstr(text, "mark    incomplete\n"));
    hr_free(text);
    text = import(log, 1, 2);
    assert_non_null(strstr(text, "# The session ends inside a message.\n"));
    assert_non_null(strstr(text, "# The log ends before the session's "
                                 "disconnect.\n"));
    assert_non_null(strstr(text, "mark    incomplete\n"));
    hr_free(text);
}

/* test_maillog_import_nothing - no session with transcript lines */
static void test_maillog_import_nothing(void **state)
{
    static const char log[] = P "connect from localhost[127.0.0.1]\n" P
                                "disconnect from localhost[127.0.0.1]\n";
    hr_maillog *m = NULL;

    (void)state;
    assert_true(hr_maillog_parse(&m, "t.log", log, strlen(log), NULL) < 0);
    assert_string_equal(hr_error_last(),
                        "t.log: no smtpd session with '<' and '>' lines (log "
                        "them with debug_peer_list or smtpd -v)");
}

/* repo_path - a file of the repository, found from this source file */
static char *repo_path(const char *rel)
{
    const char *me = __FILE__;
    const char *cut = strstr(me, "tests/unit/test_maillog.c");

    return hr_sprintf("%.*s%s", cut ? (int)(cut - me) : 0, me, rel);
}

/* test_maillog_import_golden - the shared log against tests/data/import */
static void test_maillog_import_golden(void **state)
{
    char *in = repo_path("tests/data/import/debug-peer-list.maillog");
    hr_maillog *m = NULL;

    (void)state;
    if (hr_maillog_load(&m, in, NULL) < 0)
        fail_msg("%s", hr_error_last());
    assert_int_equal(hr_maillog_count(m), 10);
    for (size_t i = 0; i < 10; i++) {
        char *rel =
            hr_sprintf("tests/data/import/debug-peer-list-%zu.ref", i + 1);
        char *ref = repo_path(rel);
        char *want = hr_malloc(1 << 16), *text;
        FILE *fp = fopen(ref, "rb");
        size_t n;

        assert_non_null(fp);
        n = fread(want, 1, (1 << 16) - 1, fp);
        want[n] = 0;
        fclose(fp);
        assert_int_equal(hr_session_render(&text, hr_maillog_session(m, i)),
                         0);
        assert_string_equal(text, want);
        hr_free(text);
        hr_free(want);
        hr_free(ref);
        hr_free(rel);
    }
    hr_maillog_free(m);
    hr_free(in);
}

/* main - the maillog tests */
int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_maillog_import_session),
        cmocka_unit_test(test_maillog_import_bdat),
        cmocka_unit_test(test_maillog_import_interleaved),
        cmocka_unit_test(test_maillog_import_cut),
        cmocka_unit_test(test_maillog_import_nothing),
        cmocka_unit_test(test_maillog_import_golden),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}

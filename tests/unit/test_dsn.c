/*
 * test_dsn - parse Postfix delivery status notifications: -bv and -v
 * reports, bounces, delay warnings, encoded text parts, and input that is
 * not a DSN or was cut short.
 */
/* unit.h calls snprintf() without <stdio.h>. */
#include <stdio.h>

#include "unit.h"

#include <pthread.h>

#include "util/buf.h"
#include "observe/dsn.h"
#include "util/fsutil.h"
#include "util/mem.h"
#include "util/msg.h"

/* load - a test message from tests/data/dsn */
static char *load(const char *name, size_t *len)
{
    const char *dir = getenv("HR_TEST_DATA");
    char *path =
        hr_sprintf("%s/dsn/%s.in", dir && *dir ? dir : "tests/data", name);
    hr_buf b = HR_BUF_INIT;

    if (hr_file_read(&b, path, 0) < 0)
        fail_msg("cannot read %s", path);
    hr_free(path);
    *len = b.len;
    return hr_buf_detach(&b);
}

/* parse_file - parse a test message, expecting success */
static hr_dsn *parse_file(const char *name)
{
    size_t len;
    char *msg = load(name, &len);
    hr_dsn *d = NULL;

    assert_int_equal(hr_dsn_parse(&d, msg, len), 0);
    assert_non_null(d);
    hr_free(msg);
    return d;
}

/* parse_prefix - parse the first len bytes of a test message */
static int parse_prefix(const char *name, const char *cut_after, hr_dsn **d)
{
    size_t len;
    char *msg = load(name, &len);
    const char *cut = strstr(msg, cut_after);
    int rc;

    assert_non_null(cut);
    rc = hr_dsn_parse(d, msg, cut - msg + strlen(cut_after));
    hr_free(msg);
    return rc;
}

static void test_dsn_bv_report(void **state)
{
    hr_dsn *d = parse_file("bv-report");
    const hr_dsn_record *r;

    (void)state;
    assert_string_equal(hr_dsn_subject(d), "Mail Delivery Status Report");
    assert_string_equal(hr_dsn_field(d, "Reporting-MTA"),
                        "dns; mx.example.test");
    assert_string_equal(hr_dsn_field(d, "x-postfix-queue-id"), "4C795A76051");
    assert_string_equal(hr_dsn_field(d, "Arrival-Date"),
                        "Tue, 24 Nov 2026 07:38:35 +0000 (UTC)");
    assert_null(hr_dsn_field(d, "Received-From-MTA"));
    assert_int_equal(hr_dsn_count(d), 2);
    /* Report order, which is delivery order: the caller sorts. */
    r = hr_dsn_record_at(d, 0);
    assert_string_equal(r->final_rcpt, "rfc822; pfuser@example.test");
    assert_string_equal(r->orig_rcpt, "rfc822;pfuser@example.test");
    assert_string_equal(r->action, "deliverable");
    assert_string_equal(r->status, "2.0.0");
    assert_null(r->remote_mta);
    assert_string_equal(r->diagnostic,
                        "X-Postfix; delivery via virtual: delivers to maildir");
    r = hr_dsn_record_at(d, 1);
    assert_string_equal(r->final_rcpt, "rfc822; bob@remote.test");
    assert_string_equal(r->action, "undeliverable");
    assert_string_equal(r->status, "4.4.1");
    assert_non_null(strstr(hr_dsn_text(d),
                           "Enclosed is the mail delivery report that you "
                           "requested.\n"));
    assert_non_null(strstr(hr_dsn_text(d), "\n<bob@remote.test>: connect to "
                                           "127.0.0.9[127.0.0.9]:25: "
                                           "Connection refused\n"));
    hr_dsn_free(d);
}

static void test_dsn_folded_diagnostic_unfolded(void **state)
{
    hr_dsn *d = parse_file("bv-report");

    (void)state;
    /* "Connection\n    refused" reads as in the text part. */
    assert_string_equal(hr_dsn_record_at(d, 1)->diagnostic,
                        "X-Postfix; connect to 127.0.0.9[127.0.0.9]:25: "
                        "Connection refused");
    hr_dsn_free(d);
}

static void test_dsn_folded_three_lines(void **state)
{
    hr_dsn *d = parse_file("bounce-multi");

    (void)state;
    assert_string_equal(hr_dsn_record_at(d, 0)->diagnostic,
                        "smtp; 550 5.1.1 <carol@remote.test>: Recipient "
                        "address rejected: User unknown in virtual mailbox "
                        "table");
    hr_dsn_free(d);
}

static void test_dsn_verbose_delivered(void **state)
{
    hr_dsn *d = parse_file("verbose-delivered");
    const hr_dsn_record *r;

    (void)state;
    assert_int_equal(hr_dsn_count(d), 2);
    r = hr_dsn_record_at(d, 0);
    assert_string_equal(r->action, "delivered");
    assert_string_equal(r->diagnostic,
                        "X-Postfix; delivery via virtual: delivered to "
                        "maildir");
    r = hr_dsn_record_at(d, 1);
    assert_string_equal(r->action, "relayed");
    assert_string_equal(r->remote_mta, "dns; 127.0.0.9");
    assert_string_equal(r->diagnostic, "smtp; 250 2.0.0 Ok: queued as 3F4E5D");
    hr_dsn_free(d);
}

static void test_dsn_bounce_several_recipients(void **state)
{
    hr_dsn *d = parse_file("bounce-multi");
    const hr_dsn_record *r;

    (void)state;
    assert_string_equal(hr_dsn_subject(d),
                        "Undelivered Mail Returned to Sender");
    assert_int_equal(hr_dsn_count(d), 3);
    r = hr_dsn_record_at(d, 0);
    assert_string_equal(hr_dsn_address(r->final_rcpt), "carol@remote.test");
    assert_string_equal(hr_dsn_address(r->orig_rcpt), "team@example.test");
    assert_string_equal(r->action, "failed");
    assert_string_equal(r->status, "5.1.1");
    r = hr_dsn_record_at(d, 1);
    assert_string_equal(r->status, "5.7.1");
    assert_string_equal(r->diagnostic, "smtp; 554 5.7.1 <dave@remote.test>: "
                                       "Relay access denied");
    r = hr_dsn_record_at(d, 2);
    assert_string_equal(hr_dsn_address(r->final_rcpt), "nosuch@example.test");
    assert_null(r->remote_mta);
    assert_string_equal(r->diagnostic, "X-Postfix; unknown user: \"nosuch\"");
    /* The returned message (message/rfc822) is not the text. */
    assert_null(strstr(hr_dsn_text(d), "Hello team."));
    assert_non_null(strstr(hr_dsn_text(d), "(expanded from "
                                           "<team@example.test>)"));
    hr_dsn_free(d);
}

static void test_dsn_missing_optional_fields(void **state)
{
    hr_dsn *d = parse_file("missing-optional");
    const hr_dsn_record *r;

    (void)state;
    assert_int_equal(hr_dsn_count(d), 1);
    r = hr_dsn_record_at(d, 0);
    assert_string_equal(r->final_rcpt, "rfc822; erin@remote.test");
    assert_string_equal(r->action, "delayed");
    assert_string_equal(r->status, "4.4.1");
    assert_null(r->orig_rcpt);
    assert_null(r->remote_mta);
    assert_null(r->diagnostic);
    hr_dsn_free(d);
}

static void test_dsn_quoted_printable_text(void **state)
{
    hr_dsn *d = parse_file("qp-text");

    (void)state;
    /* ISO-8859-1 quoted-printable comes out as UTF-8. */
    assert_non_null(strstr(hr_dsn_text(d), "Gr\xc3\xbc\xc3\x9f"
                                           "e vom "
                                           "Mailsystem."));
    assert_non_null(strstr(hr_dsn_text(d), "250 2.0.0 Ok:\n    queued as "
                                           "3F4E5D\n"));
    assert_int_equal(hr_dsn_count(d), 2);
    hr_dsn_free(d);
}

static void test_dsn_base64_text(void **state)
{
    hr_dsn *d = parse_file("base64-text");
    hr_dsn *q = parse_file("qp-text");

    (void)state;
    /* Two encodings of the same text decode to the same text. */
    assert_string_equal(hr_dsn_text(d), hr_dsn_text(q));
    hr_dsn_free(d);
    hr_dsn_free(q);
}

static void test_dsn_crlf_same_as_lf(void **state)
{
    hr_dsn *lf = parse_file("bv-report");
    hr_dsn *crlf = parse_file("bv-report-crlf");

    (void)state;
    assert_int_equal(hr_dsn_count(crlf), hr_dsn_count(lf));
    assert_string_equal(hr_dsn_text(crlf), hr_dsn_text(lf));
    for (size_t i = 0; i < hr_dsn_count(lf); i++)
        assert_string_equal(hr_dsn_record_at(crlf, i)->diagnostic,
                            hr_dsn_record_at(lf, i)->diagnostic);
    hr_dsn_free(lf);
    hr_dsn_free(crlf);
}

static void test_dsn_not_a_report(void **state)
{
    size_t len;
    char *msg = load("plain-message", &len);
    hr_dsn *d = (hr_dsn *)1;

    (void)state;
    assert_int_equal(hr_dsn_parse(&d, msg, len), HR_EINPUT);
    assert_null(d);
    assert_non_null(strstr(hr_error_last(), "multipart/report"));
    hr_free(msg);
}

static void test_dsn_mdn_is_not_dsn(void **state)
{
    size_t len;
    char *msg = load("mdn", &len);
    hr_dsn *d;

    (void)state;
    assert_int_equal(hr_dsn_parse(&d, msg, len), HR_EINPUT);
    assert_non_null(strstr(hr_error_last(), "disposition-notification"));
    hr_free(msg);
}

static void test_dsn_empty_and_garbage(void **state)
{
    hr_dsn *d;
    static const char garbage[] = "\x01\x02 not mail at all\n\n\xff";

    (void)state;
    assert_int_equal(hr_dsn_parse(&d, "", 0), HR_EINPUT);
    assert_int_equal(hr_dsn_parse(&d, garbage, sizeof(garbage) - 1), HR_EINPUT);
}

static void test_dsn_truncated_in_record(void **state)
{
    hr_dsn *d;

    (void)state;
    /* The second record lost its Action and Status. */
    assert_int_equal(parse_prefix("bv-report",
                                  "Final-Recipient: rfc822; bob@remote.test\n"
                                  "Original-Rec",
                                  &d),
                     HR_EINPUT);
    assert_non_null(strstr(hr_error_last(), "truncated"));
}

static void test_dsn_truncated_before_status_part(void **state)
{
    hr_dsn *d;

    (void)state;
    assert_int_equal(parse_prefix("bv-report",
                                  "<pfuser@example.test>: "
                                  "delivery via",
                                  &d),
                     HR_EINPUT);
    assert_int_equal(parse_prefix("bv-report",
                                  "Reporting-MTA: dns; "
                                  "mx.example.test\n",
                                  &d),
                     HR_EINPUT);
}

static void test_dsn_truncated_after_records(void **state)
{
    hr_dsn *d = NULL;

    (void)state;
    /* Cut inside the returned headers: the report itself is whole. */
    assert_int_equal(parse_prefix("bv-report", "Subject: probe\n", &d), 0);
    assert_int_equal(hr_dsn_count(d), 2);
    hr_dsn_free(d);
}

static void test_dsn_address(void **state)
{
    (void)state;
    assert_string_equal(hr_dsn_address("rfc822; bob@remote.test"),
                        "bob@remote.test");
    assert_string_equal(hr_dsn_address("rfc822;bob@remote.test"),
                        "bob@remote.test");
    assert_string_equal(hr_dsn_address("bob@remote.test"), "bob@remote.test");
    assert_string_equal(hr_dsn_address(NULL), "");
    hr_dsn_free(NULL);
}

/* parse_thread - parse from a thread: g_mime_init() must run once */
static void *parse_thread(void *arg)
{
    size_t len;
    char *msg = load("bounce-multi", &len);
    hr_dsn *d;
    long ok = 1;

    (void)arg;
    for (int i = 0; i < 20; i++) {
        ok &= hr_dsn_parse(&d, msg, len) == 0 && hr_dsn_count(d) == 3;
        hr_dsn_free(d);
    }
    hr_free(msg);
    return (void *)ok;
}

static void test_dsn_threads(void **state)
{
    pthread_t t[4];
    void *ok;

    (void)state;
    for (int i = 0; i < 4; i++)
        assert_int_equal(pthread_create(&t[i], NULL, parse_thread, NULL), 0);
    for (int i = 0; i < 4; i++) {
        assert_int_equal(pthread_join(t[i], &ok), 0);
        assert_true(ok != NULL);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_dsn_threads),
        cmocka_unit_test(test_dsn_bv_report),
        cmocka_unit_test(test_dsn_folded_diagnostic_unfolded),
        cmocka_unit_test(test_dsn_folded_three_lines),
        cmocka_unit_test(test_dsn_verbose_delivered),
        cmocka_unit_test(test_dsn_bounce_several_recipients),
        cmocka_unit_test(test_dsn_missing_optional_fields),
        cmocka_unit_test(test_dsn_quoted_printable_text),
        cmocka_unit_test(test_dsn_base64_text),
        cmocka_unit_test(test_dsn_crlf_same_as_lf),
        cmocka_unit_test(test_dsn_not_a_report),
        cmocka_unit_test(test_dsn_mdn_is_not_dsn),
        cmocka_unit_test(test_dsn_empty_and_garbage),
        cmocka_unit_test(test_dsn_truncated_in_record),
        cmocka_unit_test(test_dsn_truncated_before_status_part),
        cmocka_unit_test(test_dsn_truncated_after_records),
        cmocka_unit_test(test_dsn_address),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}

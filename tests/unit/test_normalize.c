/*
 * test_normalize - every row of the normalization table, by example and by
 * golden file, and the renumbering contract across texts.
 */
/* unit.h calls snprintf() without <stdio.h>. */
#include <stdio.h>

#include "unit.h"

#include "util/buf.h"
#include "util/fsutil.h"
#include "util/mem.h"
#include "observe/normalize.h"

struct example {
    const char *rule; /* the row this example is for */
    const char *in;
    const char *out;
};

/* One {input, expected} per rule; test_normalize_every_rule_has_example. */
static const struct example examples[] = {
    {"boundary-quoted",
     "Content-Type: multipart/mixed; boundary=\"=-abc 123\"\n"
     "\n"
     "--=-abc 123\n"
     "x\n"
     "--=-abc 123--\n",
     "Content-Type: multipart/mixed; boundary=\"B1\"\n"
     "\n"
     "--B1\n"
     "x\n"
     "--B1--\n"},
    {"boundary-bare",
     "Content-Type: multipart/mixed; boundary=simple42\n"
     "--simple42\n"
     "--simple42--\n",
     "Content-Type: multipart/mixed; boundary=B1\n"
     "--B1\n"
     "--B1--\n"},
    {"boundary",
     "boundary=\"outer\"\n"
     "--outer\n"
     "Content-Type: multipart/alternative; boundary=\"inner\"\n"
     "--inner\n"
     "--inner--\n"
     "--outer--\n",
     "boundary=\"B1\"\n"
     "--B1\n"
     "Content-Type: multipart/alternative; boundary=\"B2\"\n"
     "--B2\n"
     "--B2--\n"
     "--B1--\n"},
    {"message-id-header",
     "Message-Id: <20261124073830.008291@vm>\n"
     "In-Reply-To: <abc@other.test>\n",
     "Message-Id: <M1@vm>\n"
     "In-Reply-To: <M2@other.test>\n"},
    {"message-id-log",
     "postfix/cleanup[8295]: 637F0A76043: "
     "message-id=<20261124073830.008291@vm>\n",
     "postfix/cleanup[P1]: Q1: message-id=<M1@vm>\n"},
    {"message-id",
     "message-id=<x1@a.test>\n"
     "Message-ID: <x2@a.test>\n"
     "References: <x1@a.test>\n"
     "message-id=<>\n",
     "message-id=<M1@a.test>\n"
     "Message-ID: <M2@a.test>\n"
     "References: <M1@a.test>\n"
     "message-id=<>\n"},
    {"qid-queued-as", "250 2.0.0 Ok: queued as CA818A78E42\n",
     "250 2.0.0 Ok: queued as Q1\n"},
    {"qid-log",
     "postfix/qmgr[8273]: 637F0A76043: removed\n"
     "postfix/smtpd[8293]: warning: CBF3D528365: queue file size limit "
     "exceeded\n",
     "postfix/qmgr[P1]: Q1: removed\n"
     "postfix/smtpd[P2]: warning: Q2: queue file size limit exceeded\n"},
    {"qid-received",
     "Received: by mx.example.test (Postfix)\n"
     "\tid 51D15A76058; Tue, 24 Nov 2026 07:38:35 +0000 (UTC)\n",
     "Received: by mx.example.test (Postfix)\n"
     "\tid Q1; DATE\n"},
    {"qid-header", "X-Postfix-Queue-ID: 4C795A76051\n",
     "X-Postfix-Queue-ID: Q1\n"},
    {"qid-orig-id", "uid=999 from=<a@outside.test> orig_id=637F0A76043\n",
     "uid=999 from=<a@outside.test> orig_id=Q1\n"},
    {"qid-notification", "sender delivery status notification: 51D15A76058\n",
     "sender delivery status notification: Q1\n"},
    {"qid-boundary",
     "\tboundary=\"4C795A76051.1795505915/mx.example.test\"\n"
     "the report for 4C795A76051\n",
     "\tboundary=\"B1\"\n"
     "the report for Q1\n"},
    {"qid-mailq",
     "4C795A76051*     301 Tue Nov 24 07:38:35  pfuser@example.test\n",
     "Q1*     301 DATE  pfuser@example.test\n"},
    {"qid-queue-file",
     "warning: open active/4/4C795A76051: No such file or directory\n",
     "warning: open active/4/Q1: No such file or directory\n"},
    {"queue-id",
     "queued as 637F0A76043\n"
     "DEADBEEF00 is not a queue ID\n"
     "637F0A76043x stays, 637F0A76043 goes\n"
     "queued as 4Qy9x00pGyz2bV\n"
     "4Qy9x00pGyz2bV: removed\n",
     "queued as Q1\n"
     "DEADBEEF00 is not a queue ID\n"
     "637F0A76043x stays, Q1 goes\n"
     "queued as Q2\n"
     "Q2: removed\n"},
    {"pid-maildir",
     "maildir file tmp/1795505910.P8298.vm: denied\n"
     "postfix/virtual[8298]: warning: x\n",
     "maildir file tmp/MAILDIR-FILE: denied\n"
     "postfix/virtual[P1]: warning: x\n"},
    {"maildir-file",
     "new/1795505915.Vfe00Ia76055M326639.vm\n"
     "tmp/1795505910.P8298.mx.example.test: x\n",
     "new/MAILDIR-FILE\n"
     "tmp/MAILDIR-FILE: x\n"},
    {"pid-log",
     "postfix/smtpd[8293]: connect from localhost[127.0.0.1]\n"
     "postfix/cleanup[8295]: x\n"
     "postfix/smtpd[8293]: y\n",
     "postfix/smtpd[P1]: connect from localhost[127.0.0.1]\n"
     "postfix/cleanup[P2]: x\n"
     "postfix/smtpd[P1]: y\n"},
    {"pid-text",
     "process /usr/libexec/postfix/smtpd pid 8293 exit status 1\n"
     "is running: PID: 8271\n"
     "process id 8293\n"
     "rapid 5 size=8293\n",
     "process /usr/libexec/postfix/smtpd pid P1 exit status 1\n"
     "is running: PID: P2\n"
     "process id P1\n"
     "rapid 5 size=8293\n"},
    {"rfc5322-date",
     "Date: Tue, 24 Nov 2026 07:38:35 +0000 (UTC)\n"
     "Date: 4 Nov 2026 07:38 -0500\n"
     "Subject: test Tue, 24 Nov 2026 07:38:30 +0000\n",
     "Date: DATE\n"
     "Date: DATE\n"
     "Subject: test DATE\n"},
    {"ctime-date", "arrival Tue Nov  4 07:38:35 2026 and Wed Nov 25 09:12:47\n",
     "arrival DATE and DATE\n"},
    {"iso-time",
     "2026-11-24T07:38:35.123456+00:00 mx x\n"
     "at 2026-11-24 07:38:35Z\n",
     "TIME mx x\n"
     "at TIME\n"},
    {"syslog-host",
     "Nov 24 07:13:14 mail postfix/smtpd[15798]: connect from "
     "localhost[127.0.0.1]\n",
     "TIME HOST postfix/smtpd[P1]: connect from localhost[127.0.0.1]\n"},
    {"syslog-time",
     "max connection rate 1/60s for (smtp:127.0.0.1) at Nov 24 07:38:30\n"
     "Nov  4 07:38:30 mx x\n",
     "max connection rate 1/60s for (smtp:127.0.0.1) at TIME\n"
     "TIME HOST x\n"},
    {"delay", "dsn=2.0.0, delay=4.9, status=sent\n",
     "dsn=2.0.0, delay=D, status=sent\n"},
    {"delays", "delays=0.01/0.01/0/0.02, dsn=2.0.0\n",
     "delays=D/D/D/D, dsn=2.0.0\n"},
    {"ephemeral-port",
     "[127.0.0.1]:54321 127.0.0.1 port 43122 [::1]:60999 port=32768\n"
     "127.0.0.9[127.0.0.9]:25 127.0.0.1:2525 port 32767\n",
     "[127.0.0.1]:PORT 127.0.0.1 port PORT [::1]:PORT port=PORT\n"
     "127.0.0.9[127.0.0.9]:25 127.0.0.1:2525 port 32767\n"},
    {"hex-address",
     "watchdog_pat: 0x55f30d14c960\n"
     "flags 0x1f\n",
     "watchdog_pat: 0xADDR\n"
     "flags 0x1f\n"},
    {"fs-space",
     "fsspace: .: block size 4096, blocks free 20713181\n"
     "smtpd_check_queue: blocks 4096 avail 20577783 min_free 0\n",
     "fsspace: .: block size 4096, blocks free N\n"
     "smtpd_check_queue: blocks 4096 avail N min_free 0\n"},
};

#define NEXAMPLES (sizeof(examples) / sizeof(examples[0]))

/* data_dir - where golden files live; tests run from the repository root */
static const char *data_dir(void)
{
    const char *d = getenv("HR_TEST_DATA");

    return d && *d ? d : "tests/data";
}

/* check - normalize in and compare with out, naming the rule on failure */
static void check(const char *rule, const char *in, const char *out)
{
    char *got = hr_normalize_text(in);

    if (strcmp(got, out) != 0)
        print_error("rule '%s':\n--- expected\n%s--- got\n%s", rule, out, got);
    assert_string_equal(got, out);
    hr_free(got);
}

static void test_normalize_examples(void **state)
{
    (void)state;
    for (size_t i = 0; i < NEXAMPLES; i++)
        check(examples[i].rule, examples[i].in, examples[i].out);
}

static void test_normalize_every_rule_has_example(void **state)
{
    (void)state;
    for (size_t r = 0; r < hr_norm_rule_count(); r++) {
        int found = 0;

        for (size_t i = 0; i < NEXAMPLES; i++)
            found |= strcmp(examples[i].rule, hr_norm_rule_name(r)) == 0;
        if (!found)
            print_error("rule '%s' has no example\n", hr_norm_rule_name(r));
        assert_true(found);
    }
    /* And no example names a rule that does not exist. */
    for (size_t i = 0; i < NEXAMPLES; i++) {
        int found = 0;

        for (size_t r = 0; r < hr_norm_rule_count(); r++)
            found |= strcmp(examples[i].rule, hr_norm_rule_name(r)) == 0;
        assert_true(found);
    }
}

static void test_normalize_golden_files(void **state)
{
    (void)state;
    for (size_t r = 0; r < hr_norm_rule_count(); r++) {
        const char *name = hr_norm_rule_name(r);
        char *in_path = hr_sprintf("%s/normalize/%s.in", data_dir(), name);
        char *ref_path = hr_sprintf("%s/normalize/%s.ref", data_dir(), name);
        hr_buf in = HR_BUF_INIT, ref = HR_BUF_INIT;

        if (hr_file_read(&in, in_path, 0) < 0 ||
            hr_file_read(&ref, ref_path, 0) < 0)
            fail_msg("rule '%s': cannot read %s or %s", name, in_path,
                     ref_path);
        check(name, hr_buf_cstr(&in), hr_buf_cstr(&ref));
        hr_buf_release(&in);
        hr_buf_release(&ref);
        hr_free(in_path);
        hr_free(ref_path);
    }
}

static void test_normalize_rule_names_unique(void **state)
{
    (void)state;
    for (size_t i = 0; i < hr_norm_rule_count(); i++) {
        assert_non_null(hr_norm_rule_about(i));
        for (size_t k = i + 1; k < hr_norm_rule_count(); k++)
            assert_string_not_equal(hr_norm_rule_name(i), hr_norm_rule_name(k));
    }
    assert_null(hr_norm_rule_name(hr_norm_rule_count()));
}

static void test_normalize_numbering_spans_texts(void **state)
{
    hr_norm *n;
    char *a, *b;

    (void)state;
    hr_norm_new(&n);
    /* Learned in output order: the transcript's ID comes first. */
    hr_norm_learn(n, "< 250 2.0.0 Ok: queued as 637F0A76043\n");
    hr_norm_learn(n, "postfix/qmgr[8273]: 51D15A76058: removed\n"
                     "postfix/qmgr[8273]: 637F0A76043: removed\n");
    b = hr_norm_apply(n, "postfix/qmgr[8273]: 51D15A76058: removed\n"
                         "postfix/qmgr[8273]: 637F0A76043: removed\n");
    a = hr_norm_apply(n, "< 250 2.0.0 Ok: queued as 637F0A76043\n");
    assert_string_equal(a, "< 250 2.0.0 Ok: queued as Q1\n");
    assert_string_equal(b, "postfix/qmgr[P1]: Q2: removed\n"
                           "postfix/qmgr[P1]: Q1: removed\n");
    hr_free(a);
    hr_free(b);
    hr_norm_free(n);
}

static void test_normalize_mixup_still_shows(void **state)
{
    char *x, *y;

    (void)state;
    /* Two messages swap queue IDs between their log lines: must differ. */
    x = hr_normalize_text("queued as AAAAAA1\nqueued as BBBBBB2\n"
                          "AAAAAA1 to=<alice@example.test>\n"
                          "BBBBBB2 to=<bob@example.test>\n");
    y = hr_normalize_text("queued as AAAAAA1\nqueued as BBBBBB2\n"
                          "BBBBBB2 to=<alice@example.test>\n"
                          "AAAAAA1 to=<bob@example.test>\n");
    assert_string_not_equal(x, y);
    assert_non_null(strstr(x, "Q1 to=<alice@example.test>"));
    assert_non_null(strstr(y, "Q2 to=<alice@example.test>"));
    hr_free(x);
    hr_free(y);
}

static void test_normalize_apply_without_learn(void **state)
{
    hr_norm *n;
    char *out;

    (void)state;
    hr_norm_new(&n);
    out = hr_norm_apply(n, "postfix/smtpd[4242]: CA818A78E42: client=x\n");
    assert_string_equal(out, "postfix/smtpd[P1]: Q1: client=x\n");
    hr_free(out);
    hr_norm_free(n);
}

static void test_normalize_literal(void **state)
{
    hr_norm *n;
    char *out;

    (void)state;
    hr_norm_new(&n);
    hr_norm_literal(n, "/var/runs/r1/b1", "INSTANCE");
    hr_norm_literal(n, "", "IGNORED");
    out = hr_norm_apply(n, "cannot open /var/runs/r1/b1/etc/main.cf\n");
    assert_string_equal(out, "cannot open INSTANCE/etc/main.cf\n");
    hr_free(out);
    hr_norm_free(n);
}

static void test_normalize_stable_values_kept(void **state)
{
    (void)state;
    /* Deliberately not masked: they do not vary between runs. */
    check("none",
          "uid=0 from=<pfuser@example.test>, size=541, nrcpt=2 "
          "dsn=2.0.0 relay=127.0.0.9[127.0.0.9]:25 "
          "SIZE 10240000 ehlo=1 commands=5\n",
          "uid=0 from=<pfuser@example.test>, size=541, nrcpt=2 "
          "dsn=2.0.0 relay=127.0.0.9[127.0.0.9]:25 "
          "SIZE 10240000 ehlo=1 commands=5\n");
}

static void test_normalize_idempotent(void **state)
{
    hr_buf in = HR_BUF_INIT;
    char *path = hr_sprintf("%s/normalize/qid-log.in", data_dir());
    char *once, *twice;

    (void)state;
    assert_int_equal(hr_file_read(&in, path, 0), 0);
    once = hr_normalize_text(hr_buf_cstr(&in));
    twice = hr_normalize_text(once);
    assert_string_equal(once, twice);
    hr_free(once);
    hr_free(twice);
    hr_free(path);
    hr_buf_release(&in);
}

static void test_normalize_empty_and_free_null(void **state)
{
    char *out;

    (void)state;
    out = hr_normalize_text("");
    assert_string_equal(out, "");
    hr_free(out);
    hr_norm_free(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_normalize_examples),
        cmocka_unit_test(test_normalize_every_rule_has_example),
        cmocka_unit_test(test_normalize_golden_files),
        cmocka_unit_test(test_normalize_rule_names_unique),
        cmocka_unit_test(test_normalize_numbering_spans_texts),
        cmocka_unit_test(test_normalize_mixup_still_shows),
        cmocka_unit_test(test_normalize_apply_without_learn),
        cmocka_unit_test(test_normalize_literal),
        cmocka_unit_test(test_normalize_stable_values_kept),
        cmocka_unit_test(test_normalize_idempotent),
        cmocka_unit_test(test_normalize_empty_and_free_null),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}

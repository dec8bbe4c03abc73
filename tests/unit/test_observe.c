/*
 * test_observe - observations are stable across runs that differ only in
 * volatile parts, and still show real differences.
 */
/* unit.h calls snprintf() without <stdio.h>. */
#include <stdio.h>

#include "unit.h"

#include "util/buf.h"
#include "util/fsutil.h"
#include "util/mem.h"
#include "observe/obsdir.h"
#include "observe/observe.h"

/* data - a path under tests/data/observe */
static char *data(const char *name)
{
    const char *dir = getenv("HR_TEST_DATA");

    return hr_sprintf("%s/observe/%s", dir && *dir ? dir : "tests/data", name);
}

/* observe_text - hr_observe(), as the text the .obs files hold; the
 * model must render the text it parses back to, byte for byte */
static int observe_text(char **out, const hr_obs_raw *raw)
{
    hr_obs *o, *back;
    int error = hr_observe(&o, raw);

    if (error < 0)
        return error;
    hr_obs_parse(&back, hr_obs_text(o));
    assert_string_equal(hr_obs_text(back), hr_obs_text(o));
    assert_int_equal(hr_obs_count(back), hr_obs_count(o));
    for (size_t i = 0; i < hr_obs_count(o); i++) {
        assert_string_equal(hr_obs_name(back, i), hr_obs_name(o, i));
        assert_string_equal(hr_obs_section(back, hr_obs_name(o, i)),
                            hr_obs_section(o, hr_obs_name(o, i)));
    }
    hr_obs_free(back);
    *out = hr_strdup(hr_obs_text(o));
    hr_obs_free(o);
    return 0;
}

/* observe_dir - the observation of a golden input directory */
static char *observe_dir(const char *name)
{
    char *path = data(name);
    hr_obsdir *d;
    char *obs;

    if (hr_obsdir_load(&d, path) < 0)
        fail_msg("cannot load %s", path);
    assert_int_equal(observe_text(&obs, hr_obsdir_raw(d)), 0);
    hr_obsdir_free(d);
    hr_free(path);
    return obs;
}

/* reference - the golden observation */
static char *reference(const char *name)
{
    char *path = data(name);
    hr_buf b = HR_BUF_INIT;

    if (hr_file_read(&b, path, 0) < 0)
        fail_msg("cannot read %s", path);
    hr_free(path);
    return hr_buf_detach(&b);
}

/* replace - a copy of s with the first from replaced by to */
static char *replace(const char *s, const char *from, const char *to)
{
    const char *p = strstr(s, from);

    if (p == NULL)
        fail_msg("'%s' not in test input", from);
    return hr_sprintf("%.*s%s%s", (int)(p - s), s, to, p + strlen(from));
}

/* Fixture: run A's raw material, with a mutable copy of its mailboxes. */
struct fixture {
    hr_obsdir *dir;
    hr_obs_raw raw;
    hr_obs_msg mail[8];
    char *ref;
};

static int setup(void **state)
{
    struct fixture *f = hr_calloc(1, sizeof(*f));
    char *path = data("stable-a.in");

    if (hr_obsdir_load(&f->dir, path) < 0)
        return -1;
    f->raw = *hr_obsdir_raw(f->dir);
    if (f->raw.nmail > 8)
        return -1;
    memcpy(f->mail, f->raw.mail, f->raw.nmail * sizeof(hr_obs_msg));
    f->raw.mail = f->mail;
    f->ref = reference("stable.ref");
    hr_free(path);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;

    hr_obsdir_free(f->dir);
    hr_free(f->ref);
    hr_free(f);
    return 0;
}

/* observe - the fixture's observation */
static char *observe(struct fixture *f)
{
    char *obs;

    assert_int_equal(observe_text(&obs, &f->raw), 0);
    return obs;
}

/* mail_of - the fixture message in a mailbox containing text */
static hr_obs_msg *mail_of(struct fixture *f, const char *rcpt,
                           const char *text)
{
    for (size_t i = 0; i < f->raw.nmail; i++)
        if (strcmp(f->mail[i].rcpt, rcpt) == 0 && strstr(f->mail[i].text, text))
            return &f->mail[i];
    fail_msg("no message for %s with '%s'", rcpt, text);
    return NULL;
}

static void test_observe_golden_run_a(void **state)
{
    char *obs = observe_dir("stable-a.in");
    char *ref = reference("stable.ref");

    (void)state;
    assert_string_equal(obs, ref);
    hr_free(obs);
    hr_free(ref);
}

static void test_observe_volatile_parts_vanish(void **state)
{
    char *obs = observe_dir("stable-b.in");
    char *ref = reference("stable.ref");

    (void)state;
    /* Other queue IDs, PIDs, dates, delays, Maildir names, directories,
       DSN order, log interleaving and sanitizer report order. */
    assert_string_equal(obs, ref);
    hr_free(obs);
    hr_free(ref);
}

static void test_observe_mailbox_order_irrelevant(void **state)
{
    struct fixture *f = *state;
    hr_obs_msg tmp = f->mail[0];
    char *obs;

    f->mail[0] = f->mail[f->raw.nmail - 1];
    f->mail[f->raw.nmail - 1] = tmp;
    obs = observe(f);
    assert_string_equal(obs, f->ref);
    hr_free(obs);
}

static void test_observe_status_difference_shows(void **state)
{
    struct fixture *f = *state;
    hr_obs_msg *m = mail_of(f, "pfuser@example.test", "Status: 5.1.1");
    char *text = replace(m->text, "Status: 5.1.1", "Status: 4.1.1");
    char *obs;

    m->text = text;
    m->len = strlen(text);
    obs = observe(f);
    assert_string_not_equal(obs, f->ref);
    assert_non_null(strstr(obs, "Action: undeliverable\nStatus: 4.1.1\n"));
    hr_free(obs);
    hr_free(text);
}

static void test_observe_reply_difference_shows(void **state)
{
    struct fixture *f = *state;
    char *t = replace(f->raw.transcript,
                      "> RCPT TO:<carol@remote.test>\n< 250 2.1.5 Ok\n",
                      "> RCPT TO:<carol@remote.test>\n< 450 4.7.1 Try later\n");
    char *obs;

    f->raw.transcript = t;
    obs = observe(f);
    assert_string_not_equal(obs, f->ref);
    assert_non_null(strstr(obs, "< 450 4.7.1 Try later\n"));
    hr_free(obs);
    hr_free(t);
}

static void test_observe_swapped_pairing_shows(void **state)
{
    struct fixture *f = *state;
    hr_obs_msg *alice = mail_of(f, "alice@example.test", "Hello alice.");
    hr_obs_msg *dsn = mail_of(f, "pfuser@example.test", "multipart/report");
    char *obs;

    /* The same messages, in each other's mailboxes. */
    alice->rcpt = "pfuser@example.test";
    dsn->rcpt = "alice@example.test";
    obs = observe(f);
    assert_string_not_equal(obs, f->ref);
    assert_non_null(strstr(obs, "== dsn\n-- alice@example.test\n"));
    assert_non_null(strstr(obs, "== delivered\n-- pfuser@example.test\n"));
    hr_free(obs);
}

static void test_observe_queue_id_mixup_shows(void **state)
{
    struct fixture *f = *state;
    hr_obs_msg *alice = mail_of(f, "alice@example.test", "Hello alice.");
    /* alice's message claims the probe's queue ID. */
    char *text = replace(alice->text, "with ESMTP id 637F0A76043",
                         "with ESMTP id 4C795A76051");
    char *obs;

    alice->text = text;
    alice->len = strlen(text);
    obs = observe(f);
    assert_string_not_equal(obs, f->ref);
    assert_non_null(strstr(obs, "with ESMTP id Q2\n"));
    hr_free(obs);
    hr_free(text);
}

static void test_observe_empty_sections_omitted(void **state)
{
    hr_obs_raw raw = {0};
    char *obs;

    (void)state;
    raw.transcript = "< 220 mx.example.test ESMTP Postfix\n> QUIT\n"
                     "< 221 2.0.0 Bye";
    raw.sink = " \n";
    raw.maillog = "Nov 24 07:38:30 mx postfix/smtpd[8293]: connect from "
                  "localhost[127.0.0.1]\n";
    assert_int_equal(observe_text(&obs, &raw), 0);
    assert_string_equal(obs, "== transcript\n"
                             "< 220 mx.example.test ESMTP Postfix\n"
                             "> QUIT\n"
                             "< 221 2.0.0 Bye\n");
    hr_free(obs);
    raw.transcript = NULL;
    assert_int_equal(observe_text(&obs, &raw), 0);
    assert_string_equal(obs, "");
    hr_free(obs);
}

static const char interleaved[] =
    "Nov 24 07:38:30 mx postfix/smtpd[8293]: warning: w1\n"
    "Nov 24 07:38:30 mx postfix/cleanup[8295]: 637F0A76043: warning: w2\n"
    "Nov 24 07:38:31 mx postfix/smtp[8325]: error: e1\n"
    "Nov 24 07:38:31 mx postfix/bounce[8327]: fatal: f1\n"
    "Nov 24 07:38:32 mx postfix/smtpd[8293]: fatal: f2\n"
    "Nov 24 07:38:32 mx postfix/master[8271]: warning: process "
    "/usr/libexec/postfix/bounce pid 8327 exit status 1\n"
    "Nov 24 07:38:33 mx postfix/master[8271]: terminating on signal 15\n"
    "Nov 24 07:38:33 mx postfix/qmgr[8273]: 637F0A76043: removed\n";

static void test_observe_log_findings(void **state)
{
    hr_obs_raw raw = {0};
    char *obs;

    (void)state;
    raw.maillog = interleaved;
    assert_int_equal(observe_text(&obs, &raw), 0);
    /* By program; the earliest fatal is marked, not the first line. */
    assert_string_equal(obs,
                        "== log\n"
                        "* postfix/bounce[P1]: fatal: f1\n"
                        "  postfix/cleanup[P2]: Q1: warning: w2\n"
                        "  postfix/master[P3]: warning: process "
                        "/usr/libexec/postfix/bounce pid P1 exit status 1\n"
                        "  postfix/master[P3]: terminating on signal 15\n"
                        "  postfix/smtp[P4]: error: e1\n"
                        "  postfix/smtpd[P5]: warning: w1\n"
                        "  postfix/smtpd[P5]: fatal: f2\n");
    hr_free(obs);
}

/* The multigrain-timestamp warnings of cleanup are host noise. */
static void test_observe_log_host_noise(void **state)
{
    hr_obs_raw raw = {0};
    char *obs;

    (void)state;
    raw.maillog = "Nov 24 07:38:30 mx postfix/cleanup[11]: warning: file "
                  "system clock is 1 seconds ahead of local clock\n"
                  "Nov 24 07:38:30 mx postfix/cleanup[11]: warning: resetting "
                  "file time stamps - this hurts performance\n"
                  "Nov 24 07:38:30 mx postfix/cleanup[11]: warning: file "
                  "system clock is 300 seconds ahead of local clock\n";
    assert_int_equal(observe_text(&obs, &raw), 0);
    /* A real skew still shows. */
    assert_string_equal(obs, "== log\n"
                             "* postfix/cleanup[P1]: warning: file system "
                             "clock is 300 seconds ahead of local clock\n");
    hr_free(obs);
}

static void test_observe_log_interleaving_irrelevant(void **state)
{
    hr_obs_raw a = {0}, b = {0};
    char *x, *y;

    (void)state;
    a.maillog = "Nov 24 07:38:30 mx postfix/smtpd[11]: warning: s1\n"
                "Nov 24 07:38:30 mx postfix/local[12]: warning: l1\n"
                "Nov 24 07:38:30 mx postfix/smtpd[11]: warning: s2\n"
                "Nov 24 07:38:30 mx postfix/local[12]: warning: l2\n";
    b.maillog = "Nov 24 07:38:31 mx postfix/smtpd[21]: warning: s1\n"
                "Nov 24 07:38:31 mx postfix/smtpd[21]: warning: s2\n"
                "Nov 24 07:38:31 mx postfix/local[22]: warning: l1\n"
                "Nov 24 07:38:31 mx postfix/local[22]: warning: l2\n";
    observe_text(&x, &a);
    observe_text(&y, &b);
    assert_string_equal(x, y);
    hr_free(x);
    hr_free(y);
}

static void test_observe_first_finding(void **state)
{
    char *line;

    (void)state;
    assert_int_equal(hr_observe_first_finding(&line, interleaved), 1);
    assert_string_equal(line, "Nov 24 07:38:31 mx postfix/bounce[8327]: "
                              "fatal: f1");
    hr_free(line);
    assert_int_equal(hr_observe_first_finding(&line, "Nov 24 07:38:33 mx "
                                                     "postfix/qmgr[1]: x: "
                                                     "removed\n"),
                     0);
    assert_null(line);
    assert_int_equal(hr_observe_first_finding(&line, NULL), 0);
    /* panic outranks fatal even when it comes later. */
    assert_int_equal(hr_observe_first_finding(
                         &line,
                         "Nov 24 07:38:30 mx postfix/smtpd[1]: fatal: a\n"
                         "Nov 24 07:38:31 mx postfix/qmgr[2]: panic: b\n"),
                     1);
    assert_non_null(strstr(line, "panic: b"));
    hr_free(line);
}

static void test_observe_dsn_order_irrelevant(void **state)
{
    struct fixture *f = *state;
    hr_obs_msg *m = mail_of(f, "pfuser@example.test", "multipart/report");
    const char *a = "Final-Recipient: rfc822; pfuser@example.test\n"
                    "Original-Recipient: rfc822;pfuser@example.test\n"
                    "Action: deliverable\n"
                    "Status: 2.0.0\n"
                    "Diagnostic-Code: X-Postfix; delivery via virtual: "
                    "delivers to maildir\n\n";
    const char *start = strstr(m->text, a);
    const char *end = strstr(m->text, "\n--4C795A76051");
    char *text, *obs;

    /* Move the first record behind the second. */
    assert_non_null(start);
    end = strstr(start + strlen(a), "\n--4C795A76051");
    text = hr_sprintf("%.*s%.*s\n%.*s%s", (int)(start - m->text), m->text,
                      (int)(end - start - strlen(a)), start + strlen(a),
                      (int)strlen(a) - 1, a, end);
    m->text = text;
    m->len = strlen(text);
    obs = observe(f);
    assert_string_equal(obs, f->ref);
    hr_free(obs);
    hr_free(text);
}

/* The ENVID a client gave comes back as Original-Envelope-Id. */
static void test_observe_dsn_envelope_id_shown(void **state)
{
    struct fixture *f = *state;
    hr_obs_msg *m = mail_of(f, "pfuser@example.test", "multipart/report");
    char *text = replace(m->text, "Reporting-MTA: dns; mx.example.test\n",
                         "Original-Envelope-Id: PO-2024-118734\n"
                         "Reporting-MTA: dns; mx.example.test\n");
    char *obs, *want;

    m->text = text;
    m->len = strlen(text);
    obs = observe(f);
    want = replace(f->ref, "Reporting-MTA: dns; mx.example.test\n",
                   "Original-Envelope-Id: PO-2024-118734\n"
                   "Reporting-MTA: dns; mx.example.test\n");
    assert_string_equal(obs, want);
    hr_free(want);
    hr_free(obs);
    hr_free(text);
}

static void test_observe_nul_bytes_shown(void **state)
{
    static const char msg[] = "Subject: x\n\nbad\0byte\n";
    hr_obs_msg m = {"pfuser@example.test", msg, sizeof(msg) - 1};
    hr_obs_raw raw = {0};
    char *obs;

    (void)state;
    raw.mail = &m;
    raw.nmail = 1;
    observe_text(&obs, &raw);
    assert_string_equal(obs, "== delivered\n-- pfuser@example.test\n"
                             "Subject: x\n\nbad^@byte\n");
    hr_free(obs);
}

/* The SIZE Postfix declares to the sink depends on its queue id length. */
static void test_observe_sink_size_masked(void **state)
{
    hr_obs_raw a = {0}, b = {0};
    char *oa, *ob;

    (void)state;
    a.sink = "session 1\n> MAIL FROM:<x@example.test> SIZE=484 BODY=8BITMIME\n"
             "< 250 2.1.0 Ok\n| body SIZE=9 stays\n";
    b.sink = "session 1\n> MAIL FROM:<x@example.test> SIZE=486 BODY=8BITMIME\n"
             "< 250 2.1.0 Ok\n| body SIZE=9 stays\n";
    assert_int_equal(observe_text(&oa, &a), 0);
    assert_int_equal(observe_text(&ob, &b), 0);
    assert_string_equal(oa, ob);
    assert_non_null(strstr(oa, "> MAIL FROM:<x@example.test> SIZE=N "
                               "BODY=8BITMIME\n"));
    assert_non_null(strstr(oa, "| body SIZE=9 stays\n"));
    hr_free(oa);
    hr_free(ob);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_observe_golden_run_a),
        cmocka_unit_test(test_observe_volatile_parts_vanish),
        cmocka_unit_test_setup_teardown(test_observe_mailbox_order_irrelevant,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_observe_status_difference_shows,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_observe_reply_difference_shows,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_observe_swapped_pairing_shows,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_observe_queue_id_mixup_shows,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_observe_dsn_order_irrelevant,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_observe_dsn_envelope_id_shown,
                                        setup, teardown),
        cmocka_unit_test(test_observe_empty_sections_omitted),
        cmocka_unit_test(test_observe_log_findings),
        cmocka_unit_test(test_observe_log_host_noise),
        cmocka_unit_test(test_observe_log_interleaving_irrelevant),
        cmocka_unit_test(test_observe_first_finding),
        cmocka_unit_test(test_observe_nul_bytes_shown),
        cmocka_unit_test(test_observe_sink_size_masked),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* test_anonymize.c - addresses and host names as A and D, the rest kept */
#include <stdio.h> /* before unit.h, which uses snprintf() */
#include "unit.h"

#include "report/anonymize.h"
#include "util/buf.h"

static const struct {
    const char *in, *want;
} rows[] = {
    /* addresses, with their punctuation */
    {"MAIL FROM:<sender@outside.test>", "MAIL FROM:<AAAAAA@AAAAAAA.AAAA>"},
    {"RCPT TO:<bounces+3141@bulk.example-esp.com>",
     "RCPT TO:<AAAAAAA+DDDD@AAAA.AAAAAAA-AAA.AAA>"},
    {"to=<pfuser@example.test>, relay=local",
     "to=<AAAAAA@AAAAAAA.AAAA>, relay=local"},
    {"<alice@localhost>", "<AAAAA@AAAAAAAAA>"},
    {"user%other.example@example.test", "AAAA%AAAAA.AAAAAAA@AAAAAAA.AAAA"},
    {"postmaster@[127.0.0.1]", "AAAAAAAAAA@[DDD.D.D.D]"},
    {"<zoë.müller@café-müller.example.de>",
     "<AAA.AAAAAA@AAAA-AAAAAA.AAAAAAA.AA>"},
    {"<sender@outside.test", "<AAAAAA@AAAAAAA.AAAA"},
    {"a@b", "A@A"},
    {"<> and @ and x@ and @y", "<> and @ and x@ and @y"},
    /* host names and IPv4 addresses */
    {"220 mx.example.test ESMTP Postfix", "220 AA.AAAAAAA.AAAA ESMTP Postfix"},
    {"250-mx.example.test", "250-AA.AAAAAAA.AAAA"},
    {"connect from localhost[127.0.0.1]", "connect from localhost[DDD.D.D.D]"},
    {"relay=127.0.0.9[127.0.0.9]:25, delay=0.1",
     "relay=DDD.D.D.D[DDD.D.D.D]:25, delay=0.1"},
    {"mynetworks = 127.0.0.1/32", "mynetworks = DDD.D.D.D/32"},
    {"<mail_gw..corp-example.net>: Helo command rejected",
     "<AAAA_AA..AAAA-AAAAAAA.AAA>: Helo command rejected"},
    {"smtpd_helo_restrictions = reject_invalid_helo_hostname",
     "smtpd_helo_restrictions = reject_invalid_helo_hostname"},
    {"EHLO exch-hub-02.mail.corp-example.net.",
     "EHLO AAAA-AAA-DD.AAAA.AAAA-AAAAAAA.AAA."},
    /* kept: status codes, versions, words, the run's own files */
    {"550 5.1.1 User unknown", "550 5.1.1 User unknown"},
    {"Postfix 3.7.11 on glibc 2.36", "Postfix 3.7.11 on glibc 2.36"},
    {"observations/x/O2.plain.1.txt main.cf report.json",
     "observations/x/O2.plain.1.txt main.cf report.json"},
    {"vm and EXCHANGE01", "vm and EXCHANGE01"},
    /* host names by their place */
    {"> EHLO vm", "> EHLO AA"},
    {"< localhost[127.0.0.1]: helo EXCHANGE01\\r\\n",
     "< localhost[DDD.D.D.D]: helo AAAAAAAADD\\r\\n"},
    {"from=<a@b.c> helo=<vm>", "from=<A@A.A> helo=<AA>"},
    {"Nov 24 09:56:36 mx postfix/smtpd[20160]: connect from unknown",
     "Nov 24 09:56:36 AA postfix/smtpd[20160]: connect from unknown"},
    {"Nov  4 09:56:36 mail.example.test postfix/smtpd[1]: x\nDec 31 "
     "23:59:59 vm pfharness[2]: y",
     "Nov  4 09:56:36 AAAA.AAAAAAA.AAAA postfix/smtpd[1]: x\nDec 31 "
     "23:59:59 AA pfharness[2]: y"},
    {"the hello world, mail from:<x@y>", "the hello world, mail from:<A@A>"},
    {"\"a\\n> ehlo vm\\n< 250 x\"", "\"a\\n> ehlo AA\\n< 250 x\""},
    {"~ HELO vm\\r\\n", "~ HELO AA\\r\\n"},
    {"504 5.5.2 <EXCHANGE01>: Helo command rejected: need fully-qualified",
     "504 5.5.2 <AAAAAAAADD>: Helo command rejected: need fully-qualified"},
    {"rejected: Helo command rejected: Invalid name; helo=<a_b>",
     "rejected: Helo command rejected: Invalid name; helo=<A_A>"},
    /* escapes stay escapes */
    {"\"a\\nmx.example.test\\u00e9x\"", "\"a\\nAA.AAAAAAA.AAAA\\u00e9x\""},
    {"~ \\x00\\x01 junk\\r\\n", "~ \\x00\\x01 junk\\r\\n"},
};

/* test_anonymize_rows - each row masks as it says */
static void test_anonymize_rows(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        hr_buf b = HR_BUF_INIT;

        hr_anonymize(&b, rows[i].in, strlen(rows[i].in));
        if (strcmp(hr_buf_cstr(&b), rows[i].want) != 0)
            fail_msg("'%s': got '%s', want '%s'", rows[i].in, hr_buf_cstr(&b),
                     rows[i].want);
        hr_buf_release(&b);
    }
}

/* test_anonymize_consistent - a name masks the same way in any place */
static void test_anonymize_consistent(void **state)
{
    static const char *const in[] = {
        "mx.example.test",     "<x@mx.example.test>", "\"mx.example.test\"",
        "250-mx.example.test", "[mx.example.test]",   "\\nmx.example.test",
    };
    hr_buf b = HR_BUF_INIT;

    (void)state;
    for (size_t i = 0; i < sizeof(in) / sizeof(in[0]); i++) {
        hr_buf_clear(&b);
        hr_anonymize(&b, in[i], strlen(in[i]));
        assert_non_null(strstr(hr_buf_cstr(&b), "AA.AAAAAAA.AAAA"));
        assert_null(strstr(hr_buf_cstr(&b), "example"));
    }
    hr_buf_release(&b);
}

/* test_anonymize_bytes - NUL and invalid UTF-8 pass through; length kept
 * for ASCII */
static void test_anonymize_bytes(void **state)
{
    static const char in[] = "a\0b x@y.z \xff\xfe.example";
    hr_buf b = HR_BUF_INIT;

    (void)state;
    hr_anonymize(&b, in, sizeof(in) - 1);
    assert_int_equal(b.len, sizeof(in) - 1);
    assert_memory_equal(b.ptr, "a\0b A@A.A AA.AAAAAAA", b.len);
    hr_buf_release(&b);
}

/* main - the anonymize tests */
int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_anonymize_rows),
        cmocka_unit_test(test_anonymize_consistent),
        cmocka_unit_test(test_anonymize_bytes),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}

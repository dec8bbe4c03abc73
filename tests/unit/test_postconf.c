/* test_postconf.c - "postconf -n" output split by the case allowlist */
#include <stdio.h> /* before unit.h, which uses snprintf() */
#include "unit.h"

#include "util/mem.h"
#include "util/msg.h"
#include "import/postconf.h"

/* test_postconf_split - allowed settings and the reasons for the rest */
static void test_postconf_split(void **state)
{
    static const char text[] =
        "# a comment\n"
        "mydestination = $myhostname, localhost.$mydomain,\n"
        "    localhost,\n"
        "\texample.test\n"
        "\n"
        "myhostname = mx.example.test\n"
        "mynetworks = 127.0.0.0/8\n"
        "mynetworks = 127.0.0.1/32\n"
        "mailbox_command = /usr/bin/procmail\n"
        "smtpd_banner = $myhostname ESMTP #1\n"
        "relay_domains =\n";
    hr_strv config = HR_STRV_INIT, skipped = HR_STRV_INIT;

    (void)state;
    assert_int_equal(
        hr_postconf_parse(&config, &skipped, "pc", text, strlen(text)), 0);
    assert_int_equal(config.n, 3);
    assert_string_equal(config.v[0], "mydestination = $myhostname, "
                                     "localhost.$mydomain, localhost, "
                                     "example.test");
    assert_string_equal(config.v[1], "mynetworks = 127.0.0.1/32");
    assert_string_equal(config.v[2], "relay_domains = ");
    assert_int_equal(skipped.n, 3);
    assert_string_equal(skipped.v[0],
                        "myhostname = mx.example.test: 'myhostname' is not a "
                        "parameter that cases may set (see the allowlist in "
                        "cases/README.md)");
    assert_string_equal(skipped.v[1],
                        "mailbox_command = /usr/bin/procmail: "
                        "'mailbox_command' runs a program; cases may not set "
                        "it");
    assert_string_equal(skipped.v[2],
                        "smtpd_banner = $myhostname ESMTP #1: a case line "
                        "cannot hold this value ('#' starts a comment there)");
    hr_strv_release(&config);
    hr_strv_release(&skipped);
}

/* test_postconf_errors - lines that are not settings */
static void test_postconf_errors(void **state)
{
    hr_strv config = HR_STRV_INIT, skipped = HR_STRV_INIT;

    (void)state;
    assert_true(hr_postconf_parse(&config, &skipped, "pc", "  x\n", 4) < 0);
    assert_string_equal(hr_error_last(), "pc:1: continuation line without a "
                                         "setting before it");
    assert_true(hr_postconf_parse(&config, &skipped, "pc", "a = b\nfoo\n", 10) <
                0);
    assert_string_equal(hr_error_last(), "pc:2: not 'name = value' (the "
                                         "output of 'postconf -n')");
    assert_true(hr_postconf_load(&config, &skipped, "/nonexistent/pc") < 0);
    hr_strv_release(&config);
    hr_strv_release(&skipped);
}

/* main - the postconf tests */
int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_postconf_split),
        cmocka_unit_test(test_postconf_errors),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}

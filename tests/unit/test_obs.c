/* test_obs.c - the observation model: sections, behaviour, findings, and
 * the one reader of saved observation text */
#include <stdio.h> /* before unit.h, which uses snprintf() */
#include "unit.h"

#include <string.h>

#include "observe/obs.h"
#include "util/mem.h"

/* test_obs_build - sections added render as the .obs files hold them */
static void test_obs_build(void **state)
{
    hr_obs *o;

    (void)state;
    hr_obs_new(&o);
    assert_string_equal(hr_obs_text(o), "");
    hr_obs_add(o, "transcript", "> EHLO x\n< 250 ok\n");
    hr_obs_add(o, "sanitizer", "a.c:1:2: runtime error: shift\n  #0 main\n"
                               "a.c:1:2: runtime error: shift\n"
                               "==1==ERROR: AddressSanitizer: heap\n");
    hr_obs_add(o, "log", "smtpd: warning: w\n");
    assert_string_equal(hr_obs_text(o),
                        "== transcript\n> EHLO x\n< 250 ok\n"
                        "== sanitizer\na.c:1:2: runtime error: shift\n"
                        "  #0 main\na.c:1:2: runtime error: shift\n"
                        "==1==ERROR: AddressSanitizer: heap\n"
                        "== log\nsmtpd: warning: w\n");
    assert_string_equal(hr_obs_behaviour(o), "== transcript\n> EHLO x\n"
                                             "< 250 ok\n== log\n"
                                             "smtpd: warning: w\n");
    /* each finding once, in order; stack lines are not findings */
    assert_int_equal(hr_obs_ub(o)->n, 2);
    assert_string_equal(hr_obs_ub(o)->v[0], "a.c:1:2: runtime error: shift");
    assert_string_equal(hr_obs_ub(o)->v[1], "==1==ERROR: AddressSanitizer: heap");
    assert_string_equal(hr_obs_section(o, "log"), "smtpd: warning: w\n");
    assert_string_equal(hr_obs_section(o, "dsn"), "");
    hr_obs_free(o);
}

/* test_obs_parse - the reader gives back the text and its sections */
static void test_obs_parse(void **state)
{
    static const char *const texts[] = {
        "",
        "== transcript\n> QUIT\n< 221 bye\n",
        "lead\nin\n== log\nx\n",          /* a nameless part first */
        "== log\nno newline at the end",
        "== dsn\n== sink\n",               /* empty bodies */
        "== delivered\n-- a@b\n== not-a-section\nbody\n== log\ny\n",
    };
    hr_obs *o;

    (void)state;
    for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
        hr_obs_parse(&o, texts[i]);
        assert_string_equal(hr_obs_text(o), texts[i]);
        hr_obs_free(o);
    }
    hr_obs_parse(&o, texts[2]);
    assert_int_equal(hr_obs_count(o), 2);
    assert_string_equal(hr_obs_name(o, 0), "");
    assert_string_equal(hr_obs_section(o, ""), "lead\nin\n");
    assert_string_equal(hr_obs_section(o, "log"), "x\n");
    hr_obs_free(o);
    /* "== NAME" lines that observe(3) never writes belong to the body */
    hr_obs_parse(&o, texts[5]);
    assert_int_equal(hr_obs_count(o), 2);
    assert_string_equal(hr_obs_section(o, "delivered"),
                        "-- a@b\n== not-a-section\nbody\n");
    hr_obs_free(o);
    /* a head must start a line */
    hr_obs_parse(&o, "== log\nsaw == sanitizer\nthere\n");
    assert_int_equal(hr_obs_count(o), 1);
    assert_int_equal(hr_obs_ub(o)->n, 0);
    hr_obs_free(o);
    hr_obs_parse(&o, NULL);
    assert_string_equal(hr_obs_text(o), "");
    hr_obs_free(o);
}

/* main - the observation model tests */
int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_obs_build),
        cmocka_unit_test(test_obs_parse),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}

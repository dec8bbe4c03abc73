/* test_golden - a golden's path and grammar (case(3)) */
#include <stdio.h> /* before unit.h, which uses snprintf() */
#include "unit.h"

#include <string.h>

#include "case/case.h"
#include "util/mem.h"
#include "util/msg.h"

static void test_golden_path(void **state)
{
    char *p;

    (void)state;
    p = hr_case_golden_path("cases/smtp/x.case");
    assert_string_equal(p, "cases/smtp/x.golden");
    hr_free(p);
    assert_null(hr_case_golden_path("cases/smtp/x.txt"));
    assert_null(hr_case_golden_path(".cas"));
}

static const struct {
    const char *name, *text;
    size_t len;                 /* 0: strlen */
    const char *error;          /* NULL: accepted */
} rows[] = {
    {"empty", "", 0, NULL},
    {"a transcript", "== transcript\n< 220 x\n", 0, NULL},
    {"a probe with a log", "== probe\nexit status 0\n== log\n* fatal: x\n", 0,
     NULL},
    {"delivered mail with a head-like body line",
     "== delivered\n-- u\n== not a head\n", 0, NULL},
    {"no section head", "< 220 x\n", 0, "g:1: expected a section head"},
    {"an unknown head", "== sanitizer\nx\n", 0, "g:1: expected a section"},
    {"no final newline", "== log\n* x", 0, "g:2: the last line has no"},
    {"a NUL byte", "== log\n* x\n\0y\n", 13, "g:3: a NUL byte"},
};

static void test_golden_grammar(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        size_t len = rows[i].len ? rows[i].len : strlen(rows[i].text);
        int e = hr_case_golden_check("g", rows[i].text, len);

        if (rows[i].error == NULL) {
            if (e != 0)
                fail_msg("%s: refused: %s", rows[i].name, hr_error_last());
            continue;
        }
        if (e != HR_EINPUT)
            fail_msg("%s: accepted", rows[i].name);
        if (strncmp(hr_error_last(), rows[i].error, strlen(rows[i].error)))
            fail_msg("%s: '%s', want '%s...'", rows[i].name, hr_error_last(),
                     rows[i].error);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_golden_path),
        cmocka_unit_test(test_golden_grammar),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}

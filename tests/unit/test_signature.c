/*
 * NAME
 *	test_signature 1
 * SUMMARY
 *	unit tests of signature(3): a trial judged where the sides differ
 * DESCRIPTION
 *	One table of {good, bad, trial, outcome, elsewhere}: the outcome a
 *	commit bisection's trial gets from the divergence signature, and
 *	whether it also differs from that side somewhere else.
 */
#include "unit.h"

#include "narrow/signature.h"
#include "source/gitrepo.h"
#include "util/mem.h"

/* Observations as the bisection sees them, shortened. */
#define HEAD "== transcript\n> EHLO c.test\n< 250 mx\n"
#define RELAY_GOOD "< 554 5.7.1 Relay access denied\n"
#define RELAY_BAD "< 250 2.1.5 Ok\n"
#define HELP_OLD "> HELP\n< 502 5.5.2 Error: command not recognized\n"
#define HELP_NEW "> HELP\n< 214 2.0.0 Ok\n"
#define TAIL "> QUIT\n< 221 2.0.0 Bye\n== log\n(none)\n"

static const struct row {
    const char *what;
    const char *good, *bad, *trial;
    const char *want; /* per place: 'g' good, 'b' bad, 'o' other */
    int elsewhere;
} rows[] = {
    {"equal to the bad side", HEAD RELAY_GOOD TAIL, HEAD RELAY_BAD TAIL,
     HEAD RELAY_BAD TAIL, "b", 0},
    {"equal to the good side", HEAD RELAY_GOOD TAIL, HEAD RELAY_BAD TAIL,
     HEAD RELAY_GOOD TAIL, "g", 0},
    {"bad at the divergence, a change elsewhere",
     HEAD RELAY_GOOD HELP_OLD TAIL, HEAD RELAY_BAD HELP_OLD TAIL,
     HEAD RELAY_BAD HELP_NEW TAIL, "b", 1},
    {"good at the divergence, a change elsewhere",
     HEAD RELAY_GOOD HELP_OLD TAIL, HEAD RELAY_BAD HELP_OLD TAIL,
     HEAD RELAY_GOOD HELP_NEW TAIL, "g", 1},
    {"a third reply at the divergence", HEAD RELAY_GOOD TAIL,
     HEAD RELAY_BAD TAIL, HEAD "< 450 4.7.1 try later\n" TAIL, "o", 0},
    {"two places, one of each side",
     HEAD RELAY_GOOD HELP_OLD "> NOOP\n" TAIL,
     HEAD RELAY_BAD HELP_NEW "> NOOP\n" TAIL,
     HEAD RELAY_BAD HELP_OLD "> NOOP\n" TAIL, "bg", 0},
    {"two places, both bad", HEAD RELAY_GOOD HELP_OLD "> NOOP\n" TAIL,
     HEAD RELAY_BAD HELP_NEW "> NOOP\n" TAIL,
     HEAD RELAY_BAD HELP_NEW "> NOOP\n" TAIL, "bb", 0},
    {"the bad side adds lines", HEAD TAIL, HEAD "< 250 extra\n" TAIL,
     HEAD "< 250 extra\n" TAIL, "b", 0},
    {"the bad side adds lines; the trial does not", HEAD TAIL,
     HEAD "< 250 extra\n" TAIL, HEAD TAIL, "g", 0},
    {"the bad side drops lines", HEAD RELAY_GOOD TAIL, HEAD TAIL,
     HEAD TAIL, "b", 0},
    /* The anchors keep a line that repeats elsewhere from deciding: the
     * good reply is found, but not at the place of the divergence. */
    {"the good line elsewhere, the bad one at the divergence",
     HEAD RELAY_GOOD TAIL "x\n",
     HEAD RELAY_BAD TAIL "x\n",
     HEAD RELAY_BAD TAIL "x\n" RELAY_GOOD, "b", 1},
    {"a log line added elsewhere", HEAD RELAY_GOOD TAIL,
     HEAD RELAY_BAD TAIL, HEAD RELAY_BAD "> QUIT\n< 221 2.0.0 Bye\n"
                                        "== log\nwarning: new\n",
     "b", 1},
};

/* outcome_char - 'g', 'b' or 'o' */
static char outcome_char(hr_outcome o)
{
    return o == HR_OUTCOME_GOOD ? 'g' : o == HR_OUTCOME_BAD ? 'b' : 'o';
}

/* test_signature_table - every row */
static void test_signature_table(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        const struct row *r = &rows[i];
        hr_signature *s = NULL;
        char got[8] = {0};
        int elsewhere;

        assert_int_equal(hr_signature_new(&s, r->good, r->bad), 0);
        assert_int_equal(hr_signature_hunks(s), strlen(r->want));
        for (size_t h = 0; h < hr_signature_hunks(s); h++)
            got[h] = outcome_char(hr_signature_judge_hunk(s, r->trial, h));
        elsewhere = hr_signature_elsewhere(s, r->trial);
        if (strcmp(got, r->want) != 0 || elsewhere != r->elsewhere)
            fail_msg("row %zu (%s): places '%s' elsewhere %d, wanted '%s' %d",
                     i, r->what, got, elsewhere, r->want, r->elsewhere);
        hr_signature_free(s);
    }
}

/* test_signature_sides_judge_themselves - the sides are their own side */
static void test_signature_sides_judge_themselves(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        hr_signature *s = NULL;

        assert_int_equal(hr_signature_new(&s, rows[i].good, rows[i].bad), 0);
        for (size_t h = 0; h < hr_signature_hunks(s); h++) {
            assert_int_equal(hr_signature_judge_hunk(s, rows[i].good, h),
                             HR_OUTCOME_GOOD);
            assert_int_equal(hr_signature_judge_hunk(s, rows[i].bad, h),
                             HR_OUTCOME_BAD);
        }
        assert_int_equal(hr_signature_elsewhere(s, rows[i].good), 0);
        assert_int_equal(hr_signature_elsewhere(s, rows[i].bad), 0);
        hr_signature_free(s);
    }
}

/* test_signature_places - changes two lines apart are two places, each
 * judged on its own, and described by line and text */
static void test_signature_places(void **state)
{
    static const char good[] = HEAD RELAY_GOOD "> QUIT\n< 221 2.0.0 Bye\n";
    static const char bad[] = HEAD RELAY_BAD "> QUIT\n< 221 2.0.0 Bye now\n";
    static const char only_bye[] =
        HEAD RELAY_GOOD "> QUIT\n< 221 2.0.0 Bye now\n";
    static const char inserted[] = HEAD RELAY_GOOD "< 250 more\n> QUIT\n"
                                                   "< 221 2.0.0 Bye\n";
    hr_signature *s = NULL;

    (void)state;
    assert_int_equal(hr_signature_new(&s, good, bad), 0);
    assert_int_equal(hr_signature_hunks(s), 2);
    assert_string_equal(hr_signature_describe(s, 0),
                        "line 4: < 554 5.7.1 Relay access denied -> "
                        "< 250 2.1.5 Ok");
    assert_string_equal(hr_signature_describe(s, 1),
                        "line 6: < 221 2.0.0 Bye -> < 221 2.0.0 Bye now");
    assert_int_equal(hr_signature_judge_hunk(s, only_bye, 0), HR_OUTCOME_GOOD);
    assert_int_equal(hr_signature_judge_hunk(s, only_bye, 1), HR_OUTCOME_BAD);
    assert_int_equal(hr_signature_elsewhere(s, only_bye), 0);
    hr_signature_free(s);
    /* An insertion: anchored between the lines around it. */
    assert_int_equal(hr_signature_new(&s, good, inserted), 0);
    assert_int_equal(hr_signature_hunks(s), 1);
    assert_string_equal(hr_signature_describe(s, 0),
                        "line 5: (nothing) -> < 250 more");
    assert_int_equal(hr_signature_judge_hunk(s, inserted, 0), HR_OUTCOME_BAD);
    assert_int_equal(hr_signature_judge_hunk(s, good, 0), HR_OUTCOME_GOOD);
    hr_signature_free(s);
}

/* test_signature_equal_sides - no hunks, nothing can be judged */
static void test_signature_equal_sides(void **state)
{
    hr_signature *s = NULL;

    (void)state;
    assert_int_equal(hr_signature_new(&s, HEAD TAIL, HEAD TAIL), 0);
    assert_int_equal(hr_signature_hunks(s), 0);
    assert_int_equal(hr_signature_elsewhere(s, HEAD "x\n" TAIL), 1);
    hr_signature_free(s);
}

static int group_setup(void **state)
{
    (void)state;
    hr_gitrepo_init();
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    hr_gitrepo_shutdown();
    return 0;
}

/* See test_source.c: libgit2 1.5 leaks pcre2 match data. */
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void)
{
    return "leak:libpcre2-8.so\n";
}

int main(void)
{
    static const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_signature_table),
        cmocka_unit_test(test_signature_sides_judge_themselves),
        cmocka_unit_test(test_signature_places),
        cmocka_unit_test(test_signature_equal_sides),
    };

    return cmocka_run_group_tests_name("signature", tests, group_setup,
                                       group_teardown);
}

/*
 * NAME
 *	test_reduce 1
 * SUMMARY
 *	unit tests of ddmin(3) and rdcase(3): the search, and the candidates
 *	the reducer makes
 */
#include "unit.h"

#include "case/case.h"
#include "narrow/ddmin.h"
#include "narrow/rdcase.h"
#include "util/buf.h"
#include "util/fsutil.h"
#include "util/mem.h"
#include "util/msg.h"

/* A failure that needs units 3 and 11 (of 16). */
struct need {
    size_t a, b;
    int tests;
};

static int needs_both(const unsigned char *keep, size_t n, void *payload)
{
    struct need *nd = payload;
    size_t count = 0;

    for (size_t i = 0; i < n; i++)
        count += keep[i] != 0;
    assert_true(count > 0);     /* ddmin never tests the empty set */
    nd->tests++;
    return keep[nd->a] && keep[nd->b];
}

/* test_ddmin_pair - two units that fail together: exactly them, in few
 * tests */
static void test_ddmin_pair(void **state)
{
    unsigned char keep[16];
    struct need nd = {3, 11, 0};

    (void)state;
    memset(keep, 1, sizeof(keep));
    assert_int_equal(hr_ddmin(keep, 16, needs_both, &nd), 0);
    for (size_t i = 0; i < 16; i++)
        assert_int_equal(keep[i] != 0, i == 3 || i == 11);
    assert_true(nd.tests <= 40);
}

static int needs_one(const unsigned char *keep, size_t n, void *payload)
{
    (void)n;
    (*(int *)payload)++;
    return keep[7];
}

/* test_ddmin_one - one unit of 100, in about 2 log2 100 tests */
static void test_ddmin_one(void **state)
{
    unsigned char keep[100];
    int tests = 0;

    (void)state;
    memset(keep, 1, sizeof(keep));
    assert_int_equal(hr_ddmin(keep, 100, needs_one, &tests), 0);
    for (size_t i = 0; i < 100; i++)
        assert_int_equal(keep[i] != 0, i == 7);
    assert_true(tests <= 20);
}

static int stops(const unsigned char *keep, size_t n, void *payload)
{
    (void)keep;
    (void)n;
    return ++*(int *)payload > 3 ? -7 : 0;
}

/* test_ddmin_stop - a negative answer stops the search and is returned;
 * keep[] stays the last failing set */
static void test_ddmin_stop(void **state)
{
    unsigned char keep[8];
    int tests = 0;

    (void)state;
    memset(keep, 1, sizeof(keep));
    assert_int_equal(hr_ddmin(keep, 8, stops, &tests), -7);
    for (size_t i = 0; i < 8; i++)
        assert_int_equal(keep[i], 1);
}

/* load - a case and its text */
static hr_case *load(const char *path, char **text)
{
    hr_buf b = HR_BUF_INIT;
    hr_case *c = NULL;

    assert_int_equal(hr_file_read(&b, path, 1 << 20), 0);
    assert_int_equal(hr_case_parse(&c, path, hr_buf_cstr(&b), b.len), 0);
    *text = hr_buf_detach(&b);
    return c;
}

/* order_of - SMTP's order of a parsed case, checked on its model */
static int keeps_order(const hr_case *c, const char *text)
{
    hr_rdcase *r = NULL;
    char *why = NULL;
    int ok;

    assert_int_equal(hr_rdcase_from(&r, c, text), 0);
    r->strict = 1;
    ok = hr_rdcase_check(r, &why) == 0;
    if (!ok)
        print_error("%s: %s\n", c->path, why);
    hr_free(why);
    hr_rdcase_free(r);
    return ok;
}

/* xorshift - a fixed sequence for the subsets */
static unsigned long long next_rand(unsigned long long *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

/* test_rdcase_candidates - for every shipped smtp case and the long
 * fault case: every candidate that the checker accepts renders into
 * text that parses, and keeps SMTP's order when the original did;
 * candidates of one step removed, of whole transactions, and random
 * subsets */
static void test_rdcase_candidates(void **state)
{
    const char *dir = "cases/smtp";
    hr_strv paths = HR_STRV_INIT;
    unsigned long long seed = 0x9e3779b97f4a7c15ULL;
    size_t accepted = 0, refused = 0;

    (void)state;
    assert_int_equal(hr_dir_find(&paths, dir, ".case"), 0);
    hr_strv_add(&paths, "tests/faults/cases/fault-dsn-xtext-long.case");
    hr_strv_add(&paths, "tests/faults/cases/fault-xclient-xtext.case");
    for (size_t p = 0; p < paths.n; p++) {
        char *text = NULL;
        hr_case *c = load(paths.v[p], &text);
        hr_rdcase *r = NULL;
        unsigned char *keep;

        assert_int_equal(hr_rdcase_from(&r, c, text), 0);
        keep = hr_calloc(r->n + 1, 1);
        for (size_t round = 0; round < r->n + 40; round++) {
            hr_rdcase *cand;
            char *why = NULL, *out;
            hr_case *parsed = NULL;

            if (round < r->n) {         /* one step out */
                memset(keep, 1, r->n);
                keep[round] = 0;
            } else if (round < r->n + 8) { /* a transaction out */
                memset(keep, 1, r->n);
                for (size_t i = 0; i < r->n; i++)
                    if (r->steps[i].txn == (int)(round - r->n))
                        keep[i] = 0;
            } else {                    /* a random subset */
                for (size_t i = 0; i < r->n; i++)
                    keep[i] = next_rand(&seed) % 3 != 0;
            }
            cand = hr_rdcase_keep(r, keep);
            if (hr_rdcase_check(cand, &why) < 0) {
                refused++;
                hr_free(why);
                hr_rdcase_free(cand);
                continue;
            }
            accepted++;
            out = hr_rdcase_render(cand, "reduce-candidate", NULL, NULL);
            if (hr_case_parse(&parsed, "candidate", out, strlen(out)) != 0)
                fail_msg("%s, round %zu: a candidate that does not parse: "
                         "%s\n%s", paths.v[p], round, hr_error_last(), out);
            if (r->strict && !keeps_order(parsed, out))
                fail_msg("%s, round %zu: a candidate out of order:\n%s",
                         paths.v[p], round, out);
            hr_case_free(parsed);
            hr_free(out);
            hr_rdcase_free(cand);
        }
        hr_free(keep);
        hr_rdcase_free(r);
        hr_case_free(c);
        hr_free(text);
    }
    print_message("candidates: %zu accepted, all parsed; %zu refused\n",
                  accepted, refused);
    assert_true(accepted > 1000 && refused > 100);
    hr_strv_release(&paths);
}

/* test_rdcase_model - the long fault case as the reducer sees it */
static void test_rdcase_model(void **state)
{
    char *text = NULL, *out, *why = NULL;
    hr_case *c = load("tests/faults/cases/fault-dsn-xtext-long.case", &text);
    hr_rdcase *r = NULL;
    unsigned char *keep;
    hr_rdcase *cand;
    hr_strv replies = HR_STRV_INIT;
    hr_case *parsed = NULL;

    (void)state;
    assert_int_equal(hr_rdcase_from(&r, c, text), 0);
    assert_int_equal(r->ntxn, 3);
    assert_int_equal(hr_rdcase_client_lines(r), 39);
    assert_true(r->strict);
    /* RCPT of a transaction without its MAIL: refused */
    keep = hr_calloc(r->n + 1, 1);
    memset(keep, 1, r->n);
    for (size_t i = 0; i < r->n; i++)
        if (r->steps[i].kind == HR_RD_CMD && r->steps[i].verb == HR_RD_MAIL) {
            keep[i] = 0;
            break;
        }
    cand = hr_rdcase_keep(r, keep);
    assert_int_equal(hr_rdcase_check(cand, &why), -1);
    assert_string_equal(why, "RCPT without MAIL before it");
    hr_free(why);
    hr_rdcase_free(cand);
    /* EHLO and the second MAIL only, with replies given */
    memset(keep, 0, r->n);
    for (size_t i = 0, mails = 0; i < r->n; i++) {
        if (r->steps[i].kind == HR_RD_CMD &&
            (r->steps[i].verb == HR_RD_HELO ||
             (r->steps[i].verb == HR_RD_MAIL && ++mails == 2)))
            keep[i] = 1;
    }
    cand = hr_rdcase_keep(r, keep);
    assert_int_equal(hr_rdcase_check(cand, &why), 0);
    assert_int_equal(hr_rdcase_client_lines(cand), 2);
    hr_strv_add(&replies, "220 mx.example.test ESMTP Postfix");
    hr_strv_add(&replies, "250-mx.example.test\n250 CHUNKING");
    hr_strv_add(&replies, "250 2.1.0 Ok");
    out = hr_rdcase_render(cand, "small", &replies, NULL);
    assert_int_equal(hr_case_parse(&parsed, "small", out, strlen(out)), 0);
    assert_int_equal(parsed->nxs, 3);
    assert_string_equal(parsed->xs[1].expect[0],
                        "250-mx.example.test\n250 CHUNKING");
    hr_case_free(parsed);
    hr_free(out);
    hr_rdcase_free(cand);
    hr_strv_release(&replies);
    hr_free(keep);
    hr_rdcase_free(r);
    hr_case_free(c);
    hr_free(text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ddmin_pair),
        cmocka_unit_test(test_ddmin_one),
        cmocka_unit_test(test_ddmin_stop),
        cmocka_unit_test(test_rdcase_candidates),
        cmocka_unit_test(test_rdcase_model),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* test_verdict - the verdict rules, from tables of observation matrices */
#include <stdio.h>
#include "unit.h"
#include "util/mem.h"
#include "verdict/verdict.h"

#define MAXC 6
#define MAXR 3

/* A row: cells as "build/libenv flags obs obs obs", expectation matches,
 * the verdict, and what the evidence must name. */
struct cellspec {
    const char *build, *libenv;
    const char *flags;          /* u: unoptimized, w: ub_check, s: sanitizer */
    const char *obs[MAXR];
    int expect_ok;
};

struct row {
    const char *name;
    struct cellspec cells[MAXC];
    hr_verdict_kind want;
    const char *differing;      /* joined with ',' */
    const char *suspect;        /* or NULL */
};

#define OK 1
#define BAD 0

static const struct row rows[] = {
    {"all agree with the expectation",
     {{"O0", "plain", "u", {"A", "A", "A"}, OK},
      {"default", "plain", "", {"A", "A", "A"}, OK},
      {"O2", "plain", "", {"A", "A", "A"}, OK}},
     HR_PASS, "", NULL},
    {"all agree, all differ from the expectation",
     {{"O0", "plain", "u", {"B", "B", "B"}, BAD},
      {"O2", "plain", "", {"B", "B", "B"}, BAD}},
     HR_REAL_BUG, "", NULL},
    {"one rep of one cell differs",
     {{"O0", "plain", "u", {"A", "A", "A"}, OK},
      {"O2", "plain", "", {"A", "X", "A"}, OK}},
     HR_HARDWARE, "O2/plain", NULL},
    {"flapping beats a build divergence",
     {{"O0", "plain", "u", {"A", "A", "A"}, OK},
      {"O2", "plain", "", {"B", "B", "C"}, BAD}},
     HR_HARDWARE, "O2/plain", NULL},
    {"O2 stands against O0 and default",
     {{"O0", "plain", "u", {"A", "A", "A"}, OK},
      {"default", "plain", "", {"A", "A", "A"}, OK},
      {"O2", "plain", "", {"B", "B", "B"}, BAD}},
     HR_COMPILER, "O2/plain", "O2/plain"},
    {"two builds disagree: undecided",
     {{"O0", "plain", "u", {"A", "A", "A"}, OK},
      {"O2", "plain", "", {"B", "B", "B"}, BAD}},
     HR_COMPILER, "O2/plain", "undecided"},
    {"three-way split: undecided",
     {{"O0", "plain", "u", {"A", "A", "A"}, OK},
      {"default", "plain", "", {"C", "C", "C"}, BAD},
      {"O2", "plain", "", {"B", "B", "B"}, BAD}},
     HR_COMPILER, "default/plain,O2/plain", "undecided"},
    {"O0 is not an oracle: O0 stands alone",
     {{"O0", "plain", "u", {"A", "A", "A"}, BAD},
      {"default", "plain", "", {"B", "B", "B"}, OK},
      {"O2", "plain", "", {"B", "B", "B"}, OK}},
     HR_COMPILER, "O0/plain", "O0/plain"},
    {"wrapv sides with O0",
     {{"O0", "plain", "u", {"A", "A", "A"}, OK},
      {"O2", "plain", "", {"B", "B", "B"}, BAD},
      {"wrapv", "plain", "w", {"A", "A", "A"}, OK}},
     HR_UB, "O2/plain", NULL},
    {"wrapv sides with O2: still the compiler",
     {{"O0", "plain", "u", {"A", "A", "A"}, OK},
      {"O2", "plain", "", {"B", "B", "B"}, BAD},
      {"wrapv", "plain", "w", {"B", "B", "B"}, BAD}},
     HR_COMPILER, "O2/plain,wrapv/plain", "undecided"},
    {"a sanitizer report",
     {{"O0", "plain", "u", {"A", "A", "A"}, OK},
      {"O2", "plain", "", {"B", "B", "B"}, BAD},
      {"ubsan", "plain", "ws",
       {"B\n== sanitizer\nsmtpd.c:12:5: runtime error: signed integer "
        "overflow\n",
        "B\n== sanitizer\nsmtpd.c:12:5: runtime error: signed integer "
        "overflow\n",
        "B\n== sanitizer\nsmtpd.c:12:5: runtime error: signed integer "
        "overflow\n"}, BAD}},
     HR_UB, "O2/plain,ubsan/plain", NULL},
    {"a sanitizer section alone is not a divergence",
     {{"O0", "plain", "u", {"A\n", "A\n", "A\n"}, OK},
      {"O2", "plain", "", {"A\n", "A\n", "A\n"}, OK},
      {"ubsan", "plain", "ws",
       {"A\n== sanitizer\nmymalloc.c:235: runtime error: left shift\n",
        "A\n== sanitizer\nmymalloc.c:235: runtime error: left shift\n",
        "A\n== sanitizer\nmymalloc.c:235: runtime error: left shift\n"},
       OK}},
     HR_PASS, "", NULL},
    {"sanitizer findings that come and go do not flap",
     {{"O2", "plain", "", {"A\n", "A\n", "A\n"}, OK},
      {"ubsan", "plain", "ws",
       {"A\n== sanitizer\nx.c:1: runtime error: y\n", "A\n", "A\n"}, OK}},
     HR_PASS, "", NULL},
    {"a library environment changes every build the same way",
     {{"O0", "plain", "u", {"A", "A", "A"}, OK},
      {"O2", "plain", "", {"A", "A", "A"}, OK},
      {"O0", "shim", "u", {"L", "L", "L"}, BAD},
      {"O2", "shim", "", {"L", "L", "L"}, BAD}},
     HR_LIBRARY, "shim", NULL},
    {"builds disagree under the shim only: compiler first",
     {{"O0", "plain", "u", {"A", "A", "A"}, OK},
      {"O2", "plain", "", {"A", "A", "A"}, OK},
      {"O0", "shim", "u", {"A", "A", "A"}, OK},
      {"O2", "shim", "", {"L", "L", "L"}, BAD}},
     HR_COMPILER, "O2/shim", "undecided"},
};

/* obs_of - the observation models of n texts; pool_free() frees them */
static hr_obs **pool[64];
static size_t pool_n, pool_len[64];

static const hr_obs *const *obs_of(const char *const *texts, size_t n)
{
    hr_obs **v = hr_calloc(n, sizeof(*v));

    for (size_t i = 0; i < n; i++)
        hr_obs_parse(&v[i], texts[i]);
    assert_true(pool_n < 64);
    pool_len[pool_n] = n;
    pool[pool_n++] = v;
    return (const hr_obs *const *)v;
}

static void pool_free(void)
{
    for (size_t k = 0; k < pool_n; k++) {
        for (size_t i = 0; i < pool_len[k]; i++)
            hr_obs_free(pool[k][i]);
        hr_free(pool[k]);
    }
    pool_n = 0;
}

/* build_cells - turn a row into hr_cell values */
static size_t build_cells(hr_cell *out, int ok[MAXC][MAXR],
                          const struct row *r)
{
    size_t n = 0;

    for (; n < MAXC && r->cells[n].build; n++) {
        const struct cellspec *c = &r->cells[n];

        out[n].build = c->build;
        out[n].libenv = c->libenv;
        out[n].unoptimized = strchr(c->flags, 'u') != NULL;
        out[n].ub_check = strchr(c->flags, 'w') != NULL;
        out[n].sanitizer = strchr(c->flags, 's') != NULL;
        out[n].nreps = MAXR;
        out[n].obs = obs_of(c->obs, MAXR);
        for (int k = 0; k < MAXR; k++)
            ok[n][k] = c->expect_ok;
        out[n].expect_ok = ok[n];
    }
    return n;
}

static void test_verdict_rules(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        hr_cell cells[MAXC];
        int ok[MAXC][MAXR];
        size_t n = build_cells(cells, ok, &rows[i]);
        hr_verdict *v = NULL;
        char *diff;

        assert_int_equal(hr_verdict_compute(&v, cells, n, NULL), 0);
        diff = hr_strv_join(&v->differing, ",");
        if (v->kind != rows[i].want || strcmp(diff, rows[i].differing) != 0)
            fail_msg("row '%s': got %s [%s], want %s [%s]", rows[i].name,
                     hr_verdict_name(v->kind), diff,
                     hr_verdict_name(rows[i].want), rows[i].differing);
        if (rows[i].suspect)
            assert_string_equal(v->suspect, rows[i].suspect);
        else
            assert_null(v->suspect);
        assert_non_null(v->summary);
        if (v->kind != HR_PASS) {
            /* Evidence: a representative pair that really differs, except
             * for real-bug, where the expectation is the other side. */
            assert_true(v->left_cell >= 0 && v->right_cell >= 0);
            if (v->kind != HR_REAL_BUG)
                assert_string_not_equal(
                    hr_obs_text(cells[v->left_cell].obs[v->left_rep]),
                    hr_obs_text(cells[v->right_cell].obs[v->right_rep]));
        }
        hr_free(diff);
        hr_verdict_free(v);
        pool_free();
    }
}

static void test_verdict_background_is_not_evidence(void **state)
{
    /* O2 stands apart; the only sanitizer finding is one every case
     * shows: the compiler, not undefined behaviour. */
    static const char *const o0[] = {"A", "A", "A"};
    static const char *const o2[] = {"B", "B", "B"};
    static const char *const us[] = {
        "A\n== sanitizer\nmymalloc.c:235: runtime error: left shift\n",
        "A\n== sanitizer\nmymalloc.c:235: runtime error: left shift\n",
        "A\n== sanitizer\nmymalloc.c:235: runtime error: left shift\n"};
    static const int ok[] = {1, 1, 1}, bad[] = {0, 0, 0};
    hr_cell cells[3] = {
        {"O0", "plain", 1, 0, 0, 3, obs_of(o0, 3), ok},
        {"default", "plain", 0, 0, 0, 3, obs_of(o2, 3), bad},
        {"ubsan", "plain", 0, 1, 1, 3, obs_of(us, 3), ok},
    };
    hr_strv bg = HR_STRV_INIT;
    hr_verdict *v;

    (void)state;
    hr_strv_add(&bg, "mymalloc.c:235: runtime error: left shift");
    assert_int_equal(hr_verdict_compute(&v, cells, 3, &bg), 0);
    assert_int_equal(v->kind, HR_COMPILER);
    assert_int_equal(v->ub_reports.n, 0);
    assert_int_equal(v->ub_background.n, 1);
    hr_verdict_free(v);
    /* Without the background, the same finding is evidence of UB. */
    assert_int_equal(hr_verdict_compute(&v, cells, 3, NULL), 0);
    assert_int_equal(v->kind, HR_UB);
    hr_verdict_free(v);
    hr_strv_release(&bg);
    pool_free();
}

static void test_verdict_ub_report_is_evidence(void **state)
{
    const char *obs = "x\n== sanitizer\nsmtpd.c:12:5: runtime error: shift\n"
                      "    #0 0x55 in main\n== log\nwarning\n";
    hr_obs *o;

    (void)state;
    hr_obs_parse(&o, obs);
    assert_int_equal(hr_obs_ub(o)->n, 1);
    assert_string_equal(hr_obs_ub(o)->v[0],
                        "smtpd.c:12:5: runtime error: shift");
    assert_string_equal(hr_obs_behaviour(o), "x\n== log\nwarning\n");
    assert_string_equal(hr_obs_text(o), obs);
    hr_obs_free(o);
}

static void test_verdict_names_round_trip(void **state)
{
    (void)state;
    for (int k = HR_PASS; k <= HR_HARDWARE; k++) {
        hr_verdict_kind back;

        assert_int_equal(hr_verdict_parse_name(&back,
                                               hr_verdict_name(k)), 0);
        assert_int_equal(back, k);
    }
    {
        hr_verdict_kind back;

        assert_true(hr_verdict_parse_name(&back, "fine") < 0);
    }
}

static void test_verdict_no_cells(void **state)
{
    hr_verdict *v;

    (void)state;
    assert_int_equal(hr_verdict_compute(&v, NULL, 0, NULL), 0);
    assert_int_equal(v->kind, HR_PASS);
    hr_verdict_free(v);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_verdict_rules),
        cmocka_unit_test(test_verdict_ub_report_is_evidence),
        cmocka_unit_test(test_verdict_background_is_not_evidence),
        cmocka_unit_test(test_verdict_names_round_trip),
        cmocka_unit_test(test_verdict_no_cells),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}

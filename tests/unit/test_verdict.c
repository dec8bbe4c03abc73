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
    const char *flags;          /* u: unoptimized, w: ub_check, s: sanitizer,
                                 * g: the expectation is a golden */
    const char *obs[MAXR];
    int expect_ok;
    const char *cc;             /* NULL: "cc" */
};

struct row {
    const char *name;
    struct cellspec cells[MAXC];
    hr_verdict_kind want;
    const char *differing;      /* joined with ',' */
    const char *suspect;        /* or NULL */
    const char *also;           /* a prefix of the joined "also", or NULL
                                 * for none */
};

#define OK 1
#define BAD 0
#define SAN(x) "A\n== sanitizer\n" x "\n"
#define FATAL "A\n== log\n* fatal: open database /x/y.db: No such file\n"
#define SIG11 "A\n== log\n* warning: process /usr/libexec/postfix/smtpd " \
              "pid 7 killed by signal 11\n"

static const struct row rows[] = {
    {"all agree with the expectation",
     {{"O0", "plain", "u", {"A", "A", "A"}, OK, NULL},
      {"default", "plain", "", {"A", "A", "A"}, OK, NULL},
      {"O2", "plain", "", {"A", "A", "A"}, OK, NULL}},
     HR_PASS, "", NULL, NULL},
    {"all agree, all differ from the expectation",
     {{"O0", "plain", "u", {"B", "B", "B"}, BAD, NULL},
      {"O2", "plain", "", {"B", "B", "B"}, BAD, NULL}},
     HR_REAL_BUG, "", NULL, NULL},
    {"a fatal error in every build is never pass",
     {{"O0", "plain", "u", {FATAL, FATAL, FATAL}, OK, NULL},
      {"O2", "plain", "", {FATAL, FATAL, FATAL}, OK, NULL}},
     HR_REAL_BUG, "", NULL, NULL},
    {"smtpd killed by a signal in every build is never pass",
     {{"O0", "plain", "u", {SIG11, SIG11, SIG11}, OK, NULL},
      {"O2", "plain", "", {SIG11, SIG11, SIG11}, OK, NULL}},
     HR_REAL_BUG, "", NULL, NULL},
    {"a fatal error that the golden expects is a pass",
     {{"O0", "plain", "ug", {FATAL, FATAL, FATAL}, OK, NULL},
      {"O2", "plain", "g", {FATAL, FATAL, FATAL}, OK, NULL}},
     HR_PASS, "", NULL, NULL},
    {"a fatal error beside a golden it differs from",
     {{"O0", "plain", "ug", {FATAL, FATAL, FATAL}, BAD, NULL},
      {"O2", "plain", "g", {FATAL, FATAL, FATAL}, BAD, NULL}},
     HR_REAL_BUG, "", NULL, NULL},
    {"a warning in every build is no finding",
     {{"O0", "plain", "u", {"A\n== log\n* warning: x\n", "A\n== log\n* "
       "warning: x\n", "A\n== log\n* warning: x\n"}, OK, NULL},
      {"O2", "plain", "", {"A\n== log\n* warning: x\n", "A\n== log\n* "
       "warning: x\n", "A\n== log\n* warning: x\n"}, OK, NULL}},
     HR_PASS, "", NULL, NULL},
    {"one rep of one cell differs",
     {{"O0", "plain", "u", {"A", "A", "A"}, OK, NULL},
      {"O2", "plain", "", {"A", "X", "A"}, OK, NULL}},
     HR_HARDWARE, "O2/plain", NULL, NULL},
    {"a flapping cell leaves nothing stable to compare",
     {{"O0", "plain", "u", {"A", "A", "A"}, OK, NULL},
      {"O2", "plain", "", {"B", "B", "C"}, BAD, NULL}},
     HR_HARDWARE, "O2/plain", NULL, NULL},
    {"a flap beside a stable divergence keeps the divergence",
     {{"O0", "plain", "u", {"A", "A", "A"}, OK, NULL},
      {"default", "plain", "", {"A", "A", "A"}, OK, NULL},
      {"O2", "plain", "", {"B", "B", "B"}, BAD, NULL},
      {"O3", "plain", "", {"A", "C", "A"}, OK, NULL}},
     HR_COMPILER, "O2/plain", "O2 (cc -O2): O0, default and the golden agree",
     "hardware: O3/plain: 1 of 3 reps differ"},
    {"a flap beside a real bug: hardware, also real-bug",
     {{"O0", "plain", "u", {"B", "B", "B"}, BAD, NULL},
      {"default", "plain", "", {"B", "B", "B"}, BAD, NULL},
      {"O2", "plain", "", {"B", "C", "C"}, BAD, NULL}},
     HR_HARDWARE, "O2/plain", NULL, "real-bug: "},
    {"O2 stands against O0 and default: the golden agrees",
     {{"O0", "plain", "u", {"A", "A", "A"}, OK, NULL},
      {"default", "plain", "", {"A", "A", "A"}, OK, NULL},
      {"O2", "plain", "", {"B", "B", "B"}, BAD, NULL}},
     HR_COMPILER, "O2/plain", "O2 (cc -O2): O0, default and the golden agree",
     NULL},
    {"two builds: the golden breaks the tie",
     {{"O0", "plain", "u", {"A", "A", "A"}, OK, NULL},
      {"O2", "plain", "", {"B", "B", "B"}, BAD, NULL}},
     HR_COMPILER, "O2/plain", "O2 (cc -O2): O0 and the golden agree", NULL},
    {"two builds, neither matches the golden: undecided",
     {{"O0", "plain", "u", {"A", "A", "A"}, BAD, NULL},
      {"O2", "plain", "", {"B", "B", "B"}, BAD, NULL}},
     HR_COMPILER, "O2/plain", "undecided", NULL},
    {"-O and -O2 against -O0: O0 and the golden agree, not a plurality",
     {{"O0", "plain", "u", {"A", "A", "A"}, OK, "gcc"},
      {"default", "plain", "", {"B", "B", "B"}, BAD, "gcc"},
      {"O2", "plain", "", {"B", "B", "B"}, BAD, "gcc"}},
     HR_COMPILER, "default/plain,O2/plain",
     "default, O2 (gcc -O, -O2): O0 and the golden agree", NULL},
    {"-O and -O2 against -O0, the golden silent: one compiler is one "
     "witness",
     {{"O0", "plain", "u", {"A", "A", "A"}, OK, "gcc"},
      {"default", "plain", "", {"B", "B", "B"}, OK, "gcc"},
      {"O2", "plain", "", {"B", "B", "B"}, OK, "gcc"}},
     HR_COMPILER, "default/plain,O2/plain", "undecided", NULL},
    {"three-way split: the golden decides",
     {{"O0", "plain", "u", {"A", "A", "A"}, OK, NULL},
      {"default", "plain", "", {"C", "C", "C"}, BAD, NULL},
      {"O2", "plain", "", {"B", "B", "B"}, BAD, NULL}},
     HR_COMPILER, "default/plain,O2/plain",
     "default, O2 (cc -O, -O2): O0 and the golden agree", NULL},
    {"O0 is not an oracle: O0 stands alone against the golden",
     {{"O0", "plain", "u", {"A", "A", "A"}, BAD, NULL},
      {"default", "plain", "", {"B", "B", "B"}, OK, NULL},
      {"O2", "plain", "", {"B", "B", "B"}, OK, NULL}},
     HR_COMPILER, "O0/plain",
     "O0 (cc -O0): default, O2 and the golden agree", NULL},
    {"another compiler breaks the tie",
     {{"O0", "plain", "u", {"A", "A", "A"}, OK, "gcc"},
      {"O2", "plain", "", {"B", "B", "B"}, OK, "gcc"},
      {"O2-clang", "plain", "", {"A", "A", "A"}, OK, "clang"}},
     HR_COMPILER, "O2/plain",
     "O2 (gcc -O2): O0, O2-clang agree, and every build of clang is on "
     "that side", NULL},
    {"two compilers on opposite sides: undecided",
     {{"O0", "plain", "u", {"A", "A", "A"}, OK, "gcc"},
      {"O2", "plain", "", {"A", "A", "A"}, OK, "gcc"},
      {"O0-clang", "plain", "u", {"B", "B", "B"}, OK, "clang"},
      {"O2-clang", "plain", "", {"B", "B", "B"}, OK, "clang"}},
     HR_COMPILER, "O0-clang/plain,O2-clang/plain", "undecided", NULL},
    {"wrapv sides with O0",
     {{"O0", "plain", "u", {"A", "A", "A"}, OK, NULL},
      {"O2", "plain", "", {"B", "B", "B"}, BAD, NULL},
      {"wrapv", "plain", "w", {"A", "A", "A"}, OK, NULL}},
     HR_UB, "O2/plain", NULL, NULL},
    {"wrapv sides with O2, the golden with O0: the compiler",
     {{"O0", "plain", "u", {"A", "A", "A"}, OK, NULL},
      {"O2", "plain", "", {"B", "B", "B"}, BAD, NULL},
      {"wrapv", "plain", "w", {"B", "B", "B"}, BAD, NULL}},
     HR_COMPILER, "O2/plain,wrapv/plain",
     "O2, wrapv (cc -O2, -O): O0 and the golden agree", NULL},
    {"the UB-check build breaks a one-compiler tie",
     {{"O0", "plain", "u", {"A", "A", "A"}, OK, NULL},
      {"O2", "plain", "", {"B", "B", "B"}, OK, NULL},
      {"wrapv", "plain", "w", {"B", "B", "B"}, OK, NULL}},
     HR_COMPILER, "O0/plain",
     "O0 (cc -O0): O2, wrapv agree, with the UB-check builds", NULL},
    {"a sanitizer report beside a divergence",
     {{"O0", "plain", "u", {"A", "A", "A"}, OK, NULL},
      {"O2", "plain", "", {"B", "B", "B"}, BAD, NULL},
      {"ubsan", "plain", "ws",
       {"B\n== sanitizer\nsmtpd.c:12:5: runtime error: signed integer "
        "overflow\n",
        "B\n== sanitizer\nsmtpd.c:12:5: runtime error: signed integer "
        "overflow\n",
        "B\n== sanitizer\nsmtpd.c:12:5: runtime error: signed integer "
        "overflow\n"}, BAD, NULL}},
     HR_UB, "O2/plain,ubsan/plain", NULL, NULL},
    {"a case's own sanitizer report, every build agreeing: latent UB",
     {{"O0", "plain", "u", {"A\n", "A\n", "A\n"}, OK, NULL},
      {"O2", "plain", "", {"A\n", "A\n", "A\n"}, OK, NULL},
      {"ubsan", "plain", "ws",
       {SAN("mymalloc.c:235: runtime error: left shift"),
        SAN("mymalloc.c:235: runtime error: left shift"),
        SAN("mymalloc.c:235: runtime error: left shift")}, OK, NULL}},
     HR_UB, "ubsan/plain", NULL, NULL},
    {"a finding in one rep is not a flap, and still a finding",
     {{"O2", "plain", "", {"A\n", "A\n", "A\n"}, OK, NULL},
      {"ubsan", "plain", "ws",
       {SAN("x.c:1: runtime error: y"), "A\n", "A\n"}, OK, NULL}},
     HR_UB, "ubsan/plain", NULL, NULL},
    {"a library environment changes every build the same way",
     {{"O0", "plain", "u", {"A", "A", "A"}, OK, NULL},
      {"O2", "plain", "", {"A", "A", "A"}, OK, NULL},
      {"O0", "shim", "u", {"L", "L", "L"}, BAD, NULL},
      {"O2", "shim", "", {"L", "L", "L"}, BAD, NULL}},
     HR_LIBRARY, "shim", NULL, NULL},
    {"a library difference beside a flap",
     {{"O0", "plain", "u", {"A", "A", "A"}, OK, NULL},
      {"O2", "plain", "", {"A", "B", "A"}, OK, NULL},
      {"O0", "shim", "u", {"L", "L", "L"}, BAD, NULL},
      {"O2", "shim", "", {"L", "L", "L"}, BAD, NULL}},
     HR_LIBRARY, "shim", NULL, "hardware: O2/plain: 1 of 3"},
    {"builds disagree under the shim only: compiler first",
     {{"O0", "plain", "u", {"A", "A", "A"}, OK, NULL},
      {"O2", "plain", "", {"A", "A", "A"}, OK, NULL},
      {"O0", "shim", "u", {"A", "A", "A"}, OK, NULL},
      {"O2", "shim", "", {"L", "L", "L"}, BAD, NULL}},
     HR_COMPILER, "O2/shim", "O2 (cc -O2): O0 and the golden agree", NULL},
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
        out[n].golden = strchr(c->flags, 'g') != NULL;
        out[n].nreps = MAXR;
        out[n].obs = obs_of(c->obs, MAXR);
        for (int k = 0; k < MAXR; k++)
            ok[n][k] = c->expect_ok;
        out[n].expect_ok = ok[n];
        out[n].compiler = c->cc;
        /* "O2" is -O2, "default" Postfix's -O, "O0" none */
        out[n].opt = c->build[0] == 'O' && c->build[1] != '0'
                         ? (c->build[2] == 0 ? (c->build[1] == '2' ? "-O2"
                                                                    : "-O3")
                                             : "-O2")
                         : NULL;
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
        if (rows[i].suspect && (v->suspect == NULL ||
                                strcmp(v->suspect, rows[i].suspect) != 0))
            fail_msg("row '%s': suspect '%s', want '%s'", rows[i].name,
                     v->suspect ? v->suspect : "(none)", rows[i].suspect);
        if (rows[i].suspect == NULL)
            assert_null(v->suspect);
        {
            char *also = hr_strv_join(&v->also, "; ");

            if (rows[i].also ? strncmp(also, rows[i].also,
                                       strlen(rows[i].also)) != 0
                             : also[0] != 0)
                fail_msg("row '%s': also '%s', want '%s'", rows[i].name,
                         also, rows[i].also ? rows[i].also : "");
            hr_free(also);
        }
        if (v->kind == HR_COMPILER && strcmp(v->suspect, "undecided") == 0)
            assert_non_null(v->undecided_why);
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

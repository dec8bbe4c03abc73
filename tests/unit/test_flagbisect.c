/* test_flagbisect - flag subtraction (ddmin) and clang's pass limit */
#include "unit.h"
#include "narrow/flagbisect.h"
#include "util/mem.h"

static const char help_o2[] =
    "The following options control optimizations:\n"
    "  -O<number>                  \t\t\n"
    "  -faggressive-loop-optimizations \t[enabled]\n"
    "  -falign-functions           \t\t[enabled]\n"
    "  -falign-functions=          \t\t16\n"
    "  -fallow-store-data-races    \t\t[disabled]\n"
    "  -fexcess-precision=[fast|standard|16] \t[default]\n"
    "  -ftree-vrp                  \t\t[enabled]\n"
    "  -fwrapv                     \t\t[disabled]\n";

/* A fake compiler: the divergence goes away when every flag of one of
 * the "cures" is off. */
struct fake {
    const char *cures[3][3];
    size_t ncures;
    size_t calls;
    size_t flap_at;
};

static int oracle(hr_outcome *out, const hr_strv *off, const char *what,
                  void *payload)
{
    struct fake *f = payload;
    int cured = 0;

    assert_non_null(what);
    f->calls++;
    if (f->flap_at && f->calls == f->flap_at) {
        *out = HR_OUTCOME_FLAKY;
        return 0;
    }
    for (size_t c = 0; c < f->ncures; c++) {
        int all = 1;

        for (size_t k = 0; k < 3 && f->cures[c][k]; k++)
            all &= hr_strv_find(off, f->cures[c][k]) >= 0;
        cured |= all;
    }
    *out = cured ? HR_OUTCOME_GOOD : HR_OUTCOME_BAD;
    return 0;
}

/* many - 130 made-up flags with the named ones among them */
static void many(hr_strv *flags)
{
    for (int i = 0; i < 130; i++) {
        if (i == 77)
            hr_strv_add(flags, "-ftree-vrp");
        else if (i == 12)
            hr_strv_add(flags, "-fstrict-aliasing");
        else if (i == 101)
            hr_strv_add(flags, "-fipa-icf");
        else
            hr_strv_addf(flags, "-fflag-%03d", i);
    }
}

static void test_flagbisect_enabled_flags(void **state)
{
    hr_strv v = HR_STRV_INIT;
    char *j;

    (void)state;
    assert_int_equal(hr_flagbisect_enabled(&v, help_o2), 0);
    j = hr_strv_join(&v, " ");
    assert_string_equal(j, "-faggressive-loop-optimizations "
                           "-falign-functions -ftree-vrp");
    hr_free(j);
    hr_strv_release(&v);
}

static void test_flagbisect_negate(void **state)
{
    hr_strv off = HR_STRV_INIT;
    char *s;

    (void)state;
    s = hr_flagbisect_negate("-ftree-vrp");
    assert_string_equal(s, "-fno-tree-vrp");
    hr_free(s);
    s = hr_flagbisect_negate("-fno-common");
    assert_string_equal(s, "-fcommon");
    hr_free(s);
    hr_strv_add(&off, "-fipa-icf");
    hr_strv_add(&off, "-ftree-vrp");
    s = hr_flagbisect_off_args(&off);
    assert_string_equal(s, "-fno-ipa-icf -fno-tree-vrp");
    hr_free(s);
    hr_strv_release(&off);
}

static void test_flagbisect_one_flag(void **state)
{
    struct fake f = {{{"-ftree-vrp"}}, 1, 0, 0};
    hr_strv flags = HR_STRV_INIT;
    hr_flagbisect_result r;

    (void)state;
    many(&flags);
    assert_int_equal(hr_flagbisect_ddmin(&r, &flags, oracle, &f), 0);
    assert_int_equal(r.status, HR_FLAGBISECT_FOUND);
    assert_int_equal(r.minimal.n, 1);
    assert_string_equal(r.minimal.v[0], "-ftree-vrp");
    /* The minimal set was tried by itself, and cured it. */
    assert_true(r.verified_step >= 1 && r.verified_step <= r.nsteps);
    assert_int_equal(r.steps[r.verified_step - 1].noff, 1);
    assert_int_equal(r.steps[r.verified_step - 1].outcome, HR_OUTCOME_GOOD);
    /* All off, ceil(log2 130) halvings, the last flag alone; never a
     * set twice. */
    assert_true(r.nsteps <= 1 + 8 + 1);
    assert_int_equal(f.calls, r.nsteps);
    hr_flagbisect_result_release(&r);
    hr_strv_release(&flags);
}

static void test_flagbisect_one_flag_anywhere(void **state)
{
    hr_strv flags = HR_STRV_INIT;

    (void)state;
    for (int i = 0; i < 130; i++)
        hr_strv_addf(&flags, "-fflag-%03d", i);
    for (size_t k = 0; k < flags.n; k++) {
        struct fake f = {{{flags.v[k]}}, 1, 0, 0};
        hr_flagbisect_result r;

        assert_int_equal(hr_flagbisect_ddmin(&r, &flags, oracle, &f), 0);
        assert_int_equal(r.status, HR_FLAGBISECT_FOUND);
        assert_int_equal(r.minimal.n, 1);
        assert_string_equal(r.minimal.v[0], flags.v[k]);
        assert_true(r.nsteps <= 1 + 8 + 1);
        hr_flagbisect_result_release(&r);
    }
    hr_strv_release(&flags);
}

static void test_flagbisect_two_flags_together(void **state)
{
    struct fake f = {{{"-fstrict-aliasing", "-fipa-icf"}}, 1, 0, 0};
    hr_strv flags = HR_STRV_INIT;
    hr_flagbisect_result r;

    (void)state;
    many(&flags);
    assert_int_equal(hr_flagbisect_ddmin(&r, &flags, oracle, &f), 0);
    assert_int_equal(r.status, HR_FLAGBISECT_FOUND);
    assert_int_equal(r.minimal.n, 2);
    assert_string_equal(r.minimal.v[0], "-fstrict-aliasing");
    assert_string_equal(r.minimal.v[1], "-fipa-icf");
    hr_flagbisect_result_release(&r);
    hr_strv_release(&flags);
}

static void test_flagbisect_either_flag(void **state)
{
    struct fake f = {{{"-fstrict-aliasing"}, {"-ftree-vrp"}}, 2, 0, 0};
    hr_strv flags = HR_STRV_INIT;
    hr_flagbisect_result r;

    (void)state;
    many(&flags);
    assert_int_equal(hr_flagbisect_ddmin(&r, &flags, oracle, &f), 0);
    assert_int_equal(r.status, HR_FLAGBISECT_FOUND);
    assert_int_equal(r.minimal.n, 1);
    hr_flagbisect_result_release(&r);
    hr_strv_release(&flags);
}

static void test_flagbisect_no_flag_explains(void **state)
{
    struct fake f = {{{"-fnot-in-the-list"}}, 1, 0, 0};
    hr_strv flags = HR_STRV_INIT;
    hr_flagbisect_result r;

    (void)state;
    many(&flags);
    assert_int_equal(hr_flagbisect_ddmin(&r, &flags, oracle, &f), 0);
    assert_int_equal(r.status, HR_FLAGBISECT_NONE);
    assert_int_equal(r.nsteps, 1);
    assert_int_equal(r.steps[0].noff, 130);
    assert_int_equal(r.minimal.n, 0);
    hr_flagbisect_result_release(&r);
    hr_strv_release(&flags);
}

static void test_flagbisect_flapping_stops(void **state)
{
    struct fake f = {{{"-ftree-vrp"}}, 1, 0, 3};
    hr_strv flags = HR_STRV_INIT;
    hr_flagbisect_result r;

    (void)state;
    many(&flags);
    assert_int_equal(hr_flagbisect_ddmin(&r, &flags, oracle, &f), 0);
    assert_int_equal(r.status, HR_FLAGBISECT_FLAKY);
    assert_int_equal(r.nsteps, 3);
    assert_int_equal(r.minimal.n, 0);
    hr_flagbisect_result_release(&r);
    hr_strv_release(&flags);
}

static const char clang_out[] =
    "BISECT: running pass (1) Annotation2MetadataPass on [module]\n"
    "BISECT: running pass (2) ForceFunctionAttrsPass on [module]\n"
    "warning: something else\n"
    "BISECT: NOT running pass (3) SROAPass on xtext_unquote_append\n";

static void test_flagbisect_parse_opt_bisect(void **state)
{
    hr_optpass *p = NULL;
    size_t n = 0;

    (void)state;
    assert_int_equal(hr_optpass_parse(&p, &n, clang_out), 0);
    assert_int_equal(n, 3);
    assert_int_equal(p[0].number, 1);
    assert_string_equal(p[0].name, "Annotation2MetadataPass");
    assert_string_equal(p[0].target, "[module]");
    assert_int_equal(p[2].number, 3);
    assert_string_equal(p[2].name, "SROAPass");
    assert_string_equal(p[2].target, "xtext_unquote_append");
    hr_optpass_free_all(p, n);
}

/* A fake clang: passes up to culprit-1 are harmless. */
static int limit_oracle(hr_outcome *out, int limit, void *payload)
{
    int culprit = *(int *)payload;

    *out = limit >= culprit ? HR_OUTCOME_BAD : HR_OUTCOME_GOOD;
    return 0;
}

static void test_flagbisect_limit_search(void **state)
{
    (void)state;
    for (int culprit = 1; culprit <= 124; culprit++) {
        hr_limit_result r;

        assert_int_equal(hr_flagbisect_limit(&r, 124, limit_oracle, &culprit),
                         0);
        assert_int_equal(r.status, HR_FLAGBISECT_FOUND);
        assert_int_equal(r.pass, culprit);
        assert_true(r.ntrials <= 2 + 7);
    }
}

static void test_flagbisect_limit_no_pass(void **state)
{
    int culprit = 0; /* bad even with no optional pass */
    hr_limit_result r;

    (void)state;
    assert_int_equal(hr_flagbisect_limit(&r, 124, limit_oracle, &culprit), 0);
    assert_int_equal(r.status, HR_FLAGBISECT_NONE);
    assert_int_equal(r.ntrials, 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_flagbisect_enabled_flags),
        cmocka_unit_test(test_flagbisect_negate),
        cmocka_unit_test(test_flagbisect_one_flag),
        cmocka_unit_test(test_flagbisect_one_flag_anywhere),
        cmocka_unit_test(test_flagbisect_two_flags_together),
        cmocka_unit_test(test_flagbisect_either_flag),
        cmocka_unit_test(test_flagbisect_no_flag_explains),
        cmocka_unit_test(test_flagbisect_flapping_stops),
        cmocka_unit_test(test_flagbisect_parse_opt_bisect),
        cmocka_unit_test(test_flagbisect_limit_search),
        cmocka_unit_test(test_flagbisect_limit_no_pass),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}

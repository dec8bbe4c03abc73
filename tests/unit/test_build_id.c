/*
 * NAME
 *	test_build_id 1
 * SUMMARY
 *	unit tests of hr_build_compute_id(): every input changes the id
 * SYNOPSIS
 *	tests/unit/bin/test_build_id
 * DESCRIPTION
 *	A table of mutations, each of which changes one input of a build
 *	(the source tree, the compiler's path, SHA-256 or version, or one
 *	setting of the variant). Each mutated id must differ from the
 *	base id and from every other mutated id, and computing an id
 *	twice from equal inputs must give the same id.
 *
 *	The compiler is described by hand, not identified, so that the
 *	test runs no program.
 * SEE ALSO
 *	harness/build.c, builds/README.md "Build ids"
 */
#include "unit.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "build/build.h"
#include "build/buildspec.h"
#include "build/compiler.h"
#include "util/mem.h"
#include "util/msg.h"

#define TREE "89ef066e2d4428688b42ec1d2f23dd28d51253b2"

static const char base_spec[] = "about    the base of every mutation\n"
                                "opt      -O2\n"
                                "ccargs   -DHAS_PCRE=2 -DUSE_TLS\n"
                                "auxlibs  -lssl -lcrypto\n"
                                "makevar  AUXLIBS_PCRE -lpcre2-8\n"
                                "makevar  AUXLIBS_LMDB -llmdb\n"
                                "env      MALLOC_PERTURB_=85\n";

/* The inputs of one id computation. */
struct inputs {
    char *tree;
    hr_compiler cc;
    hr_buildspec *spec;
    char *extra_opt;
};

/* set - replace an owned string; NULL unsets */
static void set(char **field, const char *value)
{
    hr_free(*field);
    *field = value ? hr_strdup(value) : NULL;
}

/* base_inputs - the inputs every mutation starts from */
static void base_inputs(struct inputs *in)
{
    memset(in, 0, sizeof(*in));
    in->tree = hr_strdup(TREE);
    in->cc.given = hr_strdup("gcc");
    in->cc.path = hr_strdup("/usr/bin/x86_64-linux-gnu-gcc-12");
    memset(in->cc.sha256, 'a', 64);
    in->cc.version = hr_strdup("x86_64-linux-gnu-gcc-12 (Debian 12.2.0) "
                               "12.2.0");
    in->cc.kind = hr_strdup("gcc");
    if (hr_buildspec_parse(&in->spec, "builds/base.build", base_spec,
                           "/nonexistent") < 0)
        fail_msg("base spec: %s", hr_error_last());
}

/* release_inputs - free what base_inputs() made */
static void release_inputs(struct inputs *in)
{
    hr_free(in->tree);
    hr_free(in->cc.given);
    hr_free(in->cc.path);
    hr_free(in->cc.version);
    hr_free(in->cc.kind);
    hr_buildspec_free(in->spec);
    hr_free(in->extra_opt);
}

/* compute - the id of a set of inputs */
static void compute(char id[HR_BUILD_ID_LEN + 1], const struct inputs *in)
{
    assert_int_equal(
        hr_build_compute_id(id, in->tree, &in->cc, in->spec, in->extra_opt), 0);
}

/* The mutations: each changes one input. */
static void m_tree(struct inputs *in)
{
    in->tree[0] = '0';
}
static void m_cc_path(struct inputs *in)
{
    set(&in->cc.path, "/usr/bin/gcc");
}
static void m_cc_sha(struct inputs *in)
{
    in->cc.sha256[63] = 'b';
}
static void m_cc_version(struct inputs *in)
{
    set(&in->cc.version, "x86_64-linux-gnu-gcc-12 (Debian 12.2.0-14) 12.2.0");
}
static void m_variant(struct inputs *in)
{
    set(&in->spec->variant, "O3");
}
static void m_replica(struct inputs *in)
{
    set(&in->spec->replica, "b");
}
static void m_replica2(struct inputs *in)
{
    set(&in->spec->replica, "c");
}
static void m_opt_unset(struct inputs *in)
{
    in->spec->opt_set = 0;
    set(&in->spec->opt, NULL);
}
static void m_opt_empty(struct inputs *in)
{
    set(&in->spec->opt, "");
}
static void m_opt_value(struct inputs *in)
{
    set(&in->spec->opt, "-O3");
}
static void m_opt_more(struct inputs *in)
{
    set(&in->spec->opt, "-O2 -fno-inline");
}
static void m_extra_opt(struct inputs *in)
{
    set(&in->extra_opt, "-fno-tree-vrp");
}
static void m_debug_value(struct inputs *in)
{
    in->spec->debug_set = 1;
    set(&in->spec->debug, "-g3");
}
static void m_debug_empty(struct inputs *in)
{
    in->spec->debug_set = 1;
    set(&in->spec->debug, "");
}
static void m_ccargs(struct inputs *in)
{
    set(&in->spec->ccargs, "-DHAS_PCRE=2 -DUSE_TLS -DNO_NIS");
}
static void m_ccargs_empty(struct inputs *in)
{
    set(&in->spec->ccargs, "");
}
static void m_auxlibs(struct inputs *in)
{
    set(&in->spec->auxlibs, "-lssl -lcrypto -lsasl2");
}
/* "-lcrypto" moved from auxlibs to the end of ccargs: the same bytes
 * in a different field. */
static void m_field_boundary(struct inputs *in)
{
    set(&in->spec->ccargs, "-DHAS_PCRE=2 -DUSE_TLS -lcrypto");
    set(&in->spec->auxlibs, "-lssl");
}
static void m_makevar0(struct inputs *in)
{
    set(&in->spec->makevars.v[0], "AUXLIBS_LMDB=-llmdb -lpthread");
}
static void m_makevar1(struct inputs *in)
{
    set(&in->spec->makevars.v[1], "AUXLIBS_PCRE=-lpcre");
}
static void m_makevar_added(struct inputs *in)
{
    hr_strv_add(&in->spec->makevars, "WARN=-Wall");
}
static void m_makevar_removed(struct inputs *in)
{
    hr_free(in->spec->makevars.v[1]);
    in->spec->makevars.v[1] = NULL;
    in->spec->makevars.n = 1;
}
static void m_makevar_to_env(struct inputs *in)
{
    hr_strv_add(&in->spec->env, in->spec->makevars.v[1]);
    hr_strv_sort(&in->spec->env);
    m_makevar_removed(in);
}
static void m_shared(struct inputs *in)
{
    in->spec->shared = 1;
}
static void m_dynamicmaps(struct inputs *in)
{
    in->spec->shared = 1;
    in->spec->dynamicmaps = 1;
}
static void m_pie(struct inputs *in)
{
    in->spec->pie = 1;
}
static void m_sanitizer_ubsan(struct inputs *in)
{
    set(&in->spec->sanitizer, "ubsan");
}
static void m_sanitizer_asan(struct inputs *in)
{
    set(&in->spec->sanitizer, "asan");
}
static void m_ub_check(struct inputs *in)
{
    in->spec->ub_check = 1;
}
static void m_env_value(struct inputs *in)
{
    set(&in->spec->env.v[0], "MALLOC_PERTURB_=86");
}
static void m_env_added(struct inputs *in)
{
    hr_strv_add(&in->spec->env, "TZ=UTC");
}
static void m_env_removed(struct inputs *in)
{
    hr_strv_release(&in->spec->env);
}

struct mutation {
    const char *label;
    void (*apply)(struct inputs *in);
};

static const struct mutation mutations[] = {
    {"source tree", m_tree},
    {"compiler path", m_cc_path},
    {"compiler sha256", m_cc_sha},
    {"compiler version", m_cc_version},
    {"variant", m_variant},
    {"replica label", m_replica},
    {"another replica label", m_replica2},
    {"opt unset", m_opt_unset},
    {"opt set but empty", m_opt_empty},
    {"opt value", m_opt_value},
    {"opt with one more flag", m_opt_more},
    {"extra_opt", m_extra_opt},
    {"debug value", m_debug_value},
    {"debug set but empty", m_debug_empty},
    {"ccargs", m_ccargs},
    {"ccargs empty", m_ccargs_empty},
    {"auxlibs", m_auxlibs},
    {"bytes moved across a field boundary", m_field_boundary},
    {"makevar 0 value", m_makevar0},
    {"makevar 1 value", m_makevar1},
    {"makevar added", m_makevar_added},
    {"makevar removed", m_makevar_removed},
    {"makevar moved to env", m_makevar_to_env},
    {"shared", m_shared},
    {"dynamicmaps", m_dynamicmaps},
    {"pie", m_pie},
    {"sanitizer ubsan", m_sanitizer_ubsan},
    {"sanitizer asan", m_sanitizer_asan},
    {"ub_check", m_ub_check},
    {"env value", m_env_value},
    {"env added", m_env_added},
    {"env removed", m_env_removed},
};

#define NMUT (sizeof(mutations) / sizeof(mutations[0]))

/* test_build_id_format - 16 lowercase hex digits */
static void test_build_id_format(void **state)
{
    struct inputs in;
    char id[HR_BUILD_ID_LEN + 1];

    (void)state;
    base_inputs(&in);
    memset(id, 'x', sizeof(id));
    compute(id, &in);
    assert_int_equal(strlen(id), HR_BUILD_ID_LEN);
    for (int i = 0; i < HR_BUILD_ID_LEN; i++)
        assert_true(isxdigit((unsigned char)id[i]) &&
                    !isupper((unsigned char)id[i]));
    release_inputs(&in);
}

/* test_build_id_equal_inputs - equal inputs, equal ids */
static void test_build_id_equal_inputs(void **state)
{
    struct inputs a, b;
    char ida[HR_BUILD_ID_LEN + 1], idb[HR_BUILD_ID_LEN + 1];

    (void)state;
    base_inputs(&a);
    base_inputs(&b);
    compute(ida, &a);
    compute(idb, &a);
    assert_string_equal(ida, idb); /* same objects, twice */
    compute(idb, &b);
    assert_string_equal(ida, idb); /* equal copies */
    release_inputs(&a);
    release_inputs(&b);
}

/* test_build_id_every_input_counts - each mutation gives a new id */
static void test_build_id_every_input_counts(void **state)
{
    char base[HR_BUILD_ID_LEN + 1];
    char ids[NMUT][HR_BUILD_ID_LEN + 1];
    struct inputs in;

    (void)state;
    base_inputs(&in);
    compute(base, &in);
    release_inputs(&in);
    for (size_t i = 0; i < NMUT; i++) {
        char again[HR_BUILD_ID_LEN + 1];

        base_inputs(&in);
        mutations[i].apply(&in);
        compute(ids[i], &in);
        compute(again, &in);
        release_inputs(&in);
        if (strcmp(ids[i], again) != 0)
            fail_msg("%s: id is not deterministic", mutations[i].label);
        if (strcmp(ids[i], base) == 0)
            fail_msg("%s: the id did not change", mutations[i].label);
        for (size_t j = 0; j < i; j++)
            if (strcmp(ids[i], ids[j]) == 0)
                fail_msg("%s and %s give the same id", mutations[i].label,
                         mutations[j].label);
    }
}

/* test_build_id_opt_empty_vs_unset - OPT= is not Postfix's default */
static void test_build_id_opt_empty_vs_unset(void **state)
{
    struct inputs in;
    char unset[HR_BUILD_ID_LEN + 1], empty[HR_BUILD_ID_LEN + 1];

    (void)state;
    base_inputs(&in);
    m_opt_unset(&in);
    compute(unset, &in);
    in.spec->opt_set = 1;
    set(&in.spec->opt, "");
    compute(empty, &in);
    assert_string_not_equal(unset, empty);
    release_inputs(&in);
}

/* test_build_id_ignores_documentation - what reaches no build */
static void test_build_id_ignores_documentation(void **state)
{
    struct inputs in;
    char base[HR_BUILD_ID_LEN + 1], id[HR_BUILD_ID_LEN + 1];

    (void)state;
    base_inputs(&in);
    compute(base, &in);
    /* The about text, the spec's location and the name the compiler was
     * given ("gcc" or its full path) do not change what is built. */
    set(&in.spec->about, "reworded");
    set(&in.spec->path, "/usr/local/share/pfharness/builds/base.build");
    set(&in.cc.given, "/usr/bin/x86_64-linux-gnu-gcc-12");
    compute(id, &in);
    assert_string_equal(base, id);
    release_inputs(&in);
}

/* test_build_id_from_parsed_specs - specs that differ only so differ */
static void test_build_id_from_parsed_specs(void **state)
{
    static const char *const texts[] = {
        "opt -O2\n",
        "opt -O2\nshared yes\n",
        "opt\n",
        "about default\n",
        "opt -O2\nsanitizer ubsan\n",
        "opt -O2\nub-check yes\n",
        "opt -O2\ndebug -g\n",
        "opt -O2\nenv A=1\n",
        "opt -O2\npie yes\n",
        "opt -O2\nmakevar WARN -Wall\n",
    };
    char ids[sizeof(texts) / sizeof(texts[0])][HR_BUILD_ID_LEN + 1];
    struct inputs in;

    (void)state;
    base_inputs(&in);
    for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
        hr_buildspec *s = NULL;

        if (hr_buildspec_parse(&s, "builds/v.build", texts[i], "/none") < 0)
            fail_msg("%s", hr_error_last());
        assert_int_equal(hr_build_compute_id(ids[i], in.tree, &in.cc, s, NULL),
                         0);
        for (size_t j = 0; j < i; j++)
            if (strcmp(ids[i], ids[j]) == 0)
                fail_msg("'%s' and '%s' give the same id", texts[i], texts[j]);
        hr_buildspec_free(s);
    }
    release_inputs(&in);
}

int main(void)
{
    static const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_build_id_format),
        cmocka_unit_test(test_build_id_equal_inputs),
        cmocka_unit_test(test_build_id_every_input_counts),
        cmocka_unit_test(test_build_id_opt_empty_vs_unset),
        cmocka_unit_test(test_build_id_ignores_documentation),
        cmocka_unit_test(test_build_id_from_parsed_specs),
    };

    return cmocka_run_group_tests_name("build_id", tests, NULL, NULL);
}

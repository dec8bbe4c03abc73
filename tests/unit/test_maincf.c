/* test_maincf.c - main.cf and master.cf of every distinct case config,
 * byte for byte against tests/data/maincf; HR_UPDATE_GOLDEN=1 rewrites
 * the golden files from what the code renders */
#include <stdio.h> /* before unit.h, which uses snprintf() */
#include "unit.h"

#include "case/case.h"
#include "instance/maincf.h"
#include "util/buf.h"
#include "util/fsutil.h"
#include "util/mem.h"
#include "util/strv.h"

#define DIR "/var/pfh/instance"

/* repo_path - a file of the repository, found from this source file */
static char *repo_path(const char *rel)
{
    const char *me = __FILE__;
    const char *cut = strstr(me, "tests/unit/test_maincf.c");

    return hr_sprintf("%.*s%s", cut ? (int)(cut - me) : 0, me, rel);
}

/* fake_build - what rendering reads of a build */
static void fake_build(hr_build *b, int shared, const char *sanitizer)
{
    memset(b, 0, sizeof(*b));
    b->stage = (char *)"/var/pfh/builds/0123abcd/stage";
    b->source_version = (char *)"3.7.11";
    b->shared = shared;
    b->sanitizer = (char *)sanitizer;
}

/* golden - compare text with tests/data/maincf/NAME, or rewrite it */
static void golden(const char *name, const char *text)
{
    char *rel = hr_sprintf("tests/data/maincf/%s", name);
    char *path = repo_path(rel);
    const char *update = getenv("HR_UPDATE_GOLDEN");
    hr_buf want = HR_BUF_INIT;

    if (update && strcmp(update, "1") == 0) {
        char *dir = repo_path("tests/data/maincf");

        assert_int_equal(hr_mkdir_p(dir, 0755), 0);
        assert_int_equal(hr_file_write_atomic(path, text, strlen(text), 0644),
                         0);
        hr_free(dir);
    }
    if (hr_file_read(&want, path, 1 << 20) < 0)
        fail_msg("no golden file '%s'; run with HR_UPDATE_GOLDEN=1", path);
    if (strcmp(hr_buf_cstr(&want), text) != 0)
        fail_msg("'%s' differs from what is rendered:\n%s", path, text);
    hr_buf_release(&want);
    hr_free(path);
    hr_free(rel);
}

/* render_golden - render o and compare both files */
static void render_golden(const char *name, const hr_instance_opts *o)
{
    char *main_cf = NULL, *master_cf = NULL;
    char *mname = hr_sprintf("%s.main.cf", name);
    char *sname = hr_sprintf("%s.master.cf", name);

    assert_int_equal(hr_maincf_render(&main_cf, &master_cf, DIR, o), 0);
    assert_non_null(main_cf);
    assert_non_null(master_cf);
    golden(mname, main_cf);
    golden(sname, master_cf);
    hr_free(main_cf);
    hr_free(master_cf);
    hr_free(mname);
    hr_free(sname);
}

/* test_maincf_cases - one golden pair per distinct config of cases/ */
static void test_maincf_cases(void **state)
{
    char *dir = repo_path("cases");
    const char *args[] = {dir};
    hr_case **cases = NULL;
    size_t n = 0, distinct = 0;
    hr_strv keys = HR_STRV_INIT;
    hr_build b;

    (void)state;
    fake_build(&b, 0, NULL);
    if (hr_case_load_all(&cases, &n, args, 1, NULL) < 0)
        fail_msg("%s", hr_error_last());
    assert_true(n > 0);
    for (size_t i = 0; i < n; i++) {
        char *key;
        int seen = 0;

        if (cases[i]->kind == HR_CASE_FUNC)
            continue;           /* it starts no instance */
        key = hr_case_config_key(cases[i]);

        for (size_t k = 0; k < keys.n; k++)
            seen |= strcmp(keys.v[k], key) == 0;
        if (!seen) {
            hr_instance_opts o;

            hr_strv_add(&keys, key);
            hr_instance_opts_from_case(&o, &b, DIR, "pfh-unit", NULL,
                                       cases[i]);
            render_golden(cases[i]->name, &o);
            distinct++;
        }
        hr_free(key);
    }
    assert_int_equal(distinct, keys.n);
    assert_true(distinct > 1);
    hr_strv_release(&keys);
    hr_case_free_all(cases, n);
    hr_free(dir);
}

/* test_maincf_escalation - shared build, sanitizer, library environment,
 * service arguments and extra settings */
static void test_maincf_escalation(void **state)
{
    hr_instance_opts o = HR_INSTANCE_OPTS_INIT;
    hr_strv libenv = HR_STRV_INIT, args = HR_STRV_INIT, extra = HR_STRV_INIT;
    hr_strv config = HR_STRV_INIT;
    hr_build b;

    (void)state;
    fake_build(&b, 1, "asan");
    hr_strv_add(&b.env, "MALLOC_PERTURB_=165");
    hr_strv_add(&libenv, "LD_LIBRARY_PATH=/opt/lib");
    hr_strv_add(&args, "smtpd -v");
    hr_strv_add(&args, "cleanup -v");
    hr_strv_add(&extra, "debug_peer_list = 127.0.0.1");
    hr_strv_add(&config, "smtpd_banner = $myhostname ESMTP");
    hr_strv_add(&config, "max_use = 2");
    o.build = &b;
    o.dir = DIR;
    o.libenv = &libenv;
    o.service_args = &args;
    o.extra_main = &extra;
    o.config = &config;
    render_golden("x-escalation", &o);
    hr_strv_release(&b.env);
    hr_strv_release(&libenv);
    hr_strv_release(&args);
    hr_strv_release(&extra);
    hr_strv_release(&config);
}

/* test_maincf_bad_setting - a setting without '=' is an input error */
static void test_maincf_bad_setting(void **state)
{
    hr_instance_opts o = HR_INSTANCE_OPTS_INIT;
    hr_strv config = HR_STRV_INIT;
    char *main_cf = (char *)"x", *master_cf = (char *)"x";
    hr_build b;

    (void)state;
    fake_build(&b, 0, NULL);
    hr_strv_add(&config, "no_equals_sign");
    o.build = &b;
    o.config = &config;
    assert_true(hr_maincf_render(&main_cf, &master_cf, DIR, &o) < 0);
    assert_null(main_cf);
    assert_null(master_cf);
    hr_strv_release(&config);
}

/* test_maincf_versions - the instance adapts to the build's version: its
 * compatibility_level, and no parameter that its postconf -d lacks */
static void test_maincf_versions(void **state)
{
    static const struct {
        const char *version, *level;
    } rows[] = {
        {"3.7.11", "3.7"},       {"3.10.13", "3.10"}, {"3.11-20250601", "3.11"},
        {"3.6.0", "3.6"},        {"3.5.25", "2"},     {"3.4.14", "2"},
        {"not a version", "2"},
    };
    hr_instance_opts o = HR_INSTANCE_OPTS_INIT;
    hr_strv config = HR_STRV_INIT;
    hr_build b;

    (void)state;
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        char *main_cf = NULL, *master_cf = NULL;
        char *want = hr_sprintf("\ncompatibility_level = %s\n",
                                rows[i].level);

        fake_build(&b, 0, NULL);
        b.source_version = (char *)rows[i].version;
        o.build = &b;
        assert_int_equal(hr_maincf_render(&main_cf, &master_cf, DIR, &o), 0);
        if (strstr(main_cf, want) == NULL)
            fail_msg("%s: no '%s' in\n%s", rows[i].version, want + 1, main_cf);
        hr_free(want);
        hr_free(main_cf);
        hr_free(master_cf);
    }
    /* A build whose postconf -d lacks two parameters: neither the
     * harness's nor the case's setting of them is written. */
    fake_build(&b, 0, NULL);
    hr_strv_add(&config, "smtpd_forbid_unauth_pipelining = yes");
    hr_strv_add(&config, "smtpd_helo_required = yes");
    {
        static const char *const known[] = {
            "alias_maps", "compatibility_level", "config_directory",
            "queue_directory", "smtpd_helo_required", "myhostname",
        };
        char *main_cf = NULL, *master_cf = NULL;

        for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++)
            hr_strv_add(&b.params, known[i]);
        hr_strv_sort(&b.params);
        o.build = &b;
        o.config = &config;
        assert_int_equal(hr_maincf_render(&main_cf, &master_cf, DIR, &o), 0);
        assert_non_null(strstr(main_cf, "\nsmtpd_helo_required = yes\n"));
        assert_non_null(strstr(main_cf, "\nmyhostname = mx.example.test\n"));
        assert_null(strstr(main_cf, "smtpd_forbid_unauth_pipelining"));
        assert_null(strstr(main_cf, "service_throttle_time"));
        hr_free(main_cf);
        hr_free(master_cf);
        hr_strv_release(&b.params);
    }
    hr_strv_release(&config);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_maincf_versions),
        cmocka_unit_test(test_maincf_cases),
        cmocka_unit_test(test_maincf_escalation),
        cmocka_unit_test(test_maincf_bad_setting),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}

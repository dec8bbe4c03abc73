/*
 * NAME
 *	test_ptlist 1
 * SUMMARY
 *	unit tests of ptlist(3): Postfix's tests from Makefiles, skip files
 */
#include "unit.h"

#include <sys/stat.h>

#include "run/ptlist.h"
#include "util/fsutil.h"
#include "util/mem.h"
#include "util/msg.h"

/* A Makefile as "make makefiles" writes them, cut down: aggregates,
 * continuations, recipes that continue on lines of blanks, file
 * dependencies, update and a root_tests target. */
static const char makefile[] =
    "SHELL\t= /bin/sh\n"
    "SRCS\t= a.c b.c\n"
    "TESTPROG= tok822 mime_state\n"
    "SHLIB_ENV = LD_LIBRARY_PATH=`pwd`\n"
    "\n"
    "all: $(LIB)\n"
    "\n"
    "test:\t$(TESTPROG)\n"
    "\n"
    "tests: update tok822_test mime_tests \\\n"
    "\tstrip_addr_test dict-with-dash_test \\\n"
    "\ttls_certkey_tests no_rule_test\n"
    "\n"
    "root_tests: rewrite_clnt_test\n"
    "\n"
    "update: ../../lib/libglobal.a\n"
    "\tcp x y\n"
    "\n"
    "mime_tests: mime_test mime_nest tok822_test\n"
    "\n"
    "tok822_test: tok822_parse tok822_parse.in tok822_parse.ref\n"
    "\t$(SHLIB_ENV) ./tok822_parse <tok822_parse.in >tok822.tmp 2>&1\n"
    "\tdiff tok822_parse.ref tok822.tmp\n"
    "\n"
    "mime_test mime_nest: mime_state\n"
    "\t(echo get foo; echo get bar) | \\\n"
    "      ./mime_state >mime.tmp\n"
    "\n"
    "strip_addr_test: strip_addr\n"
    "\t./strip_addr\n"
    "\n"
    "dict-with-dash_test: x\n"
    "\t./x\n"
    "\n"
    "tls_certkey_tests: tls_certkey\n"
    "\t./tls_certkey\n"
    "\n"
    "rewrite_clnt_test: rewrite_clnt\n"
    "\t./rewrite_clnt\n"
    "\n"
    "tok822_parse: tok822_parse.c $(LIBS)\n"
    "\tmv tok822_parse.o junk\n"
    "\n"
    "FOO = a:b\n"
    "depend: $(MAKES)\n"
    "\t(sed '1,/^# do not edit/!d' Makefile.in; \\\n"
    "\tset -e; for i in [a-z][a-z0-9]*.c; do \\\n"
    "\t    $(CC) -E $(DEFS) $(INCL) $$i | grep -v '[<>]' | sed -n -e '/^# *1 *\"\\([^\"]*\\)\".*/{' \\\n"
    "\t    -e 's//'`echo $$i|sed 's/c$$/o/'`': \\1/' \\\n"
    "\t    -e 'p' -e '}' ; \\\n"
    "\tdone | LANG=C sort -u) | grep -v '[.][o][:][ ][/]' >$$$$ && mv $$$$ Makefile.in\n";

/* test_ptlist_makefile - leaves in order, aggregates expanded once, what
 * is no test left out */
static void test_ptlist_makefile(void **state)
{
    hr_strv tests = HR_STRV_INIT, root = HR_STRV_INIT;
    char *joined, *rjoined;

    (void)state;
    assert_int_equal(hr_ptlist_parse_makefile(&tests, &root, "global",
                                              makefile, "Makefile"),
                     0);
    joined = hr_strv_join(&tests, " ");
    rjoined = hr_strv_join(&root, " ");
    /* update installs; no_rule_test has no rule; tok822_test once. */
    assert_string_equal(joined, "global/tok822_test global/mime_test "
                                "global/mime_nest global/strip_addr_test "
                                "global/dict-with-dash_test "
                                "global/tls_certkey_tests");
    assert_string_equal(rjoined, "global/rewrite_clnt_test");
    hr_free(joined);
    hr_free(rjoined);
    hr_strv_release(&tests);
    hr_strv_release(&root);
}

/* test_ptlist_makefile_odd - no tests target, a cycle, names that are no
 * targets of ours, a directory name that is not one */
static void test_ptlist_makefile_odd(void **state)
{
    static const char cycle[] = "tests: a_tests\n"
                                "a_tests: b_tests\n"
                                "b_tests: a_tests c_test\n"
                                "c_test:\n\t./c\n"
                                "-x: y\n\t./z\n"
                                "tests: .hidden -x\n"
                                ".hidden:\n\t./h\n";
    hr_strv tests = HR_STRV_INIT;

    (void)state;
    assert_int_equal(hr_ptlist_parse_makefile(&tests, NULL, "util",
                                              "all: x\n", "M"),
                     0);
    assert_int_equal(tests.n, 0);
    assert_int_equal(hr_ptlist_parse_makefile(&tests, NULL, "util", cycle,
                                              "M"),
                     0);
    assert_int_equal(tests.n, 1);
    assert_string_equal(tests.v[0], "util/c_test");
    assert_int_equal(hr_ptlist_parse_makefile(&tests, NULL, "../x", cycle,
                                              "M"),
                     HR_EINPUT);
    assert_string_equal(hr_error_last(),
                        "M: '../x' is not a directory name of Postfix's src/");
    hr_strv_release(&tests);
}

/* write_text - a file with this text */
static int write_text(const char *path, const char *text)
{
    return hr_file_write_atomic(path, text, strlen(text), 0644);
}

/* test_ptlist_read - a tree: directories sorted, only plain Makefiles */
static void test_ptlist_read(void **state)
{
    char *top = unit_tmpdir();
    char *p;
    hr_strv tests = HR_STRV_INIT, root = HR_STRV_INIT;

    (void)state;
    assert_non_null(top);
    p = hr_sprintf("%s/src/util", top);
    assert_int_equal(hr_mkdir_p(p, 0755), 0);
    hr_free(p);
    p = hr_sprintf("%s/src/global", top);
    assert_int_equal(hr_mkdir_p(p, 0755), 0);
    hr_free(p);
    p = hr_sprintf("%s/src/Bad Dir", top);
    assert_int_equal(hr_mkdir_p(p, 0755), 0);
    hr_free(p);
    p = hr_sprintf("%s/src/util/Makefile", top);
    assert_int_equal(write_text(p, "tests: u_test\nu_test:\n\t./u\n"), 0);
    hr_free(p);
    p = hr_sprintf("%s/src/global/Makefile", top);
    assert_int_equal(hr_file_write_atomic(p, makefile, strlen(makefile), 0644),
                     0);
    hr_free(p);
    p = hr_sprintf("%s/src/Bad Dir/Makefile", top);
    assert_int_equal(write_text(p, "tests: b_test\nb_test:\n\t./b\n"), 0);
    hr_free(p);
    assert_int_equal(hr_ptlist_read(&tests, &root, top), 0);
    assert_int_equal(tests.n, 7);
    assert_string_equal(tests.v[0], "global/tok822_test");
    assert_string_equal(tests.v[6], "util/u_test");
    assert_int_equal(root.n, 1);
    hr_strv_release(&tests);
    hr_strv_release(&root);
    p = hr_sprintf("%s/nothing", top);
    assert_int_equal(hr_ptlist_read(&tests, &root, p), HR_ENOTFOUND);
    hr_free(p);
    assert_int_equal(hr_rm_rf(top), 0);
    free(top);
}

/* test_ptskips - entries, version ranges, directory patterns */
static void test_ptskips(void **state)
{
    static const char text[] =
        "# comment\n"
        "\n"
        "dns/*   needs DNS\n"
        "util/myaddrinfo_test  needs DNS: resolves a name  \n"
        "global/map_search_test before=3.8 stale .ref\n"
        "postmap/cdb_test since=3.9 before=3.11 no CDB\n";
    hr_ptskips s = HR_PTSKIPS_INIT;

    (void)state;
    assert_int_equal(hr_ptskips_parse(&s, text, "skip", "3.7.11"), 0);
    assert_int_equal(s.pattern.n, 3);
    assert_string_equal(hr_ptskips_reason(&s, "dns/dns_rr_to_pa_test"),
                        "needs DNS");
    assert_null(hr_ptskips_reason(&s, "dnsblog/test"));
    assert_string_equal(hr_ptskips_reason(&s, "util/myaddrinfo_test"),
                        "needs DNS: resolves a name");
    assert_string_equal(hr_ptskips_reason(&s, "global/map_search_test"),
                        "stale .ref");
    assert_null(hr_ptskips_reason(&s, "postmap/cdb_test"));
    hr_ptskips_release(&s);

    assert_int_equal(hr_ptskips_parse(&s, text, "skip", "3.10.13"), 0);
    assert_null(hr_ptskips_reason(&s, "global/map_search_test"));
    assert_string_equal(hr_ptskips_reason(&s, "postmap/cdb_test"), "no CDB");
    hr_ptskips_release(&s);

    /* No version: every entry. */
    assert_int_equal(hr_ptskips_parse(&s, text, "skip", NULL), 0);
    assert_int_equal(s.pattern.n, 4);
    hr_ptskips_release(&s);
}

/* test_ptskips_errors - one clear line each, with file and line */
static void test_ptskips_errors(void **state)
{
    static const struct {
        const char *text, *error;
    } rows[] = {
        {"dns/*\n", "skip:1: a test without a reason"},
        {"\n# x\ndns/x_test\n", "skip:3: a test without a reason"},
        {"../x/y why\n", "skip:1: '../x/y' is not DIR/TARGET or DIR/*"},
        {"dns why\n", "skip:1: 'dns' is not DIR/TARGET or DIR/*"},
        {"dns/-x why\n", "skip:1: 'dns/-x' is not DIR/TARGET or DIR/*"},
        {"dns/a;b why\n", "skip:1: 'dns/a;b' is not DIR/TARGET or DIR/*"},
        {"dns/a why\ndns/a again\n", "skip:2: 'dns/a' is listed twice"},
        {"dns/a since=3 why\n", "skip:1: a bad or repeated since=/before= "
                                "(a version such as 3.8 or 3.7.11)"},
        {"dns/a before=3.8 before=3.9 why\n",
         "skip:1: a bad or repeated since=/before= (a version such as 3.8 "
         "or 3.7.11)"},
        {"dns/a since=3.8\n", "skip:1: the reason must be printable text "
                              "of 1 to 300 bytes"},
        {"dns/a why\x01not\n", "skip:1: the reason must be printable text "
                               "of 1 to 300 bytes"},
        {"dns/a \xff\n", "skip: not UTF-8 text"},
    };

    (void)state;
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        hr_ptskips s = HR_PTSKIPS_INIT;
        int rc = hr_ptskips_parse(&s, rows[i].text, "skip", "3.7.11");

        if (rc != HR_EINPUT || strcmp(hr_error_last(), rows[i].error) != 0)
            print_error("row %zu: %d '%s'\n", i, rc, hr_error_last());
        assert_int_equal(rc, HR_EINPUT);
        assert_string_equal(hr_error_last(), rows[i].error);
        hr_ptskips_release(&s);
    }
}

/* test_ptskips_shipped - the shipped skip file parses, and names the DNS
 * tests */
static void test_ptskips_shipped(void **state)
{
    hr_ptskips s = HR_PTSKIPS_INIT;

    (void)state;
    assert_int_equal(hr_ptskips_load(&s, "cases/postfix-tests.skip",
                                     "3.7.11"),
                     0);
    assert_non_null(hr_ptskips_reason(&s, "dns/nxdomain_test"));
    assert_non_null(hr_ptskips_reason(&s, "global/map_search_test"));
    assert_null(hr_ptskips_reason(&s, "global/xtext_test"));
    hr_ptskips_release(&s);
    /* A file that does not exist skips nothing. */
    assert_int_equal(hr_ptskips_load(&s, "no/such/file", NULL), 0);
    assert_int_equal(s.pattern.n, 0);
}

/* test_ptlist_valid - what report readers accept */
static void test_ptlist_valid(void **state)
{
    (void)state;
    assert_true(hr_ptlist_valid_test("global/xtext_test"));
    assert_true(hr_ptlist_valid_test("trivial-rewrite/transport_test"));
    assert_true(hr_ptlist_valid_test("bounce/with-msgid-with-long-line_test"));
    assert_false(hr_ptlist_valid_test("dns/*"));
    assert_false(hr_ptlist_valid_test("global"));
    assert_false(hr_ptlist_valid_test("global/x/y"));
    assert_false(hr_ptlist_valid_test("Global/x"));
    assert_false(hr_ptlist_valid_test("global/<b>"));
    assert_true(hr_ptlist_valid_reason("needs DNS"));
    assert_false(hr_ptlist_valid_reason(""));
    assert_false(hr_ptlist_valid_reason("a\nb"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ptlist_makefile),
        cmocka_unit_test(test_ptlist_makefile_odd),
        cmocka_unit_test(test_ptlist_read),
        cmocka_unit_test(test_ptskips),
        cmocka_unit_test(test_ptskips_errors),
        cmocka_unit_test(test_ptskips_shipped),
        cmocka_unit_test(test_ptlist_valid),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * NAME
 *	test_buildspec 1
 * SUMMARY
 *	unit tests of buildspec(3): variants as data
 * SYNOPSIS
 *	tests/unit/bin/test_buildspec
 * DESCRIPTION
 *	Every shipped spec in builds/ parses, with the settings its
 *	comment promises. Every error path of the parser yields HR_EINPUT
 *	with the exact "file:line: message" text; that table is expanded
 *	into one cmocka test per row. Include files for the table live in
 *	a temporary directory made by the group setup.
 *
 *	builds/ is found from this file's path (__FILE__), so the test
 *	runs from any directory.
 * SEE ALSO
 *	harness/buildspec.c, builds/README.md
 */
#include "unit.h"

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "build/buildspec.h"
#include "util/fsutil.h"
#include "util/mem.h"
#include "util/msg.h"

static char *tmp;   /* include files of the error table */
static char *specs; /* the shipped builds/ directory */

/* An include file written by the group setup. */
struct inc {
    const char *name;
    const char *text;
};

static const struct inc incs[] = {
    {"ok.inc", "ccargs -DFROM_INC\nmakevar WARN -Wall\n"},
    {"loop.inc", "include loop.inc\n"},
    {"n0.inc", "include n1.inc\n"},
    {"n1.inc", "include n2.inc\n"},
    {"n2.inc", "include n3.inc\n"},
    {"n3.inc", "include n4.inc\n"},
    {"n4.inc", "pie yes\n"},
    {"bad.inc", "# a comment\n\nfrobnicate 1\n"},
    {"dup.inc", "opt -O1\n"},
    {"dm.inc", "# dynamic maps\ndynamicmaps yes\n"},
};

/* A spec that must fail, and the exact message. "{dir}" stands for
 * the include directory. */
struct bad {
    const char *label;
    const char *text;
    const char *want;
};

static const struct bad bads[] = {
    {"unknown key", "opt -O2\nfoo bar\n", "t.build:2: unknown key 'foo'"},
    {"unknown key without value", "\n\n  frob\n",
     "t.build:3: unknown key 'frob'"},
    {"key is case-sensitive", "OPT -O2\n", "t.build:1: unknown key 'OPT'"},
    {"duplicate opt", "opt -O2\nopt -O3\n", "t.build:2: 'opt' is given twice"},
    {"prebuilt of an unknown kind", "prebuilt rpm\n",
     "t.build:1: prebuilt 'rpm' is not debian (the distribution's binary "
     "packages)"},
    {"prebuilt twice", "prebuilt debian\nprebuilt debian\n",
     "t.build:2: 'prebuilt' is given twice"},
    {"prebuilt with opt", "about x\nprebuilt debian\nopt -O2\n",
     "t.build:3: 'opt' is a compile setting; a prebuilt variant is not "
     "compiled (about, env and ub-check only)"},
    {"prebuilt with cc before it", "cc clang\nprebuilt debian\n",
     "t.build:1: 'cc' is a compile setting; a prebuilt variant is not "
     "compiled (about, env and ub-check only)"},
#define META(name, text, key, value)                                          \
    {name, text, "t.build:1: '" key "' value '" value "' holds a shell "      \
                 "metacharacter (allowed: letters, digits, blanks and - _ . " \
                 ", = + / : @ %)"}
    META("opt with ;", "opt -O2; touch /tmp/x\n", "opt", "-O2; touch /tmp/x"),
    META("cc with $()", "cc $(touch /tmp/x)\n", "cc", "$(touch /tmp/x)"),
    META("cc with backquote", "cc `id`\n", "cc", "`id`"),
    META("ccargs with |", "ccargs -DX | sh\n", "ccargs", "-DX | sh"),
    META("auxlibs with &", "auxlibs -lx & y\n", "auxlibs", "-lx & y"),
    META("makevar with quote", "makevar AUXLIBS_PCRE '-l x'\n", "makevar",
         "AUXLIBS_PCRE '-l x'"),
    META("debug with >", "debug -g >/tmp/x\n", "debug", "-g >/tmp/x"),
    {"duplicate empty opt", "opt\nopt\n", "t.build:2: 'opt' is given twice"},
    {"duplicate about", "about a\nabout b\n",
     "t.build:2: 'about' is given twice"},
    {"duplicate cc", "cc gcc\n# x\ncc clang\n",
     "t.build:3: 'cc' is given twice"},
    {"duplicate debug", "debug -g\ndebug -g3\n",
     "t.build:2: 'debug' is given twice"},
    {"duplicate shared", "shared yes\nshared no\n",
     "t.build:2: 'shared' is given twice"},
    {"duplicate dynamicmaps", "shared yes\ndynamicmaps no\ndynamicmaps no\n",
     "t.build:3: 'dynamicmaps' is given twice"},
    {"duplicate pie", "pie no\npie no\n", "t.build:2: 'pie' is given twice"},
    {"duplicate ub-check", "ub-check yes\nub-check yes\n",
     "t.build:2: 'ub-check' is given twice"},
    {"duplicate sanitizer", "sanitizer asan\nsanitizer ubsan\n",
     "t.build:2: 'sanitizer' is given twice"},
    {"duplicate across include", "include dup.inc\nopt -O2\n",
     "t.build:2: 'opt' is given twice"},
    {"empty cc", "cc\n", "t.build:1: 'cc' needs a compiler"},
    {"bad yes/no shared", "shared maybe\n",
     "t.build:1: 'shared' must be yes or no"},
    {"bad yes/no dynamicmaps", "dynamicmaps 1\n",
     "t.build:1: 'dynamicmaps' must be yes or no"},
    {"bad yes/no pie", "pie\n", "t.build:1: 'pie' must be yes or no"},
    {"bad yes/no ub-check", "ub-check YES\n",
     "t.build:1: 'ub-check' must be yes or no"},
    {"bad sanitizer", "sanitizer msan\n",
     "t.build:1: sanitizer 'msan' is not ubsan or asan"},
    {"empty sanitizer", "sanitizer\n",
     "t.build:1: sanitizer '' is not ubsan or asan"},
    {"env without =", "env FOO\n", "t.build:1: env 'FOO' is not NAME=VALUE"},
    {"env without name", "env =x\n", "t.build:1: env '=x' is not NAME=VALUE"},
    {"env with a space", "env A=b c\n",
     "t.build:1: env 'A=b c' is not NAME=VALUE"},
    {"empty env", "env\n", "t.build:1: env '' is not NAME=VALUE"},
    {"makevar CC", "makevar CC gcc\n",
     "t.build:1: makevar 'CC' is not a make makefiles variable that a spec "
     "may set"},
    {"makevar OPT", "makevar OPT -O3\n",
     "t.build:1: makevar 'OPT' is not a make makefiles variable that a spec "
     "may set"},
    {"makevar prefix of an allowed one", "makevar AUXLIBS -lfoo\n",
     "t.build:1: makevar 'AUXLIBS' is not a make makefiles variable that a "
     "spec may set"},
    {"missing include", "about x\ninclude nosuch.inc\n",
     "t.build:2: cannot read include 'nosuch.inc'"},
    {"include loop", "include loop.inc\n",
     "{dir}/loop.inc:1: includes nest deeper than 4"},
    {"include nesting too deep", "include n0.inc\n",
     "{dir}/n3.inc:1: includes nest deeper than 4"},
    {"include of a parent path", "include ../x\n",
     "t.build:1: include '../x' is not a file name in the builds directory"},
    {"include of a subdirectory path", "include a/b.inc\n",
     "t.build:1: include 'a/b.inc' is not a file name in the builds "
     "directory"},
    {"include of an absolute path", "include /etc/passwd\n",
     "t.build:1: include '/etc/passwd' is not a file name in the builds "
     "directory"},
    {"include without a name", "include\n",
     "t.build:1: include '' is not a file name in the builds directory"},
    {"error inside an include", "about x\ninclude bad.inc\n",
     "{dir}/bad.inc:3: unknown key 'frobnicate'"},
    {"CR in a key", "o\rpt -O2\n", "t.build:1: carriage return in line"},
    {"CR inside a value", "about x\nopt -O2\r-O3\n",
     "t.build:2: carriage return in line"},
    {"CRLF line end", "about x\r\nopt -O2\r\n",
     "t.build:1: carriage return in line"},
    {"CR alone on a line", "about x\n\r\n",
     "t.build:2: carriage return in line"},
    {"dynamicmaps without shared", "about x\n\ndynamicmaps yes\n",
     "t.build:3: dynamicmaps=yes needs shared=yes"},
    {"dynamicmaps with shared=no", "shared no\ndynamicmaps yes\n",
     "t.build:2: dynamicmaps=yes needs shared=yes"},
    {"dynamicmaps from an include", "about x\ninclude dm.inc\n",
     "{dir}/dm.inc:2: dynamicmaps=yes needs shared=yes"},
};

/* expand - replace "{dir}" with the include directory */
static char *expand(const char *want)
{
    const char *p = strstr(want, "{dir}");

    if (p == NULL)
        return hr_strdup(want);
    return hr_sprintf("%.*s%s%s", (int)(p - want), want, tmp, p + 5);
}

/* write_file - create a file with the given text */
static void write_file(const char *dir, const char *name, const char *text)
{
    char *path = hr_path_join(dir, name);
    FILE *fp = fopen(path, "w");

    assert_non_null(fp);
    fputs(text, fp);
    assert_int_equal(fclose(fp), 0);
    hr_free(path);
}

/* group_setup - include files, and where builds/ is */
static int group_setup(void **state)
{
    const char *me = __FILE__;
    const char *tail = strstr(me, "tests/unit/");

    (void)state;
    if ((tmp = unit_tmpdir()) == NULL)
        return -1;
    for (size_t i = 0; i < sizeof(incs) / sizeof(incs[0]); i++)
        write_file(tmp, incs[i].name, incs[i].text);
    specs = tail ? hr_sprintf("%.*sbuilds", (int)(tail - me), me)
                 : hr_strdup("builds");
    return hr_is_dir(specs) ? 0 : -1;
}

/* group_teardown - remove the temporary directory */
static int group_teardown(void **state)
{
    (void)state;
    hr_rm_rf(tmp);
    free(tmp);
    hr_free(specs);
    return 0;
}

/* parse_ok - parse text that must be valid */
static hr_buildspec *parse_ok(const char *path, const char *text)
{
    hr_buildspec *s = NULL;

    if (hr_buildspec_parse(&s, path, text, tmp) < 0)
        fail_msg("'%s' did not parse: %s", text, hr_error_last());
    assert_non_null(s);
    return s;
}

/* test_buildspec_error_row - one row of the error table */
static void test_buildspec_error_row(void **state)
{
    const struct bad *row = *state;
    hr_buildspec *s = (hr_buildspec *)&s; /* must become NULL */
    char *want = expand(row->want);

    hr_error_clear();
    assert_int_equal(hr_buildspec_parse(&s, "t.build", row->text, tmp),
                     HR_EINPUT);
    assert_null(s);
    assert_int_equal(hr_error_code(), HR_EINPUT);
    assert_string_equal(hr_error_last(), want);
    hr_free(want);
}

/* test_buildspec_opt_empty_means_opt_eq - "opt" alone is OPT= */
static void test_buildspec_opt_empty_means_opt_eq(void **state)
{
    static const char *const texts[] = {
        "opt\n",
        "opt      # empty on purpose: OPT=\n",
        "  opt\t \n",
        "opt",
    };

    (void)state;
    for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
        hr_buildspec *s = parse_ok("x.build", texts[i]);
        char *flags = hr_buildspec_flags(s);

        assert_int_equal(s->opt_set, 1);
        assert_string_equal(s->opt, "");
        assert_string_equal(flags, "OPT=");
        hr_free(flags);
        hr_buildspec_free(s);
    }
}

/* test_buildspec_opt_absent_means_default - no opt: makedefs decides */
static void test_buildspec_opt_absent_means_default(void **state)
{
    hr_buildspec *s;
    char *flags;

    (void)state;
    s = parse_ok("x.build", "about no opt line\n# opt -O2\n");
    flags = hr_buildspec_flags(s);
    assert_int_equal(s->opt_set, 0);
    assert_null(s->opt);
    assert_int_equal(s->debug_set, 0);
    assert_null(s->debug);
    assert_string_equal(flags, "OPT=(postfix default)");
    hr_free(flags);
    hr_buildspec_free(s);
}

/* test_buildspec_defaults - an empty spec is all defaults */
static void test_buildspec_defaults(void **state)
{
    hr_buildspec *s;

    (void)state;
    s = parse_ok("dir/empty.build", "");
    assert_string_equal(s->name, "empty");
    assert_string_equal(s->variant, "empty");
    assert_null(s->replica);
    assert_string_equal(s->path, "dir/empty.build");
    assert_string_equal(s->about, "");
    assert_null(s->cc);
    assert_string_equal(s->ccargs, "");
    assert_string_equal(s->auxlibs, "");
    assert_int_equal(s->makevars.n, 0);
    assert_int_equal(s->env.n, 0);
    assert_int_equal(s->shared, 0);
    assert_int_equal(s->dynamicmaps, 0);
    assert_int_equal(s->pie, 0);
    assert_null(s->sanitizer);
    assert_int_equal(s->ub_check, 0);
    hr_buildspec_free(s);

    /* A path without the .build suffix names the variant as it is. */
    s = parse_ok("plain", "");
    assert_string_equal(s->variant, "plain");
    hr_buildspec_free(s);
}

/* test_buildspec_every_key - each key lands in its field */
static void test_buildspec_every_key(void **state)
{
    hr_buildspec *s;
    char *flags;

    (void)state;
    s = parse_ok("all.build",
                 "# every key\n"
                 "about    \tall keys at once   # trailing comment\n"
                 "cc       clang\n"
                 "opt      -O2 -fno-inline\n"
                 "debug    -g3\n"
                 "ccargs   -DA\n"
                 "ccargs   -DB   -DC\n"
                 "auxlibs  -lx\n"
                 "auxlibs  -ly\n"
                 "makevar  WARN -Wall -Wno-comment\n"
                 "makevar  AUXLIBS_CDB -lcdb\n"
                 "makevar  SYSLIBS\n"
                 "shared   yes\n"
                 "dynamicmaps yes\n"
                 "pie      yes\n"
                 "sanitizer ubsan\n"
                 "env      ZED=1\n"
                 "env      ALPHA=a=b\n"
                 "include  ok.inc\n");
    assert_string_equal(s->about, "all keys at once");
    assert_string_equal(s->cc, "clang");
    assert_int_equal(s->opt_set, 1);
    assert_string_equal(s->opt, "-O2 -fno-inline");
    assert_int_equal(s->debug_set, 1);
    assert_string_equal(s->debug, "-g3");
    /* Repeated list keys append, includes at the point of inclusion. */
    assert_string_equal(s->ccargs, "-DA -DB   -DC -DFROM_INC");
    assert_string_equal(s->auxlibs, "-lx -ly");
    /* makevars and env are sorted, whatever the order in the file. */
    assert_int_equal(s->makevars.n, 4);
    assert_string_equal(s->makevars.v[0], "AUXLIBS_CDB=-lcdb");
    assert_string_equal(s->makevars.v[1], "SYSLIBS=");
    assert_string_equal(s->makevars.v[2], "WARN=-Wall");
    assert_string_equal(s->makevars.v[3], "WARN=-Wall -Wno-comment");
    assert_int_equal(s->env.n, 2);
    assert_string_equal(s->env.v[0], "ALPHA=a=b");
    assert_string_equal(s->env.v[1], "ZED=1");
    assert_int_equal(s->shared, 1);
    assert_int_equal(s->dynamicmaps, 1);
    assert_int_equal(s->pie, 1);
    assert_string_equal(s->sanitizer, "ubsan");
    /* A sanitizer build is an undefined-behaviour check by definition. */
    assert_int_equal(s->ub_check, 1);
    flags = hr_buildspec_flags(s);
    assert_string_equal(flags, "OPT=-O2 -fno-inline DEBUG=-g3 "
                               "CCARGS=-DA -DB   -DC -DFROM_INC shared=yes "
                               "dynamicmaps=yes pie=yes");
    hr_free(flags);
    hr_buildspec_free(s);
}

/* test_buildspec_yes_no - explicit no is accepted and means off */
static void test_buildspec_yes_no(void **state)
{
    hr_buildspec *s;

    (void)state;
    s = parse_ok("n.build", "shared no\ndynamicmaps no\npie no\n"
                            "ub-check no\n");
    assert_int_equal(s->shared, 0);
    assert_int_equal(s->dynamicmaps, 0);
    assert_int_equal(s->pie, 0);
    assert_int_equal(s->ub_check, 0);
    hr_buildspec_free(s);
    s = parse_ok("y.build", "ub-check yes\n");
    assert_int_equal(s->ub_check, 1);
    hr_buildspec_free(s);
}

/* test_buildspec_include_depth_limit - four nested includes are fine */
static void test_buildspec_include_depth_limit(void **state)
{
    hr_buildspec *s;

    (void)state;
    s = parse_ok("deep.build", "include n1.inc\n");
    assert_int_equal(s->pie, 1);
    hr_buildspec_free(s);
}

/* Shipped variants and what their comments promise. */
struct shipped {
    const char *name;
    int opt_set;
    const char *opt; /* prefix of OPT */
    const char *cc;
    const char *sanitizer;
    int ub_check;
    int shared;
};

static const struct shipped shipped[] = {
    {"O0", 1, "", NULL, NULL, 0, 0},
    {"O2", 1, "-O2", NULL, NULL, 0, 0},
    {"O3", 1, "-O3", NULL, NULL, 0, 0},
    {"Os", 1, "-Os", NULL, NULL, 0, 0},
    {"asan", 1, "-O1 -fsanitize=address", NULL, "asan", 1, 0},
    {"clang-O2", 1, "-O2", "clang", NULL, 0, 0},
    {"default", 0, NULL, NULL, NULL, 0, 0},
    {"shared-O0", 1, "", NULL, NULL, 0, 1},
    {"shared-O2", 1, "-O2", NULL, NULL, 0, 1},
    {"ubsan", 1, "-O2 -fsanitize=undefined", NULL, "ubsan", 1, 0},
    {"wrapv", 1, "-O2 -fwrapv", NULL, NULL, 1, 0},
};

/* test_buildspec_shipped_all_parse - every shipped spec in builds/ loads */
static void test_buildspec_shipped_all_parse(void **state)
{
    hr_strv names = HR_STRV_INIT;

    (void)state;
    assert_int_equal(hr_buildspec_list(&names, specs), 0);
    assert_true(names.n >= sizeof(shipped) / sizeof(shipped[0]));
    for (size_t i = 0; i < names.n; i++) {
        hr_buildspec *s = NULL;
        char *file = hr_sprintf("%s.build", names.v[i]);
        char *path = hr_path_join(specs, file);

        if (i > 0)
            assert_true(strcmp(names.v[i - 1], names.v[i]) < 0);
        if (hr_buildspec_load(&s, specs, names.v[i]) < 0)
            fail_msg("shipped spec '%s' does not parse: %s", names.v[i],
                     hr_error_last());
        assert_string_equal(s->name, names.v[i]);
        assert_string_equal(s->variant, names.v[i]);
        assert_string_equal(s->path, path);
        /* Every shipped spec says what it is for. */
        if (*s->about == 0)
            fail_msg("shipped spec '%s' has no 'about' line", names.v[i]);
        /* All of them build Debian's feature set, or are Debian's. */
        if (s->prebuilt) {
            assert_string_equal(s->prebuilt, "debian");
            assert_string_equal(s->ccargs, "");
            assert_int_equal(s->opt_set, 0);
        } else {
            assert_non_null(strstr(s->ccargs, "-DUSE_TLS"));
            assert_int_equal(
                hr_strv_find(&s->makevars, "AUXLIBS_PCRE=-lpcre2-8") >= 0, 1);
        }
        hr_buildspec_free(s);
        hr_free(file);
        hr_free(path);
    }
    hr_strv_release(&names);
}

/* test_buildspec_shipped_settings - the known variants mean what they say */
static void test_buildspec_shipped_settings(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(shipped) / sizeof(shipped[0]); i++) {
        const struct shipped *w = &shipped[i];
        hr_buildspec *s = NULL;

        if (hr_buildspec_load(&s, specs, w->name) < 0)
            fail_msg("'%s': %s", w->name, hr_error_last());
        assert_int_equal(s->opt_set, w->opt_set);
        if (w->opt_set == 0) {
            assert_null(s->opt);
        } else if (*w->opt == 0) {
            assert_string_equal(s->opt, "");
        } else if (strncmp(s->opt, w->opt, strlen(w->opt)) != 0) {
            fail_msg("'%s': opt '%s' does not start with '%s'", w->name, s->opt,
                     w->opt);
        }
        if (w->cc)
            assert_string_equal(s->cc, w->cc);
        else
            assert_null(s->cc);
        if (w->sanitizer)
            assert_string_equal(s->sanitizer, w->sanitizer);
        else
            assert_null(s->sanitizer);
        assert_int_equal(s->ub_check, w->ub_check);
        assert_int_equal(s->shared, w->shared);
        hr_buildspec_free(s);
    }
}

/* test_buildspec_replica - NAME@LABEL is the variant, built again */
static void test_buildspec_replica(void **state)
{
    hr_buildspec *s = NULL;

    (void)state;
    assert_int_equal(hr_buildspec_load(&s, specs, "O2@b"), 0);
    assert_string_equal(s->name, "O2@b");
    assert_string_equal(s->variant, "O2");
    assert_string_equal(s->replica, "b");
    assert_string_equal(s->opt, "-O2");
    hr_buildspec_free(s);
    assert_int_equal(hr_buildspec_load(&s, specs, "O2"), 0);
    assert_null(s->replica);
    assert_string_equal(s->name, "O2");
    hr_buildspec_free(s);
}

/* test_buildspec_bad_names - names are file names, never paths */
static void test_buildspec_bad_names(void **state)
{
    static const char *const names[] = {
        "../x",
        "..",
        ".",
        ".hidden",
        "a/b",
        "/etc/passwd",
        "",
        "O2@",
        "@b",
        "O2@../x",
        "O2@b@c",
        "O2@.b",
        "sp ace",
        "O2\n",
        "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
    };

    (void)state;
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        hr_buildspec *s = (hr_buildspec *)&s;
        char *want = hr_sprintf("'%s' is not a variant name (letters, digits, "
                                "'.', '-', '_', and an optional @LABEL)",
                                names[i]);

        if (hr_buildspec_load(&s, specs, names[i]) != HR_EINPUT)
            fail_msg("name '%s' was accepted", names[i]);
        assert_null(s);
        assert_string_equal(hr_error_last(), want);
        hr_free(want);
    }
}

/* test_buildspec_unknown_variant - the message lists the known ones */
static void test_buildspec_unknown_variant(void **state)
{
    hr_strv names = HR_STRV_INIT;
    hr_buildspec *s = (hr_buildspec *)&s;
    char *list, *want;

    (void)state;
    assert_int_equal(hr_buildspec_list(&names, specs), 0);
    list = hr_strv_join(&names, " ");
    want = hr_sprintf("unknown variant 'nosuch': there is no %s/nosuch.build "
                      "(known: %s)",
                      specs, list);
    assert_int_equal(hr_buildspec_load(&s, specs, "nosuch"), HR_EINPUT);
    assert_null(s);
    assert_string_equal(hr_error_last(), want);
    assert_non_null(strstr(list, "O0 O1 O2"));
    hr_free(want);

    /* A replica of an unknown variant names the variant, not the label. */
    assert_int_equal(hr_buildspec_load(&s, specs, "nosuch@b"), HR_EINPUT);
    assert_non_null(strstr(hr_error_last(), "unknown variant 'nosuch':"));

    /* An empty directory knows none. */
    want = hr_sprintf("unknown variant 'O2': there is no %s/O2.build "
                      "(known: ok.inc)",
                      tmp);
    assert_int_equal(hr_buildspec_load(&s, tmp, "O2"), HR_EINPUT);
    assert_non_null(strstr(hr_error_last(), "(known: none)"));
    hr_free(want);
    hr_free(list);
    hr_strv_release(&names);
}

/* test_buildspec_list_only_specs - .inc and other files are not variants */
static void test_buildspec_list_only_specs(void **state)
{
    char *dir = hr_path_join(tmp, "list");
    hr_strv names = HR_STRV_INIT;

    (void)state;
    assert_int_equal(hr_mkdir_p(dir, 0755), 0);
    write_file(dir, "zz.build", "");
    write_file(dir, "a.build", "");
    write_file(dir, "x.inc", "");
    write_file(dir, ".build", "");
    write_file(dir, "b.build.orig", "");
    write_file(dir, "README.md", "");
    assert_int_equal(hr_buildspec_list(&names, dir), 0);
    assert_int_equal(names.n, 2);
    assert_string_equal(names.v[0], "a");
    assert_string_equal(names.v[1], "zz");
    hr_strv_release(&names);
    hr_rm_rf(dir);
    hr_free(dir);
}

/* test_buildspec_load_reports_spec_path - load errors name the file */
static void test_buildspec_load_reports_spec_path(void **state)
{
    char *dir = hr_path_join(tmp, "bad");
    hr_buildspec *s = NULL;
    char *want;

    (void)state;
    assert_int_equal(hr_mkdir_p(dir, 0755), 0);
    write_file(dir, "broken.build", "about broken\n\nopt -O2\nopt -O3\n");
    want = hr_sprintf("%s/broken.build:4: 'opt' is given twice", dir);
    assert_int_equal(hr_buildspec_load(&s, dir, "broken@r1"), HR_EINPUT);
    assert_null(s);
    assert_string_equal(hr_error_last(), want);
    hr_free(want);
    hr_rm_rf(dir);
    hr_free(dir);
}

int main(void)
{
    static const struct CMUnitTest fixed[] = {
        cmocka_unit_test(test_buildspec_opt_empty_means_opt_eq),
        cmocka_unit_test(test_buildspec_opt_absent_means_default),
        cmocka_unit_test(test_buildspec_defaults),
        cmocka_unit_test(test_buildspec_every_key),
        cmocka_unit_test(test_buildspec_yes_no),
        cmocka_unit_test(test_buildspec_include_depth_limit),
        cmocka_unit_test(test_buildspec_shipped_all_parse),
        cmocka_unit_test(test_buildspec_shipped_settings),
        cmocka_unit_test(test_buildspec_replica),
        cmocka_unit_test(test_buildspec_bad_names),
        cmocka_unit_test(test_buildspec_unknown_variant),
        cmocka_unit_test(test_buildspec_list_only_specs),
        cmocka_unit_test(test_buildspec_load_reports_spec_path),
    };
    size_t nfixed = sizeof(fixed) / sizeof(fixed[0]);
    size_t nbad = sizeof(bads) / sizeof(bads[0]);
    struct CMUnitTest *tests = hr_calloc(nfixed + nbad, sizeof(*tests));
    char **names = hr_calloc(nbad, sizeof(*names));
    int rc;

    /* One test per row of the error table, named after the row. */
    memcpy(tests, fixed, sizeof(fixed));
    for (size_t i = 0; i < nbad; i++) {
        names[i] = hr_sprintf("test_buildspec_error: %s", bads[i].label);
        tests[nfixed + i].name = names[i];
        tests[nfixed + i].test_func = test_buildspec_error_row;
        tests[nfixed + i].initial_state = (void *)&bads[i];
    }
    rc = _cmocka_run_group_tests("buildspec", tests, nfixed + nbad, group_setup,
                                 group_teardown);
    for (size_t i = 0; i < nbad; i++)
        hr_free(names[i]);
    hr_free(names);
    hr_free(tests);
    return rc;
}

/* test_makelog - compile commands read back from make.log */
#include "unit.h"
#include "build/makelog.h"
#include "util/mem.h"
#include "util/msg.h"

static const char log_text[] =
    "+ make makefiles CC=/usr/bin/ccache /usr/bin/gcc OPT=-O2\n"
    "[src/global]\n"
    "cat ../../conf/makedefs.out Makefile.in >Makefile\n"
    "[src/bounce]\n"
    "cat ../../conf/makedefs.out Makefile.in >Makefile\n"
    "+ make -j2\n"
    "[src/global]\n"
    "/usr/bin/ccache /usr/bin/gcc -I. -DDEF_SHLIB_DIR=\\\"no\\\"  -g -O2 "
    "-I. -DLINUX6 -c bounce.c\n"
    "/usr/bin/ccache /usr/bin/gcc -I. -g -O2 -I. -DLINUX6 -c xtext.c\n"
    "/usr/bin/ccache /usr/bin/gcc -I. -g -O2 -I. -DLINUX6 -c uxtext.c\n"
    "ar rv libglobal.a bounce.o xtext.o uxtext.o\n"
    "[src/bounce]\n"
    "/usr/bin/ccache /usr/bin/gcc -I. -g -O2 -I. -DLINUX6 -c bounce.c \n";

static void test_makelog_finds_the_compile(void **state)
{
    hr_compile c;

    (void)state;
    assert_int_equal(hr_makelog_compile(&c, log_text, "src/global/xtext.o"), 0);
    assert_string_equal(c.dir, "src/global");
    assert_string_equal(c.source, "xtext.c");
    assert_string_equal(c.command, "/usr/bin/ccache /usr/bin/gcc -I. -g -O2 "
                                   "-I. -DLINUX6 -c xtext.c");
    hr_compile_release(&c);
}

static void test_makelog_same_name_other_directory(void **state)
{
    hr_compile c;

    (void)state;
    assert_int_equal(hr_makelog_compile(&c, log_text, "src/global/bounce.o"),
                     0);
    assert_non_null(strstr(c.command, "DEF_SHLIB_DIR"));
    hr_compile_release(&c);
    assert_int_equal(hr_makelog_compile(&c, log_text, "src/bounce/bounce.o"),
                     0);
    assert_null(strstr(c.command, "DEF_SHLIB_DIR"));
    assert_string_equal(c.dir, "src/bounce");
    hr_compile_release(&c);
}

static void test_makelog_unknown_object(void **state)
{
    hr_compile c;

    (void)state;
    assert_int_equal(hr_makelog_compile(&c, log_text, "src/util/vstring.o"),
                     HR_ENOTFOUND);
    assert_non_null(strstr(hr_error_last(), "src/util"));
    assert_int_equal(hr_makelog_compile(&c, log_text, "xtext.c"), HR_EINPUT);
    assert_null(c.command);
}

static void test_makelog_strip_launcher(void **state)
{
    char *s;

    (void)state;
    s = hr_makelog_strip_launcher("/usr/bin/ccache /usr/bin/gcc -O2 -c x.c");
    assert_string_equal(s, "/usr/bin/gcc -O2 -c x.c");
    hr_free(s);
    s = hr_makelog_strip_launcher("/usr/bin/gcc -O2 -c x.c");
    assert_string_equal(s, "/usr/bin/gcc -O2 -c x.c");
    hr_free(s);
    s = hr_makelog_strip_launcher("/opt/myccache/gcc -c x.c");
    assert_string_equal(s, "/opt/myccache/gcc -c x.c");
    hr_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_makelog_finds_the_compile),
        cmocka_unit_test(test_makelog_same_name_other_directory),
        cmocka_unit_test(test_makelog_unknown_object),
        cmocka_unit_test(test_makelog_strip_launcher),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}

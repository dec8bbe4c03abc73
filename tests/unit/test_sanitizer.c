/*
 * test_sanitizer - sanitizer reports keep kind and file:line, lose
 * addresses, pids and build directories, and come out sorted.
 */
/* unit.h calls snprintf() without <stdio.h>. */
#include <stdio.h>

#include "unit.h"

#include "util/mem.h"
#include "observe/sanitizer.h"

static const char asan[] =
    "=================================================================\n"
    "==8325==ERROR: AddressSanitizer: heap-use-after-free on address "
    "0x603000000040 at pc 0x55d4c3e2f1a0 bp 0x7ffd5c0e2a10 sp "
    "0x7ffd5c0e2a08\n"
    "WRITE of size 8 at 0x603000000040 thread T0\n"
    "    #0 0x55d4c3e2f19f in vstring_free "
    "/var/builds/aa11/src/src/util/vstring.c:388:5\n"
    "    #1 0x7f1e2a3b4c5d in __libc_start_main "
    "(/lib/x86_64-linux-gnu/libc.so.6+0x271ca) (BuildId: 4f3b6a)\n"
    "    #2 0x55d4c3e21000 in _start (/var/builds/aa11/stage/smtpd+0x2e0b5)\n"
    "\n"
    "0x603000000040 is located 0 bytes inside of 24-byte region "
    "[0x603000000040,0x603000000058)\n"
    "freed by thread T0 here:\n"
    "    #0 0x7f1e2a6b7e8f in __interceptor_free "
    "../../../../src/libsanitizer/asan/asan_malloc_linux.cpp:52\n"
    "previously allocated by thread T0 here:\n"
    "    #0 0x7f1e2a6b7f00 in __interceptor_malloc "
    "../../../../src/libsanitizer/asan/asan_malloc_linux.cpp:69\n"
    "SUMMARY: AddressSanitizer: heap-use-after-free "
    "/var/builds/aa11/src/src/util/vstring.c:388:5 in vstring_free\n"
    "Shadow bytes around the buggy address:\n"
    "  0x0c067fff8000: fa fa 00 00 00 fa fa fa fd fd fd fa fa fa fa fa\n"
    "==8325==ABORTING\n";

static const char asan_reduced[] =
    "AddressSanitizer: heap-use-after-free\n"
    "WRITE of size 8\n"
    "#0 vstring_free util/vstring.c:388\n"
    "#1 __libc_start_main (libc.so.6)\n"
    "#2 _start (smtpd)\n"
    "located 0 bytes inside of 24-byte region\n"
    "freed by thread T0 here:\n"
    "#0 __interceptor_free asan/asan_malloc_linux.cpp:52\n"
    "previously allocated by thread T0 here:\n"
    "#0 __interceptor_malloc asan/asan_malloc_linux.cpp:69\n"
    "SUMMARY: AddressSanitizer: heap-use-after-free util/vstring.c:388 in "
    "vstring_free\n";

static const char ubsan[] =
    "/var/builds/bb22/src/src/global/mail_date.c:91:18: runtime error: "
    "signed integer overflow: 2147483647 + 1 cannot be represented in type "
    "'int'\n"
    "SUMMARY: UndefinedBehaviorSanitizer: undefined-behavior "
    "/var/builds/bb22/src/src/global/mail_date.c:91:18 in \n";

static const char ubsan_reduced[] =
    "global/mail_date.c:91: runtime error: signed integer overflow: "
    "2147483647 + 1 cannot be represented in type 'int'\n"
    "SUMMARY: UndefinedBehaviorSanitizer: undefined-behavior "
    "global/mail_date.c:91 in\n";

static const char lsan[] =
    "\n=================================================================\n"
    "==9001==ERROR: LeakSanitizer: detected memory leaks\n"
    "\n"
    "Direct leak of 24 byte(s) in 1 object(s) allocated from:\n"
    "    #0 0x7f0c1a2b3c4d in __interceptor_malloc "
    "../../../../src/libsanitizer/asan/asan_malloc_linux.cpp:69\n"
    "    #1 0x55aa00112233 in mymalloc /b/src/src/util/mymalloc.c:163:13\n"
    "\n"
    "SUMMARY: AddressSanitizer: 24 byte(s) leaked in 1 allocation(s).\n";

static void check(const char *in, const char *want)
{
    char *got = hr_sanitizer_reduce(in);

    assert_string_equal(got, want);
    hr_free(got);
}

static void test_sanitizer_asan(void **state)
{
    (void)state;
    check(asan, asan_reduced);
}

static void test_sanitizer_ubsan(void **state)
{
    (void)state;
    check(ubsan, ubsan_reduced);
}

static void test_sanitizer_lsan(void **state)
{
    (void)state;
    check(lsan, "LeakSanitizer: detected memory leaks\n"
                "Direct leak of 24 byte(s) in 1 object(s) allocated from:\n"
                "#0 __interceptor_malloc asan/asan_malloc_linux.cpp:69\n"
                "#1 mymalloc util/mymalloc.c:163\n"
                "SUMMARY: AddressSanitizer: 24 byte(s) leaked in 1 "
                "allocation(s).\n");
}

static void test_sanitizer_reports_sorted(void **state)
{
    char *ab = hr_sprintf("%s%s", asan, ubsan);
    char *ba = hr_sprintf("%s%s", ubsan, asan);
    char *want = hr_sprintf("%s\n%s", asan_reduced, ubsan_reduced);

    (void)state;
    /* Which process wrote first does not matter. */
    check(ab, want);
    check(ba, want);
    hr_free(ab);
    hr_free(ba);
    hr_free(want);
}

static void test_sanitizer_nothing(void **state)
{
    (void)state;
    check(NULL, "");
    check("", "");
    check("Shadow bytes around the buggy address:\n==1==ABORTING\n", "");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sanitizer_asan),
        cmocka_unit_test(test_sanitizer_ubsan),
        cmocka_unit_test(test_sanitizer_lsan),
        cmocka_unit_test(test_sanitizer_reports_sorted),
        cmocka_unit_test(test_sanitizer_nothing),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}

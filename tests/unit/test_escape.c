/* test_escape.c - the '~' codec: what the encoder writes, the decoder
 * reads back byte for byte; the decoder's limits and messages; and the
 * one UTF-8 validator that both use */
#include <stdio.h> /* before unit.h, which uses snprintf() */
#include "unit.h"

#include <stdlib.h>
#include <string.h>

#include "case/escape.h"
#include "util/buf.h"
#include "util/mem.h"
#include "util/utf8.h"

/* decode_lines - the bytes that "~ " lines stand for, joined */
static void decode_lines(hr_buf *out, const char *text)
{
    char *copy = hr_strdup(text), *line, *save = NULL;

    for (line = strtok_r(copy, "\n", &save); line;
         line = strtok_r(NULL, "\n", &save)) {
        char *why;

        assert_int_equal(strncmp(line, "~ ", 2), 0);
        why = hr_escape_decode(out, line + 2, 0);
        if (why)
            fail_msg("'%s': %s", line, why);
    }
    hr_free(copy);
}

/* round_trip - encode then decode gives the same bytes */
static void round_trip(const char *s, size_t n)
{
    hr_buf text = HR_BUF_INIT, back = HR_BUF_INIT;

    hr_escape_encode(&text, s, n);
    decode_lines(&back, hr_buf_cstr(&text));
    assert_int_equal(back.len, n);
    if (n)
        assert_memory_equal(back.ptr, s, n);
    /* every line is text a case file may hold */
    assert_true(text.len == 0 || hr_utf8_valid(text.ptr, text.len));
    assert_true(text.len == 0 || memchr(text.ptr, '\r', text.len) == NULL);
    hr_buf_release(&text);
    hr_buf_release(&back);
}

/* test_escape_encode_forms - the spellings the encoder chooses */
static void test_escape_encode_forms(void **state)
{
    hr_buf b = HR_BUF_INIT;
    char run[40];

    (void)state;
    hr_escape_encode(&b, "EHLO x\r\n", 8);
    assert_string_equal(hr_buf_cstr(&b), "~ EHLO x\\r\\n\n");
    hr_buf_clear(&b);
    hr_escape_encode(&b, "a\tb\\c\x01\xff \xc3\xa9 ", 11);
    assert_string_equal(hr_buf_cstr(&b),
                        "~ a\\tb\\\\c\\x01\\xff \xc3\xa9\\x20\n");
    hr_buf_clear(&b);
    memset(run, 'A', sizeof(run));
    hr_escape_encode(&b, run, sizeof(run));
    assert_string_equal(hr_buf_cstr(&b), "~ \\{A*40}\n");
    hr_buf_clear(&b);
    memset(run, '}', sizeof(run));
    hr_escape_encode(&b, run, 20);
    assert_string_equal(hr_buf_cstr(&b), "~ \\{\\x7d*20}\n");
    hr_buf_clear(&b);
    hr_escape_encode(&b, "one\ntwo", 7);
    assert_string_equal(hr_buf_cstr(&b), "~ one\\n\n~ two\n");
    hr_buf_release(&b);
}

/* test_escape_round_trip - random bytes, runs, long input, UTF-8 */
static void test_escape_round_trip(void **state)
{
    unsigned seed = 12345;
    char *big;

    (void)state;
    round_trip("", 0);
    round_trip("}{\\{x*3}", 8);
    round_trip("\xe2\x82\xac\xed\xa0\x80\xc0\xaf", 8); /* euro, surrogate,
                                                        * overlong */
    for (int t = 0; t < 200; t++) {
        char buf[600];
        size_t n = (size_t)(rand_r(&seed) % sizeof(buf));

        for (size_t i = 0; i < n; i++) {
            int r = rand_r(&seed) % 8;

            /* runs and line ends, not only noise */
            buf[i] = r == 0 && i ? buf[i - 1]
                     : r == 1    ? '\n'
                                 : (char)(rand_r(&seed) & 0xff);
        }
        round_trip(buf, n);
    }
    big = hr_malloc(3 << 20);
    for (size_t i = 0; i < (3u << 20); i++)
        big[i] = i % 5000 < 3000 ? 'x' : (char)('a' + i % 26);
    round_trip(big, 3 << 20);
    hr_free(big);
}

/* expect_error - decoding text fails with a message that contains want */
static void expect_error(const char *text, size_t used, const char *want)
{
    hr_buf b = HR_BUF_INIT;
    char *why = hr_escape_decode(&b, text, used);

    assert_non_null(why);
    if (strstr(why, want) == NULL)
        fail_msg("'%s': '%s' lacks '%s'", text, why, want);
    hr_free(why);
    hr_buf_release(&b);
}

/* test_escape_decode_errors - each bad spelling, and the size limits */
static void test_escape_decode_errors(void **state)
{
    (void)state;
    expect_error("\\x4", 0, "'\\x' needs two hex digits");
    expect_error("\\xg0", 0, "'\\x' needs two hex digits");
    expect_error("abc\\", 0, "ends in a lone '\\'");
    expect_error("\\q", 0, "unknown escape '\\q'");
    /* a character that is not ASCII is named whole */
    expect_error("\\\xc3\xa9", 0, "unknown escape '\\\xc3\xa9'");
    expect_error("\\{ab*3", 0, "has no closing '}'");
    expect_error("\\{ab}", 0, "needs a count");
    expect_error("\\{ab*0}", 0, "is not a number from 1 to");
    expect_error("\\{ab*x1}", 0, "is not a number");
    expect_error("\\{*5}", 0, "has nothing to repeat");
    expect_error("\\{\\{a*2}*2}", 0, "cannot nest");
    expect_error("\\{0123456789abcdef*2000000}", 0,
                 "'~' text expands to more than");
    expect_error("\\{x*1000}", (size_t)HR_ESCAPE_CASE_BYTES - 10,
                 "the '~' lines of the case expand to more than");
}

/* test_escape_decode_ok - escapes inside a repeat stop at its star */
static void test_escape_decode_ok(void **state)
{
    hr_buf b = HR_BUF_INIT;

    (void)state;
    assert_null(hr_escape_decode(&b, "a\\r\\n\\t\\\\\\x41\\{\\r\\n*2}z", 0));
    assert_int_equal(b.len, 11);
    assert_memory_equal(b.ptr, "a\r\n\t\\A\r\n\r\nz", 11);
    hr_buf_release(&b);
}

/* test_utf8_valid - the rules case files and the importer share */
static void test_utf8_valid(void **state)
{
    (void)state;
    assert_true(hr_utf8_valid("", 0));
    assert_true(hr_utf8_valid("plain", 5));
    assert_true(hr_utf8_valid("\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80", 9));
    assert_false(hr_utf8_valid("\xc0\xaf", 2));         /* overlong */
    assert_false(hr_utf8_valid("\xe0\x80\xaf", 3));     /* overlong */
    assert_false(hr_utf8_valid("\xed\xa0\x80", 3));     /* surrogate */
    assert_false(hr_utf8_valid("\xf4\x90\x80\x80", 4)); /* > U+10FFFF */
    assert_false(hr_utf8_valid("\xc3", 1));             /* cut short */
    assert_false(hr_utf8_valid("\x80", 1));
    assert_int_equal(hr_utf8_len("\xe2\x82\xac!", 4), 3);
    assert_int_equal(hr_utf8_len("\xe2\x82", 2), 0);
    assert_int_equal(hr_utf8_len("\xef\xbf\xbd", 3), 3); /* U+FFFD itself */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_escape_encode_forms),
        cmocka_unit_test(test_escape_round_trip),
        cmocka_unit_test(test_escape_decode_errors),
        cmocka_unit_test(test_escape_decode_ok),
        cmocka_unit_test(test_utf8_valid),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}

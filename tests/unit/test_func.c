/*
 * NAME
 *	test_func 1
 * SUMMARY
 *	unit tests of func(3) and gen(3): func cases parsed, checked and
 *	made into inputs
 */
#include "unit.h"

#include "case/case.h"
#include "case/func.h"
#include "util/mem.h"
#include "util/msg.h"

#define HEAD "name f\nkind func\n"
#define PIN0 "zazp4wko4"
#define PIN1 "po.iw4kan"
#define PIN2 "sy090.210.lms-6e"

static hr_case *parse_ok(const char *text)
{
    hr_case *c = NULL;
    int rc = hr_case_parse(&c, "f.case", text, strlen(text));

    if (rc != 0)
        print_error("%s\n", hr_error_last());
    assert_int_equal(rc, 0);
    return c;
}

/* test_func_parse - a case with every kind of directive */
static void test_func_parse(void **state)
{
    static const char text[] =
        HEAD "about a probe\n"
        "library  global\n"
        "macro-of tok822_parse\n"
        "set      util_utf8_enable 1\n"
        "set      var_double_bounce_sender \"double-bounce\"\n"
        "observe  errno\n"
        "call     -ptr tok822_parse_limit(str, int)   # a comment\n"
        "call     vstr tok822_externalize(vstr=\"\", $1, int=3)\n"
        "call     -ptr tok822_free_tree($1)\n"
        "input    \"a #b\" 0      # '#' inside quotes is data\n"
        "input    NULL -1\n"
        "input    \"x\"*3+\"y\" 0x10\n"
        "gen      7 100 address() 0\n";
    hr_case *c = parse_ok(text);
    const hr_func *f = c->func;
    hr_fargs a;
    char *sig;

    (void)state;
    assert_int_equal(c->kind, HR_CASE_FUNC);
    assert_string_equal(f->library, "global");
    assert_string_equal(f->macro, "tok822_parse");
    assert_int_equal(f->ncalls, 3);
    assert_int_equal(f->calls[0].quiet, 1);
    assert_int_equal(f->calls[1].params[1].src, HR_FSRC_RETURN);
    assert_int_equal(f->observe_errno, 1);
    assert_int_equal(f->sets.n, 2);
    assert_int_equal(f->total, 103);
    sig = hr_func_signature(f, 1);
    assert_string_equal(sig, "vstr tok822_externalize(vstr=\"...\", $1, "
                             "int=3)");
    hr_free(sig);
    assert_int_equal(hr_func_args(f, 0, &a), 0);
    assert_int_equal(a.n, 2);
    assert_string_equal(a.s[0].ptr, "a #b");
    hr_fargs_release(&a);
    assert_int_equal(hr_func_args(f, 1, &a), 0);
    assert_int_equal(a.kind[0], HR_FV_NULL);
    assert_int_equal(a.i[1], -1);
    hr_fargs_release(&a);
    assert_int_equal(hr_func_args(f, 2, &a), 0);
    assert_string_equal(a.s[0].ptr, "xxxy");
    assert_int_equal(a.i[1], 16);
    hr_fargs_release(&a);
    assert_int_equal(hr_func_args(f, 103, &a), HR_EINPUT);
    hr_case_free(c);
}

/* test_func_gen - generated inputs are the same every time, any input on
 * its own, with the lengths asked for; len(N) follows */
static void test_func_gen(void **state)
{
    static const char text[] =
        HEAD "library util\n"
        "call int valid_utf8_string(str, ssize_t)\n"
        "gen 5 2000 bytes(len=3..9) len(1)\n"
        "gen 6 50 text(len=4..4,chars=\"ab\") len(1)\n";
    hr_case *c = parse_ok(text);
    hr_fargs a, b;

    (void)state;
    for (size_t n = 0; n < 2050; n += 97) {
        assert_int_equal(hr_func_args(c->func, n, &a), 0);
        assert_int_equal(hr_func_args(c->func, n, &b), 0);
        assert_int_equal(a.s[0].len, b.s[0].len);
        assert_memory_equal(a.s[0].ptr, b.s[0].ptr, a.s[0].len);
        assert_int_equal(a.i[1], (long long)a.s[0].len);
        assert_null(memchr(a.s[0].ptr, 0, a.s[0].len));
        if (n < 2000) {
            assert_true(a.s[0].len >= 3 && a.s[0].len <= 9);
        } else {
            assert_int_equal(a.s[0].len, 4);
            assert_int_equal(strspn(a.s[0].ptr, "ab"), 4);
        }
        hr_fargs_release(&a);
        hr_fargs_release(&b);
    }
    /* Neighbouring inputs differ. */
    assert_int_equal(hr_func_args(c->func, 10, &a), 0);
    assert_int_equal(hr_func_args(c->func, 11, &b), 0);
    assert_false(a.s[0].len == b.s[0].len &&
                 memcmp(a.s[0].ptr, b.s[0].ptr, a.s[0].len) == 0);
    hr_fargs_release(&a);
    hr_fargs_release(&b);
    hr_case_free(c);
}

/* test_func_gen_pinned - the generators' bytes are part of every
 * golden: a change to them must be deliberate */
static void test_func_gen_pinned(void **state)
{
    static const char text[] =
        HEAD "library util\n"
        "call int valid_hostname(str, int)\n"
        "gen 7 3 hostname(labels=1..10) 0\n";
    hr_case *c = parse_ok(text);
    hr_fargs a;
    char *all[3];

    (void)state;
    for (size_t n = 0; n < 3; n++) {
        assert_int_equal(hr_func_args(c->func, n, &a), 0);
        all[n] = hr_strdup(a.s[0].ptr);
        hr_fargs_release(&a);
    }
    /* Recorded when the generator was written; the goldens of
     * cases/func/ hold them too. */
    assert_string_equal(all[0], PIN0);
    assert_string_equal(all[1], PIN1);
    assert_string_equal(all[2], PIN2);
    for (size_t n = 0; n < 3; n++)
        hr_free(all[n]);
    hr_case_free(c);
}

/* test_func_errors - one clear line each, file and line */
static void test_func_errors(void **state)
{
    static const struct {
        const char *text, *error;
    } rows[] = {
        {HEAD "call int valid_hostname(str, int)\ninput \"a\" 0\n",
         "f.case:1: a func case needs a 'library' (util global dns master)"},
        {HEAD "library util\ninput \"a\" 0\n",
         "f.case:1: a func case needs a 'call'"},
        {HEAD "library util\ncall int valid_hostname(str, int)\n",
         "f.case:1: a func case needs 'input' or 'gen' lines"},
        {HEAD "library libc\n",
         "f.case:3: unknown library 'libc' (util global dns master)"},
        {HEAD "library util\ncall int system(str)\n",
         "f.case:4: function 'system' is not one a func case may call "
         "(cases/README.md, \"Func cases\")"},
        {HEAD "library util\ncall int valid_hostname(string, int)\n",
         "f.case:4: unknown type 'string' (int8..uint64, int, unsigned, "
         "long, ulong, size_t, ssize_t, off_t, str, mstr, strp, outstr, "
         "buf:N, vstr, int*, long*, ssize_t*, ptr, nametable, maclookup, "
         "mactable)"},
        {HEAD "library util\ncall blob valid_hostname(str, int)\n",
         "f.case:4: 'blob' is not a return type (void, an integer type, "
         "str, vstr, ptr, argv)"},
        {HEAD "library util\ncall int valid_hostname(str, int)\n"
              "input \"a\"\n",
         "f.case:5: 1 values for valid_hostname, which takes 2"},
        {HEAD "library util\ncall int valid_hostname(str, int)\n"
              "input \"a\" \"b\"\n",
         "f.case:5: value 2: int takes an integer"},
        {HEAD "library util\ncall int valid_hostname(str, int)\n"
              "input 1 0\n",
         "f.case:5: value 1: str takes a string"},
        {HEAD "library util\ncall int valid_hostname(str, int)\n"
              "gen 1 10 nonsense() 0\n",
         "f.case:5: unknown generator 'nonsense' (hostname ipaddr address "
         "bytes utf8 text xtext number header base64 dsn masknames macro)"},
        {HEAD "library util\ncall int valid_hostname(str, int)\n"
              "gen 1 10 hostname(labels=9..2) 0\n",
         "f.case:5: 'hostname(labels=9..2)': '9..2' is not a range A..B (0 "
         "<= A <= B <= 255)"},
        {HEAD "library util\ncall int valid_hostname(str, int)\n"
              "gen 1 10 \"a\" 0\n",
         "f.case:5: a 'gen' line without a generator: use 'input'"},
        {HEAD "library util\ncall int valid_hostname(str, int)\n"
              "input hostname() 0\n",
         "f.case:5: a generator goes on a 'gen' line"},
        {HEAD "library util\ncall int valid_hostname(str, int)\n"
              "gen 1 100001 hostname() 0\n",
         "f.case:5: 'gen' is SEED COUNT VALUE... (SEED >= 0, COUNT 1 to "
         "100000)"},
        {HEAD "library util\ncall int valid_hostname(str, int)\n"
              "input \"a\\x00\" 0\n",
         "f.case:5: '\"a\\x00\"': \\x00: a C string holds no NUL byte"},
        {HEAD "library util\ncall int valid_hostname(str, int)\n"
              "input \"open 0\n",
         "f.case:5: an unclosed quote in '\"open 0'"},
        {HEAD "library util\ncall int valid_hostname(str, int)\n"
              "input \"a\" len(2)\n",
         "f.case:5: value 2: len(2) names no other value"},
        {HEAD "library global\ncall -ptr tok822_parse_limit(str, int)\n"
              "call vstr tok822_externalize(vstr, $1, int=3)\n",
         "f.case:5: 'vstr' of a later call needs a value: TYPE=VALUE, $N "
         "or @N"},
        {HEAD "library global\ncall -ptr tok822_parse_limit(str, $2)\n",
         "f.case:4: '$2': $N and @N are for the calls after the first"},
        {HEAD "library util\nset var_queue_dir \"/\"\n",
         "f.case:4: 'set' takes a global of util_utf8_enable "
         "var_double_bounce_sender var_ownreq_special var_rcpt_delim "
         "var_myorigin var_mydomain var_myhostname var_smtputf8_enable "
         "var_strict_rfc821_env, then a value"},
        {HEAD "library util\nconfig myhostname = x\n",
         "f.case:4: 'config' is not for a func case: it starts no instance"},
        {HEAD "library util\n> HELO x\n",
         "f.case:4: '>': a func case has no session steps"},
        {HEAD "library util\nentry alpha \"x\"\n",
         "f.case:4: 'entry alpha': the mask is an integer 0 to 2147483647"},
        {HEAD "library util\ncall int name_mask_delim_opt(str, nametable, "
              "str, str, int)\ninput \"a\" \"b\" \" \" 1\n",
         "f.case:4: a nametable needs 'entry' lines"},
    };

    (void)state;
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        hr_case *c = NULL;
        int rc = hr_case_parse(&c, "f.case", rows[i].text,
                               strlen(rows[i].text));

        if (rc != HR_EINPUT || strcmp(hr_error_last(), rows[i].error) != 0)
            print_error("row %zu: %d '%s'\n", i, rc, hr_error_last());
        assert_int_equal(rc, HR_EINPUT);
        assert_string_equal(hr_error_last(), rows[i].error);
        assert_null(c);
    }
}

/* test_func_allowlist - what a case may call */
static void test_func_allowlist(void **state)
{
    (void)state;
    assert_true(hr_func_allowed("valid_hostname"));
    assert_true(hr_func_allowed("tok822_parse_limit"));
    assert_false(hr_func_allowed("system"));
    assert_false(hr_func_allowed("exec_command"));
    assert_false(hr_func_allowed("safe_open"));
    assert_false(hr_func_allowed("rewrite_clnt"));
    assert_string_equal(hr_func_library_file("util"), "libpostfix-util.so");
    assert_null(hr_func_library_file("../x"));
}

/* test_func_shipped - the shipped func cases parse; at least 25, each
 * with generated inputs and edge cases */
static void test_func_shipped(void **state)
{
    const char *dir = "cases/func";
    hr_case **cases = NULL;
    size_t n = 0;

    (void)state;
    assert_int_equal(hr_case_load_all(&cases, &n, &dir, 1, "3.7.11"), 0);
    assert_true(n >= 25);
    for (size_t i = 0; i < n; i++) {
        const hr_func *f = cases[i]->func;
        int gen = 0, explicit_ = 0;

        assert_int_equal(cases[i]->kind, HR_CASE_FUNC);
        for (size_t k = 0; k < f->ninputs; k++) {
            gen |= f->inputs[k].count > 1;
            explicit_ += f->inputs[k].count == 1;
        }
        if (!gen || explicit_ < 3)
            print_error("%s: generated %d, explicit %d\n", cases[i]->name,
                        gen, explicit_);
        assert_true(gen && explicit_ >= 3);
        assert_non_null(cases[i]->golden);
    }
    hr_case_free_all(cases, n);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_func_parse),
        cmocka_unit_test(test_func_gen),
        cmocka_unit_test(test_func_gen_pinned),
        cmocka_unit_test(test_func_errors),
        cmocka_unit_test(test_func_allowlist),
        cmocka_unit_test(test_func_shipped),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}

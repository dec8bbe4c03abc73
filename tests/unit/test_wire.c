/* test_wire.c - cases as the bytes they send, exchange by exchange */
#include <stdio.h> /* before unit.h, which uses snprintf() */
#include "unit.h"

#include "case/case.h"
#include "case/wire.h"
#include "util/mem.h"
#include "util/msg.h"

/* wire - parse text as a case and render it */
static char *wire(const char *text)
{
    hr_case *c = NULL;
    char *s;

    assert_int_equal(hr_case_parse(&c, "t.case", text, strlen(text)), 0);
    s = hr_case_wire(c);
    hr_case_free(c);
    return s;
}

#define HEAD "name t\nkind smtp\n< 220 mx\n"

static const struct {
    const char *name, *text, *want;
} rows[] = {
    {"greeting and eof", HEAD "> QUIT\n< 221 Bye\neof\n",
     "nothing, 1 reply\nsend \"QUIT\\r\\n\", 1 reply\neof\n"},
    {"a pipelined group is one write",
     HEAD "> MAIL FROM:<a@b>\n> RCPT TO:<c@d>\n< 250 a\n< 250 b\n",
     "nothing, 1 reply\n"
     "send \"MAIL FROM:<a@b>\\r\\nRCPT TO:<c@d>\\r\\n\", 2 replies\n"},
    {"DATA content stuffed and ended",
     HEAD "> DATA\n< 354 go\n| .x\n< 250 ok\n",
     "nothing, 1 reply\nsend \"DATA\\r\\n\", 1 reply\n"
     "send \"..x\\r\\n.\\r\\n\", 1 reply\n"},
    {"BDAT * takes the chunk's size", HEAD "> BDAT * LAST\n| hi\n< 250 ok\n",
     "nothing, 1 reply\nsend \"BDAT 4 LAST\\r\\nhi\\r\\n\", 1 reply\n"},
    {"raw bytes escaped; pauses left out",
     HEAD "pause 10\n~ \\x00\\xc3\\xa9\"\\\\\\t\\n\n< 500 x\n",
     "nothing, 1 reply\nsend \"\\x00\\xc3\\xa9\\\"\\\\\\t\\n\", 1 reply\n"},
    {"replies without a command", HEAD "pause 0\n< 421 timeout\neof\n",
     "nothing, 1 reply\nnothing, 1 reply\neof\n"},
};

/* test_casewire_rows - each case renders as its row says */
static void test_casewire_rows(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        char *s = wire(rows[i].text);

        if (strcmp(s, rows[i].want) != 0)
            fail_msg("%s: got\n%s", rows[i].name, s);
        hr_free(s);
    }
}

/* test_casewire_same_session - two spellings, one session */
static void test_casewire_same_session(void **state)
{
    char *a = wire(HEAD "> DATA\n< 354 go\n| x\n< 250* queued as *\n");
    char *b = wire(HEAD "~ DATA\\r\\n\n< 354 go\n~ x\\r\\n.\\r\\n\n"
                        "< 250 2.0.0 Ok: queued as *\n");

    (void)state;
    assert_string_equal(a, b);
    hr_free(a);
    hr_free(b);
}

/* test_casewire_probe - a probe has no session */
static void test_casewire_probe(void **state)
{
    char *s = wire("name p\nkind probe\nmode bv\nsender a@b\nrcpt c@d\n"
                   "expect c@d deliverable 2.0.0\n");

    (void)state;
    assert_string_equal(s, "probe\n");
    hr_free(s);
}

/* main - the casewire tests */
int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_casewire_rows),
        cmocka_unit_test(test_casewire_same_session),
        cmocka_unit_test(test_casewire_probe),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * NAME
 *	test_attrib 1
 * SUMMARY
 *	unit tests of attrib(3): a batch's log, mail and sink sessions
 *	divided among its sessions, or not at all
 * DESCRIPTION
 *	The log lines have the shape of an instance's maillog (postlogd's
 *	maillog_file), taken from real runs and renumbered.
 */
#include "unit.h"

#include <string.h>

#include "observe/attrib.h"
#include "util/mem.h"

#define L(prog, pid, text) "Dec 07 10:46:46 mx postfix/" prog "[" pid "]: " \
                           text "\n"

/* Two sessions: the first one's message goes to a local mailbox and
 * bounces a copy (a report), the second one's is forwarded; smtpd of
 * the second warns, and master says a local of the first one died. */
static const char two[] =
    L("smtpd", "100", "connect from unknown[127.0.0.1]")
    L("smtpd", "100", "B6060A9628A: client=unknown[127.0.0.1]")
    L("cleanup", "101", "B6060A9628A: message-id=<a@x>")
    L("qmgr", "50", "B6060A9628A: from=<a@x>, size=285, nrcpt=1 (queue active)")
    L("smtpd", "100", "disconnect from unknown[127.0.0.1] quit=1")
    L("smtpd", "200", "connect from unknown[127.0.0.2]")
    L("smtpd", "200", "warning: Illegal address syntax from unknown[127.0.0.2] in RCPT command: <x@@y>")
    L("smtpd", "200", "C1C1C1C1C1C: client=unknown[127.0.0.2]")
    L("local", "102", "B6060A9628A: to=<u@mx>, relay=local, status=sent (delivered)")
    L("cleanup", "103", "C4C71A9628D: message-id=<r@x>")
    L("bounce", "60", "B6060A9628A: sender delivery status notification: C4C71A9628D")
    L("qmgr", "50", "C4C71A9628D: from=<>, size=1998, nrcpt=1 (queue active)")
    L("master", "1", "warning: process /usr/libexec/postfix/local pid 102 killed by signal 11")
    L("local", "201", "C1C1C1C1C1C: to=<al@mx>, relay=local, status=sent (forwarded as D2D2D2D2D2D)")
    L("smtp", "202", "D2D2D2D2D2D: to=<far@away>, relay=127.0.0.9[127.0.0.9]:25, status=sent (250 ok)")
    L("qmgr", "50", "B6060A9628A: removed")
    L("trivial-rewrite", "70", "connect to subsystem private/proxymap")
    L("qmgr", "50", "C4C71A9628D: removed");

static void test_attrib_divides(void **state)
{
    hr_attrib_seed seeds[] = {
        {"< 250 2.0.0 Ok: queued as B6060A9628A\n", 100},
        {"< 250 2.0.0 Ok: queued as C1C1C1C1C1C\n", 200},
    };
    hr_attrib *a = NULL;
    const char *l0, *l1;

    (void)state;
    assert_int_equal(hr_attrib_new(&a, seeds, 2, two), 0);
    assert_null(hr_attrib_why(a));
    assert_int_equal(hr_attrib_qids(a), 4);
    l0 = hr_attrib_log(a, 0);
    l1 = hr_attrib_log(a, 1);
    /* by ID, by process (qmgr's notes are by ID), master's by pid */
    assert_non_null(strstr(l0, "B6060A9628A: client="));
    assert_non_null(strstr(l0, "disconnect from unknown[127.0.0.1]"));
    assert_non_null(strstr(l0, "C4C71A9628D: message-id"));
    assert_non_null(strstr(l0, "local pid 102 killed by signal 11"));
    assert_null(strstr(l0, "127.0.0.2"));
    assert_non_null(strstr(l1, "warning: Illegal address syntax"));
    assert_non_null(strstr(l1, "D2D2D2D2D2D: to=<far@away>"));
    assert_null(strstr(l1, "B6060A9628A"));
    /* no one's notes are left out */
    assert_null(strstr(l0, "trivial-rewrite"));
    assert_null(strstr(l1, "trivial-rewrite"));
    /* log order within a session */
    assert_true(strstr(l0, "client=") < strstr(l0, "removed"));
    /* mail and sink sessions by the IDs they name */
    assert_int_equal(hr_attrib_claim(a, "m1", "Received: from x\n\tby mx "
                                               "(Postfix) with ESMTP id "
                                               "B6060A9628A\n\nhi\n"),
                     0);
    assert_int_equal(hr_attrib_claim(a, "m2", "X-Postfix-Queue-ID: "
                                               "C1C1C1C1C1C\n"),
                     1);
    assert_int_equal(hr_attrib_claim(a, "m3", "boundary=\"C4C71A9628D."
                                               "1765104406/mx\""),
                     0);
    assert_null(hr_attrib_why(a));
    /* a longer word that contains an ID is not the ID */
    assert_int_equal(hr_attrib_claim(a, "a message in nobody",
                                     "id XB6060A9628A\n"),
                     -1);
    assert_string_equal(hr_attrib_why(a),
                        "a message in nobody names no session's queue ID");
    hr_attrib_free(a);
}

static void test_attrib_refuses(void **state)
{
    static const struct {
        const char *log, *why;
    } rows[] = {
        /* a verify probe or a double bounce: an ID of no session */
        {L("cleanup", "300", "EEEEEEEEEEE: message-id=<p@x>"),
         "a queue ID that no session queued: Dec 07 10:46:46 mx "
         "postfix/cleanup[300]: EEEEEEEEEEE: message-id=<p@x>"},
        /* a finding from a process that serves everyone */
        {L("trivial-rewrite", "70", "warning: valid_ipv4_hostaddr: invalid "
                                    "octet value: 999"),
         "a log line that no one session owns: Dec 07 10:46:46 mx "
         "postfix/trivial-rewrite[70]: warning: valid_ipv4_hostaddr: "
         "invalid octet value: 999"},
        /* master's line about a process nobody knows */
        {L("master", "1", "warning: process /x/smtpd pid 999 exit status 1"),
         "a log line that no one session owns: Dec 07 10:46:46 mx "
         "postfix/master[1]: warning: process /x/smtpd pid 999 exit status 1"},
        /* deferral may be the other messages' doing */
        {L("local", "102", "B6060A9628A: to=<u@mx>, relay=local, "
                           "status=deferred (busy)"),
         "mail was deferred: Dec 07 10:46:46 mx postfix/local[102]: "
         "B6060A9628A: to=<u@mx>, relay=local, status=deferred (busy)"},
        /* qmgr serves every session: its notes without an ID are no
         * one's, even when one session's mail was all it saw */
        {L("qmgr", "50", "B6060A9628A: from=<a@x>, size=2, nrcpt=1")
         L("qmgr", "50", "warning: connect to transport private/smtp: "
                         "Connection refused"),
         "a log line that no one session owns: Dec 07 10:46:46 mx "
         "postfix/qmgr[50]: warning: connect to transport private/smtp: "
         "Connection refused"},
        /* one report derived from both */
        {L("bounce", "60", "B6060A9628A: sender delivery status notification: "
                           "F0F0F0F0F0F")
         L("bounce", "60", "C1C1C1C1C1C: sender delivery status notification: "
                           "F0F0F0F0F0F"),
         "queue ID F0F0F0F0F0F derives from two sessions"},
    };
    hr_attrib_seed seeds[] = {
        {"< 250 2.0.0 Ok: queued as B6060A9628A\n", 100},
        {"< 250 2.0.0 Ok: queued as C1C1C1C1C1C\n", 200},
    };

    (void)state;
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        hr_attrib *a = NULL;

        assert_int_equal(hr_attrib_new(&a, seeds, 2, rows[i].log), 0);
        assert_non_null(hr_attrib_why(a));
        assert_string_equal(hr_attrib_why(a), rows[i].why);
        hr_attrib_free(a);
    }
}

/* A rejected transaction's ID is its smtpd's session's; a message that
 * names both sessions' IDs is refused. */
static void test_attrib_smtpd_ids(void **state)
{
    static const char log[] =
        L("smtpd", "100", "A1A1A1A1A1A: client=unknown[127.0.0.1]")
        L("smtpd", "100", "A1A1A1A1A1A: reject: DATA from unknown: 554 no")
        L("cleanup", "101", "A1A1A1A1A1A: message-id=<q@x>")
        L("smtpd", "200", "C1C1C1C1C1C: client=unknown[127.0.0.2]");
    hr_attrib_seed seeds[] = {
        {"< 554 5.5.1 Error: no valid recipients\n", 100},
        {"< 250 2.0.0 Ok: queued as C1C1C1C1C1C\n", 200},
    };
    hr_attrib *a = NULL;

    (void)state;
    assert_int_equal(hr_attrib_new(&a, seeds, 2, log), 0);
    assert_null(hr_attrib_why(a));
    assert_non_null(strstr(hr_attrib_log(a, 0), "cleanup[101]"));
    assert_int_equal(hr_attrib_claim(a, "both", "id A1A1A1A1A1A and id "
                                                "C1C1C1C1C1C"),
                     -1);
    assert_string_equal(hr_attrib_why(a),
                        "both names the queue IDs of two sessions");
    hr_attrib_free(a);
}

/* Only the server's replies name a session's IDs: a client may send
 * "queued as X" in its own commands. A pid that a cleanup and then a
 * local had is two processes. */
static void test_attrib_roots_and_pids(void **state)
{
    static const char log[] =
        L("cleanup", "300", "EEEEEEEEEEE: message-id=<p@x>")
        L("smtpd", "100", "A1A1A1A1A1A: client=unknown[127.0.0.1]")
        L("cleanup", "101", "A1A1A1A1A1A: message-id=<q@x>")
        L("local", "101", "warning: a local that reused cleanup's pid");
    hr_attrib_seed seeds[] = {
        {"> MAIL FROM:<queued as EEEEEEEEEEE>\n"
         "< 250 2.0.0 Ok: queued as A1A1A1A1A1A\n", 100},
    };
    hr_attrib *a = NULL;

    (void)state;
    assert_int_equal(hr_attrib_new(&a, seeds, 1, log), 0);
    assert_non_null(hr_attrib_why(a));
    assert_non_null(strstr(hr_attrib_why(a), "a queue ID that no session "
                                             "queued: "));
    assert_non_null(strstr(hr_attrib_why(a), "EEEEEEEEEEE"));
    hr_attrib_free(a);
    assert_int_equal(hr_attrib_new(&a, seeds, 1, log + sizeof(L("cleanup",
                                                    "300", "EEEEEEEEEEE: "
                                                    "message-id=<p@x>")) - 1),
                     0);
    assert_string_equal(hr_attrib_why(a),
                        "a log line that no one session owns: Dec 07 "
                        "10:46:46 mx postfix/local[101]: warning: a local "
                        "that reused cleanup's pid");
    hr_attrib_free(a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_attrib_divides),
        cmocka_unit_test(test_attrib_refuses),
        cmocka_unit_test(test_attrib_smtpd_ids),
        cmocka_unit_test(test_attrib_roots_and_pids),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}

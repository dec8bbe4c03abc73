/*
 * NAME
 *	test_userconf 1
 * SUMMARY
 *	unit tests of userconf(3): a user's main.cf and master.cf, judged
 * DESCRIPTION
 *	Debian 12's stock main.cf with a site's restrictions (the data of
 *	tests/data/userconf/debian-stock/) loads: what the instance owns and
 *	what it does not offer (TLS) is not applied, the tables beside it
 *	are taken and judged, myorigin's /etc/mailname is read from beside.
 *	Then one row per refusal: each is "file:line: why" with the line of
 *	the setting, or of the table file's line, and HR_EINPUT.
 */
#include "unit.h"

#include <unistd.h>

#include "case/userconf.h"
#include "util/fsutil.h"
#include "util/mem.h"
#include "util/msg.h"

static char *tmp;

/* repo_path - a file of the repository, found from this source file */
static char *repo_path(const char *rel)
{
    const char *me = __FILE__;
    const char *cut = strstr(me, "tests/unit/test_userconf.c");

    return hr_sprintf("%.*s%s", cut ? (int)(cut - me) : 0, me, rel);
}

/* put - a file in the temporary directory */
static char *put(const char *name, const char *text)
{
    char *path = hr_path_join(tmp, name);

    assert_int_equal(hr_file_write_atomic(path, text, strlen(text), 0644), 0);
    return path;
}

static int setup(void **state)
{
    (void)state;
    tmp = unit_tmpdir();
    return tmp ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    hr_rm_rf(tmp);
    free(tmp);
    return 0;
}

/* has - a list holds s */
static int has(const hr_strv *v, const char *s)
{
    return hr_strv_find(v, s) >= 0;
}

/* test_userconf_debian_stock - Debian's main.cf plus restrictions */
static void test_userconf_debian_stock(void **state)
{
    char *path = repo_path("tests/data/userconf/debian-stock/main.cf");
    hr_userconf *u = NULL;
    const hr_case_table *aliases = NULL;

    (void)state;
    if (hr_userconf_load(&u, path, NULL) < 0)
        fail_msg("%s", hr_error_last());
    assert_true(has(&u->settings, "smtpd_banner = $myhostname ESMTP "
                                  "$mail_name (Debian/GNU)"));
    assert_true(has(&u->settings, "compatibility_level = 3.6"));
    assert_true(has(&u->settings, "myorigin = example.test"));
    assert_true(has(&u->settings, "mailbox_command = "));
    assert_true(has(&u->settings, "alias_maps = table:user.aliases"));
    assert_true(has(&u->settings, "smtpd_client_restrictions = "
                                  "check_client_access "
                                  "table:user.clients-cidr"));
    assert_true(has(&u->settings, "smtpd_recipient_restrictions = "
                                  "check_recipient_access "
                                  "table:user.recipients, permit_mynetworks, "
                                  "reject_unauth_destination"));
    assert_true(has(&u->dropped, "relayhost: set by the instance to contain "
                                 "itself"));
    assert_true(has(&u->dropped, "inet_interfaces: set by the instance to "
                                 "contain itself"));
    assert_true(has(&u->dropped, "readme_directory: set by the instance to "
                                 "contain itself"));
    assert_true(has(&u->dropped, "smtpd_tls_key_file: the instance offers no "
                                 "TLS (no certificates, keys or session "
                                 "caches)"));
    assert_true(has(&u->dropped, "smtp_tls_session_cache_database: the "
                                 "instance offers no TLS (no certificates, "
                                 "keys or session caches)"));
    assert_int_equal(u->ntables, 4);
    for (size_t i = 0; i < u->ntables; i++)
        if (strcmp(u->tables[i].name, "user.aliases") == 0)
            aliases = &u->tables[i];
    assert_non_null(aliases);
    assert_string_equal(aliases->type, "hash");
    assert_true(has(&aliases->entries, "postmaster root"));
    hr_userconf_free(u);
    hr_free(path);
}

/* The refusals: a main.cf (and files beside it), and the message. */
static const struct row {
    const char *what, *main_cf, *extra_name, *extra, *err;
} rows[] = {
    {"a command", "biff = no\nmailbox_command = procmail -a $EXTENSION\n",
     NULL, NULL,
     "main.cf:2: 'mailbox_command' runs a program; the instance runs none"},
    {"command maps", "mailbox_command_maps = hash:/etc/x\n", NULL, NULL,
     "main.cf:1: 'mailbox_command_maps' runs a program"},
    {"a milter", "smtpd_milters = inet:127.0.0.1:8891\n", NULL, NULL,
     "main.cf:1: 'smtpd_milters' reaches a server outside the instance"},
    {"a policy service",
     "smtpd_recipient_restrictions =\n  permit_mynetworks,\n"
     "  check_policy_service unix:private/policy\n",
     NULL, NULL, "main.cf:1: 'smtpd_recipient_restrictions' uses "
                 "check_policy_service"},
    {"a foreign next hop", "content_filter = smtp:[192.0.2.1]:10025\n", NULL,
     NULL, "main.cf:1: 'content_filter': next hop '[192.0.2.1]:10025' is not "
           "the sink"},
    {"a transport not allowed", "local_transport = pipe:x\n", NULL, NULL,
     "main.cf:1: 'local_transport': transport 'pipe' is not allowed"},
    {"an ldap table", "virtual_alias_maps = ldap:/etc/postfix/ldap.cf\n",
     NULL, NULL, "main.cf:1: table type 'ldap' reaches outside the instance"},
    {"a proxy table", "alias_maps = proxy:unix:passwd.byname\n", NULL, NULL,
     "main.cf:1: table type 'proxy' reaches outside the instance"},
    {"a table without its file", "alias_maps = hash:/etc/aliases\n", NULL,
     NULL, "main.cf:1: table 'hash:/etc/aliases': no file 'aliases' beside"},
    {"a bad line in a table beside",
     "transport_maps = texthash:/etc/postfix/transport\n", "transport",
     "# comment\nexample.org  relay:[127.0.0.9]\n"
     "example.com  smtp:[192.0.2.7]:25\n",
     "transport:3: next hop '[192.0.2.7]:25' is not the sink"},
    {"an alias to a command", "alias_maps = texthash:/etc/aliases\n",
     "aliases", "root: pfuser\nbad: |/bin/sh -c x\n",
     "aliases:2: '|/bin/sh' is not an address a case may use"},
    {"a table nobody can judge",
     "sender_dependent_relayhost_maps = hash:/etc/postfix/relays\n",
     "relays", "@example.org [192.0.2.1]\n",
     "main.cf:1: 'sender_dependent_relayhost_maps' names a table whose "
     "values pfharness cannot judge"},
    {"a path", "smtpd_banner = see /etc/motd\nnotify_classes = /x\n", NULL,
     NULL, "main.cf:2: 'notify_classes' value '/x' is a path outside the "
           "instance"},
    {"a pipe", "smtpd_banner = $myhostname |x\n", NULL, NULL,
     "main.cf:1: 'smtpd_banner' value contains '|'"},
    {"quotes", "smtpd_banner = \"hi\"\n", NULL, NULL,
     "main.cf:1: 'smtpd_banner' value may not hold quotes"},
    {"a reference to a directory", "smtpd_banner = $queue_directory\n", NULL,
     NULL, "main.cf:1: 'smtpd_banner' may not refer to '$queue_directory'"},
    {"myorigin from a missing file", "myorigin = /etc/mailname\n", NULL, NULL,
     "main.cf:1: 'myorigin = /etc/mailname' names a file: give 'mailname' "
     "beside"},
    {"not a setting", "biff = no\njust some words\n", NULL, NULL,
     "main.cf:2: expected 'parameter = value'"},
    {"a compatibility level", "compatibility_level = latest; x\n", NULL, NULL,
     "main.cf:1: 'compatibility_level' needs a level"},
    {"pfharness's own notation", "alias_maps = table:x\n", NULL, NULL,
     "main.cf:1: 'table:' is pfharness's own notation"},
    {"the notation in a banner", "smtpd_banner = hi table:x\n", NULL, NULL,
     "main.cf:1: 'smtpd_banner' value may not hold a word 'table:...'"},
    {"an include in a banner", "smtpd_banner = :include:/x\n", NULL, NULL,
     "main.cf:1: 'smtpd_banner' value may not use ':include:'"},
    {"a carriage return", "biff = no\r\n", NULL, NULL,
     "main.cf:1: a NUL byte or a carriage return"},
};

/* test_userconf_refusals - every row is file:line and HR_EINPUT */
static void test_userconf_refusals(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        char *main_cf = put("main.cf", rows[i].main_cf);
        char *extra = rows[i].extra_name
                          ? put(rows[i].extra_name, rows[i].extra)
                          : NULL;
        char *want = hr_sprintf("%s/%s", tmp, rows[i].err);
        hr_userconf *u = NULL;
        int rc = hr_userconf_load(&u, main_cf, NULL);

        if (rc != HR_EINPUT ||
            strncmp(hr_error_last(), want, strlen(want)) != 0)
            fail_msg("row %zu (%s): rc %d, '%s', wanted '%s...'", i,
                     rows[i].what, rc, hr_error_last(), want);
        assert_null(u);
        if (extra)
            unlink(extra);
        hr_free(extra);
        hr_free(main_cf);
        hr_free(want);
    }
}

/* test_userconf_master - services of daemons an instance has */
static void test_userconf_master(void **state)
{
    static const struct {
        const char *master, *err; /* NULL: loads */
    } mrows[] = {
        {"submission inet n - y - - smtpd\n"
         "  -o smtpd_tls_security_level=encrypt\n"
         "  -o smtpd_sasl_auth_enable=yes\n"
         "  -o smtpd_client_restrictions=permit_mynetworks,reject\n",
         NULL},
        {"maildrop unix - n n - - pipe\n  flags=DRhu user=vmail "
         "argv=/usr/bin/maildrop -d ${recipient}\n",
         "master.cf:1: command 'pipe' is not a daemon an instance runs"},
        {"192.0.2.1:25 inet n - y - - smtpd\n",
         "master.cf:1: service '192.0.2.1:25': a name, a port, or "
         "127.0.0.1:port"},
        {"smtp inet n - y - - smtpd -o content_filter=smtp:[192.0.2.1]\n",
         "master.cf:1: 'content_filter': next hop '[192.0.2.1]' is not the "
         "sink"},
        {"smtp inet n - y - - smtpd -D\n",
         "master.cf:1: '-D': only '-o name=value' and '-v'"},
        {"smtp inet n - y\n", "master.cf:1: a service needs 8 fields"},
    };
    char *main_cf = put("main.cf", "biff = no\n");

    (void)state;
    for (size_t i = 0; i < sizeof(mrows) / sizeof(mrows[0]); i++) {
        char *master = put("master.cf", mrows[i].master);
        hr_userconf *u = NULL;
        int rc = hr_userconf_load(&u, main_cf, master);

        if (mrows[i].err == NULL) {
            if (rc != 0)
                fail_msg("row %zu: %s", i, hr_error_last());
            assert_int_equal(u->services.n, 1);
            /* chroot off; TLS and SASL left out; the rest judged */
            assert_string_equal(u->services.v[0],
                                "submission inet n - n - - smtpd -o "
                                "smtpd_client_restrictions=permit_mynetworks,"
                                "reject");
            assert_true(has(&u->settings, "biff = no"));
            assert_int_equal(u->settings.n, 1);
        } else {
            char *want = hr_sprintf("%s/%s", tmp, mrows[i].err);

            if (rc != HR_EINPUT ||
                strncmp(hr_error_last(), want, strlen(want)) != 0)
                fail_msg("row %zu: '%s', wanted '%s...'", i, hr_error_last(),
                         want);
            hr_free(want);
        }
        hr_userconf_free(u);
        hr_free(master);
    }
    hr_free(main_cf);
}

int main(void)
{
    static const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_userconf_debian_stock),
        cmocka_unit_test_setup_teardown(test_userconf_refusals, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_userconf_master, setup,
                                        teardown),
    };

    return cmocka_run_group_tests_name("userconf", tests, NULL, NULL);
}

/*
 * fuzz_userconf.c - libFuzzer target: a user's main.cf, judged
 *
 * The input is a main.cf; beside it lie fixed, well-formed tables
 * (aliases, access, clients.cidr, checks.pcre) and a mailname, so that
 * table references can be taken. Whatever userconf(3) accepts must hold
 * its promises, checked here apart from userconf.c:
 *
 * - no applied setting holds '|', ":include:", '"', '\\' or a word that
 *   starts with '/';
 * - every table an applied setting names is table:NAME, inline:,
 *   static: or fail:, and every table:NAME is one of out->tables;
 * - no applied *_command (but disable_vrfy_command) has a value, and
 *   nothing the instance owns is applied (relayhost, *_directory, ...);
 * - a transport setting (*_transport, content_filter) names an allowed
 *   transport with the sink as the only smtp or relay next hop.
 *
 * Seeds: tests/data/fuzz/fuzz_userconf/, Debian's stock main.cf and the
 * refusals of test_userconf.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "case/config.h"
#include "case/userconf.h"
#include "util/fsutil.h"
#include "util/mem.h"
#include "util/msg.h"
#include "util/strv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char *dir;

/* cleanup - the temporary directory goes at exit */
static void cleanup(void)
{
    hr_rm_rf(dir);
}

/* beside - the fixed tables, once */
static void beside(void)
{
    static const char *const files[][2] = {
        {"aliases", "postmaster: pfuser\nabuse: alice, bob@example.test\n"},
        {"access", "spam.example REJECT go away\n127.0.0.2 OK\n"},
        {"clients.cidr", "127.0.0.66/32 REJECT blocked\n127.0.0.0/8 DUNNO\n"},
        {"checks.pcre", "/^Subject:\\s*spam/ REJECT no\n"},
        {"transport", "example.org relay:[127.0.0.9]\n"},
        {"mailname", "example.test\n"},
    };
    char tmpl[] = "/tmp/pfh-fuzz-userconf-XXXXXX";

    if (dir)
        return;
    if (mkdtemp(tmpl) == NULL)
        hr_panic("mkdtemp");
    dir = hr_strdup(tmpl);
    atexit(cleanup);
    for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
        char *p = hr_path_join(dir, files[i][0]);

        if (hr_file_write_atomic(p, files[i][1], strlen(files[i][1]), 0644) <
            0)
            hr_panic("cannot write %s", p);
        hr_free(p);
    }
}

/* promise - one applied "name = value" */
static void promise(const hr_userconf *u, const char *line)
{
    size_t n = strcspn(line, " ");
    const char *v = strstr(line, " = ") + 3;
    char *name = hr_strndup(line, n);
    hr_strv words = HR_STRV_INIT;

    if (strpbrk(v, "|\"\\") || strcasestr(v, ":include:"))
        hr_panic("accepted '%s'", line);
    if (hr_userconf_harness_owned(name))
        hr_panic("applied what the instance owns: '%s'", line);
    if (n > 8 && strcmp(name + n - 8, "_command") == 0 &&
        strcmp(name, "disable_vrfy_command") != 0 && *v)
        hr_panic("applied a command: '%s'", line);
    if (((n > 10 && strcmp(name + n - 10, "_transport") == 0) ||
         strcmp(name, "content_filter") == 0) &&
        *v) {
        char *why = hr_config_check_transport(v);

        if (why)
            hr_panic("applied a transport its check refuses: '%s'", line);
    }
    hr_strv_split(&words, v, " \t,{}=");
    for (size_t i = 0; i < words.n; i++) {
        const char *w = words.v[i];
        const char *c = strchr(w, ':');

        if (w[0] == '/' && strcmp(name, "smtpd_banner") != 0 &&
            strstr(name, "footer") == NULL && strcmp(name, "mail_name") != 0)
            hr_panic("a path was applied: '%s'", line);
        if (c && strncmp(w, "table:", 6) == 0) {
            int found = 0;

            for (size_t t = 0; t < u->ntables; t++)
                found |= strcmp(u->tables[t].name, w + 6) == 0;
            if (!found)
                hr_panic("table:%s is not one of the tables", w + 6);
        }
    }
    hr_strv_release(&words);
    hr_free(name);
}

/* LLVMFuzzerTestOneInput - one main.cf */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *path;
    hr_userconf *u = NULL;

    beside();
    path = hr_path_join(dir, "main.cf");
    if (hr_file_write_atomic(path, data, size, 0644) < 0)
        hr_panic("cannot write %s", path);
    if (hr_userconf_load(&u, path, NULL) == 0) {
        for (size_t i = 0; i < u->settings.n; i++)
            promise(u, u->settings.v[i]);
        hr_userconf_free(u);
    }
    hr_error_clear();
    hr_free(path);
    return 0;
}

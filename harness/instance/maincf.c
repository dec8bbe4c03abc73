/*
 * NAME
 *	instance/maincf 3
 * SUMMARY
 *	main.cf, master.cf and the tables of an instance
 * SYNOPSIS
 *	#include "instance/maincf.h"
 *
 *	int	hr_maincf_render(main_out, master_out, dir, opts)
 *	int	hr_maincf_write(dir, opts)
 *	int	hr_maincf_put_file(path, text, mode)
 *	int	hr_instance_users(out)
 * DESCRIPTION
 *	hr_maincf_render() is pure: it renders the text of main.cf and
 *	master.cf of the instance in the absolute directory dir from opts
 *	and the build, and touches no file. It adapts to the build's
 *	version: compatibility_level is that version's own (2 before 3.6,
 *	which knows no other form), and a parameter that the build's
 *	postconf -d does not list, the harness's or a case's, is left out. The paths it names (etc/,
 *	etc/tables/, queue/, data/, mail/, sanitizer/, maillog) are the
 *	ones hr_instance_start() makes. The caller frees both strings.
 *
 *	hr_maincf_write() writes the tables (the fixed local users,
 *	mailboxes and aliases, and the case's), main.cf and master.cf
 *	into dir/etc, which must exist.
 *
 *	hr_maincf_put_file() writes a file atomically with a fixed time
 *	stamp in the past, so that Postfix never waits for it to cool
 *	down.
 *
 *	hr_instance_users() appends the local users every instance has.
 * DIAGNOSTICS
 *	Functions return 0 or a negative code with hr_error_set().
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "instance/maincf.h"
#include "instance/spool.h"
#include "case/config.h"
#include "instance/sink.h"
#include "util/buf.h"
#include "util/fsutil.h"
#include "util/mem.h"
#include "util/msg.h"
#include "util/version.h"

/* Local users of every instance, and the aliases every instance has. */
static const char *const users[] = {
    "pfuser", "alice", "bob", "carol", "dave", "erin", "frank", "probe",
    "sender", NULL,
};
static const char *const base_aliases[] = {
    "postmaster pfuser", "root pfuser", "abuse pfuser",
    "mailer-daemon pfuser", NULL,
};
static const char *const local_domains[] = {
    HR_MYDOMAIN, HR_MYHOSTNAME, "localhost", "localhost." HR_MYDOMAIN, NULL,
};

/* paths - where everything of the instance in dir is */
typedef struct paths {
    char *dir, *etc, *tables, *queue, *data, *mail, *san, *maillog;
} paths;

/* paths_init - the layout hr_instance_start() makes */
static void paths_init(paths *p, const char *dir)
{
    p->dir = hr_strdup(dir);
    p->etc = hr_path_join(p->dir, "etc");
    p->tables = hr_path_join(p->etc, "tables");
    p->queue = hr_sprintf("%s/%s/queue", p->dir, HR_SPOOL_DIR);
    p->data = hr_sprintf("%s/%s/data", p->dir, HR_SPOOL_DIR);
    p->mail = hr_sprintf("%s/%s/mail", p->dir, HR_SPOOL_DIR);
    p->san = hr_path_join(p->dir, "sanitizer");
    p->maillog = hr_path_join(p->dir, "maillog");
}

/* paths_release - free */
static void paths_release(paths *p)
{
    hr_free(p->dir);
    hr_free(p->etc);
    hr_free(p->tables);
    hr_free(p->queue);
    hr_free(p->data);
    hr_free(p->mail);
    hr_free(p->san);
    hr_free(p->maillog);
}

/* hr_maincf_put_file - write a configuration file, with an old time stamp */
int hr_maincf_put_file(const char *path, const char *text, mode_t mode)
{
    /* Postfix's load_file() re-reads a file that changed within the last
     * second ("let it cool down"), in 300 ms steps: give generated files a
     * fixed time in the past. */
    struct timespec times[2] = {{946684800, 0}, {946684800, 0}};
    int error;

    if ((error = hr_file_write_atomic(path, text, strlen(text), mode)) < 0)
        return error;
    if (utimensat(AT_FDCWD, path, times, 0) < 0)
        return hr_error_set(HR_ERROR, "cannot set the time of '%s': %s", path,
                            strerror(errno));
    return 0;
}

/* param - one main.cf setting in an ordered list */
typedef struct param {
    char *name;
    char *value;
} param;

typedef struct params {
    param *v;
    size_t n, cap;
} params;

/* set - add or replace a setting, keeping the first position */
static void set(params *ps, const char *name, const char *value)
{
    for (size_t i = 0; i < ps->n; i++) {
        if (strcmp(ps->v[i].name, name) == 0) {
            hr_free(ps->v[i].value);
            ps->v[i].value = hr_strdup(value);
            return;
        }
    }
    if (ps->n == ps->cap) {
        ps->cap = ps->cap ? ps->cap * 2 : 64;
        ps->v = hr_realloc(ps->v, ps->cap * sizeof(param));
    }
    ps->v[ps->n].name = hr_strdup(name);
    ps->v[ps->n].value = hr_strdup(value);
    ps->n++;
}

/* params_release - free */
static void params_release(params *ps)
{
    for (size_t i = 0; i < ps->n; i++) {
        hr_free(ps->v[i].name);
        hr_free(ps->v[i].value);
    }
    hr_free(ps->v);
}

/* set_line - apply "name = value" */
static int set_line(params *ps, const char *line)
{
    const char *eq = strchr(line, '=');
    char *name;
    const char *value;
    size_t n;

    if (eq == NULL)
        return hr_error_set(HR_EINPUT, "setting '%s' has no '='", line);
    n = (size_t)(eq - line);
    while (n > 0 && (line[n - 1] == ' ' || line[n - 1] == '\t'))
        n--;
    name = hr_strndup(line, n);
    value = eq + 1;
    value += strspn(value, " \t");
    set(ps, name, value);
    hr_free(name);
    return 0;
}

/* compat_level - what compatibility_level a version accepts for itself:
 * "3.7" for 3.7.11 and for the snapshot 3.7-20220101; Postfix before 3.6
 * knows only the levels 0, 1 and 2 (2 is 3.0 to 3.5's own) */
static char *compat_level(const char *version)
{
    hr_version v;

    if (hr_version_parse(&v, version) < 0) {
        hr_error_clear();
        return hr_strdup("2");
    }
    if (!hr_version_at_least(version, 3, 6))
        return hr_strdup("2");
    return hr_sprintf("%d.%d", v.major, v.minor);
}

/* hr_instance_ntables - the case's tables and the user's */
size_t hr_instance_ntables(const hr_instance_opts *o)
{
    return o->ntables + (o->user ? o->user->ntables : 0);
}

/* hr_instance_table - table i of the case's, then of the user's */
const hr_case_table *hr_instance_table(const hr_instance_opts *o, size_t i)
{
    return i < o->ntables ? &o->tables[i] : &o->user->tables[i - o->ntables];
}

/* table_params - the case's tables that are parameters, as texthash: */
static void table_params(params *ps, const paths *p, const hr_instance_opts *o)
{
    for (size_t i = 0; i < o->ntables; i++) {
        const hr_case_table *t = &o->tables[i];

        if (t->is_param && strcmp(t->name, "alias_maps") != 0) {
            char *tp = hr_path_join(p->tables, t->name);
            char *v = hr_sprintf("texthash:%s", tp);

            set(ps, t->name, v);
            hr_free(v);
            hr_free(tp);
        }
    }
}

/* write_tables - fixed tables plus the case's */
static int write_tables(const paths *p, const hr_instance_opts *o)
{
    hr_buf users_t = HR_BUF_INIT, boxes = HR_BUF_INIT, aliases = HR_BUF_INIT;
    char *path;
    int error = 0;

    for (const char *const *u = users; *u; u++) {
        hr_buf_printf(&users_t, "%s x\n", *u);
        for (const char *const *d = local_domains; *d; d++)
            hr_buf_printf(&boxes, "%s@%s %s/\n", *u, *d, *u);
    }
    for (const char *const *a = base_aliases; *a; a++)
        hr_buf_printf(&aliases, "%s\n", *a);
    for (size_t i = 0; i < hr_instance_ntables(o); i++) {
        const hr_case_table *t = hr_instance_table(o, i);
        hr_buf content = HR_BUF_INIT;

        for (size_t j = 0; j < t->entries.n; j++)
            hr_buf_printf(&content, "%s\n", t->entries.v[j]);
        if (t->is_param && strcmp(t->name, "alias_maps") == 0) {
            hr_buf_puts(&aliases, hr_buf_cstr(&content));
        } else {
            char *tp = hr_path_join(p->tables, t->name);

            error = hr_maincf_put_file(tp, hr_buf_cstr(&content), 0644);
            hr_free(tp);
        }
        hr_buf_release(&content);
        if (error < 0)
            goto done;
    }
    path = hr_path_join(p->etc, "local_users");
    error = hr_maincf_put_file(path, hr_buf_cstr(&users_t), 0644);
    hr_free(path);
    if (error < 0)
        goto done;
    path = hr_path_join(p->etc, "mailboxes");
    error = hr_maincf_put_file(path, hr_buf_cstr(&boxes), 0644);
    hr_free(path);
    if (error < 0)
        goto done;
    path = hr_path_join(p->etc, "aliases");
    error = hr_maincf_put_file(path, hr_buf_cstr(&aliases), 0644);
    hr_free(path);
done:
    hr_buf_release(&users_t);
    hr_buf_release(&boxes);
    hr_buf_release(&aliases);
    return error;
}


/* import_env - import_environment with the libenv and sanitizer options */
static char *import_env(const paths *in, const hr_instance_opts *o)
{
    hr_buf b = HR_BUF_INIT;
    const hr_build *bd = o->build;

    hr_buf_puts(&b, "MAIL_CONFIG MAIL_DEBUG MAIL_LOGTAG TZ=UTC LANG=C "
                    "POSTLOG_SERVICE POSTLOG_HOSTNAME");
    if (bd->sanitizer && strcmp(bd->sanitizer, "ubsan") == 0)
        hr_buf_printf(&b, " UBSAN_OPTIONS=log_path=%s/ubsan:print_stacktrace=1"
                          ":halt_on_error=0", in->san);
    if (bd->sanitizer && strcmp(bd->sanitizer, "asan") == 0)
        hr_buf_printf(&b, " ASAN_OPTIONS=log_path=%s/asan:detect_leaks=0"
                          ":abort_on_error=1", in->san);
    for (size_t i = 0; i < bd->env.n; i++)
        hr_buf_printf(&b, " %s", bd->env.v[i]);
    for (size_t i = 0; o->libenv && i < o->libenv->n; i++)
        hr_buf_printf(&b, " %s", o->libenv->v[i]);
    return hr_buf_detach(&b);
}

/* render_main_cf - main.cf from scratch */
static int render_main_cf(char **out, const paths *in,
                          const hr_instance_opts *o)
{
    const hr_build *bd = o->build;
    params ps = {NULL, 0, 0};
    hr_buf text = HR_BUF_INIT;
    hr_strv types = HR_STRV_INIT;
    char *v;
    int error = 0;

#define SETF(name, ...)                                                        \
    do {                                                                       \
        v = hr_sprintf(__VA_ARGS__);                                           \
        set(&ps, name, v);                                                     \
        hr_free(v);                                                            \
    } while (0)

    v = compat_level(bd->source_version);
    set(&ps, "compatibility_level", v);
    hr_free(v);
    /* Where everything is: the instance, or the build's stage. */
    set(&ps, "config_directory", in->etc);
    set(&ps, "queue_directory", in->queue);
    set(&ps, "data_directory", in->data);
    v = hr_build_daemon_dir(bd);
    set(&ps, "daemon_directory", v);
    hr_free(v);
    SETF("command_directory", "%s/usr/sbin", bd->stage);
    SETF("meta_directory", "%s/etc/postfix", bd->stage);
    SETF("sample_directory", "%s/etc/postfix", bd->stage);
    SETF("manpage_directory", "%s/usr/local/man", bd->stage);
    if (bd->shared)
        SETF("shlib_directory", "%s/usr/lib/postfix", bd->stage);
    else
        set(&ps, "shlib_directory", "no");
    set(&ps, "html_directory", "no");
    set(&ps, "readme_directory", "no");
    SETF("sendmail_path", "%s/usr/sbin/sendmail", bd->stage);
    SETF("newaliases_path", "%s/usr/bin/newaliases", bd->stage);
    SETF("mailq_path", "%s/usr/bin/mailq", bd->stage);
    set(&ps, "mail_owner", "postfix");
    set(&ps, "setgid_group", "postdrop");
    set(&ps, "maillog_file", in->maillog);
    set(&ps, "maillog_file_prefixes", in->dir);
    v = import_env(in, o);
    set(&ps, "import_environment", v);
    hr_free(v);
    /* Identity and routing: fixed names, no DNS, the sink for the rest. */
    set(&ps, "myhostname", HR_MYHOSTNAME);
    set(&ps, "mydomain", HR_MYDOMAIN);
    set(&ps, "mydestination",
        "$myhostname, localhost.$mydomain, localhost, $mydomain");
    set(&ps, "mynetworks", "127.0.0.1/32");
    set(&ps, "inet_interfaces", "127.0.0.1");
    set(&ps, "inet_protocols", "ipv4");
    SETF("relayhost", "[%s]:%d", HR_SINK_ADDR, HR_SINK_PORT);
    set(&ps, "smtp_dns_support_level", "disabled");
    set(&ps, "smtp_host_lookup", "native");
    set(&ps, "smtpd_peername_lookup", "no");
    set(&ps, "smtp_connection_cache_on_demand", "no");
    set(&ps, "biff", "no");
    /* Local users and mailboxes that belong to the instance. */
    SETF("alias_maps", "texthash:%s/aliases", in->etc);
    set(&ps, "alias_database", "");
    SETF("local_recipient_maps", "texthash:%s/local_users, $alias_maps",
         in->etc);
    set(&ps, "mailbox_transport", "mailbox");
    set(&ps, "virtual_mailbox_base", in->mail);
    SETF("virtual_mailbox_maps", "texthash:%s/mailboxes", in->etc);
    set(&ps, "virtual_uid_maps", "static:65534");
    set(&ps, "virtual_gid_maps", "static:65534");
    set(&ps, "address_verify_map", "");
    /* What no case needs: delivery to commands and files, and the
     * .forward files of host accounts. */
    if (!hr_config_unchecked()) {
        set(&ps, "allow_mail_to_commands", "");
        set(&ps, "allow_mail_to_files", "");
        set(&ps, "forward_path", "");
    }
    /* No waiting, no state carried between cases. */
    set(&ps, "smtpd_error_sleep_time", "0");
    set(&ps, "in_flow_delay", "0");
    set(&ps, "max_use", "1");
    /* A daemon that crashes on its first connection makes master throttle
     * the service (60 s by default): each case then waits a second, not a
     * minute, for the next one to crash the same way. */
    set(&ps, "service_throttle_time", "1s");
    set(&ps, "debug_peer_level", "2");
    for (size_t i = 0; o->extra_main && i < o->extra_main->n; i++)
        if ((error = set_line(&ps, o->extra_main->v[i])) < 0)
            goto done;
    for (size_t i = 0; i < hr_instance_ntables(o); i++)
        if (!hr_instance_table(o, i)->is_param)
            hr_strv_addf(&types, "%s %s", hr_instance_table(o, i)->name,
                         hr_instance_table(o, i)->type);
    /* The user's configuration over the base, the case's over that. */
    for (size_t i = 0; o->user && i < o->user->settings.n; i++) {
        char *expanded = hr_config_render(
            o->user->settings.v[i], in->tables,
            (const char *const *)hr_strv_argv(&types));

        error = set_line(&ps, expanded);
        hr_free(expanded);
        if (error < 0)
            goto done;
    }
    for (size_t i = 0; o->config && i < o->config->n; i++) {
        char *expanded = hr_config_render(
            o->config->v[i], in->tables,
            (const char *const *)hr_strv_argv(&types));

        error = set_line(&ps, expanded);
        hr_free(expanded);
        if (error < 0)
            goto done;
    }
    table_params(&ps, in, o);
#undef SETF
    hr_buf_puts(&text, "# main.cf generated by pfharness; do not edit\n");
    /* A parameter that this version does not know would only make
     * Postfix warn "unused parameter" into every case's log: an older
     * release lacks smtpd_forbid_unauth_pipelining, say. It is left
     * out; what the version then does is what it does. */
    for (size_t i = 0; i < ps.n; i++)
        if (bd->params.n == 0 || hr_build_knows(bd, ps.v[i].name))
            hr_buf_printf(&text, "%s = %s\n", ps.v[i].name, ps.v[i].value);
    *out = hr_buf_detach(&text);
done:
    params_release(&ps);
    hr_buf_release(&text);
    hr_strv_release(&types);
    return error;
}

/* The services of master.cf: name, type, private, unpriv, wakeup,
 * maxproc, command, and -o options. chroot is off everywhere. There is
 * no lmtp and no pipe service: a transport that names one finds no
 * server, so that mail cannot go to a UNIX socket or a command.
 *
 * max_use = 1 (main.cf) gives every case fresh daemons, so that nothing
 * a daemon caches or logs once per process depends on which cases ran
 * before. pickup and the bounce daemons handle one request at a time
 * with nothing to carry over, and are the most frequently spawned: they
 * may live for 100 requests. */
static const char *const services[][8] = {
    {"smtp", "inet", "n", "-", "-", "-", "smtpd", ""},
    {"pickup", "unix", "n", "-", "60", "1", "pickup", "-o max_use=100"},
    {"cleanup", "unix", "n", "-", "-", "0", "cleanup", ""},
    {"qmgr", "unix", "n", "-", "300", "1", "qmgr", ""},
    {"rewrite", "unix", "-", "-", "-", "-", "trivial-rewrite", ""},
    {"bounce", "unix", "-", "-", "-", "0", "bounce", "-o max_use=100"},
    {"defer", "unix", "-", "-", "-", "0", "bounce", "-o max_use=100"},
    {"trace", "unix", "-", "-", "-", "0", "bounce", "-o max_use=100"},
    {"verify", "unix", "-", "-", "-", "1", "verify", ""},
    {"flush", "unix", "n", "-", "1000?", "0", "flush", ""},
    {"proxymap", "unix", "-", "-", "-", "-", "proxymap", ""},
    {"proxywrite", "unix", "-", "-", "-", "1", "proxymap", ""},
    /* Delivery agents one at a time per transport. Deliveries of one
     * message that finish together make the bounce daemons append to the
     * message's log at once, and a lost lock race costs a 0.5-1.5 s
     * sleep (deliver_flock); one at a time also takes the order in which
     * parallel deliveries finish out of what a case can observe. */
    {"smtp", "unix", "-", "-", "-", "1", "smtp", ""},
    {"relay", "unix", "-", "-", "-", "1", "smtp", ""},
    {"showq", "unix", "n", "-", "-", "-", "showq", ""},
    {"error", "unix", "-", "-", "-", "1", "error", ""},
    {"retry", "unix", "-", "-", "-", "1", "error", ""},
    {"discard", "unix", "-", "-", "-", "1", "discard", ""},
    {"local", "unix", "-", "n", "-", "1", "local", ""},
    {"virtual", "unix", "-", "n", "-", "1", "virtual", ""},
    {"mailbox", "unix", "-", "n", "-", "1", "virtual", ""},
    {"anvil", "unix", "-", "-", "-", "1", "anvil", ""},
    {"scache", "unix", "-", "-", "-", "1", "scache", ""},
    /* postlogd counts each datagram as a use: with max_use = 1 master
     * spawned a new one for every log record. It keeps no state that a
     * case can observe. (max_use must be 1 or more: a million.) */
    {"postlog", "unix-dgram", "n", "-", "-", "1", "postlogd",
     "-o max_use=1000000"},
};

/* replaced_by_user - the user's master.cf has service NAME of TYPE */
static int replaced_by_user(const hr_instance_opts *o, const char *name,
                            const char *type)
{
    for (size_t i = 0; o->user && i < o->user->services.n; i++) {
        const char *v = o->user->services.v[i];
        size_t n = strlen(name), t = strlen(type);

        if (strncmp(v, name, n) == 0 && v[n] == ' ' &&
            strncmp(v + n + 1, type, t) == 0 && v[n + 1 + t] == ' ')
            return 1;
    }
    return 0;
}

/* render_master_cf - master.cf from scratch */
static char *render_master_cf(const hr_instance_opts *o)
{
    hr_buf text = HR_BUF_INIT;

    hr_buf_puts(&text, "# master.cf generated by pfharness; chroot is off "
                       "everywhere\n");
    for (size_t i = 0; i < sizeof(services) / sizeof(services[0]); i++) {
        const char *const *s = services[i];

        if (replaced_by_user(o, s[0], s[1]))
            continue;
        hr_buf_printf(&text, "%-10s %-10s %-4s %-4s n    %-6s %-4s %s%s%s",
                      s[0], s[1], s[2], s[3], s[4], s[5], s[6],
                      *s[7] ? " " : "", s[7]);
        /* Escalation: "smtpd -v" adds -v to every service running smtpd. */
        for (size_t j = 0; o->service_args && j < o->service_args->n; j++) {
            const char *a = o->service_args->v[j];
            size_t n = strcspn(a, " ");

            if (strlen(s[6]) == n && strncmp(a, s[6], n) == 0 && a[n])
                hr_buf_printf(&text, " %s", a + n + 1);
        }
        hr_buf_putc(&text, '\n');
    }
    for (size_t i = 0; o->user && i < o->user->services.n; i++)
        hr_buf_printf(&text, "%s\n", o->user->services.v[i]);
    /* The test-only switch takes the instance's own denials away too. */
    if (hr_config_unchecked())
        hr_buf_puts(&text, "lmtp       unix       -    -    n    -      1    "
                           "lmtp\n");
    return hr_buf_detach(&text);
}

/* hr_maincf_render - main.cf and master.cf as text; touches no file */
int hr_maincf_render(char **main_out, char **master_out, const char *dir,
                     const hr_instance_opts *o)
{
    paths p;
    int error;

    *main_out = NULL;
    *master_out = NULL;
    paths_init(&p, dir);
    if ((error = render_main_cf(main_out, &p, o)) == 0)
        *master_out = render_master_cf(o);
    paths_release(&p);
    return error;
}

/* hr_maincf_write - the tables, main.cf and master.cf into dir/etc */
int hr_maincf_write(const char *dir, const hr_instance_opts *o)
{
    char *main_cf = NULL, *master_cf = NULL, *path = NULL;
    paths p;
    int error;

    paths_init(&p, dir);
    if ((error = hr_maincf_render(&main_cf, &master_cf, dir, o)) < 0 ||
        (error = write_tables(&p, o)) < 0)
        goto done;
    path = hr_path_join(p.etc, "main.cf");
    if ((error = hr_maincf_put_file(path, main_cf, 0644)) < 0)
        goto done;
    hr_free(path);
    path = hr_path_join(p.etc, "master.cf");
    error = hr_maincf_put_file(path, master_cf, 0644);
done:
    hr_free(path);
    hr_free(main_cf);
    hr_free(master_cf);
    paths_release(&p);
    return error;
}

/* hr_instance_users - the local users every instance has */
int hr_instance_users(hr_strv *out)
{
    for (const char *const *u = users; *u; u++)
        hr_strv_add(out, *u);
    return 0;
}

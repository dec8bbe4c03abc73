/*
 * NAME
 *	instance/instance 3
 * SUMMARY
 *	one private Postfix instance in its own network namespace
 * SYNOPSIS
 *	#include "instance/instance.h"
 *
 *	int	hr_instance_start(out, opts)
 *	int	hr_instance_stop(in)
 *	void	hr_instance_free(in)
 *
 *	int	hr_instance_log_mark(in, slice)
 *	int	hr_instance_settle(in, timeout_ms)
 *	int	hr_instance_take_mail(in, out, count)
 *	int	hr_instance_take_sanitizer(in, out)
 *	int	hr_instance_reset(in)
 * DESCRIPTION
 *	hr_instance_start() creates the instance directory (etc/, queue/,
 *	data/, mail/, sanitizer/), writes main.cf and master.cf from
 *	scratch, creates a network namespace with lo up, starts the sink
 *	on 127.0.0.9:25 there, starts the build's master as a child of the
 *	harness in its own session inside the namespace, and waits, for a
 *	bounded time, until smtpd's greeting arrives on 127.0.0.1:25. If
 *	start-up fails, the error names the first fatal or panic line of
 *	the instance's maillog.
 *
 *	The configuration is deterministic: fixed myhostname and mydomain,
 *	no DNS, all non-local mail relayed to the sink, chroot off, no
 *	delays (smtpd_error_sleep_time = 0, in_flow_delay = 0), no
 *	connection cache, max_use = 1 so that no daemon carries state from
 *	one case into the next, and TZ=UTC. Local users exist only in the
 *	instance (local_recipient_maps is a table); local(8) hands mailbox
 *	delivery to a virtual(8) service named "mailbox" that writes
 *	Maildirs under mail/, so that nothing depends on the host's
 *	accounts. The libenv's variables and the sanitizer options reach
 *	every daemon through import_environment.
 *
 *	hr_instance_log_mark() sends a marker through the instance's own
 *	postlog socket and waits (inotify) until postlogd has written it;
 *	every line logged before the call is then in the file, and slice
 *	receives the log text since the previous mark.
 *
 *	hr_instance_settle() waits (inotify) until the maildrop, incoming
 *	and active queues are empty and the sink has no open session: all
 *	mail of a case has been delivered, deferred or bounced.
 *
 *	hr_instance_stop() stops master (SIGTERM to its process group, then
 *	SIGKILL), any process left in the namespace, and the sink, and
 *	removes the namespace. It is idempotent; hr_instance_free() calls it.
 * DIAGNOSTICS
 *	Functions return 0 or a negative code with hr_error_set().
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "instance/instance.h"
#include "util/clock.h"
#include "util/fsutil.h"
#include "util/mem.h"
#include "util/msg.h"
#include "instance/netns.h"
#include "instance/sink.h"
#include "util/spawn.h"

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

/* Queues that hold mail still in flight. */
static const char *const busy_queues[] = {"maildrop", "incoming", "active",
                                          NULL};

struct hr_instance {
    char *dir, *etc, *tables, *queue, *data, *mail, *san, *maillog;
    char *netns;
    const hr_build *build;
    hr_strv env;            /* for commands run against the instance */
    hr_sink *sink;
    pid_t master;
    int netns_made;
    long mark_seq;
    off_t log_offset;       /* where the previous mark ended */
    double start_seconds;
};

/* put_file - write a configuration file, with an old time stamp */
static int put_file(const char *path, const char *text, mode_t mode)
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

/* compat_level - "3.7" from "3.7.11" */
static char *compat_level(const char *version)
{
    const char *dot = strchr(version, '.');
    size_t n = dot ? strcspn(dot + 1, ".") + (size_t)(dot - version) + 1
                   : strlen(version);

    return hr_strndup(version, n);
}

/* write_tables - fixed tables plus the case's */
static int write_tables(hr_instance *in, const hr_instance_opts *o,
                        params *ps)
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
    for (size_t i = 0; i < o->ntables; i++) {
        const hr_case_table *t = &o->tables[i];
        hr_buf content = HR_BUF_INIT;

        for (size_t j = 0; j < t->entries.n; j++)
            hr_buf_printf(&content, "%s\n", t->entries.v[j]);
        if (t->is_param && strcmp(t->name, "alias_maps") == 0) {
            hr_buf_puts(&aliases, hr_buf_cstr(&content));
        } else {
            char *tp = hr_path_join(in->tables, t->name);

            error = put_file(tp, hr_buf_cstr(&content), 0644);
            if (error == 0 && t->is_param) {
                char *v = hr_sprintf("texthash:%s", tp);

                set(ps, t->name, v);
                hr_free(v);
            }
            hr_free(tp);
        }
        hr_buf_release(&content);
        if (error < 0)
            goto done;
    }
    path = hr_path_join(in->etc, "local_users");
    error = put_file(path, hr_buf_cstr(&users_t), 0644);
    hr_free(path);
    if (error < 0)
        goto done;
    path = hr_path_join(in->etc, "mailboxes");
    error = put_file(path, hr_buf_cstr(&boxes), 0644);
    hr_free(path);
    if (error < 0)
        goto done;
    path = hr_path_join(in->etc, "aliases");
    error = put_file(path, hr_buf_cstr(&aliases), 0644);
    hr_free(path);
done:
    hr_buf_release(&users_t);
    hr_buf_release(&boxes);
    hr_buf_release(&aliases);
    return error;
}

/* import_env - import_environment with the libenv and sanitizer options */
static char *import_env(const hr_instance *in, const hr_instance_opts *o)
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

/* write_main_cf - main.cf from scratch */
static int write_main_cf(hr_instance *in, const hr_instance_opts *o)
{
    const hr_build *bd = o->build;
    params ps = {NULL, 0, 0};
    hr_buf text = HR_BUF_INIT;
    char *v, *path;
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
    SETF("daemon_directory", "%s/usr/libexec/postfix", bd->stage);
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
    /* No waiting, no state carried between cases. */
    set(&ps, "smtpd_error_sleep_time", "0");
    set(&ps, "in_flow_delay", "0");
    set(&ps, "max_use", "1");
    set(&ps, "debug_peer_level", "2");
    for (size_t i = 0; o->extra_main && i < o->extra_main->n; i++)
        if ((error = set_line(&ps, o->extra_main->v[i])) < 0)
            goto done;
    for (size_t i = 0; o->config && i < o->config->n; i++) {
        char *expanded = hr_case_config_render(o->config->v[i], in->tables);

        error = set_line(&ps, expanded);
        hr_free(expanded);
        if (error < 0)
            goto done;
    }
    if ((error = write_tables(in, o, &ps)) < 0)
        goto done;
#undef SETF
    hr_buf_puts(&text, "# main.cf generated by pfharness; do not edit\n");
    for (size_t i = 0; i < ps.n; i++)
        hr_buf_printf(&text, "%s = %s\n", ps.v[i].name, ps.v[i].value);
    path = hr_path_join(in->etc, "main.cf");
    error = put_file(path, hr_buf_cstr(&text), 0644);
    hr_free(path);
done:
    params_release(&ps);
    hr_buf_release(&text);
    return error;
}

/* The services of master.cf: name, type, private, unpriv, wakeup,
 * maxproc, command, and -o options. chroot is off everywhere.
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
    {"lmtp", "unix", "-", "-", "-", "1", "lmtp", ""},
    {"anvil", "unix", "-", "-", "-", "1", "anvil", ""},
    {"scache", "unix", "-", "-", "-", "1", "scache", ""},
    /* postlogd counts each datagram as a use: with max_use = 1 master
     * spawned a new one for every log record. It keeps no state that a
     * case can observe. (max_use must be 1 or more: a million.) */
    {"postlog", "unix-dgram", "n", "-", "-", "1", "postlogd",
     "-o max_use=1000000"},
};

/* write_master_cf - master.cf from scratch */
static int write_master_cf(hr_instance *in, const hr_instance_opts *o)
{
    hr_buf text = HR_BUF_INIT;
    char *path;
    int error;

    hr_buf_puts(&text, "# master.cf generated by pfharness; chroot is off "
                       "everywhere\n");
    for (size_t i = 0; i < sizeof(services) / sizeof(services[0]); i++) {
        const char *const *s = services[i];

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
    path = hr_path_join(in->etc, "master.cf");
    error = put_file(path, hr_buf_cstr(&text), 0644);
    hr_free(path);
    hr_buf_release(&text);
    return error;
}

/* owner_id - uid or gid named in postfix-files; -1 for "-", -2 unknown */
static int owner_id(const char *name, int is_group)
{
    uid_t uid;
    gid_t gid;

    if (strcmp(name, "-") == 0)
        return -1;
    if (strcmp(name, "$mail_owner") == 0)
        name = "postfix";
    else if (strcmp(name, "$setgid_group") == 0)
        name = "postdrop";
    if (is_group)
        return hr_lookup_gid(&gid, name) == 0 ? (int)gid : -2;
    return hr_lookup_uid(&uid, name) == 0 ? (int)uid : -2;
}

/* make_queue_dirs - the directories postfix-files lists, as post-install
 * makes them */
static int make_queue_dirs(hr_instance *in)
{
    char *meta = hr_sprintf("%s/etc/postfix/postfix-files", in->build->stage);
    hr_buf b = HR_BUF_INIT;
    const char *p;
    int error;

    if ((error = hr_file_read(&b, meta, 1 << 20)) < 0)
        goto done;
    for (p = hr_buf_cstr(&b); *p && error == 0;) {
        size_t len = strcspn(p, "\n");
        char *line = hr_strndup(p, len);
        hr_strv f = HR_STRV_INIT;

        p += len + (p[len] == '\n');
        /* name:type:owner:group:mode:flags */
        if (line[0] != '#' && hr_strv_split(&f, line, ":") >= 5 &&
            strcmp(f.v[1], "d") == 0) {
            const char *root = NULL;
            size_t skip = 0;

            if (strncmp(f.v[0], "$queue_directory", 16) == 0)
                root = in->queue, skip = 16;
            else if (strncmp(f.v[0], "$data_directory", 15) == 0)
                root = in->data, skip = 15;
            if (root) {
                char *dir = hr_sprintf("%s%s", root, f.v[0] + skip);
                int uid = owner_id(f.v[2], 0), gid = owner_id(f.v[3], 1);
                mode_t mode = (mode_t)strtol(f.v[4], NULL, 8);

                if (uid == -2 || gid == -2)
                    error = hr_error_set(HR_ERROR, "no user/group '%s:%s' "
                                         "for %s; run 'make deps'", f.v[2],
                                         f.v[3], dir);
                else if ((error = hr_mkdir_p(dir, 0755)) == 0 &&
                         (chown(dir, uid, gid) < 0 || chmod(dir, mode) < 0))
                    error = hr_error_set(HR_ERROR, "cannot set up '%s': %s",
                                         dir, strerror(errno));
                hr_free(dir);
            }
        }
        hr_strv_release(&f);
        hr_free(line);
    }
done:
    hr_buf_release(&b);
    hr_free(meta);
    return error;
}

/* first_fatal_in - the first fatal, panic or error line of a file */
static char *first_fatal_in(const char *path)
{
    hr_buf b = HR_BUF_INIT;
    const char *text, *p;
    char *line = NULL;

    if (hr_file_read(&b, path, 64 << 20) == 0) {
        text = hr_buf_cstr(&b);
        if ((p = strstr(text, ": fatal: ")) != NULL ||
            (p = strstr(text, ": panic: ")) != NULL ||
            (p = strstr(text, ": error: ")) != NULL) {
            while (p > text && p[-1] != '\n')
                p--;
            line = hr_strndup(p, strcspn(p, "\n"));
        }
    }
    hr_buf_release(&b);
    return line;
}

/* first_fatal - from the maillog, else from master's own output */
static char *first_fatal(const hr_instance *in)
{
    char *out = hr_path_join(in->dir, "master.out");
    char *line = first_fatal_in(in->maillog);

    if (line == NULL)
        line = first_fatal_in(out);
    hr_free(out);
    return line ? line : hr_strdup("(no fatal or panic line in the maillog "
                                   "or in master.out)");
}

/* reachable - the postfix user must be able to reach the instance */
static int reachable(const char *dir)
{
    char *copy = hr_strdup(dir);
    int error = 0;

    /* Daemons run as postfix (and nobody, for the mailboxes): every
     * directory above the instance must be searchable by others. */
    for (char *p = copy + strlen(copy); p > copy; p--) {
        struct stat st;

        if (*p != '/' && p[1] != 0)
            continue;
        if (*p == '/')
            *p = 0;
        if (*copy && stat(copy, &st) == 0 && (st.st_mode & S_IXOTH) == 0) {
            error = hr_error_set(HR_EINPUT, "the postfix user cannot reach "
                                 "'%s': '%s' has mode %04o; make it "
                                 "searchable (chmod o+x) or put runs "
                                 "elsewhere", dir, copy,
                                 (unsigned)(st.st_mode & 07777));
            break;
        }
    }
    hr_free(copy);
    return error;
}

/* greet - connect to smtpd in the namespace; 1 when the greeting came */
static int greet(hr_instance *in, char *banner, size_t len)
{
    struct sockaddr_in sa;
    char buf[1024];
    size_t got = 0;
    int fd, ok = 0;

    if (hr_netns_socket(&fd, in->netns, AF_INET, SOCK_STREAM) < 0)
        return -1;
    memset(&sa, 0, sizeof(sa));
    sa.sin_family = AF_INET;
    sa.sin_port = htons(25);
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0) {
        struct pollfd p = {fd, POLLIN, 0};

        while (got < sizeof(buf) - 1 && poll(&p, 1, 5000) > 0) {
            ssize_t n = read(fd, buf + got, sizeof(buf) - 1 - got);

            if (n <= 0)
                break;
            got += (size_t)n;
            buf[got] = 0;
            if (strchr(buf, '\n'))
                break;
        }
        buf[got] = 0;
        if (strncmp(buf, "220", 3) == 0) {
            ok = 1;
            snprintf(banner, len, "%.*s", (int)strcspn(buf, "\r\n"), buf);
            if (write(fd, "QUIT\r\n", 6) == 6)
                while (poll(&p, 1, 2000) > 0 && read(fd, buf, sizeof(buf)) > 0)
                    ;
        }
    }
    close(fd);
    return ok;
}

/* wait_ready - until the greeting arrives, master dies, or time is up */
static int wait_ready(hr_instance *in, int timeout_ms)
{
    long long deadline = hr_clock_ms() + timeout_ms;
    struct timespec ts;
    char banner[512];
    int delay_ms = 1;

    for (;;) {
        int status, r = greet(in, banner, sizeof(banner));

        if (r > 0)
            return 0;
        if (r < 0)
            return HR_ERROR;
        if (waitpid(in->master, &status, WNOHANG) == in->master) {
            char *why = first_fatal(in);
            int error = hr_error_set(HR_ERROR, "postfix master of %s exited "
                                     "during start-up (status %d): %s",
                                     in->dir, WIFEXITED(status)
                                                  ? WEXITSTATUS(status)
                                                  : 128 + WTERMSIG(status),
                                     why);

            in->master = 0;
            hr_free(why);
            return error;
        }
        if (hr_clock_ms() >= deadline) {
            char *why = first_fatal(in);
            int error = hr_error_set(HR_ETIMEOUT, "no SMTP greeting from %s "
                                     "within %d ms: %s", in->dir, timeout_ms,
                                     why);

            hr_free(why);
            return error;
        }
        /* master needs a few ms to open its sockets: back off gently. */
        ts.tv_sec = 0;
        ts.tv_nsec = delay_ms * 1000000L;
        nanosleep(&ts, NULL);
        if (delay_ms < 20)
            delay_ms *= 2;
    }
}

/* build_env - what commands run against this instance get */
static void build_env(hr_instance *in, const hr_instance_opts *o)
{
    hr_strv_addf(&in->env, "MAIL_CONFIG=%s", in->etc);
    hr_strv_add(&in->env, "TZ=UTC");
    hr_strv_add(&in->env, "LANG=C");
    for (size_t i = 0; o->libenv && i < o->libenv->n; i++)
        hr_strv_add(&in->env, o->libenv->v[i]);
    hr_strv_argv(&in->env);
}

/* hr_instance_start - make and start an instance */
int hr_instance_start(hr_instance **out, const hr_instance_opts *o)
{
    hr_instance *in = hr_calloc(1, sizeof(*in));
    hr_spawn_opts so = HR_SPAWN_OPTS_INIT;
    long long t0 = hr_clock_ms();
    const char *argv[3];
    char *master_path = NULL, *master_out = NULL;
    const char *env[3];
    char *env_cfg = NULL;
    int error;

    *out = NULL;
    in->build = o->build;
    in->dir = hr_path_abs(o->dir);
    in->etc = hr_path_join(in->dir, "etc");
    in->tables = hr_path_join(in->etc, "tables");
    in->queue = hr_path_join(in->dir, "queue");
    in->data = hr_path_join(in->dir, "data");
    in->mail = hr_path_join(in->dir, "mail");
    in->san = hr_path_join(in->dir, "sanitizer");
    in->maillog = hr_path_join(in->dir, "maillog");
    in->netns = hr_strdup(o->netns);
    if (strpbrk(in->dir, " \t,=:")) {
        error = hr_error_set(HR_EINPUT, "instance path '%s' contains a space, "
                             "',', '=' or ':', which main.cf cannot hold",
                             in->dir);
        goto fail;
    }
    build_env(in, o);
    if ((error = hr_rm_rf(in->dir)) < 0 ||
        (error = hr_mkdir_p(in->dir, 0755)) < 0 ||
        (error = reachable(in->dir)) < 0 ||
        (error = hr_mkdir_p(in->tables, 0755)) < 0 ||
        (error = hr_mkdir_p(in->queue, 0755)) < 0 ||
        (error = hr_mkdir_p(in->mail, 0755)) < 0 ||
        (error = hr_mkdir_p(in->san, 0755)) < 0)
        goto fail;
    if (chown(in->mail, 65534, 65534) < 0 || chmod(in->san, 01777) < 0) {
        error = hr_error_set(HR_ERROR, "cannot set up '%s': %s", in->dir,
                             strerror(errno));
        goto fail;
    }
    if ((error = make_queue_dirs(in)) < 0 ||
        (error = write_main_cf(in, o)) < 0 ||
        (error = write_master_cf(in, o)) < 0 ||
        (error = put_file(in->maillog, "", 0644)) < 0)
        goto fail;
    if ((error = hr_netns_create(in->netns)) < 0)
        goto fail;
    in->netns_made = 1;
    if ((error = hr_sink_start(&in->sink, in->netns, HR_SINK_ADDR,
                               HR_SINK_PORT)) < 0)
        goto fail;

    master_path = hr_sprintf("%s/usr/libexec/postfix/master", o->build->stage);
    master_out = hr_path_join(in->dir, "master.out");
    env_cfg = hr_sprintf("MAIL_CONFIG=%s", in->etc);
    argv[0] = master_path;
    argv[1] = "-d";     /* stay in the foreground: our child */
    argv[2] = NULL;
    env[0] = env_cfg;
    env[1] = "TZ=UTC";
    env[2] = NULL;
    so.argv = argv;
    so.setenv = env;
    so.netns = in->netns;
    so.cwd = in->dir;
    so.out = HR_OUT_FILE;
    so.out_path = master_out;
    so.err = HR_OUT_STDOUT;
    if ((error = hr_spawn_start(&in->master, &so)) < 0)
        goto fail;
    if ((error = wait_ready(in, o->timeout_ms > 0 ? o->timeout_ms : 15000)) <
        0)
        goto fail;
    /* Start every case's log slice after start-up's lines. */
    if ((error = hr_instance_log_mark(in, NULL)) < 0)
        goto fail;
    in->start_seconds = (hr_clock_ms() - t0) / 1000.0;
    *out = in;
    in = NULL;
    goto done;
fail:
    hr_instance_free(in);
done:
    hr_free(master_path);
    hr_free(master_out);
    hr_free(env_cfg);
    return error;
}

/* hr_instance_stop - stop everything; idempotent */
int hr_instance_stop(hr_instance *in)
{
    int status, error = 0;

    if (in->master > 0) {
        /* master stops its daemons on SIGTERM. */
        kill(in->master, SIGTERM);
        if (hr_spawn_wait(&status, in->master, 5000) < 0) {
            kill(-in->master, SIGKILL);
            hr_spawn_wait(&status, in->master, 2000);
        }
        in->master = 0;
    }
    if (in->netns_made) {
        /* Daemons of the process group that master did not wait for. */
        int e = hr_netns_kill_all(in->netns, 3000);

        if (e < 0 && error == 0)
            error = e;
    }
    if (in->sink) {
        hr_sink_stop(in->sink);
        in->sink = NULL;
    }
    if (in->netns_made) {
        int e = hr_netns_delete(in->netns);

        if (e < 0 && error == 0)
            error = e;
        in->netns_made = 0;
    }
    return error;
}

/* hr_instance_free - stop and release; NULL is fine */
void hr_instance_free(hr_instance *in)
{
    if (in == NULL)
        return;
    hr_instance_stop(in);
    hr_free(in->dir);
    hr_free(in->etc);
    hr_free(in->tables);
    hr_free(in->queue);
    hr_free(in->data);
    hr_free(in->mail);
    hr_free(in->san);
    hr_free(in->maillog);
    hr_free(in->netns);
    hr_strv_release(&in->env);
    hr_free(in);
}

const char *hr_instance_dir(const hr_instance *in) { return in->dir; }
const char *hr_instance_netns(const hr_instance *in) { return in->netns; }
const char *hr_instance_config_dir(const hr_instance *in) { return in->etc; }
const char *hr_instance_maillog(const hr_instance *in) { return in->maillog; }
const hr_build *hr_instance_build(const hr_instance *in) { return in->build; }
hr_sink *hr_instance_sink(hr_instance *in) { return in->sink; }
double hr_instance_start_seconds(const hr_instance *in)
{
    return in->start_seconds;
}

/* hr_instance_env - environment for sendmail and friends */
const char *const *hr_instance_env(const hr_instance *in)
{
    return (const char *const *)in->env.v;
}

/* hr_instance_alive - master is still running */
int hr_instance_alive(hr_instance *in)
{
    int status;

    if (in->master <= 0)
        return 0;
    if (waitpid(in->master, &status, WNOHANG) == in->master) {
        in->master = 0;
        return 0;
    }
    return 1;
}

/* send_mark - a log record through postlogd's own socket */
static int send_mark(hr_instance *in, const char *text)
{
    struct sockaddr_un sa;
    char *path = hr_sprintf("%s/public/postlog", in->queue);
    char *rec = hr_sprintf("Jan 01 00:00:00 mx pfharness[%ld]: %s",
                           (long)getpid(), text);
    int fd, error = 0;

    memset(&sa, 0, sizeof(sa));
    sa.sun_family = AF_UNIX;
    snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
    if ((fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0)) < 0 ||
        sendto(fd, rec, strlen(rec), 0, (struct sockaddr *)&sa, sizeof(sa)) <
            0)
        error = hr_error_set(HR_ERROR, "cannot log to '%s': %s", path,
                             strerror(errno));
    if (fd >= 0)
        close(fd);
    hr_free(path);
    hr_free(rec);
    return error;
}

/* hr_instance_log_mark - fence the maillog; slice gets the text since the
 * previous mark (without the mark lines) */
int hr_instance_log_mark(hr_instance *in, hr_buf *slice)
{
    char mark[64];
    long long deadline = hr_clock_ms() + 10000;
    hr_buf text = HR_BUF_INIT;
    int ifd, error;

    snprintf(mark, sizeof(mark), "pfharness-mark %ld", ++in->mark_seq);
    if ((ifd = inotify_init1(IN_CLOEXEC | IN_NONBLOCK)) < 0 ||
        inotify_add_watch(ifd, in->maillog, IN_MODIFY) < 0) {
        error = hr_error_set(HR_ERROR, "inotify on '%s': %s", in->maillog,
                             strerror(errno));
        goto done;
    }
    if ((error = send_mark(in, mark)) < 0)
        goto done;
    for (;;) {
        const char *found;
        struct pollfd p = {ifd, POLLIN, 0};
        char evbuf[4096];
        int fd;

        hr_buf_clear(&text);
        if ((fd = open(in->maillog, O_RDONLY | O_CLOEXEC)) >= 0) {
            if (lseek(fd, in->log_offset, SEEK_SET) >= 0) {
                char chunk[65536];
                ssize_t n;

                while ((n = read(fd, chunk, sizeof(chunk))) > 0)
                    hr_buf_put(&text, chunk, (size_t)n);
            }
            close(fd);
        }
        found = strstr(hr_buf_cstr(&text), mark);
        if (found && (found[strlen(mark)] == '\n')) {
            const char *line = found;
            size_t end = (size_t)(found - text.ptr) + strlen(mark) + 1;

            while (line > text.ptr && line[-1] != '\n')
                line--;
            if (slice)
                hr_buf_put(slice, text.ptr, (size_t)(line - text.ptr));
            in->log_offset += (off_t)end;
            break;
        }
        if (hr_clock_ms() >= deadline) {
            error = hr_error_set(HR_ETIMEOUT, "postlogd of %s did not write "
                                 "the log mark within 10 s", in->dir);
            break;
        }
        if (!hr_instance_alive(in)) {
            char *why = first_fatal(in);

            error = hr_error_set(HR_ERROR, "postfix master of %s is gone: %s",
                                 in->dir, why);
            hr_free(why);
            break;
        }
        poll(&p, 1, 100);
        while (read(ifd, evbuf, sizeof(evbuf)) > 0)
            ;
    }
done:
    if (ifd >= 0)
        close(ifd);
    hr_buf_release(&text);
    return error;
}

/* queues_busy - a queue that still holds a file */
static const char *queues_busy(hr_instance *in)
{
    for (const char *const *q = busy_queues; *q; q++) {
        char *dir = hr_path_join(in->queue, *q);
        hr_strv names = HR_STRV_INIT;
        int busy = hr_dir_list(&names, dir) == 0 && names.n > 0;

        hr_strv_release(&names);
        hr_free(dir);
        if (busy)
            return *q;
    }
    return NULL;
}

/* hr_instance_settle - wait until no mail is in flight */
int hr_instance_settle(hr_instance *in, int timeout_ms)
{
    long long deadline = hr_clock_ms() + timeout_ms;
    const char *busy;
    int ifd, error = 0;

    if ((ifd = inotify_init1(IN_CLOEXEC | IN_NONBLOCK)) < 0)
        return hr_error_set(HR_ERROR, "inotify: %s", strerror(errno));
    for (const char *const *q = busy_queues; *q; q++) {
        char *dir = hr_path_join(in->queue, *q);

        if (inotify_add_watch(ifd, dir, IN_CREATE | IN_DELETE | IN_MOVED_FROM |
                                            IN_MOVED_TO) < 0)
            error = hr_error_set(HR_ERROR, "inotify on '%s': %s", dir,
                                 strerror(errno));
        hr_free(dir);
        if (error < 0)
            goto done;
    }
    /* Watches first, then look: no event can slip between the two. */
    while ((busy = queues_busy(in)) != NULL) {
        struct pollfd p = {ifd, POLLIN, 0};
        char evbuf[4096];
        long long left = deadline - hr_clock_ms();

        if (left <= 0) {
            error = hr_error_set(HR_ETIMEOUT, "mail in %s/%s did not settle "
                                 "within %d ms", in->queue, busy, timeout_ms);
            goto done;
        }
        if (!hr_instance_alive(in)) {
            char *why = first_fatal(in);

            error = hr_error_set(HR_ERROR, "postfix master of %s is gone: %s",
                                 in->dir, why);
            hr_free(why);
            goto done;
        }
        poll(&p, 1, left > 200 ? 200 : (int)left);
        while (read(ifd, evbuf, sizeof(evbuf)) > 0)
            ;
    }
    error = hr_sink_wait_idle(in->sink, (int)(deadline - hr_clock_ms() > 0
                                                  ? deadline - hr_clock_ms()
                                                  : 0));
done:
    close(ifd);
    return error;
}

/* cmp_mail - by mailbox, then text */
static int cmp_mail(const void *a, const void *b)
{
    const hr_mail *x = a, *y = b;
    int c = strcmp(x->mailbox, y->mailbox);

    return c ? c : strcmp(x->text, y->text);
}

/* hr_instance_take_mail - every delivered message, removed from disk */
int hr_instance_take_mail(hr_instance *in, hr_mail **out, size_t *count)
{
    hr_strv boxes = HR_STRV_INIT;
    hr_mail *mail = NULL;
    size_t n = 0, cap = 0;
    int error;

    *out = NULL;
    *count = 0;
    if ((error = hr_dir_list(&boxes, in->mail)) < 0)
        return error;
    for (size_t i = 0; i < boxes.n && error == 0; i++) {
        static const char *const subs[] = {"new", "cur", NULL};

        for (const char *const *s = subs; *s && error == 0; s++) {
            char *dir = hr_sprintf("%s/%s/%s", in->mail, boxes.v[i], *s);
            hr_strv files = HR_STRV_INIT;

            if (hr_dir_list(&files, dir) == 0) {
                for (size_t j = 0; j < files.n && error == 0; j++) {
                    char *path = hr_path_join(dir, files.v[j]);
                    hr_buf b = HR_BUF_INIT;

                    if ((error = hr_file_read(&b, path, 64 << 20)) == 0) {
                        if (n == cap) {
                            cap = cap ? cap * 2 : 8;
                            mail = hr_realloc(mail, cap * sizeof(*mail));
                        }
                        mail[n].mailbox = hr_strdup(boxes.v[i]);
                        mail[n].len = b.len;
                        mail[n].text = hr_buf_detach(&b);
                        n++;
                        unlink(path);
                    }
                    hr_buf_release(&b);
                    hr_free(path);
                }
            }
            hr_strv_release(&files);
            hr_free(dir);
        }
    }
    hr_strv_release(&boxes);
    if (n > 1)
        qsort(mail, n, sizeof(*mail), cmp_mail);
    *out = mail;
    *count = n;
    return error;
}

/* hr_mail_free_all - release what hr_instance_take_mail() returned */
void hr_mail_free_all(hr_mail *mail, size_t count)
{
    for (size_t i = 0; i < count; i++) {
        hr_free(mail[i].mailbox);
        hr_free(mail[i].text);
    }
    hr_free(mail);
}

/* hr_instance_take_sanitizer - sanitizer reports written since last time */
int hr_instance_take_sanitizer(hr_instance *in, hr_buf *out)
{
    hr_strv files = HR_STRV_INIT;
    int error;

    if ((error = hr_dir_list(&files, in->san)) < 0)
        return error;
    for (size_t i = 0; i < files.n && error == 0; i++) {
        char *path = hr_path_join(in->san, files.v[i]);

        error = hr_file_read(out, path, 16 << 20);
        unlink(path);
        hr_free(path);
    }
    hr_strv_release(&files);
    return error;
}

/* hr_instance_reset - no mail of one case may reach the next */
int hr_instance_reset(hr_instance *in)
{
    static const char *const queues[] = {"deferred", "hold", NULL};
    int error = 0;

    for (const char *const *q = queues; *q && error == 0; q++) {
        char *dir = hr_path_join(in->queue, *q);
        hr_strv names = HR_STRV_INIT;

        if (hr_dir_list(&names, dir) == 0 && names.n > 0) {
            char *cmd = hr_sprintf("%s/usr/sbin/postsuper",
                                   in->build->stage);
            const char *argv[] = {cmd, "-d", "ALL", *q, NULL};
            hr_spawn_opts o = HR_SPAWN_OPTS_INIT;
            int status;

            o.argv = argv;
            o.setenv = hr_instance_env(in);
            o.timeout_ms = 30000;
            if ((error = hr_spawn_run(&status, &o)) == 0 && status != 0)
                error = hr_error_set(HR_ERROR, "postsuper -d ALL %s failed in "
                                     "%s", *q, in->dir);
            hr_free(cmd);
        }
        hr_strv_release(&names);
        hr_free(dir);
    }
    return error;
}

/* hr_instance_users - the local users every instance has */
int hr_instance_users(hr_strv *out)
{
    for (const char *const *u = users; *u; u++)
        hr_strv_add(out, *u);
    return 0;
}

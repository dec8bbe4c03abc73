/*
 * NAME
 *	instance/instance 3
 * SUMMARY
 *	one private Postfix instance in its own network namespace
 * SYNOPSIS
 *	#include "instance/instance.h"
 *
 *	void	hr_instance_opts_from_case(out, build, dir, netns, libenv, c)
 *	int	hr_instance_start(out, opts)
 *	int	hr_instance_stop(in)
 *	void	hr_instance_free(in)
 *
 *	int	hr_instance_log_mark(in, slice)
 *	int	hr_instance_settle(in, timeout_ms)
 *	int	hr_instance_batchable(in)
 * DESCRIPTION
 *	hr_instance_opts_from_case() fills opts for an instance of build in
 *	dir and netns that has the libenv (NULL: none) and the config and
 *	tables of case c; the pointers are borrowed from the arguments.
 *
 *	hr_instance_start() creates the instance directory (etc/,
 *	sanitizer/, and spool/ with queue/, data/ and mail/ on a tmpfs of
 *	the instance's own, spool(3)), writes main.cf and master.cf from
 *	scratch (instance/maincf), creates a network namespace with lo up,
 *	starts the sink on 127.0.0.9:25 there, starts the build's master
 *	as a child of the harness in its own session inside the namespace, and waits, for a
 *	bounded time, until master logs that it has started (its listeners
 *	are open then; inotify on the maillog, nothing connects). If
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
 *	hr_instance_batchable() says whether sessions may go back to back
 *	on the instance without changing what each one observes (batch(3)):
 *	not when its settings include one that anvil(8) counts across
 *	sessions with, a user's master.cf, or the escalation's extra
 *	settings and service arguments.
 *
 *	hr_instance_stop() stops master (SIGTERM to its process group, then
 *	SIGKILL), any process left in the namespace, and the sink,
 *	removes the namespace, copies a queue with mail left in it to
 *	DIR/queue and unmounts the spool. It is idempotent;
 *	hr_instance_free() calls it.
 * DIAGNOSTICS
 *	Functions return 0 or a negative code with hr_error_set().
 */
#include <dirent.h>
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
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "case/config.h"
#include "instance/instance_int.h"
#include "instance/libenv.h"
#include "instance/maincf.h"
#include "util/clock.h"
#include "util/fsutil.h"
#include "util/mem.h"
#include "util/msg.h"
#include "util/paths.h"
#include "instance/netns.h"
#include "instance/sink.h"
#include "util/spawn.h"
#include "util/version.h"

/* Queues that hold mail still in flight. */
static const char *const busy_queues[] = {"maildrop", "incoming", "active",
                                          NULL};

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

/* under_cover - path is a cover of the view, or lies inside one: there
 * the view has its own directories, mode 0755 (mountview(3)) */
static int under_cover(const char *path, const hr_strv *cover)
{
    for (size_t i = 0; i < cover->n; i++) {
        size_t n = strlen(cover->v[i]);

        if (strncmp(path, cover->v[i], n) == 0 &&
            (path[n] == 0 || path[n] == '/'))
            return 1;
    }
    return 0;
}

/* reachable - the postfix user must be able to reach the instance in its
 * view: every directory above it that the view takes from the host must
 * be searchable by others. Under a cover (/root, /home, the harness's
 * var/ ...) the view makes its own, so a checkout in /root works. */
static int reachable(const char *dir, const hr_strv *cover)
{
    char *copy = hr_strdup(dir);
    int error = 0;

    /* Daemons run as postfix (and nobody, for the mailboxes). */
    for (char *p = copy + strlen(copy); p > copy; p--) {
        struct stat st;

        if (*p != '/' && p[1] != 0)
            continue;
        if (*p == '/')
            *p = 0;
        if (*copy && !under_cover(copy, cover) && stat(copy, &st) == 0 &&
            (st.st_mode & S_IXOTH) == 0) {
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

/* Why the last hr_instance_start() of this thread failed, in words that
 * do not vary between runs ("" when it was the harness's trouble). */
static __thread char start_why[256];

/* hr_instance_start_why - see above */
const char *hr_instance_start_why(void)
{
    return start_why;
}

/* started - master's "daemon started" line is in the maillog: it logs it
 * after its listeners are open (master.c: master_config() first) */
static int started(hr_instance *in)
{
    hr_buf text = HR_BUF_INIT;
    int seen = 0;

    if (hr_file_read(&text, in->maillog, 1 << 20) == 0)
        seen = strstr(hr_buf_cstr(&text), "]: daemon started -- version ") !=
               NULL;
    hr_buf_release(&text);
    return seen;
}

/* wait_ready - until master says it has started (inotify on the
 * maillog), master dies, or time is up. Nothing connects: a probe
 * session cost an smtpd (and an anvil) per instance, and a case that
 * breaks smtpd observes that itself. */
static int wait_ready(hr_instance *in, int timeout_ms)
{
    long long deadline = hr_clock_ms() + timeout_ms;
    int ifd, pfd, error = 0;

    /* master's exit wakes the poll too (a pidfd), where the kernel has
     * them (5.3); else it is looked at every 50 ms */
    pfd = (int)syscall(SYS_pidfd_open, in->master, 0);
    if ((ifd = inotify_init1(IN_CLOEXEC | IN_NONBLOCK)) < 0 ||
        inotify_add_watch(ifd, in->maillog, IN_MODIFY) < 0) {
        error = hr_error_set(HR_ERROR, "inotify on '%s': %s", in->maillog,
                             strerror(errno));
        goto done;
    }
    for (;;) {
        struct pollfd p[2] = {{ifd, POLLIN, 0}, {pfd, POLLIN, 0}};
        char evbuf[4096];
        int status;
        long long left;

        if (started(in))
            break;
        if (waitpid(in->master, &status, WNOHANG) == in->master) {
            char *why = first_fatal(in);

            if (WIFEXITED(status))
                snprintf(start_why, sizeof(start_why), "master exited during "
                         "start-up with status %d", WEXITSTATUS(status));
            else
                snprintf(start_why, sizeof(start_why), "master was killed "
                         "by signal %d during start-up", WTERMSIG(status));
            error = hr_error_set(HR_ERROR, "postfix master of %s exited "
                                 "during start-up (status %d): %s",
                                 in->dir, WIFEXITED(status)
                                              ? WEXITSTATUS(status)
                                              : 128 + WTERMSIG(status),
                                 why);
            in->master = 0;
            hr_free(why);
            break;
        }
        if ((left = deadline - hr_clock_ms()) <= 0) {
            char *why = first_fatal(in);

            snprintf(start_why, sizeof(start_why), "master did not start "
                     "within %d ms", timeout_ms);
            error = hr_error_set(HR_ETIMEOUT, "postfix master of %s did not "
                                 "start within %d ms: %s", in->dir,
                                 timeout_ms, why);
            hr_free(why);
            break;
        }
        if (pfd < 0 && left > 50)
            left = 50;
        poll(p, pfd >= 0 ? 2 : 1, (int)left);
        while (read(ifd, evbuf, sizeof(evbuf)) > 0)
            ;
    }
done:
    if (ifd >= 0)
        close(ifd);
    if (pfd >= 0)
        close(pfd);
    return error;
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

/* Host directories that no instance sees: homes, temporary files,
 * sockets, the host's own Postfix queue, and the harness's state. */
static const char *const covered[] = {
    "/root", "/home", "/tmp", "/var/tmp", "/run", "/var/spool/postfix", NULL,
};

/* build_view - what the instance's processes see: the host read-only,
 * the covers empty, the build's stage and the instance's directory */
static void build_view(hr_instance *in, const hr_instance_opts *o)
{
    char *var = hr_path_abs(hr_var_dir());

    for (const char *const *c = covered; *c; c++)
        hr_strv_add(&in->cover, *c);
    hr_strv_add_owned(&in->cover, var);
    hr_strv_add(&in->ro, o->build->stage);
    /* LD_PRELOAD=/x/shim.so, LD_LIBRARY_PATH=/a:/b */
    hr_libenv_paths(&in->ro, o->libenv);
    hr_strv_add(&in->rw, in->dir);
    /* The spool is a mount of its own: where the instance directory is
     * not under a cover, the view's read-only pass reaches it, and the
     * bind of the directory above would keep it read-only. */
    if (in->spool_mounted)
        hr_strv_add(&in->rw, in->spool);
    if (o->writable)
        hr_strv_add(&in->rw, o->writable);
    /* Debian's binaries find libpostfix-*.so through RUNPATH
     * /usr/lib/postfix, setgid postdrop included (which ignores
     * LD_LIBRARY_PATH): the stage's usr/lib shows through /usr/lib. */
    if (o->build->prebuilt)
        hr_strv_addf(&in->layers, "/usr/lib:%s/usr/lib", o->build->stage);
    /* A mixed tree of a shared build: its programs look for
     * libpostfix-*.so in the base build's stage; the tree's own show
     * there. */
    if (o->build->shlib_runpath)
        hr_strv_addf(&in->layers, "%s:%s/usr/lib/postfix",
                     o->build->shlib_runpath, o->build->stage);
    in->view.cover = (const char *const *)hr_strv_argv(&in->cover);
    in->view.ro = (const char *const *)hr_strv_argv(&in->ro);
    in->view.rw = (const char *const *)hr_strv_argv(&in->rw);
    in->view.layers = (const char *const *)hr_strv_argv(&in->layers);
}

/* index_tables - postmap the tables whose type Postfix reads from an
 * index (lmdb, hash), with the build's postmap, in the instance's view */
static int index_tables(hr_instance *in, const hr_instance_opts *o)
{
    int error = 0;

    for (size_t i = 0; i < hr_instance_ntables(o) && error == 0; i++) {
        const hr_case_table *t = hr_instance_table(o, i);
        char *prog, *file;
        hr_buf out = HR_BUF_INIT;
        hr_spawn_opts so = HR_SPAWN_OPTS_INIT;
        const char *argv[5];
        int status;

        if (!hr_config_type_is_indexed(t->type))
            continue;
        prog = hr_sprintf("%s/usr/sbin/postmap", o->build->stage);
        file = hr_sprintf("%s:%s/%s", t->type, in->tables, t->name);
        argv[0] = prog;
        argv[1] = "-c";
        argv[2] = in->etc;
        argv[3] = file;
        argv[4] = NULL;
        hr_buf_init(&out, 1 << 16);
        so.argv = argv;
        so.setenv = hr_instance_env(in);
        so.view = &in->view;
        so.out = HR_OUT_CAPTURE;
        so.out_buf = &out;
        so.err = HR_OUT_STDOUT;
        so.timeout_ms = 60000;
        if ((error = hr_spawn_run(&status, &so)) == 0 && status != 0)
            error = hr_error_set(HR_EINPUT, "postmap %s failed (exit status "
                                 "%d): %.200s", file, status,
                                 hr_buf_cstr(&out));
        hr_buf_release(&out);
        hr_free(prog);
        hr_free(file);
    }
    return error;
}

/* hr_instance_reachable - instances under dir will be reachable by the
 * postfix user in their view; a check to make before anything is built */
int hr_instance_reachable(const char *dir)
{
    hr_strv cover = HR_STRV_INIT;
    char *abs = hr_path_abs(dir);
    int error;

    for (const char *const *c = covered; *c; c++)
        hr_strv_add(&cover, *c);
    hr_strv_add_owned(&cover, hr_path_abs(hr_var_dir()));
    error = reachable(abs, &cover);
    hr_strv_release(&cover);
    hr_free(abs);
    return error;
}

/* hr_instance_opts_from_case - what an instance for the case c needs */
void hr_instance_opts_from_case(hr_instance_opts *out, const hr_build *b,
                                const char *dir, const char *netns,
                                const hr_strv *libenv, const hr_case *c)
{
    hr_instance_opts o = HR_INSTANCE_OPTS_INIT;

    o.build = b;
    o.dir = dir;
    o.netns = netns;
    o.libenv = libenv;
    o.config = &c->config;
    o.tables = c->tables;
    o.ntables = c->ntables;
    o.user = c->user;
    *out = o;
}

/* Parameters whose effect depends on other sessions: anvil(8) counts
 * connections, messages and recipients per client across sessions, and
 * sessions back to back (batch(3)) would count differently. */
static const char *const cross_session[] = {
    "smtpd_client_connection_count_limit",
    "smtpd_client_connection_rate_limit",
    "smtpd_client_message_rate_limit",
    "smtpd_client_recipient_rate_limit",
    "smtpd_client_new_tls_session_rate_limit",
    "smtpd_client_auth_rate_limit",
    "smtpd_client_event_limit_exceptions",
    "anvil_rate_time_unit",
    NULL,
};

/* sets_cross_session - a "name = value" of the list sets one of them */
static int sets_cross_session(const hr_strv *settings)
{
    for (size_t i = 0; settings && i < settings->n; i++) {
        const char *s = settings->v[i];

        if (hr_strv_member(cross_session, s, strcspn(s, " \t=")))
            return 1;
    }
    return 0;
}

/* batchable - sessions may go back to back on the instance: no setting
 * that counts other sessions, no master.cf of the user's (its -o
 * settings), no extra settings or service arguments (escalation) */
static int batchable(const hr_instance_opts *o)
{
    return !sets_cross_session(o->config) &&
           !(o->user && (sets_cross_session(&o->user->settings) ||
                         o->user->master_path)) &&
           !(o->extra_main && o->extra_main->n) &&
           !(o->service_args && o->service_args->n);
}

/* hr_instance_batchable - see batchable() */
int hr_instance_batchable(const hr_instance *in)
{
    return in->batchable;
}

/* hr_instance_start - make and start an instance */
int hr_instance_start(hr_instance **out, const hr_instance_opts *o)
{
    hr_instance *in = hr_calloc(1, sizeof(*in));
    hr_spawn_opts so = HR_SPAWN_OPTS_INIT;
    uid_t pf_uid;
    gid_t pf_gid;
    long long t0 = hr_clock_ms();
    const char *argv[3];
    char *master_path = NULL, *master_out = NULL, *daemon_dir = NULL;
    const char *env[3];
    char *env_cfg = NULL;
    int error;

    *out = NULL;
    start_why[0] = 0;
    in->build = o->build;
    in->dir = hr_path_abs(o->dir);
    in->etc = hr_path_join(in->dir, "etc");
    in->tables = hr_path_join(in->etc, "tables");
    in->spool = hr_path_join(in->dir, HR_SPOOL_DIR);
    in->queue = hr_path_join(in->spool, "queue");
    in->data = hr_path_join(in->spool, "data");
    in->mail = hr_path_join(in->spool, "mail");
    in->san = hr_path_join(in->dir, "sanitizer");
    in->maillog = hr_path_join(in->dir, "maillog");
    in->netns = hr_strdup(o->netns);
    /* Every instance logs through postlogd to its own maillog_file, and
     * the harness fences the log through postlogd's socket: both came
     * with Postfix 3.4. */
    if (!hr_version_at_least(o->build->source_version, 3, 4)) {
        error = hr_error_set(HR_EINPUT, "Postfix %s has no postlogd and no "
                             "maillog_file (3.4 and later do): pfharness "
                             "cannot run it", o->build->source_version);
        goto fail;
    }
    if (strpbrk(in->dir, " \t,=:")) {
        error = hr_error_set(HR_EINPUT, "instance path '%s' contains a space, "
                             "',', '=' or ':', which main.cf cannot hold",
                             in->dir);
        goto fail;
    }
    build_env(in, o);
    in->batchable = batchable(o);
    if ((error = hr_spool_unmount_stale(in->spool)) < 0 ||
        (error = hr_rm_rf(in->dir)) < 0 ||
        (error = hr_mkdir_p(in->dir, 0755)) < 0 ||
        (error = hr_spool_mount(&in->spool_mounted, in->spool, in->netns)) <
            0 ||
        (error = hr_mkdir_p(in->tables, 0755)) < 0 ||
        (error = hr_mkdir_p(in->queue, 0755)) < 0 ||
        (error = hr_mkdir_p(in->mail, 0755)) < 0 ||
        (error = hr_mkdir_p(in->san, 0755)) < 0)
        goto fail;
    /* Sanitizer logs: root and the postfix user write them, nobody
     * else may (no world-writable directory). */
    if ((error = hr_lookup_uid(&pf_uid, "postfix")) < 0 ||
        (error = hr_lookup_gid(&pf_gid, "postfix")) < 0)
        goto fail;
    if (chown(in->mail, 65534, 65534) < 0 ||
        chown(in->san, pf_uid, pf_gid) < 0 || chmod(in->san, 0770) < 0) {
        error = hr_error_set(HR_ERROR, "cannot set up '%s': %s", in->dir,
                             strerror(errno));
        goto fail;
    }
    if ((error = make_queue_dirs(in)) < 0 ||
        (error = hr_maincf_write(in->dir, o)) < 0 ||
        (error = hr_maincf_put_file(in->maillog, "", 0644)) < 0)
        goto fail;
    build_view(in, o);
    if ((error = reachable(in->dir, &in->cover)) < 0 ||
        (error = index_tables(in, o)) < 0)
        goto fail;
    if ((error = hr_netns_create(in->netns)) < 0)
        goto fail;
    in->netns_made = 1;
    if ((error = hr_sink_start(&in->sink, in->netns, HR_SINK_ADDR,
                               HR_SINK_PORT)) < 0)
        goto fail;

    daemon_dir = hr_build_daemon_dir(o->build);
    master_path = hr_path_join(daemon_dir, "master");
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
    so.view = &in->view;
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
    hr_free(daemon_dir);
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
    if (in->spool_mounted) {
        /* Mail left in the queue stays on disk for the bug report. */
        char *kept = hr_path_join(in->dir, "queue");
        char *first = error < 0 ? hr_strdup(hr_error_last()) : NULL;
        int e = hr_spool_keep_queue(in->queue, kept);

        if (e < 0 && error == 0)
            error = e, first = hr_strdup(hr_error_last());
        if ((e = hr_spool_unmount(in->spool)) < 0 && error == 0)
            error = e, first = hr_strdup(hr_error_last());
        in->spool_mounted = 0;
        /* the first failure's text, as the code is the first one's */
        if (first)
            hr_error_set(error, "%s", first);
        hr_free(first);
        hr_free(kept);
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
    hr_free(in->spool);
    hr_free(in->queue);
    hr_free(in->data);
    hr_free(in->mail);
    hr_free(in->san);
    hr_free(in->maillog);
    hr_free(in->netns);
    hr_strv_release(&in->env);
    hr_strv_release(&in->cover);
    hr_strv_release(&in->ro);
    hr_strv_release(&in->rw);
    hr_strv_release(&in->layers);
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

/* hr_instance_view - what sendmail and friends may see, as master does */
const hr_mountview_spec *hr_instance_view(const hr_instance *in)
{
    return &in->view;
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

/* proc_stat - the command, state and parent of process pid, from
 * /proc/PID/stat ("PID (COMM) S PPID ...": COMM may hold spaces and
 * parens); 0, or -1 when it is gone */
static int proc_stat(const char *pid, char *comm, size_t comm_len,
                     char *state, long *ppid)
{
    char path[64], buf[512];
    const char *open_paren, *close_paren;
    ssize_t n;
    int fd;

    snprintf(path, sizeof(path), "/proc/%.20s/stat", pid);
    if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
        return -1;
    n = read(fd, buf, sizeof(buf) - 1);
    close(fd);
    if (n <= 0)
        return -1;
    buf[n] = 0;
    if ((open_paren = strchr(buf, '(')) == NULL ||
        (close_paren = strrchr(buf, ')')) == NULL ||
        sscanf(close_paren + 1, " %c %ld", state, ppid) != 2)
        return -1;
    snprintf(comm, comm_len, "%.*s", (int)(close_paren - open_paren - 1),
             open_paren + 1);
    return 0;
}

/* child_busy - process pid, a child of master, is a zombie (a daemon
 * that died and is not yet reaped and logged) or an smtpd still serving */
static int child_busy(const char *pid, long master)
{
    char comm[64], state;
    long ppid;

    if (proc_stat(pid, comm, sizeof(comm), &state, &ppid) < 0 ||
        ppid != master)
        return 0;
    return state == 'Z' || strcmp(comm, "smtpd") == 0;
}

/* children_busy - master has a busy child (child_busy()); smtpd serves
 * one connection (max_use = 1) and exits. Its children come from
 * /proc/PID/task/PID/children, else from a walk of /proc. */
static int children_busy(pid_t master)
{
    char path[64];
    hr_buf list = HR_BUF_INIT;
    int busy = 0;

    snprintf(path, sizeof(path), "/proc/%ld/task/%ld/children", (long)master,
             (long)master);
    if (hr_file_read(&list, path, 1 << 16) == 0) {
        hr_strv pids = HR_STRV_INIT;

        hr_strv_split(&pids, hr_buf_cstr(&list), " \n");
        for (size_t i = 0; i < pids.n && !busy; i++)
            busy = child_busy(pids.v[i], (long)master);
        hr_strv_release(&pids);
    } else {
        DIR *d = opendir("/proc");
        struct dirent *e;

        while (d && !busy && (e = readdir(d)) != NULL)
            if (e->d_name[0] >= '1' && e->d_name[0] <= '9')
                busy = child_busy(e->d_name, (long)master);
        if (d)
            closedir(d);
    }
    hr_buf_release(&list);
    return busy;
}

/* master_running - master is not asleep in its event loop: it may be
 * between reaping a child and logging what became of it, or blocked in
 * sending those lines (a UNIX datagram socket holds few: a full queue
 * blocks the sender, and blocked senders wake in no set order, so a mark
 * sent now could overtake them). /proc/PID/syscall says which call it
 * sleeps in; where it cannot be read, the run state does. */
static int master_running(pid_t master)
{
    static const long idle_calls[] = {
#ifdef SYS_epoll_wait
        SYS_epoll_wait,
#endif
#ifdef SYS_epoll_pwait
        SYS_epoll_pwait,
#endif
#ifdef SYS_epoll_pwait2
        SYS_epoll_pwait2,
#endif
#ifdef SYS_poll
        SYS_poll,
#endif
#ifdef SYS_ppoll
        SYS_ppoll,
#endif
#ifdef SYS_select
        SYS_select,
#endif
#ifdef SYS_pselect6
        SYS_pselect6,
#endif
        -1,
    };
    char path[64], buf[512], comm[64], state = 'S';
    ssize_t n;
    long call, ppid;
    int fd;

    snprintf(path, sizeof(path), "/proc/%ld/syscall", (long)master);
    if ((fd = open(path, O_RDONLY | O_CLOEXEC)) >= 0) {
        n = read(fd, buf, sizeof(buf) - 1);
        close(fd);
        if (n > 0) {
            buf[n] = 0;
            if (sscanf(buf, "%ld", &call) != 1)
                return 1;           /* "running" */
            for (const long *c = idle_calls; *c >= 0; c++)
                if (call == *c)
                    return 0;
            return 1;               /* asleep elsewhere: sending, say */
        }
    }
    snprintf(path, sizeof(path), "%ld", (long)master);
    if (proc_stat(path, comm, sizeof(comm), &state, &ppid) < 0)
        return 0;
    return state == 'R';
}

/* wait_children - until master has reaped every child that died and is
 * back asleep, and no smtpd serves, or time is up: then what master logs
 * about the case's processes (a daemon killed by a signal, the throttle
 * after it) is in the case's log slice, not the next case's */
static void wait_children(hr_instance *in, int timeout_ms)
{
    long long deadline = hr_clock_ms() + timeout_ms;
    int delay_us = 200;

    while (in->master > 0 &&
           (children_busy(in->master) || master_running(in->master)) &&
           hr_clock_ms() < deadline) {
        struct timespec ts = {0, delay_us * 1000L};

        nanosleep(&ts, NULL);
        if (delay_us < 20000)
            delay_us *= 2;
    }
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
    if (error == 0)
        wait_children(in, 2000);
done:
    close(ifd);
    return error;
}


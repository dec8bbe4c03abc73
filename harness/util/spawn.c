/*
 * NAME
 *	util/spawn 3
 * SUMMARY
 *	run child processes
 * SYNOPSIS
 *	#include "util/spawn.h"
 *
 *	int	hr_spawn_run(out_status, opts)
 *	int	hr_spawn_capture(out_status, out, err, argv, cwd, timeout_ms)
 *	int	hr_spawn_start(out_pid, opts)
 *	int	hr_spawn_wait(out_status, pid, timeout_ms)
 *	int	hr_spawn_find_program(out, name)
 * DESCRIPTION
 *	hr_spawn_run() runs a command to completion. Its output goes to
 *	/dev/null, the harness's own streams, a file, or a bounded buffer;
 *	with use_pty, stdout and stderr share a pseudo-terminal, because
 *	Postfix commands report errors on stderr only when it is a tty
 *	(otherwise only to syslog, which does not exist here).
 *
 *	Children may join a network namespace (netns), get a mount
 *	namespace with a read-only view of the host (view, mountview(3)),
 *	start their own session (new_session, so that a timeout or a
 *	cleanup can stop the whole process group), have a network
 *	namespace of their own with nothing in it (no_network), run as a user of no
 *	privilege (as_user: uid and gid, no supplementary groups,
 *	PR_SET_NO_NEW_PRIVS; cwd is entered as that user), and have a
 *	time limit (SIGTERM, then SIGKILL two seconds later). With
 *	cpu_seconds, hr_spawn_run() tells the CPU time (user and system)
 *	of the child and of everything it waited for (wait4()). Children get PR_SET_PDEATHSIG, so that
 *	they do not outlive the harness even when it is killed.
 *
 *	hr_spawn_capture() is hr_spawn_run() for the common case: run argv
 *	in cwd (NULL: ours) with a time limit, stdout into out and stderr
 *	into err; NULL sends a stream to /dev/null, and err == out merges
 *	stderr into stdout. The buffers keep their size limits.
 *
 *	hr_spawn_start() starts a long-lived child (a Postfix master, a
 *	sink) with new_session and returns its pid; the process group is
 *	registered with cleanup(3) until hr_spawn_wait() reaps it.
 *
 *	All work that can allocate happens before fork(): the harness has
 *	threads, so the child only makes system calls before execve().
 *
 *	This file is the seam for process creation in unit tests.
 * DIAGNOSTICS
 *	The functions return 0 when the child was started and waited for,
 *	whatever its exit status, and a negative code when it could not
 *	be run or ran out of time (HR_ETIMEOUT).
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <poll.h>
#include <pty.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "util/spawn.h"
#include "util/cleanup.h"
#include "util/clock.h"
#include "util/mem.h"
#include "util/fsutil.h"

extern char **environ;

/* hr_spawn_find_program - resolve a command name through PATH */
int hr_spawn_find_program(char **out, const char *name)
{
    const char *path = getenv("PATH");
    hr_strv dirs = HR_STRV_INIT;
    int error = HR_ENOTFOUND;

    *out = NULL;
    if (strchr(name, '/')) {
        if (access(name, X_OK) == 0) {
            *out = hr_strdup(name);
            return 0;
        }
        return hr_error_set(HR_ENOTFOUND, "cannot execute '%s': %s", name,
                            strerror(errno));
    }
    hr_strv_split(&dirs, path ? path : "/usr/bin:/bin", ":");
    for (size_t i = 0; i < dirs.n; i++) {
        char *cand = hr_path_join(dirs.v[i], name);

        if (access(cand, X_OK) == 0 && hr_is_file(cand)) {
            *out = cand;
            error = 0;
            break;
        }
        hr_free(cand);
    }
    hr_strv_release(&dirs);
    if (error)
        hr_error_set(error, "command '%s' not found in PATH", name);
    return error;
}

/* build_env - the child's environment */
static void build_env(hr_strv *env, const hr_spawn_opts *o)
{
    if (!o->clear_env) {
        for (char **e = environ; *e; e++) {
            size_t nlen = strcspn(*e, "=");
            int drop = 0;

            for (const char *const *u = o->unsetenv; u && *u && !drop; u++)
                drop = strlen(*u) == nlen && strncmp(*u, *e, nlen) == 0;
            for (const char *const *s = o->setenv; s && *s && !drop; s++)
                drop = strcspn(*s, "=") == nlen && strncmp(*s, *e, nlen) == 0;
            if (!drop)
                hr_strv_add(env, *e);
        }
    }
    for (const char *const *s = o->setenv; s && *s; s++)
        hr_strv_add(env, *s);
    hr_strv_argv(env);
}

struct child_fds {
    int in_fd;          /* read end for stdin */
    int out_fd, err_fd; /* write ends, or files */
    int ns_fd;          /* netns, or -1 */
    hr_mountview *view; /* or NULL */
    int keep_alive;
    int new_session;
    pid_t parent;
    int as_user;
    uid_t uid;
    gid_t gid;
    int no_network;
};

/* child - after fork: only system calls, then exec */
static void child(struct child_fds *f, const char *prog,
                  char *const *argv, char *const *envp, const char *cwd)
{
    sigset_t none;
    static const char msg[] = "pfharness: cannot execute child\n";

    /* Undo the harness's signal state. */
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    signal(SIGPIPE, SIG_DFL);
    signal(SIGINT, SIG_DFL);
    signal(SIGTERM, SIG_DFL);
    signal(SIGHUP, SIG_DFL);
    if (f->new_session)
        setsid();
    if (!f->keep_alive) {
        prctl(PR_SET_PDEATHSIG, SIGTERM);
        /* The harness died between fork() and prctl(): nobody would
         * stop us. */
        if (getppid() != f->parent)
            _exit(126);
    }
    if (f->ns_fd >= 0 && setns(f->ns_fd, CLONE_NEWNET) < 0)
        _exit(126);
    if (f->no_network && unshare(CLONE_NEWNET) < 0)
        _exit(126);
    if (dup2(f->in_fd, 0) < 0 || dup2(f->out_fd, 1) < 0 ||
        dup2(f->err_fd, 2) < 0)
        _exit(126);
    if (f->view && hr_mountview_enter(f->view) < 0) {
        static const char nsmsg[] = "pfharness: cannot set up the mount "
                                    "namespace\n";

        if (write(2, nsmsg, sizeof(nsmsg) - 1) < 0)
            _exit(126);
        _exit(126);
    }
    /* Run as a user of no privilege: no groups, then the group, then the
     * user; setuid and setgid files grant nothing from here on. */
    if (f->as_user &&
        (setgroups(0, NULL) < 0 || setresgid(f->gid, f->gid, f->gid) < 0 ||
         setresuid(f->uid, f->uid, f->uid) < 0 ||
         prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0))
        _exit(126);
    if (cwd && chdir(cwd) < 0)
        _exit(126);
    execve(prog, argv, envp);
    if (write(2, msg, sizeof(msg) - 1) < 0)
        _exit(127);
    _exit(127);
}

/* open_out - a write descriptor for one output mode */
static int open_out(hr_out_mode mode, const char *path, int inherit_fd,
                    int *pipe_rd)
{
    int p[2];

    *pipe_rd = -1;
    switch (mode) {
    case HR_OUT_INHERIT:
        return dup(inherit_fd);
    case HR_OUT_FILE:
        return open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    case HR_OUT_CAPTURE:
        if (pipe2(p, O_CLOEXEC) < 0)
            return -1;
        *pipe_rd = p[0];
        return p[1];
    default:
        return open("/dev/null", O_WRONLY | O_CLOEXEC);
    }
}

struct running {
    pid_t pid;
    int pidfd;
    int in_wr;          /* stdin data pipe, or -1 */
    int out_rd, err_rd; /* capture pipes or pty master, or -1 */
    const char *in_data;
    size_t in_left;
};

/* start - fork and exec; fill in r */
static int start(struct running *r, const hr_spawn_opts *o)
{
    struct child_fds f = {-1, -1, -1, -1, NULL, o->keep_alive,
                          o->new_session, getpid(), o->as_user, o->uid,
                          o->gid, o->no_network};
    hr_mountview *view = NULL;
    hr_strv env = HR_STRV_INIT;
    char *prog = NULL;
    int in_pipe[2] = {-1, -1};
    int error = 0;

    memset(r, 0, sizeof(*r));
    r->in_wr = r->out_rd = r->err_rd = r->pidfd = -1;
    if (o->argv == NULL || o->argv[0] == NULL)
        hr_panic("hr_spawn: no argv");
    if ((error = hr_spawn_find_program(&prog, o->argv[0])) < 0)
        return error;
    build_env(&env, o);

    if (o->netns) {
        char *path = hr_sprintf("/run/netns/%s", o->netns);

        f.ns_fd = open(path, O_RDONLY | O_CLOEXEC);
        hr_free(path);
        if (f.ns_fd < 0) {
            error = hr_error_set(HR_ERROR, "cannot open network namespace "
                                 "'%s': %s", o->netns, strerror(errno));
            goto done;
        }
    }
    if (o->view) {
        if ((error = hr_mountview_plan(&view, o->view)) < 0)
            goto done;
        f.view = view;
    }
    if (o->stdin_data) {
        if (pipe2(in_pipe, O_CLOEXEC) < 0)
            goto syserr;
        f.in_fd = in_pipe[0];
        r->in_wr = in_pipe[1];
        r->in_data = o->stdin_data;
        r->in_left = o->stdin_len;
    } else if ((f.in_fd = open("/dev/null", O_RDONLY | O_CLOEXEC)) < 0) {
        goto syserr;
    }
    if (o->use_pty) {
        int master, slave;

        if (openpty(&master, &slave, NULL, NULL, NULL) < 0)
            goto syserr;
        fcntl(master, F_SETFD, FD_CLOEXEC);
        fcntl(slave, F_SETFD, FD_CLOEXEC);
        r->out_rd = master;
        f.out_fd = slave;
        f.err_fd = dup(slave);
        if (f.err_fd < 0)
            goto syserr;
        fcntl(f.err_fd, F_SETFD, FD_CLOEXEC);
    } else {
        if ((f.out_fd = open_out(o->out, o->out_path, 1, &r->out_rd)) < 0)
            goto syserr;
        if (o->err == HR_OUT_STDOUT)
            f.err_fd = dup(f.out_fd);
        else
            f.err_fd = open_out(o->err, o->err_path, 2, &r->err_rd);
        if (f.err_fd < 0)
            goto syserr;
    }

    if ((r->pid = fork()) < 0)
        goto syserr;
    if (r->pid == 0)
        child(&f, prog, (char *const *)o->argv, env.v, o->cwd);
    if (o->new_session)
        hr_cleanup_add_pgrp(r->pid);
    r->pidfd = (int)syscall(SYS_pidfd_open, r->pid, 0);
    goto done;

syserr:
    error = hr_error_set(HR_ERROR, "cannot run '%s': %s", o->argv[0],
                         strerror(errno));
    if (r->in_wr >= 0)
        close(r->in_wr);
    if (r->out_rd >= 0)
        close(r->out_rd);
    if (r->err_rd >= 0)
        close(r->err_rd);
    r->in_wr = r->out_rd = r->err_rd = -1;
done:
    if (f.in_fd >= 0)
        close(f.in_fd);
    if (f.out_fd >= 0)
        close(f.out_fd);
    if (f.err_fd >= 0)
        close(f.err_fd);
    if (f.ns_fd >= 0)
        close(f.ns_fd);
    hr_mountview_free(view);
    hr_strv_release(&env);
    hr_free(prog);
    return error;
}

/* drain - read what is there; close on EOF or error */
static void drain(int *fd, hr_buf *b)
{
    char chunk[8192];
    ssize_t n = read(*fd, chunk, sizeof(chunk));

    if (n > 0) {
        if (b)
            hr_buf_put(b, chunk, n);
        return;
    }
    if (n < 0 && (errno == EINTR || errno == EAGAIN))
        return;
    close(*fd);         /* EOF, or EIO from a pty whose slave closed */
    *fd = -1;
}

/* drain_rest - read without blocking until empty, then close */
static void drain_rest(int *fd, hr_buf *b)
{
    char chunk[8192];
    ssize_t n;

    if (*fd < 0)
        return;
    fcntl(*fd, F_SETFL, O_NONBLOCK);
    while ((n = read(*fd, chunk, sizeof(chunk))) > 0)
        if (b)
            hr_buf_put(b, chunk, n);
    close(*fd);
    *fd = -1;
}

/* decode - wait status to shell-style exit status */
static int decode(int ws)
{
    if (WIFEXITED(ws))
        return WEXITSTATUS(ws);
    if (WIFSIGNALED(ws))
        return 128 + WTERMSIG(ws);
    return 255;
}

/* supervise - feed stdin, collect output, wait with a deadline */
static int supervise(int *out_status, struct running *r, const hr_spawn_opts *o)
{
    long long deadline = o->timeout_ms ? hr_clock_ms() + o->timeout_ms : 0;
    long long kill_at = 0;
    int exited = 0, timed_out = 0, ws = 0;
    struct rusage ru;
    hr_buf *outb = o->out_buf;

    if (r->in_wr >= 0)
        fcntl(r->in_wr, F_SETFL, O_NONBLOCK);
    while (!exited || r->out_rd >= 0 || r->err_rd >= 0) {
        struct pollfd p[4];
        int np = 0, wait_ms = -1;
        int i_in = -1, i_out = -1, i_err = -1, i_pid = -1;

        if (exited) {
            /* The child is gone: take what is buffered, but do not wait
             * for grandchildren that inherited the pipe. */
            drain_rest(&r->out_rd, outb);
            drain_rest(&r->err_rd, o->err_buf);
            break;
        }
        if (r->in_wr >= 0) {
            p[np].fd = r->in_wr, p[np].events = POLLOUT, i_in = np++;
        }
        if (r->out_rd >= 0)
            p[np].fd = r->out_rd, p[np].events = POLLIN, i_out = np++;
        if (r->err_rd >= 0)
            p[np].fd = r->err_rd, p[np].events = POLLIN, i_err = np++;
        if (r->pidfd >= 0)
            p[np].fd = r->pidfd, p[np].events = POLLIN, i_pid = np++;
        if (deadline || kill_at) {
            long long t = kill_at ? kill_at : deadline;

            wait_ms = (int)(t - hr_clock_ms());
            if (wait_ms < 0)
                wait_ms = 0;
        }
        if (r->pidfd < 0 && (wait_ms < 0 || wait_ms > 20))
            wait_ms = 20;       /* no pidfd: poll for exit */
        if (poll(p, np, wait_ms) < 0 && errno != EINTR)
            return hr_error_set(HR_ERROR, "poll: %s", strerror(errno));
        if (i_in >= 0 && p[i_in].revents) {
            ssize_t n = write(r->in_wr, r->in_data, r->in_left);

            if (n > 0) {
                r->in_data += n;
                r->in_left -= n;
            }
            if ((n < 0 && errno != EAGAIN && errno != EINTR) || r->in_left == 0) {
                close(r->in_wr);
                r->in_wr = -1;
            }
        }
        if (i_out >= 0 && p[i_out].revents)
            drain(&r->out_rd, outb);
        if (i_err >= 0 && p[i_err].revents)
            drain(&r->err_rd, o->err_buf);
        if (wait4(r->pid, &ws, WNOHANG, &ru) == r->pid) {
            exited = 1;
            if (o->cpu_seconds)
                *o->cpu_seconds =
                    (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 +
                    (double)ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
        }
        (void)i_pid;
        if (!exited && deadline && hr_clock_ms() >= deadline && !kill_at) {
            timed_out = 1;
            kill(o->new_session ? -r->pid : r->pid, SIGTERM);
            kill_at = hr_clock_ms() + 2000;
            deadline = 0;
        } else if (!exited && kill_at && hr_clock_ms() >= kill_at) {
            kill(o->new_session ? -r->pid : r->pid, SIGKILL);
            kill_at = 0;
        }
    }
    if (r->in_wr >= 0)
        close(r->in_wr);
    if (r->pidfd >= 0)
        close(r->pidfd);
    if (o->new_session) {
        kill(-r->pid, SIGKILL);     /* leftovers of the group */
        hr_cleanup_del_pgrp(r->pid);
    }
    *out_status = decode(ws);
    if (timed_out)
        return hr_error_set(HR_ETIMEOUT, "'%s' ran out of time after %d ms",
                            o->argv[0], o->timeout_ms);
    if (hr_interrupted())
        return hr_error_set(HR_EINTR, "interrupted");
    return 0;
}

/* hr_spawn_run - run a command to completion */
int hr_spawn_run(int *out_status, const hr_spawn_opts *o)
{
    struct running r;
    int error;

    *out_status = -1;
    if ((error = start(&r, o)) < 0)
        return error;
    return supervise(out_status, &r, o);
}

/* hr_spawn_capture - run argv, its output into buffers */
int hr_spawn_capture(int *out_status, hr_buf *out, hr_buf *err,
                     const char *const *argv, const char *cwd, int timeout_ms)
{
    hr_spawn_opts o = HR_SPAWN_OPTS_INIT;

    o.argv = argv;
    o.cwd = cwd;
    o.timeout_ms = timeout_ms;
    if (out) {
        o.out = HR_OUT_CAPTURE;
        o.out_buf = out;
    }
    if (err && err == out) {
        o.err = HR_OUT_STDOUT;
    } else if (err) {
        o.err = HR_OUT_CAPTURE;
        o.err_buf = err;
    }
    return hr_spawn_run(out_status, &o);
}

/* hr_spawn_start - start a long-lived child in its own session */
int hr_spawn_start(pid_t *out_pid, const hr_spawn_opts *o)
{
    hr_spawn_opts copy = *o;
    struct running r;
    int error;

    if (o->stdin_data || o->out == HR_OUT_CAPTURE || o->err == HR_OUT_CAPTURE ||
        o->use_pty)
        hr_panic("hr_spawn_start: capture needs hr_spawn_run");
    copy.new_session = 1;
    if ((error = start(&r, &copy)) < 0)
        return error;
    if (r.pidfd >= 0)
        close(r.pidfd);
    *out_pid = r.pid;
    return 0;
}

/* hr_spawn_wait - reap a child from hr_spawn_start, bounded */
int hr_spawn_wait(int *out_status, pid_t pid, int timeout_ms)
{
    long long deadline = hr_clock_ms() + timeout_ms;
    int pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
    int ws;

    for (;;) {
        pid_t got = waitpid(pid, &ws, WNOHANG);

        if (got == pid)
            break;
        if (got < 0) {
            if (pidfd >= 0)
                close(pidfd);
            hr_cleanup_del_pgrp(pid);
            return hr_error_set(HR_ERROR, "waitpid %ld: %s", (long)pid,
                                strerror(errno));
        }
        if (timeout_ms >= 0 && hr_clock_ms() >= deadline) {
            if (pidfd >= 0)
                close(pidfd);
            return hr_error_set(HR_ETIMEOUT, "process %ld did not exit in "
                                "%d ms", (long)pid, timeout_ms);
        }
        if (pidfd >= 0) {
            struct pollfd p = {pidfd, POLLIN, 0};
            long long left = deadline - hr_clock_ms();

            poll(&p, 1, timeout_ms < 0 ? -1 : (int)(left > 0 ? left : 0));
        } else {
            struct timespec ts = {0, 5 * 1000 * 1000};

            nanosleep(&ts, NULL);
        }
    }
    if (pidfd >= 0)
        close(pidfd);
    hr_cleanup_del_pgrp(pid);
    *out_status = decode(ws);
    return 0;
}

/* hr_spawn_status_text - "exit status N" or "killed by signal N" */
int hr_spawn_status_text(char *buf, size_t len, int status)
{
    if (status > 128 && status < 128 + 65)
        return snprintf(buf, len, "killed by signal %d", status - 128);
    return snprintf(buf, len, "exit status %d", status);
}

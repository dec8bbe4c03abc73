/*
 * NAME
 *	replay/funcrun 3
 * SUMMARY
 *	one func case once on one build: the probe process, its crashes,
 *	the observation
 * SYNOPSIS
 *	#include "replay/funcrun.h"
 *
 *	int	hr_funcrun_applies(b)
 *	char	*hr_funcrun_libdir(b)
 *	int	hr_funcrun(out, b, libenv, c, dir)
 *	void	hr_funcrun_set_exe(path)
 * DESCRIPTION
 *	A func case needs no instance: it calls a function of the build's
 *	shared Postfix libraries. hr_funcrun_applies() says whether build b
 *	has them (a shared build, or Debian's binaries: libpostfix-util.so
 *	in the stage's usr/lib/postfix, which hr_funcrun_libdir() names).
 *
 *	hr_funcrun() makes dir (it must not hold a run already), a results
 *	file in it owned by nobody, and starts "pfharness func-probe"
 *	(ffcall(3)) on it: as nobody without privileges, in a network
 *	namespace with nothing in it, in the mount view of an instance
 *	(the host read-only; homes, /tmp, /run, the queue and var/ empty;
 *	the case's directory and the libraries read-only; dir
 *	writable), with a plain environment plus the build's and the
 *	library environment's variables (an LD_PRELOAD shim reaches the
 *	function). Its stderr goes to dir/probe.log.
 *
 *	The probe writes a line per input. When it dies on an input (a
 *	signal, msg_fatal()'s exit) that input's line ends with what
 *	happened ("SIGSEGV", "exit 1"), and a new probe starts at the next
 *	input; one that makes no progress for HR_FUNCRUN_STALL_MS is killed
 *	("timed out"). After 1000 such deaths the rest is not run, and the
 *	observation says so. A probe that cannot start (the build lacks the
 *	function) is the observation ("probe did not start: ...").
 *
 *	The probe is the harness's own executable; a program that is not
 *	pfharness (the benchmark) names it with hr_funcrun_set_exe().
 *
 *	The observation (obs(3)) has one section, "func": a line with the
 *	library and the signatures, then the lines of the inputs. The
 *	expectation is the case's golden, when it has one.
 * DIAGNOSTICS
 *	Negative returns are the harness's trouble: a directory or file
 *	that cannot be made, a probe that cannot be started at all,
 *	HR_EINTR.
 * SEE ALSO
 *	ffcall(3), func(3), caserun(3).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "replay/funcrun.h"
#include "case/func.h"
#include "replay/ffcall.h"
#include "instance/libenv.h"
#include "util/cleanup.h"
#include "util/clock.h"
#include "util/fsutil.h"
#include "util/mem.h"
#include "util/msg.h"
#include "util/paths.h"
#include "util/spawn.h"

#define CAP_BYTES (64u << 20)
#define MAX_DEATHS 1000

/* The probe is "pfharness func-probe": the harness itself, by the name
 * that works even when its file was replaced while it runs and under a
 * covered directory; another program (the benchmark) names it. */
static char *probe_exe;

/* hr_funcrun_set_exe - the pfharness executable, for programs that are
 * not it */
void hr_funcrun_set_exe(const char *path)
{
    hr_free(probe_exe);
    probe_exe = path ? hr_path_abs(path) : NULL;
}

/* hr_funcrun_libdir - where b's Postfix libraries are */
char *hr_funcrun_libdir(const hr_build *b)
{
    return hr_sprintf("%s/usr/lib/postfix", b->stage);
}

/* hr_funcrun_applies - b has shared Postfix libraries */
int hr_funcrun_applies(const hr_build *b)
{
    char *dir, *lib;
    int ok;

    if (b->stage == NULL)
        return 0;
    dir = hr_funcrun_libdir(b);
    lib = hr_path_join(dir, "libpostfix-util.so");
    ok = hr_is_file(lib);
    hr_free(lib);
    hr_free(dir);
    return ok;
}

/* make_file - the results file, owned by nobody, its header set: no
 * input done yet beyond start */
static int make_file(const char *path, uid_t uid, gid_t gid, size_t start)
{
    hr_ffcall_head h;
    int fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW,
                  0600);
    int error = 0;

    if (fd < 0)
        return hr_error_set(HR_ERROR, "cannot make '%s': %s", path,
                            strerror(errno));
    memset(&h, 0, sizeof(h));
    h.magic = HR_FFCALL_MAGIC;
    h.cap = CAP_BYTES;
    h.done = start;     /* a probe that dies on its first input: start */
    if (ftruncate(fd, HR_FFCALL_HEAD + (off_t)CAP_BYTES) < 0 ||
        pwrite(fd, &h, sizeof(h), 0) != (ssize_t)sizeof(h) ||
        fchown(fd, uid, gid) < 0)
        error = hr_error_set(HR_ERROR, "cannot make '%s': %s", path,
                             strerror(errno));
    close(fd);
    return error;
}

/* what_killed - "SIGSEGV", "exit 1" */
static char *what_killed(int status)
{
    if (status > 128) {
        const char *abbrev = sigabbrev_np(status - 128);

        return abbrev ? hr_sprintf("SIG%s", abbrev)
                      : hr_sprintf("signal %d", status - 128);
    }
    return hr_sprintf("exit %d", status);
}

/* last_line - the last line of a file, for a probe that did not start */
static char *last_line(const char *path)
{
    hr_buf b = HR_BUF_INIT;
    char *line;
    const char *s, *nl;

    if (hr_file_read(&b, path, 1 << 20) < 0 || b.len == 0) {
        hr_buf_release(&b);
        return hr_strdup("(no message)");
    }
    while (b.len && b.ptr[b.len - 1] == '\n')
        hr_buf_truncate(&b, b.len - 1);
    s = hr_buf_cstr(&b);
    nl = strrchr(s, '\n');
    line = hr_strdup(nl ? nl + 1 : s);
    hr_buf_release(&b);
    return line;
}

/* probe_once - one probe process from start; *status its exit */
static int probe_once(int *status, const hr_build *b, const hr_strv *libenv,
                      const char *case_path, const char *dir,
                      const char *file, const char *log, size_t start,
                      uid_t uid, gid_t gid)
{
    const char *exe = probe_exe ? probe_exe : "/proc/self/exe";
    char *case_dir = hr_path_dirname(case_path);
    char *libdir = hr_funcrun_libdir(b);
    char *var = hr_path_abs(hr_var_dir());
    char *startarg = hr_sprintf("%zu", start);
    const char *path = getenv("PATH");
    const char *cover[] = {"/root", "/home", "/tmp", "/var/tmp", "/run",
                           "/etc/postfix", "/var/spool/postfix", var, NULL};
    const char *rw[] = {dir, NULL};
    hr_strv ro = HR_STRV_INIT;
    hr_mountview_spec view = {cover, NULL, rw, NULL, 0};
    const char *argv[] = {exe, "func-probe", "--case", case_path, "--libdir",
                          libdir, "--out", file, "--start", startarg, NULL};
    hr_spawn_opts so = HR_SPAWN_OPTS_INIT;
    hr_strv env = HR_STRV_INIT;
    hr_ffcall_head *head = NULL;
    int fd, error;
    uint64_t seen = UINT64_MAX;
    long long last = hr_clock_ms();
    pid_t pid;

    hr_strv_add(&ro, case_dir);
    if (probe_exe)
        hr_strv_add_owned(&ro, hr_path_dirname(probe_exe));
    hr_strv_add(&ro, libdir);
    hr_libenv_paths(&ro, libenv);
    view.ro = (const char *const *)hr_strv_argv(&ro);
    hr_strv_addf(&env, "PATH=%s", path ? path : "/usr/bin:/bin");
    hr_strv_add(&env, "HOME=/nonexistent");
    hr_strv_add(&env, "LC_ALL=C");
    hr_strv_add(&env, "TZ=UTC");
    hr_strv_addv(&env, &b->env);
    if (libenv)
        hr_strv_addv(&env, libenv);
    so.argv = argv;
    so.clear_env = 1;
    so.setenv = (const char *const *)hr_strv_argv(&env);
    so.view = &view;
    so.out = HR_OUT_FILE;
    so.out_path = log;
    so.err = HR_OUT_STDOUT;
    so.new_session = 1;
    so.no_network = 1;
    so.as_user = 1;
    so.uid = uid;
    so.gid = gid;
    if ((fd = open(file, O_RDONLY | O_CLOEXEC)) < 0) {
        error = hr_error_set(HR_ERROR, "cannot open '%s': %s", file,
                             strerror(errno));
        goto done;
    }
    head = mmap(NULL, HR_FFCALL_HEAD, PROT_READ, MAP_SHARED, fd, 0);
    close(fd);
    if (head == MAP_FAILED) {
        head = NULL;
        error = hr_error_set(HR_ERROR, "cannot map '%s': %s", file,
                             strerror(errno));
        goto done;
    }
    if ((error = hr_spawn_start(&pid, &so)) < 0)
        goto done;
    /* Wait for the exit; a probe that stops making progress hangs in
     * the function: it is killed. */
    for (;;) {
        error = hr_spawn_wait(status, pid, 1000);
        if (error == 0)
            break;
        if (error != HR_ETIMEOUT)
            goto done;
        if (hr_interrupted()) {
            kill(-pid, SIGKILL);
            (void)hr_spawn_wait(status, pid, -1);
            error = hr_error_set(HR_EINTR, "interrupted");
            goto done;
        }
        if (head->done != seen) {
            seen = head->done;
            last = hr_clock_ms();
        } else if (hr_clock_ms() - last > HR_FUNCRUN_STALL_MS) {
            kill(-pid, SIGKILL);
            if ((error = hr_spawn_wait(status, pid, -1)) == 0)
                *status = -1;   /* timed out */
            break;
        }
    }
done:
    if (head)
        munmap(head, HR_FFCALL_HEAD);
    hr_strv_release(&env);
    hr_strv_release(&ro);
    hr_free(startarg);
    hr_free(var);
    hr_free(libdir);
    hr_free(case_dir);
    return error;
}

/* take - the text the probe wrote: complete lines, and the line of the
 * input it died on, ended by what, if it died; *done, *started */
static int take(hr_buf *obs, const char *file, const char *what,
                uint64_t *done, int *started)
{
    int fd = open(file, O_RDONLY | O_CLOEXEC);
    hr_ffcall_head *h;
    const char *text;
    size_t partial;

    if (fd < 0)
        return hr_error_set(HR_ERROR, "cannot open '%s': %s", file,
                            strerror(errno));
    h = mmap(NULL, HR_FFCALL_HEAD + (size_t)CAP_BYTES, PROT_READ, MAP_SHARED,
             fd, 0);
    close(fd);
    if (h == MAP_FAILED)
        return hr_error_set(HR_ERROR, "cannot map '%s': %s", file,
                            strerror(errno));
    text = (const char *)h + HR_FFCALL_HEAD;
    if (h->used > h->cap) {
        munmap(h, HR_FFCALL_HEAD + (size_t)CAP_BYTES);
        return hr_error_set(HR_ERROR, "'%s': a results file out of bounds",
                            file);
    }
    hr_buf_put(obs, text, (size_t)h->used);
    *done = h->done;
    *started = h->started != 0;
    if (what) {
        partial = strnlen(text + h->used, (size_t)(h->cap - h->used));
        if (partial) {
            hr_buf_put(obs, text + h->used, partial);
            hr_buf_printf(obs, " %s\n", what);
        }
    }
    munmap(h, HR_FFCALL_HEAD + (size_t)CAP_BYTES);
    return 0;
}

/* hr_funcrun - the case on the build, once */
int hr_funcrun(hr_caserun_result *out, const hr_build *b,
               const hr_strv *libenv, const hr_case *c, const char *dir)
{
    const hr_func *f = c->func;
    char *file = hr_path_join(dir, "calls.bin");
    char *log = hr_path_join(dir, "probe.log");
    char *case_path = hr_path_abs(c->path);
    hr_buf lines = HR_BUF_INIT, body = HR_BUF_INIT, events = HR_BUF_INIT;
    size_t start = 0, deaths = 0;
    double t0 = hr_clock_s();
    uid_t uid;
    gid_t gid;
    int error;

    memset(out, 0, sizeof(*out));
    if ((error = hr_lookup_uid(&uid, "nobody")) < 0 ||
        (error = hr_lookup_gid(&gid, "nogroup")) < 0 ||
        (error = hr_mkdir_p(dir, 0755)) < 0)
        goto done;
    while (start < f->total) {
        uint64_t done = 0;
        int status = 0, started = 0;
        char *what = NULL;

        if ((error = make_file(file, uid, gid, start)) < 0 ||
            (error = probe_once(&status, b, libenv, case_path, dir, file, log,
                                start, uid, gid)) < 0)
            goto done;
        if (status != 0 && status != HR_FFCALL_EXIT_FULL)
            what = status < 0 ? hr_strdup("timed out") : what_killed(status);
        error = take(&lines, file, what, &done, &started);
        if (error < 0) {
            hr_free(what);
            goto done;
        }
        if (status == HR_FFCALL_EXIT_SETUP && !started) {
            char *why = last_line(log);

            hr_buf_printf(&lines, "probe did not start: %s\n", why);
            hr_buf_printf(&events, "the probe did not start: %s\n", why);
            hr_free(why);
            hr_free(what);
            break;
        }
        if (what && out->first_finding == NULL) {
            const char *t = hr_buf_cstr(&lines);
            const char *end = t + lines.len - 1, *s = end;

            while (s > t && s[-1] != '\n')
                s--;
            out->first_finding = hr_strndup(s, (size_t)(end - s));
        }
        hr_free(what);
        if (status == 0)
            break;
        start = (size_t)done + (status == HR_FFCALL_EXIT_FULL ? 0 : 1);
        if (status != HR_FFCALL_EXIT_FULL && ++deaths >= MAX_DEATHS &&
            start < f->total) {
            hr_buf_printf(&lines, "inputs %zu to %zu not run: the probe "
                          "died %d times\n", start + 1, f->total,
                          MAX_DEATHS);
            break;
        }
    }
    hr_buf_printf(&body, "library %s:", hr_func_library_file(f->library));
    for (size_t k = 0; k < f->ncalls; k++) {
        char *sig = hr_func_signature(f, k);

        hr_buf_printf(&body, "%s %s", k ? ";" : "", sig);
        hr_free(sig);
    }
    hr_buf_puts(&body, "\n");
    hr_buf_puts(&body, hr_buf_cstr(&lines));
    hr_obs_new(&out->model);
    hr_obs_add(out->model, "func", hr_buf_cstr(&body));
    out->obs = hr_strdup(hr_obs_text(out->model));
    hr_caserun_check_golden(&events, c, out->model);
    out->mismatch = hr_strdup(hr_buf_cstr(&events));
    out->expect_ok = out->mismatch[0] == 0;
    out->log = hr_strdup("");
done:
    if (error == 0)
        (void)unlink(file);
    out->seconds = hr_clock_s() - t0;
    hr_buf_release(&lines);
    hr_buf_release(&body);
    hr_buf_release(&events);
    hr_free(case_path);
    hr_free(log);
    hr_free(file);
    return error;
}

/*
 * NAME
 *	run/ptests 3
 * SUMMARY
 *	Postfix's own tests, one by one, in each build's tree
 * SYNOPSIS
 *	#include "run/ptests.h"
 *
 *	int	hr_ptests_run(run, o)
 *	int	hr_ptests_judge(run)
 *	void	hr_ptests_new(out, ntests, nbuilds, reps)
 *	hr_obs	*hr_ptests_model(result, sanitizer)
 *	size_t	hr_ptests_nonpass(p)
 *	int	hr_ptests_reps(p, t, b)
 *	int	hr_ptests_valid_result(s)
 *	char	*hr_ptests_log_path(build, test, rep)
 *	void	hr_ptests_free(p)
 * DESCRIPTION
 *	run --postfix-tests adds Postfix's "make tests" as another signal.
 *	hr_ptests_run() lists the tests of the run's source (ptlist(3)),
 *	leaves out those of cases/postfix-tests.skip that apply to its
 *	version and the root_tests, each with its reason, and runs every
 *	other test alone ("make -s TARGET" in src/DIR) in a copy of each
 *	build's tree. Test programs are compiled there with the build's
 *	own compiler and flags, so an O2 build tests O2 code.
 *
 *	Each test runs hermetically: as nobody, in a network namespace of
 *	its own with only loopback, in a mount namespace where the host is
 *	read-only and /root, /home, /run, /etc/postfix, /var/spool/postfix
 *	and the harness's var/ are empty (and /tmp and /var/tmp empty and
 *	writable: tests keep files there), with an
 *	environment of its own: MAIL_CONFIG names a private main.cf whose
 *	queue_directory is private, TZ is pinned to the zone the .ref
 *	files were made in (US Eastern), LC_ALL=C, no ccache, and only the
 *	PFH_ variables of the harness's environment (fault wrappers read
 *	them). Tests of one directory run in turn (their Makefile moves
 *	objects aside while it links a test program); directories and
 *	builds run side by side, two per core (many tests sleep). A test may take
 *	HR_PTEST_TIMEOUT_S seconds.
 *
 *	A result is "pass" (make exited 0), "fail (exit N)" or "timed
 *	out after N s"; its output is kept under OUT/postfix-tests/BUILD/
 *	when there was any. Sanitizer builds log their reports to files
 *	(ASAN_OPTIONS, UBSAN_OPTIONS), and the reports join the result as
 *	its "sanitizer" section. A test that failed anywhere runs again on
 *	every build until each has run->reps results, so that a build
 *	that does not reproduce itself is told from one that differs.
 *
 *	hr_ptests_judge() judges each test with verdict(3), as a case:
 *	one cell per build, the observation its result, the expectation
 *	"pass" (the test's .ref files are its golden). A test that fails
 *	only at O2 is "compiler"; one that fails everywhere is "real-bug";
 *	one whose result flaps is "hardware". Run and merge(3) call it.
 *
 *	hr_ptests_model() is the observation of one result.
 *	hr_ptests_nonpass() counts the tests judged other than pass.
 *	hr_ptests_reps() is how often build b ran test t (0: not at all).
 *	hr_ptests_valid_result() says whether s is a result as this module
 *	writes them. hr_ptests_log_path() is where the output of a test's
 *	rep (0-based) on a build goes, relative to the run directory.
 * DIAGNOSTICS
 *	A malformed skip file is HR_EINPUT (ptlist(3)). A test that fails,
 *	crashes or hangs is a result; a tree that cannot be copied is the
 *	harness's trouble.
 * SEE ALSO
 *	ptlist(3), verdict(3), cases/postfix-tests.skip.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "run/ptests.h"
#include "run/phases.h"
#include "run/ptlist.h"
#include "instance/netns.h"
#include "observe/sanitizer.h"
#include "util/buf.h"
#include "util/clock.h"
#include "util/cleanup.h"
#include "util/fsutil.h"
#include "util/mem.h"
#include "util/msg.h"
#include "util/paths.h"
#include "util/spawn.h"

#define SKIP_FILE "postfix-tests.skip"
#define ROOT_TESTS_REASON "a root_tests target: needs root and the host's " \
                          "Postfix (make root_tests)"
#define MAX_SANITIZER_LOG (1 << 20)

extern char **environ;

/* One directory's test runs on one build, in turn: the tests of a
 * directory share its files, and so do the reps of a test. */
struct unit {
    size_t build;
    char *dir;
    size_t *tests;      /* indexes into p->tests */
    int *reps;          /* the rep of each */
    size_t n, cap;
};

typedef struct work {
    hr_run *run;
    const hr_runner_opts *o;
    hr_ptests *p;
    char **scratch;     /* per build: its private copy, or NULL */
    uid_t uid;
    gid_t gid;
    struct unit *units;
    size_t nunits, next;
    size_t done, total;
    pthread_mutex_t lock;
    int failed;
    int error_code;
    char error[1024];
} work;

/* hr_ptests_new - room for ntests tests on nbuilds builds */
void hr_ptests_new(hr_ptests **out, size_t ntests, size_t nbuilds, int reps)
{
    hr_ptests *p = hr_calloc(1, sizeof(*p));
    size_t slots = nbuilds * (size_t)reps;

    p->n = ntests;
    p->nbuilds = nbuilds;
    p->reps = reps;
    p->timeout_s = HR_PTEST_TIMEOUT_S;
    p->tests = hr_calloc(ntests ? ntests : 1, sizeof(hr_ptest));
    for (size_t i = 0; i < ntests; i++) {
        p->tests[i].result = hr_calloc(slots ? slots : 1, sizeof(char *));
        p->tests[i].log = hr_calloc(slots ? slots : 1, sizeof(char *));
        p->tests[i].model = hr_calloc(slots ? slots : 1, sizeof(hr_obs *));
    }
    p->ran = hr_calloc(nbuilds ? nbuilds : 1, sizeof(size_t));
    p->passed = hr_calloc(nbuilds ? nbuilds : 1, sizeof(size_t));
    p->failed = hr_calloc(nbuilds ? nbuilds : 1, sizeof(size_t));
    p->build_note = hr_calloc(nbuilds ? nbuilds : 1, sizeof(char *));
    *out = p;
}

/* hr_ptests_free - release; NULL is fine */
void hr_ptests_free(hr_ptests *p)
{
    size_t slots;

    if (p == NULL)
        return;
    slots = p->nbuilds * (size_t)p->reps;
    for (size_t i = 0; i < p->n; i++) {
        hr_ptest *t = &p->tests[i];

        for (size_t k = 0; k < slots; k++) {
            hr_free(t->result[k]);
            hr_free(t->log[k]);
            hr_obs_free(t->model[k]);
        }
        hr_free(t->result);
        hr_free(t->log);
        hr_free(t->model);
        hr_free(t->name);
        hr_free(t->skip);
        hr_verdict_free(t->verdict);
    }
    for (size_t b = 0; b < p->nbuilds; b++)
        hr_free(p->build_note[b]);
    hr_free(p->build_note);
    hr_free(p->ran);
    hr_free(p->passed);
    hr_free(p->failed);
    hr_free(p->tests);
    hr_free(p);
}

/* hr_ptests_model - the observation of one result */
hr_obs *hr_ptests_model(const char *result, const char *sanitizer)
{
    hr_obs *o;
    char *body = hr_sprintf("%s\n", result);

    hr_obs_new(&o);
    hr_obs_add(o, "result", body);
    if (sanitizer && sanitizer[0])
        hr_obs_add(o, "sanitizer", sanitizer);
    hr_free(body);
    return o;
}

/* hr_ptests_reps - how often build b ran test t: its results, which
 * start at rep 0 and have no gaps */
int hr_ptests_reps(const hr_ptests *p, const hr_ptest *t, size_t b)
{
    int n = 0;

    while (n < p->reps && t->result[b * (size_t)p->reps + (size_t)n])
        n++;
    return n;
}

/* hr_ptests_nonpass - tests judged other than pass */
size_t hr_ptests_nonpass(const hr_ptests *p)
{
    size_t n = 0;

    for (size_t i = 0; p && i < p->n; i++)
        n += p->tests[i].verdict && p->tests[i].verdict->kind != HR_PASS;
    return n;
}

/* hr_ptests_valid_result - "pass", "fail (exit N)", "fail (signal N)",
 * "timed out after N s", N a number of 1 to 5 digits */
int hr_ptests_valid_result(const char *s)
{
    static const char *const forms[][2] = {{"fail (exit ", ")"},
                                           {"fail (signal ", ")"},
                                           {"timed out after ", " s"}};

    if (strcmp(s, "pass") == 0)
        return 1;
    for (size_t i = 0; i < sizeof(forms) / sizeof(forms[0]); i++) {
        size_t plen = strlen(forms[i][0]), digits;

        if (strncmp(s, forms[i][0], plen) != 0)
            continue;
        digits = strspn(s + plen, "0123456789");
        return digits >= 1 && digits <= 5 &&
               strcmp(s + plen + digits, forms[i][1]) == 0;
    }
    return 0;
}

/* hr_ptests_log_path - OUT-relative path of a rep's output */
char *hr_ptests_log_path(const char *build, const char *test, int rep)
{
    char *slug = hr_build_slug(build);
    char *path = hr_sprintf("postfix-tests/%s/%s.%d.log", slug, test,
                            rep + 1);

    hr_free(slug);
    return path;
}

/* fail_work - keep the first error */
static void fail_work(work *w, int code)
{
    pthread_mutex_lock(&w->lock);
    if (!w->failed) {
        w->failed = 1;
        w->error_code = code;
        snprintf(w->error, sizeof(w->error), "%s", hr_error_last());
    }
    pthread_mutex_unlock(&w->lock);
}

/* test_env - the environment of every test of a build */
static void test_env(hr_strv *env, const hr_build *bd, const char *scratch)
{
    const char *path = getenv("PATH");

    hr_strv_addf(env, "PATH=%s", path ? path : "/usr/bin:/bin");
    hr_strv_add(env, "HOME=/nonexistent");
    hr_strv_add(env, "LC_ALL=C");
    /* The .ref files show times in the zone they were made in. A POSIX
     * rule needs no tzdata. */
    hr_strv_add(env, "TZ=EST5EDT,M3.2.0,M11.1.0");
    hr_strv_addf(env, "MAIL_CONFIG=%s/etc", scratch);
    hr_strv_add(env, "CCACHE_DISABLE=1");
    if (bd->sanitizer && strcmp(bd->sanitizer, "ubsan") == 0)
        hr_strv_addf(env, "UBSAN_OPTIONS=log_path=%s/san/ubsan:"
                          "print_stacktrace=1:halt_on_error=0", scratch);
    if (bd->sanitizer && strcmp(bd->sanitizer, "asan") == 0)
        hr_strv_addf(env, "ASAN_OPTIONS=log_path=%s/san/asan:"
                          "detect_leaks=0:abort_on_error=1", scratch);
    for (size_t i = 0; i < bd->env.n; i++)
        hr_strv_add(env, bd->env.v[i]);
    for (char **e = environ; *e; e++)
        if (strncmp(*e, "PFH_", 4) == 0)
            hr_strv_add(env, *e);
}

/* sanitizer_text - the reports a test left in scratch/san/, reduced;
 * the files are removed */
static char *sanitizer_text(const char *san)
{
    hr_strv names = HR_STRV_INIT;
    hr_buf all = HR_BUF_INIT;
    char *reduced = NULL;

    if (hr_dir_list(&names, san) < 0)
        return NULL;
    for (size_t i = 0; i < names.n; i++) {
        char *path = hr_path_join(san, names.v[i]);

        (void)hr_file_read(&all, path, MAX_SANITIZER_LOG);
        unlink(path);
        hr_free(path);
    }
    if (all.len)
        reduced = hr_sanitizer_reduce(hr_buf_cstr(&all));
    hr_buf_release(&all);
    hr_strv_release(&names);
    return reduced;
}

/* run_test - one test, once; its result in its slot */
static int run_test(work *w, const struct unit *u, const char *ns,
                    size_t ti, int rep)
{
    hr_run *run = w->run;
    hr_ptests *p = w->p;
    hr_ptest *t = &p->tests[ti];
    const hr_build *bd = run->builds[u->build];
    const char *scratch = w->scratch[u->build];
    const char *target = strchr(t->name, '/') + 1;
    size_t slot = u->build * (size_t)p->reps + (size_t)rep;
    char *rel = hr_ptests_log_path(bd->variant, t->name, rep);
    char *log = hr_path_join(run->out_dir, rel);
    char *logdir = hr_path_dirname(log);
    char *cwd = hr_sprintf("%s/tree/src/%s", scratch, u->dir);
    char *san = hr_sprintf("%s/san/%s", scratch, u->dir);
    char *cc_dir = hr_path_dirname(bd->cc_path);
    char *var = hr_path_abs(hr_var_dir());
    char *findings = NULL;
    const char *cover[] = {"/root", "/home", "/tmp", "/var/tmp", "/run",
                           "/etc/postfix", "/var/spool/postfix", var, NULL};
    const char *rw[] = {scratch, NULL};
    const char *ro[] = {cc_dir, NULL};
    const char *argv[] = {"make", "-s", target, NULL};
    hr_mountview_spec view = {cover, strncmp(cc_dir, "/usr/", 5) == 0
                                         ? NULL : ro, rw, NULL, 1};
    hr_spawn_opts so = HR_SPAWN_OPTS_INIT;
    hr_strv env = HR_STRV_INIT;
    struct stat st;
    int status = 0, error;

    test_env(&env, bd, scratch);
    if ((error = hr_mkdir_p(logdir, 0755)) < 0)
        goto done;
    so.argv = argv;
    so.clear_env = 1;
    so.setenv = (const char *const *)hr_strv_argv(&env);
    so.cwd = cwd;
    so.netns = ns;
    so.view = &view;
    so.out = HR_OUT_FILE;
    so.out_path = log;
    so.err = HR_OUT_STDOUT;
    so.timeout_ms = p->timeout_s * 1000;
    so.new_session = 1;
    so.as_user = 1;
    so.uid = w->uid;
    so.gid = w->gid;
    unlink(log);
    error = hr_spawn_run(&status, &so);
    /* What a test left running in the namespace goes with it. */
    (void)hr_netns_kill_all(ns, 2000);
    if (error == HR_ETIMEOUT) {
        t->result[slot] = hr_sprintf("timed out after %d s", p->timeout_s);
        error = 0;
    } else if (error < 0) {
        goto done;
    } else if (status == 0) {
        t->result[slot] = hr_strdup("pass");
    } else if (status > 128) {
        t->result[slot] = hr_sprintf("fail (signal %d)", status - 128);
    } else {
        t->result[slot] = hr_sprintf("fail (exit %d)", status);
    }
    if (stat(log, &st) == 0 && st.st_size > 0)
        t->log[slot] = hr_strdup(rel);
    else
        unlink(log);
    if (bd->sanitizer)
        findings = sanitizer_text(san);
    t->model[slot] = hr_ptests_model(t->result[slot], findings);
done:
    hr_strv_release(&env);
    hr_free(findings);
    hr_free(var);
    hr_free(cc_dir);
    hr_free(san);
    hr_free(cwd);
    hr_free(logdir);
    hr_free(log);
    hr_free(rel);
    return error;
}

/* worker - units in turn until none is left or the run stops */
static void *worker(void *arg)
{
    work *w = arg;

    for (;;) {
        struct unit *u;
        char *ns;
        int error = 0;

        pthread_mutex_lock(&w->lock);
        if (w->failed || w->next >= w->nunits || hr_interrupted()) {
            pthread_mutex_unlock(&w->lock);
            break;
        }
        u = &w->units[w->next++];
        pthread_mutex_unlock(&w->lock);
        /* A network namespace of the unit's own: loopback only. */
        ns = hr_netns_name();
        error = hr_netns_create(ns);
        for (size_t k = 0; k < u->n && error == 0; k++) {
            if (hr_interrupted()) {
                error = hr_error_set(HR_EINTR, "interrupted");
                break;
            }
            if ((error = run_test(w, u, ns, u->tests[k], u->reps[k])) < 0)
                break;
            pthread_mutex_lock(&w->lock);
            w->done++;
            hr_phase_say(w->o, "postfix tests: %zu of %zu test runs done, "
                               "%zu left (%s on %s)",
                         w->done, w->total, w->total - w->done,
                         w->p->tests[u->tests[k]].name,
                         w->run->builds[u->build]->variant);
            pthread_mutex_unlock(&w->lock);
        }
        (void)hr_netns_delete(ns);
        hr_free(ns);
        if (error < 0)
            fail_work(w, error);
    }
    return NULL;
}

/* cmp_unit - most tests first */
static int cmp_unit(const void *a, const void *b)
{
    const struct unit *x = a, *y = b;

    if (x->n != y->n)
        return x->n > y->n ? -1 : 1;
    if (x->build != y->build)
        return x->build < y->build ? -1 : 1;
    return strcmp(x->dir, y->dir);
}

/* add_units - a unit per (build with a tree, directory) with reps
 * [from, to) of each test that want[] selects */
static void add_units(work *w, int from, int to, const int *want)
{
    hr_ptests *p = w->p;

    for (size_t b = 0; b < p->nbuilds; b++) {
        if (w->scratch[b] == NULL)
            continue;
        for (size_t i = 0; i < p->n; i++) {
            hr_ptest *t = &p->tests[i];
            size_t dlen = (size_t)(strchr(t->name, '/') - t->name);
            struct unit *u = NULL;

            if (t->skip || !want[i] || from >= to)
                continue;
            for (size_t k = w->next; k < w->nunits && u == NULL; k++) {
                struct unit *x = &w->units[k];

                if (x->build == b && strlen(x->dir) == dlen &&
                    strncmp(x->dir, t->name, dlen) == 0)
                    u = x;
            }
            if (u == NULL) {
                w->units = hr_realloc(w->units,
                                      (w->nunits + 1) * sizeof(struct unit));
                u = &w->units[w->nunits++];
                memset(u, 0, sizeof(*u));
                u->build = b;
                u->dir = hr_strndup(t->name, dlen);
            }
            for (int r = from; r < to; r++) {
                if (u->n == u->cap) {
                    u->cap = u->cap ? 2 * u->cap : 16;
                    u->tests = hr_realloc(u->tests, u->cap * sizeof(size_t));
                    u->reps = hr_realloc(u->reps, u->cap * sizeof(int));
                }
                u->tests[u->n] = i;
                u->reps[u->n++] = r;
                w->total++;
            }
        }
    }
}

/* run_units - the units so far, two threads per core: many tests
 * wait (sleep, time out on purpose) more than they compute */
static int run_units(work *w)
{
    int threads = 2 * hr_clock_ncpus();
    pthread_t tid[64];

    qsort(w->units + w->next, w->nunits - w->next, sizeof(struct unit),
          cmp_unit);
    if (threads < 1)
        threads = 1;
    if (threads > 64)
        threads = 64;
    for (int t = 0; t < threads; t++)
        pthread_create(&tid[t], NULL, worker, w);
    for (int t = 0; t < threads; t++)
        pthread_join(tid[t], NULL);
    if (w->failed)
        return hr_error_set(w->error_code ? w->error_code : HR_ERROR, "%s",
                            w->error);
    if (hr_interrupted())
        return hr_error_set(HR_EINTR, "interrupted");
    return 0;
}

/* copy_tree - a build's tree where nobody may write: scratch/tree, etc/
 * with a main.cf of its own, queue/, san/DIR per directory */
static int copy_tree(work *w, size_t b, const char *scratch)
{
    const hr_build *bd = w->run->builds[b];
    char *tree = hr_path_join(scratch, "tree");
    char *etc = hr_path_join(scratch, "etc");
    char *cf = hr_path_join(etc, "main.cf");
    char *queue = hr_path_join(scratch, "queue");
    char *owner = hr_sprintf("%ld:%ld", (long)w->uid, (long)w->gid);
    char *main_cf = hr_sprintf("queue_directory = %s\n", queue);
    const char *cp[] = {"cp", "-a", "--reflink=auto", "--", bd->src, tree,
                        NULL};
    const char *chown_argv[] = {"chown", "-R", "-h", "--", owner, scratch, NULL};
    hr_buf err = HR_BUF_INIT;
    hr_strv dirs = HR_STRV_INIT;
    int status = 0, error;

    hr_buf_init(&err, 4096);
    if ((error = hr_mkdir_p(scratch, 0755)) < 0 ||
        (error = hr_mkdir_p(etc, 0755)) < 0 ||
        (error = hr_mkdir_p(queue, 0755)) < 0 ||
        (error = hr_file_write_atomic(cf, main_cf, strlen(main_cf),
                                      0644)) < 0)
        goto done;
    for (size_t i = 0; i < w->p->n; i++) {
        const char *name = w->p->tests[i].name;
        char *dir = hr_strndup(name, (size_t)(strchr(name, '/') - name));

        if (hr_strv_find(&dirs, dir) < 0)
            hr_strv_add(&dirs, dir);
        hr_free(dir);
    }
    for (size_t i = 0; i < dirs.n && error == 0; i++) {
        char *san = hr_sprintf("%s/san/%s", scratch, dirs.v[i]);

        error = hr_mkdir_p(san, 0755);
        hr_free(san);
    }
    if (error < 0 ||
        (error = hr_spawn_capture(&status, NULL, &err, cp, NULL,
                                  600000)) < 0)
        goto done;
    if (status == 0 &&
        (error = hr_spawn_capture(&status, NULL, &err, chown_argv, NULL,
                                  600000)) < 0)
        goto done;
    if (status != 0)
        error = hr_error_set(HR_ERROR, "cannot copy the tree of %s for "
                             "Postfix's tests: %s", bd->variant,
                             hr_buf_cstr(&err));
done:
    hr_strv_release(&dirs);
    hr_buf_release(&err);
    hr_free(main_cf);
    hr_free(owner);
    hr_free(queue);
    hr_free(cf);
    hr_free(etc);
    hr_free(tree);
    return error;
}

/* list_tests - the tests of the run's source and the skipped ones */
static int list_tests(hr_ptests **out, hr_run *run, size_t nbuilds)
{
    hr_strv tests = HR_STRV_INIT, root = HR_STRV_INIT;
    hr_ptskips skips = HR_PTSKIPS_INIT;
    char *skip_path = hr_path_join(hr_cases_dir(), SKIP_FILE);
    const hr_build *tree_build = NULL;
    hr_ptests *p = NULL;
    int error;

    *out = NULL;
    if ((error = hr_ptskips_load(&skips, skip_path, run->source_version)) < 0)
        goto done;
    for (size_t b = 0; b < nbuilds && tree_build == NULL; b++)
        if (run->builds[b]->prebuilt == NULL)
            tree_build = run->builds[b];
    /* The builds share their source: one tree lists the tests of all. */
    if (tree_build &&
        (error = hr_ptlist_read(&tests, &root, tree_build->src)) < 0)
        goto done;
    hr_ptests_new(&p, tests.n + root.n, nbuilds, run->reps);
    for (size_t i = 0; i < tests.n + root.n; i++) {
        hr_ptest *t = &p->tests[i];
        const char *reason;

        if (i < tests.n) {
            t->name = hr_strdup(tests.v[i]);
            if ((reason = hr_ptskips_reason(&skips, t->name)) != NULL)
                t->skip = hr_strdup(reason);
        } else {
            t->name = hr_strdup(root.v[i - tests.n]);
            t->skip = hr_strdup(ROOT_TESTS_REASON);
        }
        p->nskipped += t->skip != NULL;
    }
    for (size_t b = 0; b < nbuilds; b++)
        if (run->builds[b]->prebuilt)
            p->build_note[b] = hr_sprintf("%s: a prebuilt build has no "
                                          "build tree",
                                          run->builds[b]->variant);
    *out = p;
done:
    hr_ptskips_release(&skips);
    hr_strv_release(&tests);
    hr_strv_release(&root);
    hr_free(skip_path);
    return error;
}

/* hr_ptests_run - Postfix's tests on the run's builds; with run
 * --shard, on the builds whose first case is in the share */
int hr_ptests_run(hr_run *run, const hr_runner_opts *o)
{
    work w;
    hr_ptests *p = NULL;
    char *root = hr_path_join(run->out_dir, "postfix-tests/.work");
    int *want = NULL;
    double t0 = hr_clock_s();
    int error;

    memset(&w, 0, sizeof(w));
    pthread_mutex_init(&w.lock, NULL);
    if ((error = list_tests(&p, run, run->nbuilds)) < 0)
        goto done;
    run->ptests = p;
    if (p->n == 0) {
        error = hr_error_set(HR_EINPUT, "run --postfix-tests: the source "
                             "has no tests (no src/DIR/Makefile with a "
                             "tests target)");
        goto done;
    }
    if ((error = hr_lookup_uid(&w.uid, "nobody")) < 0 ||
        (error = hr_lookup_gid(&w.gid, "nogroup")) < 0)
        goto done;
    w.run = run;
    w.o = o;
    w.p = p;
    w.scratch = hr_calloc(p->nbuilds, sizeof(char *));
    for (size_t b = 0; b < p->nbuilds && error == 0; b++) {
        char *slug;

        if (p->build_note[b])
            continue;
        if (run->shard_n > 0 && !hr_phase_in_shard(run, 0, b)) {
            p->build_note[b] = hr_sprintf("%s: in another shard",
                                          run->builds[b]->variant);
            continue;
        }
        slug = hr_build_slug(run->builds[b]->variant);
        w.scratch[b] = hr_sprintf("%s/%s", root, slug);
        hr_free(slug);
        hr_phase_say(o, "postfix tests: copying the tree of %s",
                     run->builds[b]->variant);
        error = copy_tree(&w, b, w.scratch[b]);
    }
    if (error < 0)
        goto done;

    /* Every test once on every build. */
    want = hr_calloc(p->n, sizeof(int));
    for (size_t i = 0; i < p->n; i++)
        want[i] = 1;
    add_units(&w, 0, 1, want);
    if ((error = run_units(&w)) < 0)
        goto done;

    /* A test that failed anywhere: the run's reps on every build. */
    for (size_t i = 0; i < p->n; i++) {
        hr_ptest *t = &p->tests[i];

        want[i] = 0;
        for (size_t b = 0; b < p->nbuilds && !t->skip; b++) {
            const char *r = t->result[b * (size_t)p->reps];

            if (r && strcmp(r, "pass") != 0)
                want[i] = 1;
        }
    }
    add_units(&w, 1, p->reps, want);
    if ((error = run_units(&w)) < 0)
        goto done;

    for (size_t b = 0; b < p->nbuilds; b++) {
        for (size_t i = 0; i < p->n; i++) {
            const char *r = p->tests[i].result[b * (size_t)p->reps];

            if (r == NULL)
                continue;
            p->ran[b]++;
            if (strcmp(r, "pass") == 0)
                p->passed[b]++;
            else
                p->failed[b]++;
        }
    }
    error = hr_ptests_judge(run);
done:
    /* The copies go; the logs stay. */
    if (hr_is_dir(root))
        (void)hr_rm_rf(root);
    for (size_t b = 0; w.scratch && b < p->nbuilds; b++)
        hr_free(w.scratch[b]);
    hr_free(w.scratch);
    for (size_t k = 0; k < w.nunits; k++) {
        hr_free(w.units[k].dir);
        hr_free(w.units[k].tests);
        hr_free(w.units[k].reps);
    }
    hr_free(w.units);
    hr_free(want);
    hr_free(root);
    pthread_mutex_destroy(&w.lock);
    if (p)
        p->seconds = hr_clock_s() - t0;
    return error;
}

/* hr_ptests_judge - every test's verdict, one cell per build that ran it */
int hr_ptests_judge(hr_run *run)
{
    hr_ptests *p = run->ptests;
    int error = 0;

    if (p == NULL)
        return 0;
    for (size_t i = 0; i < p->n && error == 0; i++) {
        hr_ptest *t = &p->tests[i];
        hr_cell *cells = hr_calloc(p->nbuilds ? p->nbuilds : 1,
                                   sizeof(hr_cell));
        int *ok = hr_calloc(p->nbuilds * (size_t)p->reps + 1, sizeof(int));
        size_t n = 0;

        hr_verdict_free(t->verdict);
        t->verdict = NULL;
        for (size_t b = 0; b < p->nbuilds && !t->skip; b++) {
            const hr_build *bd = run->builds[b];
            size_t slot = b * (size_t)p->reps;

            int nreps = hr_ptests_reps(p, t, b);

            if (nreps == 0)
                continue;
            for (int r = 0; r < nreps; r++) {
                if (t->model[slot + (size_t)r] == NULL) {
                    error = hr_error_set(HR_EINPUT, "Postfix test %s has no "
                                         "observation of rep %d on %s",
                                         t->name, r + 1, bd->variant);
                    break;
                }
                ok[slot + (size_t)r] = strcmp(t->result[slot + (size_t)r],
                                              "pass") == 0;
            }
            cells[n].build = bd->variant;
            cells[n].libenv = HR_LIBENV_PLAIN;
            cells[n].unoptimized = bd->opt && bd->opt[0] == 0;
            cells[n].ub_check = bd->ub_check;
            cells[n].sanitizer = bd->sanitizer != NULL;
            cells[n].compiler = hr_runner_cc_witness(run, b);
            cells[n].opt = hr_runner_opt_label(bd);
            cells[n].golden = 1;
            cells[n].nreps = (size_t)nreps;
            cells[n].obs = (const hr_obs *const *)&t->model[slot];
            cells[n].expect_ok = &ok[slot];
            n++;
        }
        if (error == 0 && n > 0)
            error = hr_verdict_compute(&t->verdict, cells, n, NULL);
        hr_free(cells);
        hr_free(ok);
    }
    return error;
}

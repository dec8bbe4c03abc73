/*
 * NAME
 *	bench 1
 * SUMMARY
 *	pfharness benchmarks: builds, replay rate, the main job, scaling,
 *	probes, func probes, bisection
 * SYNOPSIS
 *	tests/bench/bin/bench [--reps N] [--soak N] [--build-reps N]
 *		[--sessions N] [--swaks-sessions N] [--probes N]
 *		[--no-builds] [--no-runs] [--no-scaling] [--no-bisect]
 * DESCRIPTION
 *	Run from the repository root after "make run" (make bench does
 *	both). Every figure is the minimum, median and maximum of --reps
 *	repetitions (default 5), timed with the monotonic clock, and
 *	printed beside its target:
 *
 *	Cold builds of 1, 2 and 4 variants (O2; O0 O2; O0 O1 O2 default)
 *	with "pfharness build --variant ...", side by side as the main job
 *	builds them, in a var/ of their own (var/bench/cold, the source
 *	store linked in) without ccache, --build-reps times. The compiler's
 *	own CPU seconds are summed from the compile commands themselves:
 *	the build's compiler is tests/bench/bin/cctime (cctime.c), which
 *	runs gcc and records its CPU time (wait4) per command. Target: wall
 *	<= 1.25 x (compile CPU / cores) + 10 s, printed as the ratio of
 *	the wall time to that bound (<= 1). results.json keeps each
 *	build's steps (build.json's phases) for where the rest went.
 *
 *	The replay rate on one instance of the O2 build, all to the same
 *	instance (its queue and Maildirs on its in-memory spool, as every
 *	instance's, spool(3): smtp-source gets the same): --sessions sessions of tests/bench/simple-session.case
 *	(one message to a local user) replayed by pfharness in batches of
 *	16 as the main job plays them (batch(3): each session's transcript,
 *	then one settle, log fence, the mailboxes and sink divided by queue
 *	ID, normalization and the check of every session: the whole
 *	observation), a fifth as many one by one (hr_caserun(): the
 *	delivery waited for after each session), the same number sent by
 *	Postfix's smtp-source -s 1 (serial; it checks nothing and does not
 *	wait for delivery: its time ends when its last session does), and
 *	--swaks-sessions by swaks, a process per session. Target: batched
 *	>= 100 % of smtp-source.
 *
 *	The main job, warm: --soak runs (default 10) of "pfharness run"
 *	with its defaults (every build cached), case runs per second over
 *	the command's wall time, the ratio to smtp-source's serial rate
 *	measured above (target >= 1.5), and how many of the runs did not
 *	pass (false alarms: the shipped corpus passes; target 0). For both
 *	the main job and smtp-source, the machine's busy cores on average
 *	over the run (/proc/stat, idle and iowait left out): a ratio of
 *	rates is bounded by the ratio of the cores each keeps busy times
 *	the ratio of their CPU per case run and per message.
 *
 *	Scaling, warm: the smtp and probe cases at 1x, 2x and 4x (copies
 *	with renamed cases) and the whole corpus on 1, 2 and 4 variants,
 *	wall time and rate of each.
 *
 *	Probe latency: --probes runs of tests/bench/probe-bv.case (sendmail
 *	-bv), from sendmail's start to the parsed report.
 *
 *	Func probes: tests/bench/func-hostname.case (valid_hostname() on
 *	100000 inputs) in one probe process on the shared-O2 build, calls
 *	per second of the whole probe (start, generation, calls, rendering,
 *	results file), and calls per second of ffi_call() alone.
 *
 *	Object bisection: "pfharness bisect objects" with the tests/faults
 *	miscompiling wrapper, wall time without the UB check (target <= 40
 *	s) and relink-and-replay steps (<= ceil(log2 N) + 3).
 *
 *	Prints a table and writes var/bench/results.json (atomically) with
 *	every sample.
 */
#include <errno.h>
#include <getopt.h>
#include <json-c/json.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "build/build.h"
#include "case/case.h"
#include "replay/batch.h"
#include "replay/caserun.h"
#include "replay/ffcall.h"
#include "replay/funcrun.h"
#include "case/func.h"
#include "util/cleanup.h"
#include "util/clock.h"
#include "util/fsutil.h"
#include "source/gitrepo.h"
#include "instance/instance.h"
#include "util/mem.h"
#include "util/msg.h"
#include "util/paths.h"
#include "util/spawn.h"

#define MAX_SAMPLES 64

typedef struct series {
    const char *name;
    const char *unit;
    const char *target;     /* "<= 15", ">= 50", or NULL */
    double v[MAX_SAMPLES];
    int n;
} series;

static series all[64];
static int nall;
static json_object *raw;    /* extra per-measure data */

/* add_series - a new figure */
static series *add_series(const char *name, const char *unit,
                          const char *target)
{
    series *s = &all[nall++];

    s->name = name;
    s->unit = unit;
    s->target = target;
    s->n = 0;
    return s;
}

/* push - one sample */
static void push(series *s, double v)
{
    if (s->n < MAX_SAMPLES)
        s->v[s->n++] = v;
}

/* cmp_d - qsort doubles */
static int cmp_d(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return x < y ? -1 : x > y;
}

/* quantile - of a copy, sorted */
static double quantile(const double *v, int n, double q)
{
    double *c = hr_malloc(sizeof(double) * (size_t)(n ? n : 1));
    double r;

    memcpy(c, v, sizeof(double) * (size_t)n);
    qsort(c, (size_t)n, sizeof(double), cmp_d);
    r = n ? c[(int)lround(q * (n - 1))] : NAN;
    hr_free(c);
    return r;
}

/* run_cmd - run a command from the repository root; its output to a log */
static int run_cmd(double *secs, const char *const *argv,
                   const char *const *env, const char *log)
{
    hr_spawn_opts o = HR_SPAWN_OPTS_INIT;
    double t0 = hr_clock_s();
    int status;

    o.argv = argv;
    o.setenv = env;
    o.out = HR_OUT_FILE;
    o.out_path = log;
    o.err = HR_OUT_STDOUT;
    o.timeout_ms = 3 * 3600 * 1000;
    o.new_session = 1;
    unlink(log);
    if (hr_spawn_run(&status, &o) < 0)
        return -1;
    *secs = hr_clock_s() - t0;
    return status;
}

/* read_json - a JSON file, or NULL */
static json_object *read_json(const char *path)
{
    hr_buf b = HR_BUF_INIT;
    json_object *root = NULL;

    if (hr_file_read(&b, path, 64 << 20) == 0)
        root = json_tokener_parse(hr_buf_cstr(&b));
    hr_buf_release(&b);
    return root;
}

/* jget - a number at "a.b" in root, or NAN */
static double jget(json_object *root, const char *a, const char *b)
{
    json_object *x, *y;

    if (root && json_object_object_get_ex(root, a, &x) &&
        json_object_object_get_ex(x, b, &y))
        return json_object_get_double(y);
    return NAN;
}

/* abs_path - a path of the repository, made absolute */
static char *abs_path(const char *rel)
{
    char cwd[4096];

    if (getcwd(cwd, sizeof(cwd)) == NULL)
        return hr_strdup(rel);
    return hr_path_join(cwd, rel);
}

/* Variant sets of the cold builds: 1, 2 and 4 variants. */
static const char *const build_sets[][5] = {
    {"O2", NULL},
    {"O0", "O2", NULL},
    {"O0", "O1", "O2", "default", NULL},
};

/* bench_builds - cold builds of 1, 2 and 4 variants side by side, as
 * "pfharness build" and the main job make them, in a var/ of their own
 * without ccache; the compiler's own CPU seconds come from the
 * cctime wrapper (tests/bench/cctime.c) */
static int bench_builds(int reps)
{
    char *scratch = hr_path_join(hr_var_dir(), "bench/cold");
    char *store = hr_path_join(scratch, "sources.git");
    char *target = hr_path_join(hr_var_dir(), "sources.git");
    char *cclog = hr_path_join(hr_var_dir(), "bench/cctime.log");
    char *log = hr_path_join(hr_var_dir(), "bench/build.log");
    char *wrapper = abs_path("tests/bench/bin/cctime");
    char *env_var = hr_sprintf("PFHARNESS_VAR=%s", scratch);
    char *env_log = hr_sprintf("PFH_CCTIME_LOG=%s", cclog);
    const char *env[] = {env_var, env_log, "PFH_CCTIME_CC=gcc", NULL};
    json_object *samples = json_object_new_array();
    int cores = hr_clock_ncpus(), error = 0;

    if (hr_mkdir_p(scratch, 0755) < 0)
        return -1;
    unlink(store);
    if (symlink(target, store) < 0)
        return hr_error_set(HR_ERROR, "symlink %s: %s", store,
                            strerror(errno));
    for (size_t k = 0; k < sizeof(build_sets) / sizeof(build_sets[0]); k++) {
        const char *const *set = build_sets[k];
        size_t n = 0;
        char name[64];
        series *wall, *cpu, *ratio;

        while (set[n])
            n++;
        snprintf(name, sizeof(name), "cold build, %zu variant%s", n,
                 n == 1 ? "" : "s");
        wall = add_series(hr_strdup(name), "s", NULL);
        cpu = add_series("  compiler CPU / cores", "s", NULL);
        ratio = add_series("  wall / (1.25 x that + 10 s)", "x", "<= 1");
        for (int i = 0; i < reps; i++) {
            hr_strv argv = HR_STRV_INIT;
            hr_buf b = HR_BUF_INIT;
            char *builds = hr_path_join(scratch, "builds");
            double secs, c = 0, l = 0;
            json_object *one = json_object_new_object();
            json_object *phases = json_object_new_array();

            hr_strv_add(&argv, "./pfharness");
            hr_strv_add(&argv, "build");
            hr_strv_add(&argv, "--no-ccache");
            hr_strv_add(&argv, "--cc");
            hr_strv_add(&argv, wrapper);
            for (size_t v = 0; v < n; v++) {
                hr_strv_add(&argv, "--variant");
                hr_strv_add(&argv, set[v]);
            }
            unlink(cclog);
            if (hr_rm_rf(builds) < 0 ||
                run_cmd(&secs, (const char *const *)hr_strv_argv(&argv), env,
                        log) != 0) {
                hr_msg_error("cold build failed; see %s", log);
                error = -1;
            }
            hr_strv_release(&argv);
            if (error == 0 && hr_file_read(&b, cclog, 64 << 20) == 0) {
                for (const char *p = hr_buf_cstr(&b); *p;) {
                    if (p[0] == 'c' && p[1] == ' ')
                        c += atof(p + 2);
                    else if (p[0] == 'l' && p[1] == ' ')
                        l += atof(p + 2);
                    p += strcspn(p, "\n");
                    p += *p == '\n';
                }
            }
            hr_buf_release(&b);
            if (error == 0) {
                hr_strv ids = HR_STRV_INIT;

                push(wall, secs);
                push(cpu, c / cores);
                push(ratio, secs / (1.25 * c / cores + 10));
                /* every build's own steps, for where the rest went */
                if (hr_dir_list(&ids, builds) == 0)
                    for (size_t d = 0; d < ids.n; d++) {
                        char *bj = hr_sprintf("%s/%s/build.json", builds,
                                              ids.v[d]);
                        json_object *root = read_json(bj), *ph;

                        if (root && json_object_object_get_ex(root, "phases",
                                                              &ph))
                            json_object_array_add(phases,
                                                  json_object_get(ph));
                        json_object_put(root);
                        hr_free(bj);
                    }
                hr_strv_release(&ids);
                json_object_object_add(one, "variants",
                                       json_object_new_int((int)n));
                json_object_object_add(one, "wall",
                                       json_object_new_double(secs));
                json_object_object_add(one, "compile_cpu",
                                       json_object_new_double(c));
                json_object_object_add(one, "other_cc_cpu",
                                       json_object_new_double(l));
                json_object_object_add(one, "cores",
                                       json_object_new_int(cores));
                json_object_object_add(one, "phases", phases);
                json_object_array_add(samples, one);
                hr_msg_info("cold build of %zu: %.1f s, compiles %.1f CPU s "
                            "(%.1f s on %d cores), links and probes %.1f "
                            "CPU s", n, secs, c, c / cores, cores, l);
            } else {
                json_object_put(one);
                json_object_put(phases);
            }
            hr_free(builds);
            if (error)
                break;
        }
        if (error)
            break;
    }
    json_object_object_add(raw, "cold_builds", samples);
    hr_rm_rf(scratch);
    hr_free(scratch);
    hr_free(store);
    hr_free(target);
    hr_free(cclog);
    hr_free(log);
    hr_free(wrapper);
    hr_free(env_var);
    hr_free(env_log);
    return error;
}

/* run_main - one "pfharness run" of the main job; its case runs per
 * second (case runs over the whole command's wall time) and exit */
static int run_main(double *rate, double *secs, int *exit_code,
                    const char *const *extra)
{
    char *out = hr_path_join(hr_var_dir(), "bench/main-run");
    char *log = hr_path_join(hr_var_dir(), "bench/main-run.log");
    char *json = hr_path_join(out, "report.json");
    hr_strv argv = HR_STRV_INIT;
    json_object *root;
    double runs;
    int rc, error = 0;

    hr_strv_add(&argv, "./pfharness");
    hr_strv_add(&argv, "run");
    hr_strv_add(&argv, "--out");
    hr_strv_add(&argv, out);
    for (const char *const *e = extra; e && *e; e++)
        hr_strv_add(&argv, *e);
    if (hr_rm_rf(out) < 0 ||
        (rc = run_cmd(secs, (const char *const *)hr_strv_argv(&argv), NULL,
                      log)) < 0 ||
        rc > 1) {
        hr_strv_release(&argv);
        error = hr_error_set(HR_ERROR, "pfharness run failed; see %s", log);
        goto done;
    }
    hr_strv_release(&argv);
    *exit_code = rc;
    root = read_json(json);
    runs = jget(root, "run", "case_runs");
    json_object_put(root);
    if (!(runs > 0)) {
        error = hr_error_set(HR_ERROR, "no case_runs in %s", json);
        goto done;
    }
    *rate = runs / *secs;
done:
    hr_free(out);
    hr_free(log);
    hr_free(json);
    return error;
}

/* busy_ticks - the machine's CPU time so far, idle and iowait left out
 * (/proc/stat, clock ticks); 0 when it cannot be read */
static double busy_ticks(void)
{
    unsigned long long v[8] = {0};
    double busy = 0;
    FILE *f = fopen("/proc/stat", "re");

    if (f == NULL)
        return 0;
    if (fscanf(f, "cpu %llu %llu %llu %llu %llu %llu %llu %llu", &v[0], &v[1],
               &v[2], &v[3], &v[4], &v[5], &v[6], &v[7]) == 8)
        for (int i = 0; i < 8; i++)
            busy += (i == 3 || i == 4) ? 0 : (double)v[i];
    fclose(f);
    return busy;
}

/* cores_busy - how many cores were busy on average between t0 (seconds)
 * and now, from busy_ticks() at t0 */
static double cores_busy(double ticks0, double t0)
{
    double secs = hr_clock_s() - t0;

    return secs > 0 ? (busy_ticks() - ticks0) / sysconf(_SC_CLK_TCK) / secs
                    : 0;
}

/* bench_main - the warm main job, soak times: case runs per second, the
 * ratio to smtp-source's serial rate (ss_rate, same bench run), and
 * the runs that did not pass (the shipped corpus passes) */
static int bench_main(int soak, double ss_rate)
{
    series *rate = add_series("main job, warm", "runs/s", NULL);
    series *wall = add_series("  wall", "s", NULL);
    series *ratio = add_series("  / smtp-source serial", "x", ">= 1.5");
    series *alarms = add_series("  false alarms", "runs", "0");
    series *busy = add_series("  cores busy (machine)", "cores", NULL);
    double r, secs;
    int rc, bad = 0;

    /* a first run makes every build the run needs */
    if (run_main(&r, &secs, &rc, NULL) < 0)
        return -1;
    for (int i = 0; i < soak; i++) {
        double ticks0 = busy_ticks(), t0 = hr_clock_s();

        if (run_main(&r, &secs, &rc, NULL) < 0)
            return -1;
        push(busy, cores_busy(ticks0, t0));
        bad += rc != 0;
        push(rate, r);
        push(wall, secs);
        push(ratio, r / ss_rate);
        hr_msg_info("main job %d/%d: %.1f case runs/s (%.2f s), %s", i + 1,
                    soak, r, secs, rc == 0 ? "all pass" : "FINDINGS");
    }
    push(alarms, bad);
    return 0;
}

/* copy_corpus - cases/smtp and cases/probe, k times, each copy's cases
 * renamed NAME-cI, into dir */
static int copy_corpus(const char *dir, int k)
{
    static const char *const kinds[] = {"smtp", "probe", NULL};
    int error = 0;

    if ((error = hr_rm_rf(dir)) < 0 || (error = hr_mkdir_p(dir, 0755)) < 0)
        return error;
    for (const char *const *kind = kinds; *kind && error == 0; kind++) {
        char *src = hr_path_join("cases", *kind);
        hr_strv names = HR_STRV_INIT;

        if ((error = hr_dir_list(&names, src)) < 0) {
            hr_free(src);
            break;
        }
        for (size_t i = 0; i < names.n && error == 0; i++) {
            size_t len = strlen(names.v[i]);
            int is_case = len > 5 && strcmp(names.v[i] + len - 5, ".case") == 0;
            int is_golden =
                len > 7 && strcmp(names.v[i] + len - 7, ".golden") == 0;
            size_t stem = len - (is_case ? 5 : 7);
            char *from = hr_path_join(src, names.v[i]);
            hr_buf b = HR_BUF_INIT;

            if ((!is_case && !is_golden) ||
                (error = hr_file_read(&b, from, 16 << 20)) < 0) {
                hr_free(from);
                hr_buf_release(&b);
                continue;
            }
            for (int c = 1; c <= k && error == 0; c++) {
                char *to = hr_sprintf("%s/%s-%.*s-c%d%s", dir, *kind,
                                      (int)stem, names.v[i], c,
                                      is_case ? ".case" : ".golden");
                hr_buf text = HR_BUF_INIT;
                const char *t = hr_buf_cstr(&b);

                /* the case's "name NAME" line, after any comments */
                const char *nl = NULL;

                for (const char *l = t; is_case && *l && nl == NULL;) {
                    if (strncmp(l, "name", 4) == 0 &&
                        (l[4] == ' ' || l[4] == '\t'))
                        nl = l;
                    l += strcspn(l, "\n");
                    l += *l == '\n';
                }
                if (nl) {
                    size_t eol = (size_t)(nl - t) + strcspn(nl, "\n");

                    hr_buf_printf(&text, "%.*s-c%d", (int)eol, t, c);
                    hr_buf_puts(&text, t + eol);
                } else if (is_golden) {
                    /* a probe's message is "Subject: pfharness probe
                     * NAME": the copy's golden names the copy */
                    char *was = hr_sprintf("pfharness probe %.*s\n",
                                           (int)stem, names.v[i]);
                    const char *at, *from_t = t;

                    while ((at = strstr(from_t, was)) != NULL) {
                        hr_buf_put(&text, from_t,
                                   (size_t)(at - from_t) + strlen(was) - 1);
                        hr_buf_printf(&text, "-c%d\n", c);
                        from_t = at + strlen(was);
                    }
                    hr_buf_puts(&text, from_t);
                    hr_free(was);
                } else {
                    hr_buf_puts(&text, t);
                }
                error = hr_file_write_atomic(to, text.ptr, text.len, 0644);
                hr_buf_release(&text);
                hr_free(to);
            }
            hr_free(from);
            hr_buf_release(&b);
        }
        hr_strv_release(&names);
        hr_free(src);
    }
    return error;
}

/* bench_scaling - the warm main job with the corpus at 1x, 2x and 4x
 * its size, and with 1, 2 and 4 variants */
static int bench_scaling(int reps)
{
    static const char *const vsets[] = {"O2", "O0,O2", "O0,O1,O2,default"};
    double base = NAN;

    for (int k = 1; k <= 4; k *= 2) {
        char *dir = hr_sprintf("%s/bench/corpus-%dx", hr_var_dir(), k);
        char name[64];
        const char *extra[] = {"--cases", dir, NULL};
        series *wall, *rate, *growth;
        double r, secs;
        int rc;

        if (copy_corpus(dir, k) < 0) {
            hr_free(dir);
            return -1;
        }
        snprintf(name, sizeof(name), "corpus %dx (smtp+probe), wall", k);
        wall = add_series(hr_strdup(name), "s", NULL);
        rate = add_series("  rate", "runs/s", NULL);
        growth = add_series("  wall / 1x wall", "x", k == 1 ? NULL
                                                   : k == 2 ? "~ 2"
                                                            : "~ 4");
        for (int i = 0; i < reps; i++) {
            if (run_main(&r, &secs, &rc, extra) < 0) {
                hr_free(dir);
                return -1;
            }
            push(wall, secs);
            push(rate, r);
            hr_msg_info("corpus %dx %d/%d: %.2f s, %.1f runs/s%s", k, i + 1,
                        reps, secs, r, rc ? " FINDINGS" : "");
        }
        if (k == 1)
            base = quantile(wall->v, wall->n, 0.5);
        for (int i = 0; i < wall->n; i++)
            push(growth, wall->v[i] / base);
        hr_rm_rf(dir);
        hr_free(dir);
    }
    for (size_t v = 0; v < sizeof(vsets) / sizeof(vsets[0]); v++) {
        const char *extra[] = {"--variants", vsets[v], NULL};
        char name[64];
        int n = 1;
        series *wall, *rate;
        double r, secs;
        int rc;

        for (const char *p = vsets[v]; *p; p++)
            n += *p == ',';
        snprintf(name, sizeof(name), "%d variant%s, wall", n,
                 n == 1 ? "" : "s");
        wall = add_series(hr_strdup(name), "s", NULL);
        rate = add_series("  rate", "runs/s", NULL);
        /* a first run makes the builds */
        if (run_main(&r, &secs, &rc, extra) < 0)
            return -1;
        for (int i = 0; i < reps; i++) {
            if (run_main(&r, &secs, &rc, extra) < 0)
                return -1;
            push(wall, secs);
            push(rate, r);
            hr_msg_info("%d variants %d/%d: %.2f s, %.1f runs/s%s", n, i + 1,
                        reps, secs, r, rc ? " FINDINGS" : "");
        }
    }
    return 0;
}

/* drain - wait until the instance delivered everything, then empty it */
static int drain(hr_instance *in)
{
    hr_mail *mail = NULL;
    size_t n = 0;
    hr_buf slice = HR_BUF_INIT;
    int error;

    if ((error = hr_instance_settle(in, 600000)) == 0 &&
        (error = hr_instance_log_mark(in, &slice)) == 0 &&
        (error = hr_instance_take_mail(in, &mail, &n)) == 0)
        error = hr_instance_reset(in);
    hr_mail_free_all(mail, n);
    hr_buf_release(&slice);
    return error;
}

/* spawn_in - run a command inside the instance's namespace */
static int spawn_in(hr_instance *in, const char *const *argv, int *status)
{
    hr_spawn_opts o = HR_SPAWN_OPTS_INIT;

    o.argv = argv;
    o.netns = hr_instance_netns(in);
    o.timeout_ms = 600000;
    return hr_spawn_run(status, &o);
}

/* BATCH - sessions per batch, as the main job makes them */
#define BATCH 16

/* replay_batched - k sessions of c in batches (batch(3)); the batches
 * that had to run one by one are counted */
static int replay_batched(hr_instance *in, const hr_case *c, int k,
                          int *fallbacks)
{
    const hr_case *v[BATCH];
    hr_caserun_result res[BATCH];

    for (int i = 0; i < BATCH; i++)
        v[i] = c;
    for (int done = 0; done < k;) {
        int n = k - done < BATCH ? k - done : BATCH;
        char *why = NULL;

        if (hr_batch_run(res, in, v, (size_t)n, &why) < 0)
            return -1;
        *fallbacks += why != NULL;
        hr_free(why);
        for (int i = 0; i < n; i++) {
            if (!res[i].expect_ok) {
                hr_msg_error("the benchmark session did not match: %s",
                             res[i].mismatch);
                return -1;
            }
            hr_caserun_result_release(&res[i]);
        }
        done += n;
    }
    return 0;
}

/* bench_replay - sessions per second, four ways, one instance */
static int bench_replay(hr_instance *in, const hr_build *b, int reps,
                        int sessions, int swaks_sessions, series **ss_out)
{
    series *pb = add_series("replay, pfharness, batched", "sessions/s", NULL);
    series *ph = add_series("replay, pfharness, 1 by 1", "sessions/s", NULL);
    series *ss = add_series("replay, smtp-source", "sessions/s", NULL);
    series *sw = add_series("replay, swaks", "sessions/s", NULL);
    series *r1 = add_series("batched / smtp-source", "%", ">= 100");
    series *r3 = add_series("1 by 1 / smtp-source", "%", NULL);
    series *r2 = add_series("batched / swaks", "x", NULL);
    series *fb = add_series("  batches run 1 by 1", "batches", "0");
    series *ssb = add_series("smtp-source, cores busy (machine)", "cores",
                             NULL);
    char *source = hr_sprintf("%s/src/smtpstone/smtp-source", b->src);
    int one = sessions / 5 > 0 ? sessions / 5 : 1;
    char count[32];
    hr_case *c = NULL;
    int status;

    *ss_out = ss;
    if (hr_case_load(&c, "tests/bench/simple-session.case") < 0)
        return -1;
    if (!hr_batch_applies(in, c))
        return hr_error_set(HR_ERROR, "the benchmark case cannot be batched");
    snprintf(count, sizeof(count), "%d", sessions);
    for (int i = 0; i < reps; i++) {
        double t0, t_pb, t_ph, t_ss, t_sw;
        int fallbacks = 0;

        t0 = hr_clock_s();
        if (replay_batched(in, c, sessions, &fallbacks) < 0)
            return -1;
        t_pb = hr_clock_s() - t0;
        t0 = hr_clock_s();
        for (int k = 0; k < one; k++) {
            hr_caserun_result res;

            if (hr_caserun(&res, in, c) < 0)
                return -1;
            if (!res.expect_ok) {
                hr_msg_error("the benchmark session did not match: %s",
                             res.mismatch);
                return -1;
            }
            hr_caserun_result_release(&res);
        }
        t_ph = hr_clock_s() - t0;
        {
            const char *argv[] = {
                source, "-s", "1", "-m", count, "-l", "200",
                "-M", "bench-client.load-generators.example-benchmarks.net",
                "-f", "load-test@load-generators.example-benchmarks.net",
                "-t", "pfuser@example.test", "127.0.0.1:25", NULL};

            double ticks0 = busy_ticks();

            t0 = hr_clock_s();
            if (spawn_in(in, argv, &status) < 0 || status != 0) {
                hr_msg_error("smtp-source failed (status %d)", status);
                return -1;
            }
            t_ss = hr_clock_s() - t0;
            push(ssb, cores_busy(ticks0, t0));
            if (drain(in) < 0)
                return -1;
        }
        t0 = hr_clock_s();
        for (int k = 0; k < swaks_sessions; k++) {
            const char *argv[] = {
                "swaks", "--silent", "2", "--server", "127.0.0.1",
                "--helo", "bench-client.load-generators.example-benchmarks.net",
                "--from", "load-test@load-generators.example-benchmarks.net",
                "--to", "pfuser@example.test", "--body",
                "One line of benchmark body text.", NULL};

            if (spawn_in(in, argv, &status) < 0 || status != 0) {
                hr_msg_error("swaks failed (status %d)", status);
                return -1;
            }
        }
        t_sw = hr_clock_s() - t0;
        if (drain(in) < 0)
            return -1;
        push(pb, sessions / t_pb);
        push(ph, one / t_ph);
        push(ss, sessions / t_ss);
        push(sw, swaks_sessions / t_sw);
        push(r1, 100 * (sessions / t_pb) / (sessions / t_ss));
        push(r3, 100 * (one / t_ph) / (sessions / t_ss));
        push(r2, (sessions / t_pb) / (swaks_sessions / t_sw));
        push(fb, fallbacks);
        hr_msg_info("replay %d/%d: pfharness batched %.1f/s (%d batches "
                    "1 by 1), 1 by 1 %.1f/s, smtp-source %.1f/s, swaks "
                    "%.1f/s", i + 1, reps, sessions / t_pb, fallbacks,
                    one / t_ph, sessions / t_ss, swaks_sessions / t_sw);
    }
    hr_case_free(c);
    hr_free(source);
    return 0;
}

/* bench_probe - -bv latency from sendmail's start to the parsed report */
static int bench_probe(hr_instance *in, int reps, int probes)
{
    series *med = add_series("probe -bv latency, median", "s", "<= 0.3");
    series *p95 = add_series("probe -bv latency, p95", "s", NULL);
    json_object *samples = json_object_new_array();
    hr_case *c = NULL;
    double *lat = hr_calloc((size_t)probes, sizeof(double));

    if (hr_case_load(&c, "tests/bench/probe-bv.case") < 0)
        return -1;
    for (int i = 0; i < reps; i++) {
        for (int k = 0; k < probes; k++) {
            hr_caserun_result res;

            if (hr_caserun(&res, in, c) < 0)
                return -1;
            if (!res.expect_ok) {
                hr_msg_error("the benchmark probe did not match: %s",
                             res.mismatch);
                return -1;
            }
            lat[k] = res.seconds;
            json_object_array_add(samples, json_object_new_double(res.seconds));
            hr_caserun_result_release(&res);
        }
        push(med, quantile(lat, probes, 0.5));
        push(p95, quantile(lat, probes, 0.95));
        hr_msg_info("probes %d/%d: median %.3f s, p95 %.3f s", i + 1, reps,
                    quantile(lat, probes, 0.5), quantile(lat, probes, 0.95));
    }
    json_object_object_add(raw, "probe_latencies", samples);
    hr_free(lat);
    hr_case_free(c);
    return 0;
}

/* bench_bisect - object bisection over all objects, when available */
static int bench_bisect(int reps)
{
    static const char *const help[] = {"./pfharness", "bisect", "objects",
                                       "-h", NULL};
    static const char *const argv[] = {
        "./pfharness", "bisect", "objects", "--good", "O0", "--bad", "O2",
        "--cc", "tests/faults/cc-miscompile.sh", "--case",
        "tests/faults/cases/fault-dsn-xtext.case", NULL};
    char *log = hr_path_join(hr_var_dir(), "bench/bisect.log");
    series *wall, *bisect, *steps;
    double secs;

    if (run_cmd(&secs, help, NULL, log) != 0) {
        hr_msg_info("no 'pfharness bisect objects' here: skipped");
        hr_free(log);
        return 0;
    }
    wall = add_series("bisect objects, wall", "s", NULL);
    bisect = add_series("bisect objects, w/o ub-check", "s", "<= 40");
    steps = add_series("bisect objects, relinks", "steps", "<= log2+3");
    for (int i = 0; i < reps; i++) {
        hr_buf b = HR_BUF_INIT;
        const char *p;
        int rc = run_cmd(&secs, argv, NULL, log);

        if (rc != 0 && rc != 1) {
            hr_msg_error("bisect objects failed; see %s", log);
            return -1;
        }
        push(wall, secs);
        if (hr_file_read(&b, log, 16 << 20) == 0) {
            double ub = 0, t;
            char kind[32], outcome[32];
            int n;

            /* "steps: 14 trials ...; 13 relinked and replayed; bound ..." */
            if ((p = strstr(hr_buf_cstr(&b), " relinked and replayed")) !=
                NULL) {
                while (p > hr_buf_cstr(&b) && p[-1] >= '0' && p[-1] <= '9')
                    p--;
                push(steps, atof(p));
            }
            /* the step lines "15  ub-check  bad  8.9 s ..." */
            for (p = hr_buf_cstr(&b); p != NULL;) {
                if (sscanf(p, "%d %31s %31s %lf s", &n, kind, outcome, &t) ==
                        4 &&
                    strcmp(kind, "ub-check") == 0)
                    ub += t;
                if ((p = strchr(p, '\n')) != NULL)
                    p++;
            }
            push(bisect, secs - ub);
        }
        hr_buf_release(&b);
        hr_msg_info("bisect %d/%d: %.1f s", i + 1, reps, secs);
    }
    hr_free(log);
    return 0;
}

/* bench_func - func probes: calls per second */
static int bench_func(int reps)
{
    hr_build_opts bo = HR_BUILD_OPTS_INIT;
    hr_build *b = NULL;
    hr_case *c = NULL;
    series *probe, *ffi;
    char *dir = hr_path_join(hr_var_dir(), "bench/func"), *libdir = NULL;
    int error;

    bo.variant = "shared-O2";
    hr_funcrun_set_exe("./pfharness");
    if ((error = hr_build_run(&b, &bo)) < 0 ||
        (error = hr_case_load(&c, "tests/bench/func-hostname.case")) < 0)
        goto done;
    libdir = hr_funcrun_libdir(b);
    probe = add_series("func probe, whole", "calls/s", ">= 100000");
    ffi = add_series("func probe, ffi_call", "calls/s", NULL);
    for (int i = 0; i < reps && error == 0; i++) {
        hr_caserun_result res;
        double t0 = hr_clock_s(), cps;

        hr_rm_rf(dir);
        if ((error = hr_funcrun(&res, b, NULL, c, dir)) < 0)
            break;
        push(probe, (double)c->func->total / (hr_clock_s() - t0));
        hr_caserun_result_release(&res);
        if ((cps = hr_ffcall_bench(libdir, 1000000)) < 0) {
            error = hr_error_set(HR_ERROR, "ffi_call bench failed");
            break;
        }
        push(ffi, cps);
        hr_msg_info("func %d/%d: %.0f calls/s", i + 1, reps,
                    probe->v[probe->n - 1]);
    }
done:
    hr_free(libdir);
    hr_free(dir);
    hr_case_free(c);
    hr_build_free(b);
    return error;
}

/* print_and_save - the table, and results.json */
static int print_and_save(void)
{
    json_object *root = json_object_new_object();
    json_object *figs = json_object_new_array();
    char *path = hr_path_join(hr_var_dir(), "bench/results.json");
    const char *text;
    int error;

    printf("%-28s %9s %9s %9s %-10s %s\n", "MEASURE", "MIN", "MEDIAN", "MAX",
           "UNIT", "TARGET");
    for (int i = 0; i < nall; i++) {
        series *s = &all[i];
        json_object *f = json_object_new_object(), *v = json_object_new_array();
        double mn = quantile(s->v, s->n, 0), md = quantile(s->v, s->n, 0.5);
        double mx = quantile(s->v, s->n, 1);

        printf("%-28s %9.3f %9.3f %9.3f %-10s %s\n", s->name, mn, md, mx,
               s->unit, s->target ? s->target : "");
        json_object_object_add(f, "name", json_object_new_string(s->name));
        json_object_object_add(f, "unit", json_object_new_string(s->unit));
        if (s->target)
            json_object_object_add(f, "target",
                                   json_object_new_string(s->target));
        json_object_object_add(f, "min", json_object_new_double(mn));
        json_object_object_add(f, "median", json_object_new_double(md));
        json_object_object_add(f, "max", json_object_new_double(mx));
        for (int k = 0; k < s->n; k++)
            json_object_array_add(v, json_object_new_double(s->v[k]));
        json_object_object_add(f, "samples", v);
        json_object_array_add(figs, f);
    }
    json_object_object_add(root, "figures", figs);
    json_object_object_add(root, "raw", json_object_get(raw));
    text = json_object_to_json_string_ext(root, JSON_C_TO_STRING_PRETTY);
    error = hr_file_write_atomic(path, text, strlen(text), 0644);
    if (error == 0)
        printf("\nresults: %s\n", path);
    json_object_put(root);
    hr_free(path);
    return error;
}

int main(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"reps", required_argument, NULL, 'r'},
        {"soak", required_argument, NULL, 'k'},
        {"build-reps", required_argument, NULL, 'c'},
        {"sessions", required_argument, NULL, 's'},
        {"swaks-sessions", required_argument, NULL, 'w'},
        {"probes", required_argument, NULL, 'p'},
        {"no-builds", no_argument, NULL, 'C'},
        {"no-bisect", no_argument, NULL, 'B'},
        {"no-runs", no_argument, NULL, 'R'},
        {"no-scaling", no_argument, NULL, 'S'},
        {NULL, 0, NULL, 0},
    };
    int reps = 5, soak = 10, sessions = 500, swaks_sessions = 50;
    int probes = 100, build_reps = -1, do_builds = 1, do_bisect = 1;
    int do_runs = 1, do_scaling = 1, ch;
    hr_build_opts bo = HR_BUILD_OPTS_INIT;
    hr_instance_opts io = HR_INSTANCE_OPTS_INIT;
    hr_build *b = NULL;
    hr_instance *in = NULL;
    series *ss;
    char *dir;
    int error = 0;

    hr_msg_init("bench");
    while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
        switch (ch) {
        case 'r': reps = atoi(optarg); break;
        case 'k': soak = atoi(optarg); break;
        case 'c': build_reps = atoi(optarg); break;
        case 's': sessions = atoi(optarg); break;
        case 'w': swaks_sessions = atoi(optarg); break;
        case 'p': probes = atoi(optarg); break;
        case 'C': do_builds = 0; break;
        case 'B': do_bisect = 0; break;
        case 'R': do_runs = 0; break;
        case 'S': do_scaling = 0; break;
        default:
            fprintf(stderr, "usage: bench [--reps N] [--soak N] "
                    "[--build-reps N] [--sessions N] [--swaks-sessions N] "
                    "[--probes N] [--no-builds] [--no-runs] [--no-scaling] "
                    "[--no-bisect]\n");
            return 2;
        }
    }
    if (build_reps < 0)
        build_reps = reps;
    if (reps < 1 || reps > MAX_SAMPLES || sessions < 1 || probes < 1 ||
        swaks_sessions < 1 || build_reps < 1 || build_reps > MAX_SAMPLES ||
        soak < 1 || soak > MAX_SAMPLES) {
        hr_msg_error("counts must be positive, repetitions at most %d",
                     MAX_SAMPLES);
        return 2;
    }
    hr_paths_init(NULL);
    hr_cleanup_install();
    hr_gitrepo_init();
    raw = json_object_new_object();
    dir = hr_path_join(hr_var_dir(), "bench");
    if (hr_mkdir_p(dir, 0755) < 0)
        goto fail;

    if (do_builds && bench_builds(build_reps) < 0)
        goto fail;
    bo.variant = "O2";
    if (hr_build_run(&b, &bo) < 0)
        goto fail;
    {
        char *idir = hr_path_join(dir, "instance");

        io.build = b;
        io.dir = idir;
        io.netns = "pfh-bench";
        if (hr_instance_start(&in, &io) < 0) {
            hr_free(idir);
            goto fail;
        }
        hr_free(idir);
    }
    if (bench_replay(in, b, reps, sessions, swaks_sessions, &ss) < 0 ||
        bench_probe(in, reps, probes) < 0)
        goto fail;
    hr_instance_free(in);
    in = NULL;
    if (do_runs &&
        bench_main(soak, quantile(ss->v, ss->n, 0.5)) < 0)
        goto fail;
    if (do_runs && do_scaling && bench_scaling(reps) < 0)
        goto fail;
    if (bench_func(reps) < 0)
        goto fail;
    if (do_bisect && bench_bisect(reps) < 0)
        goto fail;
    if (print_and_save() < 0)
        goto fail;
    goto done;
fail:
    hr_msg_error("%s", hr_error_last());
    error = 2;
done:
    hr_instance_free(in);
    hr_build_free(b);
    hr_free(dir);
    json_object_put(raw);
    hr_gitrepo_shutdown();
    return error;
}

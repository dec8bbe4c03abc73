/*
 * NAME
 *	bench 1
 * SUMMARY
 *	pfharness benchmarks: runs, replay rate, probe latency, bisection
 * SYNOPSIS
 *	tests/bench/bin/bench [--reps N] [--sessions N] [--swaks-sessions N]
 *		[--probes N] [--cold-reps N] [--no-cold] [--no-bisect]
 *		[--no-runs]
 * DESCRIPTION
 *	Run from the repository root after "make run" (make bench does
 *	both). Every figure is the minimum, median and maximum of --reps
 *	repetitions (default 5), timed with the monotonic clock:
 *
 *	make run, warm (builds cached) and cold (var/builds removed; once
 *	without ccache, once with the ccache that earlier builds filled),
 *	with the share of each run spent building (report.json's
 *	build_seconds over the wall time).
 *
 *	The replay rate on one instance of the O2 build: --sessions
 *	sessions (tests/bench/simple-session.case: one message to a local
 *	user) replayed by pfharness with its whole observation (replay,
 *	wait for delivery, log fence, mailboxes, normalization, check), the
 *	same number sent by Postfix's smtp-source (the limit: it checks
 *	nothing and does not wait for delivery), and --swaks-sessions by
 *	swaks, one process per session as people run it by hand. All three
 *	go to the same instance.
 *
 *	Probe latency: --probes runs of tests/bench/probe-bv.case (sendmail
 *	-bv), from sendmail's start to the parsed report.
 *
 *	Func probes: tests/bench/func-hostname.case (valid_hostname() on
 *	100000 inputs) in one probe process on the shared-O2 build, calls
 *	per second of the whole probe (start, generation, calls, rendering,
 *	results file), and calls per second of ffi_call() alone.
 *
 *	Object bisection, when the harness has it: "pfharness bisect
 *	objects" with the tests/faults miscompiling wrapper, wall time and
 *	steps.
 *
 *	Prints a table and writes var/bench/results.json (atomically) with
 *	every sample.
 */
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

static series all[32];
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

/* report_build_share - build_seconds of the run a make run log names */
static double build_seconds_of(const char *log)
{
    hr_buf b = HR_BUF_INIT, j = HR_BUF_INIT;
    const char *p, *q;
    double secs = NAN;

    if (hr_file_read(&b, log, 16 << 20) == 0 &&
        (p = strstr(hr_buf_cstr(&b), "report: ")) != NULL) {
        char *html = hr_strndup(p + 8, strcspn(p + 8, "\n"));
        char *dir = hr_path_dirname(html);
        char *json = hr_path_join(dir, "report.json");
        json_object *root, *run, *v;

        if (hr_file_read(&j, json, 64 << 20) == 0 &&
            (root = json_tokener_parse(hr_buf_cstr(&j))) != NULL) {
            if (json_object_object_get_ex(root, "run", &run) &&
                json_object_object_get_ex(run, "build_seconds", &v))
                secs = json_object_get_double(v);
            json_object_put(root);
        }
        hr_free(html);
        hr_free(dir);
        hr_free(json);
    }
    (void)q;
    hr_buf_release(&b);
    hr_buf_release(&j);
    return secs;
}

/* bench_make_run - warm and cold "make run" */
static int bench_make_run(int reps, int cold_reps, int do_cold)
{
    static const char *const make_run[] = {"make", "--no-print-directory",
                                           "run", NULL};
    static const char *const no_cache[] = {"PFHARNESS_NO_CCACHE=1", NULL};
    series *warm = add_series("make run, warm", "s", "<= 15");
    series *warm_share = add_series("  share building", "%", NULL);
    series *cold = NULL, *cold_share = NULL, *cc = NULL, *cc_share = NULL;
    char *log = hr_path_join(hr_var_dir(), "bench/make-run.log");
    double secs;

    /* A first run fills the caches: warm means every build is there. */
    if (run_cmd(&secs, make_run, NULL, log) > 1) {
        hr_msg_error("make run failed; see %s", log);
        return -1;
    }
    for (int i = 0; i < reps; i++) {
        if (run_cmd(&secs, make_run, NULL, log) > 1)
            return -1;
        push(warm, secs);
        push(warm_share, 100 * build_seconds_of(log) / secs);
        hr_msg_info("make run warm %d/%d: %.2f s", i + 1, reps, secs);
    }
    if (!do_cold)
        return 0;
    cold = add_series("make run, cold, no ccache", "s", NULL);
    cold_share = add_series("  share building", "%", NULL);
    cc = add_series("make run, cold, ccache", "s", NULL);
    cc_share = add_series("  share building", "%", NULL);
    for (int i = 0; i < cold_reps; i++) {
        for (int with_cache = 0; with_cache < 2; with_cache++) {
            if (hr_rm_rf(hr_builds_root()) < 0)
                return -1;
            if (run_cmd(&secs, make_run, with_cache ? NULL : no_cache, log) >
                1)
                return -1;
            push(with_cache ? cc : cold, secs);
            push(with_cache ? cc_share : cold_share,
                 100 * build_seconds_of(log) / secs);
            hr_msg_info("make run cold%s %d/%d: %.2f s",
                        with_cache ? " (ccache)" : "", i + 1, cold_reps,
                        secs);
        }
    }
    hr_free(log);
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

/* bench_replay - sessions per second, three ways, one instance */
static int bench_replay(hr_instance *in, const hr_build *b, int reps,
                        int sessions, int swaks_sessions)
{
    series *ph = add_series("replay, pfharness", "sessions/s", NULL);
    series *ss = add_series("replay, smtp-source", "sessions/s", NULL);
    series *sw = add_series("replay, swaks", "sessions/s", NULL);
    series *r1 = add_series("pfharness / smtp-source", "%", ">= 50");
    series *r2 = add_series("pfharness / swaks", "x", ">= 20");
    char *source = hr_sprintf("%s/src/smtpstone/smtp-source", b->src);
    char count[32];
    hr_case *c = NULL;
    int status;

    if (hr_case_load(&c, "tests/bench/simple-session.case") < 0)
        return -1;
    snprintf(count, sizeof(count), "%d", sessions);
    for (int i = 0; i < reps; i++) {
        double t0 = hr_clock_s(), t_ph, t_ss, t_sw;

        for (int k = 0; k < sessions; k++) {
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

            t0 = hr_clock_s();
            if (spawn_in(in, argv, &status) < 0 || status != 0) {
                hr_msg_error("smtp-source failed (status %d)", status);
                return -1;
            }
            t_ss = hr_clock_s() - t0;
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
        push(ph, sessions / t_ph);
        push(ss, sessions / t_ss);
        push(sw, swaks_sessions / t_sw);
        push(r1, 100 * (sessions / t_ph) / (sessions / t_ss));
        push(r2, (sessions / t_ph) / (swaks_sessions / t_sw));
        hr_msg_info("replay %d/%d: pfharness %.1f/s, smtp-source %.1f/s, "
                    "swaks %.1f/s", i + 1, reps, sessions / t_ph,
                    sessions / t_ss, swaks_sessions / t_sw);
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
    bisect = add_series("bisect objects, w/o ub-check", "s", "<= 120");
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
        {"sessions", required_argument, NULL, 's'},
        {"swaks-sessions", required_argument, NULL, 'w'},
        {"probes", required_argument, NULL, 'p'},
        {"cold-reps", required_argument, NULL, 'c'},
        {"no-cold", no_argument, NULL, 'C'},
        {"no-bisect", no_argument, NULL, 'B'},
        {"no-runs", no_argument, NULL, 'R'},
        {NULL, 0, NULL, 0},
    };
    int reps = 5, sessions = 500, swaks_sessions = 50, probes = 100;
    int cold_reps = 5, do_cold = 1, do_bisect = 1, do_runs = 1, ch;
    hr_build_opts bo = HR_BUILD_OPTS_INIT;
    hr_instance_opts io = HR_INSTANCE_OPTS_INIT;
    hr_build *b = NULL;
    hr_instance *in = NULL;
    char *dir;
    int error = 0;

    hr_msg_init("bench");
    while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
        switch (ch) {
        case 'r': reps = atoi(optarg); break;
        case 's': sessions = atoi(optarg); break;
        case 'w': swaks_sessions = atoi(optarg); break;
        case 'p': probes = atoi(optarg); break;
        case 'c': cold_reps = atoi(optarg); break;
        case 'C': do_cold = 0; break;
        case 'B': do_bisect = 0; break;
        case 'R': do_runs = 0; break;
        default:
            fprintf(stderr, "usage: bench [--reps N] [--sessions N] "
                    "[--swaks-sessions N] [--probes N] [--cold-reps N] "
                    "[--no-cold] [--no-bisect] [--no-runs]\n");
            return 2;
        }
    }
    if (reps < 1 || reps > MAX_SAMPLES || sessions < 1 || probes < 1 ||
        swaks_sessions < 1 || cold_reps < 1 || cold_reps > MAX_SAMPLES) {
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

    if (do_runs && bench_make_run(reps, cold_reps, do_cold) < 0)
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
    if (bench_replay(in, b, reps, sessions, swaks_sessions) < 0 ||
        bench_probe(in, reps, probes) < 0)
        goto fail;
    hr_instance_free(in);
    in = NULL;
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

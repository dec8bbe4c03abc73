/* test_report.c - report.json, its reader, junit.xml and report.html
 *
 * Two runs are built in memory from the tables below, their verdicts
 * computed by hr_verdict_compute(): "small" (2 builds, 2 libenvs,
 * 3 reps; a pass, a compiler verdict with odd bytes, a hardware
 * verdict) and "six" (4 builds, one case per verdict, EDAC counters).
 * Their report.json and small's junit.xml are golden files in
 * tests/data/report/, which tests/cli/t0400-report-html.sh also uses.
 * HR_TEST_UPDATE=1 rewrites the golden files instead of comparing. */
#include <stdio.h> /* before unit.h, which uses snprintf() */
#include "unit.h"

#include <json-c/json.h>

#include "util/fsutil.h"
#include "util/hash.h"
#include "util/markup.h"
#include "util/mem.h"
#include "report/report.h"
#include "run/ptests.h"
#include "report/html.h"
#include "report/certificate.h"
#include "report/json.h"
#include "report/junit.h"
#include "run/run.h"

/* clang-format off */
#define NREPS 3
#define MAXCELLS 8
#define ALL3(x)                                                                \
    {                                                                          \
        x, x, x                                                                \
    }
#define SKIP                                                                   \
    {                                                                          \
        NULL, NULL, NULL                                                       \
    }

struct fx_build {
    const char *variant, *id, *opt;
    int ub_check, cached;
    double seconds;
};

struct fx_case {
    const char *name;
    hr_case_kind kind;
    const char *about;
    const char *obs[MAXCELLS][NREPS]; /* build-major; NULLs: skipped */
    const char *expect;               /* what meets the expectation */
    const char *mismatch;             /* of the reps that do not */
    const char *diff;
    const char *left_finding, *right_finding;
};

struct fx {
    const char *id;
    const struct fx_build *builds;
    size_t nbuilds;
    const char *const *libenvs; /* "NAME" or "NAME:VAR=VALUE" */
    size_t nlibenvs;
    const struct fx_case *cases;
    size_t ncases;
    const hr_edac *edac;
    size_t nedac;
};

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* The odd bytes every writer must carry safely. */
#define ODD "<odd> & \"quoted\" 'single' \x01"

#define OBS_OK                                                                 \
    "== transcript\n> MAIL FROM:<a@example.test>\n< 250 2.1.0 Ok\n> QUIT\n"
#define OBS_ODD                                                                \
    "== transcript\n> MAIL FROM:<a@example.test>\n< 250 2.1.0 " ODD            \
    "\n> QUIT\n"

static const struct fx_build small_builds[] = {
    {"O0", "0123456789abcdef", "-O0", 0, 1, 14.5},
    {"O2", "fedcba9876543210", "-O2", 0, 0, 31.25},
};

static const char *const two_libenvs[] = {"plain",
                                          "shim:LD_PRELOAD=/opt/shim.so"};

static const struct fx_case small_cases[] = {
    {"basic-pass", HR_CASE_SMTP, "A client in mynetworks may relay.",
     {ALL3(OBS_OK), ALL3(OBS_OK), ALL3(OBS_OK), ALL3(OBS_OK)},
     OBS_OK, NULL, NULL, NULL, NULL},
    {"odd-compiler", HR_CASE_SMTP,
     "Odd bytes: <tag> & \"q\" 'a' \x01 caf\xc3\xa9 bad\xff end",
     {ALL3(OBS_OK), ALL3(OBS_OK), ALL3(OBS_ODD), ALL3(OBS_ODD)},
     OBS_OK,
     "exchange 3: expected '250 2.1.0 Ok', got '250 2.1.0 " ODD "'",
     "--- O0/plain\n"
     "+++ O2/plain\n"
     "@@ -1,4 +1,4 @@\n"
     " == transcript\n"
     " > MAIL FROM:<a@example.test>\n"
     "-< 250 2.1.0 Ok\n"
     "+< 250 2.1.0 " ODD "\n"
     " > QUIT\n",
     NULL, "smtpd[Q1]: warning: " ODD},
    {"flaky-hardware", HR_CASE_PROBE, "sendmail -bv of a local address.",
     {ALL3("== probe\nok\n"), ALL3("== probe\nok\n"), ALL3("== probe\nok\n"),
      {"== probe\nok\n", "== probe\nok\n", "== probe\nko\n"}},
     "== probe\nok\n", "probe: expected 'ok', got 'ko'",
     "--- O2/shim\n+++ O2/shim\n@@ -1,2 +1,2 @@\n == probe\n-ok\n+ko\n",
     NULL, NULL},
};

static const struct fx small_fx = {
    "20261124T081933Z-small", small_builds, N(small_builds), two_libenvs,
    N(two_libenvs), small_cases, N(small_cases), NULL, 0,
};

static const struct fx_build six_builds[] = {
    {"O0", "1111111111111111", "-O0", 0, 1, 14.5},
    {"default", "2222222222222222", "(postfix default)", 0, 1, 20},
    {"O2", "3333333333333333", "-O2", 0, 0, 31.25},
    {"wrapv", "4444444444444444", "-O2", 1, 0, 33},
};

#define UB_OBS "B\n== sanitizer\nsmtpd.c:120: runtime error: signed integer " \
               "overflow: 2147483647 + 1\n"

static const struct fx_case six_cases[] = {
    {"pass-basic", HR_CASE_SMTP, "Everything agrees.",
     {ALL3("A\n"), ALL3("A\n"), ALL3("A\n"), ALL3("A\n"), ALL3("A\n"),
      ALL3("A\n"), SKIP, SKIP},
     "A\n", NULL, NULL, NULL, NULL},
    {"real-bug-relay", HR_CASE_SMTP, "Every build relays what it must not.",
     {ALL3("B\n"), ALL3("B\n"), ALL3("B\n"), ALL3("B\n"), ALL3("B\n"),
      ALL3("B\n"), ALL3("B\n"), ALL3("B\n")},
     "A\n", "exchange 4: expected '554 5.7.1', got '250 2.1.5 Ok'",
     "--- expected\n+++ O0/plain\n@@ -1 +1 @@\n-A\n+B\n", NULL, NULL},
    {"compiler-o2", HR_CASE_SMTP, "O2 stands alone.",
     {ALL3("A\n"), ALL3("A\n"), ALL3("A\n"), ALL3("A\n"), ALL3("B\n"),
      ALL3("B\n"), ALL3("B\n"), ALL3("B\n")},
     "A\n", "line 1: expected 'A', got 'B'",
     "--- O0/plain\n+++ O2/plain\n@@ -1 +1 @@\n-A\n+B\n",
     "postfix/smtpd[Q1]: fatal: left side", "postfix/smtpd[Q2]: fatal: right"},
    {"ub-overflow", HR_CASE_SMTP, "A sanitizer speaks up.",
     {ALL3("A\n"), ALL3("A\n"), ALL3("A\n"), ALL3("A\n"), ALL3(UB_OBS),
      ALL3(UB_OBS), ALL3("A\n"), ALL3("A\n")},
     "A\n", "line 1: expected 'A', got 'B'",
     "--- O0/plain\n+++ O2/plain\n@@ -1 +1,3 @@\n-A\n+B\n+== sanitizer\n"
     "+smtpd.c:120: runtime error: signed integer overflow: 2147483647 + 1\n",
     NULL, NULL},
    {"library-shim", HR_CASE_PROBE, "The shim changes what every build does.",
     {ALL3("A\n"), ALL3("C\n"), ALL3("A\n"), ALL3("C\n"), ALL3("A\n"),
      ALL3("C\n"), ALL3("A\n"), ALL3("C\n")},
     "A\n", "line 1: expected 'A', got 'C'",
     "--- O0/plain\n+++ O0/shim\n@@ -1 +1 @@\n-A\n+C\n", NULL, NULL},
    {"hardware-flap", HR_CASE_SMTP, "One cell does not reproduce.",
     {ALL3("A\n"), ALL3("A\n"), ALL3("A\n"), ALL3("A\n"), ALL3("A\n"),
      {"A\n", "A\n", "Z\n"}, ALL3("A\n"), ALL3("A\n")},
     "A\n", "line 1: expected 'A', got 'Z'",
     "--- O2/shim\n+++ O2/shim\n@@ -1 +1 @@\n-A\n+Z\n", NULL, NULL},
};

static const hr_edac six_edac[] = {
    {"mc0", 0, 0, 3, 0},
    {"mc1", 1, 0, 1, 0},
};

static const struct fx six_fx = {
    "20261124T090000Z-six", six_builds, N(six_builds), two_libenvs,
    N(two_libenvs), six_cases, N(six_cases), six_edac, N(six_edac),
};

/* clang-format on */

/* fx_verdict - the verdict the rules give a case's observations */
static hr_verdict *fx_verdict(const hr_run *run, const hr_run_case *rc)
{
    hr_cell cells[MAXCELLS] = {{0}};
    hr_obs *obs[MAXCELLS][NREPS] = {{0}};
    int ok[MAXCELLS][NREPS];
    size_t n = 0;
    hr_verdict *v = NULL;

    for (size_t i = 0; i < run->nbuilds * run->nlibenvs; i++) {
        const hr_run_cell *cell = &rc->cells[i];
        const hr_build *b = run->builds[cell->build];

        if (cell->skipped)
            continue;
        for (size_t r = 0; r < NREPS; r++) {
            hr_obs_parse(&obs[n][r], cell->reps[r].obs);
            ok[n][r] = cell->reps[r].expect_ok;
        }
        cells[n] = (hr_cell){
            .build = b->variant,
            .libenv = run->libenvs[cell->libenv].name,
            .unoptimized = strcmp(b->opt, "-O0") == 0,
            .ub_check = b->ub_check,
            .nreps = NREPS,
            .obs = (const hr_obs *const *)obs[n],
            .expect_ok = ok[n],
            .compiler = b->cc,
            .opt = b->opt,
        };
        n++;
    }
    assert_int_equal(hr_verdict_compute(&v, cells, n, NULL), 0);
    for (size_t i = 0; i < n; i++)
        for (size_t r = 0; r < NREPS; r++)
            hr_obs_free(obs[i][r]);
    return v;
}

/* fx_case_new - a parsed case, as far as the reports look */
static hr_case *fx_case_new(const struct fx_case *fc)
{
    hr_case *c = hr_calloc(1, sizeof(*c));

    c->name = hr_strdup(fc->name);
    c->kind = fc->kind;
    c->about = hr_strdup(fc->about);
    c->path =
        hr_sprintf("cases/%s/%s.case", hr_case_kind_name(fc->kind), fc->name);
    return c;
}

/* fx_run - a run from its tables */
static hr_run *fx_run(const struct fx *fx)
{
    hr_run *run = hr_calloc(1, sizeof(*run));
    size_t ncells = fx->nbuilds * fx->nlibenvs;

    run->id = hr_strdup(fx->id);
    run->out_dir = hr_sprintf("var/runs/%s", fx->id);
    run->command = hr_strdup("pfharness run --reps 3 --libenv plain "
                             "--libenv shim:LD_PRELOAD=/opt/shim.so");
    run->started = hr_strdup("2026-11-24T08:19:33Z");
    run->seconds = 42.5;
    run->build_seconds = 30.25;
    run->replay_seconds = 12.125;
    run->case_runs = 24;
    run->batched_runs = 16;
    run->batches = 2;
    run->batches_one_by_one = 1;
    run->reps = NREPS;
    run->source_commit = hr_strdup("0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c");
    run->source_tree = hr_strdup("a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4");
    run->source_version = hr_strdup("3.7.11");
    run->machine.kernel = hr_strdup("Linux 6.1.0-28-amd64 #1 SMP "
                                    "PREEMPT_DYNAMIC Debian 6.1.119-1 x86_64");
    run->machine.libc = hr_strdup("glibc 2.36");
    run->machine.cpu = hr_strdup("Example CPU @ 2.00GHz");
    run->machine.cpus = 2;
    hr_strv_add(&run->machine.compilers, "gcc (Debian 12.2.0-14) 12.2.0");
    if (fx->nedac) {
        run->machine.nedac = fx->nedac;
        run->machine.edac = hr_calloc(fx->nedac, sizeof(hr_edac));
        for (size_t i = 0; i < fx->nedac; i++) {
            run->machine.edac[i] = fx->edac[i];
            run->machine.edac[i].mc = hr_strdup(fx->edac[i].mc);
        }
    }
    run->nbuilds = fx->nbuilds;
    run->builds = hr_calloc(fx->nbuilds, sizeof(hr_build *));
    run->build_cached = hr_calloc(fx->nbuilds, sizeof(int));
    for (size_t i = 0; i < fx->nbuilds; i++) {
        const struct fx_build *fb = &fx->builds[i];
        hr_build *b = hr_calloc(1, sizeof(*b));

        snprintf(b->id, sizeof(b->id), "%s", fb->id);
        b->variant = hr_strdup(fb->variant);
        b->opt = hr_strdup(fb->opt);
        b->flags = fb->ub_check ? hr_sprintf("OPT=%s CCARGS=-fwrapv "
                                             "-fno-strict-aliasing",
                                             fb->opt)
                                : hr_sprintf("OPT=%s", fb->opt);
        b->cc = hr_strdup("gcc");
        b->cc_path = hr_strdup("/usr/bin/x86_64-linux-gnu-gcc-12");
        b->cc_sha256 = hr_strdup("9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b"
                                 "822cd15d6c15b0f00a08");
        b->cc_version = hr_strdup("gcc (Debian 12.2.0-14) 12.2.0");
        b->cc_kind = hr_strdup("gcc");
        b->ub_check = fb->ub_check;
        b->seconds = fb->seconds;
        if (!fb->cached) { /* made by this run: its steps were timed */
            b->has_phases = 1;
            b->t_checkout = 0.5;
            b->t_makefiles = 1.25;
            b->t_make = 27.0;
            b->t_install = 2.0;
            b->t_postconf = 0.5;
            b->make_cpu = 50.75;
        }
        run->build_cached[i] = fb->cached;
        run->builds[i] = b;
    }
    run->nlibenvs = fx->nlibenvs;
    run->libenvs = hr_calloc(fx->nlibenvs, sizeof(hr_libenv));
    for (size_t i = 0; i < fx->nlibenvs; i++) {
        const char *colon = strchr(fx->libenvs[i], ':');

        run->libenvs[i].name =
            colon ? hr_strndup(fx->libenvs[i], colon - fx->libenvs[i])
                  : hr_strdup(fx->libenvs[i]);
        if (colon)
            hr_strv_add(&run->libenvs[i].env, colon + 1);
    }
    run->ncases = fx->ncases;
    run->cases = hr_calloc(fx->ncases, sizeof(hr_run_case));
    for (size_t k = 0; k < fx->ncases; k++) {
        const struct fx_case *fc = &fx->cases[k];
        hr_run_case *rc = &run->cases[k];

        rc->c = fx_case_new(fc);
        rc->cells = hr_calloc(ncells, sizeof(hr_run_cell));
        for (size_t i = 0; i < ncells; i++) {
            hr_run_cell *cell = &rc->cells[i];

            cell->build = i / fx->nlibenvs;
            cell->libenv = i % fx->nlibenvs;
            if (fc->obs[i][0] == NULL) {
                cell->skipped = 1;
                continue;
            }
            cell->reps = hr_calloc(NREPS, sizeof(hr_rep));
            for (size_t r = 0; r < NREPS; r++) {
                hr_rep *rep = &cell->reps[r];

                rep->obs = hr_strdup(fc->obs[i][r]);
                rep->obs_file = hr_sprintf(
                    "obs/%s/%s/%s/%zu.txt", run->builds[cell->build]->variant,
                    run->libenvs[cell->libenv].name, fc->name, r + 1);
                rep->expect_ok = strcmp(fc->obs[i][r], fc->expect) == 0;
                rep->mismatch = hr_strdup(rep->expect_ok ? "" : fc->mismatch);
                rep->seconds = 0.25;
            }
        }
        rc->verdict = fx_verdict(run, rc);
        rc->diff = fc->diff ? hr_strdup(fc->diff) : NULL;
        rc->expected = hr_strdup(fc->expect);
        rc->left_finding =
            fc->left_finding ? hr_strdup(fc->left_finding) : NULL;
        rc->right_finding =
            fc->right_finding ? hr_strdup(fc->right_finding) : NULL;
    }
    run->exit_code = 1;
    return run;
}

/* fx_free - release a run fx_run() made */
static void fx_free(hr_run *run)
{
    for (size_t k = 0; k < run->ncases; k++) {
        hr_run_case *rc = &run->cases[k];

        for (size_t i = 0; i < run->nbuilds * run->nlibenvs; i++) {
            for (size_t r = 0; rc->cells[i].reps && r < NREPS; r++) {
                hr_free(rc->cells[i].reps[r].obs);
                hr_free(rc->cells[i].reps[r].obs_file);
                hr_free(rc->cells[i].reps[r].mismatch);
            }
            hr_free(rc->cells[i].reps);
        }
        hr_free(rc->cells);
        hr_case_free((hr_case *)rc->c);
        hr_verdict_free(rc->verdict);
        hr_free(rc->diff);
        hr_free(rc->expected);
        hr_free(rc->left_finding);
        hr_free(rc->right_finding);
    }
    hr_free(run->cases);
    for (size_t i = 0; i < run->nlibenvs; i++) {
        hr_free(run->libenvs[i].name);
        hr_strv_release(&run->libenvs[i].env);
    }
    hr_free(run->libenvs);
    for (size_t i = 0; i < run->nbuilds; i++)
        hr_build_free(run->builds[i]);
    hr_free(run->builds);
    hr_free(run->build_cached);
    for (size_t i = 0; i < run->machine.nedac; i++)
        hr_free(run->machine.edac[i].mc);
    hr_free(run->machine.edac);
    hr_free(run->machine.kernel);
    hr_free(run->machine.libc);
    hr_free(run->machine.cpu);
    hr_strv_release(&run->machine.compilers);
    hr_free(run->id);
    hr_free(run->out_dir);
    hr_free(run->command);
    hr_free(run->started);
    hr_free(run->source_commit);
    hr_free(run->source_tree);
    hr_free(run->source_version);
    hr_ptests_free(run->ptests);
    hr_strv_release(&run->cc_witness);
    hr_free(run);
}

/* data_dir - where golden files live; tests run from the repository root */
static const char *data_dir(void)
{
    const char *d = getenv("HR_TEST_DATA");

    return d && *d ? d : "tests/data";
}

/* golden - text must equal tests/data/report/NAME (HR_TEST_UPDATE=1:
 * rewrite the file instead) */
static void golden(const char *name, const char *text)
{
    char *path = hr_sprintf("%s/report/%s", data_dir(), name);
    const char *update = getenv("HR_TEST_UPDATE");
    hr_buf want = HR_BUF_INIT;

    if (update && *update) {
        assert_int_equal(hr_file_write_atomic(path, text, strlen(text), 0644),
                         0);
    } else {
        if (hr_file_read(&want, path, 0) < 0)
            fail_msg("cannot read %s", path);
        if (strcmp(hr_buf_cstr(&want), text) != 0)
            print_error("%s differs; HR_TEST_UPDATE=1 rewrites it\n", path);
        assert_string_equal(text, hr_buf_cstr(&want));
    }
    hr_buf_release(&want);
    hr_free(path);
}

/* json_of - report.json text of a fixture, parsed with json-c */
static json_object *json_of(const struct fx *fx, char **text_out)
{
    hr_run *run = fx_run(fx);
    char *text = NULL;
    json_tokener *tok = json_tokener_new();
    json_object *root;

    assert_int_equal(hr_report_json_text(&text, run), 0);
    json_tokener_set_flags(tok,
                           JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);
    root = json_tokener_parse_ex(tok, text, (int)strlen(text));
    assert_non_null(root);
    json_tokener_free(tok);
    fx_free(run);
    if (text_out)
        *text_out = text;
    else
        hr_free(text);
    return root;
}

/* jat - the value at a dotted path: "cases.1.pair.left"; NULL for null */
static json_object *jat(json_object *o, const char *path)
{
    char *copy = hr_strdup(path), *save = NULL;

    for (char *k = strtok_r(copy, ".", &save); k;
         k = strtok_r(NULL, ".", &save)) {
        if (*k >= '0' && *k <= '9') {
            assert_int_equal(json_object_get_type(o), json_type_array);
            assert_true((size_t)atoi(k) < json_object_array_length(o));
            o = json_object_array_get_idx(o, (size_t)atoi(k));
        } else {
            if (!json_object_object_get_ex(o, k, &o))
                fail_msg("no key '%s' in '%s'", k, path);
        }
    }
    hr_free(copy);
    return o;
}

/* jstr_at - the string at path */
static const char *jstr_at(json_object *o, const char *path)
{
    json_object *v = jat(o, path);

    if (json_object_get_type(v) != json_type_string)
        fail_msg("'%s' is not a string", path);
    return json_object_get_string(v);
}

/* keys - an object's keys, in order, joined with ',' */
static char *keys(json_object *o)
{
    hr_strv sv = HR_STRV_INIT;
    char *joined;

    assert_int_equal(json_object_get_type(o), json_type_object);
    json_object_object_foreach(o, k, v)
    {
        (void)v;
        hr_strv_add(&sv, k);
    }
    joined = hr_strv_join(&sv, ",");
    hr_strv_release(&sv);
    return joined;
}

/* assert_keys - o at path has exactly these keys, in this order */
static void assert_keys(json_object *root, const char *path, const char *want)
{
    char *got = keys(*path ? jat(root, path) : root);

    if (strcmp(got, want) != 0)
        print_error("keys of '%s'\n", path);
    assert_string_equal(got, want);
    hr_free(got);
}

static void test_report_json_golden(void **state)
{
    const struct fx *fxs[] = {&small_fx, &six_fx};
    const char *names[] = {"small.json.ref", "six.json.ref"};

    (void)state;
    for (size_t i = 0; i < N(fxs); i++) {
        hr_run *run = fx_run(fxs[i]);
        char *text = NULL, *again = NULL;

        assert_int_equal(hr_report_json_text(&text, run), 0);
        assert_int_equal(hr_report_json_text(&again, run), 0);
        assert_string_equal(text, again); /* deterministic */
        golden(names[i], text);
        hr_free(text);
        hr_free(again);
        fx_free(run);
    }
}

static void test_report_json_key_order(void **state)
{
    json_object *root = json_of(&small_fx, NULL);

    (void)state;
    assert_keys(root, "",
                "schema,run,source,config,machine,shard,shards,builds,"
                "failed_builds,libenvs,postfix_tests,totals,cases");
    assert_keys(root, "run",
                "id,command,started,seconds,build_seconds,replay_seconds,"
                "case_runs,batched_case_runs,batches,batches_one_by_one,"
                "reps,out_dir,exit");
    assert_keys(root, "source", "commit,tree,version");
    assert_keys(root, "machine", "kernel,libc,cpu,cpus,compilers,edac");
    assert_keys(root, "machine.edac", "available,note,controllers");
    assert_keys(root, "builds.1",
                "id,variant,cc,cc_path,cc_sha256,cc_version,cc_kind,flags,"
                "opt,sanitizer,ub_check,shared,ccache,cached,seconds,phases,"
                "env");
    assert_keys(root, "builds.1.phases",
                "checkout,makefiles,make,install,postconf,make_cpu");
    assert_keys(root, "libenvs.0", "name,env");
    assert_keys(root, "totals",
                "pass,real-bug,compiler,undefined-behavior,library,"
                "hardware");
    assert_keys(root, "cases.1",
                "name,kind,path,about,overlays,verdict,summary,suspect,"
                "undecided_why,"
                "differing,also,flaps,pair,diff,expected,first_finding,"
                "ub_reports,ub_background,escalation,confirm,reduced,cells");
    assert_keys(root, "cases.1.pair", "left,right,left_obs,right_obs");
    assert_keys(root, "cases.1.first_finding", "left,right");
    assert_keys(root, "cases.1.cells.3",
                "build,build_id,libenv,skipped,failed,flapping,expect_ok,"
                "mismatch,"
                "reps");
    assert_keys(root, "cases.1.cells.3.reps.2",
                "obs_file,sha256,expect_ok,seconds");
    json_object_put(root);
}

static void test_report_json_values(void **state)
{
    json_object *root = json_of(&small_fx, NULL);
    char sum[HR_SHA256_HEX];

    (void)state;
    assert_string_equal(jstr_at(root, "schema"), "pfharness-report/1");
    assert_string_equal(jstr_at(root, "run.id"), "20261124T081933Z-small");
    assert_int_equal(json_object_get_int(jat(root, "run.reps")), 3);
    assert_int_equal(json_object_get_int(jat(root, "run.exit")), 1);
    assert_true(json_object_get_double(jat(root, "run.replay_seconds")) ==
                12.125);
    assert_string_equal(jstr_at(root, "source.version"), "3.7.11");
    assert_int_equal(json_object_get_int(jat(root, "machine.cpus")), 2);
    assert_false(json_object_get_boolean(jat(root, "machine.edac.available")));
    assert_string_equal(jstr_at(root, "machine.edac.note"), "no EDAC");
    assert_int_equal(
        json_object_array_length(jat(root, "machine.edac.controllers")), 0);
    assert_string_equal(jstr_at(root, "builds.1.variant"), "O2");
    assert_string_equal(jstr_at(root, "builds.1.id"), "fedcba9876543210");
    assert_string_equal(jstr_at(root, "builds.1.cc_version"),
                        "gcc (Debian 12.2.0-14) 12.2.0");
    assert_string_equal(jstr_at(root, "builds.1.flags"), "OPT=-O2");
    assert_true(json_object_get_boolean(jat(root, "builds.0.cached")));
    assert_false(json_object_get_boolean(jat(root, "builds.1.cached")));
    assert_null(jat(root, "builds.0.sanitizer"));
    assert_null(jat(root, "builds.0.phases")); /* cached: not timed here */
    assert_true(json_object_get_double(jat(root, "builds.1.phases.make")) ==
                27.0);
    assert_true(
        json_object_get_double(jat(root, "builds.1.phases.make_cpu")) ==
        50.75);
    assert_int_equal(json_object_get_int(jat(root, "run.case_runs")), 24);
    assert_int_equal(
        json_object_get_int(jat(root, "run.batched_case_runs")), 16);
    assert_int_equal(json_object_get_int(jat(root, "run.batches")), 2);
    assert_int_equal(
        json_object_get_int(jat(root, "run.batches_one_by_one")), 1);
    assert_string_equal(jstr_at(root, "libenvs.1.name"), "shim");
    assert_string_equal(jstr_at(root, "libenvs.1.env.0"),
                        "LD_PRELOAD=/opt/shim.so");

    /* Totals: every verdict, counted */
    assert_int_equal(json_object_get_int(jat(root, "totals.pass")), 1);
    assert_int_equal(json_object_get_int(jat(root, "totals.real-bug")), 0);
    assert_int_equal(json_object_get_int(jat(root, "totals.compiler")), 1);
    assert_int_equal(
        json_object_get_int(jat(root, "totals.undefined-behavior")), 0);
    assert_int_equal(json_object_get_int(jat(root, "totals.library")), 0);
    assert_int_equal(json_object_get_int(jat(root, "totals.hardware")), 1);

    /* Cases in run order, with their evidence */
    assert_int_equal(json_object_array_length(jat(root, "cases")), 3);
    assert_string_equal(jstr_at(root, "cases.0.name"), "basic-pass");
    assert_string_equal(jstr_at(root, "cases.0.verdict"), "pass");
    assert_null(jat(root, "cases.0.pair.left"));
    assert_null(jat(root, "cases.0.diff"));
    assert_string_equal(jstr_at(root, "cases.1.name"), "odd-compiler");
    assert_string_equal(jstr_at(root, "cases.1.kind"), "smtp");
    assert_string_equal(jstr_at(root, "cases.1.verdict"), "compiler");
    assert_string_equal(jstr_at(root, "cases.1.suspect"),
                        "O2 (gcc -O2): O0 and the golden agree");
    assert_string_equal(jstr_at(root, "cases.1.differing.0"), "O2/plain");
    assert_string_equal(jstr_at(root, "cases.1.pair.left"), "O0/plain");
    assert_string_equal(jstr_at(root, "cases.1.pair.right"), "O2/plain");
    assert_string_equal(jstr_at(root, "cases.1.pair.left_obs"),
                        "obs/O0/plain/odd-compiler/1.txt");
    assert_string_equal(jstr_at(root, "cases.1.pair.right_obs"),
                        "obs/O2/plain/odd-compiler/1.txt");
    assert_null(jat(root, "cases.1.first_finding.left"));
    assert_string_equal(jstr_at(root, "cases.2.kind"), "probe");
    assert_string_equal(jstr_at(root, "cases.2.verdict"), "hardware");
    assert_string_equal(jstr_at(root, "cases.2.pair.right_obs"),
                        "obs/O2/shim/flaky-hardware/3.txt");

    /* Cells: build-major, flags, the first mismatch, reps */
    assert_string_equal(jstr_at(root, "cases.1.cells.2.build"), "O2");
    assert_string_equal(jstr_at(root, "cases.1.cells.2.libenv"), "plain");
    assert_string_equal(jstr_at(root, "cases.1.cells.2.build_id"),
                        "fedcba9876543210");
    assert_false(
        json_object_get_boolean(jat(root, "cases.1.cells.2.expect_ok")));
    assert_true(
        json_object_get_boolean(jat(root, "cases.1.cells.0.expect_ok")));
    assert_null(jat(root, "cases.1.cells.0.mismatch"));
    assert_false(
        json_object_get_boolean(jat(root, "cases.2.cells.2.flapping")));
    assert_true(json_object_get_boolean(jat(root, "cases.2.cells.3.flapping")));
    assert_false(
        json_object_get_boolean(jat(root, "cases.2.cells.3.reps.2.expect_ok")));
    hr_sha256_buf(sum, OBS_ODD, strlen(OBS_ODD));
    assert_string_equal(jstr_at(root, "cases.1.cells.3.reps.1.sha256"), sum);
    assert_true(json_object_get_double(jat(root, "cases.1.cells.3.reps.1."
                                                 "seconds")) == 0.25);
    json_object_put(root);
}

static void test_report_json_odd_strings(void **state)
{
    char *text = NULL;
    json_object *root = json_of(&small_fx, &text);

    (void)state;
    /* Bad UTF-8 became U+FFFD, the rest came through unchanged */
    assert_string_equal(jstr_at(root, "cases.1.about"),
                        "Odd bytes: <tag> & \"q\" 'a' \x01 caf\xc3\xa9 "
                        "bad\xef\xbf\xbd end");
    assert_string_equal(
        jstr_at(root, "cases.1.cells.2.mismatch"),
        "exchange 3: expected '250 2.1.0 Ok', got '250 2.1.0 " ODD "'");
    assert_string_equal(jstr_at(root, "cases.1.first_finding.right"),
                        "smtpd[Q1]: warning: " ODD);
    /* Control characters are escapes; slashes are not */
    assert_non_null(strstr(text, "\\u0001"));
    assert_null(strchr(text, '\x01'));
    assert_null(strstr(text, "\\/"));
    assert_null(strstr(text, "\xff"));
    assert_int_equal(text[strlen(text) - 1], '\n');
    hr_free(text);
    json_object_put(root);
}

static void test_report_json_edac_and_skipped(void **state)
{
    json_object *root = json_of(&six_fx, NULL);

    (void)state;
    assert_true(json_object_get_boolean(jat(root, "machine.edac.available")));
    assert_string_equal(jstr_at(root, "machine.edac.note"),
                        "EDAC: 2 memory controllers; 3 corrected and 0 "
                        "uncorrected errors during the run");
    assert_string_equal(jstr_at(root, "machine.edac.controllers.1.mc"), "mc1");
    assert_int_equal(
        json_object_get_int(jat(root, "machine.edac.controllers.0.ce_after")),
        3);
    /* wrapv does not run pass-basic: skipped, no expectation, no reps */
    assert_true(json_object_get_boolean(jat(root, "cases.0.cells.6.skipped")));
    assert_null(jat(root, "cases.0.cells.6.expect_ok"));
    assert_int_equal(
        json_object_array_length(jat(root, "cases.0.cells.6.reps")), 0);
    /* One case per verdict, in run order */
    for (int v = HR_PASS; v <= HR_HARDWARE; v++) {
        char *path = hr_sprintf("cases.%d.verdict", v);

        assert_string_equal(jstr_at(root, path),
                            hr_verdict_name((hr_verdict_kind)v));
        hr_free(path);
    }
    assert_string_equal(jstr_at(root, "cases.2.suspect"),
                        "O2, wrapv (gcc -O2): O0, default and the golden "
                        "agree");
    assert_string_equal(jstr_at(root, "cases.3.ub_reports.0"),
                        "smtpd.c:120: runtime error: signed integer overflow: "
                        "2147483647 + 1");
    assert_string_equal(jstr_at(root, "cases.4.differing.0"), "shim");
    json_object_put(root);
}

static void test_report_write_json(void **state)
{
    hr_run *run = fx_run(&small_fx);
    char *dir = unit_tmpdir();
    char *path = hr_path_join(dir, "report.json");
    char *text = NULL;
    hr_buf got = HR_BUF_INIT;

    (void)state;
    assert_int_equal(hr_report_write_json(run, path), 0);
    assert_int_equal(hr_report_json_text(&text, run), 0);
    assert_int_equal(hr_file_read(&got, path, 0), 0);
    assert_string_equal(hr_buf_cstr(&got), text);
    hr_buf_release(&got);
    hr_free(text);
    hr_rm_rf(dir);
    free(dir);
    hr_free(path);
    fx_free(run);
}

/* test_report_write_once - what a run writes, and what its HTML and
 * JUnit then see: the bytes of the file, read back */
static void test_report_write_once(void **state)
{
    hr_run *run = fx_run(&small_fx);
    char *dir = unit_tmpdir();
    char *path = hr_path_join(dir, "report.json");
    char *text = NULL, *html_a = NULL, *html_b = NULL;
    hr_report *a = NULL, *b = NULL;
    hr_buf got = HR_BUF_INIT;

    (void)state;
    assert_int_equal(hr_report_write(&a, run, path), 0);
    assert_int_equal(hr_report_json_text(&text, run), 0);
    assert_int_equal(hr_file_read(&got, path, 0), 0);
    assert_string_equal(hr_buf_cstr(&got), text);
    assert_int_equal(hr_report_load(&b, path), 0);
    assert_int_equal(hr_report_html(&html_a, a), 0);
    assert_int_equal(hr_report_html(&html_b, b), 0);
    assert_string_equal(html_a, html_b);
    assert_string_equal(a->run_id, "20261124T081933Z-small");
    hr_report_free(a);
    hr_report_free(b);
    hr_free(html_a);
    hr_free(html_b);
    hr_buf_release(&got);
    hr_free(text);
    hr_rm_rf(dir);
    free(dir);
    hr_free(path);
    fx_free(run);
}

static void test_report_read_back(void **state)
{
    hr_run *run = fx_run(&small_fx);
    hr_report *r = NULL;

    (void)state;
    assert_int_equal(hr_report_from_run(&r, run), 0);
    assert_string_equal(r->run_id, "20261124T081933Z-small");
    assert_int_equal(r->reps, 3);
    assert_int_equal(r->exit_code, 1);
    assert_true(r->build_seconds == 30.25);
    assert_string_equal(r->source_commit,
                        "0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c");
    assert_string_equal(r->machine.libc, "glibc 2.36");
    assert_int_equal(r->edac_available, 0);
    assert_string_equal(r->edac_note, "no EDAC");
    assert_int_equal(r->nbuilds, 2);
    assert_string_equal(r->builds[1]->id, "fedcba9876543210");
    assert_string_equal(r->builds[1]->variant, "O2");
    assert_int_equal(r->builds[0]->cached, 1);
    assert_int_equal(r->builds[1]->cached, 0);
    assert_true(r->builds[1]->seconds == 31.25);
    assert_int_equal(r->nlibenvs, 2);
    assert_string_equal(r->libenvs[1].env.v[0], "LD_PRELOAD=/opt/shim.so");
    assert_int_equal(r->ncases, 3);
    assert_int_equal(r->totals[HR_PASS], 1);
    assert_int_equal(r->totals[HR_COMPILER], 1);
    assert_int_equal(r->totals[HR_HARDWARE], 1);
    assert_int_equal(r->cases[1].verdict, HR_COMPILER);
    assert_string_equal(r->cases[1].suspect,
                        "O2 (gcc -O2): O0 and the golden agree");
    assert_string_equal(r->cases[1].differing.v[0], "O2/plain");
    assert_string_equal(r->cases[1].right_obs,
                        "obs/O2/plain/odd-compiler/1.txt");
    assert_int_equal(r->cases[1].ncells, 4);
    assert_string_equal(r->cases[1].cells[2].label, "O2/plain");
    assert_int_equal(r->cases[1].cells[2].expect_ok, 0);
    assert_non_null(r->cases[1].cells[2].mismatch);
    assert_null(r->cases[1].cells[0].mismatch);
    assert_int_equal(r->cases[1].cells[2].nreps, 3);
    assert_true(r->cases[1].seconds == 3.0);
    assert_int_equal(r->cases[2].cells[3].flapping, 1);
    assert_null(r->cases[0].left);
    assert_null(r->cases[0].suspect);
    hr_report_free(r);
    fx_free(run);
}

/* An escalation, as run --escalate records it. */
static hr_escalation *fx_escalation(void)
{
    hr_escalation *e = hr_calloc(1, sizeof(*e));
    hr_escalation_step *st;

    e->left = hr_strdup("O0/plain");
    e->right = hr_strdup("O2/plain");
    e->seconds = 2.5;
    e->nsteps = 2;
    e->steps = hr_calloc(2, sizeof(*e->steps));
    st = &e->steps[0];
    st->number = 1;
    st->name = hr_strdup("debug_peer_list");
    st->about = hr_strdup("debug_peer_list = 127.0.0.1");
    st->log.line = 81;
    st->log.left = hr_strdup("postfix/smtpd[P1]: send attr <request>");
    st->log.right = hr_strdup("postfix/smtpd[P1]: > 501 5.5.4 Bad ENVID");
    hr_strv_add(&st->files, "escalation/c/1-debug_peer_list/O0-plain.maillog");
    st = &e->steps[1];
    st->number = 4;
    st->name = hr_strdup("gdb");
    st->skipped = hr_strdup("master reported no daemon killed by a signal");
    return e;
}

static void test_report_escalation_round_trip(void **state)
{
    hr_run *run = fx_run(&small_fx);
    hr_report *r = NULL;
    const hr_escalation *e;
    char *html = NULL;

    (void)state;
    run->cases[1].escalation = fx_escalation();
    assert_int_equal(hr_report_from_run(&r, run), 0);
    assert_null(r->cases[0].escalation);
    e = r->cases[1].escalation;
    assert_non_null(e);
    assert_string_equal(e->left, "O0/plain");
    assert_int_equal(e->nsteps, 2);
    assert_int_equal(e->steps[0].number, 1);
    assert_int_equal(e->steps[0].log.line, 81);
    assert_string_equal(e->steps[0].log.right,
                        "postfix/smtpd[P1]: > 501 5.5.4 Bad ENVID");
    assert_string_equal(e->steps[0].files.v[0],
                        "escalation/c/1-debug_peer_list/O0-plain.maillog");
    assert_int_equal(e->steps[1].log.line, 0);
    assert_non_null(e->steps[1].skipped);
    assert_int_equal(hr_report_html(&html, r), 0);
    assert_non_null(strstr(html, "Escalation: O0/plain against O2/plain"));
    assert_non_null(strstr(html, "send attr &lt;request&gt;"));
    assert_non_null(strstr(html, "href=\"escalation/c/1-debug_peer_list/"
                                 "O0-plain.maillog\""));
    assert_non_null(strstr(html, "skipped: master reported"));
    hr_free(html);
    hr_report_free(r);
    hr_escalation_free(run->cases[1].escalation);
    run->cases[1].escalation = NULL;
    fx_free(run);
}

/* What hr_report_parse() must refuse, and the one line it says. */
struct parse_row {
    const char *name;
    const char *text;
    const char *error;
};

#define S "\"schema\":\"pfharness-report/1\",\"run\":{}"
#define B "\"builds\":[{\"id\":\"0123456789abcdef\",\"variant\":\"O0\"}]"

/* clang-format off */
static const struct parse_row parse_rows[] = {
    {"empty", "", "cannot parse 'r.json': unexpected end of input at byte 0"},
    {"truncated", "{\"schema\":", "cannot parse 'r.json': unexpected end of "
     "input at byte 10"},
    {"not_json", "schema: 1\n", "cannot parse 'r.json': unexpected character "
     "at byte 0"},
    {"trailing", "{" S "," B ",\"cases\":[]} x", "cannot parse 'r.json': "
     "unexpected character at byte 104"},
    {"bad_utf8", "{\"schema\":\"\xff\"}", "cannot parse 'r.json': invalid "
     "utf-8 string at byte 11"},
    {"array", "[]", "'r.json' is not a pfharness report: expected a JSON "
     "object, found an array"},
    {"no_schema", "{\"cases\":[]}", "'r.json' is not a pfharness report: "
     "schema is missing, expected 'pfharness-report/1'"},
    {"wrong_schema", "{\"schema\":\"pfharness-report/0\"}", "'r.json' is not "
     "a pfharness report: schema is 'pfharness-report/0', expected "
     "'pfharness-report/1'"},
    {"schema_type", "{\"schema\":1}", "'r.json': schema: expected a string, "
     "found a number"},
    {"no_run", "{\"schema\":\"pfharness-report/1\"," B ",\"cases\":[]}",
     "'r.json': run: missing"},
    {"no_cases", "{" S "," B "}", "'r.json': cases: missing"},
    {"no_builds", "{" S ",\"cases\":[]}", "'r.json': builds: missing"},
    {"reps_type", "{\"schema\":\"pfharness-report/1\",\"run\":{\"reps\":"
     "\"3\"}," B ",\"cases\":[]}", "'r.json': run.reps: expected a number, "
     "found a string"},
    {"build_id", "{" S ",\"builds\":[{\"id\":\"0123456789abcdef0\","
     "\"variant\":\"O0\"}],\"cases\":[]}", "'r.json': builds[0].id: "
     "'0123456789abcdef0' is longer than 16 bytes"},
    {"build_variant", "{" S ",\"builds\":[{\"id\":\"x\"}],\"cases\":[]}",
     "'r.json': builds[0].variant: missing"},
    {"case_not_object", "{" S "," B ",\"cases\":[1]}", "'r.json': cases[0]: "
     "expected an object, found a number"},
    {"case_name", "{" S "," B ",\"cases\":[{\"verdict\":\"pass\"}]}",
     "'r.json': cases[0].name: missing"},
    {"case_verdict", "{" S "," B ",\"cases\":[{\"name\":\"a\",\"verdict\":"
     "\"pass\"},{\"name\":\"b\",\"verdict\":\"flaky\"}]}", "'r.json': "
     "cases[1].verdict: 'flaky' is not a verdict (pass real-bug compiler "
     "undefined-behavior library hardware)"},
    {"differing_entry", "{" S "," B ",\"cases\":[{\"name\":\"a\",\"verdict\":"
     "\"pass\",\"differing\":[\"x\",2]}]}", "'r.json': cases[0].differing: "
     "entry 1: expected a string, found a number"},
    {"cell_libenv", "{" S "," B ",\"cases\":[{\"name\":\"a\",\"verdict\":"
     "\"pass\",\"cells\":[{\"build\":\"O0\"}]}]}", "'r.json': "
     "cases[0].cells[0].libenv: missing"},
    {"rep_seconds", "{" S "," B ",\"cases\":[{\"name\":\"a\",\"verdict\":"
     "\"pass\",\"cells\":[{\"build\":\"O0\",\"libenv\":\"plain\",\"reps\":"
     "[{\"seconds\":\"1\"}]}]}]}", "'r.json': cases[0].cells[0].reps[0]."
     "seconds: expected a number, found a string"},
    {"pair_left", "{" S "," B ",\"cases\":[{\"name\":\"a\",\"verdict\":"
     "\"pass\",\"pair\":{\"left\":[]}}]}", "'r.json': cases[0].pair.left: "
     "expected a string, found an array"},
    {"edac_counter", "{" S ",\"machine\":{\"edac\":{\"controllers\":[{"
     "\"ce_after\":true}]}}," B ",\"cases\":[]}", "'r.json': "
     "machine.edac.controllers[0].ce_after: expected a number, found a "
     "boolean"},
};
/* clang-format on */

static void test_report_parse_errors(void **state)
{
    (void)state;
    for (size_t i = 0; i < N(parse_rows); i++) {
        hr_report *r = NULL;
        int rc = hr_report_parse(&r, parse_rows[i].text,
                                 strlen(parse_rows[i].text), "r.json");

        if (rc != HR_EINPUT || strcmp(hr_error_last(), parse_rows[i].error))
            print_error("row '%s': %d '%s'\n", parse_rows[i].name, rc,
                        hr_error_last());
        assert_int_equal(rc, HR_EINPUT);
        assert_null(r);
        assert_string_equal(hr_error_last(), parse_rows[i].error);
    }
}

/* fx_ptests - three Postfix tests on small_fx's builds: one passes, one
 * fails only at O2 (every rep), one is skipped */
static void fx_ptests(hr_run *run)
{
    static const char *const o2[] = {"fail (exit 2)", "fail (exit 2)",
                                     "fail (exit 2)"};
    hr_ptests *p;

    hr_ptests_new(&p, 3, run->nbuilds, NREPS);
    run->ptests = p;
    p->seconds = 12.5;
    p->tests[0].name = hr_strdup("global/tok822_test");
    p->tests[1].name = hr_strdup("global/xtext_test");
    p->tests[2].name = hr_strdup("dns/nxdomain_test");
    p->tests[2].skip = hr_strdup("needs DNS");
    p->nskipped = 1;
    for (size_t b = 0; b < run->nbuilds; b++) {
        size_t slot = b * NREPS;

        p->tests[0].result[slot] = hr_strdup("pass");
        p->tests[0].model[slot] = hr_ptests_model("pass", NULL);
        for (int r = 0; r < NREPS; r++) {
            const char *res = b == 1 ? o2[r] : "pass";

            p->tests[1].result[slot + r] = hr_strdup(res);
            p->tests[1].model[slot + r] = hr_ptests_model(res, NULL);
            if (b == 1)
                p->tests[1].log[slot + r] =
                    hr_ptests_log_path("O2", "global/xtext_test", r);
        }
        p->ran[b] = 2;
        p->passed[b] = b == 1 ? 1 : 2;
        p->failed[b] = b == 1;
    }
    assert_int_equal(hr_ptests_judge(run), 0);
}

/* test_report_ptests_round_trip - judged, written, read back, shown in
 * JUnit and HTML */
static void test_report_ptests_round_trip(void **state)
{
    hr_run *run = fx_run(&small_fx);
    hr_report *r = NULL;
    char *junit = NULL, *html = NULL;
    const hr_report_ptest *t;

    (void)state;
    fx_ptests(run);
    assert_int_equal(run->ptests->tests[0].verdict->kind, HR_PASS);
    assert_int_equal(run->ptests->tests[1].verdict->kind, HR_COMPILER);
    assert_null(run->ptests->tests[2].verdict);
    assert_int_equal(hr_ptests_nonpass(run->ptests), 1);
    assert_int_equal(hr_report_from_run(&r, run), 0);
    assert_non_null(r->ptests);
    assert_int_equal(r->ptests->ntests, 3);
    assert_int_equal(r->ptests->nbuilds, 2);
    assert_int_equal(r->ptests->builds[1].failed, 1);
    assert_int_equal(r->ptests->totals[HR_PASS], 1);
    assert_int_equal(r->ptests->totals[HR_COMPILER], 1);
    assert_int_equal(r->ptests->skipped, 1);
    t = &r->ptests->tests[1];
    assert_string_equal(t->test, "global/xtext_test");
    assert_int_equal(t->verdict, HR_COMPILER);
    assert_non_null(t->suspect);
    assert_non_null(strstr(t->suspect, "O2"));
    assert_int_equal(t->nruns, 2);
    assert_string_equal(t->runs[1].build, "O2");
    assert_int_equal(t->runs[1].results.n, 3);
    assert_string_equal(t->runs[1].results.v[2], "fail (exit 2)");
    assert_string_equal(t->runs[1].logs.v[0],
                        "postfix-tests/O2/global/xtext_test.1.log");
    assert_string_equal(t->runs[0].logs.v[0], "");
    assert_string_equal(r->ptests->tests[2].skip, "needs DNS");
    assert_false(r->ptests->tests[2].judged);

    assert_int_equal(hr_report_junit(&junit, r), 0);
    assert_non_null(strstr(junit, "<testsuite name=\"postfix-tests\" "
                                  "tests=\"3\" failures=\"1\" errors=\"0\" "
                                  "skipped=\"1\""));
    assert_non_null(strstr(junit, "<testcase classname=\"postfix.global\" "
                                  "name=\"xtext_test\""));
    assert_non_null(strstr(junit, "<skipped message=\"needs DNS\"/>"));
    assert_non_null(strstr(junit, "O2: fail (exit 2), fail (exit 2), fail "
                                  "(exit 2)"));
    assert_int_equal(hr_report_html(&html, r), 0);
    assert_non_null(strstr(html, "<section id=\"postfix-tests\">"));
    assert_non_null(strstr(html, "<a href=\"postfix-tests/O2/global/"
                                 "xtext_test.1.log\">"));
    assert_non_null(strstr(html, "Skipped (1)"));
    hr_free(junit);
    hr_free(html);
    hr_report_free(r);
    fx_free(run);
}

/* test_report_ptests_parse_errors - values are checked against what
 * run --postfix-tests writes: a stranger's report.json cannot put a
 * link, a test name or a result of its own into the HTML */
static void test_report_ptests_parse_errors(void **state)
{
#define PT(tests) "{" S "," B ",\"cases\":[],\"postfix_tests\":{" \
                  "\"builds\":[],\"tests\":[" tests "]}}"
#define RUN(res, log) "{\"build\":\"O2\",\"results\":[" res "]," \
                      "\"logs\":[" log "],\"sanitizer\":[null]}"
    static const struct {
        const char *text, *error;
    } rows[] = {
        {PT("{\"test\":\"../x\",\"runs\":[]}"),
         "'r.json': postfix_tests.tests[0].test: '../x' is not DIR/TARGET"},
        {PT("{\"test\":\"global/x\",\"verdict\":\"maybe\",\"runs\":[]}"),
         "'r.json': postfix_tests.tests[0].verdict: 'maybe' is not a "
         "verdict"},
        {PT("{\"test\":\"global/x\",\"skipped\":\"a\\nb\",\"runs\":[]}"),
         "'r.json': postfix_tests.tests[0].skipped: not a reason "
         "(printable text)"},
        {PT("{\"test\":\"global/x\",\"runs\":[" RUN("\"ok\"", "null")
            "]}"),
         "'r.json': postfix_tests.tests[0].runs[0].results: entry 0: 'ok' "
         "is not a result (pass, fail (exit N), fail (signal N), timed out "
         "after N s)"},
        {PT("{\"test\":\"global/x\",\"runs\":["
            RUN("\"fail (exit 2) \"", "null") "]}"),
         "'r.json': postfix_tests.tests[0].runs[0].results: entry 0: "
         "'fail (exit 2) ' is not a result (pass, fail (exit N), fail "
         "(signal N), timed out after N s)"},
        {PT("{\"test\":\"global/x\",\"runs\":["
            RUN("\"pass\"", "\"javascript:alert(1)\"") "]}"),
         "'r.json': postfix_tests.tests[0].runs[0].logs: entry 0: not "
         "where run --postfix-tests writes the output of global/x"},
        {PT("{\"test\":\"global/x\",\"runs\":["
            RUN("\"pass\"", "\"postfix-tests/O2/global/y.1.log\"") "]}"),
         "'r.json': postfix_tests.tests[0].runs[0].logs: entry 0: not "
         "where run --postfix-tests writes the output of global/x"},
        {"{" S "," B ",\"cases\":[{\"name\":\"a\",\"verdict\":\"compiler\","
         "\"reduced\":{\"file\":\"../../etc/x\",\"text\":\"\"}}]}",
         "'r.json': cases[0].reduced.file: not where run --reduce writes the "
         "reduced case of a"},
        {PT("{\"test\":\"global/x\",\"runs\":["
            RUN("\"pass\",\"pass\"", "null") "]}"),
         "'r.json': postfix_tests.tests[0].runs[0].logs: logs, sanitizer "
         "and results differ in length"},
    };

    (void)state;
    for (size_t i = 0; i < N(rows); i++) {
        hr_report *r = NULL;
        int rc = hr_report_parse(&r, rows[i].text, strlen(rows[i].text),
                                 "r.json");

        if (rc != HR_EINPUT || strcmp(hr_error_last(), rows[i].error))
            print_error("row %zu: %d '%s'\n", i, rc, hr_error_last());
        assert_int_equal(rc, HR_EINPUT);
        assert_null(r);
        assert_string_equal(hr_error_last(), rows[i].error);
    }
#undef PT
#undef RUN
}

/* test_report_certificate - clean or not, said first; the matrix has a
 * cell per (case, build) coloured by what it showed; a bundle is linked
 * only where it exists, at a plain path */
static void test_report_certificate(void **state)
{
    hr_run *run = fx_run(&small_fx);
    hr_report *r = NULL;
    const hr_report *runs[1];
    hr_certificate_opts o = HR_CERTIFICATE_OPTS_INIT;
    char *html = NULL, *dir = unit_tmpdir(), *bug;

    (void)state;
    assert_int_equal(hr_report_from_run(&r, run), 0);
    runs[0] = r;
    o.wall_seconds = 3600;
    o.bugs_dir = "bugs";
    o.page_dir = dir;
    bug = hr_sprintf("%s/bugs/3.7.11-odd-compiler", dir);
    assert_int_equal(hr_mkdir_p(bug, 0755), 0);
    hr_free(bug);
    bug = hr_sprintf("%s/bugs/3.7.11-odd-compiler/README.txt", dir);
    assert_int_equal(hr_file_write_atomic(bug, "x\n", 2, 0644), 0);
    assert_int_equal(hr_certificate_html(&html, runs, 1, &o), 0);
    assert_non_null(strstr(html, "Not clean: 2 findings"));
    assert_non_null(strstr(html, "3600 s (1.0 h)"));
    assert_non_null(strstr(html, "<a href=\"bugs/3.7.11-odd-compiler/"
                                 "README.txt\">compiler-bug bundle</a>"));
    assert_non_null(strstr(html, "class=\"x-compiler\""));
    assert_non_null(strstr(html, "class=\"x-hardware\""));
    assert_non_null(strstr(html, "<td class=\"p\"></td>"));
    assert_null(strstr(html, "<script"));
    hr_free(html);
    /* A version that would climb out of the page's directory: no link. */
    hr_free(r->source_version);
    r->source_version = hr_strdup("../3.7.11");
    assert_int_equal(hr_certificate_html(&html, runs, 1, &o), 0);
    assert_null(strstr(html, "<a href"));
    hr_free(html);
    assert_int_equal(hr_rm_rf(dir), 0);
    free(dir);
    hr_free(bug);
    hr_report_free(r);
    fx_free(run);
}

/* test_report_certificate_clean - a clean sweep says so */
static void test_report_certificate_clean(void **state)
{
    static const char text[] = "{" S "," B ",\"cases\":[{\"name\":\"a\","
                               "\"verdict\":\"pass\",\"cells\":[{\"build\":"
                               "\"O0\",\"libenv\":\"plain\"}]}]}";
    hr_report *r = NULL;
    const hr_report *runs[1];
    hr_certificate_opts o = HR_CERTIFICATE_OPTS_INIT;
    char *html = NULL;

    (void)state;
    assert_int_equal(hr_report_parse(&r, text, strlen(text), "r.json"), 0);
    runs[0] = r;
    assert_int_equal(hr_certificate_html(&html, runs, 1, &o), 0);
    assert_non_null(strstr(html, "Clean: every case passed on every build: "
                                 "1 (case, build) cells in 1 run"));
    assert_non_null(strstr(html, "<td class=\"p\"></td>"));
    hr_free(html);
    hr_report_free(r);
}

static void test_report_parse_minimal(void **state)
{
    static const char text[] = "{" S "," B ",\"cases\":[{\"name\":\"a\","
                               "\"verdict\":\"library\",\"future\":{}}],"
                               "\"future\":[1]}\n";
    hr_report *r = NULL;

    (void)state;
    /* Optional keys may be missing; unknown keys are ignored */
    assert_int_equal(hr_report_parse(&r, text, strlen(text), "r.json"), 0);
    assert_int_equal(r->ncases, 1);
    assert_int_equal(r->cases[0].verdict, HR_LIBRARY);
    assert_int_equal(r->totals[HR_LIBRARY], 1);
    assert_int_equal(r->cases[0].ncells, 0);
    assert_null(r->cases[0].summary);
    assert_null(r->run_id);
    assert_string_equal(r->edac_note, "no EDAC");
    hr_report_free(r);
}

static void test_report_load_missing(void **state)
{
    char *dir = unit_tmpdir();
    char *path = hr_path_join(dir, "report.json");
    char *want =
        hr_sprintf("cannot open '%s': No such file or directory", path);
    hr_report *r = NULL;

    (void)state;
    assert_int_equal(hr_report_load(&r, path), HR_ENOTFOUND);
    assert_null(r);
    assert_string_equal(hr_error_last(), want);
    hr_rm_rf(dir);
    free(dir);
    hr_free(path);
    hr_free(want);
}

/* junit_of - junit.xml of a fixture, through report.json */
static char *junit_of(const struct fx *fx)
{
    hr_run *run = fx_run(fx);
    hr_report *r = NULL;
    char *xml = NULL;

    assert_int_equal(hr_report_from_run(&r, run), 0);
    assert_int_equal(hr_report_junit(&xml, r), 0);
    hr_report_free(r);
    fx_free(run);
    return xml;
}

static void test_report_junit_golden(void **state)
{
    char *xml = junit_of(&small_fx);

    (void)state;
    golden("small.xml.ref", xml);
    /* What the golden file must show, said here too */
    assert_non_null(strstr(
        xml, "<failure message=\"compiler: builds of the same source "
             "disagree; suspect O2 (gcc -O2): O0 and the golden agree\" "
             "type=\"compiler\">--- O0/plain\n"));
    assert_non_null(strstr(xml, "+&lt; 250 2.1.0 &lt;odd&gt; &amp; "
                                "&quot;quoted&quot; &#39;single&#39; "
                                "\xe2\x90\x81\n"));
    assert_non_null(strstr(xml, "<testcase classname=\"pfharness.probe\" "
                                "name=\"flaky-hardware\" time=\"3.000\">"));
    assert_non_null(strstr(xml, "type=\"hardware\""));
    assert_non_null(strstr(xml, "edac: no EDAC\n"));
    hr_free(xml);
}

static void test_report_junit_escaping(void **state)
{
    hr_buf json = HR_BUF_INIT, want = HR_BUF_INIT;
    hr_report *r = NULL;
    char *xml = NULL;

    (void)state;
    hr_buf_puts(&json, "{\"schema\":\"pfharness-report/1\",\"run\":{\"id\":"
                       "\"r1\",\"started\":\"2026-11-24T08:19:33Z\"},"
                       "\"builds\":[],\"cases\":[{\"name\":"
                       "\"a<b>&\\\"c'\",\"kind\":\"smtp\",\"verdict\":"
                       "\"real-bug\",\"summary\":\"got <x> & \\\"y\\\" 'z' "
                       "\\u0001\\u001f\\r end\",\"diff\":\"--- e\\n+++ o\\n"
                       "@@ -1,20 +1,20 @@\\n");
    for (int i = 1; i <= 20; i++)
        hr_buf_printf(&json, " line %d\\n", i);
    hr_buf_puts(&json, "\",\"cells\":[{\"build\":\"O0\",\"libenv\":\"plain\","
                       "\"reps\":[{\"seconds\":0.5},{\"seconds\":0.25}]}]},"
                       "{\"name\":\"ok\",\"verdict\":\"pass\"}]}");
    assert_int_equal(
        hr_report_parse(&r, hr_buf_cstr(&json), json.len, "r.json"), 0);
    assert_int_equal(hr_report_junit(&xml, r), 0);

    hr_buf_puts(&want,
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                "<testsuites name=\"pfharness\" tests=\"2\" failures=\"1\" "
                "errors=\"0\" time=\"0.750\">\n"
                "  <testsuite name=\"pfharness\" tests=\"2\" failures=\"1\" "
                "errors=\"0\" skipped=\"0\" time=\"0.750\" "
                "timestamp=\"2026-11-24T08:19:33Z\">\n"
                "    <properties>\n"
                "      <property name=\"run_id\" value=\"r1\"/>\n"
                "      <property name=\"edac\" value=\"no EDAC\"/>\n"
                "    </properties>\n"
                "    <testcase classname=\"pfharness.smtp\" "
                "name=\"a&lt;b&gt;&amp;&quot;c&#39;\" time=\"0.750\">\n"
                "      <failure message=\"real-bug: got &lt;x&gt; &amp; "
                "&quot;y&quot; &#39;z&#39; \xe2\x90\x81\xe2\x90\x9f&#13; end\" "
                "type=\"real-bug\">--- e\n+++ o\n@@ -1,20 +1,20 @@\n");
    for (int i = 1; i <= 17; i++)
        hr_buf_printf(&want, " line %d\n", i);
    hr_buf_puts(
        &want,
        "[3 more lines in report.json]\n"
        "</failure>\n"
        "      <system-out>got &lt;x&gt; &amp; &quot;y&quot; &#39;z&#39; "
        "\xe2\x90\x81\xe2\x90\x9f&#13; end\n"
        "</system-out>\n"
        "    </testcase>\n"
        "    <testcase classname=\"pfharness.case\" name=\"ok\" "
        "time=\"0.000\">\n"
        "    </testcase>\n"
        "  </testsuite>\n"
        "</testsuites>\n");
    assert_string_equal(xml, hr_buf_cstr(&want));
    hr_free(xml);
    hr_report_free(r);
    hr_buf_release(&json);
    hr_buf_release(&want);
}

/* html_of - report.html of a fixture, through report.json */
static char *html_of(const struct fx *fx)
{
    hr_run *run = fx_run(fx);
    hr_report *r = NULL;
    char *html = NULL;

    assert_int_equal(hr_report_from_run(&r, run), 0);
    assert_int_equal(hr_report_html(&html, r), 0);
    hr_report_free(r);
    fx_free(run);
    return html;
}

/* row_marks - a row's cell marks as "=!~-x" characters */
static char *row_marks(const char *html, const char *name)
{
    char *id = hr_sprintf("id=\"case-%s\"", name);
    const char *p = strstr(html, id), *end;
    hr_buf b = HR_BUF_INIT;

    if (p == NULL)
        fail_msg("no row %s", id);
    end = strstr(p, "</summary>");
    assert_non_null(end);
    while ((p = strstr(p, "class=\"mcell m-")) != NULL && p < end) {
        p += strlen("class=\"mcell m-");
        hr_buf_putc(&b, strncmp(p, "eq\"", 3) == 0     ? '='
                        : strncmp(p, "ne\"", 3) == 0   ? '!'
                        : strncmp(p, "flap\"", 5) == 0 ? '~'
                        : strncmp(p, "skip\"", 5) == 0 ? '-'
                        : strncmp(p, "bad\"", 4) == 0  ? 'x'
                                                       : '?');
    }
    hr_free(id);
    return hr_buf_detach(&b);
}

/* assert_before - a occurs in s, and before b */
static void assert_before(const char *s, const char *a, const char *b)
{
    const char *pa = strstr(s, a), *pb = strstr(s, b);

    assert_non_null(pa);
    assert_non_null(pb);
    if (pa >= pb)
        fail_msg("'%s' is not before '%s'", a, b);
}

static void test_report_html_matrix(void **state)
{
    static const struct {
        const char *name, *marks;
    } rows[] = {
        {"pass-basic", "======--"},   {"real-bug-relay", "xxxxxxxx"},
        {"compiler-o2", "====!x!x"},  {"ub-overflow", "====!x=="},
        {"library-shim", "=!=!=!=!"}, {"hardware-flap", "=====~=="},
    };
    char *html = html_of(&six_fx);

    (void)state;
    assert_non_null(strstr(html, "<div class=\"matrix\" id=\"matrix\">"));
    for (size_t i = 0; i < N(rows); i++) {
        char *got = row_marks(html, rows[i].name);

        if (strcmp(got, rows[i].marks) != 0)
            print_error("row %s\n", rows[i].name);
        assert_string_equal(got, rows[i].marks);
        hr_free(got);
    }
    /* Findings first, then by name; pass last */
    assert_before(html, "id=\"case-compiler-o2\"", "id=\"case-hardware-flap\"");
    assert_before(html, "id=\"case-hardware-flap\"",
                  "id=\"case-library-shim\"");
    assert_before(html, "id=\"case-library-shim\"",
                  "id=\"case-real-bug-relay\"");
    assert_before(html, "id=\"case-real-bug-relay\"",
                  "id=\"case-ub-overflow\"");
    assert_before(html, "id=\"case-ub-overflow\"", "id=\"case-pass-basic\"");
    /* Rows are coloured and labelled by verdict; the legend has all six */
    assert_non_null(strstr(html, "<details class=\"case v-undefined-behavior\" "
                                 "data-verdict=\"undefined-behavior\" "
                                 "id=\"case-ub-overflow\">"));
    for (int v = HR_PASS; v <= HR_HARDWARE; v++) {
        char *badge = hr_sprintf("<span class=\"badge v-%s\">%s</span>",
                                 hr_verdict_name((hr_verdict_kind)v),
                                 hr_verdict_name((hr_verdict_kind)v));
        char *css = hr_sprintf(".v-%s{", hr_verdict_name((hr_verdict_kind)v));

        assert_non_null(strstr(html, badge));
        assert_non_null(strstr(html, css));
        hr_free(badge);
        hr_free(css);
    }
    /* Column headers: build over libenv */
    assert_non_null(strstr(html, "title=\"wrapv/shim, build 4444444444444444\""
                                 ">wrapv<br>shim</span>"));
    /* Machine facts, with the EDAC counters */
    assert_non_null(strstr(html, "EDAC: 2 memory controllers; 3 corrected"));
    assert_non_null(strstr(html, "<code>mc0</code> corrected 0 \u2192 3"));
    /* Evidence: suspect, UB report, grouped mismatches */
    assert_non_null(strstr(html, "<dt>Suspect</dt><dd>O2, wrapv (gcc -O2): O0, "
                                  "default and the golden agree"));
    assert_non_null(strstr(html, "<li><code>smtpd.c:120: runtime error: "
                                 "signed integer overflow"));
    assert_non_null(strstr(html, "<strong>O0/plain, O0/shim, default/plain, "
                                 "default/shim, O2/plain, O2/shim, "
                                 "wrapv/plain, wrapv/shim</strong> do not "
                                 "meet it:"));
    hr_free(html);
}

static void test_report_html_small(void **state)
{
    char *html = html_of(&small_fx);
    const char *p;

    (void)state;
    /* Header facts and the builds table */
    assert_non_null(strstr(html, "<!DOCTYPE html>"));
    assert_non_null(strstr(html, "pfharness report <span class=\"mono\">"
                                 "20261124T081933Z-small</span>"));
    assert_non_null(strstr(html, "<dt>EDAC</dt><dd>no EDAC</dd>"));
    assert_non_null(
        strstr(html, "<td data-label=\"Variant\"><span><strong>O2</strong>"
                     "</span></td>"));
    assert_non_null(strstr(html, "<code>fedcba9876543210</code>"));
    assert_non_null(strstr(html, "3.7.11 (commit 0f1e2d3c4b5a"));
    assert_non_null(strstr(html, "<dt>shim</dt><dd><code>LD_PRELOAD="
                                 "/opt/shim.so</code>"));
    /* Rows, ordered, with marks */
    assert_before(html, "id=\"case-flaky-hardware\"",
                  "id=\"case-odd-compiler\"");
    assert_before(html, "id=\"case-odd-compiler\"", "id=\"case-basic-pass\"");
    assert_non_null(strstr(html, "class=\"mcell m-flap\""));
    assert_non_null(strstr(html, "class=\"mcell m-ne\""));
    /* Everything escaped: odd bytes only as references and pictures */
    assert_null(strstr(html, "<odd>"));
    assert_null(strstr(html, "<tag>"));
    assert_null(strchr(html, '\x01'));
    assert_null(strstr(html, "\xff"));
    assert_non_null(strstr(html, "Odd bytes: &lt;tag&gt; &amp; &quot;q&quot; "
                                 "&#39;a&#39; \xe2\x90\x81 caf\xc3\xa9 "
                                 "bad\xef\xbf\xbd end"));
    /* The diff, side by side, the changed part marked */
    assert_non_null(strstr(html, "<table class=\"sbs\">"));
    assert_non_null(strstr(html, "<th colspan=\"2\">\u2212 O0/plain</th>"
                                 "<th colspan=\"2\">+ O2/plain</th>"));
    assert_non_null(strstr(html, "<tr><td class=\"ln\">3</td><td class=\"del\">"
                                 "&lt; 250 2.1.0 <mark>Ok</mark></td>"
                                 "<td class=\"ln\">3</td><td class=\"add\">"
                                 "&lt; 250 2.1.0 <mark>&lt;odd&gt; &amp; "
                                 "&quot;quoted&quot; &#39;single&#39; "
                                 "\xe2\x90\x81</mark></td></tr>"));
    /* No network: no scripts, no sources, links only to relative files */
    assert_null(strstr(html, "http://"));
    assert_null(strstr(html, "https://"));
    assert_null(strstr(html, "<script"));
    assert_null(strstr(html, " src="));
    assert_null(strstr(html, "url("));
    assert_null(strstr(html, "@import"));
    assert_non_null(strstr(html, "default-src 'none'"));
    for (p = html; (p = strstr(p, "href=\"")) != NULL; p++) {
        p += strlen("href=\"");
        assert_true(*p != '/');
        assert_true(strcspn(p, ":\"") == strcspn(p, "\""));
    }
    assert_non_null(
        strstr(html, "<a href=\"obs/O2/plain/odd-compiler/1.txt\">"));
    hr_free(html);
}

/* html_of_json - report.html of a report given as JSON text */
static char *html_of_json(const char *cases)
{
    char *text = hr_sprintf("{" S "," B ",\"cases\":[%s]}", cases);
    hr_report *r = NULL;
    char *html = NULL;

    assert_int_equal(hr_report_parse(&r, text, strlen(text), "r.json"), 0);
    assert_int_equal(hr_report_html(&html, r), 0);
    hr_report_free(r);
    hr_free(text);
    return html;
}

static void test_report_html_side_by_side(void **state)
{
    char *html = html_of_json(
        "{\"name\":\"a\",\"verdict\":\"compiler\",\"diff\":\"--- left\\n"
        "+++ right\\n@@ -3,4 +3,3 @@ ctx\\n same\\n-old one\\n-old two\\n"
        "+new one\\n\\n-caf\\u00e9\\n+caf\\u00e8\\n\\\\ No newline at end "
        "of file\\n\"},"
        "{\"name\":\"b\",\"verdict\":\"compiler\",\"diff\":\"Binary files "
        "differ\\n\"}");

    (void)state;
    assert_non_null(strstr(html, "<th colspan=\"2\">\u2212 left</th>"
                                 "<th colspan=\"2\">+ right</th>"));
    assert_non_null(strstr(html,
                           "<tr class=\"hunk\"><td colspan=\"4\">"
                           "@@ -3,4 +3,3 @@ ctx</td></tr>\n"
                           "<tr><td class=\"ln\">3</td><td>same</td>"
                           "<td class=\"ln\">3</td><td>same</td></tr>\n"
                           "<tr><td class=\"ln\">4</td><td class=\"del\">"
                           "<mark>old</mark> one</td><td class=\"ln\">"
                           "4</td><td class=\"add\"><mark>new</mark> "
                           "one</td></tr>\n"
                           "<tr><td class=\"ln\">5</td><td class=\"del\">"
                           "old two</td><td class=\"ln\"></td>"
                           "<td class=\"gap\"></td></tr>\n"
                           /* an empty line is empty context */
                           "<tr><td class=\"ln\">6</td><td></td>"
                           "<td class=\"ln\">5</td><td></td></tr>\n"
                           /* a character is never split */
                           "<tr><td class=\"ln\">7</td><td class=\"del\">"
                           "caf<mark>\xc3\xa9</mark></td><td class=\"ln\">"
                           "6</td><td class=\"add\">caf<mark>\xc3\xa8"
                           "</mark></td></tr>\n"
                           "<tr class=\"note\"><td colspan=\"4\">\\ No "
                           "newline at end of file</td></tr>\n"));
    /* Not a unified diff: shown as it is */
    assert_non_null(strstr(html, "<h4>Diff</h4>\n<pre>Binary files differ\n"
                                 "</pre>"));
    hr_free(html);
}

static void test_report_html_unsafe_links(void **state)
{
    char *html = html_of_json(
        "{\"name\":\"a\",\"verdict\":\"compiler\",\"pair\":{\"left\":\"x\","
        "\"right\":\"y\",\"left_obs\":\"javascript:alert(1)\",\"right_obs\":"
        "\"//evil.example/x\"},\"cells\":[{\"build\":\"O0\",\"libenv\":"
        "\"plain\",\"reps\":[{\"obs_file\":\"../../etc/passwd\"},"
        "{\"obs_file\":\"/abs/x\"},{\"obs_file\":\"ok/1.txt\"}]}]}");

    (void)state;
    assert_null(strstr(html, "href=\"javascript"));
    assert_null(strstr(html, "href=\"//"));
    assert_null(strstr(html, "href=\"/"));
    assert_null(strstr(html, "href=\"../"));
    assert_non_null(strstr(html, "<code>javascript:alert(1)</code>"));
    assert_non_null(strstr(html, "<a href=\"ok/1.txt\"><code>ok/1.txt</code>"));
    hr_free(html);
}

static void test_report_html_empty(void **state)
{
    char *html = html_of_json("");

    (void)state;
    assert_non_null(strstr(html, "The run had no cases."));
    assert_non_null(strstr(html, "</html>\n"));
    hr_free(html);
}

static void test_report_markup_escape(void **state)
{
    static const struct {
        const char *in;
        int flags;
        const char *out;
    } rows[] = {
        {"<a href='x'>&amp;\"</a>", 0,
         "&lt;a href=&#39;x&#39;&gt;&amp;amp;&quot;&lt;/a&gt;"},
        {"tab\tnl\ncr\r", 0, "tab\tnl\ncr&#13;"},
        {"tab\tnl\ncr\r", HR_MARKUP_ATTR, "tab&#9;nl&#10;cr&#13;"},
        {"\x01\x1b\x7f", 0, "\xe2\x90\x81\xe2\x90\x9b\xe2\x90\xa1"},
        {"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x90\xa7", 0,
         "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x90\xa7"},
        /* bad bytes, overlong, surrogate, truncated, C1, U+FFFE */
        {"\xff|\xc0\xaf|\xed\xa0\x80|\xe2\x82|\xc2\x85|\xef\xbf\xbe", 0,
         "\xef\xbf\xbd|\xef\xbf\xbd\xef\xbf\xbd|\xef\xbf\xbd\xef\xbf\xbd"
         "\xef\xbf\xbd|\xef\xbf\xbd\xef\xbf\xbd|\xef\xbf\xbd|\xef\xbf\xbd"},
    };

    (void)state;
    for (size_t i = 0; i < N(rows); i++) {
        hr_buf b = HR_BUF_INIT;

        hr_markup_puts(&b, rows[i].in, rows[i].flags);
        assert_string_equal(hr_buf_cstr(&b), rows[i].out);
        hr_buf_release(&b);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_report_json_golden),
        cmocka_unit_test(test_report_json_key_order),
        cmocka_unit_test(test_report_json_values),
        cmocka_unit_test(test_report_json_odd_strings),
        cmocka_unit_test(test_report_json_edac_and_skipped),
        cmocka_unit_test(test_report_write_json),
        cmocka_unit_test(test_report_write_once),
        cmocka_unit_test(test_report_read_back),
        cmocka_unit_test(test_report_escalation_round_trip),
        cmocka_unit_test(test_report_parse_errors),
        cmocka_unit_test(test_report_parse_minimal),
        cmocka_unit_test(test_report_ptests_round_trip),
        cmocka_unit_test(test_report_certificate),
        cmocka_unit_test(test_report_certificate_clean),
        cmocka_unit_test(test_report_ptests_parse_errors),
        cmocka_unit_test(test_report_load_missing),
        cmocka_unit_test(test_report_junit_golden),
        cmocka_unit_test(test_report_junit_escaping),
        cmocka_unit_test(test_report_html_matrix),
        cmocka_unit_test(test_report_html_small),
        cmocka_unit_test(test_report_html_side_by_side),
        cmocka_unit_test(test_report_html_unsafe_links),
        cmocka_unit_test(test_report_html_empty),
        cmocka_unit_test(test_report_markup_escape),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}

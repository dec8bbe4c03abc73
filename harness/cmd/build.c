/*
 * NAME
 *	cmd_build 1
 * SUMMARY
 *	build variants of a stored tree; list and remove builds
 * SYNOPSIS
 *	pfharness build --variant NAME... [--source REV] [--cc CC] [--jobs N]
 *	pfharness build --rm ID
 *	pfharness builds
 * DESCRIPTION
 *	"build" prints "<build-id> <stage-path>" per variant. Several
 *	variants are built side by side, as the main job builds them
 *	(phases(3): one make job server for all); a build that fails is
 *	named and the others go on (exit 2 at the end). See build(3).
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "build/build.h"
#include "cmd/cmd.h"
#include "run/phases.h"
#include "run/run.h"
#include "run/runner.h"
#include "util/mem.h"
#include "util/msg.h"

static const char usage[] =
    "usage: pfharness build --variant NAME... [--source REV] [--cc CC] [--jobs N]\n"
    "       pfharness build --rm ID\n"
    "\n"
    "Build Postfix from the source store with a variant from builds/ and\n"
    "print '<build-id> <stage-path>'. A build that is already cached\n"
    "returns at once. Several --variant options are built side by side\n"
    "with one make job server, as 'pfharness run' builds them.\n"
    "\n"
    "  --variant NAME  builds/NAME.build; NAME@LABEL builds a replica\n"
    "  --source REV    a tag or commit in var/sources.git (default: the\n"
    "                  tree that 'pfharness fetch' imported)\n"
    "  --cc CC         compiler or wrapper script instead of the spec's\n"
    "  --jobs N        make -jN (default: number of CPUs; one variant)\n"
    "  --no-ccache     do not use ccache even when installed\n"
    "  --rm ID         remove a cached build\n";

/* show_step - progress on a terminal */
static void show_step(const char *variant, const char *step, void *payload)
{
    (void)payload;
    if (isatty(2))
        fprintf(stderr, "\r\033[Kbuilding %s: %s", variant, step);
    else if (hr_verbose)
        hr_msg_info("building %s: %s", variant, step);
}

/* say_line - a progress line of the build phase */
static void say_line(const char *line, void *payload)
{
    (void)payload;
    if (isatty(2))
        fprintf(stderr, "\r\033[K%s", line);
    else
        hr_msg_info("%s", line);
}

/* build_many - several variants side by side, as the main job builds
 * them; a build that fails is reported and the others go on */
static int build_many(const hr_strv *variants, const hr_build_opts *bo)
{
    hr_runner_opts ro;
    hr_run *run = hr_calloc(1, sizeof(*run));
    int code = HR_EXIT_OK;

    memset(&ro, 0, sizeof(ro));
    ro.source = bo->source;
    ro.cc = bo->cc;
    ro.no_ccache = bo->use_ccache == 0;
    ro.progress = say_line;
    run->nbuilds = variants->n;
    run->builds = hr_calloc(variants->n, sizeof(hr_build *));
    run->build_cached = hr_calloc(variants->n, sizeof(int));
    if (hr_phase_build(run, &ro, (const char **)variants->v, variants->n,
                       0) < 0) {
        if (isatty(2))
            fputs("\r\033[K", stderr);
        hr_run_free(run);
        return hr_cmd_fail();
    }
    if (isatty(2))
        fputs("\r\033[K", stderr);
    for (size_t i = 0; i < variants->n; i++) {
        const hr_build *b = run->builds[i];

        if (b == NULL)
            continue;
        if (hr_verbose || !b->cached)
            hr_msg_info("%s build %s of postfix-%s with %s%s",
                        b->cached ? "cached" : "new", b->variant,
                        b->source_version, b->cc_version,
                        b->ccache ? " (ccache)" : "");
        printf("%s %s\n", b->id, b->stage);
    }
    for (size_t i = 0; i < run->failed_variants.n; i++) {
        hr_msg_error("build of %s failed: %s", run->failed_variants.v[i],
                     run->failed_errors.v[i]);
        code = HR_EXIT_TROUBLE;
    }
    hr_run_free(run);
    return code;
}

int cmd_build(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"variant", required_argument, NULL, 'V'},
        {"source", required_argument, NULL, 's'},
        {"cc", required_argument, NULL, 'c'},
        {"jobs", required_argument, NULL, 'j'},
        {"rm", required_argument, NULL, 'r'},
        {"no-ccache", no_argument, NULL, 'n'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    hr_build_opts o = HR_BUILD_OPTS_INIT;
    hr_strv variants = HR_STRV_INIT;
    const char *rm = NULL;
    hr_build *b = NULL;
    int ch, error;

    while ((ch = getopt_long(argc, argv, "hj:", longopts, NULL)) != -1) {
        switch (ch) {
        case 'V':
            o.variant = optarg;
            hr_strv_add(&variants, optarg);
            break;
        case 's':
            o.source = optarg;
            break;
        case 'c':
            o.cc = optarg;
            break;
        case 'j':
            if (hr_cmd_parse_int(&o.jobs, "--jobs", optarg, 1, 1024) < 0)
                return hr_cmd_usage(usage);
            break;
        case 'n':
            o.use_ccache = 0;
            break;
        case 'r':
            rm = optarg;
            break;
        case 'h':
            return hr_cmd_help(usage);
        default:
            return hr_cmd_usage(usage);
        }
    }
    if (optind < argc || (rm == NULL) == (o.variant == NULL)) {
        hr_msg_error("build: give --variant NAME or --rm ID");
        return hr_cmd_usage(usage);
    }
    if (rm) {
        if (hr_build_remove(rm) < 0)
            return hr_cmd_fail();
        hr_msg_info("removed build %s", rm);
        return HR_EXIT_OK;
    }
    if (hr_cmd_need_root("build") < 0) {
        hr_strv_release(&variants);
        return HR_EXIT_TROUBLE;
    }
    if (variants.n > 1) {
        error = build_many(&variants, &o);
        hr_strv_release(&variants);
        return error;
    }
    hr_strv_release(&variants);
    o.progress = show_step;
    error = hr_build_run(&b, &o);
    if (isatty(2))
        fputs("\r\033[K", stderr);
    if (error < 0)
        return hr_cmd_fail();
    if (hr_verbose || !b->cached)
        hr_msg_info("%s build %s of postfix-%s with %s%s", b->cached ? "cached"
                    : "new", b->variant, b->source_version, b->cc_version,
                    b->ccache ? " (ccache)" : "");
    printf("%s %s\n", b->id, b->stage);
    hr_build_free(b);
    return HR_EXIT_OK;
}

/* age - "42s", "5m", "3h", "2d" */
static void age(char *buf, size_t len, long long created)
{
    long long d = (long long)time(NULL) - created;

    if (d < 0)
        d = 0;
    if (d < 120)
        snprintf(buf, len, "%llds", d);
    else if (d < 7200)
        snprintf(buf, len, "%lldm", d / 60);
    else if (d < 172800)
        snprintf(buf, len, "%lldh", d / 3600);
    else
        snprintf(buf, len, "%lldd", d / 86400);
}

static const char builds_usage[] =
    "usage: pfharness builds\n"
    "\n"
    "List cached builds: id, variant, compiler, source version, age.\n";

int cmd_builds(int argc, char **argv)
{
    hr_strv ids = HR_STRV_INIT;
    int ch;

    while ((ch = getopt(argc, argv, "h")) != -1) {
        if (ch == 'h')
            return hr_cmd_help(builds_usage);
        return hr_cmd_usage(builds_usage);
    }
    if (optind < argc)
        return hr_cmd_usage(builds_usage);
    if (hr_build_list(&ids) < 0)
        return hr_cmd_fail();
    for (size_t i = 0; i < ids.n; i++) {
        hr_build *b;
        char when[32];

        if (hr_build_load(&b, ids.v[i]) < 0) {
            hr_msg_warn("%s", hr_error_last());
            continue;
        }
        age(when, sizeof(when), b->created);
        printf("%s  %-12s %-28.28s %-10s %s\n", b->id, b->variant,
               b->cc_version, b->source_version, when);
        hr_build_free(b);
    }
    hr_strv_release(&ids);
    return HR_EXIT_OK;
}

/*
 * NAME
 *	cmd_merge 1
 * SUMMARY
 *	join the shards of a run and judge them as one run
 * SYNOPSIS
 *	pfharness merge --out DIR RUN_DIR...
 * DESCRIPTION
 *	Each RUN_DIR is a run directory of "pfharness run --shard K/N",
 *	every K from 1 to N once (a CI job per shard, their artifacts side
 *	by side). merge(3) joins their observations in DIR and judges
 *	every case from all of them, as an unsharded run would; DIR gets
 *	report.json (with "shards": each shard's machine, builds and case
 *	runs), report.html, junit.xml, the observations and the cases, and
 *	the verdict table goes to stdout.
 *
 *	Exit status: 0 every case passes, 1 findings, 2 trouble: shards that
 *	do not belong together, or a report that does not read.
 */
#include <getopt.h>
#include <stdio.h>

#include "cmd/cmd.h"
#include "report/merge.h"
#include "run/runner.h"
#include "util/mem.h"
#include "util/msg.h"

static const char usage[] =
    "usage: pfharness merge --out DIR RUN_DIR...\n"
    "\n"
    "Join the run directories of 'pfharness run --shard K/N' (every K from\n"
    "1 to N once) into one run in DIR, judged from all their observations:\n"
    "report.json, report.html, junit.xml and the verdict table, as one run\n"
    "on one machine would give them, with each shard's machine kept.\n"
    "\n"
    "Exit status: 0 all pass, 1 findings, 2 trouble.\n";

int cmd_merge(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"out", required_argument, NULL, 'o'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *out_dir = NULL;
    hr_run *run = NULL;
    hr_userconf *user = NULL;
    char *where = NULL;
    int ch, code;

    while ((ch = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        switch (ch) {
        case 'o':
            out_dir = optarg;
            break;
        case 'h':
            return hr_cmd_help(usage);
        default:
            return hr_cmd_usage(usage);
        }
    }
    if (out_dir == NULL || optind >= argc) {
        hr_msg_error("merge: give --out DIR and the shards' run directories");
        return hr_cmd_usage(usage);
    }
    if (hr_merge_run(&run, &user, (const char *const *)argv + optind,
                     (size_t)(argc - optind), out_dir) < 0 ||
        hr_cmd_write_reports(run, NULL, NULL, NULL, &where) < 0) {
        code = hr_cmd_fail();
    } else {
        hr_cmd_print_table(run);
        printf("merged %zu shards, %zu case runs: %s\n", run->nshards,
               run->case_runs, where);
        code = run->exit_code;
    }
    hr_free(where);
    hr_run_free(run);
    hr_userconf_free(user);
    return hr_cmd_flush(code);
}

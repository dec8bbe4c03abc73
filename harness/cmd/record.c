/*
 * NAME
 *	cmd_record 1
 * SUMMARY
 *	store each case's whole observation as its golden
 * SYNOPSIS
 *	pfharness record [--source REV] [--variants A,B,...] [--cc CC]
 *		[--reps N] [--out DIR] [CASE...]
 * DESCRIPTION
 *	Exim's -UPDATE for pfharness. Runs the cases (default: the cases
 *	directory) on the builds (default O0, default and O2), --reps times
 *	each (default 3), as run(1) does, and for each case whose every
 *	build and repetition gave the same normalized observation, writes
 *	that observation (transcript or probe output, DSN records,
 *	delivered messages, what the sink received and the log findings;
 *	not sanitizer findings) to NAME.golden beside NAME.case, atomically.
 *	run(1) then compares every observation with it: a case whose cells
 *	all agree and differ from their golden anywhere is a real bug.
 *
 *	A case whose builds or repetitions disagree is not recorded: its
 *	golden, if it has one, stays as it was.
 *
 *	Exit status: 0 every case recorded, 1 some not (the builds
 *	disagree), 2 trouble.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cmd/cmd.h"
#include "cmd/progress.h"
#include "util/fsutil.h"
#include "util/mem.h"
#include "util/msg.h"
#include "run/runner.h"

static const char usage[] =
    "usage: pfharness record [--source REV] [--variants A,B,...] [--cc CC]\n"
    "                        [--compilers CC,CC,...]\n"
    "                        [--reps N] [--out DIR] [CASE...]\n"
    "\n"
    "Run the cases on every build and store, for each case whose builds\n"
    "and repetitions all agree, the whole normalized observation as\n"
    "NAME.golden beside NAME.case. run compares against it.\n"
    "\n"
    "  --source REV       stored revision (default: what 'fetch' imported)\n"
    "  --variants LIST    builds/NAME.build names (default O0,default,O2)\n"
    "  --cc CC            compiler or wrapper for every variant that names\n"
    "                     none\n"
    "  --compilers LIST   every such variant once per compiler\n"
    "  --reps N           runs of each case per build (default 3)\n"
    "  --out DIR          run directory (default: var/runs/<id>)\n"
    "\n"
    "Exit status: 0 all recorded, 1 some builds disagree, 2 trouble.\n";

/* agreed - the one behaviour every rep of every cell of the case gave,
 * or NULL */
static const char *agreed(const hr_run *run, const hr_run_case *rc)
{
    const char *one = NULL;

    for (size_t k = 0; k < run->nbuilds * run->nlibenvs; k++) {
        const hr_run_cell *cell = &rc->cells[k];

        if (cell->skipped)
            continue;
        for (int r = 0; r < run->reps; r++) {
            const char *b = hr_obs_behaviour(cell->reps[r].model);

            if (one == NULL)
                one = b;
            else if (strcmp(one, b) != 0)
                return NULL;
        }
    }
    return one;
}

/* cmd_record - run, then write the goldens */
int cmd_record(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"source", required_argument, NULL, 's'},
        {"variants", required_argument, NULL, 'V'},
        {"cc", required_argument, NULL, 'c'},
        {"compilers", required_argument, NULL, 'P'},
        {"reps", required_argument, NULL, 'r'},
        {"out", required_argument, NULL, 'o'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    hr_runner_opts o;
    hr_run *run = NULL;
    hr_cmd_progress *prog;
    int ch, status, code = HR_EXIT_OK;
    size_t recorded = 0;

    memset(&o, 0, sizeof(o));
    while ((ch = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        int taken = hr_cmd_build_option(&o, ch, optarg);

        if (taken < 0)
            return hr_cmd_usage(usage);
        if (taken)
            continue;
        switch (ch) {
        case 'o':
            o.out_dir = optarg;
            break;
        case 'h':
            return hr_cmd_help(usage);
        default:
            return hr_cmd_usage(usage);
        }
    }
    for (int i = optind; i < argc; i++)
        hr_strv_add(&o.case_args, argv[i]);
    if (o.cc && o.compilers.n) {
        hr_msg_error("record: --cc and --compilers do not go together: "
                     "--compilers gives each variant its compilers");
        return hr_cmd_usage(usage);
    }
    if (hr_cmd_need_root("record") < 0)
        return HR_EXIT_TROUBLE;
    o.command = "pfharness record";
    prog = hr_cmd_progress_start();
    o.progress = hr_cmd_progress_line;
    o.payload = prog;
    status = hr_runner_run(&run, &o);
    hr_cmd_progress_stop(prog);
    if (status < 0) {
        hr_msg_error("%s", hr_error_last());
        code = HR_EXIT_TROUBLE;
        goto done;
    }
    for (size_t i = 0; i < run->ncases; i++) {
        const hr_run_case *rc = &run->cases[i];
        const char *text = agreed(run, rc);

        if (rc->c->golden_path == NULL) {
            printf("not recorded %s: '%s' is not NAME.case\n", rc->c->name,
                   rc->c->path);
            code = HR_EXIT_FINDINGS;
        } else if (text == NULL) {
            printf("not recorded %s: the builds or repetitions disagree "
                   "(%s)\n", rc->c->name, hr_verdict_name(rc->verdict->kind));
            code = HR_EXIT_FINDINGS;
        } else if (rc->c->golden && strcmp(rc->c->golden, text) == 0) {
            printf("unchanged %s: %s\n", rc->c->name, rc->c->golden_path);
            recorded++;
        } else if (hr_file_write_atomic(rc->c->golden_path, text,
                                        strlen(text), 0644) < 0) {
            hr_msg_error("%s", hr_error_last());
            code = HR_EXIT_TROUBLE;
            break;
        } else {
            printf("recorded %s: %s\n", rc->c->name, rc->c->golden_path);
            recorded++;
        }
    }
    for (size_t i = 0; i < run->failed_variants.n; i++) {
        printf("build %s failed: %s\n", run->failed_variants.v[i],
               run->failed_errors.v[i]);
        if (code == HR_EXIT_OK)
            code = HR_EXIT_FINDINGS;
    }
    printf("%zu of %zu cases recorded on %zu builds x %d reps\n", recorded,
           run->ncases, run->nbuilds, run->reps);
done:
    hr_run_free(run);
    hr_strv_release(&o.variants);
    hr_strv_release(&o.compilers);
    hr_strv_release(&o.case_args);
    return hr_cmd_flush(code);
}

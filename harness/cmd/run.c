/*
 * NAME
 *	cmd_run 1
 * SUMMARY
 *	the main job: build, replay, compare, judge, report
 * SYNOPSIS
 *	pfharness run [--source REV] [--variants A,B,...] [--cc CC]
 *		[--compilers CC,CC,...] [--reps N]
 *		[--libenv NAME[:VAR=VAL,...]]... [--cases CASE...] [--out DIR]
 *		[--json F] [--junit F] [--html F] [--jobs N] [--ub-check]
 *		[--escalate] [--no-ccache] [--no-batch] [--confirm N]
 *		[--config MAIN_CF [--master MASTER_CF]] [--shard K/N]
 *		[--postfix-tests] [--reduce]
 * DESCRIPTION
 *	Runs runner(3), writes report.json, junit.xml and report.html into
 *	the run directory (and to --json, --junit, --html when given), and
 *	prints the verdict table, which fits 80 columns. Progress goes to
 *	stderr (cmd/progress): one line kept up to date on a terminal;
 *	elsewhere a line per finished build and one at least every 15 s
 *	while replaying.
 *
 *	A build that fails, an instance that does not start, a daemon
 *	that crashes: each is a finding in the report, and the run goes on.
 *
 *	With --config, every instance runs the user's main.cf (and
 *	--master's services) over its base, as userconf(3) judges them;
 *	what it refuses is "file:line: why" and exit 2, before anything is
 *	built. The shipped goldens and the cases' expected replies do not
 *	apply then, and the report says so: the verdicts compare builds,
 *	library environments and repetitions.
 *
 *	With --postfix-tests, Postfix's own tests run one by one in a copy
 *	of each build's tree (ptests(3)), each judged like a case across
 *	the builds; those that need DNS, root or the host's Postfix are
 *	skipped with their reasons (cases/postfix-tests.skip).
 *
 *	With --reduce, each smtp case whose builds diverge (compiler,
 *	undefined-behavior) is reduced between its representative pair's
 *	builds (reduce(3)); the small case goes to OUT/reduced/ and into
 *	the evidence.
 *
 *	Exit status: 0 every case passes, 1 findings (a failed build
 *	counts), 2 trouble: bad input, or no build at all.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd/cmd.h"
#include "cmd/progress.h"
#include "util/fsutil.h"
#include "instance/libenv.h"
#include "util/mem.h"
#include "util/msg.h"
#include "report/report.h"
#include "report/html.h"
#include "report/json.h"
#include "report/junit.h"
#include "run/runner.h"

static const char usage[] =
    "usage: pfharness run [--source REV] [--variants A,B,...] [--cc CC]\n"
    "                     [--compilers CC,CC,...] [--reps N]\n"
    "                     [--libenv NAME[:VAR=VAL,...]]...\n"
    "                     [--cases CASE...] [--out DIR] [--json F]\n"
    "                     [--junit F] [--html F] [--jobs N] [--ub-check]\n"
    "                     [--escalate] [--no-ccache] [--no-batch]\n"
    "                     [--confirm N]\n"
    "                     [--config MAIN_CF [--master MASTER_CF]]\n"
    "                     [--shard K/N] [--postfix-tests] [--reduce]\n"
    "\n"
    "Build the variants, replay every case on every build under every\n"
    "library environment, compare, and give each case a verdict: pass,\n"
    "real-bug, compiler, undefined-behavior, library or hardware.\n"
    "\n"
    "  --source REV       stored revision (default: what 'fetch' imported)\n"
    "  --variants LIST    builds/NAME.build names (default O0,default,O2);\n"
    "                     NAME@LABEL is a replica in its own directory\n"
    "  --cc CC            compiler or wrapper for every variant that names\n"
    "                     none (a spec's own cc is kept)\n"
    "  --compilers LIST   a matrix: every variant that names no compiler,\n"
    "                     once per compiler (gcc-12,clang-15: builds\n"
    "                     'O2 gcc-12' and 'O2 clang-15'); make deps\n"
    "                     COMPILERS=\"...\" installs Debian's\n"
    "  --reps N           runs of each case per build and libenv (default 3)\n"
    "  --libenv SPEC      a library environment besides the plain one, such\n"
    "                     as shim:LD_PRELOAD=/path/shim.so (repeatable)\n"
    "  --cases CASE...    case files or directories (default: cases/); the\n"
    "                     arguments after --cases up to the next option\n"
    "  --out DIR          run directory (default: var/runs/<id>)\n"
    "  --json F, --junit F, --html F\n"
    "                     also write the reports to these files\n"
    "  --jobs N           instances at once (default: 4 per CPU)\n"
    "  --ub-check         on a divergence, add the ubsan and wrapv builds\n"
    "  --escalate         on a divergence, rerun both sides with\n"
    "                     debug_peer_list, -v, strace and gdb (DEBUG_README's\n"
    "                     ladder) and show where their logs first differ\n"
    "  --confirm N        rerun a flapping cell N times on each CPU, with a\n"
    "                     control, before it is called hardware (default\n"
    "                     10; 0: no reruns)\n"
    "  --no-ccache        compile every build afresh (replicas, NAME@LABEL,\n"
    "                     always are: a cache hit would be the same bytes)\n"
    "  --no-batch         run every case one by one; by default the smtp\n"
    "                     cases without sink rules go in batches: sessions\n"
    "                     back to back, one settle, the mail and log divided\n"
    "                     by queue ID (one by one when they cannot be)\n"
    "  --config MAIN_CF   your own main.cf (or postconf -n output) over the\n"
    "                     instance's base; tables it names come from files\n"
    "                     beside it; what runs commands or reaches outside\n"
    "                     is refused (file:line, exit 2); the goldens and\n"
    "                     the cases' replies then do not apply\n"
    "  --master MASTER_CF services of your master.cf (Postfix's daemons,\n"
    "                     -o settings judged as main.cf's); with --config\n"
    "  --shard K/N        only the K-th of N shares of the (build, case)\n"
    "                     pairs, for CI runners side by side; 'pfharness\n"
    "                     merge' judges the shards together (a shard's own\n"
    "                     verdicts are partial, and it exits 0 on findings)\n"
    "  --reduce           reduce each smtp case whose builds diverge to a\n"
    "                     small one that diverges the same way (reduce)\n"
    "  --postfix-tests    also run Postfix's own tests (make tests), one by\n"
    "                     one, as nobody and without a network, in a copy\n"
    "                     of each build's tree; a test whose result depends\n"
    "                     on the build is judged like a case\n"
    "\n"
    "A failed build, an instance that does not start and a crashing daemon\n"
    "are findings: the run goes on and the report says so.\n"
    "Exit status: 0 all pass, 1 findings, 2 trouble (bad input, no build).\n";

/* parse_shard - "K/N", 1 <= K <= N <= 1000 */
static int parse_shard(int *k, int *n, const char *arg)
{
    char kbuf[8], nbuf[8], extra;

    if (sscanf(arg, "%7[0-9]/%7[0-9]%c", kbuf, nbuf, &extra) != 2 ||
        (*k = atoi(kbuf)) < 1 || (*n = atoi(nbuf)) < 1 || *n > 1000 ||
        *k > *n) {
        hr_msg_error("--shard: '%s' is not K/N with 1 <= K <= N <= 1000",
                     arg);
        return -1;
    }
    return 0;
}

int cmd_run(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"source", required_argument, NULL, 's'},
        {"variants", required_argument, NULL, 'V'},
        {"cc", required_argument, NULL, 'c'},
        {"compilers", required_argument, NULL, 'P'},
        {"reps", required_argument, NULL, 'r'},
        {"libenv", required_argument, NULL, 'l'},
        {"cases", required_argument, NULL, 'C'},
        {"out", required_argument, NULL, 'o'},
        {"json", required_argument, NULL, 'J'},
        {"junit", required_argument, NULL, 'U'},
        {"html", required_argument, NULL, 'H'},
        {"jobs", required_argument, NULL, 'j'},
        {"ub-check", no_argument, NULL, 'u'},
        {"escalate", no_argument, NULL, 'E'},
        {"no-ccache", no_argument, NULL, 'N'},
        {"no-batch", no_argument, NULL, 'B'},
        {"confirm", required_argument, NULL, 'F'},
        {"config", required_argument, NULL, 'K'},
        {"shard", required_argument, NULL, 'S'},
        {"master", required_argument, NULL, 'M'},
        {"postfix-tests", no_argument, NULL, 'T'},
        {"reduce", no_argument, NULL, 'R'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    hr_runner_opts o;
    hr_libenv *envs = NULL;
    size_t nenvs = 0;
    const char *json = NULL, *junit = NULL, *html = NULL;
    hr_run *run = NULL;
    hr_strv cmdline = HR_STRV_INIT;
    hr_userconf *user = NULL;
    hr_cmd_progress *prog;
    const char *config = NULL, *master = NULL;
    char *path = NULL;
    int ch, code;

    memset(&o, 0, sizeof(o));
    o.confirm = 10;
    for (int i = 0; i < argc; i++)
        hr_strv_add(&cmdline, i == 0 ? "pfharness run" : argv[i]);
    while ((ch = getopt_long(argc, argv, "hj:", longopts, NULL)) != -1) {
        int taken = hr_cmd_build_option(&o, ch, optarg);

        if (taken < 0)
            return hr_cmd_usage(usage);
        if (taken)
            continue;
        switch (ch) {
        case 'l':
            envs = hr_realloc(envs, (nenvs + 1) * sizeof(*envs));
            if (hr_libenv_parse(&envs[nenvs], optarg) < 0)
                return hr_cmd_fail();
            nenvs++;
            break;
        case 'C':
            /* --cases takes every argument up to the next option. */
            hr_strv_add(&o.case_args, optarg);
            while (optind < argc && argv[optind][0] != '-')
                hr_strv_add(&o.case_args, argv[optind++]);
            break;
        case 'o':
            o.out_dir = optarg;
            break;
        case 'J':
            json = optarg;
            break;
        case 'U':
            junit = optarg;
            break;
        case 'H':
            html = optarg;
            break;
        case 'j':
            if (hr_cmd_parse_int(&o.jobs, "--jobs", optarg, 1, 64) < 0)
                return hr_cmd_usage(usage);
            break;
        case 'u':
            o.ub_check = 1;
            break;
        case 'E':
            o.escalate = 1;
            break;
        case 'N':
            o.no_ccache = 1;
            break;
        case 'B':
            o.no_batch = 1;
            break;
        case 'F':
            if (hr_cmd_parse_int(&o.confirm, "--confirm", optarg, 0, 1000) <
                0)
                return hr_cmd_usage(usage);
            break;
        case 'K':
            config = optarg;
            break;
        case 'S':
            if (parse_shard(&o.shard_k, &o.shard_n, optarg) < 0)
                return hr_cmd_usage(usage);
            break;
        case 'M':
            master = optarg;
            break;
        case 'T':
            o.postfix_tests = 1;
            break;
        case 'R':
            o.reduce = 1;
            break;
        case 'h':
            return hr_cmd_help(usage);
        default:
            return hr_cmd_usage(usage);
        }
    }
    if (optind < argc) {
        hr_msg_error("run: unexpected argument '%s' (cases go after --cases)",
                     argv[optind]);
        return hr_cmd_usage(usage);
    }
    if (master && !config) {
        hr_msg_error("run: --master needs --config");
        return hr_cmd_usage(usage);
    }
    if (o.cc && o.compilers.n) {
        hr_msg_error("run: --cc and --compilers do not go together: "
                     "--compilers gives each variant its compilers");
        return hr_cmd_usage(usage);
    }
    if (hr_cmd_need_root("run") < 0)
        return HR_EXIT_TROUBLE;
    if (config && hr_userconf_load(&user, config, master) < 0)
        return hr_cmd_fail();
    o.user = user;
    o.libenvs = envs;
    o.nlibenvs = nenvs;
    o.command = path = hr_strv_join(&cmdline, " ");
    prog = hr_cmd_progress_start();
    o.progress = hr_cmd_progress_line;
    o.payload = prog;
    code = hr_runner_run(&run, &o) < 0 ? HR_EXIT_TROUBLE : HR_EXIT_OK;
    hr_cmd_progress_stop(prog);
    if (code == HR_EXIT_TROUBLE) {
        hr_msg_error("%s", hr_error_last());
    } else {
        char *where = NULL;

        if (hr_cmd_write_reports(run, json, junit, html, &where) < 0) {
            code = hr_cmd_fail();
        } else {
            hr_cmd_print_table(run);
            printf("report: %s\n", where);
            code = run->exit_code;
        }
        hr_free(where);
    }
    hr_run_free(run);
    hr_userconf_free(user);
    for (size_t i = 0; i < nenvs; i++)
        hr_libenv_release(&envs[i]);
    hr_free(envs);
    hr_free(path);
    hr_strv_release(&o.variants);
    hr_strv_release(&o.compilers);
    hr_strv_release(&o.case_args);
    hr_strv_release(&cmdline);
    return code;
}

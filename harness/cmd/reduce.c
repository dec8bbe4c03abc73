/*
 * NAME
 *	cmd_reduce 1
 * SUMMARY
 *	reduce a diverging smtp case, and a configuration, to its essence
 * SYNOPSIS
 *	pfharness reduce CASE --good V --bad V --out FILE [--source REV]
 *		[--cc CC] [--libenv NAME[:VAR=VAL,...]]
 *		[--config MAIN_CF [--master MASTER_CF]] [--max-trials N]
 *		[--max-seconds S] [--plain] [--keep]
 * DESCRIPTION
 *	Reduces CASE while the builds V (good) and V (bad) diverge the
 *	same way (reduce(3)): hierarchical delta debugging over
 *	transactions, commands, recipients, MIME parts, header fields and
 *	body lines, then shorter arguments, one-line bodies and fewer
 *	config lines. With --config, the user's settings are reduced too,
 *	and the smallest main.cf that still reproduces is written beside
 *	FILE (FILE without .case, plus .main.cf).
 *
 *	FILE gets the reduced case, atomically: it parses, keeps SMTP's
 *	order, has the good build's replies and a header comment that
 *	says where it came from. Progress goes to stderr; the sizes, the
 *	trials and the time to stdout. --plain runs plain ddmin over the
 *	case's lines instead, for comparison. --max-trials (default 2000)
 *	and --max-seconds (default 1800) stop the search; the best case so
 *	far is written. --keep keeps the instances' directories.
 *
 *	Exit status: 0 the case was reduced (also when the budget stopped
 *	the search), 2 trouble: bad input, no divergence to keep, a build
 *	or instance failure.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/cmd.h"
#include "cmd/progress.h"
#include "case/case.h"
#include "narrow/reduce.h"
#include "util/clock.h"
#include "util/fsutil.h"
#include "util/mem.h"
#include "util/msg.h"
#include "util/paths.h"

static const char usage[] =
    "usage: pfharness reduce CASE --good V --bad V --out FILE [--source REV]\n"
    "                        [--cc CC] [--libenv NAME[:VAR=VAL,...]]\n"
    "                        [--config MAIN_CF [--master MASTER_CF]]\n"
    "                        [--max-trials N] [--max-seconds S] [--plain]\n"
    "                        [--keep]\n"
    "\n"
    "Reduce a diverging smtp case while the good and the bad build keep\n"
    "diverging the same way: transactions, commands, recipients, MIME\n"
    "parts, header fields and body lines, then shorter arguments, one-line\n"
    "bodies, fewer config lines; with --config, the user's settings too.\n"
    "\n"
    "  --good V, --bad V   builds: a variant, or \"VARIANT CC\"\n"
    "  --out FILE          the reduced case (and FILE.main.cf with --config)\n"
    "  --max-trials N      stop after N candidates run (default 2000)\n"
    "  --max-seconds S     stop after S seconds (default 1800)\n"
    "  --plain             plain ddmin over the case's lines, for comparison\n"
    "  --keep              keep the instances' directories\n"
    "\n"
    "Exit status: 0 reduced, 2 trouble (bad input, no divergence).\n";

/* config_out - FILE.main.cf for FILE.case */
static char *config_out(const char *out)
{
    size_t n = strlen(out);

    if (n > 5 && strcmp(out + n - 5, ".case") == 0)
        return hr_sprintf("%.*s.main.cf", (int)(n - 5), out);
    return hr_sprintf("%s.main.cf", out);
}

int cmd_reduce(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"good", required_argument, NULL, 'g'},
        {"bad", required_argument, NULL, 'b'},
        {"out", required_argument, NULL, 'o'},
        {"source", required_argument, NULL, 's'},
        {"cc", required_argument, NULL, 'c'},
        {"libenv", required_argument, NULL, 'l'},
        {"config", required_argument, NULL, 'K'},
        {"master", required_argument, NULL, 'M'},
        {"max-trials", required_argument, NULL, 'T'},
        {"max-seconds", required_argument, NULL, 'S'},
        {"plain", no_argument, NULL, 'p'},
        {"keep", no_argument, NULL, 'k'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    hr_reduce_opts o;
    hr_reduce_result res;
    hr_libenv env;
    hr_cmd_progress *prog = NULL;
    hr_case *check = NULL;
    const char *out = NULL;
    char *id = NULL, *work = NULL, *cfg = NULL;
    int ch, keep = 0, secs = 0, code = HR_EXIT_OK, has_env = 0;

    memset(&o, 0, sizeof(o));
    memset(&res, 0, sizeof(res));
    memset(&env, 0, sizeof(env));
    optind = 0;
    while ((ch = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        switch (ch) {
        case 'g': o.good = optarg; break;
        case 'b': o.bad = optarg; break;
        case 'o': out = optarg; break;
        case 's': o.source = optarg; break;
        case 'c': o.cc = optarg; break;
        case 'l':
            if (has_env) {
                hr_msg_error("reduce: one --libenv");
                return hr_cmd_usage(usage);
            }
            if (hr_libenv_parse(&env, optarg) < 0)
                return hr_cmd_fail();
            has_env = 1;
            o.libenv = &env;
            break;
        case 'K': o.config = optarg; break;
        case 'M': o.master = optarg; break;
        case 'T':
            if (hr_cmd_parse_int(&o.max_trials, "--max-trials", optarg, 1,
                                 1000000) < 0)
                return hr_cmd_usage(usage);
            break;
        case 'S':
            if (hr_cmd_parse_int(&secs, "--max-seconds", optarg, 1,
                                 10000000) < 0)
                return hr_cmd_usage(usage);
            o.max_seconds = secs;
            break;
        case 'p': o.plain = 1; break;
        case 'k': keep = 1; break;
        case 'h': return hr_cmd_help(usage);
        default: return hr_cmd_usage(usage);
        }
    }
    if (argc - optind != 1 || !o.good || !o.bad || !out) {
        hr_msg_error("reduce: CASE, --good, --bad and --out are needed");
        return hr_cmd_usage(usage);
    }
    if (o.master && !o.config) {
        hr_msg_error("reduce: --master needs --config");
        return hr_cmd_usage(usage);
    }
    if (hr_cmd_need_root("reduce") < 0)
        return HR_EXIT_TROUBLE;
    o.case_path = argv[optind];
    id = hr_clock_id();
    work = hr_sprintf("%s/reduce-%s", hr_runs_root(), id);
    o.work_dir = work;
    prog = hr_cmd_progress_start();
    o.progress = hr_cmd_progress_line;
    o.payload = prog;
    if (hr_reduce_run(&res, &o) < 0) {
        hr_cmd_progress_stop(prog);
        prog = NULL;
        code = hr_cmd_fail();
        goto done;
    }
    hr_cmd_progress_stop(prog);
    prog = NULL;
    /* What is written parses: a reducer's promise. */
    if (hr_case_parse(&check, out, res.case_text, strlen(res.case_text)) <
        0) {
        hr_msg_error("reduce: the reduced case does not parse: %s",
                     hr_error_last());
        code = HR_EXIT_TROUBLE;
        goto done;
    }
    if (hr_file_write_atomic(out, res.case_text, strlen(res.case_text),
                             0644) < 0) {
        code = hr_cmd_fail();
        goto done;
    }
    printf("reduced: %s\n", out);
    if (res.config_text) {
        cfg = config_out(out);
        if (hr_file_write_atomic(cfg, res.config_text,
                                 strlen(res.config_text), 0644) < 0) {
            code = hr_cmd_fail();
            goto done;
        }
        printf("reduced main.cf: %s\n", cfg);
    }
    printf("client lines: %zu -> %zu\n", res.lines_before, res.lines_after);
    printf("config lines: %zu -> %zu\n", res.config_before,
           res.config_after);
    if (o.config)
        printf("settings: %zu -> %zu (%zu equal to postconf -d)\n",
               res.settings_before, res.settings_after, res.defaults_dropped);
    printf("trials: %zu run, %zu from the cache, %zu refused before running "
           "(they broke SMTP's order or did not parse), %zu flaky\n",
           res.trials, res.cached, res.invalid, res.flaky);
    printf("time: %.1f s%s\n", res.seconds,
           res.budget_hit ? " (stopped by --max-trials or --max-seconds; "
                            "the best case so far)"
                          : "");
    printf("divergence kept: %.*s\n",
           (int)strcspn(res.signature ? res.signature : "", "\n"),
           res.signature ? res.signature : "");
done:
    hr_cmd_progress_stop(prog);
    if (!keep && work)
        hr_rm_rf(work);
    hr_case_free(check);
    hr_reduce_result_release(&res);
    if (has_env)
        hr_libenv_release(&env);
    hr_free(cfg);
    hr_free(work);
    hr_free(id);
    return hr_cmd_flush(code);
}

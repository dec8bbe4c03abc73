/*
 * NAME
 *	pfharness 1
 * SUMMARY
 *	Postfix reproducibility and build-verification harness
 * SYNOPSIS
 *	pfharness [-v] [--var DIR] verb [options] [args]
 * DESCRIPTION
 *	main() parses the global options, looks up the verb, initializes
 *	libraries once, runs cmd_<verb>() and turns its result into the
 *	exit status: 0 success, 1 findings, 2 trouble.
 *
 *	Only main.c and cmd_*.c exit or print to stdout.
 * SEE ALSO
 *	README.md, ../shared/DESIGN.md "CLI contract".
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <unistd.h>

#include "cmd/cmd.h"
#include "util/cleanup.h"
#include "source/gitrepo.h"
#include "util/msg.h"
#include "util/paths.h"

static const struct hr_cmd {
    const char *name;
    hr_cmd_fn fn;
    const char *summary;
} commands[] = {
    {"fetch", cmd_fetch, "import a Postfix source tree into the store"},
    {"build", cmd_build, "build one variant of a stored tree"},
    {"builds", cmd_builds, "list cached builds"},
    {"cases", cmd_cases, "parse cases and list them"},
    {"clean", cmd_clean, "remove what killed runs left behind"},
    {"run", cmd_run, "the main job: build, replay, compare, judge"},
    {"record", cmd_record, "store each case's whole observation as its golden"},
    {"replay", cmd_replay, "replay cases against one build"},
    {"normalize", cmd_normalize, "normalize text, a DSN or an observation"},
    {"report", cmd_report, "make report.html and junit.xml from report.json"},
    {"import", cmd_import, "make cases from packet captures and smtpd logs"},
    {"bisect", cmd_bisect, "narrow a divergence: objects, flags, commits"},
    {"reduce", cmd_reduce, "reduce a diverging case (and a main.cf) to its essence"},
    {"merge", cmd_merge, "join the shards of a run and judge them as one"},
    {"func-probe", cmd_funcprobe, "(internal) the probe process of a func case"},
};

static const char usage_text[] =
    "usage: pfharness [-v] [--var DIR] VERB [OPTIONS] [ARGS]\n"
    "\n"
    "  -v          more detail on stderr (repeatable)\n"
    "  --var DIR   state directory (default: $PFHARNESS_VAR or ./var)\n"
    "\n"
    "verbs:\n";

/* usage - list the verbs */
static void usage(FILE *fp)
{
    fputs(usage_text, fp);
    for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
        fprintf(fp, "  %-10s  %s\n", commands[i].name, commands[i].summary);
    fputs("\n'pfharness VERB -h' describes a verb.\n", fp);
}

int main(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"var", required_argument, NULL, 'V'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *var_dir = NULL;
    int ch, code;

    hr_msg_init("pfharness");
    /* "+" stops at the verb: its options are its own. */
    while ((ch = getopt_long(argc, argv, "+hv", longopts, NULL)) != -1) {
        switch (ch) {
        case 'v':
            hr_verbose++;
            break;
        case 'V':
            var_dir = optarg;
            break;
        case 'h':
            usage(stdout);
            return hr_cmd_flush(HR_EXIT_OK);
        default:
            usage(stderr);
            return HR_EXIT_TROUBLE;
        }
    }
    if (optind >= argc) {
        usage(stderr);
        return HR_EXIT_TROUBLE;
    }
    for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
        if (strcmp(argv[optind], commands[i].name) == 0) {
            hr_paths_init(var_dir);
            hr_cleanup_install();
            hr_gitrepo_init();
            optind++;
            /* Each verb parses its own options from argv[0] = verb. */
            argc -= optind - 1;
            argv += optind - 1;
            /* 0, not 1: glibc then forgets the "+" of the global options
             * and verbs may mix options and arguments. */
            optind = 0;
            code = commands[i].fn(argc, argv);
            hr_gitrepo_shutdown();
            return hr_cmd_flush(code);
        }
    }
    hr_msg_error("unknown verb '%s'; 'pfharness -h' lists them", argv[optind]);
    return HR_EXIT_TROUBLE;
}

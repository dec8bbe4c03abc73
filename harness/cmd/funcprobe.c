/*
 * NAME
 *	cmd_funcprobe 1
 * SUMMARY
 *	the probe process of a func case (started by the harness itself)
 * SYNOPSIS
 *	pfharness func-probe --case FILE --libdir DIR --out FILE [--start N]
 * DESCRIPTION
 *	funcrun(3) starts this verb in a process of its own, contained
 *	(as nobody, without a network, in the mount view of an instance),
 *	for one func case on one build: it loads DIR's Postfix libraries
 *	and calls the case's function on every input from N on (0-based),
 *	writing a line per input into FILE, a results file that funcrun(3)
 *	made (ffcall(3)). It is not meant to be run by hand.
 *
 *	Exit status: 0 every input done, 3 the results file is full, 2
 *	the probe could not start (a line on stderr says why); a crash of
 *	the function is the process's death by that signal.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/cmd.h"
#include "replay/ffcall.h"
#include "util/msg.h"

static const char usage[] =
    "usage: pfharness func-probe --case FILE --libdir DIR --out FILE "
    "[--start N]\n"
    "\n"
    "The probe process of a func case, started by run, replay and bisect.\n";

int cmd_funcprobe(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"case", required_argument, NULL, 'c'},
        {"libdir", required_argument, NULL, 'l'},
        {"out", required_argument, NULL, 'o'},
        {"start", required_argument, NULL, 's'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *c = NULL, *l = NULL, *o = NULL;
    int start = 0, ch;

    while ((ch = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        switch (ch) {
        case 'c':
            c = optarg;
            break;
        case 'l':
            l = optarg;
            break;
        case 'o':
            o = optarg;
            break;
        case 's':
            if (hr_cmd_parse_int(&start, "--start", optarg, 0, 10000000) < 0)
                return hr_cmd_usage(usage);
            break;
        case 'h':
            return hr_cmd_help(usage);
        default:
            return hr_cmd_usage(usage);
        }
    }
    if (!c || !l || !o || optind != argc)
        return hr_cmd_usage(usage);
    return hr_ffcall_main(c, l, o, (size_t)start);
}

/*
 * NAME
 *	cmd_cases 1
 * SUMMARY
 *	parse cases and list them
 * SYNOPSIS
 *	pfharness cases [--wire] [--version V] [CASE...]
 * DESCRIPTION
 *	Parses each CASE (a file, or a directory searched recursively
 *	for *.case; default: the cases directory) and prints one line
 *	per case, "<name> <kind> <path>", sorted by path. A malformed
 *	case is reported as "path:line: message" and exits 2. See case(3)
 *	and cases/README.md.
 *
 *	With --wire, each case follows a "=== NAME" line as the bytes it
 *	sends and the replies it reads, exchange by exchange (casewire(3)):
 *	a test driver that shows whether two cases make the same session.
 *
 *	Version overlays (overlay(3)) are checked whenever cases load; with
 *	--version V, the cases are those of Postfix V, overlays applied,
 *	and each line names the overlays that changed its case after a
 *	fourth field: "<name> <kind> <path> overlays: NAME NAME".
 */
#include <getopt.h>
#include <stdio.h>

#include "case/case.h"
#include "case/wire.h"
#include "cmd/cmd.h"
#include "util/mem.h"
#include "util/paths.h"

static const char usage[] =
    "usage: pfharness cases [--wire] [--version V] [CASE...]\n"
    "\n"
    "Parse cases and print '<name> <kind> <path>' for each, sorted by\n"
    "path. A CASE is a file or a directory, searched recursively for\n"
    "*.case files; the default is the cases directory ($PFHARNESS_CASES,\n"
    "./cases, or the installed copy). A malformed case is reported as\n"
    "'file:line: message' and the exit status is 2.\n"
    "\n"
    "  --wire       print each case as the bytes it sends and the number\n"
    "               of replies it reads, one exchange a line, after\n"
    "               '=== NAME'\n"
    "  --version V  the cases as Postfix V (3.10.13, 3.11-20250601) is\n"
    "               held to: the version overlays of cases/versions/ that\n"
    "               apply to V replace case files and goldens, and each\n"
    "               line names them\n";

/* cmd_cases - parse cases, print one line each */
int cmd_cases(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"wire", no_argument, NULL, 'w'},
        {"version", required_argument, NULL, 'V'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *deflt[] = {hr_cases_dir()};
    const char *const *args = deflt;
    size_t nargs = 1, count = 0;
    hr_case **cases = NULL;
    const char *version = NULL;
    int ch, wire = 0;

    while ((ch = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        switch (ch) {
        case 'w':
            wire = 1;
            break;
        case 'V':
            version = optarg;
            break;
        case 'h':
            return hr_cmd_help(usage);
        default:
            return hr_cmd_usage(usage);
        }
    }
    if (optind < argc) {
        args = (const char *const *)argv + optind;
        nargs = argc - optind;
    }
    if (hr_case_load_all(&cases, &count, args, nargs, version) < 0)
        return hr_cmd_fail();
    for (size_t i = 0; i < count; i++) {
        char *w;

        if (!wire) {
            char *labels = hr_strv_join(&cases[i]->overlays, " ");

            printf("%s %s %s%s%s\n", cases[i]->name,
                   hr_case_kind_name(cases[i]->kind), cases[i]->path,
                   *labels ? " overlays: " : "", labels);
            hr_free(labels);
            continue;
        }
        w = hr_case_wire(cases[i]);
        printf("=== %s\n%s", cases[i]->name, w);
        hr_free(w);
    }
    hr_case_free_all(cases, count);
    return hr_cmd_flush(HR_EXIT_OK);
}

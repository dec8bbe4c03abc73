/*
 * NAME
 *	cmd_cases 1
 * SUMMARY
 *	parse cases and list them
 * SYNOPSIS
 *	pfharness cases [CASE...]
 * DESCRIPTION
 *	Parses each CASE (a file, or a directory searched recursively
 *	for *.case; default: the cases directory) and prints one line
 *	per case, "<name> <kind> <path>", sorted by path. A malformed
 *	case is reported as "path:line: message" and exits 2. See case(3)
 *	and cases/README.md.
 */
#include <getopt.h>
#include <stdio.h>

#include "case.h"
#include "cmd.h"
#include "paths.h"

static const char usage[] =
    "usage: pfharness cases [CASE...]\n"
    "\n"
    "Parse cases and print '<name> <kind> <path>' for each, sorted by\n"
    "path. A CASE is a file or a directory, searched recursively for\n"
    "*.case files; the default is the cases directory ($PFHARNESS_CASES,\n"
    "./cases, or the installed copy). A malformed case is reported as\n"
    "'file:line: message' and the exit status is 2.\n";

/* cmd_cases - parse cases, print one line each */
int cmd_cases(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *deflt[] = {hr_cases_dir()};
    const char *const *args = deflt;
    size_t nargs = 1, count = 0;
    hr_case **cases = NULL;
    int ch;

    while ((ch = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        switch (ch) {
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
    if (hr_case_load_all(&cases, &count, args, nargs) < 0)
        return hr_cmd_fail();
    for (size_t i = 0; i < count; i++)
        printf("%s %s %s\n", cases[i]->name, hr_case_kind_name(cases[i]->kind),
               cases[i]->path);
    hr_case_free_all(cases, count);
    return HR_EXIT_OK;
}

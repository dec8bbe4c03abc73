/*
 * NAME
 *	cmd_report 1
 * SUMMARY
 *	make report.html and junit.xml again from a run's report.json
 * SYNOPSIS
 *	pfharness report RUN_DIR [--html FILE] [--junit FILE]
 *	pfharness report BISECT_DIR --compiler-bug DIR
 * DESCRIPTION
 *	Reads RUN_DIR/report.json, the primary output of a run, and
 *	writes report.html and junit.xml from it, by default into
 *	RUN_DIR, each atomically. Prints the path of each file written,
 *	one per line. The files depend on report.json only: the run
 *	writes the same ones.
 *
 *	With --compiler-bug DIR, RUN_DIR is the record of an object
 *	bisection ("bisect objects --out"), and DIR gets what a compiler
 *	bug report needs (bugreport(3)); report.json is read only when
 *	--html or --junit asks for it too.
 *
 *	The outputs are rows of one table, each with its option, its
 *	default file name (or none: written only when asked for) and its
 *	writer, so that more (a bundle, a compiler bug report) are added
 *	as rows.
 * DIAGNOSTICS
 *	Exit 0 when every file was written (whatever the verdicts), 2
 *	for a usage error, a report.json that is missing, not JSON or
 *	not a report (one line naming the file), or a file that cannot
 *	be written.
 * SEE ALSO
 *	report(3), report_html(3), report_junit(3), report_json(3).
 */
#include <getopt.h>
#include <stdio.h>

#include "bugreport.h"
#include "cmd.h"
#include "fsutil.h"
#include "mem.h"
#include "report.h"
#include "report_html.h"
#include "report_junit.h"

static const char usage[] =
    "usage: pfharness report RUN_DIR [--html FILE] [--junit FILE]\n"
    "       pfharness report BISECT_DIR --compiler-bug DIR\n"
    "\n"
    "Read RUN_DIR/report.json and write report.html and junit.xml from\n"
    "it again; print the path of each file written.\n"
    "\n"
    "  --html FILE    write the HTML report to FILE\n"
    "                 (default: RUN_DIR/report.html)\n"
    "  --junit FILE   write the JUnit XML to FILE\n"
    "                 (default: RUN_DIR/junit.xml)\n"
    "  --compiler-bug DIR\n"
    "                 from the record of 'bisect objects' (objects.json),\n"
    "                 write DIR for a compiler bug report: the compiler's\n"
    "                 identity and flags, the culprit's preprocessed source\n"
    "                 and compile command, the case, both observations, the\n"
    "                 bisection log and the UB cross-check\n"
    "\n"
    "Exit 0 when the files were written, 2 on bad input or a file that\n"
    "cannot be written.\n";

/* What the verb writes: an option, a default name in RUN_DIR (NULL: only
 * when the option asks for it), a writer. A writer that needs the run
 * directory finds it beside r->path. */
static const struct output {
    const char *option;
    const char *default_name;
    int (*write)(const hr_report *r, const char *path);
} outputs[] = {
    {"html", "report.html", hr_report_write_html},
    {"junit", "junit.xml", hr_report_write_junit},
};

#define NOUTPUTS (sizeof(outputs) / sizeof(outputs[0]))
#define OPT_OUTPUT 256 /* getopt value of outputs[i]: OPT_OUTPUT + i */
#define OPT_BUG 255    /* --compiler-bug: from a bisection, not a run */

/* cmd_report - load report.json, write the outputs */
int cmd_report(int argc, char **argv)
{
    struct option longopts[NOUTPUTS + 3];
    const char *paths[NOUTPUTS] = {NULL};
    const char *bug_dir = NULL;
    hr_report *r = NULL;
    char *json = NULL;
    int ch, code = HR_EXIT_OK, asked = 0;

    for (size_t i = 0; i < NOUTPUTS; i++)
        longopts[i] = (struct option){outputs[i].option, required_argument,
                                      NULL, OPT_OUTPUT + (int)i};
    longopts[NOUTPUTS] =
        (struct option){"compiler-bug", required_argument, NULL, OPT_BUG};
    longopts[NOUTPUTS + 1] = (struct option){"help", no_argument, NULL, 'h'};
    longopts[NOUTPUTS + 2] = (struct option){NULL, 0, NULL, 0};
    /* main() parsed its options with "+" (stop at the verb) and set
     * optind to 1, which keeps glibc in that mode; 0 starts afresh, so
     * that options may follow RUN_DIR. */
    optind = 0;
    while ((ch = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        if (ch == 'h')
            return hr_cmd_help(usage);
        if (ch == OPT_BUG) {
            bug_dir = optarg;
            continue;
        }
        if (ch < OPT_OUTPUT || ch >= OPT_OUTPUT + (int)NOUTPUTS)
            return hr_cmd_usage(usage);
        paths[ch - OPT_OUTPUT] = optarg;
        asked = 1;
    }
    if (argc - optind != 1)
        return hr_cmd_usage(usage);
    if (bug_dir) {
        hr_strv files = HR_STRV_INIT;

        if (hr_bugreport_write(&files, argv[optind], bug_dir) < 0) {
            hr_strv_release(&files);
            return hr_cmd_fail();
        }
        for (size_t i = 0; i < files.n; i++)
            printf("%s/%s\n", bug_dir, files.v[i]);
        hr_strv_release(&files);
        /* A bisection's directory has no report.json to render. */
        if (!asked)
            return HR_EXIT_OK;
    }
    json = hr_path_join(argv[optind], "report.json");
    if (hr_report_load(&r, json) < 0) {
        code = hr_cmd_fail();
        goto done;
    }
    for (size_t i = 0; i < NOUTPUTS && code == HR_EXIT_OK; i++) {
        char *path;

        if (paths[i] == NULL && outputs[i].default_name == NULL)
            continue;
        path = paths[i] ? hr_strdup(paths[i])
                        : hr_path_join(argv[optind], outputs[i].default_name);
        if (outputs[i].write(r, path) < 0)
            code = hr_cmd_fail();
        else
            printf("%s\n", path);
        hr_free(path);
    }
done:
    hr_report_free(r);
    hr_free(json);
    return code;
}

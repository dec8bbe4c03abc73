/*
 * NAME
 *	cmd_report 1
 * SUMMARY
 *	make report.html and junit.xml again from a run's report.json
 * SYNOPSIS
 *	pfharness report RUN_DIR [--html FILE] [--junit FILE]
 *		[--bundle DIR [--anonymize]]
 *	pfharness report BISECT_DIR --compiler-bug DIR
 *	pfharness report --certificate FILE [--wall SECONDS] [--bugs DIR]
 *		RUN_DIR...
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
 *	writer, so that more (a compiler bug report) are added as rows.
 *
 *	--certificate FILE renders the runs of a sweep (ci/sweep.sh), one
 *	RUN_DIR per Postfix version, as one page (certificate(3)): clean
 *	or not, the machine, --wall (the sweep's wall time; default the
 *	runs' sum) and its share spent compiling, the compilers, and each
 *	run's (case, build) matrix; --bugs DIR, relative to FILE's
 *	directory, holds compiler-bug bundles as VERSION-CASE/.
 *
 *	--bundle DIR writes a problem report bundle (bundle(3)): what
 *	Postfix's DEBUG_README asks for, as files in DIR and as one
 *	DIR.tar.gz; both paths are printed. --anonymize masks addresses
 *	and host names in it (anonymize(3)).
 * DIAGNOSTICS
 *	Exit 0 when every file was written (whatever the verdicts), 2
 *	for a usage error, a report.json that is missing, not JSON or
 *	not a report (one line naming the file), a bundle DIR that exists
 *	and is not a bundle, --anonymize without --bundle, or a file that
 *	cannot be written.
 * SEE ALSO
 *	report(3), report_html(3), report_junit(3), report_json(3).
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "report/bugreport.h"
#include "cmd/cmd.h"
#include "util/fsutil.h"
#include "util/mem.h"
#include "report/bundle.h"
#include "util/msg.h"
#include "report/report.h"
#include "report/html.h"
#include "report/certificate.h"
#include "report/junit.h"

static const char usage[] =
    "usage: pfharness report RUN_DIR [--html FILE] [--junit FILE]\n"
    "                        [--bundle DIR [--anonymize]]\n"
    "       pfharness report BISECT_DIR --compiler-bug DIR\n"
    "       pfharness report --certificate FILE [--wall SECONDS] [--bugs DIR]\n"
    "                        RUN_DIR...\n"
    "\n"
    "Read RUN_DIR/report.json and write report.html and junit.xml from\n"
    "it again; print the path of each file written.\n"
    "\n"
    "  --html FILE    write the HTML report to FILE\n"
    "                 (default: RUN_DIR/report.html)\n"
    "  --junit FILE   write the JUnit XML to FILE\n"
    "                 (default: RUN_DIR/junit.xml)\n"
    "  --bundle DIR   write a problem report bundle as DEBUG_README asks:\n"
    "                 summary, error messages, postconf -n, logs, queue\n"
    "                 shape, cases and observations, into DIR and\n"
    "                 DIR.tar.gz\n"
    "  --anonymize    in the bundle, every letter of an address or host\n"
    "                 name becomes A and every digit D\n"
    "  --compiler-bug DIR\n"
    "                 from the record of 'bisect objects' (objects.json),\n"
    "                 write DIR for a compiler bug report: the compiler's\n"
    "                 identity and flags, the culprit's preprocessed source\n"
    "                 and compile command, the case, both observations, the\n"
    "                 bisection log and the UB cross-check\n"
    "  --certificate FILE\n"
    "                 one page for a sweep (make sweep): the (case, build)\n"
    "                 matrix of each RUN_DIR, compilers, machine, time;\n"
    "                 --wall SECONDS is the sweep's wall time, --bugs DIR\n"
    "                 (relative to FILE) its compiler-bug bundles\n"
    "\n"
    "Exit 0 when the files were written, 2 on bad input or a file that\n"
    "cannot be written.\n";

/* How the writers are asked. */
struct out_opts {
    int anonymize;
};

/* html - the HTML report */
static int html(const hr_report *r, const char *path, const struct out_opts *o)
{
    (void)o;
    return hr_report_write_html(r, path);
}

/* junit - the JUnit XML */
static int junit(const hr_report *r, const char *path, const struct out_opts *o)
{
    (void)o;
    return hr_report_write_junit(r, path);
}

/* bundle - the problem report bundle, DIR and DIR.tar.gz */
static int bundle(const hr_report *r, const char *path,
                  const struct out_opts *o)
{
    hr_bundle_opts bo = HR_BUNDLE_OPTS_INIT;

    bo.anonymize = o->anonymize;
    return hr_bundle_write(r, path, &bo);
}

/* What the verb writes: an option, a default name in RUN_DIR (NULL: only
 * when the option asks for it), a writer, what else the writer makes
 * beside the path (printed too), and a check of the path made before
 * anything is written (or NULL). A writer that needs the run directory
 * finds it beside r->path. */
static const struct output {
    const char *option;
    const char *default_name;
    int (*write)(const hr_report *r, const char *path,
                 const struct out_opts *o);
    const char *also; /* a suffix: "DIR.tar.gz" */
    int (*check)(const char *path);
} outputs[] = {
    {"html", "report.html", html, NULL, NULL},
    {"junit", "junit.xml", junit, NULL, NULL},
    {"bundle", NULL, bundle, ".tar.gz", hr_bundle_check},
};

#define NOUTPUTS (sizeof(outputs) / sizeof(outputs[0]))
#define OPT_OUTPUT 256 /* getopt value of outputs[i]: OPT_OUTPUT + i */
#define OPT_BUG 255    /* --compiler-bug: from a bisection, not a run */
#define OPT_CERT 254   /* --certificate: from several runs */
#define OPT_WALL 253
#define OPT_BUGS 252

/* certificate - report --certificate FILE RUN_DIR...: one page */
static int certificate(const char *file, const char *wall, const char *bugs,
                       char **dirs, int ndirs)
{
    hr_certificate_opts o = HR_CERTIFICATE_OPTS_INIT;
    hr_report **runs = hr_calloc((size_t)ndirs + 1, sizeof(hr_report *));
    char *page_dir = hr_path_dirname(file);
    int code = HR_EXIT_OK, secs = 0;

    if (wall && hr_cmd_parse_int(&secs, "--wall", wall, 0, 100000000) < 0) {
        code = hr_cmd_usage(usage);
        goto done;
    }
    o.wall_seconds = wall ? secs : -1;
    o.bugs_dir = bugs;
    o.page_dir = page_dir;
    for (int i = 0; i < ndirs; i++) {
        char *json = hr_path_join(dirs[i], "report.json");
        int error = hr_report_load(&runs[i], json);

        hr_free(json);
        if (error < 0) {
            code = hr_cmd_fail();
            goto done;
        }
    }
    if (hr_certificate_write((const hr_report *const *)runs, (size_t)ndirs,
                             &o, file) < 0)
        code = hr_cmd_fail();
    else
        printf("%s\n", file);
done:
    for (int i = 0; i < ndirs; i++)
        hr_report_free(runs[i]);
    hr_free(runs);
    hr_free(page_dir);
    return code;
}

/* cmd_report - load report.json, write the outputs */
int cmd_report(int argc, char **argv)
{
    struct option longopts[NOUTPUTS + 7];
    const char *paths[NOUTPUTS] = {NULL};
    struct out_opts oo = {0};
    const char *bug_dir = NULL, *cert = NULL, *wall = NULL, *bugs = NULL;
    hr_report *r = NULL;
    char *json = NULL;
    int ch, code = HR_EXIT_OK, asked = 0;

    for (size_t i = 0; i < NOUTPUTS; i++)
        longopts[i] = (struct option){outputs[i].option, required_argument,
                                      NULL, OPT_OUTPUT + (int)i};
    longopts[NOUTPUTS] = (struct option){"help", no_argument, NULL, 'h'};
    longopts[NOUTPUTS + 1] =
        (struct option){"anonymize", no_argument, NULL, 'a'};
    longopts[NOUTPUTS + 2] =
        (struct option){"compiler-bug", required_argument, NULL, OPT_BUG};
    longopts[NOUTPUTS + 3] =
        (struct option){"certificate", required_argument, NULL, OPT_CERT};
    longopts[NOUTPUTS + 4] =
        (struct option){"wall", required_argument, NULL, OPT_WALL};
    longopts[NOUTPUTS + 5] =
        (struct option){"bugs", required_argument, NULL, OPT_BUGS};
    longopts[NOUTPUTS + 6] = (struct option){NULL, 0, NULL, 0};
    /* main() parsed its options with "+" (stop at the verb) and set
     * optind to 1, which keeps glibc in that mode; 0 starts afresh, so
     * that options may follow RUN_DIR. */
    optind = 0;
    while ((ch = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        if (ch == 'h')
            return hr_cmd_help(usage);
        if (ch == 'a') {
            oo.anonymize = 1;
            continue;
        }
        if (ch == OPT_BUG) {
            bug_dir = optarg;
            continue;
        }
        if (ch == OPT_CERT || ch == OPT_WALL || ch == OPT_BUGS) {
            *(ch == OPT_CERT ? &cert : ch == OPT_WALL ? &wall : &bugs) =
                optarg;
            continue;
        }
        if (ch < OPT_OUTPUT || ch >= OPT_OUTPUT + (int)NOUTPUTS)
            return hr_cmd_usage(usage);
        paths[ch - OPT_OUTPUT] = optarg;
        asked = 1;
    }
    if (cert) {
        if (asked || bug_dir || oo.anonymize || argc - optind < 1)
            return hr_cmd_usage(usage);
        return hr_cmd_flush(certificate(cert, wall, bugs, argv + optind,
                                        argc - optind));
    }
    if (wall || bugs) {
        hr_msg_error("report: --wall and --bugs go with --certificate");
        return HR_EXIT_TROUBLE;
    }
    if (argc - optind != 1)
        return hr_cmd_usage(usage);
    for (size_t i = 0; oo.anonymize && i < NOUTPUTS; i++)
        if (strcmp(outputs[i].option, "bundle") == 0 && paths[i] == NULL) {
            hr_msg_error("report: --anonymize applies to --bundle DIR only");
            return HR_EXIT_TROUBLE;
        }
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
    /* Refuse bad paths before anything is written. */
    for (size_t i = 0; i < NOUTPUTS; i++)
        if (paths[i] && outputs[i].check && outputs[i].check(paths[i]) < 0) {
            code = hr_cmd_fail();
            goto done;
        }
    for (size_t i = 0; i < NOUTPUTS && code == HR_EXIT_OK; i++) {
        char *path;

        if (paths[i] == NULL && outputs[i].default_name == NULL)
            continue;
        path = paths[i] ? hr_strdup(paths[i])
                        : hr_path_join(argv[optind], outputs[i].default_name);
        /* DIR/ names DIR: "DIR.tar.gz", not "DIR/.tar.gz" */
        for (size_t n = strlen(path);
             outputs[i].also && n > 1 && path[n - 1] == '/';)
            path[--n] = 0;
        if (outputs[i].write(r, path, &oo) < 0)
            code = hr_cmd_fail();
        else if (outputs[i].also == NULL)
            printf("%s\n", path);
        else
            printf("%s\n%s%s\n", path, path, outputs[i].also);
        hr_free(path);
    }
done:
    hr_report_free(r);
    hr_free(json);
    return hr_cmd_flush(code);
}

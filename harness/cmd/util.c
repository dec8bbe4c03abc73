/*
 * NAME
 *	cmd/util 3
 * SUMMARY
 *	helpers shared by the cmd_*.c files
 * SYNOPSIS
 *	#include "cmd/cmd.h"
 *
 *	int	hr_cmd_fail(void)
 *	int	hr_cmd_usage(usage), hr_cmd_help(usage)
 *	int	hr_cmd_flush(code)
 *	int	hr_cmd_need_root(what)
 *	int	hr_cmd_parse_int(out, opt, arg, min, max)
 *	int	hr_cmd_build_option(o, ch, arg)
 * DESCRIPTION
 *	hr_cmd_fail() prints the recorded error as one line and returns
 *	the trouble exit code. hr_cmd_usage() prints a usage text to
 *	stderr and returns 2; hr_cmd_help() prints it to stdout for -h.
 *	hr_cmd_flush() checks that stdout was written completely before
 *	the program exits with code.
 *
 *	hr_cmd_build_option() takes the options that say what the main job
 *	builds and how often it runs, shared by run and record: 's'
 *	--source, 'V' --variants, 'c' --cc, 'r' --reps. It returns 1 when
 *	ch was one of them, 0 when not, -1 (message printed) for a bad
 *	value.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd/cmd.h"
#include "report/html.h"
#include "report/junit.h"
#include "report/report.h"
#include "run/runner.h"
#include "util/fsutil.h"
#include "util/mem.h"
#include "util/msg.h"

/* hr_cmd_fail - report the recorded error, exit code 2 */
int hr_cmd_fail(void)
{
    hr_msg_error("%s", hr_error_last());
    return HR_EXIT_TROUBLE;
}

/* hr_cmd_usage - usage error */
int hr_cmd_usage(const char *usage)
{
    fputs(usage, stderr);
    return HR_EXIT_TROUBLE;
}

/* hr_cmd_help - -h */
int hr_cmd_help(const char *usage)
{
    fputs(usage, stdout);
    return HR_EXIT_OK;
}

/* hr_cmd_flush - make sure stdout reached its destination */
int hr_cmd_flush(int code)
{
    if (fflush(stdout) != 0 || ferror(stdout)) {
        hr_msg_error("cannot write to standard output: %s", strerror(errno));
        return HR_EXIT_TROUBLE;
    }
    return code;
}

/* hr_cmd_need_root - the verb runs Postfix and namespaces */
int hr_cmd_need_root(const char *what)
{
    if (geteuid() == 0)
        return 0;
    hr_msg_error("%s needs root: Postfix's master must start as root and "
                 "network namespaces need CAP_SYS_ADMIN", what);
    return -1;
}

/* hr_cmd_parse_int - a bounded integer option */
int hr_cmd_parse_int(int *out, const char *opt, const char *arg, int min,
                     int max)
{
    char *end;
    long v;

    errno = 0;
    v = strtol(arg, &end, 10);
    if (errno || end == arg || *end || v < min || v > max) {
        hr_msg_error("%s: '%s' is not a number from %d to %d", opt, arg, min,
                     max);
        return -1;
    }
    *out = (int)v;
    return 0;
}

/* hr_cmd_build_option - --source, --variants, --cc, --compilers, --reps */
int hr_cmd_build_option(struct hr_runner_opts *o, int ch, const char *arg)
{
    switch (ch) {
    case 's':
        o->source = arg;
        return 1;
    case 'V':
        if (hr_strv_split(&o->variants, arg, ",") == 0) {
            hr_msg_error("--variants: no variant named");
            return -1;
        }
        return 1;
    case 'c':
        o->cc = arg;
        return 1;
    case 'P':
        if (hr_strv_split(&o->compilers, arg, ",") == 0) {
            hr_msg_error("--compilers: no compiler named");
            return -1;
        }
        return 1;
    case 'r':
        return hr_cmd_parse_int(&o->reps, "--reps", arg, 1, 100) < 0 ? -1 : 1;
    default:
        return 0;
    }
}

/* detail - the table's third column */
static int not_run(const hr_run_case *rc);

static void detail(char *buf, size_t len, const hr_run_case *rc)
{
    const hr_verdict *v = rc->verdict;
    char *cells = hr_strv_join(&v->differing, ",");

    switch (v->kind) {
    case HR_PASS:
        snprintf(buf, len, "%s", not_run(rc) ? "not run: no build applies"
                                             : "");
        break;
    case HR_COMPILER:
        if (v->suspect && strcmp(v->suspect, "undecided") != 0) {
            /* the builds; report.json says who agrees */
            size_t n = strcspn(v->suspect, "(:");

            while (n > 0 && v->suspect[n - 1] == ' ')
                n--;
            snprintf(buf, len, "suspect %.*s", (int)n, v->suspect);
        }
        else
            snprintf(buf, len, "undecided: %s", cells);
        break;
    case HR_UB:
        snprintf(buf, len, "%s", v->ub_reports.n ? v->ub_reports.v[0] : cells);
        break;
    case HR_REAL_BUG:
        snprintf(buf, len, "differs from the expectation");
        break;
    default:
        snprintf(buf, len, "%s", cells);
        break;
    }
    hr_free(cells);
}

/* hr_cmd_print_table - the verdicts, 80 columns */
/* not_run - every cell of the case skipped: no build it applies to (a
 * func case on static builds) */
static int not_run(const hr_run_case *rc)
{
    return rc->verdict->kind == HR_PASS && rc->verdict->left == NULL &&
           strcmp(rc->verdict->summary, "no observations") == 0;
}

void hr_cmd_print_table(const hr_run *run)
{
    size_t count[HR_HARDWARE + 1] = {0};

    printf("%-34s %-18s %s\n", "CASE", "VERDICT", "EVIDENCE");
    for (size_t i = 0; i < run->ncases; i++) {
        const hr_run_case *rc = &run->cases[i];
        char d[256];

        detail(d, sizeof(d), rc);
        count[rc->verdict->kind]++;
        printf("%-34.34s %-18s %.26s\n", rc->c->name,
               hr_verdict_name(rc->verdict->kind), d);
    }
    printf("\n%zu cases on %zu builds x %zu libenvs x %d reps:", run->ncases,
           run->nbuilds, run->nlibenvs, run->reps);
    for (int k = HR_PASS; k <= HR_HARDWARE; k++)
        if (count[k])
            printf(" %zu %s", count[k], hr_verdict_name(k));
    printf("\n");
    {
        size_t idle = 0;

        for (size_t i = 0; i < run->ncases; i++)
            idle += not_run(&run->cases[i]);
        if (idle)
            printf("%zu of them not run: no build applies (func cases need "
                   "a shared build: --variants shared-O0,shared-O2)\n",
                   idle);
    }
    for (size_t i = 0; i < run->failed_variants.n; i++)
        printf("build %s failed: %s\n", run->failed_variants.v[i],
               run->failed_errors.v[i]);
}

/* hr_cmd_write_reports - report.json, junit.xml and report.html, and
 * copies */
int hr_cmd_write_reports(const hr_run *run, const char *json,
                         const char *junit, const char *html, char **html_out)
{
    char *pj = hr_path_join(run->out_dir, "report.json");
    char *pu = hr_path_join(run->out_dir, "junit.xml");
    char *ph = hr_path_join(run->out_dir, "report.html");
    hr_report *rep = NULL;
    int error;

    if ((error = hr_report_write(&rep, run, pj)) < 0 ||
        (error = hr_report_write_junit(rep, pu)) < 0 ||
        (error = hr_report_write_html(rep, ph)) < 0)
        goto done;
    if ((json && (error = hr_file_copy(pj, json, 0644)) < 0) ||
        (junit && (error = hr_file_copy(pu, junit, 0644)) < 0) ||
        (html && (error = hr_file_copy(ph, html, 0644)) < 0))
        goto done;
    *html_out = ph;
    ph = NULL;
done:
    hr_report_free(rep);
    hr_free(pj);
    hr_free(pu);
    hr_free(ph);
    return error;
}

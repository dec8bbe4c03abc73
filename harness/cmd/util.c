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
#include "run/runner.h"
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

/* hr_cmd_build_option - --source, --variants, --cc, --reps */
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
    case 'r':
        return hr_cmd_parse_int(&o->reps, "--reps", arg, 1, 100) < 0 ? -1 : 1;
    default:
        return 0;
    }
}

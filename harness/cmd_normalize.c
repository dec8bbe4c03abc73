/*
 * NAME
 *	cmd_normalize 1
 * SUMMARY
 *	normalize text, parse a DSN, or build an observation (test driver)
 * SYNOPSIS
 *	pfharness normalize [--rules] < in > out
 * DESCRIPTION
 *	Exposes normalize(3) like Postfix's -DTEST mains.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "cmd.h"
#include "mem.h"
#include "msg.h"
#include "normalize.h"

static const char usage[] =
    "usage: pfharness normalize [--rules] < IN > OUT\n";

/* read_stdin - all of standard input */
static int read_stdin(hr_buf *b)
{
    char chunk[65536];
    ssize_t n;

    while ((n = read(0, chunk, sizeof(chunk))) != 0) {
        if (n < 0)
            return hr_error_set(HR_ERROR, "cannot read standard input");
        hr_buf_put(b, chunk, n);
    }
    return 0;
}

int cmd_normalize(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"rules", no_argument, NULL, 'r'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    hr_buf in = HR_BUF_INIT;
    int ch, rules = 0;
    char *out;

    while ((ch = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        switch (ch) {
        case 'r':
            rules = 1;
            break;
        case 'h':
            return hr_cmd_help(usage);
        default:
            return hr_cmd_usage(usage);
        }
    }
    if (rules) {
        for (size_t i = 0; i < hr_norm_rule_count(); i++)
            printf("%-18s %s\n", hr_norm_rule_name(i), hr_norm_rule_about(i));
        return HR_EXIT_OK;
    }
    if (read_stdin(&in) < 0)
        return hr_cmd_fail();
    out = hr_normalize_text(hr_buf_cstr(&in));
    fputs(out, stdout);
    hr_free(out);
    hr_buf_release(&in);
    return HR_EXIT_OK;
}

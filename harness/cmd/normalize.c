/*
 * NAME
 *	cmd_normalize 1
 * SUMMARY
 *	normalize text, parse a DSN, or build an observation (test driver)
 * SYNOPSIS
 *	pfharness normalize [--rules] < in > out
 *	pfharness normalize --dsn < message > records
 *	pfharness normalize --observe DIR > observation
 * DESCRIPTION
 *	Exposes normalize(3), dsn(3) and observe(3), like Postfix's
 *	-DTEST mains. Without options, standard input is normalized with
 *	hr_normalize_text(). --rules lists the normalization table.
 *	--dsn prints a DSN's per-message fields and its records in report
 *	order, unnormalized, and exits 2 when the input is not a DSN.
 *	--observe builds an observation from the files in DIR (see
 *	obsdir(3)).
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "util/buf.h"
#include "cmd/cmd.h"
#include "observe/dsn.h"
#include "util/mem.h"
#include "util/msg.h"
#include "observe/normalize.h"
#include "observe/obsdir.h"
#include "observe/observe.h"

static const char usage[] =
    "usage: pfharness normalize [--rules] < IN > OUT\n"
    "       pfharness normalize --dsn < MESSAGE\n"
    "       pfharness normalize --observe DIR\n"
    "\n"
    "Normalize text as observations are normalized: queue IDs, PIDs,\n"
    "Message-IDs and MIME boundaries are renumbered in order of first\n"
    "appearance, dates, delays, Maildir names and ephemeral ports masked.\n"
    "\n"
    "  --rules        list the normalization rules\n"
    "  --dsn          parse a delivery status notification, print its\n"
    "                 fields and records in report order\n"
    "  --observe DIR  build an observation from DIR/transcript, probe,\n"
    "                 sink, maillog, sanitizer and DIR/mail/RCPT/*\n";

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

/* print_field - "Name: value" when present */
static void print_field(const char *name, const char *value)
{
    if (value)
        printf("%s: %s\n", name, value);
}

/* show_dsn - parse stdin as a DSN and print it */
static int show_dsn(const hr_buf *in)
{
    static const char *const fields[] = {"Reporting-MTA", "Received-From-MTA",
                                         "X-Postfix-Queue-ID",
                                         "X-Postfix-Sender", "Arrival-Date"};
    hr_dsn *d;

    if (hr_dsn_parse(&d, hr_buf_cstr(in), in->len) < 0)
        return hr_cmd_fail();
    print_field("Subject", hr_dsn_subject(d));
    for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
        print_field(fields[i], hr_dsn_field(d, fields[i]));
    for (size_t i = 0; i < hr_dsn_count(d); i++) {
        const hr_dsn_record *r = hr_dsn_record_at(d, i);

        printf("\n");
        print_field("Final-Recipient", r->final_rcpt);
        print_field("Original-Recipient", r->orig_rcpt);
        print_field("Action", r->action);
        print_field("Status", r->status);
        print_field("Remote-MTA", r->remote_mta);
        print_field("Diagnostic-Code", r->diagnostic);
    }
    printf("\nText:\n%s", hr_dsn_text(d));
    hr_dsn_free(d);
    return HR_EXIT_OK;
}

/* show_observation - build an observation from a directory */
static int show_observation(const char *dir)
{
    hr_obsdir *d;
    hr_obs *obs;

    if (hr_obsdir_load(&d, dir) < 0)
        return hr_cmd_fail();
    hr_observe(&obs, hr_obsdir_raw(d));
    fputs(hr_obs_text(obs), stdout);
    hr_obs_free(obs);
    hr_obsdir_free(d);
    return HR_EXIT_OK;
}

/* cmd_normalize - the verb */
int cmd_normalize(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"rules", no_argument, NULL, 'r'},
        {"dsn", no_argument, NULL, 'd'},
        {"observe", required_argument, NULL, 'o'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *observe_dir = NULL;
    hr_buf in = HR_BUF_INIT;
    int ch, rules = 0, dsn = 0, code;
    char *out;

    while ((ch = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        switch (ch) {
        case 'r':
            rules = 1;
            break;
        case 'd':
            dsn = 1;
            break;
        case 'o':
            observe_dir = optarg;
            break;
        case 'h':
            return hr_cmd_help(usage);
        default:
            return hr_cmd_usage(usage);
        }
    }
    if (optind < argc || rules + dsn + (observe_dir != NULL) > 1) {
        hr_msg_error("normalize: give at most one of --rules, --dsn, "
                     "--observe, and no arguments");
        return hr_cmd_usage(usage);
    }
    if (rules) {
        for (size_t i = 0; i < hr_norm_rule_count(); i++)
            printf("%-18s %s\n", hr_norm_rule_name(i), hr_norm_rule_about(i));
        return HR_EXIT_OK;
    }
    if (observe_dir)
        return show_observation(observe_dir);
    if (read_stdin(&in) < 0)
        return hr_cmd_fail();
    if (dsn) {
        code = show_dsn(&in);
    } else {
        out = hr_normalize_text(hr_buf_cstr(&in));
        fputs(out, stdout);
        hr_free(out);
        code = HR_EXIT_OK;
    }
    hr_buf_release(&in);
    return code;
}

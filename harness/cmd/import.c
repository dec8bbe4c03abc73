/*
 * NAME
 *	cmd_import 1
 * SUMMARY
 *	make cases from packet captures and smtpd logs
 * SYNOPSIS
 *	pfharness import pcap FILE [--flow N] [--port P] [--out DIR]
 *		[--config FILE]
 *	pfharness import maillog FILE [--session N] [--pid PID]
 *		[--client ADDR] [--out DIR] [--config FILE]
 * DESCRIPTION
 *	Reads a capture (pcap_import(3)) or a log with smtpd's '<' and
 *	'>' lines (maillog_import(3)) and writes one smtp case per SMTP
 *	session (transcript(3)). One session goes to stdout. With --out,
 *	each goes to DIR/NAME.case, written atomically, and the paths are
 *	printed. Several sessions without --out are listed on stderr
 *	(number, endpoints, commands, first command) with exit status 2:
 *	pick one with --flow or --session.
 *
 *	--config takes "postconf -n" output; the settings that cases may
 *	hold become config lines of every case, and the others header
 *	comments that say why not (postconf(3)).
 *
 *	Every case is rendered and checked before anything is written.
 * DIAGNOSTICS
 *	"FILE: message" on stderr and exit status 2 for bad input:
 *	not a capture, a truncated capture, no SMTP session, no such
 *	session. -v prints which connections or sessions were skipped.
 * SEE ALSO
 *	cases/README.md, pcap_import(3), maillog_import(3).
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cmd/cmd.h"
#include "util/fsutil.h"
#include "import/maillog.h"
#include "util/mem.h"
#include "util/msg.h"
#include "import/pcap.h"
#include "import/postconf.h"
#include "import/session.h"

static const char usage[] =
    "usage: pfharness import pcap FILE [--flow N] [--port P] [--out DIR]\n"
    "                        [--config FILE]\n"
    "       pfharness import maillog FILE [--session N] [--pid PID]\n"
    "                        [--client ADDR] [--out DIR] [--config FILE]\n"
    "\n"
    "Make smtp cases (cases/README.md) from a packet capture (pcap or\n"
    "pcapng, recorded with 'tcpdump -s 0') or from a mail log with smtpd's\n"
    "'<' and '>' lines (debug_peer_list or smtpd -v).\n"
    "\n"
    "  --flow N, --session N  import only SMTP session N (numbered from 1)\n"
    "  --port P        the server's port (default: 25, 587, 2525, or any\n"
    "                  server that greets with 220)\n"
    "  --pid PID       only sessions of this smtpd process\n"
    "  --client ADDR   only sessions from this client address\n"
    "  --out DIR       write DIR/NAME.case for each session, print the paths\n"
    "  --config FILE   'postconf -n' output: settings that cases may hold\n"
    "                  become config lines\n"
    "\n"
    "One session goes to stdout; several need --out, or one is picked.\n";

/* One session to import. */
struct pick {
    const hr_session *t;
    char *where; /* for the listing: endpoints or process and client */
};

/* list - several sessions and no way to write them */
static int list(const char *file, const struct pick *p, size_t n,
                const char *opt)
{
    hr_msg_error("%s: %zu SMTP sessions; pick one with %s N, or write them "
                 "all with --out DIR",
                 file, n, opt);
    for (size_t i = 0; i < n; i++) {
        size_t ncmd;
        char *first;
        const char *num = strrchr(p[i].t->name, '-') + 1;

        hr_session_summary(p[i].t, &ncmd, &first);
        fprintf(stderr, "  %3s  %s  %zu command%s  %s\n", num, p[i].where, ncmd,
                ncmd == 1 ? "" : "s", first ? first : "-");
        hr_free(first);
    }
    return HR_EXIT_TROUBLE;
}

/* write_out - the rendered cases to stdout or to DIR */
static int write_out(const char *file, const char *out_dir,
                     const struct pick *p, size_t n)
{
    char **texts = hr_calloc(n + 1, sizeof(*texts));
    int code = HR_EXIT_OK;

    /* All of them first: nothing is written if one fails. */
    for (size_t i = 0; i < n; i++)
        if (hr_session_render(&texts[i], p[i].t) < 0) {
            hr_msg_error("%s: %s: %s", file, p[i].t->name, hr_error_last());
            code = HR_EXIT_TROUBLE;
            goto done;
        }
    if (out_dir == NULL) {
        fputs(texts[0], stdout);
        goto done;
    }
    if (hr_mkdir_p(out_dir, 0755) < 0) {
        code = hr_cmd_fail();
        goto done;
    }
    for (size_t i = 0; i < n; i++) {
        char *name = hr_sprintf("%s.case", p[i].t->name);
        char *path = hr_path_join(out_dir, name);
        int error =
            hr_file_write_atomic(path, texts[i], strlen(texts[i]), 0644);

        if (error == 0)
            printf("%s\n", path);
        hr_free(name);
        hr_free(path);
        if (error < 0) {
            code = hr_cmd_fail();
            goto done;
        }
    }
done:
    for (size_t i = 0; i < n; i++)
        hr_free(texts[i]);
    hr_free(texts);
    return code;
}

/* notes - say what was skipped, with -v */
static void notes(const hr_strv *v)
{
    for (size_t i = 0; hr_verbose && i < v->n; i++)
        hr_msg_info("%s", v->v[i]);
}

/* cmd_import - import pcap|maillog FILE */
int cmd_import(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"flow", required_argument, NULL, 'f'},
        {"session", required_argument, NULL, 'f'},
        {"port", required_argument, NULL, 'p'},
        {"pid", required_argument, NULL, 'P'},
        {"client", required_argument, NULL, 'c'},
        {"out", required_argument, NULL, 'o'},
        {"config", required_argument, NULL, 'C'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *out_dir = NULL, *config = NULL, *client = NULL, *what, *file;
    int ch, number = 0, port = 0, pid = 0, pcap, code = HR_EXIT_TROUBLE;
    hr_strv settings = HR_STRV_INIT, skipped = HR_STRV_INIT;
    hr_pcap *pc = NULL;
    hr_maillog *ml = NULL;
    struct pick *picks = NULL;
    size_t n = 0, total;

    /* Options may follow FILE: optind 0 makes glibc start afresh, with
     * argument permutation rather than main()'s "+" mode. */
    optind = 0;
    while ((ch = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        switch (ch) {
        case 'f':
            if (hr_cmd_parse_int(&number, "--flow", optarg, 1, 1000000) < 0)
                return HR_EXIT_TROUBLE;
            break;
        case 'p':
            if (hr_cmd_parse_int(&port, "--port", optarg, 1, 65535) < 0)
                return HR_EXIT_TROUBLE;
            break;
        case 'P':
            if (hr_cmd_parse_int(&pid, "--pid", optarg, 1, 2147483647) < 0)
                return HR_EXIT_TROUBLE;
            break;
        case 'c':
            client = optarg;
            break;
        case 'o':
            out_dir = optarg;
            break;
        case 'C':
            config = optarg;
            break;
        case 'h':
            return hr_cmd_help(usage);
        default:
            return hr_cmd_usage(usage);
        }
    }
    if (argc - optind != 2)
        return hr_cmd_usage(usage);
    what = argv[optind];
    file = argv[optind + 1];
    if (strcmp(what, "pcap") != 0 && strcmp(what, "maillog") != 0)
        return hr_cmd_usage(usage);
    pcap = strcmp(what, "pcap") == 0;
    if ((pcap && (pid || client)) || (!pcap && port)) {
        hr_msg_error("%s", pcap ? "--pid and --client are options of "
                                  "'import maillog' only"
                                : "--port is an option of 'import pcap' only");
        return HR_EXIT_TROUBLE;
    }
    if (config && hr_postconf_load(&settings, &skipped, config) < 0)
        return hr_cmd_fail();
    if (pcap) {
        hr_pcap_opts o = HR_PCAP_OPTS_INIT;

        o.port = port;
        o.config = &settings;
        o.skipped = &skipped;
        if (hr_pcap_load(&pc, file, &o) < 0) {
            code = hr_cmd_fail();
            goto done;
        }
        notes(hr_pcap_notes(pc));
        total = hr_pcap_count(pc);
        picks = hr_calloc(total, sizeof(*picks));
        for (size_t i = 0; i < total; i++) {
            if (number && (size_t)number != i + 1)
                continue;
            picks[n].t = hr_pcap_flow(pc, i);
            picks[n].where = hr_strdup(hr_pcap_endpoints(pc, i));
            n++;
        }
    } else {
        hr_maillog_opts o = HR_MAILLOG_OPTS_INIT;

        o.config = &settings;
        o.skipped = &skipped;
        if (hr_maillog_load(&ml, file, &o) < 0) {
            code = hr_cmd_fail();
            goto done;
        }
        notes(hr_maillog_notes(ml));
        total = hr_maillog_count(ml);
        picks = hr_calloc(total, sizeof(*picks));
        for (size_t i = 0; i < total; i++) {
            if ((number && (size_t)number != i + 1) ||
                (pid && hr_maillog_pid(ml, i) != pid) ||
                (client && strcmp(hr_maillog_client(ml, i), client) != 0))
                continue;
            picks[n].t = hr_maillog_session(ml, i);
            picks[n].where = hr_sprintf("smtpd[%ld] %s", hr_maillog_pid(ml, i),
                                        hr_maillog_peer(ml, i));
            n++;
        }
    }
    if (n == 0) {
        if (number)
            hr_msg_error("%s: no SMTP session %d (there %s %zu)", file, number,
                         total == 1 ? "is" : "are", total);
        else
            hr_msg_error("%s: no SMTP session%s%s%s%s", file,
                         pid ? " of that --pid" : "",
                         client ? " from client '" : "", client ? client : "",
                         client ? "'" : "");
        goto done;
    }
    if (n > 1 && out_dir == NULL) {
        code = list(file, picks, n, pcap ? "--flow" : "--session");
        goto done;
    }
    code = write_out(file, out_dir, picks, n);
done:
    for (size_t i = 0; i < n; i++)
        hr_free(picks[i].where);
    hr_free(picks);
    hr_pcap_free(pc);
    hr_maillog_free(ml);
    hr_strv_release(&settings);
    hr_strv_release(&skipped);
    return code;
}

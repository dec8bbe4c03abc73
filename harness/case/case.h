#ifndef HR_CASE_CASE_H
#define HR_CASE_CASE_H

/* case/case.h - recorded sessions and probes: cases/ files, parsed */

#include <stddef.h>
#include "util/buf.h"
#include "util/strv.h"

typedef enum {
    HR_CASE_SMTP = 1,   /* an SMTP session replayed against smtpd */
    HR_CASE_PROBE,      /* sendmail -bv or -v */
    HR_CASE_FUNC,       /* calls of a library function (func(3)) */
} hr_case_kind;

typedef enum {
    HR_PROBE_BV = 1,    /* sendmail -bv: what would happen */
    HR_PROBE_V,         /* sendmail -v: what happened */
} hr_probe_mode;

/* What an item is; cases/README.md describes each. */
typedef enum {
    HR_ITEM_COMMAND = 1,    /* '>': a command line, CRLF appended */
    HR_ITEM_DATA,           /* '|' after DATA: dot-stuffed, ends CRLF.CRLF */
    HR_ITEM_CHUNK,          /* '|' after BDAT: the chunk, no stuffing */
    HR_ITEM_RAW,            /* '~': bytes as written, escapes decoded */
} hr_case_item_kind;

/* One thing the client sends: a command line, DATA content, BDAT bytes
 * or raw bytes. */
typedef struct hr_case_item {
    char *display;      /* for transcripts: "MAIL FROM:<a@b>", "| (3 lines)" */
    char *bytes;        /* exactly what goes on the wire */
    size_t len;
    int line;           /* line in the case file */
    hr_case_item_kind kind;
} hr_case_item;

/* An exchange: items sent in one write (a pipelined group is one
 * exchange), then nreplies complete replies read and checked. The
 * greeting is an exchange that sends nothing. */
typedef struct hr_case_exchange {
    int line;
    hr_case_item *items;
    size_t nitems;
    size_t nreplies;
    char **expect;      /* nreplies texts; reply lines joined with '\n';
                         * glob: '*' any run (also across lines), '?' one */
    int pause_ms;       /* a pause step: no items, no replies */
    int expect_eof;     /* the server closes the connection here */
} hr_case_exchange;

/* The sink's answer at a stage, or for one recipient. */
typedef struct hr_sink_rule {
    char *stage;        /* "connect" "helo" "mail" "rcpt" "data" */
    char *rcpt;         /* for stage "rcpt": an address, or "*" */
    int code;
    char *text;         /* "5.1.1 no such user" */
    int line;
} hr_sink_rule;

/* An expected DSN record of a probe. */
typedef struct hr_probe_expect {
    char *rcpt;         /* Final-Recipient address */
    char *action;       /* deliverable, undeliverable, delivered, failed... */
    char *status;       /* 2.0.0, glob allowed */
    char *diag;         /* Diagnostic-Code glob, or NULL */
    int line;
} hr_probe_expect;

/* A lookup table the case defines, written as a file of its type. */
typedef struct hr_case_table {
    char *name;         /* a *_maps parameter, or a table name */
    int is_param;       /* "map PARAM": sets PARAM = texthash:FILE */
    char *type;         /* "texthash", "lmdb", "regexp", "pcre", "cidr" */
    hr_strv entries;    /* "KEY VALUE", in file order */
    int *entry_lines;   /* the line of each entry */
    int line;           /* where the table is first defined */
} hr_case_table;

typedef struct hr_case {
    char *path;
    char *name;
    hr_case_kind kind;
    char *about;
    hr_strv marks;          /* "incomplete", "synthetic-data" */
    hr_strv config;         /* "param = value", allowlisted, file order */
    hr_case_table *tables;
    size_t ntables;
    hr_sink_rule *sink;
    size_t nsink;

    /* smtp */
    char *client;           /* source address: 127.0.0.1 .. 127.255.255.254 */
    hr_case_exchange *xs;
    size_t nxs;

    /* probe */
    hr_probe_mode mode;
    char *sender;
    hr_strv rcpts;
    hr_buf body;            /* message given to sendmail on stdin */
    hr_probe_expect *expects;
    size_t nexpects;

    /* func */
    struct hr_func *func;

    int name_line;          /* line of the "name" directive */

    /* NAME.golden beside NAME.case (pfharness record): the whole
     * normalized observation every build gave, or NULL */
    char *golden;
    char *golden_path;

    /* The version overlays that replaced the case file or its golden
     * (overlay(3)): their names, and "NAME (since 3.9: RELEASE_NOTES-3.9
     * ...)" for reports */
    hr_strv overlays;
    hr_strv overlay_labels;

    /* Run under a user's own configuration (userconf(3)), borrowed, or
     * NULL. The case's replies, DSN expectations and golden were written
     * for the instance's base configuration: with one, they do not
     * apply, and builds are only compared with each other. */
    const struct hr_userconf *user;
} hr_case;

int hr_case_parse(hr_case **out, const char *path, const char *text,
                  size_t len);
int hr_case_load(hr_case **out, const char *path);
char *hr_case_golden_path(const char *case_path);
int hr_case_golden_check(const char *path, const char *text, size_t len);
int hr_case_load_all(hr_case ***out, size_t *count, const char *const *args,
                     size_t nargs, const char *version);
void hr_case_free(hr_case *c);
void hr_case_free_all(hr_case **cases, size_t count);
const char *hr_case_kind_name(hr_case_kind kind);
char *hr_case_config_key(const hr_case *c);
int hr_case_has_mark(const hr_case *c, const char *mark);

#endif

#ifndef HR_NARROW_RDCASE_H
#define HR_NARROW_RDCASE_H

/* narrow/rdcase.h - an smtp case as the reducer sees it: steps that can go,
 * candidates that keep SMTP's order, rendered back into case text */

#include <stddef.h>
#include "case/case.h"
#include "util/strv.h"

typedef enum {
    HR_RD_CMD = 1,      /* "> TEXT" */
    HR_RD_CONTENT,      /* "| LINE" lines: DATA content or a BDAT chunk */
    HR_RD_RAW,          /* "~ TEXT" */
    HR_RD_PAUSE,        /* "pause MS" */
    HR_RD_EOF,          /* "eof" */
} hr_rd_kind;

typedef enum {
    HR_RD_OTHER = 0, HR_RD_HELO, HR_RD_MAIL, HR_RD_RCPT, HR_RD_DATA,
    HR_RD_BDAT, HR_RD_RSET, HR_RD_QUIT,
} hr_rd_verb;

typedef struct hr_rd_step {
    hr_rd_kind kind;
    hr_rd_verb verb;    /* a command's */
    char *text;         /* a command's or raw step's text; pause: MS */
    hr_strv lines;      /* content lines */
    int group;          /* the exchange it was sent in */
    int txn;            /* its transaction: 0, 1, ...; -1 outside one */
    int last;           /* BDAT ... LAST */
    size_t raw_replies; /* a group with raw bytes: its reply count */
    hr_strv raw_expect; /* ... and its replies as the case gave them */
} hr_rd_step;

/* A candidate: the case's header, its reducible configuration lines,
 * and its steps. */
typedef struct hr_rdcase {
    char *source;       /* where it came from, for the header comment */
    hr_strv header;     /* directive and comment lines, kept */
    hr_strv config;     /* config, map, table and sink lines: reducible */
    hr_rd_step *steps;
    size_t n;
    int ntxn;
    int strict;         /* the original keeps SMTP's order: so must each
                         * candidate */
} hr_rdcase;

int hr_rdcase_from(hr_rdcase **out, const hr_case *c, const char *text);
void hr_rdcase_free(hr_rdcase *r);
hr_rdcase *hr_rdcase_copy(const hr_rdcase *r);
hr_rdcase *hr_rdcase_keep(const hr_rdcase *r, const unsigned char *keep);
int hr_rdcase_check(const hr_rdcase *r, char **why);
char *hr_rdcase_render(const hr_rdcase *r, const char *name,
                       const hr_strv *replies, const hr_strv *comments);
size_t hr_rdcase_client_lines(const hr_rdcase *r);
const char *hr_rd_verb_name(hr_rd_verb v);

#endif

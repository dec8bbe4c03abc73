#ifndef HR_CASE_PARSE_INT_H
#define HR_CASE_PARSE_INT_H

/* case/parse_int.h - the parser's state, shared by parse.c and steps.c */

#include <stddef.h>
#include "case/case.h"
#include "util/buf.h"
#include "util/msg.h"
#include "util/strv.h"

enum { P_NONE, P_SEND, P_RECV }; /* where the session builder is */

/* The exchange being built: items, then the '<' lines after them. */
struct pending {
    int phase;
    int line; /* its first step */
    hr_case_item *items;
    size_t nitems, cap;
    size_t want; /* replies its items ask for */
    int has_raw; /* then the '<' lines decide */
    hr_strv replies;
    hr_buf reply;  /* lines of the reply being read */
    int open_line; /* a '-' line still wants its successor */
    int content;   /* HR_ITEM_DATA, HR_ITEM_CHUNK, or 0 */
    hr_buf cbytes;
    int clines, cline;
    long bdat_item; /* a BDAT command awaiting its chunk, or -1 */
    long bdat_size; /* its size, -1 for '*' */
};

struct parser {
    const char *path;
    hr_case *c;
    int lastline; /* number of lines, at least 1 */
    int kind_line, about_line, client_line, mode_line, sender_line;
    size_t xcap, tcap, scap, ecap;
    int *config_lines; /* parallel to c->config */
    int eof_line;      /* the "eof" step, once seen */
    size_t raw_total;  /* bytes of the '~' lines so far */
    struct pending pe;
};

/* parse.c */
int hr_parse_error(struct parser *p, int line, const char *fmt, ...)
    HR_PRINTF(3, 4);
int hr_parse_reason(struct parser *p, int line, char *why);
void *hr_parse_grow(void *arr, size_t n, size_t *cap, size_t size);
char *hr_parse_next_word(char **s);

/* steps.c */
void hr_steps_reset(struct pending *pe);
int hr_steps_send(struct parser *p, int line, int marker, const char *text);
int hr_steps_content(struct parser *p, int line, const char *text);
int hr_steps_reply(struct parser *p, int line, const char *text);
int hr_steps_marker(struct parser *p, int line, int pause_ms, int eof);
int hr_steps_finish(struct parser *p);

#endif

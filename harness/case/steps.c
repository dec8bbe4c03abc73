/*
 * NAME
 *	case/steps 3
 * SUMMARY
 *	the steps of an smtp case, built into exchanges
 * SYNOPSIS
 *	#include "case/parse_int.h"
 *
 *	void	hr_steps_reset(pe)
 *	int	hr_steps_send(p, line, marker, text)
 *	int	hr_steps_content(p, line, text)
 *	int	hr_steps_reply(p, line, text)
 *	int	hr_steps_marker(p, line, pause_ms, eof)
 *	int	hr_steps_finish(p)
 * DESCRIPTION
 *	The parser (parse(3)) hands each '>' '~' '|' '<' line and each
 *	pause and eof of an smtp case to these functions, which build the
 *	session as exchanges: the items sent in one write, then the
 *	replies expected. Every item carries the bytes that go on the
 *	wire: DATA content is dot-stuffed and terminated, BDAT sizes are
 *	checked against their chunks or computed for "BDAT *", '~' text
 *	is decoded by escape(3).
 *
 *	hr_steps_send() takes a '>' or '~' line, hr_steps_content() a '|'
 *	line, hr_steps_reply() a '<' line, hr_steps_marker() a pause or
 *	eof, which is an exchange of its own. An exchange ends when a
 *	send follows replies; hr_steps_finish() ends the last one, and
 *	checks that its items got as many replies as they ask for.
 *	hr_steps_reset() forgets the exchange being built.
 * DIAGNOSTICS
 *	HR_EINPUT with "path:line: message", through hr_parse_error().
 * SEE ALSO
 *	cases/README.md, "the session"; parse(3), escape(3).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "case/case.h"
#include "case/escape.h"
#include "case/parse_int.h"
#include "util/glob.h"
#include "util/mem.h"
#include "util/msg.h"

/* hr_steps_reset - forget the pending exchange */
void hr_steps_reset(struct pending *pe)
{
    for (size_t i = 0; i < pe->nitems; i++) {
        hr_free(pe->items[i].display);
        hr_free(pe->items[i].bytes);
    }
    hr_free(pe->items);
    hr_strv_release(&pe->replies);
    hr_buf_release(&pe->reply);
    hr_buf_release(&pe->cbytes);
    memset(pe, 0, sizeof(*pe));
    pe->bdat_item = -1;
}

/* add_item - append an item to the pending exchange, taking display */
static hr_case_item *add_item(struct pending *pe, hr_case_item_kind kind,
                              int line, char *display)
{
    hr_case_item *it;

    pe->items =
        hr_parse_grow(pe->items, pe->nitems, &pe->cap, sizeof(*pe->items));
    it = &pe->items[pe->nitems++];
    memset(it, 0, sizeof(*it));
    it->kind = kind;
    it->line = line;
    it->display = display;
    return it;
}

/* content_display - "| (N lines, M bytes)" */
static char *content_display(int lines, size_t len)
{
    return hr_sprintf("| (%d line%s, %zu byte%s)", lines, lines == 1 ? "" : "s",
                      len, len == 1 ? "" : "s");
}

/* close_bdat - a BDAT command meets its chunk of len bytes */
static int close_bdat(struct parser *p, size_t len)
{
    struct pending *pe = &p->pe;
    hr_case_item *it = &pe->items[pe->bdat_item];

    pe->bdat_item = -1;
    if (pe->bdat_size >= 0 && (size_t)pe->bdat_size != len)
        return hr_parse_error(
            p, it->line, "BDAT size %ld does not match its chunk of %zu bytes",
            pe->bdat_size, len);
    if (pe->bdat_size < 0) {
        /* "BDAT * LAST" -> "BDAT 12 LAST" */
        char *star = strchr(it->display, '*');
        char *text = hr_sprintf("%.*s%zu%s", (int)(star - it->display),
                                it->display, len, star + 1);

        hr_free(it->display);
        hr_free(it->bytes);
        it->display = text;
        it->bytes = hr_sprintf("%s\r\n", text);
        it->len = strlen(it->bytes);
    }
    return 0;
}

/* flush_send - finish content and BDAT commands that are still open */
static int flush_send(struct parser *p)
{
    struct pending *pe = &p->pe;
    hr_case_item *it;
    int error = 0;

    if (pe->content == HR_ITEM_DATA)
        hr_buf_puts(&pe->cbytes, ".\r\n");
    if (pe->content) {
        size_t len = pe->cbytes.len;

        it = add_item(pe, pe->content, pe->cline,
                      content_display(pe->clines, len));
        it->len = len;
        it->bytes = hr_buf_detach(&pe->cbytes);
        if (pe->content == HR_ITEM_CHUNK)
            error = close_bdat(p, len);
        pe->content = 0;
    } else if (pe->bdat_item >= 0)
        error = close_bdat(p, 0);
    return error;
}

/* hr_steps_finish - check the pending exchange, add it to the case */
int hr_steps_finish(struct parser *p)
{
    struct pending *pe = &p->pe;
    hr_case *c = p->c;
    hr_case_exchange *x;
    size_t got;
    int error;

    if (pe->phase == P_NONE)
        return 0;
    if ((error = flush_send(p)) < 0)
        return error;
    if (pe->open_line)
        return hr_parse_error(p, pe->open_line,
                              "the reply goes on ('-' after the "
                              "code) but no '<' line ends it");
    got = pe->replies.n;
    if (pe->nitems > 0 && !pe->has_raw && got != pe->want) {
        if (pe->nitems == 1)
            return hr_parse_error(
                p, pe->line,
                "'%s' expects 1 reply; the '<' lines after it give %zu",
                pe->items[0].display, got);
        return hr_parse_error(
            p, pe->line,
            "pipelined group expects %zu replies (one "
            "per command and DATA content); the '<' lines after it "
            "give %zu",
            pe->want, got);
    }
    c->xs = hr_parse_grow(c->xs, c->nxs, &p->xcap, sizeof(*c->xs));
    x = &c->xs[c->nxs++];
    memset(x, 0, sizeof(*x));
    x->line = pe->line;
    x->items = pe->items;
    x->nitems = pe->nitems;
    x->nreplies = got;
    x->expect = hr_calloc(got + 1, sizeof(char *));
    for (size_t i = 0; i < got; i++) {
        x->expect[i] = pe->replies.v[i];
        pe->replies.v[i] = NULL;
    }
    pe->replies.n = 0;
    pe->items = NULL;
    pe->nitems = 0;
    hr_steps_reset(pe);
    return 0;
}

/* start_exchange - a new pending exchange at line */
static void start_exchange(struct parser *p, int line, int phase)
{
    hr_steps_reset(&p->pe);
    p->pe.phase = phase;
    p->pe.line = line;
}

/* need_greeting - an smtp session starts with the server's greeting */
static int need_greeting(struct parser *p, int line)
{
    if (p->c->nxs == 0 && p->pe.phase == P_NONE)
        return hr_parse_error(p, line,
                              "an smtp case starts with the server's "
                              "greeting: '<' lines before the first '>'");
    return 0;
}

/* bdat_size - is text "BDAT <n|*> [LAST]": 1 and the size, else 0 */
static int bdat_size(struct parser *p, int line, const char *text, long *size)
{
    char *copy = hr_strdup(text), *rest = copy;
    char *verb = hr_parse_next_word(&rest);
    char *n = hr_parse_next_word(&rest);
    char *last = hr_parse_next_word(&rest);
    int ret = 0;

    if (verb && strcasecmp(verb, "BDAT") == 0 && n) {
        int ok = (last == NULL || strcasecmp(last, "LAST") == 0) && *rest == 0;

        if (strcmp(n, "*") == 0 && ok) {
            *size = -1;
            ret = 1;
        } else if (strcmp(n, "*") == 0) {
            ret = hr_parse_error(p, line, "'BDAT *' must read 'BDAT * [LAST]'");
        } else if (ok && strspn(n, "0123456789") == strlen(n) &&
                   strlen(n) <= 9) {
            *size = atol(n);
            ret = 1;
        }
    }
    hr_free(copy);
    return ret;
}

/* hr_steps_send - a '>' or '~' line */
int hr_steps_send(struct parser *p, int line, int marker, const char *text)
{
    struct pending *pe = &p->pe;
    hr_case_item *it;
    int error;

    if ((error = need_greeting(p, line)) < 0 || (error = flush_send(p)) < 0)
        return error;
    if (pe->phase == P_RECV && (error = hr_steps_finish(p)) < 0)
        return error;
    if (pe->phase == P_NONE)
        start_exchange(p, line, P_SEND);
    if (marker == '~') {
        hr_buf b = HR_BUF_INIT;
        char *why;

        if (*text == 0)
            return hr_parse_error(p, line, "'~' needs bytes to send");
        if ((why = hr_escape_decode(&b, text, p->raw_total)) != NULL) {
            hr_buf_release(&b);
            return hr_parse_reason(p, line, why);
        }
        p->raw_total += b.len;
        it = add_item(pe, HR_ITEM_RAW, line, hr_strdup(text));
        it->len = b.len;
        it->bytes = hr_buf_detach(&b);
        pe->has_raw = 1;
        return 0;
    }
    {
        long size = 0;
        int bdat = bdat_size(p, line, text, &size);

        if (bdat < 0)
            return bdat;
        it = add_item(pe, HR_ITEM_COMMAND, line, hr_strdup(text));
        it->bytes = hr_sprintf("%s\r\n", text);
        it->len = strlen(it->bytes);
        pe->want++;
        if (bdat) {
            pe->bdat_item = (long)pe->nitems - 1;
            pe->bdat_size = size;
        }
    }
    return 0;
}

/* last_sent - the last exchange that sent something, pauses skipped */
static const hr_case_exchange *last_sent(const hr_case *c)
{
    for (size_t i = c->nxs; i-- > 0;) {
        if (c->xs[i].nitems)
            return &c->xs[i];
        if (c->xs[i].nreplies || c->xs[i].expect_eof)
            return NULL;
    }
    return NULL;
}

/* after_data - did the last exchange send DATA and get 354 */
static int after_data(const hr_case *c)
{
    const hr_case_exchange *x = last_sent(c);
    const hr_case_item *it;

    if (x == NULL || x->nreplies == 0)
        return 0;
    it = &x->items[x->nitems - 1];
    return it->kind == HR_ITEM_COMMAND &&
           strcasecmp(it->display, "DATA") == 0 &&
           hr_glob_may_start_with(x->expect[x->nreplies - 1], "354");
}

#define CONTENT_WHERE                                                          \
    "'|' content must follow a DATA command answered by 354, or a BDAT "       \
    "command"

/* hr_steps_content - a '|' line in an smtp case */
int hr_steps_content(struct parser *p, int line, const char *text)
{
    struct pending *pe = &p->pe;
    int error;

    if ((error = need_greeting(p, line)) < 0)
        return error;
    if (pe->phase == P_SEND && pe->content) {
        ; /* one more line */
    } else if (pe->phase == P_SEND && pe->bdat_item >= 0) {
        pe->content = HR_ITEM_CHUNK;
        pe->cline = line;
        pe->clines = 0;
    } else {
        if (pe->phase == P_SEND)
            return hr_parse_error(p, line, CONTENT_WHERE);
        if ((error = hr_steps_finish(p)) < 0)
            return error;
        if (!after_data(p->c))
            return hr_parse_error(p, line, CONTENT_WHERE);
        start_exchange(p, line, P_SEND);
        pe->content = HR_ITEM_DATA;
        pe->cline = line;
        pe->want = 1;
    }
    if (pe->content == HR_ITEM_DATA && text[0] == '.')
        hr_buf_putc(&pe->cbytes, '.');
    hr_buf_puts(&pe->cbytes, text);
    hr_buf_puts(&pe->cbytes, "\r\n");
    pe->clines++;
    return 0;
}

/* hr_steps_reply - a '<' line */
int hr_steps_reply(struct parser *p, int line, const char *text)
{
    struct pending *pe = &p->pe;
    int error;

    if (*text == 0)
        return hr_parse_error(p, line, "'<' needs the expected reply text");
    if ((error = flush_send(p)) < 0)
        return error;
    if (pe->phase == P_NONE)
        start_exchange(p, line, P_RECV);
    pe->phase = P_RECV;
    if (pe->reply.len)
        hr_buf_putc(&pe->reply, '\n');
    hr_buf_puts(&pe->reply, text);
    /* SMTP: "250-" goes on, "250 " or anything else ends the reply. */
    if (strlen(text) >= 4 && text[3] == '-') {
        pe->open_line = line;
    } else {
        hr_strv_add_owned(&pe->replies, hr_buf_detach(&pe->reply));
        pe->open_line = 0;
    }
    return 0;
}

/* hr_steps_marker - an exchange of its own: pause or eof */
int hr_steps_marker(struct parser *p, int line, int pause_ms, int eof)
{
    hr_case *c = p->c;
    hr_case_exchange *x;
    int error;

    if ((error = need_greeting(p, line)) < 0 ||
        (error = hr_steps_finish(p)) < 0)
        return error;
    c->xs = hr_parse_grow(c->xs, c->nxs, &p->xcap, sizeof(*c->xs));
    x = &c->xs[c->nxs++];
    memset(x, 0, sizeof(*x));
    x->line = line;
    x->expect = hr_calloc(1, sizeof(char *));
    x->pause_ms = pause_ms;
    x->expect_eof = eof;
    if (eof)
        p->eof_line = line;
    return 0;
}

/*
 * NAME
 *	import/session 3
 * SUMMARY
 *	a recorded SMTP session as two byte streams, made a case
 * SYNOPSIS
 *	#include "import/session.h"
 *
 *	void	hr_session_init(t), hr_session_release(t)
 *	void	hr_session_client(t, data, len, seen)
 *	void	hr_session_server(t, data, len)
 *	int	hr_session_has_greeting(t)
 *	void	hr_session_summary(t, ncommands, first)
 *	int	hr_session_render(out, t)
 *	int	hr_session_set_client(t, addr)
 *	char	*hr_session_stem(path)
 *	int	hr_session_bdat(text, size)
 * DESCRIPTION
 *	The importers (pcap_import(3), maillog_import(3)) reduce a
 *	recording to what the client sent, in writes, and what the server
 *	sent. This module turns that into the text of an smtp case
 *	(cases/README.md), the same way for both.
 *
 *	hr_session_client() appends one client write; seen is how many
 *	bytes of the server's stream the client had received when it
 *	began the write (-1: unknown). hr_session_server() appends
 *	server bytes.
 *
 *	Rendering reads SMTP the way smtpd does: each line the client
 *	ends with LF is a command and gets one reply; after DATA answered
 *	by 354 the message runs to a line "."; BDAT n takes the next n
 *	bytes; after STARTTLS answered by 220 the rest is TLS and is left
 *	out. The server's stream splits into replies where a line's 4th
 *	byte is not '-'. Reply k goes to the k-th command (the greeting is
 *	reply 0), so a pipelined group gets as many replies as it sent
 *	commands.
 *
 *	Writes become exchanges. A write starts a new exchange when the
 *	replies owed for everything before it had reached the client
 *	(seen); otherwise the client did not wait, and it joins the
 *	exchange before, as a pipelining client's writes do.
 *
 *	What reads as commands, message lines or BDAT lines with CRLF
 *	ends becomes '>' and '|' steps; everything else (bare LF or CR,
 *	NUL, invalid UTF-8, long lines, a message sent before its 354, a
 *	command cut between writes, commands without replies) becomes '~'
 *	raw bytes, so that the case sends exactly the recorded bytes.
 *	Replies become '<' globs with queue ids and dates as '*'.
 *	A recording that lacks its start or end, commands without
 *	replies, a cut reply or STARTTLS give "mark incomplete".
 *
 *	hr_session_render() checks its own output: the text must parse
 *	with hr_case_parse(), and the parsed case must send exactly the
 *	recorded client bytes and expect as many replies as were rendered.
 *	A failure of these checks is a bug and panics.
 *
 *	hr_session_bdat() reads a command as smtpd reads "BDAT n
 *	[LAST]": 1 and the chunk size, else 0. The maillog importer uses
 *	it too, so that both importers agree on what is a BDAT command.
 *
 *	hr_session_summary() counts the client's commands and returns
 *	the first one, printable, in a new string (NULL if none).
 *
 *	hr_session_set_client() sets the case's client address from
 *	the recorded one: an address in 127.0.0.0/8 stays, anything else
 *	is replayed from 127.0.0.1 (the default), and then it returns 1
 *	so that the importer can say so. hr_session_stem() makes a
 *	file name into the start of a case name ("swaks-basic.pcap":
 *	"swaks-basic").
 * DIAGNOSTICS
 *	hr_session_render() fails with HR_EINPUT when the server sent
 *	no complete greeting, or when the case would be larger than a case
 *	file may be (16 MiB).
 * SEE ALSO
 *	cases/README.md, case(3), pcap_import(3), maillog_import(3).
 */
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <arpa/inet.h>

#include "case/case.h"
#include "case/escape.h"
#include "import/expect.h"
#include "util/fsutil.h"
#include "case/world.h"
#include "util/mem.h"
#include "util/msg.h"
#include "util/utf8.h"
#include "import/session.h"

#define MAX_CMD 998    /* longer command lines are sent as '~' (RFC 5321) */
#define MAX_TEXT 60000 /* longest '|' text; longer '<' text is cut by '*' */
#define MAX_SUMMARY 60 /* bytes of the first command in a summary */
#define MAX_CASE (16 << 20) /* bytes in a case file, as case(3) loads them */

enum { U_CMD = 1, U_CONTENT, U_CHUNK, U_TAIL };

/* A line of the server, without its line end. */
struct sline {
    size_t start, len;
};

/* A complete reply: lines [line0, line0 + nlines), ending at end. */
struct reply {
    size_t line0, nlines, end;
};

/* A piece of the client's stream as smtpd reads it. */
struct unit {
    size_t start, end;
    int kind;
    long reply;      /* the reply it wants, or -1 */
    int short_chunk; /* a BDAT chunk that the recording cuts short */
};

/* The session as smtpd saw it. */
struct an {
    const hr_session *t;
    const char *c, *s; /* the streams, never NULL */
    size_t clen, slen;
    struct sline *lines;
    size_t nlines, lcap;
    struct reply *replies;
    size_t nreplies, rcap;
    size_t partial_line0; /* lines after the last complete reply */
    size_t spartial;      /* server bytes after the last line end */
    struct unit *units;
    size_t nunits, ucap;
    size_t cend;  /* client bytes in the clear (STARTTLS) */
    size_t rend;  /* replies in the clear */
    long maxwant; /* highest reply index a unit wants */
    int tls;
};

/* What rendering knows about the exchange before. */
struct rstate {
    hr_buf *out;
    hr_buf raw;       /* raw bytes not yet written as '~' */
    int last_is_data; /* the last item written was '> DATA' */
    long last_reply;  /* the last reply written, or -1 */
    int prev_data;    /* the exchange before ended in '> DATA' */
    size_t nreplies;  /* replies written */
};

/* grow - make room for one more element */
static void *grow(void *arr, size_t n, size_t *cap, size_t size)
{
    if (n < *cap)
        return arr;
    *cap = *cap ? 2 * *cap : 16;
    return hr_realloc(arr, *cap * size);
}

/* hr_session_init - an empty transcript */
void hr_session_init(hr_session *t)
{
    memset(t, 0, sizeof(*t));
}

/* hr_session_release - free what a transcript holds */
void hr_session_release(hr_session *t)
{
    hr_free(t->name);
    hr_free(t->about);
    hr_free(t->client);
    hr_strv_release(&t->notes);
    hr_strv_release(&t->config);
    hr_buf_release(&t->cdata);
    hr_buf_release(&t->sdata);
    hr_free(t->wend);
    hr_free(t->wseen);
    hr_session_init(t);
}

/* hr_session_client - append one client write */
void hr_session_client(hr_session *t, const void *data, size_t len,
                       long long seen)
{
    size_t cap = t->wcap;

    if (len == 0)
        return;
    hr_buf_put(&t->cdata, data, len);
    t->wend = grow(t->wend, t->nwrites, &cap, sizeof(*t->wend));
    cap = t->wcap;
    t->wseen = grow(t->wseen, t->nwrites, &cap, sizeof(*t->wseen));
    t->wcap = cap;
    t->wend[t->nwrites] = t->cdata.len;
    t->wseen[t->nwrites] = seen;
    t->nwrites++;
}

/* hr_session_server - append server bytes */
void hr_session_server(hr_session *t, const void *data, size_t len)
{
    hr_buf_put(&t->sdata, data, len);
}

/* text_ok - may these bytes stand in a case line as they are */
static int text_ok(const char *s, size_t n)
{
    for (size_t i = 0; i < n;) {
        unsigned char ch = (unsigned char)s[i];
        size_t k;

        if (ch == 0 || ch == '\r' || ch == '\n')
            return 0;
        if ((k = hr_utf8_len(s + i, n - i)) == 0)
            return 0;
        i += k;
    }
    return 1;
}

/* add_line - a server line */
static void add_line(struct an *a, size_t start, size_t len)
{
    a->lines = grow(a->lines, a->nlines, &a->lcap, sizeof(*a->lines));
    a->lines[a->nlines].start = start;
    a->lines[a->nlines].len = len;
    a->nlines++;
}

/* parse_server - lines, then replies as SMTP ends them */
static void parse_server(struct an *a)
{
    size_t pos = 0, line0 = 0;

    while (pos < a->slen) {
        const char *lf = memchr(a->s + pos, '\n', a->slen - pos);
        size_t e, len;

        if (lf == NULL)
            break;
        e = (size_t)(lf - a->s);
        len = e - pos;
        if (len && a->s[e - 1] == '\r')
            len--;
        add_line(a, pos, len);
        pos = e + 1;
        if (len < 4 || a->s[a->lines[a->nlines - 1].start + 3] != '-') {
            a->replies =
                grow(a->replies, a->nreplies, &a->rcap, sizeof(*a->replies));
            a->replies[a->nreplies].line0 = line0;
            a->replies[a->nreplies].nlines = a->nlines - line0;
            a->replies[a->nreplies].end = pos;
            a->nreplies++;
            line0 = a->nlines;
        }
    }
    a->partial_line0 = line0;
    a->spartial = pos;
    a->rend = a->nreplies;
}

/* reply_is - does reply r exist and start with code */
static int reply_is(const struct an *a, long r, const char *code)
{
    const struct sline *l;

    if (r < 0 || (size_t)r >= a->rend)
        return 0;
    l = &a->lines[a->replies[r].line0];
    return l->len >= 3 && memcmp(a->s + l->start, code, 3) == 0;
}

/* add_unit - a piece of the client's stream */
static struct unit *add_unit(struct an *a, int kind, size_t start, size_t end,
                             long reply)
{
    struct unit *u;

    a->units = grow(a->units, a->nunits, &a->ucap, sizeof(*a->units));
    u = &a->units[a->nunits++];
    memset(u, 0, sizeof(*u));
    u->kind = kind;
    u->start = start;
    u->end = end;
    u->reply = reply;
    if (reply > a->maxwant)
        a->maxwant = reply;
    return u;
}

/* cmd_text - a command line without its line end, NUL-terminated */
static char *cmd_text(const char *s, size_t n)
{
    if (n && s[n - 1] == '\n')
        n--;
    if (n && s[n - 1] == '\r')
        n--;
    return hr_strndup(s, n);
}

/* split_words - blank-separated words, as smtpd and parse.c split them */
static size_t split_words(char *s, char **w, size_t max)
{
    size_t n = 0;

    while (n < max) {
        s += strspn(s, " \t");
        if (*s == 0)
            break;
        w[n++] = s;
        s += strcspn(s, " \t");
        if (*s)
            *s++ = 0;
    }
    return n;
}

/* cmd_is - the command is verb and nothing else */
static int cmd_is(const char *text, const char *verb)
{
    char *copy = hr_strdup(text), *w[2];
    int yes = split_words(copy, w, 2) == 1 && strcasecmp(w[0], verb) == 0;

    hr_free(copy);
    return yes;
}

/* hr_session_bdat - "BDAT n [LAST]" as smtpd reads it: 1 and the size */
int hr_session_bdat(const char *text, unsigned long long *size)
{
    char *copy = hr_strdup(text), *w[4];
    size_t n = split_words(copy, w, 4);
    int yes = 0;

    if ((n == 2 || n == 3) && strcasecmp(w[0], "BDAT") == 0 &&
        strlen(w[1]) <= 18 && strspn(w[1], "0123456789") == strlen(w[1]) &&
        (n == 2 || strcasecmp(w[2], "LAST") == 0)) {
        *size = strtoull(w[1], NULL, 10);
        yes = 1;
    }
    hr_free(copy);
    return yes;
}

/* case_bdat - how steps.c reads a '>' line: 0 no BDAT, 1 BDAT n, -1 other */
static int case_bdat(const char *text, unsigned long *size)
{
    char *copy = hr_strdup(text), *w[4];
    size_t n = split_words(copy, w, 4);
    int ret = 0;

    if (n >= 2 && strcasecmp(w[0], "BDAT") == 0) {
        int ok = n == 2 || (n == 3 && strcasecmp(w[2], "LAST") == 0);

        /* case.c replaces '*' and rejects 'BDAT * FOO': never ours */
        if (strcmp(w[1], "*") == 0)
            ret = -1;
        else if (ok && strlen(w[1]) <= 9 &&
                 strspn(w[1], "0123456789") == strlen(w[1])) {
            *size = strtoul(w[1], NULL, 10);
            ret = 1;
        }
    }
    hr_free(copy);
    return ret;
}

/* parse_client - commands, messages and chunks, as smtpd reads them */
static void parse_client(struct an *a)
{
    size_t pos = 0;
    long k = 1;

    while (pos < a->clen) {
        const char *lf = memchr(a->c + pos, '\n', a->clen - pos);
        size_t end;
        long r;
        char *text;
        unsigned long long size;

        if (lf == NULL) {
            add_unit(a, U_TAIL, pos, a->clen, -1);
            pos = a->clen;
            break;
        }
        end = (size_t)(lf - a->c) + 1;
        r = k++;
        add_unit(a, U_CMD, pos, end, r);
        text = cmd_text(a->c + pos, end - pos);
        pos = end;
        if (cmd_is(text, "DATA") && reply_is(a, r, "354")) {
            size_t q = pos;
            int done = 0;

            /* smtpd ends the message at a line ".", CR before LF
             * optional */
            while (q < a->clen && !done) {
                const char *nl = memchr(a->c + q, '\n', a->clen - q);
                size_t e, l;

                if (nl == NULL)
                    break;
                e = (size_t)(nl - a->c) + 1;
                l = e - q - 1;
                if (l && a->c[e - 2] == '\r')
                    l--;
                if (l == 1 && a->c[q] == '.') {
                    add_unit(a, U_CONTENT, pos, e, k++);
                    pos = e;
                    done = 1;
                }
                q = e;
            }
            if (!done) {
                add_unit(a, U_TAIL, pos, a->clen, -1);
                pos = a->clen;
            }
        } else if (hr_session_bdat(text, &size)) {
            size_t take = size < a->clen - pos ? (size_t)size : a->clen - pos;

            if (take > 0)
                add_unit(a, U_CHUNK, pos, pos + take, -1)->short_chunk =
                    take < size;
            else if (size > 0)
                add_unit(a, U_CHUNK, pos, pos, -1)->short_chunk = 1;
            pos += take;
        } else if (cmd_is(text, "STARTTLS") && reply_is(a, r, "220")) {
            /* The rest is TLS: neither side is readable after this. */
            a->tls = 1;
            a->rend = (size_t)r + 1;
            hr_free(text);
            break;
        }
        hr_free(text);
    }
    a->cend = pos;
}

/* analyze - read both streams */
static void analyze(struct an *a, const hr_session *t)
{
    memset(a, 0, sizeof(*a));
    a->t = t;
    a->c = t->cdata.ptr ? t->cdata.ptr : "";
    a->clen = t->cdata.len;
    a->s = t->sdata.ptr ? t->sdata.ptr : "";
    a->slen = t->sdata.len;
    a->maxwant = 0;
    parse_server(a);
    parse_client(a);
}

/* an_release - free an analysis */
static void an_release(struct an *a)
{
    hr_free(a->lines);
    hr_free(a->replies);
    hr_free(a->units);
}

/* hr_session_has_greeting - did the server send a complete reply */
int hr_session_has_greeting(const hr_session *t)
{
    struct an a;
    int yes;

    analyze(&a, t);
    yes = a.nreplies > 0;
    an_release(&a);
    return yes;
}

/* printable - a copy with bytes outside ASCII 32..126 as '?' */
static char *printable(const char *s, size_t n, size_t max)
{
    char *p = hr_strndup(s, n < max ? n : max);

    for (char *q = p; *q; q++)
        if (*q < 32 || *q > 126)
            *q = '?';
    return p;
}

/* hr_session_summary - number of commands, the first one */
void hr_session_summary(const hr_session *t, size_t *ncommands, char **first)
{
    struct an a;

    analyze(&a, t);
    *ncommands = 0;
    *first = NULL;
    for (size_t i = 0; i < a.nunits; i++) {
        const struct unit *u = &a.units[i];

        if (u->kind != U_CMD)
            continue;
        if (*ncommands == 0) {
            char *text = cmd_text(a.c + u->start, u->end - u->start);

            *first = printable(text, strlen(text), MAX_SUMMARY);
            hr_free(text);
        }
        (*ncommands)++;
    }
    an_release(&a);
}

/* put_reply - the '<' lines of reply r */
static void put_reply(struct an *a, struct rstate *rs, size_t r)
{
    const struct reply *rp = &a->replies[r];

    for (size_t i = 0; i < rp->nlines; i++) {
        const struct sline *l = &a->lines[rp->line0 + i];

        hr_buf_puts(rs->out, "< ");
        hr_expect_put(rs->out, a->s + l->start, l->len, MAX_TEXT);
        hr_buf_putc(rs->out, '\n');
    }
    rs->last_reply = (long)r;
    rs->nreplies++;
}

/* flush_raw - write the pending raw bytes as '~' lines */
static void flush_raw(struct rstate *rs)
{
    hr_escape_encode(rs->out, rs->raw.ptr, rs->raw.len);
    hr_buf_clear(&rs->raw);
}

/* put_raw - bytes that go out as '~' */
static void put_raw(struct rstate *rs, const char *s, size_t n)
{
    if (n == 0)
        return;
    hr_buf_put(&rs->raw, s, n);
    rs->last_is_data = 0;
}

/* lines_ok - bytes are lines that each end in CRLF and read as text */
static int lines_ok(const char *s, size_t n)
{
    size_t pos = 0;

    if (n < 2 || s[n - 2] != '\r' || s[n - 1] != '\n')
        return 0;
    while (pos < n) {
        const char *lf = memchr(s + pos, '\n', n - pos);
        size_t e = (size_t)(lf - s);

        if (e == pos || s[e - 1] != '\r' || e - 1 - pos > MAX_TEXT ||
            !text_ok(s + pos, e - 1 - pos))
            return 0;
        pos = e + 1;
    }
    return 1;
}

/* put_lines - '|' lines for CRLF lines; unstuff drops a leading dot */
static void put_lines(struct rstate *rs, const char *s, size_t n, int unstuff)
{
    size_t pos = 0;

    while (pos < n) {
        const char *lf = memchr(s + pos, '\n', n - pos);
        size_t e = (size_t)(lf - s), len = e - 1 - pos;
        const char *text = s + pos;

        if (unstuff && len && *text == '.')
            text++, len--;
        if (len)
            hr_buf_printf(rs->out, "| %.*s\n", (int)len, text);
        else
            hr_buf_puts(rs->out, "|\n");
        pos = e + 1;
    }
}

/* content_ok - can a message go out as '|' lines, byte for byte */
static int content_ok(const char *s, size_t n)
{
    size_t pos = 0;

    /* It must end in ".\r\n": the harness terminates with CRLF. */
    if (n < 3 || memcmp(s + n - 3, ".\r\n", 3) != 0 ||
        (n > 3 && s[n - 4] != '\n'))
        return 0;
    if (n > 3 && !lines_ok(s, n - 3))
        return 0;
    /* The harness stuffs lines that start with '.': the wire line ".x"
     * would come back as "x", so it cannot be a '|' line. */
    while (pos < n - 3) {
        const char *lf = memchr(s + pos, '\n', n - 3 - pos);

        if (s[pos] == '.' && s[pos + 1] != '.')
            return 0;
        pos = (size_t)(lf - s) + 1;
    }
    return 1;
}

/* answered - has the unit its reply, if it wants one */
static int answered(const struct an *a, const struct unit *u)
{
    return u->reply < 0 || (size_t)u->reply < a->rend;
}

/* put_command - '>' for a clean command line, with its BDAT chunk;
 * returns the units used, 0 if it must go out raw */
static size_t put_command(struct an *a, struct rstate *rs, size_t ui, size_t ge)
{
    const struct unit *u = &a->units[ui];
    const struct unit *chunk = NULL;
    const char *s = a->c + u->start;
    size_t n = u->end - u->start, used = 1;
    unsigned long size = 0;
    char *text;
    int bdat;

    if (u->end > ge || !answered(a, u) || n < 2 || n - 2 > MAX_CMD ||
        s[n - 2] != '\r' || !text_ok(s, n - 2))
        return 0;
    text = cmd_text(s, n);
    bdat = case_bdat(text, &size);
    if (ui + 1 < a->nunits && a->units[ui + 1].kind == U_CHUNK)
        chunk = &a->units[ui + 1];
    if (bdat < 0 || (bdat == 1 && chunk == NULL && size != 0)) {
        hr_free(text);
        return 0;
    }
    if (bdat == 1 && chunk) {
        size_t clen = chunk->end - chunk->start;

        /* case.c gives a '> BDAT n' the '|' lines after it */
        if (chunk->short_chunk || chunk->end > ge || clen != size ||
            !lines_ok(a->c + chunk->start, clen)) {
            hr_free(text);
            return 0;
        }
    }
    flush_raw(rs);
    if (n == 2)
        hr_buf_puts(rs->out, ">\n");
    else
        hr_buf_printf(rs->out, "> %s\n", text);
    rs->last_is_data = strcasecmp(text, "DATA") == 0;
    if (bdat == 1 && chunk) {
        put_lines(rs, a->c + chunk->start, chunk->end - chunk->start, 0);
        rs->last_is_data = 0;
        used = 2;
    }
    hr_free(text);
    return used;
}

/* put_group - the items of one exchange: client bytes [gs, ge) */
static void put_group(struct an *a, struct rstate *rs, size_t *ui, size_t gs,
                      size_t ge)
{
    while (*ui < a->nunits && a->units[*ui].start < ge) {
        const struct unit *u = &a->units[*ui];
        size_t s = u->start > gs ? u->start : gs;
        size_t e = u->end < ge ? u->end : ge;
        size_t used;

        if (u->start >= gs && u->kind == U_CMD &&
            (used = put_command(a, rs, *ui, ge)) > 0) {
            *ui += used;
            continue;
        }
        if (u->start == gs && u->end <= ge && u->kind == U_CONTENT &&
            rs->prev_data && rs->last_reply == u->reply - 1 && answered(a, u) &&
            content_ok(a->c + u->start, u->end - u->start)) {
            flush_raw(rs);
            put_lines(rs, a->c + u->start, u->end - u->start - 3, 1);
            rs->last_is_data = 0;
            (*ui)++;
            continue;
        }
        put_raw(rs, a->c + s, e - s);
        if (u->end > ge)
            break; /* the rest of it goes with the next exchange */
        (*ui)++;
    }
    flush_raw(rs);
}

/* greeting_host - the host name in the greeting, or NULL */
static char *greeting_host(const struct an *a)
{
    const struct sline *l = &a->lines[0];
    const char *s = a->s + l->start;
    size_t n;

    if (l->len < 5 || (s[3] != ' ' && s[3] != '-'))
        return NULL;
    for (n = 0; 4 + n < l->len && s[4 + n] != ' '; n++)
        ;
    return n ? printable(s + 4, n, 200) : NULL;
}

/* put_header - name, kind and the directives */
static void put_header(hr_buf *b, const struct an *a, int incomplete)
{
    const hr_session *t = a->t;
    char *host = greeting_host(a);

    for (size_t i = 0; i < t->notes.n; i++) {
        char *p = printable(t->notes.v[i], strlen(t->notes.v[i]), 400);

        hr_buf_printf(b, "# %s\n", p);
        hr_free(p);
    }
    /* myhostname is not a setting cases may hold: say it, at least. */
    if (host && strcmp(host, HR_MYHOSTNAME) != 0)
        hr_buf_printf(b, "# server host name from the greeting: %s\n", host);
    hr_free(host);
    hr_buf_printf(b, "name    %s\n", t->name);
    hr_buf_puts(b, "kind    smtp\n");
    if (t->about) {
        char *p = printable(t->about, strlen(t->about), 400);

        /* A '#' after a blank would start a comment. */
        for (char *q = p; *q; q++)
            if (*q == '#')
                *q = '?';
        hr_buf_printf(b, "about   %s\n", p);
        hr_free(p);
    }
    if (incomplete || t->synthetic)
        hr_buf_printf(b, "mark   %s%s\n", incomplete ? " incomplete" : "",
                      t->synthetic ? " synthetic-data" : "");
    if (t->client)
        hr_buf_printf(b, "client  %s\n", t->client);
    for (size_t i = 0; i < t->config.n; i++)
        hr_buf_printf(b, "config  %s\n", t->config.v[i]);
    hr_buf_putc(b, '\n');
}

/* self_check - the text parses and sends what was recorded */
static void self_check(const struct an *a, const char *text, size_t nreplies)
{
    hr_case *c = NULL;
    hr_buf sent = HR_BUF_INIT;
    size_t got = 0;

    if (hr_case_parse(&c, a->t->name, text, strlen(text)) < 0)
        hr_panic("transcript: generated case does not parse: %s\n%s",
                 hr_error_last(), text);
    for (size_t i = 0; i < c->nxs; i++) {
        got += c->xs[i].nreplies;
        for (size_t k = 0; k < c->xs[i].nitems; k++)
            hr_buf_put(&sent, c->xs[i].items[k].bytes, c->xs[i].items[k].len);
    }
    if (sent.len != a->cend || (sent.len && memcmp(sent.ptr, a->c, sent.len)))
        hr_panic("transcript: case '%s' sends %zu bytes, not the %zu "
                 "recorded",
                 a->t->name, sent.len, a->cend);
    if (got != nreplies)
        hr_panic("transcript: case '%s' expects %zu replies, not %zu",
                 a->t->name, got, nreplies);
    hr_buf_release(&sent);
    hr_case_free(c);
}

/* hr_session_render - the case text */
int hr_session_render(char **out, const hr_session *t)
{
    struct an a;
    struct rstate rs;
    hr_buf body = HR_BUF_INIT, head = HR_BUF_INIT;
    size_t ui = 0, ni = 0, w = 0, wstart = 0;
    long gprev = 0, need = 0;
    int incomplete = t->cut;

    analyze(&a, t);
    if (a.nreplies == 0) {
        an_release(&a);
        return hr_error_set(HR_EINPUT, "no complete greeting from the server");
    }
    memset(&rs, 0, sizeof(rs));
    rs.out = &body;
    rs.last_reply = -1;
    put_reply(&a, &rs, 0);
    if (t->nwrites && t->wseen[0] >= 0 &&
        (size_t)t->wseen[0] < a.replies[0].end && a.cend > 0)
        hr_buf_puts(&body, "# The client sent this before the greeting.\n");
    /* Exchanges: writes joined while the client did not wait. */
    for (; w < t->nwrites && wstart < a.cend; w++) {
        size_t wend = t->wend[w] < a.cend ? t->wend[w] : a.cend;
        int more = w + 1 < t->nwrites && wend < a.cend;
        int wait;

        /* The last reply owed for the client's bytes so far. */
        for (; ni < a.nunits && a.units[ni].end <= wend; ni++)
            if (a.units[ni].reply > need)
                need = a.units[ni].reply;
        wait = more && need > gprev && (size_t)need < a.rend &&
               (t->wseen[w + 1] < 0 ||
                (size_t)t->wseen[w + 1] >= a.replies[need].end);

        if (more && !wait)
            continue;
        if (!more) {
            need = a.maxwant < (long)a.rend ? a.maxwant : (long)a.rend - 1;
            wend = a.cend;
        }
        rs.prev_data = rs.last_is_data;
        put_group(&a, &rs, &ui, wstart, wend);
        flush_raw(&rs);
        for (long r = gprev + 1; r <= need; r++)
            put_reply(&a, &rs, (size_t)r);
        if (need > gprev)
            gprev = need;
        wstart = wend;
    }
    /* Replies nobody asked for, such as a timeout's 421. */
    if ((size_t)gprev + 1 < a.rend) {
        hr_buf_puts(&body, "# The server sent this without a command.\n"
                           "pause 0\n");
        for (size_t r = (size_t)gprev + 1; r < a.rend; r++)
            put_reply(&a, &rs, r);
    }
    if (a.tls) {
        hr_buf_puts(&body, "# STARTTLS: the rest of the session is encrypted "
                           "and is not part of this case.\n");
        incomplete = 1;
    } else if (a.partial_line0 < a.nlines || a.spartial < a.slen) {
        hr_buf_puts(&body, "# The recording ends inside a reply:\n");
        for (size_t i = a.partial_line0; i <= a.nlines; i++) {
            size_t from = i < a.nlines ? a.lines[i].start : a.spartial;
            size_t len = i < a.nlines ? a.lines[i].len : a.slen - a.spartial;
            char *p = printable(a.s + from, len, 200);

            if (len)
                hr_buf_printf(&body, "#   %s\n", p);
            hr_free(p);
        }
        incomplete = 1;
    } else if (t->server_closed) {
        hr_buf_puts(&body, "eof\n");
    }
    for (size_t i = 0; i < a.nunits; i++)
        if (a.units[i].kind == U_TAIL || a.units[i].short_chunk ||
            !answered(&a, &a.units[i]))
            incomplete = 1;
    put_header(&head, &a, incomplete);
    hr_buf_put(&head, body.ptr, body.len);
    hr_buf_release(&body);
    if (head.len > MAX_CASE) {
        hr_buf_release(&head);
        hr_buf_release(&rs.raw);
        an_release(&a);
        return hr_error_set(HR_EINPUT,
                            "the case would have %zu MiB, more than the %d "
                            "MiB a case file may have",
                            head.len >> 20, MAX_CASE >> 20);
    }
    self_check(&a, hr_buf_cstr(&head), rs.nreplies);
    hr_buf_release(&rs.raw);
    an_release(&a);
    *out = hr_buf_detach(&head);
    return 0;
}

/* hr_session_set_client - the case's client for a recorded address */
int hr_session_set_client(hr_session *t, const char *addr)
{
    unsigned char a[4];

    hr_free(t->client);
    t->client = NULL;
    if (inet_pton(AF_INET, addr, a) != 1 || a[0] != 127 ||
        (a[1] == 0 && a[2] == 0 && a[3] == 0) ||
        (a[1] == 255 && a[2] == 255 && a[3] == 255))
        return 1;
    /* 127.0.0.1 is the default: no 'client' line */
    if (!(a[1] == 0 && a[2] == 0 && a[3] == 1))
        t->client = hr_sprintf("%u.%u.%u.%u", a[0], a[1], a[2], a[3]);
    return 0;
}

/* hr_session_stem - a file name as the start of a case name */
char *hr_session_stem(const char *path)
{
    char *s = hr_strdup(hr_path_basename(path));
    char *dot = strrchr(s, '.'), *q = s;

    if (dot && dot != s)
        *dot = 0;
    for (const char *p = s; *p; p++) {
        char ch = (char)tolower((unsigned char)*p);

        if (!isalnum((unsigned char)ch) && !strchr("._-", ch))
            ch = '-';
        /* A name starts with a letter or digit. */
        if (q == s && !isalnum((unsigned char)ch))
            continue;
        *q++ = ch;
    }
    *q = 0;
    if (*s == 0) {
        hr_free(s);
        return hr_strdup("capture");
    }
    if (strlen(s) > 90)
        s[90] = 0;
    return s;
}

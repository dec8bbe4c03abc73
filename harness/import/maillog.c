/*
 * NAME
 *	import/maillog 3
 * SUMMARY
 *	SMTP sessions from smtpd's verbose log, as transcripts
 * SYNOPSIS
 *	#include "import/maillog.h"
 *
 *	int	hr_maillog_load(out, path, opts)
 *	int	hr_maillog_parse(out, path, text, len, opts)
 *	size_t	hr_maillog_count(m)
 *	const hr_session *hr_maillog_session(m, i)
 *	long	hr_maillog_pid(m, i)
 *	const char *hr_maillog_client(m, i), *hr_maillog_peer(m, i)
 *	const hr_strv *hr_maillog_notes(m)
 *	void	hr_maillog_free(m)
 * DESCRIPTION
 *	With debug_peer_list (or smtpd -v), smtpd logs each line it
 *	reads, "postfix/smtpd[PID]: < name[addr]: COMMAND", and each line
 *	it writes, "> name[addr]: REPLY". This module collects those lines
 *	per session, from "connect from name[addr]" to "disconnect from
 *	name[addr]" of the same process (a process serves one session at
 *	a time, several in turn), and makes a transcript(3) of each
 *	session that has them. Any syslog or maillog_file prefix may come
 *	before "smtpd[PID]: ".
 *
 *	The log shows no timing: each command becomes a write of its own,
 *	sent after the replies before it. smtpd does not log message
 *	content, so a short synthetic message stands in for each message
 *	after a 354, and BDAT chunks are made up with the logged size; a
 *	transcript with made-up content is marked synthetic. The session
 *	ends with the server closing when its last reply is 221 or 421. A
 *	session without its disconnect line, or that the log starts in
 *	the middle of, is marked cut.
 *
 *	Sessions are numbered from 1 in log order; each transcript is
 *	named after the file and its number. The caller owns the result:
 *	hr_maillog_free(); everything it returns is borrowed from it.
 *	hr_maillog_client() is the client's address ("127.0.0.1"),
 *	hr_maillog_peer() the name[addr] form.
 * DIAGNOSTICS
 *	HR_EINPUT "path: no smtpd session with '<' and '>' lines" when
 *	there is nothing to import; errors of hr_file_read(). Notes name
 *	the sessions that were skipped.
 * SEE ALSO
 *	transcript(3), Postfix DEBUG_README, cmd_import(1).
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/fsutil.h"
#include "import/maillog.h"
#include "util/mem.h"
#include "util/msg.h"
#include "import/session.h"

#define MAX_LOG ((size_t)1 << 30) /* bytes of log read */
/* The largest BDAT chunk made up; the fuzz target builds with a small
 * one, so that its time goes to parsing rather than to making bytes. */
#ifndef HR_MAILLOG_MAX_CHUNK
#define HR_MAILLOG_MAX_CHUNK (16u << 20)
#endif

/* A made-up message: what the log does not show. */
static const char synthetic_message[] =
    "Subject: synthetic message\r\n"
    "\r\n"
    "The log does not record message content; this message stands in\r\n"
    "for the one of the logged session.\r\n"
    ".\r\n";

/* One logged line of a session: '<' the client, '>' the server. */
struct ev {
    int dir;
    char *text;
};

struct sess {
    long pid;
    char *peer, *addr;
    int first_line, last_line;
    struct ev *evs;
    size_t nev, cap;
    int closed, started;
    hr_strv notes;
};

struct hr_maillog {
    hr_session *ts;
    long *pids;
    char **addrs, **peers;
    size_t n;
    hr_strv notes;
};

/* Reading state. */
struct rd {
    const char *path;
    const hr_maillog_opts *o;
    struct sess **open;
    size_t nopen, ocap;
    size_t nsessions;
    hr_maillog *m;
};

/* grow - make room for one more element */
static void *grow(void *arr, size_t n, size_t *cap, size_t size)
{
    if (n < *cap)
        return arr;
    *cap = *cap ? 2 * *cap : 16;
    return hr_realloc(arr, *cap * size);
}

/* smtpd_msg - the message of an smtpd log line, and its process id */
static const char *smtpd_msg(const char *line, long *pid)
{
    for (const char *p = strstr(line, "smtpd["); p;
         p = strstr(p + 1, "smtpd[")) {
        const char *d = p + 6;
        size_t n = strspn(d, "0123456789");

        /* "postfix/smtpd[123]: " or a bare "smtpd[123]: " */
        if ((p == line || p[-1] == '/' || p[-1] == ' ') && n > 0 && n < 10 &&
            strncmp(d + n, "]: ", 3) == 0) {
            *pid = strtol(d, NULL, 10);
            return d + n + 3;
        }
    }
    return NULL;
}

/* peer_at - "name[addr]" or "name[addr]:port" at s; its end, or NULL */
static const char *peer_at(const char *s, char **peer, char **addr)
{
    const char *open = s + strcspn(s, "[ ");
    const char *close, *end;

    if (*open != '[' || open == s)
        return NULL;
    close = strchr(open, ']');
    if (close == NULL || close == open + 1)
        return NULL;
    end = close + 1;
    if (*end == ':' && isdigit((unsigned char)end[1]))
        end += 1 + strspn(end + 1, "0123456789");
    *peer = hr_strndup(s, (size_t)(close + 1 - s));
    *addr = hr_strndup(open + 1, (size_t)(close - open - 1));
    return end;
}

/* find_open - the open session of a process */
static struct sess *find_open(struct rd *r, long pid, size_t *at)
{
    for (size_t i = 0; i < r->nopen; i++)
        if (r->open[i]->pid == pid) {
            *at = i;
            return r->open[i];
        }
    return NULL;
}

/* new_sess - a session that starts at line */
static struct sess *new_sess(struct rd *r, long pid, char *peer, char *addr,
                             int line)
{
    struct sess *s = hr_calloc(1, sizeof(*s));

    s->pid = pid;
    s->peer = peer;
    s->addr = addr;
    s->first_line = s->last_line = line;
    r->open = grow(r->open, r->nopen, &r->ocap, sizeof(*r->open));
    r->open[r->nopen++] = s;
    return s;
}

/* sess_free - free a session */
static void sess_free(struct sess *s)
{
    for (size_t i = 0; i < s->nev; i++)
        hr_free(s->evs[i].text);
    hr_free(s->evs);
    hr_free(s->peer);
    hr_free(s->addr);
    hr_strv_release(&s->notes);
    hr_free(s);
}

/* synth_chunk - n made-up bytes of a BDAT chunk, lines where possible */
static void synth_chunk(hr_buf *b, size_t n, int first)
{
    static const char hdr[] = "Subject: synthetic BDAT content\r\n";
    size_t left = n;

    if (first && n >= sizeof(hdr) - 1 + 2) {
        hr_buf_puts(b, hdr);
        left -= sizeof(hdr) - 1;
    }
    while (left > 0) {
        size_t len;

        if (left == 1) {
            hr_buf_putc(b, 'x');
            break;
        }
        /* Lines of at most 76 bytes; never leave one byte over. */
        len = left <= 78 ? left : left - 76 == 1 ? 75 : 76;
        for (size_t i = 0; i + 2 < len; i++)
            hr_buf_putc(b, 'x');
        hr_buf_puts(b, "\r\n");
        left -= len;
    }
}

/* is_verb - the command's first word */
static int is_verb(const char *text, const char *verb)
{
    size_t n = strlen(verb);

    return strncasecmp(text, verb, n) == 0 &&
           (text[n] == 0 || text[n] == ' ' || text[n] == '\t');
}

/* replay - the logged lines as a transcript */
static void replay(hr_session *t, const struct sess *s)
{
    int in_data = 0, last_data = 0, first_chunk = 1, code = 0, reply_open = 0;

    for (size_t i = 0; i < s->nev; i++) {
        const struct ev *e = &s->evs[i];

        if (e->dir == '>') {
            /* The reply after a 354: the message went by unlogged. */
            if (in_data && !reply_open) {
                hr_session_client(t, synthetic_message,
                                     sizeof(synthetic_message) - 1,
                                     (long long)t->sdata.len);
                t->synthetic = 1;
                in_data = 0;
            }
            hr_session_server(t, e->text, strlen(e->text));
            hr_session_server(t, "\r\n", 2);
            if (!reply_open)
                code = atoi(e->text);
            reply_open = strlen(e->text) >= 4 && e->text[3] == '-';
            if (!reply_open && last_data && code == 354)
                in_data = 1;
            if (!reply_open)
                last_data = 0;
        } else {
            hr_buf w = HR_BUF_INIT;
            unsigned long long size;

            in_data = 0;
            reply_open = 0;
            hr_buf_puts(&w, e->text);
            hr_buf_puts(&w, "\r\n");
            last_data = is_verb(e->text, "DATA");
            if (is_verb(e->text, "MAIL"))
                first_chunk = 1;
            if (hr_session_bdat(e->text, &size)) {
                if (size <= HR_MAILLOG_MAX_CHUNK) {
                    synth_chunk(&w, (size_t)size, first_chunk);
                    t->synthetic = 1;
                } else
                    hr_strv_addf(&t->notes,
                                 "A BDAT chunk of %llu bytes is "
                                 "too large to make up.",
                                 size);
                first_chunk = 0;
            }
            hr_session_client(t, w.ptr, w.len, (long long)t->sdata.len);
            hr_buf_release(&w);
        }
    }
    if (in_data) {
        hr_strv_add(&t->notes, "The session ends inside a message.");
        t->cut = 1;
    }
    t->server_closed = s->closed && (code == 221 || code == 421);
}

/* finish - make a transcript of a session, or say why not */
static void finish(struct rd *r, struct sess *s)
{
    hr_maillog *m = r->m;
    const char *base = hr_path_basename(r->path);
    int has_reply = 0;
    hr_session t;
    char *st;
    size_t n;

    for (size_t i = 0; i < s->nev && !has_reply; i++)
        has_reply = s->evs[i].dir == '>';
    if (!has_reply) {
        hr_strv_addf(&m->notes,
                     "%s:%d: skipped the session of smtpd[%ld] "
                     "with %s: no '<' or '>' lines (is the client "
                     "in debug_peer_list?)",
                     r->path, s->first_line, s->pid, s->peer);
        sess_free(s);
        return;
    }
    n = m->n + 1;
    hr_session_init(&t);
    st = hr_session_stem(r->path);
    t.name = hr_sprintf("%s-%zu", st, n);
    hr_free(st);
    if (hr_session_set_client(&t, s->addr))
        t.about = hr_sprintf("%s session %zu: smtpd[%ld] with %s, lines "
                             "%d-%d (client %s replayed from 127.0.0.1)",
                             base, n, s->pid, s->peer, s->first_line,
                             s->last_line, s->addr);
    else
        t.about =
            hr_sprintf("%s session %zu: smtpd[%ld] with %s, lines %d-%d", base,
                       n, s->pid, s->peer, s->first_line, s->last_line);
    hr_strv_addf(&t.notes,
                 "Imported by 'pfharness import maillog' from %s, "
                 "session %zu.",
                 base, n);
    hr_strv_add(&t.notes, "The log shows no pipelining: each command goes "
                          "out by itself.");
    for (size_t i = 0; r->o->config && i < r->o->config->n; i++)
        hr_strv_add(&t.config, r->o->config->v[i]);
    for (size_t i = 0; r->o->skipped && i < r->o->skipped->n; i++)
        hr_strv_addf(&t.notes, "not from --config: %s", r->o->skipped->v[i]);
    hr_strv_addv(&t.notes, &s->notes);
    replay(&t, s);
    if (!hr_session_has_greeting(&t)) {
        hr_strv_addf(&m->notes,
                     "%s:%d: skipped the session of smtpd[%ld] "
                     "with %s: no complete reply from the server",
                     r->path, s->first_line, s->pid, s->peer);
        hr_session_release(&t);
        sess_free(s);
        return;
    }
    if (t.synthetic)
        hr_strv_add(&t.notes, "smtpd does not log message content: the "
                              "content here is made up.");
    if (!s->started || !s->closed) {
        hr_strv_add(&t.notes, s->started
                                  ? "The log ends before the session's "
                                    "disconnect."
                                  : "The log starts inside the session.");
        t.cut = 1;
    }
    m->ts = hr_realloc(m->ts, n * sizeof(*m->ts));
    m->pids = hr_realloc(m->pids, n * sizeof(*m->pids));
    m->addrs = hr_realloc(m->addrs, n * sizeof(*m->addrs));
    m->peers = hr_realloc(m->peers, n * sizeof(*m->peers));
    m->ts[m->n] = t;
    m->pids[m->n] = s->pid;
    m->addrs[m->n] = s->addr;
    m->peers[m->n] = s->peer;
    s->addr = s->peer = NULL;
    m->n = n;
    sess_free(s);
}

/* close_at - end the open session at index at */
static void close_at(struct rd *r, size_t at)
{
    struct sess *s = r->open[at];

    memmove(r->open + at, r->open + at + 1,
            (r->nopen - at - 1) * sizeof(*r->open));
    r->nopen--;
    finish(r, s);
}

/* add_ev - a logged line of a session */
static void add_ev(struct sess *s, int dir, const char *text, int line)
{
    s->evs = grow(s->evs, s->nev, &s->cap, sizeof(*s->evs));
    s->evs[s->nev].dir = dir;
    s->evs[s->nev].text = hr_strdup(text);
    s->nev++;
    s->last_line = line;
}

/* do_line - one line of the log */
static void do_line(struct rd *r, const char *line, int lineno)
{
    long pid;
    const char *msg = smtpd_msg(line, &pid);
    char *peer = NULL, *addr = NULL;
    const char *end;
    struct sess *s;
    size_t at = 0;

    if (msg == NULL)
        return;
    s = find_open(r, pid, &at);
    if (strncmp(msg, "connect from ", 13) == 0) {
        if ((end = peer_at(msg + 13, &peer, &addr)) == NULL)
            return;
        if (s) {
            hr_strv_add(&s->notes, "The session has no disconnect line.");
            s->closed = 0;
            close_at(r, at);
        }
        s = new_sess(r, pid, peer, addr, lineno);
        s->started = 1;
        return;
    }
    if (strncmp(msg, "disconnect from ", 16) == 0) {
        if (s) {
            s->closed = 1;
            s->last_line = lineno;
            close_at(r, at);
        }
        return;
    }
    if ((msg[0] == '<' || msg[0] == '>') && msg[1] == ' ' &&
        (end = peer_at(msg + 2, &peer, &addr)) != NULL && end[0] == ':' &&
        end[1] == ' ') {
        if (s == NULL)
            s = new_sess(r, pid, hr_strdup(peer), hr_strdup(addr), lineno);
        add_ev(s, msg[0], end + 2, lineno);
    } else if (s && (strncmp(msg, "lost connection after ", 22) == 0 ||
                     strncmp(msg, "timeout after ", 14) == 0)) {
        hr_strv_addf(&s->notes, "smtpd logged: %s", msg);
        s->last_line = lineno;
    }
    hr_free(peer);
    hr_free(addr);
}

/* hr_maillog_parse - sessions from log text */
int hr_maillog_parse(hr_maillog **out, const char *path, const char *text,
                     size_t len, const hr_maillog_opts *o)
{
    static const hr_maillog_opts none = HR_MAILLOG_OPTS_INIT;
    struct rd r;
    int lineno = 0;

    memset(&r, 0, sizeof(r));
    r.path = path;
    r.o = o ? o : &none;
    r.m = hr_calloc(1, sizeof(*r.m));
    for (size_t pos = 0; pos < len;) {
        const char *nl = memchr(text + pos, '\n', len - pos);
        size_t n = nl ? (size_t)(nl - text - pos) : len - pos;
        char *line = hr_strndup(text + pos, n);
        size_t l = strlen(line); /* a NUL byte ends the line early */

        lineno++;
        if (l && line[l - 1] == '\r')
            line[l - 1] = 0;
        do_line(&r, line, lineno);
        hr_free(line);
        pos += n + 1;
    }
    while (r.nopen)
        close_at(&r, 0);
    hr_free(r.open);
    if (r.m->n == 0) {
        hr_maillog_free(r.m);
        return hr_error_set(HR_EINPUT,
                            "%s: no smtpd session with '<' and '>' lines "
                            "(log them with debug_peer_list or smtpd -v)",
                            path);
    }
    *out = r.m;
    return 0;
}

/* hr_maillog_load - sessions from a log file */
int hr_maillog_load(hr_maillog **out, const char *path,
                    const hr_maillog_opts *o)
{
    hr_buf b = HR_BUF_INIT;
    int error;

    if ((error = hr_file_read(&b, path, MAX_LOG)) == 0)
        error = hr_maillog_parse(out, path, hr_buf_cstr(&b), b.len, o);
    hr_buf_release(&b);
    return error;
}

/* hr_maillog_count - number of sessions */
size_t hr_maillog_count(const hr_maillog *m)
{
    return m->n;
}

/* hr_maillog_session - session i, from 0; borrowed */
const hr_session *hr_maillog_session(const hr_maillog *m, size_t i)
{
    if (i >= m->n)
        hr_panic("hr_maillog_session: no session %zu of %zu", i, m->n);
    return &m->ts[i];
}

/* hr_maillog_pid - the smtpd process of session i */
long hr_maillog_pid(const hr_maillog *m, size_t i)
{
    if (i >= m->n)
        hr_panic("hr_maillog_pid: no session %zu of %zu", i, m->n);
    return m->pids[i];
}

/* hr_maillog_client - the client address of session i; borrowed */
const char *hr_maillog_client(const hr_maillog *m, size_t i)
{
    if (i >= m->n)
        hr_panic("hr_maillog_client: no session %zu of %zu", i, m->n);
    return m->addrs[i];
}

/* hr_maillog_peer - "name[addr]" of session i; borrowed */
const char *hr_maillog_peer(const hr_maillog *m, size_t i)
{
    if (i >= m->n)
        hr_panic("hr_maillog_peer: no session %zu of %zu", i, m->n);
    return m->peers[i];
}

/* hr_maillog_notes - what was skipped and why; borrowed */
const hr_strv *hr_maillog_notes(const hr_maillog *m)
{
    return &m->notes;
}

/* hr_maillog_free - free the sessions; NULL is fine */
void hr_maillog_free(hr_maillog *m)
{
    if (m == NULL)
        return;
    for (size_t i = 0; i < m->n; i++) {
        hr_session_release(&m->ts[i]);
        hr_free(m->addrs[i]);
        hr_free(m->peers[i]);
    }
    hr_free(m->ts);
    hr_free(m->pids);
    hr_free(m->addrs);
    hr_free(m->peers);
    hr_strv_release(&m->notes);
    hr_free(m);
}

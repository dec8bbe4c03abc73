/*
 * NAME
 *	observe/observe 3
 * SUMMARY
 *	assemble one normalized observation from a case's raw material
 * SYNOPSIS
 *	#include "observe/observe.h"
 *
 *	int	hr_observe(&out, raw)
 *	int	hr_observe_first_finding(&out, maillog)
 *	void	hr_observe_first_each(out, maillog)
 *	int	hr_observe_line_severity(line, len)
 * DESCRIPTION
 *	hr_observe() turns what one case left behind in one instance into
 *	plain text that is identical across runs of the same binary and
 *	still shows real differences. The text has sections, each starting
 *	with a line "== NAME"; empty sections are left out:
 *
 *	== transcript	the replay's transcript as given.
 *	== probe	sendmail's output.
 *	== dsn		each mailbox message that is a delivery status
 *			notification: "-- MAILBOX", its Subject and
 *			per-message fields, its per-recipient records
 *			sorted by recipient address, then "Text:" and the
 *			human-readable part, indented, with its
 *			per-recipient paragraphs ("<rcpt>: ...") sorted.
 *			A report lists recipients in the order their
 *			deliveries finished, which is not stable.
 *	== delivered	every other mailbox message: "-- MAILBOX" and the
 *			message.
 *	== sink		the sink's record; the SIZE that Postfix declares
 *			in MAIL FROM is masked (sink_body() says why).
 *	== log		panic, fatal, error and warning lines, and
 *			master's "killed by signal" and "terminat... on
 *			signal" lines, without the syslog time and host,
 *			except cleanup's warnings about a file system
 *			clock 1 second ahead (host_noise below).
 *			They are grouped by program in byte order, in log
 *			order within a program, because concurrent daemons
 *			interleave differently from run to run. The first
 *			finding (the earliest in log order of the most
 *			severe class present: panic, fatal, error,
 *			warning) is marked "* ", the others "  ".
 *	== sanitizer	one line per distinct sanitizer finding
 *			(hr_sanitizer_summary()).
 *
 *	Reports and messages are sorted by mailbox, then by their text
 *	normalized on its own, then by their text normalized after the
 *	earlier sections, so that the order depends on neither readdir
 *	nor delivery timing. Finally normalize(3) learns all sections in
 *	output order and rewrites them, so that Q1 means the same message
 *	everywhere. raw->instance_dir and raw->build_dir, when given, are
 *	replaced by INSTANCE and BUILD first.
 *
 *	The result is a new string (free with hr_free()).
 *
 *	hr_observe_first_finding() returns 1 and a copy of the raw log
 *	line that hr_observe() marks with "* ", for evidence, or 0 and
 *	NULL when the log has no finding.
 *
 *	hr_observe_first_each() sets out[0] .. out[3] to copies of the
 *	first raw log line (in log order) of each class, warning (with
 *	master's signal lines), error, fatal and panic, or to NULL where a
 *	class has none; for problem reports.
 *
 *	hr_observe_line_severity() says whether one raw log line would be
 *	in the "== log" section: 4 panic, 3 fatal, 2 error, 1 warning or
 *	master's signal line, 0 not (attrib(3) needs to know which lines
 *	an observation can see).
 * DIAGNOSTICS
 *	hr_observe() returns 0; it works on memory only.
 * SEE ALSO
 *	dsn(3), normalize(3), sanitizer(3), ../shared/DESIGN.md.
 */
#include <pthread.h>
#include <regex.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "observe/dsn.h"
#include "util/mem.h"
#include "util/msg.h"
#include "observe/normalize.h"
#include "observe/observe.h"
#include "observe/sanitizer.h"
#include "util/strv.h"

/* A report or message with its sort keys. */
struct item {
    char *box;  /* mailbox */
    char *raw;  /* rendered, not yet normalized */
    char *key1; /* normalized on its own */
    char *key2; /* normalized after the earlier sections */
};

struct items {
    struct item *v;
    size_t n;
};

/* A log finding. */
struct finding {
    size_t idx;       /* log order */
    int sev;          /* 1 warning .. 4 panic */
    char *prog;       /* postfix/smtpd */
    char *text;       /* the line without syslog time and host */
    const char *line; /* the raw line */
    size_t len;
};

static regex_t syslog_re;
static pthread_once_t syslog_once = PTHREAD_ONCE_INIT;

/* compile - the syslog prefix: time (BSD or ISO) and host */
static void compile(void)
{
    if (regcomp(&syslog_re,
                "^([A-Z][a-z]{2} [ 0-9][0-9] [0-9]{2}:[0-9]{2}:[0-9]{2}|"
                "[0-9]{4}-[0-9]{2}-[0-9]{2}T[^ ]+) [^ ]+ ",
                REG_EXTENDED) != 0)
        hr_panic("observe: bad syslog pattern");
}

/* blank - true for NULL or white space only */
static int blank(const char *s)
{
    return s == NULL || s[strspn(s, " \t\r\n")] == 0;
}

/* put_text - append text, ending with a newline */
static void put_text(hr_buf *b, const char *s, size_t len)
{
    /* NUL bytes would end the C string: show them. */
    for (size_t i = 0; i < len; i++) {
        if (s[i] == 0)
            hr_buf_puts(b, "^@");
        else
            hr_buf_putc(b, s[i]);
    }
    if (len && s[len - 1] != '\n')
        hr_buf_putc(b, '\n');
}

/* norm_after - normalize text after learning the earlier sections */
static char *norm_after(const hr_obs_raw *raw, const hr_strv *before,
                        const char *text)
{
    hr_norm *n;
    char *out;

    hr_norm_new(&n);
    if (raw) {
        hr_norm_literal(n, raw->instance_dir, "INSTANCE");
        hr_norm_literal(n, raw->build_dir, "BUILD");
    }
    for (size_t i = 0; before && i < before->n; i++)
        hr_norm_learn(n, before->v[i]);
    out = hr_norm_apply(n, text);
    hr_norm_free(n);
    return out;
}

/* item_cmp - by mailbox, own normal form, normal form in context */
static int item_cmp(const void *a, const void *b)
{
    const struct item *x = a, *y = b;
    int c;

    if ((c = strcmp(x->box, y->box)) != 0)
        return c;
    if ((c = strcmp(x->key1, y->key1)) != 0)
        return c;
    if ((c = strcmp(x->key2, y->key2)) != 0)
        return c;
    return strcmp(x->raw, y->raw);
}

/* items_add - append a rendered item, computing its sort keys */
static void items_add(struct items *it, const hr_obs_raw *raw,
                      const hr_strv *before, const char *box, char *text)
{
    struct item *i;

    it->v = hr_realloc(it->v, (it->n + 1) * sizeof(*it->v));
    i = &it->v[it->n++];
    i->box = hr_strdup(box ? box : "");
    i->raw = text;
    i->key1 = norm_after(raw, NULL, text);
    i->key2 = norm_after(raw, before, text);
}

/* items_join - sort, concatenate and release */
static char *items_join(struct items *it)
{
    hr_buf b = HR_BUF_INIT;

    if (it->n > 1)
        qsort(it->v, it->n, sizeof(*it->v), item_cmp);
    for (size_t i = 0; i < it->n; i++) {
        hr_buf_puts(&b, it->v[i].raw);
        hr_free(it->v[i].box);
        hr_free(it->v[i].raw);
        hr_free(it->v[i].key1);
        hr_free(it->v[i].key2);
    }
    hr_free(it->v);
    it->v = NULL;
    it->n = 0;
    return hr_buf_detach(&b);
}

/* A paragraph or record with its sort key. */
struct keyed {
    char *key;
    char *text;
};

/* keyed_cmp - by key, then by text */
static int keyed_cmp(const void *a, const void *b)
{
    const struct keyed *x = a, *y = b;
    int c = strcmp(x->key, y->key);

    return c ? c : strcmp(x->text, y->text);
}

/* keyed_flush - sort and append, then release */
static void keyed_flush(hr_buf *b, struct keyed *v, size_t n, const char *sep)
{
    if (n > 1)
        qsort(v, n, sizeof(*v), keyed_cmp);
    for (size_t i = 0; i < n; i++) {
        if (sep && i)
            hr_buf_puts(b, sep);
        hr_buf_puts(b, v[i].text);
        hr_free(v[i].key);
        hr_free(v[i].text);
    }
}

/* put_field - "Name: value\n" when value is present */
static void put_field(hr_buf *b, const char *name, const char *value)
{
    if (value)
        hr_buf_printf(b, "%s: %s\n", name, value);
}

/* put_paragraphs - the text part, indented, recipient paragraphs sorted */
static void put_paragraphs(hr_buf *b, const char *text)
{
    hr_strv paras = HR_STRV_INIT;
    struct keyed *rcpts = NULL;
    size_t nrcpt = 0, first = (size_t)-1;
    hr_buf cur = HR_BUF_INIT;
    const char *p = text;

    /* Split at empty lines into paragraphs, each line indented. */
    while (*p) {
        size_t l = strcspn(p, "\n");

        if (l == 0) {
            if (cur.len)
                hr_strv_add_owned(&paras, hr_buf_detach(&cur));
        } else {
            hr_buf_puts(&cur, "  ");
            hr_buf_put(&cur, p, l);
            hr_buf_putc(&cur, '\n');
        }
        p += l + (p[l] == '\n');
    }
    if (cur.len)
        hr_strv_add_owned(&paras, hr_buf_detach(&cur));
    for (size_t i = 0; i < paras.n; i++) {
        if (strncmp(paras.v[i], "  <", 3) != 0)
            continue;
        if (first == (size_t)-1)
            first = i;
        rcpts = hr_realloc(rcpts, (nrcpt + 1) * sizeof(*rcpts));
        rcpts[nrcpt].key = hr_normalize_text(paras.v[i]);
        rcpts[nrcpt].text = hr_strdup(paras.v[i]);
        nrcpt++;
    }
    /* Other paragraphs keep their places; recipients go where the first was. */
    for (size_t i = 0, out = 0; i < paras.n; i++) {
        if (i == first) {
            if (out++)
                hr_buf_putc(b, '\n');
            keyed_flush(b, rcpts, nrcpt, "\n");
        }
        if (strncmp(paras.v[i], "  <", 3) == 0)
            continue;
        if (out++)
            hr_buf_putc(b, '\n');
        hr_buf_puts(b, paras.v[i]);
    }
    hr_free(rcpts);
    hr_strv_release(&paras);
    hr_buf_release(&cur);
}

/* render_dsn - one report, records sorted by recipient */
static char *render_dsn(const char *box, const hr_dsn *d)
{
    static const char *const fields[] = {
        "Original-Envelope-Id", "Reporting-MTA",    "Received-From-MTA",
        "X-Postfix-Queue-ID",   "X-Postfix-Sender", "Arrival-Date"};
    size_t n = hr_dsn_count(d);
    struct keyed *recs = hr_calloc(n, sizeof(*recs));
    hr_buf b = HR_BUF_INIT, r = HR_BUF_INIT;

    hr_buf_printf(&b, "-- %s\n", box);
    put_field(&b, "Subject", hr_dsn_subject(d));
    for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
        put_field(&b, fields[i], hr_dsn_field(d, fields[i]));
    for (size_t i = 0; i < n; i++) {
        const hr_dsn_record *rec = hr_dsn_record_at(d, i);
        char *norm;

        hr_buf_putc(&r, '\n');
        put_field(&r, "Final-Recipient", rec->final_rcpt);
        put_field(&r, "Original-Recipient", rec->orig_rcpt);
        put_field(&r, "Action", rec->action);
        put_field(&r, "Status", rec->status);
        put_field(&r, "Remote-MTA", rec->remote_mta);
        put_field(&r, "Diagnostic-Code", rec->diagnostic);
        norm = hr_normalize_text(hr_buf_cstr(&r));
        recs[i].key =
            hr_sprintf("%s\n%s", hr_dsn_address(rec->final_rcpt), norm);
        recs[i].text = hr_buf_detach(&r);
        hr_free(norm);
    }
    keyed_flush(&b, recs, n, NULL);
    if (!blank(hr_dsn_text(d))) {
        hr_buf_puts(&b, "\nText:\n");
        put_paragraphs(&b, hr_dsn_text(d));
    }
    hr_free(recs);
    return hr_buf_detach(&b);
}

/* split_log_line - program and message of a Postfix log line */
static int split_log_line(const char *line, size_t len, char **prog,
                          char **text)
{
    char *copy = hr_strndup(line, len);
    const char *p = copy, *tag, *colon;
    regmatch_t m[1];

    if (regexec(&syslog_re, copy, 1, m, 0) == 0)
        p += m[0].rm_eo;
    tag = p;
    p += strcspn(p, "[: ");
    if (p == tag || (*p != '[' && *p != ':')) {
        hr_free(copy);
        return 0;
    }
    *prog = hr_strndup(tag, p - tag);
    colon = strstr(p, ": ");
    if (colon == NULL) {
        hr_free(*prog);
        hr_free(copy);
        return 0;
    }
    *text = hr_strdup(tag);
    hr_free(copy);
    return 1;
}

/*
 * Warnings that depend on the host, not on Postfix or the case. With
 * multigrain timestamps (Linux 6.13 and later, ext4, xfs, tmpfs, ...) a
 * new file's mtime comes from the fine clock, while time() reads the
 * coarse one: a queue file written in the last few milliseconds of a
 * second has an mtime one second "ahead". cleanup then logs these two
 * lines, resets the time stamp and carries on, so they come and go from
 * run to run of the same case.
 */
static const char *const host_noise[] = {
    "file system clock is 1 seconds ahead of local clock",
    "resetting file time stamps - this hurts performance",
    NULL,
};

/* severity - 4 panic, 3 fatal, 2 error, 1 warning or signal, 0 none */
static int severity(const char *text)
{
    for (const char *const *h = host_noise; *h; h++)
        if (strstr(text, *h))
            return 0;

    static const char *const levels[] = {
        "warning: ", "error: ", "fatal: ", "panic: "};
    const char *msg = strstr(text, ": ");

    msg = msg ? msg + 2 : text;
    for (int pass = 0; pass < 2; pass++) {
        size_t n;

        for (int i = 0; i < 4; i++)
            if (strncmp(msg, levels[i], strlen(levels[i])) == 0)
                return i + 1;
        /* cleanup's "QUEUEID: warning: header ..." */
        n = strspn(msg, "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
                        "abcdefghijklmnopqrstuvwxyz");
        if (n == 0 || strncmp(msg + n, ": ", 2) != 0)
            break;
        msg += n + 2;
    }
    if (strstr(msg, "killed by signal") ||
        strstr(msg, "terminated on signal") ||
        strstr(msg, "terminating on signal"))
        return 1;
    return 0;
}

/* hr_observe_line_severity - what hr_observe() makes of one raw log
 * line: 4 panic, 3 fatal, 2 error, 1 warning or a signal line, 0 a line
 * the observation leaves out */
int hr_observe_line_severity(const char *line, size_t len)
{
    char *prog, *text;
    int sev;

    pthread_once(&syslog_once, compile);
    if (len && line[len - 1] == '\r')
        len--;
    if (!split_log_line(line, len, &prog, &text))
        return 0;
    sev = severity(text);
    hr_free(prog);
    hr_free(text);
    return sev;
}

/* finding_cmp - by program, then log order */
static int finding_cmp(const void *a, const void *b)
{
    const struct finding *x = a, *y = b;
    int c = strcmp(x->prog, y->prog);

    if (c)
        return c;
    return x->idx < y->idx ? -1 : x->idx > y->idx;
}

/* scan_findings - the findings of a log, sorted; *first is the marked one */
static size_t scan_findings(struct finding **out, size_t *first,
                            const char *log)
{
    struct finding *v = NULL;
    size_t n = 0, idx = 0;
    const char *p = log ? log : "";

    pthread_once(&syslog_once, compile);
    *first = (size_t)-1;
    while (*p) {
        size_t len = strcspn(p, "\n");
        char *prog, *text;
        int sev;

        if (len && p[len - 1] == '\r')
            len--;
        if (split_log_line(p, len, &prog, &text)) {
            if ((sev = severity(text)) > 0) {
                v = hr_realloc(v, (n + 1) * sizeof(*v));
                v[n].idx = idx;
                v[n].sev = sev;
                v[n].prog = prog;
                v[n].text = text;
                v[n].line = p;
                v[n].len = len;
                n++;
            } else {
                hr_free(prog);
                hr_free(text);
            }
        }
        idx++;
        p += strcspn(p, "\n");
        p += *p == '\n';
    }
    if (n > 1)
        qsort(v, n, sizeof(*v), finding_cmp);
    for (size_t i = 0; i < n; i++)
        if (*first == (size_t)-1 || v[i].sev > v[*first].sev ||
            (v[i].sev == v[*first].sev && v[i].idx < v[*first].idx))
            *first = i;
    *out = v;
    return n;
}

/* findings_free - release */
static void findings_free(struct finding *v, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        hr_free(v[i].prog);
        hr_free(v[i].text);
    }
    hr_free(v);
}

/* render_log - the log section */
static char *render_log(const char *log)
{
    struct finding *v;
    size_t first, n = scan_findings(&v, &first, log);
    hr_buf b = HR_BUF_INIT;

    for (size_t i = 0; i < n; i++)
        hr_buf_printf(&b, "%s%s\n", i == first ? "* " : "  ", v[i].text);
    findings_free(v, n);
    return hr_buf_detach(&b);
}

/* hr_observe_first_finding - the raw line that hr_observe() marks */
int hr_observe_first_finding(char **out, const char *maillog)
{
    struct finding *v;
    size_t first, n = scan_findings(&v, &first, maillog);

    *out = n ? hr_strndup(v[first].line, v[first].len) : NULL;
    findings_free(v, n);
    return n ? 1 : 0;
}

/* hr_observe_first_each - the first raw line of each class */
void hr_observe_first_each(char *out[4], const char *maillog)
{
    struct finding *v;
    size_t first, n = scan_findings(&v, &first, maillog);
    size_t best[4] = {(size_t)-1, (size_t)-1, (size_t)-1, (size_t)-1};

    for (size_t i = 0; i < n; i++) {
        size_t *b = &best[v[i].sev - 1];

        if (*b == (size_t)-1 || v[i].idx < v[*b].idx)
            *b = i;
    }
    for (int k = 0; k < 4; k++)
        out[k] = best[k] == (size_t)-1
                     ? NULL
                     : hr_strndup(v[best[k]].line, v[best[k]].len);
    findings_free(v, n);
}

/* add_section - append a section unless it is empty; takes body */
static void add_section(hr_strv *heads, hr_strv *bodies, const char *head,
                        char *body)
{
    if (blank(body)) {
        hr_free(body);
        return;
    }
    hr_strv_add(heads, head);
    hr_strv_add_owned(bodies, body);
}

/* text_body - a copy of a plain section's text, newline-terminated */
static char *text_body(const char *s)
{
    hr_buf b = HR_BUF_INIT;

    if (s)
        put_text(&b, s, strlen(s));
    return hr_buf_detach(&b);
}

/* sink_body - the sink's record, with the SIZE that Postfix declares
 * masked: it counts the message's own headers, whose queue id grows by a
 * hex digit when the queue file's inode number does, so two instances on
 * different file systems can declare sizes that differ by a few bytes.
 * The message itself is in the record, byte for byte. */
static char *sink_body(const char *s)
{
    static const char mail[] = "> MAIL FROM:";
    hr_buf b = HR_BUF_INIT;
    char *body;

    if (s == NULL)
        return text_body(NULL);
    while (*s) {
        size_t n = strcspn(s, "\n");
        const char *size = NULL;

        if (strncmp(s, mail, sizeof(mail) - 1) == 0) {
            for (const char *p = s; p < s + n; p++)
                if (strncmp(p, " SIZE=", 6) == 0) {
                    size = p + 6;
                    break;
                }
        }
        if (size) {
            size_t digits = strspn(size, "0123456789");

            hr_buf_put(&b, s, (size_t)(size - s));
            hr_buf_puts(&b, "N");
            hr_buf_put(&b, size + digits, (size_t)(s + n - size - digits));
        } else {
            hr_buf_put(&b, s, n);
        }
        if (s[n] == '\n')
            hr_buf_putc(&b, '\n');
        s += n + (s[n] == '\n');
    }
    body = text_body(hr_buf_cstr(&b));
    hr_buf_release(&b);
    return body;
}

/* hr_observe - build the normalized observation */
int hr_observe(hr_obs **out, const hr_obs_raw *raw)
{
    hr_strv heads = HR_STRV_INIT, bodies = HR_STRV_INIT;
    struct items dsns = {NULL, 0}, msgs = {NULL, 0};
    hr_obs *o;
    hr_norm *n;
    char *san, *isdsn;

    add_section(&heads, &bodies, "transcript", text_body(raw->transcript));
    add_section(&heads, &bodies, "probe", text_body(raw->probe_output));
    /* A message that does not parse as a DSN is a delivered message. */
    isdsn = hr_calloc(raw->nmail, 1);
    for (size_t i = 0; i < raw->nmail; i++) {
        const hr_obs_msg *m = &raw->mail[i];
        hr_dsn *d;

        if (hr_dsn_parse(&d, m->text, m->len) == 0) {
            isdsn[i] = 1;
            items_add(&dsns, raw, &bodies, m->rcpt, render_dsn(m->rcpt, d));
            hr_dsn_free(d);
        }
    }
    add_section(&heads, &bodies, "dsn", items_join(&dsns));
    for (size_t i = 0; i < raw->nmail; i++) {
        const hr_obs_msg *m = &raw->mail[i];
        hr_buf t = HR_BUF_INIT;

        if (isdsn[i])
            continue;
        hr_buf_printf(&t, "-- %s\n", m->rcpt);
        put_text(&t, m->text, m->len);
        items_add(&msgs, raw, &bodies, m->rcpt, hr_buf_detach(&t));
    }
    hr_free(isdsn);
    add_section(&heads, &bodies, "delivered", items_join(&msgs));
    add_section(&heads, &bodies, "sink", sink_body(raw->sink));
    add_section(&heads, &bodies, "log", render_log(raw->maillog));
    san = hr_sanitizer_summary(raw->sanitizer);
    add_section(&heads, &bodies, "sanitizer", san);

    /* Learn everything in output order, then rewrite. */
    hr_norm_new(&n);
    hr_norm_literal(n, raw->instance_dir, "INSTANCE");
    hr_norm_literal(n, raw->build_dir, "BUILD");
    for (size_t i = 0; i < bodies.n; i++)
        hr_norm_learn(n, bodies.v[i]);
    hr_obs_new(&o);
    for (size_t i = 0; i < bodies.n; i++) {
        char *norm = hr_norm_apply(n, bodies.v[i]);

        hr_obs_add(o, heads.v[i], norm);
        hr_free(norm);
    }
    hr_norm_free(n);
    hr_strv_release(&heads);
    hr_strv_release(&bodies);
    *out = o;
    return 0;
}

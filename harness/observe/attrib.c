/*
 * NAME
 *	observe/attrib 3
 * SUMMARY
 *	whose is each log line, message and sink session of a batch
 * SYNOPSIS
 *	#include "observe/attrib.h"
 *
 *	int	hr_attrib_new(out, seeds, n, log)
 *	const char *hr_attrib_why(a)
 *	const char *hr_attrib_log(a, i)
 *	int	hr_attrib_claim(a, what, text)
 *	size_t	hr_attrib_qids(a)
 *	void	hr_attrib_free(a)
 * DESCRIPTION
 *	A batch is several SMTP sessions played one after another on one
 *	instance without waiting for each one's mail to be delivered; then
 *	the instance settles once, and its log slice, mailboxes and sink
 *	hold the material of all of them. attrib divides that material
 *	among the sessions by what Postfix itself says, or says that it
 *	cannot.
 *
 *	A session owns the queue IDs of its "queued as X" replies and those
 *	its smtpd named in the log (a transaction that was rejected or
 *	reset), and the IDs that Postfix derives from them: "forwarded as Y"
 *	(local's aliases and .forward), "notification: Y" (bounce's
 *	reports). It owns its smtpd (seed->smtpd_pid) and the processes of
 *	single-use programs (cleanup, local, virtual, smtp, lmtp, pipe,
 *	error, discard: one message each, since max_use is 1) that logged
 *	only its IDs; a process is its program and pid, so that a reused
 *	pid is another process. qmgr, bounce and trivial-rewrite serve
 *	every session: their lines count by queue ID only. A log line is
 *	the session's when it names
 *	one of its IDs after "prog[pid]: " (or after "warning: " and the
 *	like), or comes from one of its processes, or is master's line
 *	about one of its processes ("process ... pid N ...").
 *
 *	hr_attrib_new() reads the batch's log slice with the seeds; each
 *	session's lines are then in hr_attrib_log() in log order.
 *	hr_attrib_claim() gives the index of the session that a message or
 *	a sink session belongs to: the one whose queue IDs it names (as
 *	whole words: Received's "id X", X-Postfix-Queue-ID, a report's
 *	boundary).
 *
 *	The division is all or nothing. hr_attrib_why() is NULL when it
 *	holds, else why not, and then the caller must run the sessions
 *	one by one. It does not hold when a line that an observation
 *	shows (hr_observe_line_severity()) has no owner or two; when a
 *	queue ID in the log belongs to no session or to two (a verify
 *	probe, a double bounce); when a process's lines name the IDs of
 *	two sessions and it logged a finding without one; when a message
 *	or sink session names no session's ID or several; and when mail
 *	was deferred, since deferral can be a concurrent message's doing
 *	(qmgr's destination throttling) and one by one it would not be.
 *	Lines that no observation shows and that have no single owner
 *	(qmgr's and trivial-rewrite's notes, master's start-up) are left
 *	out.
 * DIAGNOSTICS
 *	hr_attrib_new() returns 0; it works on memory only.
 * SEE ALSO
 *	observe(3), caserun(3).
 */
#include <pthread.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "observe/attrib.h"
#include "observe/observe.h"
#include "util/buf.h"
#include "util/mem.h"
#include "util/msg.h"
#include "util/strv.h"

#define NONE ((size_t)-1)
#define MANY ((size_t)-2)

/* One line of the slice. */
struct line {
    const char *text;
    size_t len;
    long pid;           /* prog[pid], or 0 */
    int master;         /* postfix/master */
    long about_pid;     /* master's "process PATH pid N": N ... */
    char *about_prog;   /* ... and PATH, or NULL */
    char *prog;         /* "postfix/cleanup", or NULL */
    char *qid;          /* "prog[pid]: [warning: ]QID: ", or NULL */
    hr_strv links;      /* "forwarded as Y", "notification: Y" */
    int sev;
};

/* A process of the slice. */
struct proc {
    const char *prog;   /* its program's last name: "smtpd" */
    long pid;
    size_t owner;       /* a session, NONE or MANY */
};

/* The programs whose processes handle one message each (max_use = 1,
 * one request per process): a process of one of them that names a
 * session's queue ID works for that session only. qmgr, bounce (which
 * lives longer), trivial-rewrite and the others serve every session. */
static const char *const single_use[] = {
    "cleanup", "local", "virtual", "smtp", "lmtp", "pipe", "error",
    "discard", NULL,
};

/* base - "cleanup" of "postfix/cleanup" or "/usr/libexec/postfix/cleanup" */
static const char *base(const char *prog)
{
    const char *slash = prog ? strrchr(prog, '/') : NULL;

    return slash ? slash + 1 : prog;
}

/* single - a tag "postfix/cleanup" of a single-use program */
static int single(const char *prog)
{
    const char *b = base(prog);

    return b && hr_strv_member(single_use, b, strlen(b));
}

struct hr_attrib {
    size_t n;
    hr_strv qids;       /* every owned queue ID ... */
    size_t *qid_owner;  /* ... and its session */
    size_t qid_cap;
    hr_buf *logs;       /* per session */
    char *why;
};

static regex_t qid_re, tag_re;
static pthread_once_t once = PTHREAD_ONCE_INIT;

/* compile - a queue ID on its own (normalize(3)'s grammar), and a line's
 * "prog[pid]: " after the syslog time and host */
static void compile(void)
{
    if (regcomp(&qid_re,
                "^([0-9A-F]{6,}|[0-9B-DF-HJ-NP-TV-Zb-df-hj-np-tv-z]{10,}z"
                "[0-9B-DF-HJ-NP-TV-Zb-df-hj-np-tv-y]+)$",
                REG_EXTENDED | REG_NOSUB) != 0 ||
        regcomp(&tag_re,
                "^([A-Z][a-z]{2} [ 0-9][0-9] [0-9]{2}:[0-9]{2}:[0-9]{2}|"
                "[0-9]{4}-[0-9]{2}-[0-9]{2}T[^ ]+) [^ ]+ "
                "([A-Za-z0-9/_.-]+)\\[([0-9]+)\\]: ",
                REG_EXTENDED) != 0)
        hr_panic("attrib: bad pattern");
}

/* is_qid - s[0..n) is a queue ID */
static int is_qid(const char *s, size_t n)
{
    char buf[64];

    if (n == 0 || n >= sizeof(buf))
        return 0;
    memcpy(buf, s, n);
    buf[n] = 0;
    return regexec(&qid_re, buf, 0, NULL, 0) == 0;
}

/* word_len - the run of letters and digits at s */
static size_t word_len(const char *s, const char *end)
{
    size_t n = 0;

    while (s + n < end &&
           ((s[n] >= '0' && s[n] <= '9') || (s[n] >= 'A' && s[n] <= 'Z') ||
            (s[n] >= 'a' && s[n] <= 'z')))
        n++;
    return n;
}

/* find_links - the IDs after each "forwarded as " and "notification: " */
static void find_links(hr_strv *out, const char *s, const char *end)
{
    static const char *const keys[] = {"forwarded as ", "notification: ",
                                       NULL};

    for (const char *const *k = keys; *k; k++) {
        size_t kl = strlen(*k);

        for (const char *p = s; p + kl <= end; p++) {
            size_t n;

            if (memcmp(p, *k, kl) != 0)
                continue;
            n = word_len(p + kl, end);
            if (is_qid(p + kl, n))
                hr_strv_add_owned(out, hr_strndup(p + kl, n));
        }
    }
}

/* parse - one raw line */
static void parse(struct line *l)
{
    regmatch_t m[4];
    char *copy = hr_strndup(l->text, l->len);
    const char *end = l->text + l->len, *p;

    memset(&l->links, 0, sizeof(l->links));
    l->sev = hr_observe_line_severity(l->text, l->len);
    if (regexec(&tag_re, copy, 4, m, 0) != 0) {
        hr_free(copy);
        return;
    }
    l->pid = atol(copy + m[3].rm_so);
    l->master = m[2].rm_eo - m[2].rm_so >= 6 &&
                strncmp(copy + m[2].rm_eo - 6, "master", 6) == 0;
    p = l->text + m[0].rm_eo;
    l->prog = hr_strndup(copy + m[2].rm_so, (size_t)(m[2].rm_eo - m[2].rm_so));
    hr_free(copy);
    /* "QID: ", or "warning: QID: " and the like */
    for (int pass = 0; pass < 2 && p < end; pass++) {
        size_t n = word_len(p, end);

        if (p + n + 1 < end && p[n] == ':' && p[n + 1] == ' ') {
            if (is_qid(p, n)) {
                l->qid = hr_strndup(p, n);
                p += n + 2;
                break;
            }
            p += n + 2;
            continue;
        }
        break;
    }
    find_links(&l->links, p, end);
    if (l->master) {
        /* "warning: process /usr/libexec/postfix/local pid 102 ..." */
        const char *q = memmem(p, (size_t)(end - p), "process ", 8), *path;
        size_t pl;

        if (q == NULL)
            return;
        path = q + 8;
        pl = strcspn(path, " \n");
        if (path + pl + 5 < end && memcmp(path + pl, " pid ", 5) == 0 &&
            path[pl + 5] >= '0' && path[pl + 5] <= '9') {
            l->about_prog = hr_strndup(path, pl);
            l->about_pid = atol(path + pl + 5);
        }
    }
}

/* owner_of - the session of a queue ID, or NONE */
static size_t owner_of(const hr_attrib *a, const char *qid)
{
    int i = hr_strv_find(&a->qids, qid);

    return i < 0 ? NONE : a->qid_owner[i];
}

/* own - the queue ID is session s's; 0, or -1 when another's already */
static int own(hr_attrib *a, const char *qid, size_t s)
{
    size_t o = owner_of(a, qid);

    if (o != NONE)
        return o == s ? 0 : -1;
    if (a->qids.n == a->qid_cap) {
        a->qid_cap = a->qid_cap ? 2 * a->qid_cap : 16;
        a->qid_owner = hr_realloc(a->qid_owner,
                                  a->qid_cap * sizeof(size_t));
    }
    a->qid_owner[a->qids.n] = s;
    hr_strv_add(&a->qids, qid);
    return 0;
}

/* set_why - the first reason the division fails */
static void set_why(hr_attrib *a, const char *fmt, const char *arg,
                    size_t len)
{
    if (a->why == NULL)
        a->why = hr_sprintf(fmt, (int)(len > 160 ? 160 : len), arg);
}

/* roots - the "queued as X" of a transcript's replies ("< " lines: what
 * the client sent may say anything) */
static void roots(hr_attrib *a, const char *t, size_t s)
{
    static const char key[] = "queued as ";

    for (const char *line = t ? t : ""; *line;) {
        size_t len = strcspn(line, "\n");
        const char *end = line + len;

        if (len > 2 && line[0] == '<' && line[1] == ' ') {
            for (const char *p = line; p + sizeof(key) - 1 <= end; p++) {
                const char *id = p + sizeof(key) - 1;
                size_t n;
                char *q;

                if (memcmp(p, key, sizeof(key) - 1) != 0)
                    continue;
                n = word_len(id, end);
                if (!is_qid(id, n))
                    continue;
                q = hr_strndup(id, n);
                if (own(a, q, s) < 0)
                    set_why(a, "queue ID %.*s was queued by two sessions", q,
                            strlen(q));
                hr_free(q);
            }
        }
        line = end + (*end == '\n');
    }
}

/* proc_find - the process entry of a program (by its last name) and pid,
 * or NULL */
static struct proc *proc_find(struct proc *v, size_t n, const char *prog,
                              long pid)
{
    for (size_t i = 0; i < n; i++)
        if (v[i].pid == pid && prog && strcmp(v[i].prog, base(prog)) == 0)
            return &v[i];
    return NULL;
}

/* proc_at - the process entry of prog and pid, made when new */
static struct proc *proc_at(struct proc **v, size_t *n, const char *prog,
                            long pid)
{
    struct proc *p = proc_find(*v, *n, prog, pid);

    if (p)
        return p;
    *v = hr_realloc(*v, (*n + 1) * sizeof(**v));
    (*v)[*n].prog = base(prog);
    (*v)[*n].pid = pid;
    (*v)[*n].owner = NONE;
    return &(*v)[(*n)++];
}

/* proc_own - the process worked for session s too */
static void proc_own(struct proc *p, size_t s)
{
    if (p->owner == NONE)
        p->owner = s;
    else if (p->owner != s)
        p->owner = MANY;
}

/* hr_attrib_new - divide a batch's log slice among its sessions */
int hr_attrib_new(hr_attrib **out, const hr_attrib_seed *seeds, size_t n,
                  const char *log)
{
    hr_attrib *a = hr_calloc(1, sizeof(*a));
    struct line *lines = NULL;
    struct proc *procs = NULL;
    size_t nlines = 0, nprocs = 0;
    int changed;

    pthread_once(&once, compile);
    a->n = n;
    a->logs = hr_calloc(n ? n : 1, sizeof(hr_buf));
    for (size_t s = 0; s < n; s++)
        hr_buf_init(&a->logs[s], 0);
    for (size_t s = 0; s < n; s++)
        roots(a, seeds[s].transcript, s);
    for (const char *p = log ? log : ""; *p;) {
        size_t len = strcspn(p, "\n");

        if (len > 0) {
            lines = hr_realloc(lines, (nlines + 1) * sizeof(*lines));
            memset(&lines[nlines], 0, sizeof(*lines));
            lines[nlines].text = p;
            lines[nlines].len = len;
            parse(&lines[nlines]);
            nlines++;
        }
        p += len;
        p += *p == '\n';
    }
    /* The IDs a session's smtpd named: also those of transactions that
     * ended without "queued as" (a rejected message, RSET). */
    for (size_t i = 0; i < nlines; i++)
        for (size_t s = 0; s < n && lines[i].qid; s++)
            if (seeds[s].smtpd_pid > 0 && lines[i].pid == seeds[s].smtpd_pid &&
                !lines[i].master && own(a, lines[i].qid, s) < 0)
                set_why(a, "queue ID %.*s was named by two sessions",
                        lines[i].qid, strlen(lines[i].qid));
    /* Derived IDs, until nothing new: a report's cleanup line comes
     * before bounce's "notification: Y". */
    do {
        changed = 0;
        for (size_t i = 0; i < nlines; i++) {
            size_t o = lines[i].qid ? owner_of(a, lines[i].qid) : NONE;

            if (o == NONE)
                continue;
            for (size_t k = 0; k < lines[i].links.n; k++) {
                const char *y = lines[i].links.v[k];

                if (owner_of(a, y) == NONE) {
                    own(a, y, o);
                    changed = 1;
                } else if (owner_of(a, y) != o) {
                    set_why(a, "queue ID %.*s derives from two sessions", y,
                            strlen(y));
                }
            }
        }
    } while (changed);
    /* The processes: the sessions' smtpd, and the single-use ones by
     * the IDs they named. */
    for (size_t s = 0; s < n; s++)
        if (seeds[s].smtpd_pid > 0)
            proc_own(proc_at(&procs, &nprocs, "smtpd", seeds[s].smtpd_pid),
                     s);
    for (size_t i = 0; i < nlines; i++) {
        struct line *l = &lines[i];
        size_t o;

        if (l->qid == NULL)
            continue;
        if ((o = owner_of(a, l->qid)) == NONE) {
            set_why(a, "a queue ID that no session queued: %.*s", l->text,
                    l->len);
            continue;
        }
        if (l->pid > 0 && !l->master && single(l->prog))
            proc_own(proc_at(&procs, &nprocs, l->prog, l->pid), o);
    }
    /* Each line to its session. */
    for (size_t i = 0; i < nlines; i++) {
        struct line *l = &lines[i];
        struct proc *p = NULL;
        size_t o = NONE;

        if (l->qid)
            o = owner_of(a, l->qid);
        else if (l->master && l->about_pid > 0)
            p = proc_find(procs, nprocs, l->about_prog, l->about_pid);
        else if (l->pid > 0 && !l->master)
            p = proc_find(procs, nprocs, l->prog, l->pid);
        if (p)
            o = p->owner;
        if (o != NONE && o != MANY) {
            hr_buf_put(&a->logs[o], l->text, l->len);
            hr_buf_putc(&a->logs[o], '\n');
        } else if (l->sev > 0) {
            set_why(a, "a log line that no one session owns: %.*s", l->text,
                    l->len);
        }
        if (memmem(l->text, l->len, "status=deferred", 15) != NULL)
            set_why(a, "mail was deferred: %.*s", l->text, l->len);
    }
    for (size_t i = 0; i < nlines; i++) {
        hr_free(lines[i].qid);
        hr_free(lines[i].prog);
        hr_free(lines[i].about_prog);
        hr_strv_release(&lines[i].links);
    }
    hr_free(lines);
    hr_free(procs);
    *out = a;
    return 0;
}

/* hr_attrib_why - NULL when the division holds, else why not */
const char *hr_attrib_why(const hr_attrib *a)
{
    return a->why;
}

/* hr_attrib_log - session i's lines, in log order */
const char *hr_attrib_log(const hr_attrib *a, size_t i)
{
    if (i >= a->n)
        hr_panic("hr_attrib_log: no session %zu", i);
    return hr_buf_cstr(&a->logs[i]);
}

/* hr_attrib_qids - how many queue IDs the sessions own */
size_t hr_attrib_qids(const hr_attrib *a)
{
    return a->qids.n;
}

/* hr_attrib_claim - the session whose queue IDs a text names; -1, with
 * the reason in hr_attrib_why(), when none or several */
int hr_attrib_claim(hr_attrib *a, const char *what, const char *text)
{
    size_t found = NONE, tl = strlen(text);

    for (size_t q = 0; q < a->qids.n; q++) {
        const char *id = a->qids.v[q];
        size_t il = strlen(id);

        for (const char *p = strstr(text, id); p; p = strstr(p + 1, id)) {
            const char *e = p + il;

            if ((p > text && word_len(p - 1, text + tl) > 0) ||
                word_len(e, text + tl) > 0)
                continue;
            if (found == NONE)
                found = a->qid_owner[q];
            else if (found != a->qid_owner[q])
                found = MANY;
            break;
        }
    }
    if (found == NONE || found == MANY) {
        set_why(a, found == NONE ? "%.*s names no session's queue ID"
                                 : "%.*s names the queue IDs of two sessions",
                what, strlen(what));
        return -1;
    }
    return (int)found;
}

/* hr_attrib_free - release; NULL is fine */
void hr_attrib_free(hr_attrib *a)
{
    if (a == NULL)
        return;
    for (size_t s = 0; s < a->n; s++)
        hr_buf_release(&a->logs[s]);
    hr_free(a->logs);
    hr_strv_release(&a->qids);
    hr_free(a->qid_owner);
    hr_free(a->why);
    hr_free(a);
}

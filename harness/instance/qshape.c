/*
 * NAME
 *	instance/qshape 3
 * SUMMARY
 *	queue shape: messages by recipient domain and age, as qshape(1)
 * SYNOPSIS
 *	#include "instance/qshape.h"
 *
 *	int	hr_qshape(out, queue_dir, now)
 * DESCRIPTION
 *	hr_qshape() reads the queue files of a stopped instance directly
 *	(queue_dir/incoming, active, deferred, hold, maildrop, with their
 *	hashed subdirectories) and renders one table per queue in the
 *	layout of Postfix's qshape(1) with its defaults: one row per
 *	recipient domain, most recipients first, after the TOTAL row; a
 *	column T with the total, then age buckets of 5, 10, 20, ... 1280
 *	and 1280+ minutes. Each queue's table follows a line
 *	"QUEUE: N messages, R recipients".
 *
 *	The queue files are parsed as qshape.pl does it: the size and
 *	time records at the start (or, in maildrop, the time record that
 *	postdrop writes first, which qshape.pl 3.7.11 misses, or else the
 *	file's mtime), the
 *	sender, the recipients still to be delivered ('R' records),
 *	following pointer records, up to the end record. Only complete
 *	files count (mode 0700, as cleanup(8) leaves them). Ages are
 *	counted back from now, given in seconds since the epoch, so that
 *	a bundle of an old run shows the queue as it was when the run
 *	ended.
 *
 *	An empty queue gives an all-zero TOTAL row: that is the normal
 *	shape after a run, which waits until no mail is in flight.
 *
 *	The result is a new string; the caller frees it.
 * DIAGNOSTICS
 *	Negative with hr_error_set() when queue_dir cannot be read. Queue
 *	files that are not complete or not valid are skipped, as qshape
 *	skips them; a missing queue directory counts as empty.
 * SEE ALSO
 *	qshape(1), QSHAPE_README, bundle(3).
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "instance/qshape.h"
#include "util/buf.h"
#include "util/fsutil.h"
#include "util/mem.h"
#include "util/msg.h"
#include "util/strv.h"

#define NBUCKETS 10           /* qshape's -b default */
#define TICK 5                /* minutes; qshape's -t default */
#define WIDTH 80              /* qshape's -w default */
#define MIN_DOMAIN_WIDTH 18   /* qshape's $dwidth */
#define MAX_QFILE (64u << 20) /* a larger queue file is not parsed */
#define MAX_RECORDS 1000000   /* records per file, pointers included */
#define MAX_DEPTH 4           /* hashed queue directories nest this deep */

static const char *const queues[] = {"incoming", "active",   "deferred",
                                     "hold",     "maildrop", NULL};

/* One row: a domain and its counts; [0] total, [1..NBUCKETS] by age. */
struct row {
    char *domain;
    long count[NBUCKETS + 1];
};

struct table {
    struct row *rows; /* rows[0] is TOTAL */
    size_t n;
    long messages;
};

/* A queue file's envelope, as qshape reads it. */
struct env {
    long long time;
    int have_time, have_sender;
    hr_strv rcpts;
};

/* rec_get - one record at *pos: type, data, length; 0 at the end */
static int rec_get(const unsigned char *f, size_t flen, size_t *pos, int *type,
                   const unsigned char **data, size_t *len)
{
    size_t l = 0, p = *pos;
    int shift = 0;

    if (p >= flen)
        return 0;
    *type = f[p++];
    for (;;) {
        if (p >= flen)
            return 0;
        l |= (size_t)(f[p] & 0x7f) << shift;
        if ((f[p++] & 0x80) == 0)
            break;
        if ((shift += 7) > 14)
            return 0;
    }
    if (l > flen - p)
        return 0;
    *data = f + p;
    *len = l;
    *pos = p + l;
    return 1;
}

/* number - the leading decimal number of a record, or -1 */
static long long number(const unsigned char *d, size_t len)
{
    long long v = 0;
    size_t i = 0;

    while (i < len && d[i] == ' ')
        i++;
    if (i == len || d[i] < '0' || d[i] > '9')
        return -1;
    for (; i < len && d[i] >= '0' && d[i] <= '9'; i++)
        if ((v = v * 10 + (d[i] - '0')) > 1000000000000LL)
            return -1;
    return v;
}

/* envelope - qshape's qenv(): 1 with the envelope of a complete file */
static int envelope(struct env *e, const unsigned char *f, size_t flen,
                    long long mtime)
{
    size_t pos = 0, len;
    const unsigned char *d;
    long long dlen = -1;
    int type, records = 0;

    if (!rec_get(f, flen, &pos, &type, &d, &len))
        return 0;
    if (type == 'C') {
        /* cleanup's files: the size record, then the time record */
        dlen = number(d, len);
        if (!rec_get(f, flen, &pos, &type, &d, &len) || type != 'T')
            return 0;
        if ((e->time = number(d, len)) < 0)
            return 0;
    } else if (type == 'T') {
        /* postdrop's maildrop files start with the time record (which
         * qshape.pl 3.7.11 does not expect, and so does not count) */
        if ((e->time = number(d, len)) < 0)
            return 0;
    } else if (type == 'S' || type == 'F') {
        /* maildrop: no time record; the file's time stands in */
        e->time = mtime;
        if (type == 'F' &&
            (!rec_get(f, flen, &pos, &type, &d, &len) || type != 'S'))
            return 0;
        e->have_sender = 1;
    } else
        return 0;
    e->have_time = 1;
    while (rec_get(f, flen, &pos, &type, &d, &len)) {
        if (++records > MAX_RECORDS)
            return 0;
        if (type == 'p') {
            long long to = number(d, len);

            if (to > 0) {
                if ((size_t)to >= flen)
                    return 0;
                pos = (size_t)to;
            }
        } else if (type == 'R')
            hr_strv_add_owned(&e->rcpts, hr_strndup((const char *)d, len));
        else if (type == 'S')
            e->have_sender = 1;
        else if (type == 'M') {
            if (!e->have_sender)
                break;
            if (dlen >= 0) {
                if ((size_t)dlen > flen - pos)
                    return 0;
                pos += (size_t)dlen;
                if (!rec_get(f, flen, &pos, &type, &d, &len))
                    return 0;
            } else {
                int ok;

                while ((ok = rec_get(f, flen, &pos, &type, &d, &len)) &&
                       (type == 'N' || type == 'L' || type == 'p')) {
                    long long to = type == 'p' ? number(d, len) : 0;

                    if (++records > MAX_RECORDS)
                        return 0;
                    if (to > 0) {
                        if ((size_t)to >= flen)
                            return 0;
                        pos = (size_t)to;
                    }
                }
                if (!ok)
                    return 0;
            }
            if (type != 'X')
                return 0;
        } else if (type == 'E')
            return e->have_time && e->have_sender && e->rcpts.n > 0;
    }
    return 0;
}

/* domain_of - qshape's domain of a recipient: lowercase, after the last
 * '@', doubled dots made one, dots at the ends removed */
static char *domain_of(const char *addr)
{
    const char *at = strrchr(addr, '@');
    hr_buf b = HR_BUF_INIT;
    char *s;
    size_t n;

    if (*addr == 0)
        return hr_strdup("MAILER-DAEMON");
    for (const char *p = at ? at + 1 : addr; *p; p++) {
        if (*p == '.' && b.len && b.ptr[b.len - 1] == '.')
            continue;
        hr_buf_putc(&b, (*p >= 'A' && *p <= 'Z') ? *p - 'A' + 'a' : *p);
    }
    s = hr_buf_detach(&b);
    n = strlen(s);
    if (n > 1 && s[n - 1] == '.')
        s[--n] = 0;
    if (n > 1 && s[0] == '.')
        memmove(s, s + 1, n--);
    return s;
}

/* bucket - the age column, 1 .. NBUCKETS */
static int bucket(long long t, long long now)
{
    long long m = (now - t) / (60 * TICK);
    int b = 2;

    /* 2 + int(log2(m)), as qshape.pl computes it */
    if (m < 1)
        return 1;
    while (m >= 2 && b < NBUCKETS) {
        m /= 2;
        b++;
    }
    return b;
}

/* row_for - the row of a domain, added when new */
static struct row *row_for(struct table *t, const char *domain)
{
    for (size_t i = 0; i < t->n; i++)
        if (strcmp(t->rows[i].domain, domain) == 0)
            return &t->rows[i];
    t->rows = hr_realloc(t->rows, (t->n + 1) * sizeof(*t->rows));
    memset(&t->rows[t->n], 0, sizeof(t->rows[t->n]));
    t->rows[t->n].domain = hr_strdup(domain);
    return &t->rows[t->n++];
}

/* count_file - add one queue file to the table */
static void count_file(struct table *t, const char *path, const struct stat *st,
                       long long now)
{
    hr_buf b = HR_BUF_INIT;
    struct env e = {0, 0, 0, HR_STRV_INIT};
    const char *base = hr_path_basename(path);
    size_t n = strspn(base, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
                            "abcdefghijklmnopqrstuvwxyz0123456789");

    /* qshape: a queue id of six or more characters, a complete file */
    if (n < 6 || base[n] != 0 || (st->st_mode & 0733) != 0700 ||
        (size_t)st->st_size > MAX_QFILE)
        return;
    if (hr_file_read(&b, path, MAX_QFILE) < 0) {
        hr_error_clear();
        return;
    }
    if (envelope(&e, (const unsigned char *)b.ptr, b.len,
                 (long long)st->st_mtime)) {
        int k = bucket(e.time, now);

        t->messages++;
        for (size_t i = 0; i < e.rcpts.n; i++) {
            char *dom = domain_of(e.rcpts.v[i]);
            struct row *r = row_for(t, dom);

            r->count[0]++;
            r->count[k]++;
            t->rows[0].count[0]++;
            t->rows[0].count[k]++;
            hr_free(dom);
        }
    }
    hr_strv_release(&e.rcpts);
    hr_buf_release(&b);
}

/* walk - every file under dir, hashed subdirectories included */
static int walk(struct table *t, const char *dir, long long now, int depth)
{
    DIR *d = opendir(dir);
    struct dirent *de;

    if (d == NULL) {
        if (errno == ENOENT && depth == 0)
            return 0;
        return hr_error_set(HR_ERROR, "cannot read queue '%s': %s", dir,
                            strerror(errno));
    }
    while ((de = readdir(d)) != NULL) {
        char *path;
        struct stat st;

        if (de->d_name[0] == '.')
            continue;
        path = hr_path_join(dir, de->d_name);
        if (lstat(path, &st) == 0) {
            if (S_ISDIR(st.st_mode) && depth < MAX_DEPTH)
                walk(t, path, now, depth + 1);
            else if (S_ISREG(st.st_mode))
                count_file(t, path, &st, now);
        }
        hr_free(path);
    }
    closedir(d);
    return 0;
}

/* cmp_row - most recipients first, then shorter names, then by name */
static int cmp_row(const void *a, const void *b)
{
    const struct row *x = a, *y = b;
    size_t lx = strlen(x->domain), ly = strlen(y->domain);

    if (x->count[0] != y->count[0])
        return x->count[0] > y->count[0] ? -1 : 1;
    if (lx != ly)
        return lx < ly ? -1 : 1;
    return strcmp(x->domain, y->domain);
}

/* render - qshape's results(): headings, TOTAL, then the domains */
static void render(hr_buf *b, const struct table *t)
{
    int width[NBUCKETS + 1], dw = WIDTH;
    char heads[NBUCKETS + 1][16];

    for (int i = 0, tk = 0; i <= NBUCKETS; i++) {
        char total[32];
        int l;

        if (i == 0)
            snprintf(heads[i], sizeof(heads[i]), "T");
        else if (i < NBUCKETS)
            snprintf(heads[i], sizeof(heads[i]), "%d", tk);
        else
            snprintf(heads[i], sizeof(heads[i]), "%d+", tk);
        if (i + 1 < NBUCKETS)
            tk += tk ? tk : TICK;
        snprintf(total, sizeof(total), "%ld", t->rows[0].count[i]);
        l = (int)strlen(total);
        if ((int)strlen(heads[i]) >= l)
            l = (int)strlen(heads[i]);
        width[i] = l > 2 ? l + 1 : 3;
        dw -= width[i];
    }
    if (dw < MIN_DOMAIN_WIDTH)
        dw = MIN_DOMAIN_WIDTH;
    hr_buf_printf(b, "%*s", dw, "");
    for (int i = 0; i <= NBUCKETS; i++)
        hr_buf_printf(b, "%*s", width[i], heads[i]);
    hr_buf_putc(b, '\n');
    for (size_t r = 0; r < t->n; r++) {
        const char *d = t->rows[r].domain;
        int len = (int)strlen(d);

        if (len > dw)
            hr_buf_printf(b, "+%s", d + len - dw + 1);
        else
            hr_buf_printf(b, "%*s", dw, d);
        for (int i = 0; i <= NBUCKETS; i++)
            hr_buf_printf(b, "%*ld", width[i], t->rows[r].count[i]);
        hr_buf_putc(b, '\n');
    }
}

/* hr_qshape - a table per queue of a stopped instance */
int hr_qshape(char **out, const char *queue_dir, long long now)
{
    hr_buf b = HR_BUF_INIT;
    int error = 0;

    for (const char *const *q = queues; *q && error == 0; q++) {
        struct table t = {NULL, 0, 0};
        char *dir = hr_path_join(queue_dir, *q);

        row_for(&t, "TOTAL");
        if ((error = walk(&t, dir, now, 0)) == 0) {
            if (t.n > 2)
                qsort(t.rows + 1, t.n - 1, sizeof(*t.rows), cmp_row);
            hr_buf_printf(&b, "%s%s: %ld message%s, %ld recipient%s\n",
                          q == queues ? "" : "\n", *q, t.messages,
                          t.messages == 1 ? "" : "s", t.rows[0].count[0],
                          t.rows[0].count[0] == 1 ? "" : "s");
            render(&b, &t);
        }
        for (size_t i = 0; i < t.n; i++)
            hr_free(t.rows[i].domain);
        hr_free(t.rows);
        hr_free(dir);
    }
    if (error < 0) {
        hr_buf_release(&b);
        return error;
    }
    *out = hr_buf_detach(&b);
    return 0;
}

/*
 * NAME
 *	observe/dsn 3
 * SUMMARY
 *	parse delivery status notifications
 * SYNOPSIS
 *	#include "observe/dsn.h"
 *
 *	int	hr_dsn_parse(&out, msg, len)
 *	size_t	hr_dsn_count(d)
 *	const hr_dsn_record *hr_dsn_record_at(d, i)
 *	const char *hr_dsn_field(d, name)
 *	const char *hr_dsn_subject(d)
 *	const char *hr_dsn_text(d)
 *	const char *hr_dsn_address(field)
 *	void	hr_dsn_free(d)
 * DESCRIPTION
 *	hr_dsn_parse() parses an RFC 3464 delivery status notification, as
 *	Postfix's bounce(8) writes it: a multipart/report with
 *	report-type=delivery-status, whose first part is the human-readable
 *	text and which holds one message/delivery-status part. GMime
 *	handles the MIME structure, transfer encodings and charsets. The
 *	delivery-status body is a sequence of header blocks separated by
 *	blank lines: the per-message block, then one block per recipient.
 *	Folded fields are unfolded, and a fold with its indentation becomes
 *	one space, so that Postfix's "Connection\n    refused" reads
 *	"Connection refused" as in the text part.
 *
 *	Records keep the order of the report (the order in which deliveries
 *	finished); sorting is the caller's business. hr_dsn_field() looks a
 *	per-message field up by name, case-insensitively (Reporting-MTA,
 *	X-Postfix-Queue-ID, X-Postfix-Sender, Arrival-Date, ...).
 *	hr_dsn_text() is the decoded human-readable part in UTF-8 with LF
 *	line ends ("" when there is none). hr_dsn_address() returns the
 *	address part of a "type; address" field, inside the field.
 *
 *	All strings are borrowed and stay valid until hr_dsn_free().
 *
 *	GMime is initialized once, thread-safely, on first use.
 * DIAGNOSTICS
 *	hr_dsn_parse() returns HR_EINPUT with hr_error_set() for input
 *	that is not a DSN: not multipart/report, another report-type, no
 *	message/delivery-status part, no Reporting-MTA, no recipient block,
 *	or a recipient block without Final-Recipient, Action or Status
 *	(which is what a truncated report looks like).
 * SEE ALSO
 *	RFC 3464, RFC 6522; Postfix bounce(8) and bounce(5).
 */
#include <pthread.h>
#include <string.h>
#include <strings.h>

#include <gmime/gmime.h>

#include "util/buf.h"
#include "observe/dsn.h"
#include "util/mem.h"
#include "util/msg.h"
#include "util/strv.h"

struct hr_dsn {
    hr_strv names; /* per-message fields */
    hr_strv values;
    hr_dsn_record *recs;
    size_t nrec;
    hr_strv store; /* owns the records' strings */
    char *subject;
    char *text;
};

/* A header block while parsing: parallel name and value vectors. */
struct block {
    hr_strv names;
    hr_strv values;
};

static pthread_once_t gmime_once = PTHREAD_ONCE_INIT;

/* gmime_init - g_mime_init() is not thread-safe; call it once */
static void gmime_init(void)
{
    g_mime_init();
}

/* block_get - a field's value, or NULL */
static const char *block_get(const struct block *b, const char *name)
{
    for (size_t i = 0; i < b->names.n; i++)
        if (strcasecmp(b->names.v[i], name) == 0)
            return b->values.v[i];
    return NULL;
}

/* rstrip - drop trailing white space in a buffer */
static void rstrip(hr_buf *b)
{
    while (b->len && (b->ptr[b->len - 1] == ' ' || b->ptr[b->len - 1] == '\t'))
        hr_buf_truncate(b, b->len - 1);
}

/* parse_blocks - split header blocks; a fold becomes one space */
static size_t parse_blocks(struct block **out, const char *p, size_t len)
{
    const char *end = p + len;
    struct block *blocks = NULL;
    size_t n = 0;
    hr_buf val = HR_BUF_INIT;
    int in_block = 0;

    while (p < end) {
        const char *nl = memchr(p, '\n', end - p);
        const char *eol = nl ? nl : end;
        size_t l = eol - p;

        if (l && p[l - 1] == '\r')
            l--;
        if (l == 0 || strspn(p, " \t") >= l) {
            in_block = 0; /* a blank line ends a block */
        } else if (p[0] == ' ' || p[0] == '\t') {
            if (in_block && blocks[n - 1].values.n) {
                size_t skip = strspn(p, " \t");
                hr_strv *v = &blocks[n - 1].values;

                hr_buf_puts(&val, v->v[v->n - 1]);
                rstrip(&val);
                hr_buf_putc(&val, ' ');
                hr_buf_put(&val, p + skip, l - skip);
                rstrip(&val);
                hr_free(v->v[v->n - 1]);
                v->v[v->n - 1] = hr_buf_detach(&val);
            }
        } else {
            const char *colon = memchr(p, ':', l);

            if (!in_block) {
                blocks = hr_realloc(blocks, (n + 1) * sizeof(*blocks));
                memset(&blocks[n++], 0, sizeof(*blocks));
                in_block = 1;
            }
            if (colon) {
                size_t nl_len = colon - p;
                size_t skip;

                while (nl_len &&
                       (p[nl_len - 1] == ' ' || p[nl_len - 1] == '\t'))
                    nl_len--;
                hr_strv_add_owned(&blocks[n - 1].names, hr_strndup(p, nl_len));
                skip = strspn(colon + 1, " \t");
                hr_buf_put(&val, colon + 1 + skip, l - (colon + 1 - p) - skip);
                rstrip(&val);
                hr_strv_add_owned(&blocks[n - 1].values, hr_buf_detach(&val));
            }
        }
        p = nl ? nl + 1 : end;
    }
    hr_buf_release(&val);
    *out = blocks;
    return n;
}

/* blocks_free - release parsed blocks */
static void blocks_free(struct block *blocks, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        hr_strv_release(&blocks[i].names);
        hr_strv_release(&blocks[i].values);
    }
    hr_free(blocks);
}

/* keep - copy a field into the DSN's store, NULL stays NULL */
static const char *keep(hr_dsn *d, const char *s)
{
    if (s == NULL)
        return NULL;
    hr_strv_add(&d->store, s);
    return d->store.v[d->store.n - 1];
}

/* part_bytes - a leaf part's decoded content */
static void part_bytes(hr_buf *out, GMimeObject *obj)
{
    GMimeDataWrapper *w = g_mime_part_get_content(GMIME_PART(obj));
    GMimeStream *mem;
    GByteArray *arr;

    if (w == NULL)
        return;
    mem = g_mime_stream_mem_new();
    g_mime_data_wrapper_write_to_stream(w, mem);
    arr = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(mem));
    if (arr && arr->len)
        hr_buf_put(out, arr->data, arr->len);
    g_object_unref(mem);
}

/* first_text - the human-readable text: the first text/plain found */
static char *first_text(GMimeObject *obj)
{
    if (GMIME_IS_MULTIPART(obj)) {
        GMimeMultipart *mp = GMIME_MULTIPART(obj);

        for (int i = 0; i < g_mime_multipart_get_count(mp); i++) {
            char *t = first_text(g_mime_multipart_get_part(mp, i));

            if (t)
                return t;
        }
        return NULL;
    }
    if (GMIME_IS_TEXT_PART(obj)) {
        char *g = g_mime_text_part_get_text(GMIME_TEXT_PART(obj));
        hr_buf b = HR_BUF_INIT;

        /* One line-end convention, whatever the transport did. */
        for (const char *p = g ? g : ""; *p; p++)
            if (!(p[0] == '\r' && p[1] == '\n'))
                hr_buf_putc(&b, *p);
        g_free(g);
        return hr_buf_detach(&b);
    }
    return NULL;
}

/* is_status - a message/delivery-status (or RFC 6533 global) part */
static int is_status(GMimeObject *obj)
{
    GMimeContentType *ct = g_mime_object_get_content_type(obj);

    return GMIME_IS_PART(obj) &&
           (g_mime_content_type_is_type(ct, "message", "delivery-status") ||
            g_mime_content_type_is_type(ct, "message",
                                        "global-delivery-status"));
}

/* fill - turn the status blocks into the DSN's fields and records */
static int fill(hr_dsn *d, const struct block *blocks, size_t n)
{
    static const char *const required[] = {"Final-Recipient", "Action",
                                           "Status"};

    if (n == 0 || block_get(&blocks[0], "Reporting-MTA") == NULL)
        return hr_error_set(HR_EINPUT, "delivery-status part has no "
                                       "Reporting-MTA field");
    if (n < 2)
        return hr_error_set(HR_EINPUT, "delivery-status part has no "
                                       "recipient block");
    hr_strv_addv(&d->names, &blocks[0].names);
    hr_strv_addv(&d->values, &blocks[0].values);
    d->recs = hr_calloc(n - 1, sizeof(*d->recs));
    for (size_t i = 1; i < n; i++) {
        const struct block *b = &blocks[i];
        hr_dsn_record *r = &d->recs[d->nrec++];

        for (size_t k = 0; k < sizeof(required) / sizeof(required[0]); k++)
            if (block_get(b, required[k]) == NULL)
                return hr_error_set(HR_EINPUT,
                                    "recipient block %zu has no "
                                    "%s field (truncated?)",
                                    i, required[k]);
        r->final_rcpt = keep(d, block_get(b, "Final-Recipient"));
        r->orig_rcpt = keep(d, block_get(b, "Original-Recipient"));
        r->action = keep(d, block_get(b, "Action"));
        r->status = keep(d, block_get(b, "Status"));
        r->remote_mta = keep(d, block_get(b, "Remote-MTA"));
        r->diagnostic = keep(d, block_get(b, "Diagnostic-Code"));
    }
    return 0;
}

/* hr_dsn_parse - parse a DSN message */
int hr_dsn_parse(hr_dsn **out, const char *msg, size_t len)
{
    GMimeStream *stream = NULL;
    GMimeParser *parser = NULL;
    GMimeMessage *message = NULL;
    GMimeObject *top, *status = NULL;
    GMimeMultipart *mp;
    struct block *blocks = NULL;
    size_t nblocks = 0;
    hr_buf body = HR_BUF_INIT;
    hr_dsn *d = NULL;
    const char *rt;
    int error = 0;

    *out = NULL;
    pthread_once(&gmime_once, gmime_init);
    stream = g_mime_stream_mem_new_with_buffer(msg, len);
    parser = g_mime_parser_new_with_stream(stream);
    message = g_mime_parser_construct_message(parser, NULL);
    if (message == NULL) {
        error = hr_error_set(HR_EINPUT, "not a MIME message");
        goto done;
    }
    top = g_mime_message_get_mime_part(message);
    if (top == NULL || !GMIME_IS_MULTIPART(top) ||
        !g_mime_content_type_is_type(g_mime_object_get_content_type(top),
                                     "multipart", "report")) {
        error = hr_error_set(HR_EINPUT, "not a multipart/report message");
        goto done;
    }
    rt = g_mime_object_get_content_type_parameter(top, "report-type");
    if (rt && strcasecmp(rt, "delivery-status") != 0) {
        error = hr_error_set(HR_EINPUT,
                             "report-type is '%s', not "
                             "delivery-status",
                             rt);
        goto done;
    }
    mp = GMIME_MULTIPART(top);
    for (int i = 0; i < g_mime_multipart_get_count(mp) && !status; i++)
        if (is_status(g_mime_multipart_get_part(mp, i)))
            status = g_mime_multipart_get_part(mp, i);
    if (status == NULL) {
        error = hr_error_set(HR_EINPUT, "no message/delivery-status part");
        goto done;
    }
    part_bytes(&body, status);
    nblocks = parse_blocks(&blocks, hr_buf_cstr(&body), body.len);
    d = hr_calloc(1, sizeof(*d));
    if ((error = fill(d, blocks, nblocks)) < 0)
        goto done;
    d->subject = hr_strdup(g_mime_message_get_subject(message)
                               ? g_mime_message_get_subject(message)
                               : "");
    if (g_mime_multipart_get_count(mp) > 0 &&
        g_mime_multipart_get_part(mp, 0) != status)
        d->text = first_text(g_mime_multipart_get_part(mp, 0));
    if (d->text == NULL)
        d->text = hr_strdup("");
    *out = d;
    d = NULL;
done:
    hr_dsn_free(d);
    blocks_free(blocks, nblocks);
    hr_buf_release(&body);
    if (message)
        g_object_unref(message);
    if (parser)
        g_object_unref(parser);
    if (stream)
        g_object_unref(stream);
    return error;
}

/* hr_dsn_count - number of recipient records */
size_t hr_dsn_count(const hr_dsn *d)
{
    return d->nrec;
}

/* hr_dsn_record_at - the i-th record, in report order */
const hr_dsn_record *hr_dsn_record_at(const hr_dsn *d, size_t i)
{
    if (i >= d->nrec)
        hr_panic("hr_dsn_record_at: index %zu of %zu", i, d->nrec);
    return &d->recs[i];
}

/* hr_dsn_field - a per-message field, or NULL */
const char *hr_dsn_field(const hr_dsn *d, const char *name)
{
    for (size_t i = 0; i < d->names.n; i++)
        if (strcasecmp(d->names.v[i], name) == 0)
            return d->values.v[i];
    return NULL;
}

/* hr_dsn_subject - the report's decoded Subject ("" when none) */
const char *hr_dsn_subject(const hr_dsn *d)
{
    return d->subject;
}

/* hr_dsn_text - the human-readable part, decoded */
const char *hr_dsn_text(const hr_dsn *d)
{
    return d->text;
}

/* hr_dsn_address - "rfc822; a@b" -> "a@b" */
const char *hr_dsn_address(const char *field)
{
    const char *semi;

    if (field == NULL)
        return "";
    if ((semi = strchr(field, ';')) != NULL)
        field = semi + 1;
    return field + strspn(field, " \t");
}

/* hr_dsn_free - release; NULL is fine */
void hr_dsn_free(hr_dsn *d)
{
    if (d == NULL)
        return;
    hr_strv_release(&d->names);
    hr_strv_release(&d->values);
    hr_strv_release(&d->store);
    hr_free(d->recs);
    hr_free(d->subject);
    hr_free(d->text);
    hr_free(d);
}

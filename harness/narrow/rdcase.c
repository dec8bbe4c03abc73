/*
 * NAME
 *	narrow/rdcase 3
 * SUMMARY
 *	an smtp case as the reducer sees it: steps that can go, candidates
 *	that keep SMTP's order, rendered back into case text
 * SYNOPSIS
 *	#include "narrow/rdcase.h"
 *
 *	int	hr_rdcase_from(out, c, text)
 *	void	hr_rdcase_free(r)
 *	hr_rdcase *hr_rdcase_copy(r)
 *	hr_rdcase *hr_rdcase_keep(r, keep)
 *	int	hr_rdcase_check(r, why)
 *	char	*hr_rdcase_render(r, name, replies, comments)
 *	size_t	hr_rdcase_client_lines(r)
 * DESCRIPTION
 *	hr_rdcase_from() takes a parsed smtp case and the text it came from
 *	and makes the reducer's model: the header (directives and comments,
 *	kept), the configuration lines (config, map, table, sink: the
 *	reducer may drop them), and the steps in order: commands ("> "),
 *	DATA content and BDAT chunks as their lines ("| "), raw steps
 *	("~ "), pauses, eof, and replies the server sends unasked. Each
 *	step knows the exchange it was sent in (a pipelined group is one),
 *	its verb, and its transaction: from MAIL to the end of its DATA
 *	content, its BDAT ... LAST or its RSET.
 *
 *	hr_rdcase_keep() is the candidate that keeps the steps keep[]
 *	marks. hr_rdcase_check() says whether a candidate keeps what the
 *	reducer promises (SMTP's order): at least one client step; replies
 *	the server sends unasked right after a pause; content
 *	right after its DATA (answered, in an exchange of its own) or its
 *	BDAT (in the same exchange); and, when the original case kept them
 *	(a case made to break them is left to break them), EHLO or HELO
 *	before MAIL, MAIL before RCPT, RCPT before DATA and BDAT. *why says
 *	which rule a candidate breaks.
 *
 *	hr_rdcase_render() writes a candidate as case text: the header
 *	with "name NAME", comment lines (without '#', NULL for none), the
 *	configuration, the greeting, then each exchange: its steps and as
 *	many replies as SMTP gives it (one per command and per DATA
 *	content; a BDAT chunk shares its command's; an exchange with raw
 *	bytes keeps the count it had). A reply is "*" (any text) unless
 *	replies gives them in order. A BDAT whose chunk follows gets "*"
 *	for its size, so that a shorter chunk keeps its framing. The text
 *	parses (case(3)) for every candidate that hr_rdcase_check()
 *	accepts.
 *
 *	hr_rdcase_client_lines() counts the client's lines: commands, raw
 *	steps and content lines.
 * DIAGNOSTICS
 *	hr_rdcase_from() fails with HR_EINPUT for a case that is not smtp.
 * SEE ALSO
 *	reduce(3), ddmin(3), cases/README.md.
 */
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "narrow/rdcase.h"
#include "util/buf.h"
#include "util/mem.h"
#include "util/msg.h"

/* verb_of - the verb of a command line */
static hr_rd_verb verb_of(const char *cmd)
{
    static const struct {
        const char *name;
        hr_rd_verb verb;
    } verbs[] = {
        {"EHLO", HR_RD_HELO}, {"HELO", HR_RD_HELO}, {"LHLO", HR_RD_HELO},
        {"MAIL", HR_RD_MAIL}, {"RCPT", HR_RD_RCPT}, {"DATA", HR_RD_DATA},
        {"BDAT", HR_RD_BDAT}, {"RSET", HR_RD_RSET}, {"QUIT", HR_RD_QUIT},
    };
    size_t n = strcspn(cmd, " ");

    for (size_t i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++)
        if (n == 4 && strncasecmp(cmd, verbs[i].name, 4) == 0)
            return verbs[i].verb;
    return HR_RD_OTHER;
}

const char *hr_rd_verb_name(hr_rd_verb v)
{
    static const char *const names[] = {"other", "helo", "mail", "rcpt",
                                        "data", "bdat", "rset", "quit"};

    return names[v];
}

/* is_step_line - a step ('<' '>' '|' '~') or a pause/eof line */
static int is_step_line(const char *s)
{
    return s[0] == '<' || s[0] == '>' || s[0] == '|' || s[0] == '~' ||
           strncmp(s, "pause", 5) == 0 || strncmp(s, "eof", 3) == 0;
}

/* config_line - a header line the reducer may drop */
static int config_line(const char *s)
{
    static const char *const words[] = {"config", "map", "table", "sink"};

    for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
        size_t n = strlen(words[i]);

        if (strncmp(s, words[i], n) == 0 && (s[n] == ' ' || s[n] == '\t'))
            return 1;
    }
    return 0;
}

static hr_rd_step *add_step(hr_rdcase *r, hr_rd_kind kind, int group)
{
    hr_rd_step *s;

    r->steps = hr_realloc(r->steps, (r->n + 1) * sizeof(hr_rd_step));
    s = &r->steps[r->n++];
    memset(s, 0, sizeof(*s));
    s->kind = kind;
    s->group = group;
    s->txn = -1;
    return s;
}

/* content_lines - the '|' lines from line (1-based) on */
static void content_lines(hr_strv *out, const hr_strv *lines, int line)
{
    for (size_t i = (size_t)line - 1; i < lines->n; i++) {
        const char *s = lines->v[i];

        if (s[0] == '#' || s[0] == 0)
            continue;
        if (s[0] != '|')
            break;
        hr_strv_add(out, s[1] == ' ' ? s + 2 : s + 1);
    }
}

/* set_txns - transaction numbers: MAIL opens one, the end of its
 * content, its BDAT LAST or RSET closes it */
static void set_txns(hr_rdcase *r)
{
    int cur = -1, n = 0;

    for (size_t i = 0; i < r->n; i++) {
        hr_rd_step *s = &r->steps[i];

        if (s->kind == HR_RD_CMD && s->verb == HR_RD_MAIL && cur < 0)
            cur = n++;
        s->txn = cur;
        if ((s->kind == HR_RD_CONTENT &&
             (i == 0 || r->steps[i - 1].verb != HR_RD_BDAT ||
              r->steps[i - 1].last)) ||
            (s->kind == HR_RD_CMD && s->verb == HR_RD_RSET))
            cur = -1;
    }
    r->ntxn = n;
}

static const char *order(const hr_rdcase *r);

/* hr_rdcase_from - the model of a parsed smtp case */
int hr_rdcase_from(hr_rdcase **out, const hr_case *c, const char *text)
{
    hr_rdcase *r;
    hr_strv lines = HR_STRV_INIT;

    *out = NULL;
    if (c->kind != HR_CASE_SMTP)
        return hr_error_set(HR_EINPUT, "%s: only smtp cases are reduced "
                            "(this one is %s)", c->path,
                            hr_case_kind_name(c->kind));
    r = hr_calloc(1, sizeof(*r));
    r->source = hr_strdup(c->path);
    for (const char *p = text; *p;) {
        size_t n = strcspn(p, "\n");

        hr_strv_add_owned(&lines, hr_strndup(p, n));
        p += n + (p[n] == '\n');
    }
    /* Header: directives and comments, wherever they are. */
    for (size_t i = 0; i < lines.n; i++) {
        const char *s = lines.v[i];

        if (s[0] == 0 || is_step_line(s))
            continue;
        if (s[0] == '#')
            continue;           /* comments of the original stay there */
        if (strncmp(s, "name", 4) == 0 && (s[4] == ' ' || s[4] == '\t'))
            continue;           /* the name is the renderer's */
        hr_strv_add(config_line(s) ? &r->config : &r->header, s);
    }
    for (size_t x = 1; x < c->nxs; x++) {
        const hr_case_exchange *e = &c->xs[x];
        int raw = 0;
        hr_rd_step *first_raw = NULL;

        if (e->pause_ms || (e->nitems == 0 && e->nreplies == 0 &&
                            !e->expect_eof)) {
            hr_rd_step *s = add_step(r, HR_RD_PAUSE, (int)x);

            s->text = hr_sprintf("%d", e->pause_ms);
            continue;
        }
        if (e->expect_eof) {
            add_step(r, HR_RD_EOF, (int)x);
            continue;
        }
        if (e->nitems == 0) {
            /* replies the server sends unasked: kept as they were */
            hr_rd_step *s = add_step(r, HR_RD_RAW, (int)x);

            s->text = NULL;
            s->raw_replies = e->nreplies;
            for (size_t k = 0; k < e->nreplies; k++)
                hr_strv_add(&s->raw_expect, e->expect[k]);
            continue;
        }
        for (size_t i = 0; i < e->nitems; i++) {
            const hr_case_item *it = &e->items[i];
            const char *src = it->line > 0 && (size_t)it->line <= lines.n
                                  ? lines.v[it->line - 1]
                                  : "";
            hr_rd_step *s;

            switch (it->kind) {
            case HR_ITEM_COMMAND:
                s = add_step(r, HR_RD_CMD, (int)x);
                s->text = hr_strdup(src[0] == '>' ? src + 1 + (src[1] == ' ')
                                                  : it->display);
                s->verb = verb_of(s->text);
                if (s->verb == HR_RD_BDAT) {
                    const char *sp = strrchr(s->text, ' ');

                    s->last = sp && strcasecmp(sp + 1, "LAST") == 0;
                }
                break;
            case HR_ITEM_DATA:
            case HR_ITEM_CHUNK:
                s = add_step(r, HR_RD_CONTENT, (int)x);
                content_lines(&s->lines, &lines, it->line);
                break;
            case HR_ITEM_RAW:
                s = add_step(r, HR_RD_RAW, (int)x);
                s->text = hr_strdup(src[0] == '~' ? src + 1 + (src[1] == ' ')
                                                  : it->display);
                raw = 1;
                if (first_raw == NULL)
                    first_raw = s;
                break;
            }
        }
        if (raw) {
            first_raw->raw_replies = e->nreplies;
            for (size_t k = 0; k < e->nreplies; k++)
                hr_strv_add(&first_raw->raw_expect, e->expect[k]);
        }
    }
    set_txns(r);
    r->strict = order(r) == NULL;
    hr_strv_release(&lines);
    *out = r;
    return 0;
}

/* step_copy - a deep copy */
static void step_copy(hr_rd_step *to, const hr_rd_step *from)
{
    *to = *from;
    to->text = from->text ? hr_strdup(from->text) : NULL;
    memset(&to->lines, 0, sizeof(to->lines));
    hr_strv_addv(&to->lines, &from->lines);
    memset(&to->raw_expect, 0, sizeof(to->raw_expect));
    hr_strv_addv(&to->raw_expect, &from->raw_expect);
}

/* hr_rdcase_keep - the candidate that keeps the marked steps */
hr_rdcase *hr_rdcase_keep(const hr_rdcase *r, const unsigned char *keep)
{
    hr_rdcase *k = hr_calloc(1, sizeof(*k));

    k->source = hr_strdup(r->source);
    hr_strv_addv(&k->header, &r->header);
    hr_strv_addv(&k->config, &r->config);
    k->steps = hr_calloc(r->n + 1, sizeof(hr_rd_step));
    for (size_t i = 0; i < r->n; i++)
        if (keep == NULL || keep[i])
            step_copy(&k->steps[k->n++], &r->steps[i]);
    k->ntxn = r->ntxn;
    k->strict = r->strict;
    return k;
}

/* hr_rdcase_copy - a deep copy */
hr_rdcase *hr_rdcase_copy(const hr_rdcase *r)
{
    return hr_rdcase_keep(r, NULL);
}

void hr_rdcase_free(hr_rdcase *r)
{
    if (r == NULL)
        return;
    for (size_t i = 0; i < r->n; i++) {
        hr_free(r->steps[i].text);
        hr_strv_release(&r->steps[i].lines);
        hr_strv_release(&r->steps[i].raw_expect);
    }
    hr_free(r->steps);
    hr_strv_release(&r->header);
    hr_strv_release(&r->config);
    hr_free(r->source);
    hr_free(r);
}

/* chunk_of - content step i is a BDAT chunk (its command is the step
 * before, in the same exchange) */
static int chunk_of(const hr_rdcase *r, size_t i)
{
    return i > 0 && r->steps[i - 1].kind == HR_RD_CMD &&
           r->steps[i - 1].verb == HR_RD_BDAT &&
           r->steps[i - 1].group == r->steps[i].group;
}

/* order - SMTP's order, as a state machine over the steps: NULL, or the
 * rule broken */
static const char *order(const hr_rdcase *r)
{
    int helo = 0, mail = 0, rcpt = 0;

    for (size_t i = 0; i < r->n; i++) {
        const hr_rd_step *s = &r->steps[i];

        if (s->kind == HR_RD_RAW && s->text)
            return NULL;        /* raw bytes: any order is theirs */
        if (s->kind != HR_RD_CMD)
            continue;
        switch (s->verb) {
        case HR_RD_HELO:
            helo = 1;
            mail = rcpt = 0;
            break;
        case HR_RD_MAIL:
            if (!helo)
                return "MAIL without EHLO or HELO before it";
            mail = 1;
            rcpt = 0;
            break;
        case HR_RD_RCPT:
            if (!mail)
                return "RCPT without MAIL before it";
            rcpt++;
            break;
        case HR_RD_DATA:
            if (!rcpt)
                return "DATA without RCPT before it";
            mail = rcpt = 0;
            break;
        case HR_RD_BDAT:
            if (!rcpt)
                return "BDAT without RCPT before it";
            if (s->last)
                mail = rcpt = 0;
            break;
        case HR_RD_RSET:
            mail = rcpt = 0;
            break;
        default:
            break;
        }
    }
    return NULL;
}

/* hr_rdcase_check - the candidate keeps SMTP's framing and order */
int hr_rdcase_check(const hr_rdcase *r, char **why)
{
    size_t client = 0;
    const char *rule;

    *why = NULL;
    for (size_t i = 0; i < r->n; i++) {
        const hr_rd_step *s = &r->steps[i];

        client += s->kind == HR_RD_CMD || s->kind == HR_RD_CONTENT ||
                  (s->kind == HR_RD_RAW && s->text);
        /* replies the server sends unasked come after a pause; else
         * they would be read as the exchange's before */
        if (s->kind == HR_RD_RAW && s->text == NULL &&
            (i == 0 || r->steps[i - 1].kind != HR_RD_PAUSE)) {
            *why = hr_strdup("unasked replies without a pause before them");
            return -1;
        }
        if (s->kind != HR_RD_CONTENT)
            continue;
        if (chunk_of(r, i))
            continue;
        /* DATA content: its DATA is the last step of the exchange
         * before, which is answered */
        if (i == 0 || r->steps[i - 1].kind != HR_RD_CMD ||
            r->steps[i - 1].verb != HR_RD_DATA ||
            r->steps[i - 1].group == s->group) {
            *why = hr_strdup("content without its DATA right before it");
            return -1;
        }
    }
    for (size_t i = 0; i < r->n; i++)
        if (r->steps[i].kind == HR_RD_CMD &&
            r->steps[i].verb == HR_RD_DATA &&
            (i + 1 >= r->n || r->steps[i + 1].kind != HR_RD_CONTENT ||
             r->steps[i + 1].group == r->steps[i].group)) {
            *why = hr_strdup("DATA without its content after it");
            return -1;
        }
    if (client == 0) {
        *why = hr_strdup("no client step left");
        return -1;
    }
    if (r->strict && (rule = order(r)) != NULL) {
        *why = hr_strdup(rule);
        return -1;
    }
    return 0;
}

/* reply - the next given reply, or "*" */
static void reply(hr_buf *b, const hr_strv *replies, size_t *next)
{
    if (replies && *next < replies->n) {
        const char *p = replies->v[(*next)++];

        while (*p) {
            size_t n = strcspn(p, "\n");

            hr_buf_printf(b, "< %.*s\n", (int)n, p);
            p += n + (p[n] == '\n');
        }
        return;
    }
    hr_buf_puts(b, "< *\n");
}

/* bdat_text - "BDAT * [LAST]" for a BDAT whose size is a number */
static char *bdat_text(const char *cmd)
{
    const char *sp = strchr(cmd, ' ');
    size_t digits;

    if (sp == NULL)
        return hr_strdup(cmd);
    digits = strspn(sp + 1, "0123456789");
    if (digits == 0 || (sp[1 + digits] != 0 && sp[1 + digits] != ' '))
        return hr_strdup(cmd);
    return hr_sprintf("%.*s *%s", (int)(sp - cmd), cmd, sp + 1 + digits);
}

/* hr_rdcase_render - the candidate as case text */
char *hr_rdcase_render(const hr_rdcase *r, const char *name,
                       const hr_strv *replies, const hr_strv *comments)
{
    hr_buf b = HR_BUF_INIT;
    size_t next = 0;

    for (size_t i = 0; comments && i < comments->n; i++)
        hr_buf_printf(&b, "# %s\n", comments->v[i]);
    hr_buf_printf(&b, "name    %s\n", name);
    for (size_t i = 0; i < r->header.n; i++)
        hr_buf_printf(&b, "%s\n", r->header.v[i]);
    for (size_t i = 0; i < r->config.n; i++)
        hr_buf_printf(&b, "%s\n", r->config.v[i]);
    hr_buf_puts(&b, "\n");
    reply(&b, replies, &next);      /* the greeting */
    for (size_t i = 0; i < r->n;) {
        const hr_rd_step *s = &r->steps[i];
        size_t want = 0, j;
        int raw_group = 0;

        if (s->kind == HR_RD_PAUSE) {
            hr_buf_printf(&b, "pause %s\n", s->text);
            i++;
            continue;
        }
        if (s->kind == HR_RD_EOF) {
            hr_buf_puts(&b, "eof\n");
            i++;
            continue;
        }
        if (s->kind == HR_RD_RAW && s->text == NULL) {
            for (size_t k = 0; k < s->raw_replies; k++)
                reply(&b, replies, &next);
            i++;
            continue;
        }
        /* one exchange: the steps of this group */
        for (j = i; j < r->n && r->steps[j].group == s->group &&
                    r->steps[j].kind != HR_RD_PAUSE &&
                    r->steps[j].kind != HR_RD_EOF &&
                    !(r->steps[j].kind == HR_RD_RAW && !r->steps[j].text);
             j++) {
            const hr_rd_step *t = &r->steps[j];

            switch (t->kind) {
            case HR_RD_CMD:
                if (t->verb == HR_RD_BDAT && j + 1 < r->n &&
                    chunk_of(r, j + 1)) {
                    char *bt = bdat_text(t->text);

                    hr_buf_printf(&b, "> %s\n", bt);
                    hr_free(bt);
                } else {
                    hr_buf_printf(&b, "> %s\n", t->text);
                }
                want++;
                break;
            case HR_RD_CONTENT:
                for (size_t k = 0; k < t->lines.n; k++)
                    hr_buf_printf(&b, t->lines.v[k][0] ? "| %s\n" : "|%s\n",
                                  t->lines.v[k]);
                if (!chunk_of(r, j))
                    want++;
                break;
            case HR_RD_RAW:
                hr_buf_printf(&b, "~ %s\n", t->text);
                if (!raw_group) {
                    raw_group = 1;
                    want = t->raw_replies;
                }
                break;
            default:
                break;
            }
        }
        /* a raw group keeps the reply count it had */
        for (size_t k = 0; k < want; k++)
            reply(&b, replies, &next);
        i = j;
    }
    return hr_buf_detach(&b);
}

/* hr_rdcase_client_lines - commands, raw steps and content lines */
size_t hr_rdcase_client_lines(const hr_rdcase *r)
{
    size_t n = 0;

    for (size_t i = 0; i < r->n; i++) {
        const hr_rd_step *s = &r->steps[i];

        if (s->kind == HR_RD_CMD || (s->kind == HR_RD_RAW && s->text))
            n++;
        else if (s->kind == HR_RD_CONTENT)
            n += s->lines.n ? s->lines.n : 1;
    }
    return n;
}

/*
 * NAME
 *	report/sidediff 3
 * SUMMARY
 *	a unified diff as a side-by-side HTML table
 * SYNOPSIS
 *	#include "report/sidediff.h"
 *
 *	int	hr_sidediff_html(b, diff, left, right)
 * DESCRIPTION
 *	hr_sidediff_html() appends to b a table with the old side on the
 *	left and the new side on the right, line numbers from the hunk
 *	headers, deletions paired with additions row by row, and within a
 *	pair the changed middle of the line marked (<mark>), cut on UTF-8
 *	character boundaries. The column heads are the diff's own "---"
 *	and "+++" labels, else left and right, and a dash for an empty
 *	one. Everything from the diff is
 *	escaped (markup(3)).
 *
 *	It returns 1, or 0 and appends nothing when the diff has no hunks:
 *	then the caller shows the text as it is.
 * SEE ALSO
 *	report/html(3), gitrepo(3) (which makes the diffs).
 */
#include <stdio.h>
#include <string.h>

#include "report/sidediff.h"
#include "util/markup.h"
#include "util/mem.h"

/* label - a column head: the diff's own label, else the caller's; a
 * dash for an empty one */
static const char *label(const char *own, const char *fallback)
{
    const char *s = own ? own : fallback;

    return s && *s ? s : "\u2013";
}

/* char_boundary - n, moved back to the start of a character */
static size_t char_boundary(const char *s, size_t n)
{
    while (n > 0 && (s[n] & 0xC0) == 0x80)
        n--;
    return n;
}

/* diff_text - a line of one side; with the other side's paired line,
 * the part between their common prefix and suffix is marked */
static void diff_text(hr_buf *b, const char *s, size_t n, const char *other,
                      size_t on)
{
    size_t pre = 0, suf = 0;

    if (other == NULL) {
        hr_markup_put(b, s, n, 0);
        return;
    }
    while (pre < n && pre < on && s[pre] == other[pre])
        pre++;
    pre = char_boundary(s, pre);
    while (suf < n - pre && suf < on - pre &&
           s[n - 1 - suf] == other[on - 1 - suf])
        suf++;
    /* The suffix must start on a character boundary too. */
    while (suf > 0 && (s[n - suf] & 0xC0) == 0x80)
        suf--;
    hr_markup_put(b, s, pre, 0);
    if (n - pre - suf > 0) {
        hr_buf_puts(b, "<mark>");
        hr_markup_put(b, s + pre, n - pre - suf, 0);
        hr_buf_puts(b, "</mark>");
    }
    hr_markup_put(b, s + n - suf, suf, 0);
}

/* Lines of the unified diff, without their markers, waiting for rows. */
struct lines {
    struct {
        const char *s;
        size_t n;
    } * v;
    size_t n, cap;
};

/* lines_push - remember a line */
static void lines_push(struct lines *l, const char *s, size_t n)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? 2 * l->cap : 16;
        l->v = hr_realloc(l->v, l->cap * sizeof(*l->v));
    }
    l->v[l->n].s = s;
    l->v[l->n].n = n;
    l->n++;
}

/* A side-by-side table in the making. */
struct sbs {
    hr_buf *b;
    long old_no, new_no;
    struct lines del, add;
};

/* sbs_side - one side of a row: a line, or a gap */
static void sbs_side(struct sbs *t, const struct lines *l,
                     const struct lines *other, size_t i, long *no,
                     const char *cls)
{
    if (i >= l->n) {
        hr_buf_puts(t->b, "<td class=\"ln\"></td><td class=\"gap\"></td>");
        return;
    }
    hr_buf_printf(t->b, "<td class=\"ln\">%ld</td><td class=\"%s\">", (*no)++,
                  cls);
    if (i < other->n)
        diff_text(t->b, l->v[i].s, l->v[i].n, other->v[i].s, other->v[i].n);
    else
        diff_text(t->b, l->v[i].s, l->v[i].n, NULL, 0);
    hr_buf_puts(t->b, "</td>");
}

/* sbs_flush - pair pending deletions with additions, row by row */
static void sbs_flush(struct sbs *t)
{
    size_t rows = t->del.n > t->add.n ? t->del.n : t->add.n;

    for (size_t i = 0; i < rows; i++) {
        hr_buf_puts(t->b, "<tr>");
        sbs_side(t, &t->del, &t->add, i, &t->old_no, "del");
        sbs_side(t, &t->add, &t->del, i, &t->new_no, "add");
        hr_buf_puts(t->b, "</tr>\n");
    }
    t->del.n = t->add.n = 0;
}

/* sbs_note - a row across both sides: a hunk header or a note */
static void sbs_note(struct sbs *t, const char *cls, const char *line)
{
    sbs_flush(t);
    hr_buf_printf(t->b, "<tr class=\"%s\"><td colspan=\"4\">", cls);
    hr_markup_puts(t->b, line, 0);
    hr_buf_puts(t->b, "</td></tr>\n");
}

/* sbs_context - a line both sides have */
static void sbs_context(struct sbs *t, const char *s, size_t n)
{
    sbs_flush(t);
    hr_buf_printf(t->b, "<tr><td class=\"ln\">%ld</td><td>", t->old_no++);
    hr_markup_put(t->b, s, n, 0);
    hr_buf_printf(t->b, "</td><td class=\"ln\">%ld</td><td>", t->new_no++);
    hr_markup_put(t->b, s, n, 0);
    hr_buf_puts(t->b, "</td></tr>\n");
}

/* hunk_start - parse "@@ -a[,b] +c[,d] @@"; 0 when it is not one */
static int hunk_start(struct sbs *t, const char *line)
{
    const char *plus;
    long a, c;

    if (sscanf(line, "@@ -%ld", &a) != 1 ||
        (plus = strstr(line, " +")) == NULL || sscanf(plus, " +%ld", &c) != 1)
        return 0;
    t->old_no = a > 0 ? a : 1;
    t->new_no = c > 0 ? c : 1;
    return 1;
}

/* hr_sidediff_html - the unified diff as two columns */
int hr_sidediff_html(hr_buf *b, const char *diff, const char *left,
                     const char *right)
{
    const char *p = diff ? diff : "";
    hr_buf rows = HR_BUF_INIT;
    struct sbs t = {&rows, 1, 1, {NULL, 0, 0}, {NULL, 0, 0}};
    char *old_label = NULL, *new_label = NULL;
    int hunks = 0;

    while (*p) {
        size_t n = strcspn(p, "\n");
        char *line = hr_strndup(p, n);

        if (!hunks && strncmp(line, "--- ", 4) == 0 && old_label == NULL)
            old_label = hr_strdup(line + 4);
        else if (!hunks && strncmp(line, "+++ ", 4) == 0 && new_label == NULL)
            new_label = hr_strdup(line + 4);
        else if (strncmp(line, "@@ ", 3) == 0 && hunk_start(&t, line)) {
            hunks++;
            sbs_note(&t, "hunk", line);
        } else if (hunks && line[0] == '-')
            lines_push(&t.del, p + 1, n - 1);
        else if (hunks && line[0] == '+')
            lines_push(&t.add, p + 1, n - 1);
        else if (hunks && line[0] == '\\')
            sbs_note(&t, "note", line);
        else if (hunks && line[0] == ' ')
            sbs_context(&t, p + 1, n - 1);
        else if (hunks)
            sbs_context(&t, p, n); /* an empty context line lost its space */
        hr_free(line);
        p += n + (p[n] == '\n');
    }
    sbs_flush(&t);
    if (hunks) {
        hr_buf_puts(b, "<table class=\"sbs\"><colgroup><col class=\"ln\">"
                       "<col><col class=\"ln\"><col></colgroup>\n"
                       "<thead><tr><th colspan=\"2\">\u2212 ");
        hr_markup_puts(b, label(old_label, left), 0);
        hr_buf_puts(b, "</th><th colspan=\"2\">+ ");
        hr_markup_puts(b, label(new_label, right), 0);
        hr_buf_puts(b, "</th></tr></thead>\n<tbody>\n");
        hr_buf_put(b, rows.ptr, rows.len);
        hr_buf_puts(b, "</tbody></table>\n");
    }
    hr_buf_release(&rows);
    hr_free(t.del.v);
    hr_free(t.add.v);
    hr_free(old_label);
    hr_free(new_label);
    return hunks > 0;
}

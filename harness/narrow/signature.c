/*
 * NAME
 *	narrow/signature 3
 * SUMMARY
 *	the divergence signature: where a good and a bad observation differ
 * SYNOPSIS
 *	#include "narrow/signature.h"
 *
 *	int	hr_signature_new(out, good, bad)
 *	void	hr_signature_free(s)
 *	size_t	hr_signature_hunks(s)
 *	hr_outcome hr_signature_judge_hunk(s, obs, h)
 *	const char *hr_signature_describe(s, h)
 *	int	hr_signature_elsewhere(s, obs)
 * DESCRIPTION
 *	A commit bisection asks one question of every trial: does this
 *	commit behave as the good side or as the bad side, there where
 *	they differ? An unrelated change elsewhere in the observation (a
 *	reply text reworded, a header added in the same range) must not
 *	decide it.
 *
 *	hr_signature_new() takes the two observations and keeps the hunks
 *	of their unified diff (libgit2's, without context, so that changes
 *	two lines apart stay apart): for each hunk the block of lines the
 *	good side has there and the block the bad side has, each between
 *	the unchanged line before and the one after, its anchors.
 *
 *	hr_signature_judge_hunk() looks for hunk h's two blocks in an
 *	observation, as whole consecutive lines: where only the bad block
 *	is found the observation is HR_OUTCOME_BAD there, only the good
 *	block HR_OUTCOME_GOOD, and otherwise (both, neither)
 *	HR_OUTCOME_OTHER. Each hunk may have come from another commit, so
 *	commit bisection asks the question per hunk (commits(3)).
 *	hr_signature_describe() says where hunk h is and what it changes,
 *	in one line: "line 17: < 454 4.7.1 ... -> < 250 2.1.5 Ok".
 *
 *	hr_signature_elsewhere() says whether an observation differs from
 *	the good side at a place where the bad side does not: a change to
 *	report, not to decide by.
 * DIAGNOSTICS
 *	hr_signature_new() passes up libgit2's error (gitrepo(3)).
 * SEE ALSO
 *	commits(3), trial(3).
 */
#include <stdlib.h>
#include <string.h>

#include "narrow/signature.h"
#include "source/gitrepo.h"
#include "util/buf.h"
#include "util/mem.h"
#include "util/strv.h"

typedef struct hunk {
    char *good; /* "\n" then the good side's lines there, each with '\n' */
    char *bad;
    char *what; /* hr_signature_describe() */
    long start, count; /* the good side's lines (count 0: after start) */
} hunk;

struct hr_signature {
    hunk *hunks;
    size_t n;
    char *good_text, *bad_text;
};

/* lines_of - a text's lines, without their newlines */
static void lines_of(hr_strv *out, const char *text)
{
    for (const char *p = text; *p;) {
        size_t len = strcspn(p, "\n");

        hr_strv_add_owned(out, hr_strndup(p, len));
        p += len + (p[len] == '\n');
    }
}

/* add_line - one line and its newline onto a block */
static void add_line(hr_buf *b, const char *line, size_t len)
{
    hr_buf_put(b, line, len);
    hr_buf_putc(b, '\n');
}

/* add_hunk - a hunk of a diff without context, anchored by the unchanged
 * line before and after it (the same on both sides) */
static void add_hunk(hr_signature *s, const hr_strv *good, long start,
                     long count, const hr_strv *minus, const hr_strv *plus)
{
    /* Changed lines are start..start+count-1; with count 0, lines are
     * inserted after line start. */
    long before = count ? start - 1 : start;
    long after = count ? start + count : start + 1;
    hr_buf g = HR_BUF_INIT, b = HR_BUF_INIT;
    hunk *h;

    hr_buf_putc(&g, '\n');
    hr_buf_putc(&b, '\n');
    if (before >= 1 && (size_t)before <= good->n) {
        add_line(&g, good->v[before - 1], strlen(good->v[before - 1]));
        add_line(&b, good->v[before - 1], strlen(good->v[before - 1]));
    }
    for (size_t i = 0; i < minus->n; i++)
        add_line(&g, minus->v[i], strlen(minus->v[i]));
    for (size_t i = 0; i < plus->n; i++)
        add_line(&b, plus->v[i], strlen(plus->v[i]));
    if (after >= 1 && (size_t)after <= good->n) {
        add_line(&g, good->v[after - 1], strlen(good->v[after - 1]));
        add_line(&b, good->v[after - 1], strlen(good->v[after - 1]));
    }
    s->hunks = hr_realloc(s->hunks, (s->n + 1) * sizeof(*s->hunks));
    h = &s->hunks[s->n++];
    h->good = hr_buf_detach(&g);
    h->bad = hr_buf_detach(&b);
    h->start = start;
    h->count = count;
    h->what = hr_sprintf("line %ld: %s -> %s", count ? start : start + 1,
                         minus->n ? minus->v[0] : "(nothing)",
                         plus->n ? plus->v[0] : "(nothing)");
}

/* parse_diff - the hunks of a unified diff of two texts, no context */
static void parse_diff(hr_signature *s, const char *good_text,
                       const char *diff)
{
    hr_strv good = HR_STRV_INIT, minus = HR_STRV_INIT, plus = HR_STRV_INIT;
    long start = 0, count = 0;
    int in_hunk = 0;

    lines_of(&good, good_text);
    for (const char *p = diff;; ) {
        size_t len = strcspn(p, "\n");
        const char *line = p;

        if ((*p == 0 || (len >= 2 && line[0] == '@' && line[1] == '@')) &&
            in_hunk) {
            add_hunk(s, &good, start, count, &minus, &plus);
            hr_strv_release(&minus);
            hr_strv_release(&plus);
        }
        if (*p == 0)
            break;
        p += len + (p[len] == '\n');
        if (len >= 2 && line[0] == '@' && line[1] == '@') {
            /* "@@ -17 +17 @@" or "@@ -17,2 +17,0 @@" */
            char *end;

            start = strtol(line + 4, &end, 10);
            count = *end == ',' ? strtol(end + 1, NULL, 10) : 1;
            in_hunk = 1;
        } else if (in_hunk && len && line[0] == '-') {
            hr_strv_add_owned(&minus, hr_strndup(line + 1, len - 1));
        } else if (in_hunk && len && line[0] == '+') {
            hr_strv_add_owned(&plus, hr_strndup(line + 1, len - 1));
        }
    }
    hr_strv_release(&good);
    hr_strv_release(&minus);
    hr_strv_release(&plus);
}

/* hr_signature_new - where good and bad differ */
int hr_signature_new(hr_signature **out, const char *good, const char *bad)
{
    hr_signature *s = hr_calloc(1, sizeof(*s));
    hr_buf diff = HR_BUF_INIT;
    int error;

    *out = NULL;
    if ((error = hr_gitrepo_diff_buffers(&diff, good, "good", bad, "bad",
                                         0)) < 0) {
        hr_buf_release(&diff);
        hr_free(s);
        return error;
    }
    parse_diff(s, good, hr_buf_cstr(&diff));
    s->good_text = hr_strdup(good);
    s->bad_text = hr_strdup(bad);
    hr_buf_release(&diff);
    *out = s;
    return 0;
}

/* hr_signature_free - release; NULL is fine */
void hr_signature_free(hr_signature *s)
{
    if (s == NULL)
        return;
    for (size_t i = 0; i < s->n; i++) {
        hr_free(s->hunks[i].good);
        hr_free(s->hunks[i].bad);
        hr_free(s->hunks[i].what);
    }
    hr_free(s->hunks);
    hr_free(s->good_text);
    hr_free(s->bad_text);
    hr_free(s);
}

/* hr_signature_hunks - how many places the sides differ in */
size_t hr_signature_hunks(const hr_signature *s)
{
    return s->n;
}

/* has_block - the lines of block (after its leading '\n') are whole,
 * consecutive lines of text ("\n" + the observation) */
static int has_block(const char *text, const char *block)
{
    return block[1] == 0 || strstr(text, block) != NULL;
}

/* judge_text - hunk h on "\n" + the observation */
static hr_outcome judge_text(const hr_signature *s, const char *text, size_t h)
{
    int g = has_block(text, s->hunks[h].good);
    int b = has_block(text, s->hunks[h].bad);

    return b && !g ? HR_OUTCOME_BAD : g && !b ? HR_OUTCOME_GOOD
                                              : HR_OUTCOME_OTHER;
}

/* hr_signature_judge_hunk - which side an observation is at hunk h */
hr_outcome hr_signature_judge_hunk(const hr_signature *s, const char *obs,
                                   size_t h)
{
    char *text = hr_sprintf("\n%s", obs);
    hr_outcome o = judge_text(s, text, h);

    hr_free(text);
    return o;
}

/* hr_signature_describe - where hunk h is and what it changes */
const char *hr_signature_describe(const hr_signature *s, size_t h)
{
    return s->hunks[h].what;
}

/* Positions on the good side, doubled: line a is [2a, 2a+2), the gap
 * after it is 2a+1, so that an insertion is a point. */
static void span(long start, long count, long *lo, long *hi)
{
    *lo = count ? 2 * start : 2 * start + 1;
    *hi = count ? 2 * (start + count) : 2 * start + 2;
}

/* hr_signature_elsewhere - obs differs from the good side somewhere the
 * bad side does not: a change at none of the places */
int hr_signature_elsewhere(const hr_signature *s, const char *obs)
{
    hr_buf diff = HR_BUF_INIT;
    int found = 0;

    if (hr_gitrepo_diff_buffers(&diff, s->good_text, "good", obs, "obs",
                                0) < 0) {
        hr_buf_release(&diff);
        hr_error_clear();
        return 0;
    }
    for (const char *p = hr_buf_cstr(&diff); *p && !found;) {
        size_t len = strcspn(p, "\n");

        if (len >= 2 && p[0] == '@' && p[1] == '@') {
            char *end;
            long a = strtol(p + 4, &end, 10);
            long b = *end == ',' ? strtol(end + 1, NULL, 10) : 1;
            long lo, hi;
            int at_place = 0;

            span(a, b, &lo, &hi);
            for (size_t i = 0; i < s->n && !at_place; i++) {
                long plo, phi;

                span(s->hunks[i].start, s->hunks[i].count, &plo, &phi);
                at_place = lo < phi && plo < hi;
            }
            found = !at_place;
        }
        p += len + (p[len] == '\n');
    }
    hr_buf_release(&diff);
    return found;
}

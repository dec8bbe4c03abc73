/*
 * NAME
 *	observe/normalize 3
 * SUMMARY
 *	stable renumbering and masking of volatile text
 * SYNOPSIS
 *	#include "observe/normalize.h"
 *
 *	void	hr_norm_new(&out)
 *	void	hr_norm_literal(n, from, to)
 *	void	hr_norm_learn(n, text)
 *	char	*hr_norm_apply(n, text)
 *	void	hr_norm_free(n)
 *
 *	char	*hr_normalize_text(text)
 *
 *	size_t	hr_norm_rule_count(void)
 *	const char *hr_norm_rule_name(i), *hr_norm_rule_about(i)
 * DESCRIPTION
 *	An observation must be identical across runs of the same binary
 *	yet still show real differences. So volatile tokens are renumbered
 *	rather than blanked: Postfix queue IDs become Q1, Q2, ..., process
 *	IDs P1, ..., Message-IDs <M1@host> (the domain is kept) and MIME
 *	boundaries B1, ..., each class in order of first appearance. A
 *	mix-up between two messages then still shows as a diff. Values
 *	that carry no identity (dates, delays, Maildir file names,
 *	ephemeral ports) are masked.
 *
 *	Every rule is one row of the table "rules" below, applied in table
 *	order. A row is a POSIX extended regular expression (compiled with
 *	REG_NEWLINE) and an action on one of its subexpressions:
 *	LEARN records a token of a class from its context; RENUMBER learns
 *	and rewrites in context (PIDs: a bare number is rewritten only
 *	where the context says it is a PID); KNOWN rewrites a whole word
 *	only when it was learned (queue IDs, learned from "queued as X" and
 *	the like, are then replaced wherever they occur); LITERAL rewrites
 *	every occurrence of the learned strings of a class (boundaries and
 *	Message-IDs, which are self-delimiting); MASK replaces the
 *	subexpression with a fixed text.
 *
 *	hr_norm_learn() is pass 1: it records the tokens of a text in
 *	order of first appearance. Call it for every section of an
 *	observation, in output order, before applying, so that numbering
 *	is consistent across sections. hr_norm_apply() is pass 2 and
 *	returns a new string (free with hr_free()); it learns the text
 *	first, so that a text never learned is still fully normalized.
 *
 *	hr_norm_literal() adds a string that is replaced verbatim before
 *	the table runs, for values that only the caller knows, such as an
 *	instance's directory.
 *
 *	hr_normalize_text() runs both passes over one text.
 * DIAGNOSTICS
 *	A rule that does not compile is a bug: hr_panic().
 * SEE ALSO
 *	../shared/DESIGN.md, "Observations and normalization".
 *	tests/unit/test_normalize.c, tests/data/normalize/NAME.{in,ref}.
 */
#include <pthread.h>
#include <regex.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "util/mem.h"
#include "util/msg.h"
#include "observe/normalize.h"
#include "util/strv.h"

enum cls { CL_Q, CL_P, CL_M, CL_B, CL_NONE };

enum act {
    LEARN,    /* record subexpression as a token of cls */
    RENUMBER, /* learn, and rewrite it here */
    KNOWN,    /* rewrite it when it was learned */
    LITERAL,  /* rewrite every occurrence of learned tokens (no regex) */
    MASK,     /* replace it with text */
};

struct rule {
    const char *name;    /* also the golden test's file name */
    const char *about;   /* one line for --rules and the report */
    const char *pattern; /* POSIX ERE; NULL for LITERAL */
    int cflags;          /* added to REG_EXTENDED | REG_NEWLINE */
    int group;           /* subexpression acted on */
    enum act act;
    enum cls cls;
    const char *text;                       /* MASK replacement */
    int (*accept)(const char *s, size_t n); /* MASK filter, or NULL */
};

#define MON "(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)"
#define DOW "(Mon|Tue|Wed|Thu|Fri|Sat|Sun)"
#define HMS "[0-9]{2}:[0-9]{2}:[0-9]{2}"
/* Postfix short IDs are hex; long IDs are base 52/51 without vowels. */
#define QID                                                                    \
    "([0-9A-F]{6,}|[0-9B-DF-HJ-NP-TV-Zb-df-hj-np-tv-z]{10,}z"                  \
    "[0-9B-DF-HJ-NP-TV-Zb-df-hj-np-tv-y]+)"

static int ephemeral(const char *s, size_t n);

static const struct rule rules[] = {
    {"boundary-quoted", "learn a MIME boundary from boundary=\"X\"",
     "boundary=\"([^\"\r\n]+)\"", REG_ICASE, 1, LEARN, CL_B},
    {"boundary-bare", "learn a MIME boundary from boundary=X",
     "boundary=([^\"; \t\r\n]+)", REG_ICASE, 1, LEARN, CL_B},
    {"boundary", "learned MIME boundaries become B1, B2, ...", NULL, 0, 0,
     LITERAL, CL_B},
    {"message-id-header",
     "learn <id> from Message-ID:, In-Reply-To:, References: headers",
     "(Message-ID|In-Reply-To|References):[ \t]*(<[^<> \t\r\n]+>)", REG_ICASE,
     2, LEARN, CL_M},
    {"message-id-log", "learn <id> from cleanup's message-id=<id>",
     "message-id=(<[^<> \t\r\n]+>)", 0, 1, LEARN, CL_M},
    {"message-id", "learned <local@host> become <M1@host>, keeping host", NULL,
     0, 0, LITERAL, CL_M},
    {"qid-queued-as", "learn a queue ID from 'queued as X'",
     "queued as " QID "\\b", 0, 1, LEARN, CL_Q},
    {"qid-log",
     "learn a queue ID from a log line's 'prog[pid]: X: ' or "
     "'prog[pid]: warning: X: '",
     "[A-Za-z0-9/_.-]+\\[[0-9]+\\]: ((warning|error|fatal|panic): )?" QID ": ",
     0, 3, LEARN, CL_Q},
    {"qid-received", "learn a queue ID from Received: '... id X'",
     "(^|[[:space:]])id " QID "\\b", 0, 2, LEARN, CL_Q},
    {"qid-header", "learn a queue ID from X-Postfix-Queue-ID: X",
     "X-Postfix-Queue-ID:[ \t]*" QID "\\b", REG_ICASE, 1, LEARN, CL_Q},
    {"qid-orig-id", "learn a queue ID from pickup's orig_id=X",
     "orig_id=" QID "\\b", 0, 1, LEARN, CL_Q},
    {"qid-notification", "learn a queue ID from bounce's 'notification: X'",
     "notification: " QID "\\b", 0, 1, LEARN, CL_Q},
    {"qid-boundary", "learn a queue ID from a Postfix boundary X.time/host",
     "boundary=\"?" QID "\\.[0-9]+/", REG_ICASE, 1, LEARN, CL_Q},
    {"qid-mailq", "learn a queue ID from a postqueue -p listing line",
     "^" QID "[*!]? +[0-9]+ ", 0, 1, LEARN, CL_Q},
    {"qid-queue-file", "learn a queue ID from a queue file path",
     "(incoming|active|deferred|hold|maildrop|corrupt|saved|bounce|defer|"
     "trace|flush)/([0-9A-F]/)*" QID "\\b",
     0, 3, LEARN, CL_Q},
    {"queue-id", "learned queue IDs become Q1, Q2, ... as whole words",
     "\\b" QID "\\b", 0, 1, KNOWN, CL_Q},
    {"pid-maildir", "learn a PID from a Maildir file name's .P1234.",
     "\\b[0-9]{9,11}\\.P([0-9]+)\\.", 0, 1, LEARN, CL_P},
    {"maildir-file", "Maildir file names become MAILDIR-FILE",
     "\\b[0-9]{9,11}\\.(P[0-9]+|V[0-9a-f]+I[0-9a-f]+M[0-9]+)\\."
     "[A-Za-z0-9_\\-]+(\\.[A-Za-z0-9_\\-]+)*",
     0, 0, MASK, CL_NONE, "MAILDIR-FILE"},
    {"pid-log", "prog[1234]: becomes prog[P1]:",
     "[A-Za-z0-9/_.-]+\\[([0-9]+)\\]:", 0, 1, RENUMBER, CL_P},
    {"pid-text", "'process id N', 'pid N', 'pid=N', 'PID: N' become P1",
     "\\b(process id |pid[ =]|PID: )([0-9]+)\\b", 0, 2, RENUMBER, CL_P},
    {"rfc5322-date",
     "RFC 5322 dates (Date:, Received:, Arrival-Date:) and a (zone) "
     "comment become DATE",
     "(" DOW ", *)?\\b[0-9]{1,2} +" MON " +[0-9]{4} +[0-9]{2}:[0-9]{2}"
     "(:[0-9]{2})?( +([+-][0-9]{4}|UT|GMT|[A-Z]{3}))?"
     "( +\\([^()\r\n]*\\))?",
     0, 0, MASK, CL_NONE, "DATE"},
    {"ctime-date",
     "ctime dates (postqueue -p) 'Tue Nov 24 07:38:35' "
     "become DATE",
     "\\b" DOW " +" MON " +[0-9]{1,2} " HMS "( [0-9]{4})?\\b", 0, 0, MASK,
     CL_NONE, "DATE"},
    {"iso-time", "ISO 8601 timestamps become TIME",
     "\\b[0-9]{4}-[0-9]{2}-[0-9]{2}[T ]" HMS
     "(\\.[0-9]+)?(Z|[+-][0-9]{2}:?[0-9]{2})?",
     0, 0, MASK, CL_NONE, "TIME"},
    {"syslog-host", "the hostname field of a syslog line becomes HOST",
     "^" MON " [ 0-9][0-9] " HMS " ([^ \t\r\n]+) ", 0, 2, MASK, CL_NONE,
     "HOST"},
    {"syslog-time", "syslog timestamps 'Nov 24 07:13:14' become TIME",
     "\\b" MON " [ 0-9][0-9] " HMS "\\b", 0, 0, MASK, CL_NONE, "TIME"},
    {"delay", "delay=0.04 becomes delay=D", "\\bdelay=[0-9.]+", 0, 0, MASK,
     CL_NONE, "delay=D"},
    {"delays", "delays=a/b/c/d becomes delays=D/D/D/D",
     "\\bdelays=[0-9.]+/[0-9.]+/[0-9.]+/[0-9.]+", 0, 0, MASK, CL_NONE,
     "delays=D/D/D/D"},
    {"ephemeral-port",
     "ports 32768-65535 after ']:', 'addr:' or 'port ' become PORT",
     "(\\]:|[0-9]:|\\b[Pp]ort[ =])([0-9]{5})\\b", 0, 2, MASK, CL_NONE, "PORT",
     ephemeral},
    {"hex-address",
     "pointers 0x55f30d14c960 (watchdog_pat, sanitizers) "
     "become 0xADDR",
     "\\b0x[0-9a-fA-F]{6,}\\b", 0, 0, MASK, CL_NONE, "0xADDR"},
    {"fs-space",
     "free space counts (-v fsspace, smtpd_check_queue) "
     "become N",
     "\\b(blocks free|avail) ([0-9]+)", 0, 2, MASK, CL_NONE, "N"},
};

#define NRULES (sizeof(rules) / sizeof(rules[0]))

struct hr_norm {
    hr_strv raw[CL_NONE];  /* learned tokens, in order of first appearance */
    hr_strv repl[CL_NONE]; /* their replacements */
    hr_strv lit_from;      /* hr_norm_literal() */
    hr_strv lit_to;
};

/* Literal text that every match of a rule contains (case-insensitively
 * for REG_ICASE rules): a text without it skips the regex, which glibc
 * would otherwise try at every position. The regexes stay the truth;
 * this only saves them a scan that cannot match. */
static const struct needle {
    const char *rule;
    const char *text;
} needles[] = {
    {"boundary-quoted", "boundary=\""},
    {"boundary-bare", "boundary="},
    {"message-id-log", "message-id=<"},
    {"qid-queued-as", "queued as "},
    {"qid-log", "]: "},
    {"qid-received", "id "},
    {"qid-header", "X-Postfix-Queue-ID:"},
    {"qid-orig-id", "orig_id="},
    {"qid-notification", "notification: "},
    {"qid-boundary", "boundary="},
    {"qid-queue-file", "/"},
    {"pid-maildir", ".P"},
    {"maildir-file", "."},
    {"pid-log", "]:"},
    {"rfc5322-date", ":"},
    {"ctime-date", ":"},
    {"iso-time", ":"},
    {"syslog-host", ":"},
    {"syslog-time", ":"},
    {"delay", "delay="},
    {"delays", "delays="},
    {"hex-address", "0x"},
};

static regex_t compiled[NRULES];
static const char *needle[NRULES]; /* from needles[], or NULL */
static pthread_once_t compile_once = PTHREAD_ONCE_INIT;

/* absent - the rule's needle is not in text: no match is possible */
static int absent(size_t r, const char *text)
{
    if (needle[r] == NULL)
        return 0;
    return (rules[r].cflags & REG_ICASE ? strcasestr(text, needle[r])
                                        : strstr(text, needle[r])) == NULL;
}

/* ephemeral - Linux's default ip_local_port_range starts at 32768 */
static int ephemeral(const char *s, size_t n)
{
    char tmp[8];

    if (n >= sizeof(tmp))
        return 0;
    memcpy(tmp, s, n);
    tmp[n] = 0;
    return atoi(tmp) >= 32768;
}

/* compile - compile the table once; regexec() is thread-safe in glibc */
static void compile(void)
{
    char err[256];
    int rc;

    for (size_t i = 0; i < NRULES; i++) {
        if (rules[i].pattern == NULL)
            continue;
        rc = regcomp(&compiled[i], rules[i].pattern,
                     REG_EXTENDED | REG_NEWLINE | rules[i].cflags);
        if (rc != 0) {
            regerror(rc, &compiled[i], err, sizeof(err));
            hr_panic("normalize: rule '%s': %s", rules[i].name, err);
        }
    }
    for (size_t k = 0; k < sizeof(needles) / sizeof(needles[0]); k++) {
        size_t i = 0;

        while (i < NRULES && strcmp(rules[i].name, needles[k].rule) != 0)
            i++;
        if (i == NRULES || rules[i].pattern == NULL)
            hr_panic("normalize: needle for unknown rule '%s'",
                     needles[k].rule);
        needle[i] = needles[k].text;
    }
}

/* hr_norm_rule_count - number of rows in the table */
size_t hr_norm_rule_count(void)
{
    return NRULES;
}

/* hr_norm_rule_name - a row's name */
const char *hr_norm_rule_name(size_t i)
{
    return i < NRULES ? rules[i].name : NULL;
}

/* hr_norm_rule_about - a row's one-line description */
const char *hr_norm_rule_about(size_t i)
{
    return i < NRULES ? rules[i].about : NULL;
}

/* hr_norm_new - an empty normalizer */
void hr_norm_new(hr_norm **out)
{
    pthread_once(&compile_once, compile);
    *out = hr_calloc(1, sizeof(hr_norm));
}

/* hr_norm_free - release; NULL is fine */
void hr_norm_free(hr_norm *n)
{
    if (n == NULL)
        return;
    for (int c = 0; c < CL_NONE; c++) {
        hr_strv_release(&n->raw[c]);
        hr_strv_release(&n->repl[c]);
    }
    hr_strv_release(&n->lit_from);
    hr_strv_release(&n->lit_to);
    hr_free(n);
}

/* hr_norm_literal - replace a caller-known string verbatim */
void hr_norm_literal(hr_norm *n, const char *from, const char *to)
{
    if (from == NULL || *from == 0)
        return;
    hr_strv_add(&n->lit_from, from);
    hr_strv_add(&n->lit_to, to);
}

/* lookup - index of a learned token, or -1 */
static int lookup(const hr_norm *n, enum cls c, const char *s, size_t len)
{
    for (size_t i = 0; i < n->raw[c].n; i++)
        if (strlen(n->raw[c].v[i]) == len &&
            memcmp(n->raw[c].v[i], s, len) == 0)
            return (int)i;
    return -1;
}

/* replacement - the renumbered form of the k-th token (from 1) */
static char *replacement(enum cls c, const char *tok, size_t k)
{
    const char *at;

    switch (c) {
    case CL_Q:
        return hr_sprintf("Q%zu", k);
    case CL_P:
        return hr_sprintf("P%zu", k);
    case CL_B:
        return hr_sprintf("B%zu", k);
    case CL_M:
        /* <local@host>: the host is stable and says who made the ID. */
        if ((at = strrchr(tok, '@')) != NULL)
            return hr_sprintf("<M%zu%s", k, at);
        return hr_sprintf("<M%zu>", k);
    default:
        hr_panic("normalize: bad token class %d", (int)c);
    }
}

/* learn_token - add a token if new; return its replacement */
static const char *learn_token(hr_norm *n, enum cls c, const char *s,
                               size_t len)
{
    int i = lookup(n, c, s, len);
    char *tok;

    if (i >= 0)
        return n->repl[c].v[i];
    tok = hr_strndup(s, len);
    hr_strv_add_owned(&n->repl[c], replacement(c, tok, n->raw[c].n + 1));
    hr_strv_add_owned(&n->raw[c], tok);
    return n->repl[c].v[n->repl[c].n - 1];
}

struct hit {
    size_t off; /* where the token starts */
    size_t row; /* which rule found it */
    size_t len;
};

/* hit_cmp - order hits by position, then by rule */
static int hit_cmp(const void *a, const void *b)
{
    const struct hit *x = a, *y = b;

    if (x->off != y->off)
        return x->off < y->off ? -1 : 1;
    return x->row < y->row ? -1 : x->row > y->row;
}

/* learn - pass 1 over one text, after the literal replacements */
static void learn(hr_norm *n, const char *text)
{
    struct hit *hits = NULL;
    size_t nhits = 0, cap = 0, len = strlen(text);
    regmatch_t m[10];

    for (size_t r = 0; r < NRULES; r++) {
        const struct rule *rule = &rules[r];
        size_t pos = 0;

        if ((rule->act != LEARN && rule->act != RENUMBER) || absent(r, text))
            continue;
        while (pos < len) {
            m[0].rm_so = pos;
            m[0].rm_eo = len;
            if (regexec(&compiled[r], text, 10, m, REG_STARTEND) != 0)
                break;
            if (m[rule->group].rm_so >= 0 &&
                m[rule->group].rm_eo > m[rule->group].rm_so) {
                if (nhits == cap) {
                    cap = cap ? 2 * cap : 32;
                    hits = hr_realloc(hits, cap * sizeof(*hits));
                }
                hits[nhits].off = m[rule->group].rm_so;
                hits[nhits].len = m[rule->group].rm_eo - m[rule->group].rm_so;
                hits[nhits].row = r;
                nhits++;
            }
            pos = m[0].rm_eo > m[0].rm_so ? (size_t)m[0].rm_eo : pos + 1;
        }
    }
    /* Number in order of appearance, not in order of rules. */
    if (nhits > 1)
        qsort(hits, nhits, sizeof(*hits), hit_cmp);
    for (size_t i = 0; i < nhits; i++)
        learn_token(n, rules[hits[i].row].cls, text + hits[i].off, hits[i].len);
    hr_free(hits);
}

/* replace_all - replace each occurrence of from[i] by to[i], longest first */
static char *replace_all(const char *text, const hr_strv *from,
                         const hr_strv *to)
{
    hr_buf b = HR_BUF_INIT;
    const char *p = text;

    if (from->n == 0)
        return hr_strdup(text);
    while (*p) {
        size_t best = 0, bestlen = 0;

        for (size_t i = 0; i < from->n; i++) {
            size_t l = strlen(from->v[i]);

            if (l > bestlen && from->v[i][0] == *p &&
                strncmp(p, from->v[i], l) == 0) {
                best = i;
                bestlen = l;
            }
        }
        if (bestlen) {
            hr_buf_puts(&b, to->v[best]);
            p += bestlen;
        } else {
            hr_buf_putc(&b, *p++);
        }
    }
    return hr_buf_detach(&b);
}

/* rewrite - apply one regex row to a text, return a new text */
static char *rewrite(hr_norm *n, size_t r, const char *text)
{
    const struct rule *rule = &rules[r];
    hr_buf b = HR_BUF_INIT;
    size_t pos = 0, done = 0, len = strlen(text);
    regmatch_t m[10];

    /* Nothing to find, or (KNOWN) nothing learned to rewrite. */
    if (absent(r, text) || (rule->act == KNOWN && n->raw[rule->cls].n == 0))
        pos = len;
    while (pos < len) {
        const char *repl = NULL;
        regoff_t so, eo;

        m[0].rm_so = pos;
        m[0].rm_eo = len;
        if (regexec(&compiled[r], text, 10, m, REG_STARTEND) != 0)
            break;
        so = m[rule->group].rm_so;
        eo = m[rule->group].rm_eo;
        if (so >= 0 && eo > so) {
            switch (rule->act) {
            case MASK:
                if (rule->accept == NULL || rule->accept(text + so, eo - so))
                    repl = rule->text;
                break;
            case RENUMBER:
                repl = learn_token(n, rule->cls, text + so, eo - so);
                break;
            case KNOWN: {
                int i = lookup(n, rule->cls, text + so, eo - so);

                if (i >= 0)
                    repl = n->repl[rule->cls].v[i];
                break;
            }
            default:
                hr_panic("normalize: rule '%s' cannot rewrite", rule->name);
            }
        }
        if (repl) {
            hr_buf_put(&b, text + done, so - done);
            hr_buf_puts(&b, repl);
            done = eo;
        }
        pos = m[0].rm_eo > m[0].rm_so ? (size_t)m[0].rm_eo : pos + 1;
    }
    hr_buf_puts(&b, text + done);
    return hr_buf_detach(&b);
}

/* hr_norm_learn - pass 1: record tokens in order of first appearance */
void hr_norm_learn(hr_norm *n, const char *text)
{
    char *lit = replace_all(text, &n->lit_from, &n->lit_to);

    learn(n, lit);
    hr_free(lit);
}

/* hr_norm_apply - pass 2: return the normalized text */
char *hr_norm_apply(hr_norm *n, const char *text)
{
    char *cur = replace_all(text, &n->lit_from, &n->lit_to);
    char *next;

    learn(n, cur);
    for (size_t r = 0; r < NRULES; r++) {
        if (rules[r].act == LEARN)
            continue;
        if (rules[r].act == LITERAL)
            next =
                replace_all(cur, &n->raw[rules[r].cls], &n->repl[rules[r].cls]);
        else
            next = rewrite(n, r, cur);
        hr_free(cur);
        cur = next;
    }
    return cur;
}

/* hr_normalize_text - both passes over one text */
char *hr_normalize_text(const char *text)
{
    hr_norm *n;
    char *out;

    hr_norm_new(&n);
    hr_norm_learn(n, text);
    out = hr_norm_apply(n, text);
    hr_norm_free(n);
    return out;
}

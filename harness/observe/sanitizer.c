/*
 * NAME
 *	observe/sanitizer 3
 * SUMMARY
 *	reduce sanitizer reports to their stable parts
 * SYNOPSIS
 *	#include "observe/sanitizer.h"
 *
 *	char	*hr_sanitizer_reduce(text)
 * DESCRIPTION
 *	hr_sanitizer_reduce() keeps what identifies an AddressSanitizer,
 *	LeakSanitizer or UndefinedBehaviorSanitizer report and drops what
 *	differs between runs of the same binary: the error kind, the
 *	access size, each stack frame's function and file:line, the
 *	region description, the allocation and leak lines and the SUMMARY
 *	line stay; addresses, pcs, "==pid==" prefixes, shadow memory dumps,
 *	columns and BuildIds go. Paths are cut to their last two
 *	components ("util/vstring.c:123"), because builds of the same
 *	source live in different directories. Frames in objects without
 *	debug information keep the object's base name only.
 *
 *	Several processes can write reports, and the order in which they
 *	do is not stable, so the reduced reports are sorted and separated
 *	by blank lines. The result is a new string (free with hr_free());
 *	it is empty when text holds no report.
 *
 *	hr_sanitizer_summary() keeps one line per distinct finding: the
 *	"file:line: runtime error: ..." line of a UBSan report, the SUMMARY
 *	line of an ASan or LSan one, sorted and without repeats. Every
 *	process reports a finding once, so a finding in code that every
 *	daemon runs at start-up shows up as often as daemons happened to
 *	start during a case; the summary does not depend on that.
 * SEE ALSO
 *	observe(3), the "== sanitizer" section.
 */
#include <pthread.h>
#include <regex.h>
#include <string.h>

#include "util/buf.h"
#include "util/mem.h"
#include "util/msg.h"
#include "observe/sanitizer.h"
#include "util/strv.h"

enum {
    RE_ERROR,
    RE_UBSAN,
    RE_FRAME,
    RE_ACCESS,
    RE_REGION,
    RE_BY,
    RE_LEAK,
    RE_SUMMARY,
    RE_NOTE,
    RE_LOC,
    RE_MODULE,
    NRE
};

static const char *const patterns[NRE] = {
    /* ==123==ERROR: AddressSanitizer: heap-buffer-overflow on address ... */
    [RE_ERROR] = "^==[0-9]+==ERROR: ([A-Za-z]+Sanitizer): (.*)$",
    /* /src/util/vstring.c:123:5: runtime error: ... */
    [RE_UBSAN] = "^([^ :]+):([0-9]+)(:[0-9]+)?: runtime error: (.*)$",
    /* #3 0x55d4c3 in vstring_export /src/util/vstring.c:123:7 */
    [RE_FRAME] = "^[ \t]*#([0-9]+) 0x[0-9a-fA-F]+( in ([^ ]+))?( (.*))?$",
    [RE_ACCESS] = "^(READ|WRITE) of size ([0-9]+)",
    [RE_REGION] = " is (located .*)$",
    [RE_BY] = "^((previously )?(allocated|freed) by thread T[0-9]+ here:)",
    [RE_LEAK] = "^((Direct|Indirect) leak of .*)$",
    [RE_SUMMARY] = "^SUMMARY: (.*)$",
    [RE_NOTE] = "^==[0-9]+==((The signal is caused|Hint:).*)$",
    /* file:line[:col] at the end of a frame or summary */
    [RE_LOC] = "([^ ():]+):([0-9]+)(:[0-9]+)?",
    /* (/lib/x86_64-linux-gnu/libc.so.6+0x271ca) */
    [RE_MODULE] = "\\(([^ ()+]+)\\+0x[0-9a-fA-F]+\\)",
};

static regex_t re[NRE];
static pthread_once_t re_once = PTHREAD_ONCE_INIT;

/* compile - compile the patterns once */
static void compile(void)
{
    for (int i = 0; i < NRE; i++)
        if (regcomp(&re[i], patterns[i], REG_EXTENDED | REG_NEWLINE) != 0)
            hr_panic("sanitizer: bad pattern %d", i);
}

/* short_path - the last two components of a path */
static void short_path(hr_buf *b, const char *p, size_t len)
{
    size_t start = 0;
    int slashes = 0;

    for (size_t i = len; i > 0; i--) {
        if (p[i - 1] == '/' && ++slashes == 2) {
            start = i;
            break;
        }
    }
    hr_buf_put(b, p + start, len - start);
}

/* locations - copy s, shortening file:line[:col] and (module+0x...) */
static void locations(hr_buf *b, const char *s)
{
    regmatch_t m[4], k[2];
    int hl, hm;

    while (*s) {
        hl = regexec(&re[RE_LOC], s, 4, m, 0) == 0;
        hm = regexec(&re[RE_MODULE], s, 2, k, 0) == 0;
        if (hm && (!hl || k[0].rm_so <= m[0].rm_so)) {
            const char *mod = s + k[1].rm_so;
            const char *slash = memrchr(mod, '/', k[1].rm_eo - k[1].rm_so);
            const char *base = slash ? slash + 1 : mod;

            hr_buf_put(b, s, k[0].rm_so);
            hr_buf_putc(b, '(');
            hr_buf_put(b, base, s + k[1].rm_eo - base);
            hr_buf_putc(b, ')');
            s += k[0].rm_eo;
        } else if (hl) {
            hr_buf_put(b, s, m[0].rm_so);
            short_path(b, s + m[1].rm_so, m[1].rm_eo - m[1].rm_so);
            hr_buf_putc(b, ':');
            hr_buf_put(b, s + m[2].rm_so, m[2].rm_eo - m[2].rm_so);
            s += m[0].rm_eo;
        } else {
            hr_buf_puts(b, s);
            break;
        }
    }
}

/* kind - "heap-buffer-overflow on address 0x..." -> "heap-buffer-overflow" */
static void kind(hr_buf *b, const char *s, size_t len)
{
    static const char *const cuts[] = {" on ", " at pc", " (pc", " in thread"};
    size_t n = len;

    for (size_t i = 0; i < sizeof(cuts) / sizeof(cuts[0]); i++) {
        const char *c = memmem(s, len, cuts[i], strlen(cuts[i]));

        if (c && (size_t)(c - s) < n)
            n = c - s;
    }
    hr_buf_put(b, s, n);
}

/* put_group - append one subexpression */
static void put_group(hr_buf *b, const char *line, const regmatch_t *m)
{
    hr_buf_put(b, line + m->rm_so, m->rm_eo - m->rm_so);
}

/* reduce_line - the stable form of one line, or 0 when dropped */
static int reduce_line(hr_buf *b, const char *line, int *starts)
{
    regmatch_t m[6];
    hr_buf tmp = HR_BUF_INIT;

    *starts = 0;
    if (regexec(&re[RE_ERROR], line, 3, m, 0) == 0) {
        *starts = 1;
        put_group(b, line, &m[1]);
        hr_buf_puts(b, ": ");
        kind(b, line + m[2].rm_so, m[2].rm_eo - m[2].rm_so);
    } else if (regexec(&re[RE_UBSAN], line, 5, m, 0) == 0) {
        *starts = 1;
        short_path(b, line + m[1].rm_so, m[1].rm_eo - m[1].rm_so);
        hr_buf_putc(b, ':');
        put_group(b, line, &m[2]);
        hr_buf_puts(b, ": runtime error: ");
        put_group(b, line, &m[4]);
    } else if (regexec(&re[RE_FRAME], line, 6, m, 0) == 0) {
        hr_buf_putc(b, '#');
        put_group(b, line, &m[1]);
        if (m[3].rm_so >= 0) {
            hr_buf_putc(b, ' ');
            put_group(b, line, &m[3]);
        }
        if (m[5].rm_so >= 0) {
            const char *bid;

            hr_buf_put(&tmp, line + m[5].rm_so, m[5].rm_eo - m[5].rm_so);
            if ((bid = strstr(hr_buf_cstr(&tmp), " (BuildId:")) != NULL)
                hr_buf_truncate(&tmp, bid - tmp.ptr);
            hr_buf_putc(b, ' ');
            locations(b, hr_buf_cstr(&tmp));
            hr_buf_release(&tmp);
        }
    } else if (regexec(&re[RE_ACCESS], line, 3, m, 0) == 0) {
        put_group(b, line, &m[0]);
    } else if (regexec(&re[RE_REGION], line, 2, m, 0) == 0) {
        const char *s = line + m[1].rm_so;
        const char *bracket = strstr(s, " [0x");

        hr_buf_put(b, s,
                   bracket ? (size_t)(bracket - s)
                           : (size_t)(m[1].rm_eo - m[1].rm_so));
    } else if (regexec(&re[RE_BY], line, 2, m, 0) == 0 ||
               regexec(&re[RE_LEAK], line, 2, m, 0) == 0 ||
               regexec(&re[RE_NOTE], line, 2, m, 0) == 0) {
        put_group(b, line, &m[1]);
    } else if (regexec(&re[RE_SUMMARY], line, 2, m, 0) == 0) {
        hr_buf_puts(b, "SUMMARY: ");
        locations(b, line + m[1].rm_so);
    } else {
        return 0;
    }
    while (b->len && b->ptr[b->len - 1] == ' ')
        hr_buf_truncate(b, b->len - 1);
    return 1;
}

/* hr_sanitizer_reduce - stable text of all reports, sorted */
static char *reduce(const char *text, int summary);

/* hr_sanitizer_reduce - whole reports, reduced */
char *hr_sanitizer_reduce(const char *text)
{
    return reduce(text, 0);
}

/* hr_sanitizer_summary - one line per distinct finding */
char *hr_sanitizer_summary(const char *text)
{
    return reduce(text, 1);
}

/* reduce - whole reports, or their identifying lines only */
static char *reduce(const char *text, int summary)
{
    hr_strv lines = HR_STRV_INIT, reports = HR_STRV_INIT;
    hr_buf cur = HR_BUF_INIT, line = HR_BUF_INIT;
    char *out;

    pthread_once(&re_once, compile);
    /* Keep empty lines out; a report is judged line by line. */
    hr_strv_split(&lines, text ? text : "", "\r\n");
    for (size_t i = 0; i < lines.n; i++) {
        int starts;

        hr_buf_clear(&line);
        if (!reduce_line(&line, lines.v[i], &starts))
            continue;
        if (starts && cur.len) {
            hr_strv_add_owned(&reports, hr_buf_detach(&cur));
        } else if (!starts && cur.len == 0) {
            continue; /* a fragment before any report */
        }
        hr_buf_puts(&cur, hr_buf_cstr(&line));
        hr_buf_putc(&cur, '\n');
    }
    if (cur.len)
        hr_strv_add_owned(&reports, hr_buf_detach(&cur));
    if (summary) {
        hr_strv keys = HR_STRV_INIT;

        for (size_t i = 0; i < reports.n; i++) {
            const char *r = reports.v[i];
            const char *sum = strstr(r, "SUMMARY: ");
            char *key;

            if (strstr(r, "runtime error: ") == NULL && sum)
                key = hr_strndup(sum, strcspn(sum, "\n"));
            else
                key = hr_strndup(r, strcspn(r, "\n"));
            if (hr_strv_find(&keys, key) < 0)
                hr_strv_add_owned(&keys, key);
            else
                hr_free(key);
        }
        hr_strv_sort(&keys);
        hr_strv_release(&reports);
        for (size_t i = 0; i < keys.n; i++)
            hr_strv_addf(&reports, "%s\n", keys.v[i]);
        hr_strv_release(&keys);
        out = hr_strv_join(&reports, "");
    } else {
        hr_strv_sort(&reports);
        out = hr_strv_join(&reports, "\n");
    }
    hr_strv_release(&lines);
    hr_strv_release(&reports);
    hr_buf_release(&cur);
    hr_buf_release(&line);
    return out;
}

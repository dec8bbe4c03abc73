/*
 * NAME
 *	case/escape 3
 * SUMMARY
 *	the '~' notation: bytes that are not text, spelled in a case line
 * SYNOPSIS
 *	#include "case/escape.h"
 *
 *	char	*hr_escape_decode(out, text, case_used)
 *	void	hr_escape_encode(out, s, len)
 * DESCRIPTION
 *	A '~' step of a case sends bytes exactly: \r \n \t \\ and \xHH
 *	stand for themselves, \{TEXT*N} repeats TEXT N times, and every
 *	other byte is itself. This file holds both directions, so that
 *	what the importer writes is what the parser reads.
 *
 *	hr_escape_decode() appends the bytes that text stands for to out.
 *	case_used is the number of bytes the case's earlier '~' lines
 *	expanded to: one line expands to at most HR_ESCAPE_LINE_BYTES,
 *	all of a case's lines to at most HR_ESCAPE_CASE_BYTES, so that a
 *	few bytes of case cannot fill the memory. It returns NULL, or
 *	why text is not valid (free it with hr_free()); out may then hold
 *	part of the bytes.
 *
 *	hr_escape_encode() appends bytes as "~ " lines, each ending in a
 *	newline: printable ASCII and well-formed UTF-8 as themselves, the
 *	four named escapes, \xHH for the rest, and runs of at least 16
 *	equal bytes as \{X*N}. A line ends after each encoded LF, after
 *	about HR_ESCAPE_ENCODE_WIDTH bytes of text, or when it stands for
 *	1 MiB; a trailing blank is spelled \x20, so that it shows.
 * SEE ALSO
 *	cases/README.md, "'~' lines"; case(3), session(3).
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "case/escape.h"
#include "util/mem.h"
#include "util/utf8.h"

#define MAX_REPEAT 10000000 /* N in \{TEXT*N} */
#define RUN_MIN 16          /* identical bytes that become \{X*N} */
#define MAX_RUN (1 << 20)   /* bytes one encoded line expands to, at most */

/* decode_simple - one escape at s[0] == '\\'; bytes used, or why not */
static char *decode_simple(hr_buf *out, const char *s, size_t *used)
{
    static const char hex[] = "0123456789abcdefABCDEF";

    switch (s[1]) {
    case 'r':
        hr_buf_putc(out, '\r');
        break;
    case 'n':
        hr_buf_putc(out, '\n');
        break;
    case 't':
        hr_buf_putc(out, '\t');
        break;
    case '\\':
        hr_buf_putc(out, '\\');
        break;
    case 'x':
        if (s[2] == 0 || s[3] == 0 || !strchr(hex, s[2]) || !strchr(hex, s[3]))
            return hr_strdup("'\\x' needs two hex digits");
        {
            char h[3] = {s[2], s[3], 0};

            hr_buf_putc(out, (int)strtol(h, NULL, 16));
        }
        *used = 4;
        return NULL;
    case 0:
        return hr_strdup("'~' text ends in a lone '\\'");
    default: {
        /* The whole character, when it is not ASCII. */
        size_t n = hr_utf8_len(s + 1, strlen(s + 1));

        return hr_sprintf("unknown escape '\\%.*s' in '~' text (use \\r "
                          "\\n \\t \\\\ \\xHH \\{TEXT*N})",
                          (int)(n ? n : 1), s + 1);
    }
    }
    *used = 2;
    return NULL;
}

/* decode_repeat - \{TEXT*N} at s; bytes used, or why not */
static char *decode_repeat(hr_buf *out, const char *s, size_t case_used,
                           size_t *used)
{
    const char *start = s + 2, *end, *star;
    hr_buf unit = HR_BUF_INIT;
    long count;
    char *num_end;
    char *why = NULL;

    /* The closing brace is the first one not escaped. */
    for (end = start; *end && *end != '}'; end++)
        if (*end == '\\' && end[1])
            end++;
    if (*end != '}')
        return hr_strdup("'\\{' has no closing '}' (write \\{TEXT*N})");
    for (star = end - 1; star >= start && *star != '*'; star--)
        ;
    if (star < start || star == end - 1)
        return hr_strdup("'\\{...}' needs a count: \\{TEXT*N}");
    count = strtol(star + 1, &num_end, 10);
    if (num_end != end || !isdigit((unsigned char)star[1]) || count < 1 ||
        count > MAX_REPEAT)
        return hr_sprintf("repeat count '%.*s' is not a number from 1 to %d",
                          (int)(end - star - 1), star + 1, MAX_REPEAT);
    if (star == start)
        return hr_strdup("'\\{*N}' has nothing to repeat");
    for (const char *q = start; q < star && why == NULL;) {
        size_t n = 1;

        if (*q == '\\' && q[1] == '{')
            why = hr_strdup("'\\{' cannot nest");
        else if (*q == '\\') {
            /* TEXT ends at the star: an escape may not reach past it. */
            char tmp[5] = {0};

            memcpy(tmp, q, (size_t)(star - q) < 4 ? (size_t)(star - q) : 4);
            why = decode_simple(&unit, tmp, &n);
        } else
            hr_buf_putc(&unit, *q);
        q += n;
    }
    if (why == NULL &&
        out->len + unit.len * (size_t)count > HR_ESCAPE_LINE_BYTES)
        why = hr_sprintf("'~' text expands to more than %d bytes",
                         HR_ESCAPE_LINE_BYTES);
    /* A few bytes of case could otherwise fill the memory: the fuzzer's
     * 8 KiB inputs peaked at 666 MB. */
    if (why == NULL &&
        case_used + out->len + unit.len * (size_t)count > HR_ESCAPE_CASE_BYTES)
        why = hr_sprintf("the '~' lines of the case expand to more than %d "
                         "bytes",
                         HR_ESCAPE_CASE_BYTES);
    for (long i = 0; why == NULL && i < count; i++)
        hr_buf_put(out, unit.ptr, unit.len);
    hr_buf_release(&unit);
    *used = end + 1 - s;
    return why;
}

/* hr_escape_decode - '~' text to the bytes it stands for */
char *hr_escape_decode(hr_buf *out, const char *s, size_t case_used)
{
    char *why = NULL;

    while (*s && why == NULL) {
        size_t n = 1;

        if (*s == '\\' && s[1] == '{')
            why = decode_repeat(out, s, case_used, &n);
        else if (*s == '\\')
            why = decode_simple(out, s, &n);
        else
            hr_buf_putc(out, *s);
        s += n;
    }
    return why;
}

/* encode_unit - the escaped form of the byte(s) at s[i]; bytes used */
static size_t encode_unit(char *out, const char *s, size_t n, size_t i)
{
    unsigned char ch = (unsigned char)s[i];
    size_t k;

    switch (ch) {
    case '\r':
        strcpy(out, "\\r");
        return 1;
    case '\n':
        strcpy(out, "\\n");
        return 1;
    case '\t':
        strcpy(out, "\\t");
        return 1;
    case '\\':
        strcpy(out, "\\\\");
        return 1;
    }
    if (ch >= 32 && ch < 127) {
        out[0] = (char)ch;
        out[1] = 0;
        return 1;
    }
    if (ch >= 0x80 && (k = hr_utf8_len(s + i, n - i)) > 1) {
        memcpy(out, s + i, k);
        out[k] = 0;
        return k;
    }
    snprintf(out, 8, "\\x%02x", ch);
    return 1;
}

/* hr_escape_encode - bytes as '~' lines */
void hr_escape_encode(hr_buf *out, const char *s, size_t n)
{
    hr_buf line = HR_BUF_INIT;
    size_t expands = 0;

    for (size_t i = 0; i < n;) {
        char unit[16];
        size_t run = 1, used;
        int end_line;

        while (i + run < n && s[i + run] == s[i] && run < MAX_RUN)
            run++;
        if (run >= RUN_MIN) {
            encode_unit(unit, s, n, i);
            /* '}' would end the repeat; '{' after '\' cannot occur */
            hr_buf_printf(&line, "\\{%s*%zu}",
                          strcmp(unit, "}") == 0 ? "\\x7d" : unit, run);
            end_line = s[i] == '\n';
            i += run;
            expands += run;
        } else {
            used = encode_unit(unit, s, n, i);
            hr_buf_puts(&line, unit);
            end_line = s[i] == '\n';
            i += used;
            expands += used;
        }
        if (end_line || line.len >= HR_ESCAPE_ENCODE_WIDTH ||
            expands >= MAX_RUN || i >= n) {
            /* A trailing blank would look like nothing; spell it. */
            if (line.ptr[line.len - 1] == ' ') {
                hr_buf_truncate(&line, line.len - 1);
                hr_buf_puts(&line, "\\x20");
            }
            hr_buf_printf(out, "~ %s\n", line.ptr);
            hr_buf_clear(&line);
            expands = 0;
        }
    }
    hr_buf_release(&line);
}

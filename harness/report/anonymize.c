/*
 * NAME
 *	report/anonymize 3
 * SUMMARY
 *	mask addresses and host names as DEBUG_README asks
 * SYNOPSIS
 *	#include "report/anonymize.h"
 *
 *	void	hr_anonymize(out, text, len)
 * DESCRIPTION
 *	hr_anonymize() appends text to out with every email address, host
 *	name and IPv4 address masked the way Postfix's DEBUG_README asks
 *	for problem reports: each letter becomes "A" and each digit "D",
 *	and everything else stays, so that syntax errors remain visible
 *	(user@example.test becomes AAAA@AAAAAAA.AAAA, 127.0.0.1 becomes
 *	DDD.D.D.D). A character that is not ASCII (a UTF-8 sequence, or a
 *	byte that is not UTF-8) counts as a letter. The mapping depends on
 *	nothing but the text: the same name masks the same way in every
 *	file and every context.
 *
 *	What counts, in runs of the characters that addresses are made of
 *	(letters, digits, "._%+=!-" and non-ASCII):
 *
 *	- an address: LOCAL@DOMAIN, both parts not empty; all of it;
 *	- a host name: two or more dot-separated labels with at least one
 *	  letter: mx.example.test, café.example.de, and broken ones such
 *	  as mail_gw..example.net;
 *	- an IPv4 address: four dot-separated numbers of one to three
 *	  digits.
 *
 *	And host names by their place, with or without a dot: the host
 *	field of a syslog line ("Nov 24 09:56:36 HOST postfix/..."), the
 *	argument of EHLO and HELO, and smtpd's "helo=<NAME>" and
 *	"<NAME>: Helo command rejected".
 *
 *	Not masked: other words without a dot (a bare "localhost" cannot
 *	be told from an English word), dotted numbers that are not
 *	four parts (enhanced status codes 5.7.1, versions 3.7.11), an
 *	SMTP reply code written against a name ("250-mx.example.test"
 *	keeps "250-"), and the names of the files a run and a bundle
 *	have: tokens ending in .txt .case .json .xml .html .pcap .gz .c .h
 *	.ref .out .patch, and main.cf and master.cf. IPv6 addresses are
 *	left alone: instances use none.
 *
 *	A backslash escape (\n, \\, \xHH, \uHHHH) ends a token and is
 *	copied as it is, so that JSON text and the escaped bytes of
 *	observations stay well-formed.
 * DIAGNOSTICS
 *	None: any bytes are text to it, NUL and invalid UTF-8 included.
 * SEE ALSO
 *	bundle(3), DEBUG_README "Reporting problems".
 */
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "report/anonymize.h"

/* File name endings that are the harness's own, not top-level domains. */
static const char *const file_ext[] = {
    "txt", "case", "json", "xml", "html",  "pcap", "gz",
    "c",   "h",    "ref",  "out", "patch", NULL,
};
static const char *const file_names[] = {"main.cf", "master.cf", NULL};

/* is_word - a character of a token */
static int is_word(unsigned char ch)
{
    return isalnum(ch) || ch >= 0x80 || strchr("._%+=!-", ch) != NULL;
}

/* is_label - a character of a host name label; '_' is not valid there,
 * and for that reason must be masked with the rest ("mail_gw") */
static int is_label(unsigned char ch)
{
    return isalnum(ch) || ch >= 0x80 || ch == '-' || ch == '_';
}

/* mask - letters to A, digits to D, a non-ASCII character to one A */
static void mask(hr_buf *out, const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        unsigned char ch = (unsigned char)s[i];

        if (isdigit(ch))
            hr_buf_putc(out, 'D');
        else if (isalpha(ch))
            hr_buf_putc(out, 'A');
        else if (ch >= 0xc0) {
            /* a UTF-8 lead byte: its continuation bytes go with it */
            hr_buf_putc(out, 'A');
            while (i + 1 < len && ((unsigned char)s[i + 1] & 0xc0) == 0x80)
                i++;
        } else if (ch >= 0x80)
            hr_buf_putc(out, 'A');
        else
            hr_buf_putc(out, ch);
    }
}

/* is_file_name - one of the run's or the bundle's own file names */
static int is_file_name(const char *s, size_t len)
{
    const char *dot = NULL;

    for (size_t i = 0; i < len; i++)
        if (s[i] == '.')
            dot = s + i;
    for (const char *const *f = file_names; *f; f++)
        if (strlen(*f) == len && strncasecmp(s, *f, len) == 0)
            return 1;
    if (dot == NULL)
        return 0;
    for (const char *const *e = file_ext; *e; e++)
        if (strlen(*e) == (size_t)(s + len - dot - 1) &&
            strncasecmp(dot + 1, *e, strlen(*e)) == 0)
            return 1;
    return 0;
}

/* is_ipv4 - four numbers of one to three digits */
static int is_ipv4(const char *s, size_t len)
{
    int parts = 0;
    size_t i = 0;

    while (i < len) {
        size_t n = 0;

        while (i + n < len && isdigit((unsigned char)s[i + n]))
            n++;
        if (n == 0 || n > 3)
            return 0;
        parts++;
        i += n;
        if (i == len)
            break;
        if (s[i] != '.')
            return 0;
        i++;
        if (i == len)
            return 0;
    }
    return parts == 4;
}

/* is_host - two or more labels (empty ones too: "a..b" is a host name
 * with a syntax error), a letter somewhere */
static int is_host(const char *s, size_t len)
{
    int dots = 0, letter = 0;

    if (len == 0 || s[0] == '.' || s[len - 1] == '.')
        return 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char ch = (unsigned char)s[i];

        if (ch == '.')
            dots++;
        else if (isalpha(ch) || ch >= 0x80)
            letter = 1;
    }
    return dots > 0 && letter && !is_file_name(s, len);
}

/* host_run - a run without '@': mask the host names and addresses in it */
static void host_run(hr_buf *out, const char *s, size_t len)
{
    size_t i = 0;

    while (i < len) {
        size_t start, end;

        /* Label characters and dots make a candidate; others stay. */
        if (!is_label((unsigned char)s[i])) {
            hr_buf_putc(out, s[i++]);
            continue;
        }
        start = i;
        while (i < len && (is_label((unsigned char)s[i]) || s[i] == '.'))
            i++;
        end = i;
        /* A trailing dot ends a sentence, not a name. */
        while (end > start && s[end - 1] == '.')
            end--;
        if (is_host(s + start, end - start) || is_ipv4(s + start, end - start))
            mask(out, s + start, end - start);
        else
            hr_buf_put(out, s + start, end - start);
        hr_buf_put(out, s + end, i - end);
    }
}

/* reply_code - "250-" or "250 " at the start of a run: an SMTP reply */
static size_t reply_code(const char *s, size_t len)
{
    if (len > 4 && s[0] >= '2' && s[0] <= '5' && isdigit((unsigned char)s[1]) &&
        isdigit((unsigned char)s[2]) && s[3] == '-')
        return 4;
    return 0;
}

/* token - one run of word characters and '@' */
static void token(hr_buf *out, const char *s, size_t len)
{
    const char *at;
    size_t skip = reply_code(s, len);

    hr_buf_put(out, s, skip);
    s += skip;
    len -= skip;
    at = memchr(s, '@', len);
    while (at) {
        const char *local = at, *dom = at + 1, *end = s + len;

        /* LOCAL: word characters before '@'; DOMAIN: label characters,
         * dots, or a [bracketed] literal after it. */
        while (local > s && is_word((unsigned char)local[-1]))
            local--;
        if (dom < end && *dom == '[') {
            const char *rb = memchr(dom, ']', (size_t)(end - dom));

            dom = rb ? rb + 1 : dom;
        } else
            while (dom < end && (is_label((unsigned char)*dom) || *dom == '.'))
                dom++;
        while (dom > at + 1 && dom[-1] == '.')
            dom--;
        if (local == at || dom == at + 1) {
            /* not an address: "@" alone, or "a@" */
            host_run(out, s, (size_t)(at + 1 - s));
            len -= (size_t)(at + 1 - s);
            s = at + 1;
        } else {
            host_run(out, s, (size_t)(local - s));
            mask(out, local, (size_t)(dom - local));
            len -= (size_t)(dom - s);
            s = dom;
        }
        at = memchr(s, '@', len);
    }
    host_run(out, s, len);
}

/* escape_len - the length of a backslash escape at s */
static size_t escape_len(const char *s, size_t len)
{
    size_t n = 2;

    if (len < 2)
        return len;
    if (s[1] == 'x')
        n = 4;
    else if (s[1] == 'u')
        n = 6;
    if (n > 2) {
        for (size_t i = 2; i < n; i++)
            if (i >= len || !isxdigit((unsigned char)s[i]))
                return 2;
    }
    return n;
}

/* syslog_time - the length of "Mmm dd hh:mm:ss " at s, or 0 */
static size_t syslog_time(const char *s, size_t len)
{
    static const char shape[] = "Aaa 0d 00:00:00 ";
    size_t n = sizeof(shape) - 1;

    if (len <= n)
        return 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)s[i];
        int ok;

        switch (shape[i]) {
        case 'A':
            ok = isupper(ch);
            break;
        case 'a':
            ok = islower(ch);
            break;
        case '0':
            ok = isdigit(ch);
            break;
        case 'd':
            ok = isdigit(ch) || ch == ' ';
            break;
        default:
            ok = ch == (unsigned char)shape[i];
        }
        if (!ok)
            return 0;
    }
    return n;
}

/* named_host - at text + i, a place that holds a host name: the argument
 * of an EHLO or HELO command (at the start of a line, after a case's or
 * observation's "> " or "~ ", or after smtpd's "...]: " in a debug log),
 * or smtpd's "helo=<"; the length of that prefix, or 0 */
static size_t named_host(const char *text, size_t i, size_t len)
{
    static const char *const cmds[] = {"ehlo ", "helo ", NULL};
    int command = i == 0 || text[i - 1] == '\n' ||
                  (i >= 2 && (strncmp(text + i - 2, "> ", 2) == 0 ||
                              strncmp(text + i - 2, "~ ", 2) == 0)) ||
                  (i >= 3 && strncmp(text + i - 3, "]: ", 3) == 0);

    if (len - i > 6 && strncasecmp(text + i, "helo=<", 6) == 0 &&
        (i == 0 || !isalnum((unsigned char)text[i - 1])))
        return 6;
    for (const char *const *c = cmds; command && *c; c++)
        if (len - i > 5 && strncasecmp(text + i, *c, 5) == 0)
            return 5;
    return 0;
}

/* helo_rejected - at text + i, smtpd's "<NAME>: Helo command rejected";
 * the length of NAME, or 0 */
static size_t helo_rejected(const char *text, size_t i, size_t len)
{
    static const char tail[] = ">: Helo command";
    size_t n = 1;

    if (text[i] != '<')
        return 0;
    while (i + n < len && !strchr(" \t\r\n<>", text[i + n]))
        n++;
    if (len - (i + n) >= sizeof(tail) - 1 &&
        strncmp(text + i + n, tail, sizeof(tail) - 1) == 0)
        return n - 1;
    return 0;
}

/* host_arg - the length of a host name argument at s */
static size_t host_arg(const char *s, size_t len)
{
    size_t n = 0;

    while (n < len && !strchr(" \t\r\n\\\"<>,;()", s[n]))
        n++;
    return n;
}

/* host_after - n bytes of s as they are, then the host name argument
 * that follows them masked; the length of both */
static size_t host_after(hr_buf *out, const char *s, size_t len, size_t n)
{
    size_t h = host_arg(s + n, len - n);

    hr_buf_put(out, s, n);
    mask(out, s + n, h);
    return n + h;
}

/* hr_anonymize - mask addresses, host names and IPv4 addresses */
void hr_anonymize(hr_buf *out, const char *text, size_t len)
{
    size_t i = 0;

    while (i < len) {
        unsigned char ch = (unsigned char)text[i];
        size_t start = i, n;

        /* host names by their place: a syslog line's host field, the
         * argument of EHLO and HELO */
        if (((i == 0 || text[i - 1] == '\n') &&
             (n = syslog_time(text + i, len - i)) > 0) ||
            (n = named_host(text, i, len)) > 0) {
            i += host_after(out, text + i, len - i, n);
            continue;
        }
        if ((n = helo_rejected(text, i, len)) > 0) {
            hr_buf_putc(out, '<');
            mask(out, text + i + 1, n);
            i += n + 1;
            continue;
        }

        if (ch == '\\') {
            n = escape_len(text + i, len - i);
            hr_buf_put(out, text + i, n);
            i += n;
            continue;
        }
        if (!is_word(ch) && ch != '@') {
            hr_buf_putc(out, (char)ch);
            i++;
            continue;
        }
        while (i < len && (is_word((unsigned char)text[i]) || text[i] == '@'))
            i++;
        /* user@[127.0.0.1]: the literal belongs to the address */
        if (text[i - 1] == '@' && i < len && text[i] == '[') {
            const char *rb = memchr(text + i, ']', len - i < 64 ? len - i : 64);

            if (rb)
                i = (size_t)(rb - text) + 1;
        }
        token(out, text + start, i - start);
    }
}

/*
 * NAME
 *	case/case 3
 * SUMMARY
 *	recorded sessions and probes: cases/ files, parsed
 * SYNOPSIS
 *	#include "case/case.h"
 *
 *	int	hr_case_parse(out, path, text, len)
 *	int	hr_case_load(out, path)
 *	int	hr_case_load_all(out, count, args, nargs)
 *	void	hr_case_free(c), hr_case_free_all(cases, count)
 *	const char *hr_case_kind_name(kind)
 *	char	*hr_case_config_key(c)
 *	int	hr_case_has_mark(c, mark)
 *	int	hr_glob_match(pattern, text)
 *	char	*hr_case_config_render(value, table_dir)
 * DESCRIPTION
 *	A case is one plain text file; cases/README.md is the reference
 *	for its format. hr_case_parse() turns the text of one file into
 *	an hr_case: header directives, the allowlisted main.cf overrides
 *	and lookup tables, the sink's answers, and either the SMTP
 *	session as exchanges (items sent in one write, then the replies
 *	expected) or the probe's recipients and DSN expectations. Every
 *	item carries the bytes that go on the wire: DATA content is
 *	dot-stuffed and terminated, BDAT sizes are computed, '~' escapes
 *	are decoded.
 *
 *	hr_case_load() reads and parses one file. hr_case_load_all()
 *	takes files and directories (searched recursively for *.case),
 *	drops repeated files, sorts by path, and rejects two cases with
 *	the same name. The caller owns the results: hr_case_free(),
 *	hr_case_free_all().
 *
 *	hr_case_config_key() returns a new string that is the same for
 *	two cases exactly when they need the same main.cf overrides and
 *	tables, so that the runner can share an instance between them;
 *	"" for a case with none.
 *
 *	hr_glob_match() matches the globs of expected replies: '*' any
 *	run of bytes (newlines too), '?' one byte, '\*' '\?' '\\'
 *	themselves. It returns 1 on a match. Its running time is bounded
 *	by the product of the lengths: it never backtracks more than one
 *	'*'.
 *
 *	hr_case_config_render() rewrites the table:NAME references in a
 *	config value to texthash:TABLE_DIR/NAME; the runner writes each
 *	table (map tables under their parameter's name) to that file.
 * DIAGNOSTICS
 *	A malformed case gives HR_EINPUT with "path:line: message".
 *	Problems reading files pass up the error of fsutil(3). Nothing is
 *	printed.
 * SEE ALSO
 *	cases/README.md, the format; cmd_cases(1).
 */
#include <ctype.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "case/case.h"
#include "util/fsutil.h"
#include "util/mem.h"
#include "util/msg.h"

/*
 * main.cf parameters that a case may set with "config". '*' is a glob.
 * They change how smtpd and the address machinery answer, and none of
 * them runs a program, names a file or sends mail elsewhere. Keep this
 * table and the one in cases/README.md in step.
 */
/* clang-format off */
static const char *const config_allow[] = {
    /* addresses, domains, rewriting */
    "mydestination", "mydomain", "myorigin", "mynetworks", "mynetworks_style",
    "relay_domains", "virtual_alias_domains", "virtual_mailbox_domains",
    "append_at_myorigin", "append_dot_mydomain", "allow_percent_hack",
    "swap_bangpath", "recipient_delimiter", "propagate_unmatched_extensions",
    "resolve_dequoted_address", "resolve_null_domain",
    "resolve_numeric_domain", "allow_untrusted_routing", "allow_min_user",
    "masquerade_domains", "masquerade_exceptions", "masquerade_classes",
    "canonical_classes", "sender_canonical_classes",
    "recipient_canonical_classes", "remote_header_rewrite_domain",
    "local_header_rewrite_clients", "virtual_alias_expansion_limit",
    "virtual_alias_recursion_limit", "virtual_alias_address_length_limit",
    "owner_request_special", "expand_owner_alias",
    "enable_original_recipient", "show_user_unknown_table_name",
    "empty_address_recipient", "biff", "soft_bounce",
    /* the SMTP server */
    "smtpd_*_restrictions", "smtpd_helo_required", "smtpd_delay_reject",
    "strict_rfc821_envelopes", "smtpd_reject_unlisted_sender",
    "smtpd_reject_unlisted_recipient", "smtpd_discard_ehlo_keywords",
    "smtpd_banner", "smtpd_recipient_limit",
    "smtpd_recipient_overshoot_limit", "smtpd_hard_error_limit",
    "smtpd_soft_error_limit", "smtpd_junk_command_limit",
    "smtpd_error_sleep_time", "smtpd_history_flush_threshold",
    "smtpd_forbid_bare_newline", "smtpd_forbid_bare_newline_exclusions",
    "smtpd_forbid_unauth_pipelining", "smtpd_reject_footer",
    "smtpd_null_access_lookup_key", "smtpd_noop_commands",
    "smtpd_expansion_filter", "smtpd_peername_lookup", "smtpd_timeout",
    "smtpd_log_access_permit_actions", "disable_vrfy_command",
    "smtputf8_enable", "smtputf8_autodetect_classes",
    "*_reject_code", "defer_code", "*_defer_code", "*_tempfail_action",
    /* message limits and MIME */
    "message_size_limit", "header_size_limit", "line_length_limit",
    "header_address_token_limit", "hopcount_limit", "strict_7bit_headers",
    "strict_8bitmime", "strict_8bitmime_body", "strict_mime_encoding_domain",
    "disable_mime_input_processing", "disable_mime_output_conversion",
    NULL,
};

/* Parameters that "map PARAM KEY VALUE" may fill; "config" may set them
 * too, to table:NAME references. */
static const char *const map_allow[] = {
    "alias_maps", "virtual_alias_maps", "canonical_maps",
    "sender_canonical_maps", "recipient_canonical_maps", "relocated_maps",
    "transport_maps", "virtual_mailbox_maps", "relay_recipient_maps",
    "local_recipient_maps", "smtpd_sender_login_maps", "sender_bcc_maps",
    "recipient_bcc_maps", NULL,
};

/* Lookup table types a config value may name. table:NAME is the case's
 * own table; the others need no file. */
static const char *const type_allow[] = {
    "table", "inline", "static", "fail", "unix", "proxy", NULL,
};

/* Transports that a transport_maps value may name. */
static const char *const transport_allow[] = {
    "error", "discard", "retry", "smtp", "relay", "local", "virtual", NULL,
};

static const char *const mark_allow[] = {
    "incomplete", "synthetic-data", NULL,
};

static const char *const stage_allow[] = {
    "connect", "helo", "mail", "rcpt", "data", NULL,
};

static const char *const action_allow[] = {
    "deliverable", "undeliverable", "delivered", "relayed", "expanded",
    "failed", "delayed", NULL,
};
/* clang-format on */

#define MAX_LINE 65536      /* bytes in one line, without '\n' */
#define MAX_FILE (16 << 20) /* bytes in one case file */
#define MAX_RAW (16 << 20)  /* bytes one '~' line expands to */
#define MAX_RAW_CASE (64 << 20) /* bytes all '~' lines of a case expand to */
#define MAX_REPEAT 10000000 /* N in \{TEXT*N} */
#define MAX_PAUSE 60000     /* milliseconds */
#define MAX_NAME 100        /* bytes in a case or table name */

enum { P_NONE, P_SEND, P_RECV }; /* where the session builder is */

/* The exchange being built: items, then the '<' lines after them. */
struct pending {
    int phase;
    int line; /* its first step */
    hr_case_item *items;
    size_t nitems, cap;
    size_t want; /* replies its items ask for */
    int has_raw; /* then the '<' lines decide */
    hr_strv replies;
    hr_buf reply;  /* lines of the reply being read */
    int open_line; /* a '-' line still wants its successor */
    int content;   /* HR_ITEM_DATA, HR_ITEM_CHUNK, or 0 */
    hr_buf cbytes;
    int clines, cline;
    long bdat_item; /* a BDAT command awaiting its chunk, or -1 */
    long bdat_size; /* its size, -1 for '*' */
};

struct parser {
    const char *path;
    hr_case *c;
    int lastline; /* number of lines, at least 1 */
    int kind_line, about_line, client_line, mode_line, sender_line;
    size_t xcap, tcap, scap, ecap;
    int *config_lines; /* parallel to c->config */
    int eof_line;      /* the "eof" step, once seen */
    size_t raw_total;  /* bytes of the '~' lines so far */
    struct pending pe;
};

/* in_list - is s one of a NULL-terminated list */
static int in_list(const char *const *list, const char *s)
{
    for (; *list; list++)
        if (strcmp(*list, s) == 0)
            return 1;
    return 0;
}

/* in_list_n - is the first len bytes of s one of a list */
static int in_list_n(const char *const *list, const char *s, size_t len)
{
    for (; *list; list++)
        if (strlen(*list) == len && strncmp(*list, s, len) == 0)
            return 1;
    return 0;
}

/* perr - record "path:line: message" */
static int perr(struct parser *p, int line, const char *fmt, ...)
    HR_PRINTF(3, 4);
static int perr(struct parser *p, int line, const char *fmt, ...)
{
    char msg[1024];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    return hr_error_set(HR_EINPUT, "%s:%d: %s", p->path, line, msg);
}

/* grow - make room for one more element of an array */
static void *grow(void *arr, size_t n, size_t *cap, size_t size)
{
    if (n < *cap)
        return arr;
    *cap = *cap ? 2 * *cap : 4;
    return hr_realloc(arr, *cap * size);
}

/* hr_glob_match - '*' any run, '?' one byte, backslash quotes */
int hr_glob_match(const char *pat, const char *text)
{
    const char *star_p = NULL, *star_t = NULL;

    while (*text) {
        const char *next;
        int any = 0, ch = 0;

        if (*pat == '*') {
            /* Remember only the last star: earlier ones never need to
             * take back what they matched, so this stays polynomial. */
            while (*pat == '*')
                pat++;
            star_p = pat;
            star_t = text;
            continue;
        }
        if (*pat == '?') {
            any = 1;
            next = pat + 1;
        } else if (*pat == '\\' && pat[1] && strchr("*?\\", pat[1])) {
            ch = pat[1];
            next = pat + 2;
        } else {
            ch = *pat;
            next = pat + 1;
        }
        if (*pat && (any || ch == *text)) {
            pat = next;
            text++;
            continue;
        }
        if (star_p == NULL)
            return 0;
        pat = star_p;
        text = ++star_t;
    }
    while (*pat == '*')
        pat++;
    return *pat == 0;
}

/* may_start_with - can text matching pat start with lit */
static int may_start_with(const char *pat, const char *lit)
{
    for (; *lit; lit++) {
        if (*pat == '*')
            return 1;
        if (*pat == 0)
            return 0;
        if (*pat == '\\' && pat[1] && strchr("*?\\", pat[1]))
            pat++;
        else if (*pat == '?') {
            pat++;
            continue;
        }
        if (*pat++ != *lit)
            return 0;
    }
    return 1;
}

/* utf8_ok - is [s, s+len) well-formed UTF-8 */
static int utf8_ok(const unsigned char *s, size_t len)
{
    size_t i = 0;

    while (i < len) {
        unsigned c = s[i];
        size_t n;
        unsigned cp;

        if (c < 0x80) {
            i++;
            continue;
        }
        if (c >= 0xc2 && c <= 0xdf)
            n = 1, cp = c & 0x1f;
        else if (c >= 0xe0 && c <= 0xef)
            n = 2, cp = c & 0x0f;
        else if (c >= 0xf0 && c <= 0xf4)
            n = 3, cp = c & 0x07;
        else
            return 0;
        if (i + n >= len)
            return 0;
        for (size_t k = 1; k <= n; k++) {
            if ((s[i + k] & 0xc0) != 0x80)
                return 0;
            cp = (cp << 6) | (s[i + k] & 0x3f);
        }
        /* overlong forms, surrogates, beyond U+10FFFF */
        if ((n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) ||
            (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
            return 0;
        i += n + 1;
    }
    return 1;
}

/* valid_name - [a-z0-9][a-z0-9._-]* */
static int valid_name(const char *s, const char *extra)
{
    if (!islower((unsigned char)*s) && !isdigit((unsigned char)*s))
        return 0;
    if (strlen(s) > MAX_NAME)
        return 0;
    for (; *s; s++)
        if (!islower((unsigned char)*s) && !isdigit((unsigned char)*s) &&
            strchr(extra, *s) == NULL)
            return 0;
    return 1;
}

/* next_word - split off the first blank-separated word of *s */
static char *next_word(char **s)
{
    char *w = *s + strspn(*s, " \t");
    char *e;

    if (*w == 0)
        return NULL;
    e = w + strcspn(w, " \t");
    if (*e)
        *e++ = 0;
    *s = e + strspn(e, " \t");
    return w;
}

/* decode_simple - one escape of '~' text at s[0] == '\\'; bytes used */
static int decode_simple(struct parser *p, int line, hr_buf *out, const char *s,
                         size_t *used)
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
            return perr(p, line, "'\\x' needs two hex digits");
        {
            char h[3] = {s[2], s[3], 0};

            hr_buf_putc(out, (int)strtol(h, NULL, 16));
        }
        *used = 4;
        return 0;
    case 0:
        return perr(p, line, "'~' text ends in a lone '\\'");
    default:
        return perr(p, line,
                    "unknown escape '\\%c' in '~' text (use \\r "
                    "\\n \\t \\\\ \\xHH \\{TEXT*N})",
                    s[1]);
    }
    *used = 2;
    return 0;
}

/* decode_repeat - \{TEXT*N} at s; bytes used */
static int decode_repeat(struct parser *p, int line, hr_buf *out, const char *s,
                         size_t *used)
{
    const char *start = s + 2, *end, *star;
    hr_buf unit = HR_BUF_INIT;
    long count;
    char *num_end;
    int error = 0;

    /* The closing brace is the first one not escaped. */
    for (end = start; *end && *end != '}'; end++)
        if (*end == '\\' && end[1])
            end++;
    if (*end != '}')
        return perr(p, line, "'\\{' has no closing '}' (write \\{TEXT*N})");
    for (star = end - 1; star >= start && *star != '*'; star--)
        ;
    if (star < start || star == end - 1)
        return perr(p, line, "'\\{...}' needs a count: \\{TEXT*N}");
    count = strtol(star + 1, &num_end, 10);
    if (num_end != end || !isdigit((unsigned char)star[1]) || count < 1 ||
        count > MAX_REPEAT)
        return perr(p, line, "repeat count '%.*s' is not a number from 1 to %d",
                    (int)(end - star - 1), star + 1, MAX_REPEAT);
    if (star == start)
        return perr(p, line, "'\\{*N}' has nothing to repeat");
    for (const char *q = start; q < star && error == 0;) {
        size_t n = 1;

        if (*q == '\\' && q[1] == '{')
            error = perr(p, line, "'\\{' cannot nest");
        else if (*q == '\\') {
            /* TEXT ends at the star: an escape may not reach past it. */
            char tmp[5] = {0};

            memcpy(tmp, q, (size_t)(star - q) < 4 ? (size_t)(star - q) : 4);
            error = decode_simple(p, line, &unit, tmp, &n);
        } else
            hr_buf_putc(&unit, *q);
        q += n;
    }
    if (error == 0 && out->len + unit.len * (size_t)count > MAX_RAW)
        error =
            perr(p, line, "'~' text expands to more than %d bytes", MAX_RAW);
    /* A few bytes of case could otherwise fill the memory: the fuzzer's
     * 8 KiB inputs peaked at 666 MB. */
    if (error == 0 &&
        p->raw_total + out->len + unit.len * (size_t)count > MAX_RAW_CASE)
        error = perr(p, line,
                     "the '~' lines of the case expand to more than %d bytes",
                     MAX_RAW_CASE);
    for (long i = 0; error == 0 && i < count; i++)
        hr_buf_put(out, unit.ptr, unit.len);
    hr_buf_release(&unit);
    *used = end + 1 - s;
    return error;
}

/* decode_raw - '~' text to the bytes it stands for */
static int decode_raw(struct parser *p, int line, hr_buf *out, const char *s)
{
    int error = 0;

    while (*s && error == 0) {
        size_t n = 1;

        if (*s == '\\' && s[1] == '{')
            error = decode_repeat(p, line, out, s, &n);
        else if (*s == '\\')
            error = decode_simple(p, line, out, s, &n);
        else
            hr_buf_putc(out, *s);
        s += n;
    }
    return error;
}

/* valid_client - 127.x.y.z, dotted decimal, not .0 or broadcast */
static int valid_client(const char *s)
{
    int oct[4];

    for (int i = 0; i < 4; i++) {
        int n = 0, v = 0;

        while (isdigit((unsigned char)s[n]) && n < 4)
            v = v * 10 + (s[n++] - '0');
        /* No leading zeros: inet_aton() would read them as octal. */
        if (n == 0 || n > 3 || v > 255 || (n > 1 && s[0] == '0'))
            return 0;
        oct[i] = v;
        s += n;
        if (i < 3 && *s++ != '.')
            return 0;
    }
    if (*s || oct[0] != 127)
        return 0;
    if (oct[1] == 0 && oct[2] == 0 && oct[3] == 0)
        return 0;
    if (oct[1] == 255 && oct[2] == 255 && oct[3] == 255)
        return 0;
    return 1;
}

/* find_table - index of a table, or -1 */
static long find_table(const hr_case *c, const char *name, int is_param)
{
    for (size_t i = 0; i < c->ntables; i++)
        if (c->tables[i].is_param == is_param &&
            strcmp(c->tables[i].name, name) == 0)
            return (long)i;
    return -1;
}

/* config_find - index of a config line for param, or -1 */
static long config_find(const hr_case *c, const char *param)
{
    size_t len = strlen(param);

    for (size_t i = 0; i < c->config.n; i++)
        if (strncmp(c->config.v[i], param, len) == 0 &&
            c->config.v[i][len] == ' ')
            return (long)i;
    return -1;
}

/* check_table_value - no programs, files or includes in table values */
static int check_table_value(struct parser *p, int line, const char *value)
{
    hr_strv elems = HR_STRV_INIT;
    int error = 0;

    if (strchr(value, '|'))
        return perr(p, line,
                    "table values may not contain '|' (delivery "
                    "to commands)");
    if (strcasestr(value, ":include:"))
        return perr(p, line, "table values may not use ':include:'");
    hr_strv_split(&elems, value, " \t,");
    for (size_t i = 0; i < elems.n && error == 0; i++) {
        const char *e = elems.v[i] + (elems.v[i][0] == '"');

        if (*e == '/')
            error = perr(p, line,
                         "table value '%s' names a file; file "
                         "destinations are not allowed",
                         elems.v[i]);
    }
    hr_strv_release(&elems);
    return error;
}

/* check_transport - a transport_maps value names an allowed transport */
static int check_transport(struct parser *p, int line, const char *value)
{
    size_t n = strcspn(value, ":");

    /* ":nexthop" keeps the default transport. */
    if (n == 0 || in_list_n(transport_allow, value, n))
        return 0;
    return perr(p, line,
                "transport '%.*s' is not allowed in transport_maps "
                "(error, discard, retry, smtp, relay, local, virtual)",
                (int)n, value);
}

/* check_transport_table - every value of a table used as transport_maps */
static int check_transport_table(struct parser *p, const hr_case_table *t)
{
    int error = 0;

    for (size_t i = 0; i < t->entries.n && error == 0; i++)
        error = check_transport(p, t->line, strchr(t->entries.v[i], ' ') + 1);
    return error;
}

/* is_cidr - "[addr]/len" or "addr/len", optionally after '!' */
static int is_cidr(const char *s)
{
    const char *slash = strchr(s, '/');
    size_t alen;

    if (*s == '!')
        s++;
    alen = slash - s;
    if (alen == 0 || strspn(s, "0123456789abcdefABCDEF:.[]") != alen)
        return 0;
    return slash[1] && strlen(slash + 1) <= 3 &&
           strspn(slash + 1, "0123456789") == strlen(slash + 1);
}

/* check_dollar - $name references to paths or programs */
static int check_dollar(struct parser *p, int line, const char *param,
                        const char *v)
{
    static const char *const bad[] = {
        "directory", "command", "path", "file", "base", "program", NULL,
    };

    for (const char *d = strchr(v, '$'); d; d = strchr(d + 1, '$')) {
        const char *n = d + 1 + (d[1] == '{' || d[1] == '(');
        size_t len = strspn(n, "abcdefghijklmnopqrstuvwxyz0123456789_");

        for (size_t i = 0; bad[i]; i++)
            if (memmem(n, len, bad[i], strlen(bad[i])))
                return perr(p, line,
                            "'%s' may not refer to '$%.*s': it "
                            "names a path or a program",
                            param, (int)len, n);
    }
    return 0;
}

/* check_piece - one token of a config value */
static int check_piece(struct parser *p, int line, const char *param,
                       const char *piece, hr_strv *refs)
{
    const char *s = piece;
    size_t tlen;

    if (*s == '/' || (*s == '!' && s[1] == '/'))
        return perr(p, line, "'%s' value '%s' is a path; files are not allowed",
                    param, piece);
    /* type:name, perhaps proxy:type:name */
    while ((tlen = strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789_")) &&
           s[tlen] == ':' && islower((unsigned char)*s)) {
        int is_table = tlen == 5 && strncmp(s, "table", 5) == 0;

        if (!in_list_n(type_allow, s, tlen))
            return perr(p, line,
                        "table type '%.*s' is not allowed; define "
                        "the table in the case and use table:NAME",
                        (int)tlen, s);
        s += tlen + 1;
        if (is_table) {
            if (*s == 0)
                return perr(p, line, "'table:' needs a table name");
            hr_strv_add(refs, s);
            return 0;
        }
    }
    if (strchr(piece, '/') && !is_cidr(piece))
        return perr(p, line,
                    "'%s' value '%s' looks like a path; only "
                    "networks (127.0.0.0/8) may contain '/'",
                    param, piece);
    return 0;
}

/* check_config_value - no pipes, paths or foreign tables in a value */
static int check_config_value(struct parser *p, int line, const char *param,
                              const char *value, hr_strv *refs)
{
    hr_strv pieces = HR_STRV_INIT;
    int error = 0;

    if (strchr(value, '|'))
        return perr(p, line,
                    "'%s' value contains '|'; commands are not allowed", param);
    if (strcasestr(value, ":include:"))
        return perr(p, line, "'%s' value may not use ':include:'", param);
    if ((error = check_dollar(p, line, param, value)) < 0)
        return error;
    hr_strv_split(&pieces, value, " \t,{}=");
    for (size_t i = 0; i < pieces.n && error == 0; i++)
        error = check_piece(p, line, param, pieces.v[i], refs);
    hr_strv_release(&pieces);
    return error;
}

/* config_allowed - is param on the allowlist */
static int config_allowed(const char *param)
{
    if (in_list(map_allow, param))
        return 1;
    for (size_t i = 0; config_allow[i]; i++)
        if (hr_glob_match(config_allow[i], param))
            return 1;
    return 0;
}

/* parse_config - "config param = value" */
static int parse_config(struct parser *p, int line, char *rest)
{
    hr_case *c = p->c;
    char *eq = strchr(rest, '=');
    char *param, *value, *end;
    hr_strv words = HR_STRV_INIT, refs = HR_STRV_INIT;
    long prev;
    int error;

    if (eq == NULL)
        return perr(p, line, "'config' needs 'parameter = value'");
    *eq = 0;
    param = rest;
    for (end = eq; end > param && (end[-1] == ' ' || end[-1] == '\t');)
        *--end = 0;
    value = eq + 1 + strspn(eq + 1, " \t");
    if (*param == 0 ||
        strspn(param, "abcdefghijklmnopqrstuvwxyz0123456789_") != strlen(param))
        return perr(p, line, "'config' needs 'parameter = value', not '%s'",
                    param);
    /* disable_vrfy_command is a switch, not a program: a parameter that
     * the allowlist names exactly is not caught by the suffix rule. */
    if (strlen(param) > 9 &&
        strcmp(param + strlen(param) - 8, "_command") == 0 &&
        !in_list(config_allow, param))
        return perr(p, line, "'%s' runs a program; cases may not set it",
                    param);
    if (strcmp(param, "allow_mail_to_commands") == 0 ||
        strcmp(param, "allow_mail_to_files") == 0)
        return perr(p, line,
                    "'%s' enables delivery to programs or files; "
                    "cases may not set it",
                    param);
    if (!config_allowed(param))
        return perr(p, line,
                    "'%s' is not a parameter that cases may set "
                    "(see the allowlist in cases/README.md)",
                    param);
    if ((prev = config_find(c, param)) >= 0)
        return perr(p, line, "'%s' is set twice (first on line %d)", param,
                    p->config_lines[prev]);
    /* Table references resolve at the end: tables may come later. */
    error = check_config_value(p, line, param, value, &refs);
    hr_strv_release(&refs);
    if (error < 0)
        return error;
    /* One space between words: the config key compares text. */
    hr_strv_split(&words, value, " \t");
    value = hr_strv_join(&words, " ");
    hr_strv_release(&words);
    p->config_lines =
        hr_realloc(p->config_lines, (c->config.n + 1) * sizeof(int));
    p->config_lines[c->config.n] = line;
    hr_strv_addf(&c->config, "%s = %s", param, value);
    hr_free(value);
    return 0;
}

/* table_entry - add "KEY VALUE" to a map or named table */
static int table_entry(struct parser *p, int line, const char *name,
                       int is_param, const char *key, const char *value)
{
    hr_case *c = p->c;
    long t = find_table(c, name, is_param);
    hr_case_table *tab;
    size_t klen = strlen(key);
    int error;

    if ((error = check_table_value(p, line, value)) < 0)
        return error;
    if (is_param && strcmp(name, "transport_maps") == 0 &&
        (error = check_transport(p, line, value)) < 0)
        return error;
    if (t < 0) {
        c->tables = grow(c->tables, c->ntables, &p->tcap, sizeof(*c->tables));
        t = (long)c->ntables++;
        tab = &c->tables[t];
        memset(tab, 0, sizeof(*tab));
        tab->name = hr_strdup(name);
        tab->is_param = is_param;
        tab->line = line;
    }
    tab = &c->tables[t];
    for (size_t i = 0; i < tab->entries.n; i++)
        if (strncmp(tab->entries.v[i], key, klen) == 0 &&
            tab->entries.v[i][klen] == ' ')
            return perr(p, line, "key '%s' is given twice in %s '%s'", key,
                        is_param ? "map" : "table", name);
    hr_strv_addf(&tab->entries, "%s %s", key, value);
    return 0;
}

/* parse_map - "map PARAM KEY VALUE" and "table NAME KEY VALUE" */
static int parse_map(struct parser *p, int line, const char *word, char *rest,
                     int is_param)
{
    char *name = next_word(&rest);
    char *key = next_word(&rest);

    if (name == NULL || key == NULL || *rest == 0)
        return perr(p, line, "'%s' needs %s, a key and a value", word,
                    is_param ? "a parameter" : "a table name");
    if (is_param && !in_list(map_allow, name))
        return perr(p, line,
                    "'%s' is not a parameter that 'map' may fill "
                    "(see cases/README.md)",
                    name);
    if (!is_param && !valid_name(name, "_-"))
        return perr(p, line,
                    "'%s' is not a valid table name ([a-z0-9] then [a-z0-9_-])",
                    name);
    if (!is_param && in_list(map_allow, name))
        return perr(p, line,
                    "table name '%s' is a parameter; write 'map %s ...'", name,
                    name);
    return table_entry(p, line, name, is_param, key, rest);
}

/* parse_sink - "sink STAGE|ADDRESS [ADDRESS] CODE TEXT" */
static int parse_sink(struct parser *p, int line, char *rest)
{
    hr_case *c = p->c;
    char *first = next_word(&rest);
    const char *stage, *rcpt = NULL;
    char *code;
    hr_sink_rule *r;

    if (first == NULL)
        return perr(p, line,
                    "'sink' needs a stage or an address, a code "
                    "and a text");
    if (strchr(first, '@')) {
        stage = "rcpt";
        rcpt = first;
    } else if (in_list(stage_allow, first)) {
        stage = first;
        if (strcmp(stage, "rcpt") == 0 && (rcpt = next_word(&rest)) == NULL)
            return perr(p, line, "'sink rcpt' needs an address or '*'");
    } else
        return perr(p, line,
                    "unknown sink stage '%s' (connect, helo, mail, "
                    "rcpt, data, or an address)",
                    first);
    code = next_word(&rest);
    if (code == NULL || strlen(code) != 3 || strspn(code, "0123456789") != 3 ||
        code[0] < '2' || code[0] > '5' || code[0] == '3')
        return perr(p, line,
                    "bad sink reply code '%s' (three digits: 2xx, 4xx or 5xx)",
                    code ? code : "");
    for (size_t i = 0; i < c->nsink; i++)
        if (strcmp(c->sink[i].stage, stage) == 0 &&
            (rcpt == NULL || strcmp(c->sink[i].rcpt, rcpt) == 0))
            return perr(p, line,
                        "the sink's answer for '%s' is given twice "
                        "(first on line %d)",
                        rcpt ? rcpt : stage, c->sink[i].line);
    c->sink = grow(c->sink, c->nsink, &p->scap, sizeof(*c->sink));
    r = &c->sink[c->nsink++];
    r->stage = hr_strdup(stage);
    r->rcpt = rcpt ? hr_strdup(rcpt) : NULL;
    r->code = atoi(code);
    r->text = hr_strdup(rest);
    r->line = line;
    return 0;
}

/* parse_expect - "expect RCPT ACTION STATUS [DIAGNOSTIC]" */
static int parse_expect(struct parser *p, int line, char *rest)
{
    hr_case *c = p->c;
    char *rcpt = next_word(&rest);
    char *action = next_word(&rest);
    char *status = next_word(&rest);
    hr_probe_expect *e;

    if (status == NULL)
        return perr(p, line,
                    "'expect' needs a recipient, an action and a "
                    "status");
    if (!in_list(action_allow, action))
        return perr(p, line,
                    "unknown action '%s' (deliverable, "
                    "undeliverable, delivered, relayed, expanded, failed, "
                    "delayed)",
                    action);
    if (strspn(status, "0123456789.*?") != strlen(status))
        return perr(p, line,
                    "bad status '%s' (like 5.1.1; '*' and '?' allowed)",
                    status);
    /* A recipient may be expected more than once: sendmail -v that fails
     * yields a bounce and the verbose report, each with a record. */
    c->expects = grow(c->expects, c->nexpects, &p->ecap, sizeof(*c->expects));
    e = &c->expects[c->nexpects++];
    e->rcpt = hr_strdup(rcpt);
    e->action = hr_strdup(action);
    e->status = hr_strdup(status);
    e->diag = *rest ? hr_strdup(rest) : NULL;
    e->line = line;
    return 0;
}

/* set_once - a single-valued directive */
static int set_once(struct parser *p, int line, int *seen, char **field,
                    const char *word, const char *value)
{
    if (*seen)
        return perr(p, line, "'%s' is given twice (first on line %d)", word,
                    *seen);
    if (*value == 0)
        return perr(p, line, "'%s' needs a value", word);
    *seen = line;
    *field = hr_strdup(value);
    return 0;
}

/* one_word - the directive takes exactly one word */
static int one_word(struct parser *p, int line, const char *word,
                    const char *value)
{
    if (*value && value[strcspn(value, " \t")])
        return perr(p, line, "'%s' takes one word, not '%s'", word, value);
    return 0;
}

/* pe_reset - forget the pending exchange */
static void pe_reset(struct pending *pe)
{
    for (size_t i = 0; i < pe->nitems; i++) {
        hr_free(pe->items[i].display);
        hr_free(pe->items[i].bytes);
    }
    hr_free(pe->items);
    hr_strv_release(&pe->replies);
    hr_buf_release(&pe->reply);
    hr_buf_release(&pe->cbytes);
    memset(pe, 0, sizeof(*pe));
    pe->bdat_item = -1;
}

/* add_item - append an item to the pending exchange, taking display */
static hr_case_item *add_item(struct pending *pe, hr_case_item_kind kind,
                              int line, char *display)
{
    hr_case_item *it;

    pe->items = grow(pe->items, pe->nitems, &pe->cap, sizeof(*pe->items));
    it = &pe->items[pe->nitems++];
    memset(it, 0, sizeof(*it));
    it->kind = kind;
    it->line = line;
    it->display = display;
    return it;
}

/* content_display - "| (N lines, M bytes)" */
static char *content_display(int lines, size_t len)
{
    return hr_sprintf("| (%d line%s, %zu byte%s)", lines, lines == 1 ? "" : "s",
                      len, len == 1 ? "" : "s");
}

/* close_bdat - a BDAT command meets its chunk of len bytes */
static int close_bdat(struct parser *p, size_t len)
{
    struct pending *pe = &p->pe;
    hr_case_item *it = &pe->items[pe->bdat_item];

    pe->bdat_item = -1;
    if (pe->bdat_size >= 0 && (size_t)pe->bdat_size != len)
        return perr(p, it->line,
                    "BDAT size %ld does not match its chunk of %zu bytes",
                    pe->bdat_size, len);
    if (pe->bdat_size < 0) {
        /* "BDAT * LAST" -> "BDAT 12 LAST" */
        char *star = strchr(it->display, '*');
        char *text = hr_sprintf("%.*s%zu%s", (int)(star - it->display),
                                it->display, len, star + 1);

        hr_free(it->display);
        hr_free(it->bytes);
        it->display = text;
        it->bytes = hr_sprintf("%s\r\n", text);
        it->len = strlen(it->bytes);
    }
    return 0;
}

/* flush_send - finish content and BDAT commands that are still open */
static int flush_send(struct parser *p)
{
    struct pending *pe = &p->pe;
    hr_case_item *it;
    int error = 0;

    if (pe->content == HR_ITEM_DATA)
        hr_buf_puts(&pe->cbytes, ".\r\n");
    if (pe->content) {
        size_t len = pe->cbytes.len;

        it = add_item(pe, pe->content, pe->cline,
                      content_display(pe->clines, len));
        it->len = len;
        it->bytes = hr_buf_detach(&pe->cbytes);
        if (pe->content == HR_ITEM_CHUNK)
            error = close_bdat(p, len);
        pe->content = 0;
    } else if (pe->bdat_item >= 0)
        error = close_bdat(p, 0);
    return error;
}

/* finish_exchange - check the pending exchange, add it to the case */
static int finish_exchange(struct parser *p)
{
    struct pending *pe = &p->pe;
    hr_case *c = p->c;
    hr_case_exchange *x;
    size_t got;
    int error;

    if (pe->phase == P_NONE)
        return 0;
    if ((error = flush_send(p)) < 0)
        return error;
    if (pe->open_line)
        return perr(p, pe->open_line,
                    "the reply goes on ('-' after the "
                    "code) but no '<' line ends it");
    got = pe->replies.n;
    if (pe->nitems > 0 && !pe->has_raw && got != pe->want) {
        if (pe->nitems == 1)
            return perr(p, pe->line,
                        "'%s' expects 1 reply; the '<' lines after it give %zu",
                        pe->items[0].display, got);
        return perr(p, pe->line,
                    "pipelined group expects %zu replies (one "
                    "per command and DATA content); the '<' lines after it "
                    "give %zu",
                    pe->want, got);
    }
    c->xs = grow(c->xs, c->nxs, &p->xcap, sizeof(*c->xs));
    x = &c->xs[c->nxs++];
    memset(x, 0, sizeof(*x));
    x->line = pe->line;
    x->items = pe->items;
    x->nitems = pe->nitems;
    x->nreplies = got;
    x->expect = hr_calloc(got + 1, sizeof(char *));
    for (size_t i = 0; i < got; i++) {
        x->expect[i] = pe->replies.v[i];
        pe->replies.v[i] = NULL;
    }
    pe->replies.n = 0;
    pe->items = NULL;
    pe->nitems = 0;
    pe_reset(pe);
    return 0;
}

/* start_exchange - a new pending exchange at line */
static void start_exchange(struct parser *p, int line, int phase)
{
    pe_reset(&p->pe);
    p->pe.phase = phase;
    p->pe.line = line;
}

/* need_greeting - an smtp session starts with the server's greeting */
static int need_greeting(struct parser *p, int line)
{
    if (p->c->nxs == 0 && p->pe.phase == P_NONE)
        return perr(p, line,
                    "an smtp case starts with the server's "
                    "greeting: '<' lines before the first '>'");
    return 0;
}

/* bdat_size - is text "BDAT <n|*> [LAST]": 1 and the size, else 0 */
static int bdat_size(struct parser *p, int line, const char *text, long *size)
{
    char *copy = hr_strdup(text), *rest = copy;
    char *verb = next_word(&rest);
    char *n = next_word(&rest);
    char *last = next_word(&rest);
    int ret = 0;

    if (verb && strcasecmp(verb, "BDAT") == 0 && n) {
        int ok = (last == NULL || strcasecmp(last, "LAST") == 0) && *rest == 0;

        if (strcmp(n, "*") == 0 && ok) {
            *size = -1;
            ret = 1;
        } else if (strcmp(n, "*") == 0) {
            ret = perr(p, line, "'BDAT *' must read 'BDAT * [LAST]'");
        } else if (ok && strspn(n, "0123456789") == strlen(n) &&
                   strlen(n) <= 9) {
            *size = atol(n);
            ret = 1;
        }
    }
    hr_free(copy);
    return ret;
}

/* step_send - a '>' or '~' line */
static int step_send(struct parser *p, int line, int marker, const char *text)
{
    struct pending *pe = &p->pe;
    hr_case_item *it;
    int error;

    if ((error = need_greeting(p, line)) < 0 || (error = flush_send(p)) < 0)
        return error;
    if (pe->phase == P_RECV && (error = finish_exchange(p)) < 0)
        return error;
    if (pe->phase == P_NONE)
        start_exchange(p, line, P_SEND);
    if (marker == '~') {
        hr_buf b = HR_BUF_INIT;

        if (*text == 0)
            return perr(p, line, "'~' needs bytes to send");
        if ((error = decode_raw(p, line, &b, text)) < 0) {
            hr_buf_release(&b);
            return error;
        }
        p->raw_total += b.len;
        it = add_item(pe, HR_ITEM_RAW, line, hr_strdup(text));
        it->len = b.len;
        it->bytes = hr_buf_detach(&b);
        pe->has_raw = 1;
        return 0;
    }
    {
        long size = 0;
        int bdat = bdat_size(p, line, text, &size);

        if (bdat < 0)
            return bdat;
        it = add_item(pe, HR_ITEM_COMMAND, line, hr_strdup(text));
        it->bytes = hr_sprintf("%s\r\n", text);
        it->len = strlen(it->bytes);
        pe->want++;
        if (bdat) {
            pe->bdat_item = (long)pe->nitems - 1;
            pe->bdat_size = size;
        }
    }
    return 0;
}

/* last_sent - the last exchange that sent something, pauses skipped */
static const hr_case_exchange *last_sent(const hr_case *c)
{
    for (size_t i = c->nxs; i-- > 0;) {
        if (c->xs[i].nitems)
            return &c->xs[i];
        if (c->xs[i].nreplies || c->xs[i].expect_eof)
            return NULL;
    }
    return NULL;
}

/* after_data - did the last exchange send DATA and get 354 */
static int after_data(const hr_case *c)
{
    const hr_case_exchange *x = last_sent(c);
    const hr_case_item *it;

    if (x == NULL || x->nreplies == 0)
        return 0;
    it = &x->items[x->nitems - 1];
    return it->kind == HR_ITEM_COMMAND &&
           strcasecmp(it->display, "DATA") == 0 &&
           may_start_with(x->expect[x->nreplies - 1], "354");
}

#define CONTENT_WHERE                                                          \
    "'|' content must follow a DATA command answered by 354, or a BDAT "       \
    "command"

/* step_content - a '|' line in an smtp case */
static int step_content(struct parser *p, int line, const char *text)
{
    struct pending *pe = &p->pe;
    int error;

    if ((error = need_greeting(p, line)) < 0)
        return error;
    if (pe->phase == P_SEND && pe->content) {
        ; /* one more line */
    } else if (pe->phase == P_SEND && pe->bdat_item >= 0) {
        pe->content = HR_ITEM_CHUNK;
        pe->cline = line;
        pe->clines = 0;
    } else {
        if (pe->phase == P_SEND)
            return perr(p, line, CONTENT_WHERE);
        if ((error = finish_exchange(p)) < 0)
            return error;
        if (!after_data(p->c))
            return perr(p, line, CONTENT_WHERE);
        start_exchange(p, line, P_SEND);
        pe->content = HR_ITEM_DATA;
        pe->cline = line;
        pe->want = 1;
    }
    if (pe->content == HR_ITEM_DATA && text[0] == '.')
        hr_buf_putc(&pe->cbytes, '.');
    hr_buf_puts(&pe->cbytes, text);
    hr_buf_puts(&pe->cbytes, "\r\n");
    pe->clines++;
    return 0;
}

/* step_reply - a '<' line */
static int step_reply(struct parser *p, int line, const char *text)
{
    struct pending *pe = &p->pe;
    int error;

    if (*text == 0)
        return perr(p, line, "'<' needs the expected reply text");
    if ((error = flush_send(p)) < 0)
        return error;
    if (pe->phase == P_NONE)
        start_exchange(p, line, P_RECV);
    pe->phase = P_RECV;
    if (pe->reply.len)
        hr_buf_putc(&pe->reply, '\n');
    hr_buf_puts(&pe->reply, text);
    /* SMTP: "250-" goes on, "250 " or anything else ends the reply. */
    if (strlen(text) >= 4 && text[3] == '-') {
        pe->open_line = line;
    } else {
        hr_strv_add_owned(&pe->replies, hr_buf_detach(&pe->reply));
        pe->open_line = 0;
    }
    return 0;
}

/* step_marker - an exchange of its own: pause or eof */
static int step_marker(struct parser *p, int line, int pause_ms, int eof)
{
    hr_case *c = p->c;
    hr_case_exchange *x;
    int error;

    if ((error = need_greeting(p, line)) < 0 ||
        (error = finish_exchange(p)) < 0)
        return error;
    c->xs = grow(c->xs, c->nxs, &p->xcap, sizeof(*c->xs));
    x = &c->xs[c->nxs++];
    memset(x, 0, sizeof(*x));
    x->line = line;
    x->expect = hr_calloc(1, sizeof(char *));
    x->pause_ms = pause_ms;
    x->expect_eof = eof;
    if (eof)
        p->eof_line = line;
    return 0;
}

/* parse_pause - "pause MS" */
static int parse_pause(struct parser *p, int line, const char *v)
{
    if (*v == 0 || strlen(v) > 5 || strspn(v, "0123456789") != strlen(v) ||
        atoi(v) > MAX_PAUSE)
        return perr(p, line,
                    "'pause' takes milliseconds from 0 to %d, not '%s'",
                    MAX_PAUSE, v);
    return step_marker(p, line, atoi(v), 0);
}

/* kind_only - a directive or step that only one kind allows */
static int kind_only(struct parser *p, int line, const char *what,
                     hr_case_kind kind)
{
    if (p->c->kind == kind)
        return 0;
    return perr(p, line, "%s is only for %s cases", what,
                hr_case_kind_name(kind));
}

/* strip_comment - cut " # ..." and trailing blanks off a directive */
static void strip_comment(char *s)
{
    char *e;

    for (char *h = s; (h = strchr(h, '#')) != NULL; h++)
        if (h == s || h[-1] == ' ' || h[-1] == '\t') {
            *h = 0;
            break;
        }
    for (e = s + strlen(s); e > s && (e[-1] == ' ' || e[-1] == '\t');)
        *--e = 0;
}

/* parse_directive - a "word arguments" line */
static int parse_directive(struct parser *p, int line, char *s)
{
    hr_case *c = p->c;
    char *rest = s;
    char *word;
    int error;

    strip_comment(s);
    word = next_word(&rest);
    if (p->eof_line && (strcmp(word, "pause") == 0 || strcmp(word, "eof") == 0))
        return perr(p, line, "steps after 'eof' (line %d)", p->eof_line);
    if (strcmp(word, "name") == 0) {
        if ((error = one_word(p, line, word, rest)) < 0 ||
            (error = set_once(p, line, &c->name_line, &c->name, word, rest)))
            return error;
        if (!valid_name(rest, "._-"))
            return perr(p, line,
                        "'%s' is not a valid case name ([a-z0-9] "
                        "then [a-z0-9._-], at most %d bytes)",
                        rest, MAX_NAME);
        return 0;
    }
    if (strcmp(word, "kind") == 0) {
        /* The value was checked before the first line was parsed. */
        if (p->kind_line && p->kind_line != line)
            return perr(p, line, "'kind' is given twice (first on line %d)",
                        p->kind_line);
        return 0;
    }
    if (strcmp(word, "about") == 0)
        return set_once(p, line, &p->about_line, &c->about, word, rest);
    if (strcmp(word, "mark") == 0) {
        char *m;

        if (*rest == 0)
            return perr(p, line,
                        "'mark' needs a flag (incomplete, "
                        "synthetic-data)");
        while ((m = next_word(&rest)) != NULL) {
            if (!in_list(mark_allow, m))
                return perr(p, line,
                            "unknown mark '%s' (incomplete, synthetic-data)",
                            m);
            if (hr_strv_find(&c->marks, m) >= 0)
                return perr(p, line, "mark '%s' is given twice", m);
            hr_strv_add(&c->marks, m);
        }
        return 0;
    }
    if (strcmp(word, "config") == 0)
        return parse_config(p, line, rest);
    if (strcmp(word, "map") == 0)
        return parse_map(p, line, word, rest, 1);
    if (strcmp(word, "table") == 0)
        return parse_map(p, line, word, rest, 0);
    if (strcmp(word, "sink") == 0)
        return parse_sink(p, line, rest);
    if (strcmp(word, "client") == 0) {
        if ((error = kind_only(p, line, "'client'", HR_CASE_SMTP)) < 0 ||
            (error = one_word(p, line, word, rest)) < 0 ||
            (error = set_once(p, line, &p->client_line, &c->client, word,
                              rest)) < 0)
            return error;
        if (!valid_client(rest))
            return perr(p, line,
                        "client address '%s' is not in 127.0.0.0/8 "
                        "(127.0.0.1 to 127.255.255.254, dotted decimal)",
                        rest);
        return 0;
    }
    if (strcmp(word, "pause") == 0) {
        if ((error = kind_only(p, line, "'pause'", HR_CASE_SMTP)) < 0)
            return error;
        return parse_pause(p, line, rest);
    }
    if (strcmp(word, "eof") == 0) {
        if ((error = kind_only(p, line, "'eof'", HR_CASE_SMTP)) < 0)
            return error;
        if (*rest)
            return perr(p, line, "'eof' takes no arguments");
        return step_marker(p, line, 0, 1);
    }
    if (strcmp(word, "mode") == 0) {
        char *m = NULL;

        if ((error = kind_only(p, line, "'mode'", HR_CASE_PROBE)) < 0 ||
            (error = set_once(p, line, &p->mode_line, &m, word, rest)) < 0)
            return error;
        hr_free(m);
        if (strcmp(rest, "bv") == 0)
            c->mode = HR_PROBE_BV;
        else if (strcmp(rest, "v") == 0)
            c->mode = HR_PROBE_V;
        else
            return perr(p, line, "unknown mode '%s' (bv or v)", rest);
        return 0;
    }
    if (strcmp(word, "sender") == 0) {
        if ((error = kind_only(p, line, "'sender'", HR_CASE_PROBE)) < 0 ||
            (error = one_word(p, line, word, rest)) < 0)
            return error;
        return set_once(p, line, &p->sender_line, &c->sender, word, rest);
    }
    if (strcmp(word, "rcpt") == 0) {
        char *r;

        if ((error = kind_only(p, line, "'rcpt'", HR_CASE_PROBE)) < 0)
            return error;
        if (*rest == 0)
            return perr(p, line, "'rcpt' needs an address");
        while ((r = next_word(&rest)) != NULL) {
            if (hr_strv_find(&c->rcpts, r) >= 0)
                return perr(p, line, "recipient '%s' is given twice", r);
            hr_strv_add(&c->rcpts, r);
        }
        return 0;
    }
    if (strcmp(word, "expect") == 0) {
        if ((error = kind_only(p, line, "'expect'", HR_CASE_PROBE)) < 0)
            return error;
        return parse_expect(p, line, rest);
    }
    return perr(p, line, "unknown directive '%s'", word);
}

/* parse_step - a line that starts with '<' '>' '|' '~' */
static int parse_step(struct parser *p, int line, const char *s)
{
    hr_case *c = p->c;
    int marker = s[0];
    const char *text;
    char what[8];
    int error;

    if (s[1] != 0 && s[1] != ' ')
        return perr(p, line, "'%c' must be followed by a space", marker);
    text = s[1] ? s + 2 : s + 1;
    snprintf(what, sizeof(what), "'%c'", marker);
    if (marker == '|' && c->kind == HR_CASE_PROBE) {
        hr_buf_puts(&c->body, text);
        hr_buf_putc(&c->body, '\n');
        return 0;
    }
    if ((error = kind_only(p, line, what, HR_CASE_SMTP)) < 0)
        return error;
    if (p->eof_line)
        return perr(p, line, "steps after 'eof' (line %d)", p->eof_line);
    switch (marker) {
    case '<':
        return step_reply(p, line, text);
    case '|':
        return step_content(p, line, text);
    default:
        return step_send(p, line, marker, text);
    }
}

/* parse_line - one line, without its newline */
static int parse_line(struct parser *p, int line, char *s)
{
    if (*s == ' ' || *s == '\t') {
        char *t = s + strspn(s, " \t");

        if (*t == 0 || *t == '#')
            return 0;
        return perr(p, line,
                    "unexpected white space at the start of the "
                    "line");
    }
    if (*s == 0 || *s == '#')
        return 0;
    if (strchr("<>|~", *s))
        return parse_step(p, line, s);
    return parse_directive(p, line, s);
}

/* check_bytes - NUL, CR, UTF-8 and length rules of one line */
static int check_bytes(struct parser *p, int line, const char *s, size_t len)
{
    if (len > MAX_LINE)
        return perr(p, line, "line is longer than %d bytes", MAX_LINE);
    if (memchr(s, 0, len))
        return perr(p, line, "NUL byte in the file");
    if (memchr(s, '\r', len))
        return perr(p, line,
                    "carriage return in the file (case files "
                    "have LF line ends; write \\r in a '~' step)");
    if (!utf8_ok((const unsigned char *)s, len))
        return perr(p, line, "the line is not valid UTF-8");
    return 0;
}

/* find_kind - the kind, before anything else: it decides the rest */
static int find_kind(struct parser *p, const char *text, size_t len)
{
    int line = 0;

    for (size_t pos = 0; pos < len; line++) {
        const char *nl = memchr(text + pos, '\n', len - pos);
        size_t n = nl ? (size_t)(nl - text - pos) : len - pos;
        const char *s = text + pos;
        int error;

        if ((error = check_bytes(p, line + 1, s, n)) < 0)
            return error;
        if (p->kind_line == 0 && n >= 4 && strncmp(s, "kind", 4) == 0 &&
            (n == 4 || s[4] == ' ' || s[4] == '\t')) {
            char *v = hr_strndup(s + 4, n - 4);
            const char *w = v + strspn(v, " \t");

            strip_comment(v);
            p->kind_line = line + 1;
            if (*w == 0)
                error = perr(p, line + 1,
                             "'kind' needs a value (smtp or "
                             "probe)");
            else if (strcmp(w, "smtp") == 0)
                p->c->kind = HR_CASE_SMTP;
            else if (strcmp(w, "probe") == 0)
                p->c->kind = HR_CASE_PROBE;
            else
                error =
                    perr(p, line + 1, "unknown kind '%s' (smtp or probe)", w);
            hr_free(v);
            if (error < 0)
                return error;
        }
        pos += n + 1;
    }
    p->lastline = line ? line : 1;
    if (p->kind_line == 0)
        return perr(p, 1, "missing 'kind' (smtp or probe)");
    return 0;
}

/* finish_tables - table references resolve, named tables are used */
static int finish_tables(struct parser *p)
{
    hr_case *c = p->c;
    hr_strv refs = HR_STRV_INIT;
    int error = 0;

    for (size_t i = 0; i < c->config.n && error == 0; i++) {
        const char *v = strstr(c->config.v[i], " = ") + 3;
        char *param = hr_strndup(c->config.v[i], strcspn(c->config.v[i], " "));
        size_t first = refs.n;

        error = check_config_value(p, p->config_lines[i], param, v, &refs);
        for (size_t r = first; r < refs.n && error == 0; r++) {
            long t = find_table(c, refs.v[r], 0);

            if (t < 0)
                error =
                    perr(p, p->config_lines[i],
                         "table '%s' is not defined in this case", refs.v[r]);
            else if (strcmp(param, "transport_maps") == 0)
                error = check_transport_table(p, &c->tables[t]);
        }
        if (error == 0 && find_table(c, param, 1) >= 0)
            error = perr(p, p->config_lines[i],
                         "'%s' is set by both 'config' and 'map' (line %d)",
                         param, c->tables[find_table(c, param, 1)].line);
        hr_free(param);
    }
    for (size_t i = 0; i < c->ntables && error == 0; i++)
        if (!c->tables[i].is_param &&
            hr_strv_find(&refs, c->tables[i].name) < 0)
            error = perr(p, c->tables[i].line,
                         "table '%s' is not used: "
                         "refer to it as table:%s in a 'config' line",
                         c->tables[i].name, c->tables[i].name);
    hr_strv_release(&refs);
    return error;
}

/* finish - rules about the whole case */
static int finish(struct parser *p)
{
    hr_case *c = p->c;
    int error;

    if (c->name == NULL)
        return perr(p, 1, "missing 'name'");
    if ((error = finish_tables(p)) < 0)
        return error;
    if (c->kind == HR_CASE_SMTP) {
        if ((error = finish_exchange(p)) < 0)
            return error;
        if (c->nxs == 0)
            return perr(p, p->lastline,
                        "an smtp case needs a session: the "
                        "server's greeting ('<' lines) and the steps after "
                        "it");
        if (c->client == NULL)
            c->client = hr_strdup("127.0.0.1");
        return 0;
    }
    if (c->mode == 0)
        return perr(p, 1, "missing 'mode' (bv or v)");
    if (c->sender == NULL)
        return perr(p, 1, "missing 'sender'");
    if (c->rcpts.n == 0)
        return perr(p, 1, "a probe case needs at least one 'rcpt'");
    if (c->nexpects == 0)
        return perr(p, 1, "a probe case needs at least one 'expect'");
    return 0;
}

/* hr_case_parse - parse the text of one case file */
int hr_case_parse(hr_case **out, const char *path, const char *text, size_t len)
{
    struct parser p;
    hr_case *c = hr_calloc(1, sizeof(*c));
    int line = 1, error;

    memset(&p, 0, sizeof(p));
    p.path = path;
    p.c = c;
    p.pe.bdat_item = -1;
    c->path = hr_strdup(path);
    if ((error = find_kind(&p, text, len)) < 0)
        goto done;
    for (size_t pos = 0; pos < len && error == 0; line++) {
        const char *nl = memchr(text + pos, '\n', len - pos);
        size_t n = nl ? (size_t)(nl - text - pos) : len - pos;
        char *s = hr_strndup(text + pos, n);

        error = parse_line(&p, line, s);
        hr_free(s);
        pos += n + 1;
    }
    if (error == 0)
        error = finish(&p);
done:
    pe_reset(&p.pe);
    hr_free(p.config_lines);
    if (error < 0) {
        hr_case_free(c);
        return error;
    }
    *out = c;
    return 0;
}

/* hr_case_load - read and parse one case file */
int hr_case_load(hr_case **out, const char *path)
{
    hr_buf b = HR_BUF_INIT;
    int error;

    if ((error = hr_file_read(&b, path, MAX_FILE)) == 0)
        error = hr_case_parse(out, path, hr_buf_cstr(&b), b.len);
    hr_buf_release(&b);
    return error;
}

/* by_name - qsort helper: cases by name, then path */
static int by_name(const void *a, const void *b)
{
    const hr_case *x = *(hr_case *const *)a, *y = *(hr_case *const *)b;
    int d = strcmp(x->name, y->name);

    return d ? d : strcmp(x->path, y->path);
}

/* hr_case_load_all - parse cases from files and directories */
int hr_case_load_all(hr_case ***out, size_t *count, const char *const *args,
                     size_t nargs)
{
    hr_strv paths = HR_STRV_INIT, seen = HR_STRV_INIT;
    hr_case **cases = NULL, **sorted = NULL;
    size_t n = 0;
    int error = 0;

    for (size_t i = 0; i < nargs && error == 0; i++)
        error = hr_dir_find(&paths, args[i], ".case");
    if (error < 0)
        goto done;
    hr_strv_sort(&paths);
    cases = hr_calloc(paths.n + 1, sizeof(*cases));
    for (size_t i = 0; i < paths.n; i++) {
        /* A file named twice (itself and its directory) counts once. */
        char *real = realpath(paths.v[i], NULL);
        const char *id = real ? real : paths.v[i];

        if (hr_strv_find(&seen, id) >= 0) {
            free(real);
            continue;
        }
        hr_strv_add(&seen, id);
        free(real);
        if ((error = hr_case_load(&cases[n], paths.v[i])) < 0)
            goto done;
        n++;
    }
    sorted = hr_malloc((n + 1) * sizeof(*sorted));
    memcpy(sorted, cases, n * sizeof(*sorted));
    qsort(sorted, n, sizeof(*sorted), by_name);
    for (size_t i = 1; i < n; i++)
        if (strcmp(sorted[i - 1]->name, sorted[i]->name) == 0) {
            error = hr_error_set(HR_EINPUT,
                                 "%s:%d: case name '%s' is "
                                 "already used by %s:%d",
                                 sorted[i]->path, sorted[i]->name_line,
                                 sorted[i]->name, sorted[i - 1]->path,
                                 sorted[i - 1]->name_line);
            goto done;
        }
    *out = cases;
    *count = n;
    cases = NULL;
done:
    hr_free(sorted);
    hr_case_free_all(cases, n);
    hr_strv_release(&paths);
    hr_strv_release(&seen);
    return error;
}

/* hr_case_free - free a case; NULL is fine */
void hr_case_free(hr_case *c)
{
    if (c == NULL)
        return;
    hr_free(c->path);
    hr_free(c->name);
    hr_free(c->about);
    hr_strv_release(&c->marks);
    hr_strv_release(&c->config);
    for (size_t i = 0; i < c->ntables; i++) {
        hr_free(c->tables[i].name);
        hr_strv_release(&c->tables[i].entries);
    }
    hr_free(c->tables);
    for (size_t i = 0; i < c->nsink; i++) {
        hr_free(c->sink[i].stage);
        hr_free(c->sink[i].rcpt);
        hr_free(c->sink[i].text);
    }
    hr_free(c->sink);
    hr_free(c->client);
    for (size_t i = 0; i < c->nxs; i++) {
        hr_case_exchange *x = &c->xs[i];

        for (size_t k = 0; k < x->nitems; k++) {
            hr_free(x->items[k].display);
            hr_free(x->items[k].bytes);
        }
        hr_free(x->items);
        for (size_t k = 0; k < x->nreplies; k++)
            hr_free(x->expect[k]);
        hr_free(x->expect);
    }
    hr_free(c->xs);
    hr_free(c->sender);
    hr_strv_release(&c->rcpts);
    hr_buf_release(&c->body);
    for (size_t i = 0; i < c->nexpects; i++) {
        hr_free(c->expects[i].rcpt);
        hr_free(c->expects[i].action);
        hr_free(c->expects[i].status);
        hr_free(c->expects[i].diag);
    }
    hr_free(c->expects);
    hr_free(c);
}

/* hr_case_free_all - free what hr_case_load_all() returned */
void hr_case_free_all(hr_case **cases, size_t count)
{
    if (cases == NULL)
        return;
    for (size_t i = 0; i < count; i++)
        hr_case_free(cases[i]);
    hr_free(cases);
}

/* hr_case_kind_name - "smtp", "probe" */
const char *hr_case_kind_name(hr_case_kind kind)
{
    switch (kind) {
    case HR_CASE_SMTP:
        return "smtp";
    case HR_CASE_PROBE:
        return "probe";
    }
    return "unknown";
}

/* hr_case_config_key - main.cf overrides and tables, canonical */
char *hr_case_config_key(const hr_case *c)
{
    hr_strv lines = HR_STRV_INIT;
    char *key;

    for (size_t i = 0; i < c->config.n; i++)
        hr_strv_addf(&lines, "config %s", c->config.v[i]);
    for (size_t i = 0; i < c->ntables; i++)
        for (size_t k = 0; k < c->tables[i].entries.n; k++)
            hr_strv_addf(&lines, "%s %s %s",
                         c->tables[i].is_param ? "map" : "table",
                         c->tables[i].name, c->tables[i].entries.v[k]);
    hr_strv_sort(&lines);
    key = hr_strv_join(&lines, "\n");
    hr_strv_release(&lines);
    return key;
}

/* hr_case_has_mark - is the flag set */
int hr_case_has_mark(const hr_case *c, const char *mark)
{
    return hr_strv_find(&c->marks, mark) >= 0;
}

/* hr_case_config_render - table:NAME becomes texthash:DIR/NAME */
char *hr_case_config_render(const char *value, const char *table_dir)
{
    hr_buf b = HR_BUF_INIT;
    const char *s = value;

    while (*s) {
        const char *t = strstr(s, "table:");

        /* Only at the start of a token: "mytable:x" is not a reference. */
        while (t && t > value && !strchr(" \t,{=", t[-1]))
            t = strstr(t + 1, "table:");
        if (t == NULL) {
            hr_buf_puts(&b, s);
            break;
        }
        hr_buf_put(&b, s, t - s);
        hr_buf_printf(&b, "texthash:%s/", table_dir);
        s = t + 6;
    }
    return hr_buf_detach(&b);
}

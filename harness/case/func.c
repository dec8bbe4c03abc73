/*
 * NAME
 *	case/func 3
 * SUMMARY
 *	func cases: calls of Postfix's library functions, as data
 * SYNOPSIS
 *	#include "case/func.h"
 *
 *	int	hr_func_directive(p, line, word, rest)
 *	int	hr_func_finish(p)
 *	void	hr_func_free(f)
 *	int	hr_func_args(f, index, out)
 *	void	hr_fargs_release(a)
 *	const char *hr_ftype_name(t)
 *	char	*hr_func_signature(f, call)
 *	const char *hr_func_library_file(library)
 *	int	hr_func_allowed(function)
 * DESCRIPTION
 *	A func case (kind func) says which function of which of Postfix's
 *	shared libraries to call, its C signature from a fixed set of
 *	types, the inputs (explicit 'input' lines and seeded 'gen' lines),
 *	and what to observe; cases/README.md, "Func cases", is the
 *	reference. The parser (case(3)) hands each func directive to
 *	hr_func_directive() with the rest of the line unstripped: values
 *	are quoted strings that may hold '#' and blanks, and a comment
 *	starts at a '#' that begins a word outside quotes.
 *
 *	Only functions of an allowlist may be called (hr_func_allowed()):
 *	Postfix's string, address and parsing functions, which compute and
 *	return and touch no file, process or socket. A case cannot name
 *	anything else, and the probe runs contained besides (funcrun(3)).
 *
 *	hr_func_finish() checks the whole: a library, a first call whose
 *	parameters every input gives a value of the right kind, later
 *	calls whose references point back, counts within bounds.
 *
 *	hr_func_args() makes input number index (0-based, generated
 *	inputs counted) of the case: the values of the first call's
 *	parameters that take one, strings made by the generators
 *	(gen(3)) from a seed that mixes the line's seed, the input's
 *	number on its line and the value's place, so that any input is
 *	made on its own.
 *
 *	hr_func_signature() renders a call as "int valid_hostname(str,
 *	int)". hr_func_library_file() is "libpostfix-util.so" for "util",
 *	or NULL for a library that is not one of Postfix's.
 * DIAGNOSTICS
 *	The parser's: "file:line: message", HR_EINPUT.
 * SEE ALSO
 *	case(3), gen(3), funcrun(3), cases/README.md.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "case/func.h"
#include "case/parse_int.h"
#include "util/mem.h"
#include "util/msg.h"

#define MAX_PARAMS 8
#define MAX_CALLS 4
#define MAX_GEN_COUNT 100000
#define MAX_TOTAL 200000
#define MAX_STRING 65536
#define MAX_BUF 65536

static const struct {
    const char *name;
    hr_ftype type;
} types[] = {
    {"void", HR_FT_VOID}, {"int8", HR_FT_INT8}, {"uint8", HR_FT_UINT8},
    {"int16", HR_FT_INT16}, {"uint16", HR_FT_UINT16},
    {"int32", HR_FT_INT32}, {"uint32", HR_FT_UINT32},
    {"int64", HR_FT_INT64}, {"uint64", HR_FT_UINT64}, {"int", HR_FT_INT},
    {"unsigned", HR_FT_UNSIGNED}, {"long", HR_FT_LONG},
    {"ulong", HR_FT_ULONG}, {"size_t", HR_FT_SIZE},
    {"ssize_t", HR_FT_SSIZE}, {"off_t", HR_FT_OFF}, {"str", HR_FT_STR},
    {"mstr", HR_FT_MSTR}, {"strp", HR_FT_STRP}, {"outstr", HR_FT_OUTSTR},
    {"buf", HR_FT_BUF}, {"vstr", HR_FT_VSTR}, {"int*", HR_FT_INTP},
    {"long*", HR_FT_LONGP}, {"ssize_t*", HR_FT_SSIZEP}, {"ptr", HR_FT_PTR},
    {"argv", HR_FT_ARGV}, {"nametable", HR_FT_NAMETABLE},
    {"maclookup", HR_FT_MACLOOKUP}, {"mactable", HR_FT_MACTABLE},
};

static const struct {
    const char *name;
    hr_gen_kind gen;
    int ranged;         /* takes len= (or labels= for hostname) */
    int lo, hi;         /* its default range */
} gens[] = {
    {"hostname", HR_GEN_HOSTNAME, 1, 1, 63},
    {"ipaddr", HR_GEN_IPADDR, 0, 0, 0},
    {"address", HR_GEN_ADDRESS, 0, 0, 0},
    {"bytes", HR_GEN_BYTES, 1, 0, 64},
    {"utf8", HR_GEN_UTF8, 1, 0, 64},
    {"text", HR_GEN_TEXT, 1, 0, 64},
    {"xtext", HR_GEN_XTEXT, 1, 0, 40},
    {"number", HR_GEN_NUMBER, 0, 0, 0},
    {"header", HR_GEN_HEADER, 0, 0, 0},
    {"base64", HR_GEN_BASE64, 1, 0, 48},
    {"dsn", HR_GEN_DSN, 0, 0, 0},
    {"masknames", HR_GEN_MASKNAMES, 0, 0, 0},
    {"macro", HR_GEN_MACRO, 0, 0, 0},
};

/* The functions a func case may call: they compute and return, and
 * touch no file, process, socket or configuration. */
static const char *const allowed[] = {
    /* libpostfix-util */
    "valid_hostname", "valid_hostaddr", "valid_ipv4_hostaddr",
    "valid_ipv6_hostaddr", "valid_utf8_string", "mystrtok", "mystrtokq",
    "mystrtokdq", "split_at", "split_at_right", "casefoldx", "hex_quote",
    "hex_unquote", "base64_encode_opt", "base64_decode_opt", "argv_split",
    "argv_splitq", "argv_split_at", "name_mask_delim_opt",
    "str_name_mask_opt", "mac_expand", "lowercase", "uppercase",
    "trimblanks", "allprint", "alldig", "allalnum", "allascii_len",
    "skipblanks", "split_nameval", "split_qnameval", "unescape", "escape",
    "quote_for_json",
    /* libpostfix-global */
    "valid_mailhost_addr", "quote_822_local_flags", "unquote_822_local",
    "tok822_parse_limit", "tok822_externalize", "tok822_internalize",
    "tok822_free_tree", "xtext_quote", "xtext_unquote", "uxtext_quote",
    "uxtext_unquote", "off_cvt_string", "conv_time", "strip_addr_internal",
    "split_addr_internal", "mail_addr_crunch_opt", "is_header_buf", "dsn_valid",
    "header_opts_find", "mime_state_error",
};

static const char *const libraries[] = {"util", "global", "dns", "master"};

/* The globals a case may set before the calls. */
static const char *const settable[] = {
    "util_utf8_enable", "var_double_bounce_sender", "var_ownreq_special",
    "var_rcpt_delim", "var_myorigin", "var_mydomain", "var_myhostname",
    "var_smtputf8_enable", "var_strict_rfc821_env",
};

/* hr_func_allowed - may a case call function */
int hr_func_allowed(const char *function)
{
    for (size_t i = 0; i < sizeof(allowed) / sizeof(allowed[0]); i++)
        if (strcmp(allowed[i], function) == 0)
            return 1;
    return 0;
}

/* hr_func_library_file - "libpostfix-util.so", or NULL */
const char *hr_func_library_file(const char *library)
{
    static const char *const files[] = {
        "libpostfix-util.so", "libpostfix-global.so", "libpostfix-dns.so",
        "libpostfix-master.so"};

    for (size_t i = 0; i < sizeof(libraries) / sizeof(libraries[0]); i++)
        if (strcmp(libraries[i], library) == 0)
            return files[i];
    return NULL;
}

/* hr_ftype_name - "int", "str"... */
const char *hr_ftype_name(hr_ftype t)
{
    for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
        if (types[i].type == t)
            return types[i].name;
    hr_panic("hr_ftype_name: type %d", (int)t);
}

static int is_int_type(hr_ftype t)
{
    return t >= HR_FT_INT8 && t <= HR_FT_OFF;
}

/* takes_input - a first-call parameter of this type takes a value */
static int takes_input(hr_ftype t)
{
    return is_int_type(t) || t == HR_FT_STR || t == HR_FT_MSTR ||
           t == HR_FT_STRP || t == HR_FT_VSTR || t == HR_FT_INTP ||
           t == HR_FT_LONGP || t == HR_FT_SSIZEP;
}

/* takes_string - its value is a string (or NULL for str) */
static int takes_string(hr_ftype t)
{
    return t == HR_FT_STR || t == HR_FT_MSTR || t == HR_FT_STRP ||
           t == HR_FT_VSTR;
}

/* fixed - a type whose value the case's tables give */
static int fixed(hr_ftype t)
{
    return t == HR_FT_NAMETABLE || t == HR_FT_MACLOOKUP ||
           t == HR_FT_MACTABLE || t == HR_FT_OUTSTR || t == HR_FT_BUF;
}

/* ---- words: blanks separate, quotes and parentheses hold together */

/* next_word - the next word of *s, or NULL at the end or a comment */
static char *next_word(char **s, int *error, struct parser *p, int line)
{
    char *start = *s + strspn(*s, " \t"), *q = start;
    int depth = 0, quoted = 0;

    if (*start == 0 || *start == '#') {
        *s = start + strlen(start);
        return NULL;
    }
    for (; *q; q++) {
        if (quoted) {
            if (*q == '\\' && q[1])
                q++;
            else if (*q == '"')
                quoted = 0;
            continue;
        }
        if (*q == '"')
            quoted = 1;
        else if (*q == '(')
            depth++;
        else if (*q == ')')
            depth--;
        else if ((*q == ' ' || *q == '\t') && depth <= 0)
            break;
    }
    if (quoted || depth != 0) {
        *error = hr_parse_error(p, line, "an unclosed %s in '%s'",
                                quoted ? "quote" : "parenthesis", start);
        return NULL;
    }
    if (*q)
        *q++ = 0;
    *s = q;
    return start;
}

/* quoted - a "..." string at *s with C escapes (\\ \" \n \t \r \xHH, not
 * \x00); *s moves past it; NULL and a reason when it is not one */
static char *quoted(const char **s, size_t *len, const char **why)
{
    const char *p = *s + 1;
    hr_buf b = HR_BUF_INIT;

    for (; *p && *p != '"'; p++) {
        if (*p != '\\') {
            hr_buf_putc(&b, *p);
            continue;
        }
        p++;
        switch (*p) {
        case '\\': case '"': hr_buf_putc(&b, *p); break;
        case 'n': hr_buf_putc(&b, '\n'); break;
        case 't': hr_buf_putc(&b, '\t'); break;
        case 'r': hr_buf_putc(&b, '\r'); break;
        case 'x':
            if (isxdigit((unsigned char)p[1]) && isxdigit((unsigned char)p[2])) {
                char hex[3] = {p[1], p[2], 0};
                long v = strtol(hex, NULL, 16);

                if (v == 0) {
                    *why = "\\x00: a C string holds no NUL byte";
                    goto bad;
                }
                hr_buf_putc(&b, (char)v);
                p += 2;
                break;
            }
            /* fall through */
        default:
            *why = "an unknown escape (\\\\ \\\" \\n \\t \\r \\xHH)";
            goto bad;
        }
    }
    if (*p != '"') {
        *why = "an unclosed quote";
        goto bad;
    }
    *s = p + 1;
    *len = b.len;
    if (b.ptr == NULL)
        hr_buf_puts(&b, "");
    return hr_buf_detach(&b);
bad:
    hr_buf_release(&b);
    return NULL;
}

/* parse_int - a decimal or 0x integer, the whole word */
static int parse_int(const char *w, long long *out)
{
    char *end;
    int neg = w[0] == '-';
    unsigned long long v;

    if (w[neg] == 0 || !isdigit((unsigned char)w[neg]))
        return -1;
    errno = 0;
    v = strtoull(w + neg, &end, 0);
    if (errno || *end)
        return -1;
    if (neg) {
        if (v > (unsigned long long)LLONG_MAX + 1)
            return -1;
        *out = v == (unsigned long long)LLONG_MAX + 1 ? LLONG_MIN
                                                      : -(long long)v;
    } else {
        *out = (long long)v;
    }
    return 0;
}

/* parse_range - "A..B", 0 <= A <= B <= max */
static int parse_range(const char *s, int max, int *lo, int *hi)
{
    long long a, b;
    const char *dots = strstr(s, "..");
    char *left;
    int bad;

    if (dots == NULL)
        return -1;
    left = hr_strndup(s, (size_t)(dots - s));
    bad = parse_int(left, &a) < 0 || parse_int(dots + 2, &b) < 0;
    hr_free(left);
    if (bad || a < 0 || b < a || b > max)
        return -1;
    *lo = (int)a;
    *hi = (int)b;
    return 0;
}

/* parse_gen - NAME(k=v,...) */
static int parse_gen(struct parser *p, int line, const char *w, hr_fvalue *v)
{
    const char *paren = strchr(w, '(');
    size_t nlen = (size_t)(paren - w);
    size_t g;
    char *args, *a;

    for (g = 0; g < sizeof(gens) / sizeof(gens[0]); g++)
        if (strlen(gens[g].name) == nlen && strncmp(gens[g].name, w, nlen) == 0)
            break;
    if (g == sizeof(gens) / sizeof(gens[0]))
        return hr_parse_error(p, line, "unknown generator '%.*s' (hostname "
                              "ipaddr address bytes utf8 text xtext number "
                              "header base64 dsn masknames macro)",
                              (int)nlen, w);
    if (w[strlen(w) - 1] != ')')
        return hr_parse_error(p, line, "'%s': a generator ends with ')'", w);
    v->kind = HR_FV_GEN;
    v->gen = gens[g].gen;
    v->lo = gens[g].lo;
    v->hi = gens[g].hi;
    args = hr_strndup(paren + 1, strlen(paren + 1) - 1);
    a = args;
    while (*a) {
        const char *key = a;
        char *eq = strchr(a, '=');
        int error = 0;

        if (eq == NULL) {
            error = hr_parse_error(p, line, "'%s': a generator's parameter "
                                   "is KEY=VALUE", w);
        } else if ((strncmp(key, "len=", 4) == 0 && gens[g].ranged &&
                    v->gen != HR_GEN_HOSTNAME) ||
                   (strncmp(key, "labels=", 7) == 0 &&
                    v->gen == HR_GEN_HOSTNAME)) {
            char *end = eq + 1 + strcspn(eq + 1, ",");
            char save = *end;

            *end = 0;
            if (parse_range(eq + 1, v->gen == HR_GEN_HOSTNAME ? 255 : 4096,
                            &v->lo, &v->hi) < 0)
                error = hr_parse_error(p, line, "'%s': '%s' is not a range "
                                       "A..B (0 <= A <= B <= %d)", w, eq + 1,
                                       v->gen == HR_GEN_HOSTNAME ? 255 : 4096);
            *end = save;
            a = *end ? end + 1 : end;
        } else if (strncmp(key, "chars=", 6) == 0 && v->gen == HR_GEN_TEXT) {
            const char *q = eq + 1, *why = "a quoted string";
            size_t len;

            if (v->chars)
                error = hr_parse_error(p, line, "'%s': chars= is given "
                                       "twice", w);
            else if (*q != '"' || (v->chars = quoted(&q, &len, &why)) == NULL)
                error = hr_parse_error(p, line, "'%s': chars= needs %s", w,
                                       why);
            else if (len == 0)
                error = hr_parse_error(p, line, "'%s': chars= is empty", w);
            else
                a = (char *)q + (*q == ',');
        } else {
            error = hr_parse_error(p, line, "'%s': generator %s takes %s", w,
                                   gens[g].name,
                                   v->gen == HR_GEN_HOSTNAME ? "labels=A..B"
                                   : v->gen == HR_GEN_TEXT
                                       ? "len=A..B and chars=\"...\""
                                   : gens[g].ranged ? "len=A..B"
                                                    : "no parameters");
        }
        if (error < 0) {
            hr_free(args);
            hr_free(v->chars);
            v->chars = NULL;
            return error;
        }
    }
    hr_free(args);
    return 0;
}

/* parse_value - one value: NULL, an integer, "string"[*N][+"..."],
 * len(N), or a generator */
static int parse_value(struct parser *p, int line, const char *w,
                       hr_fvalue *v)
{
    memset(v, 0, sizeof(*v));
    if (strcmp(w, "NULL") == 0) {
        v->kind = HR_FV_NULL;
        return 0;
    }
    if (strncmp(w, "len(", 4) == 0) {
        long long n;
        char *num = hr_strndup(w + 4, strlen(w + 4) - (w[strlen(w) - 1] == ')'));
        int bad = w[strlen(w) - 1] != ')' || parse_int(num, &n) < 0 || n < 1 ||
                  n > MAX_PARAMS;

        hr_free(num);
        if (bad)
            return hr_parse_error(p, line, "'%s': len(N) is the length of "
                                  "value N of the input (1 to %d)", w,
                                  MAX_PARAMS);
        v->kind = HR_FV_LEN;
        v->len_of = (int)n;
        return 0;
    }
    if (w[0] == '"') {
        const char *s = w, *why = NULL;
        hr_buf all = HR_BUF_INIT;

        for (;;) {
            size_t len;
            long long times = 1;
            char *piece = quoted(&s, &len, &why);

            if (piece == NULL)
                break;
            if (*s == '*') {
                char *end;

                times = strtoll(s + 1, &end, 10);
                if (end == s + 1 || times < 1 || times > MAX_STRING) {
                    why = "*N repeats 1 to 65536 times";
                    hr_free(piece);
                    break;
                }
                s = end;
            }
            for (long long k = 0; k < times && all.len <= MAX_STRING; k++)
                hr_buf_put(&all, piece, len);
            hr_free(piece);
            if (all.len > MAX_STRING) {
                why = "longer than 65536 bytes";
                break;
            }
            if (*s == 0) {
                v->kind = HR_FV_STR;
                v->slen = all.len;
                if (all.ptr == NULL)
                    hr_buf_puts(&all, "");
                v->s = hr_buf_detach(&all);
                return 0;
            }
            if (*s != '+' || s[1] != '"') {
                why = "pieces are joined by +";
                break;
            }
            s++;
        }
        hr_buf_release(&all);
        return hr_parse_error(p, line, "'%s': %s", w, why);
    }
    if (strchr(w, '('))
        return parse_gen(p, line, w, v);
    if (parse_int(w, &v->i) == 0) {
        v->kind = HR_FV_INT;
        return 0;
    }
    return hr_parse_error(p, line, "'%s' is not a value (NULL, an integer, "
                          "\"string\", len(N), or a generator such as "
                          "hostname(labels=1..70))", w);
}

static void value_free(hr_fvalue *v)
{
    hr_free(v->s);
    hr_free(v->chars);
}

/* parse_type - a type name, or buf:N */
static int parse_type(const char *w, hr_ftype *t, size_t *bufsize)
{
    if (strncmp(w, "buf:", 4) == 0) {
        long long n;

        if (parse_int(w + 4, &n) < 0 || n < 1 || n > MAX_BUF)
            return -1;
        *t = HR_FT_BUF;
        *bufsize = (size_t)n;
        return 0;
    }
    for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
        if (strcmp(types[i].name, w) == 0 && types[i].type != HR_FT_BUF) {
            *t = types[i].type;
            return 0;
        }
    return -1;
}

/* parse_call - "[repeat] [-]RET NAME(PARAM, ...)" */
static int parse_call(struct parser *p, int line, char *rest)
{
    hr_func *f = p->c->func;
    hr_fcall call;
    char *w, *open, *close, *params;
    int error = 0;
    size_t bs = 0;

    memset(&call, 0, sizeof(call));
    call.line = line;
    rest += strspn(rest, " \t");
    if (strncmp(rest, "repeat ", 7) == 0) {
        call.repeat = 1;
        rest += 7;
        rest += strspn(rest, " \t");
    }
    w = rest;
    rest += strcspn(rest, " \t");
    if (*rest == 0)
        return hr_parse_error(p, line, "'call' is RET FUNCTION(TYPE, ...)");
    *rest++ = 0;
    if (*w == '-') {
        call.quiet = 1;
        w++;
    }
    if (parse_type(w, &call.ret, &bs) < 0 || call.ret == HR_FT_BUF ||
        (call.ret != HR_FT_VOID && call.ret != HR_FT_STR &&
         call.ret != HR_FT_PTR && call.ret != HR_FT_ARGV &&
         call.ret != HR_FT_VSTR && !is_int_type(call.ret)))
        return hr_parse_error(p, line, "'%s' is not a return type (void, an "
                              "integer type, str, vstr, ptr, argv)", w);
    rest += strspn(rest, " \t");
    open = strchr(rest, '(');
    close = strrchr(rest, ')');
    if (open == NULL || close == NULL || close < open ||
        close[1 + strspn(close + 1, " \t")] != 0)
        return hr_parse_error(p, line, "'call' is RET FUNCTION(TYPE, ...)");
    *open = 0;
    for (char *e = open; e > rest && (e[-1] == ' ' || e[-1] == '\t');)
        *--e = 0;
    if (*rest == 0 || strspn(rest, "abcdefghijklmnopqrstuvwxyz0123456789_") !=
                          strlen(rest))
        return hr_parse_error(p, line, "'%s' is not a function name", rest);
    if (!hr_func_allowed(rest))
        return hr_parse_error(p, line, "function '%s' is not one a func case "
                              "may call (cases/README.md, \"Func cases\")",
                              rest);
    if (f->ncalls == MAX_CALLS)
        return hr_parse_error(p, line, "more than %d calls", MAX_CALLS);
    call.function = hr_strdup(rest);
    *close = 0;
    params = open + 1;
    params += strspn(params, " \t");
    while (*params && error == 0) {
        char *comma = params + strcspn(params, ",");
        char *eq;
        hr_fparam *pm;
        char save = *comma;

        *comma = 0;
        for (char *e = comma; e > params && (e[-1] == ' ' || e[-1] == '\t');)
            *--e = 0;
        if (call.nparams == MAX_PARAMS) {
            error = hr_parse_error(p, line, "more than %d parameters",
                                   MAX_PARAMS);
            break;
        }
        call.params = hr_realloc(call.params,
                                 (call.nparams + 1) * sizeof(hr_fparam));
        pm = &call.params[call.nparams++];
        memset(pm, 0, sizeof(*pm));
        if (params[0] == '$' || params[0] == '@') {
            long long n;

            if (f->ncalls == 0 || parse_int(params + 1, &n) < 0 || n < 1)
                error = hr_parse_error(p, line, "'%s': $N and @N are for "
                                       "the calls after the first", params);
            else if (params[0] == '$' && n > (long long)f->ncalls)
                error = hr_parse_error(p, line, "'%s': call %lld comes later",
                                       params, n);
            else {
                pm->src = params[0] == '$' ? HR_FSRC_RETURN : HR_FSRC_ARG;
                pm->ref = (int)n;
                pm->type = pm->src == HR_FSRC_RETURN
                               ? f->calls[n - 1].ret
                               : HR_FT_STR;
            }
        } else {
            eq = strchr(params, '=');
            if (eq)
                *eq = 0;
            if (parse_type(params, &pm->type, &pm->bufsize) < 0 ||
                pm->type == HR_FT_VOID || pm->type == HR_FT_ARGV)
                error = hr_parse_error(p, line, "unknown type '%s' (%s)",
                                       params,
                                       "int8..uint64, int, unsigned, long, "
                                       "ulong, size_t, ssize_t, off_t, str, "
                                       "mstr, strp, outstr, buf:N, vstr, "
                                       "int*, long*, ssize_t*, ptr, "
                                       "nametable, maclookup, mactable");
            else if (eq) {
                if (f->ncalls == 0)
                    error = hr_parse_error(p, line, "'%s=': the first call's "
                                           "values come from 'input' and "
                                           "'gen' lines", params);
                else if ((error = parse_value(p, line, eq + 1, &pm->lit)) == 0)
                    pm->src = HR_FSRC_LITERAL;
            } else if (fixed(pm->type)) {
                pm->src = HR_FSRC_FIXED;
            } else if (f->ncalls > 0) {
                error = hr_parse_error(p, line, "'%s' of a later call needs "
                                       "a value: TYPE=VALUE, $N or @N",
                                       params);
            }
        }
        *comma = save;
        params = *comma ? comma + 1 : comma;
        params += strspn(params, " \t");
    }
    if (error == 0)
        for (size_t i = 0; i < call.nparams && error == 0; i++)
            if (call.params[i].type == HR_FT_PTR &&
                call.params[i].src != HR_FSRC_RETURN)
                error = hr_parse_error(p, line, "a ptr parameter comes from "
                                       "an earlier call ($N)");
    if (error < 0) {
        for (size_t i = 0; i < call.nparams; i++)
            value_free(&call.params[i].lit);
        hr_free(call.params);
        hr_free(call.function);
        return error;
    }
    f->calls = hr_realloc(f->calls, (f->ncalls + 1) * sizeof(hr_fcall));
    f->calls[f->ncalls++] = call;
    return 0;
}

/* parse_input - 'input VALUE...' or 'gen SEED COUNT VALUE...' */
static int parse_input(struct parser *p, int line, char *rest, int gen)
{
    hr_func *f = p->c->func;
    hr_finput in;
    char *w;
    int error = 0;
    size_t cap = 0, n = 0;

    memset(&in, 0, sizeof(in));
    in.line = line;
    in.count = 1;
    if (gen) {
        long long seed, count;
        char *ws = next_word(&rest, &error, p, line);
        char *wc = ws ? next_word(&rest, &error, p, line) : NULL;

        if (error < 0)
            return error;
        if (ws == NULL || wc == NULL || parse_int(ws, &seed) < 0 ||
            seed < 0 || parse_int(wc, &count) < 0 || count < 1 ||
            count > MAX_GEN_COUNT)
            return hr_parse_error(p, line, "'gen' is SEED COUNT VALUE... "
                                  "(SEED >= 0, COUNT 1 to %d)",
                                  MAX_GEN_COUNT);
        in.seed = (uint64_t)seed;
        in.count = (size_t)count;
    }
    while ((w = next_word(&rest, &error, p, line)) != NULL && error == 0) {
        if (n == cap) {
            cap = cap ? 2 * cap : 4;
            in.values = hr_realloc(in.values, cap * sizeof(hr_fvalue));
        }
        if (n == MAX_PARAMS) {
            error = hr_parse_error(p, line, "more than %d values",
                                   MAX_PARAMS);
            break;
        }
        if ((error = parse_value(p, line, w, &in.values[n])) < 0)
            break;
        n++;
        if (!gen && in.values[n - 1].kind == HR_FV_GEN)
            error = hr_parse_error(p, line, "a generator goes on a 'gen' "
                                   "line");
    }
    if (error == 0 && gen) {
        int any = 0;

        for (size_t i = 0; i < n; i++)
            any |= in.values[i].kind == HR_FV_GEN;
        if (!any)
            error = hr_parse_error(p, line, "a 'gen' line without a "
                                   "generator: use 'input'");
    }
    if (error < 0) {
        for (size_t i = 0; i < n; i++)
            value_free(&in.values[i]);
        hr_free(in.values);
        return error;
    }
    /* The number of values is checked against the call at the end. */
    in.values = hr_realloc(in.values, (n + 1) * sizeof(hr_fvalue));
    memset(&in.values[n], 0, sizeof(hr_fvalue));
    f->inputs = hr_realloc(f->inputs, (f->ninputs + 1) * sizeof(hr_finput));
    f->inputs[f->ninputs] = in;
    f->inputs[f->ninputs].values[n].kind = 0; /* the end */
    f->ninputs++;
    return 0;
}

/* nvalues - the values of an input line */
static size_t nvalues(const hr_finput *in)
{
    size_t n = 0;

    while (in->values[n].kind)
        n++;
    return n;
}

/* hr_func_directive - a func directive; 1 when word is none */
int hr_func_directive(struct parser *p, int line, const char *word,
                      char *rest)
{
    hr_case *c = p->c;
    hr_func *f;
    char *w;
    int error = 0;

    if (c->func == NULL)
        c->func = hr_calloc(1, sizeof(hr_func));
    f = c->func;
    if (strcmp(word, "call") == 0) {
        /* A comment may follow the closing parenthesis. */
        char *hash = strrchr(rest, '#');

        if (hash && strchr(hash, ')') == NULL)
            *hash = 0;
        return parse_call(p, line, rest);
    }
    if (strcmp(word, "input") == 0)
        return parse_input(p, line, rest, 0);
    if (strcmp(word, "gen") == 0)
        return parse_input(p, line, rest, 1);
    if (strcmp(word, "library") == 0 || strcmp(word, "macro-of") == 0) {
        char **field = word[0] == 'l' ? &f->library : &f->macro;

        w = next_word(&rest, &error, p, line);
        if (error < 0)
            return error;
        if (w == NULL || next_word(&rest, &error, p, line) != NULL)
            return hr_parse_error(p, line, "'%s' takes one word", word);
        if (*field)
            return hr_parse_error(p, line, "'%s' is given twice", word);
        if (word[0] == 'l' && hr_func_library_file(w) == NULL)
            return hr_parse_error(p, line, "unknown library '%s' (util "
                                  "global dns master)", w);
        if (word[0] == 'm' &&
            strspn(w, "abcdefghijklmnopqrstuvwxyz0123456789_") != strlen(w))
            return hr_parse_error(p, line, "'%s' is not a macro name", w);
        *field = hr_strdup(w);
        return 0;
    }
    if (strcmp(word, "observe") == 0) {
        while ((w = next_word(&rest, &error, p, line)) != NULL) {
            if (strcmp(w, "errno") != 0)
                return hr_parse_error(p, line, "observe what? '%s' (errno: "
                                      "the return value and outputs are "
                                      "always observed)", w);
            f->observe_errno = 1;
        }
        return error;
    }
    if (strcmp(word, "set") == 0) {
        char *name = next_word(&rest, &error, p, line);
        char *val = name ? next_word(&rest, &error, p, line) : NULL;
        hr_fvalue v;
        int ok = 0;

        if (error < 0)
            return error;
        for (size_t i = 0; name && i < sizeof(settable) / sizeof(settable[0]);
             i++)
            ok |= strcmp(settable[i], name) == 0;
        if (!ok)
            return hr_parse_error(p, line, "'set' takes a global of "
                                  "util_utf8_enable var_double_bounce_sender "
                                  "var_ownreq_special var_rcpt_delim "
                                  "var_myorigin var_mydomain var_myhostname "
                                  "var_smtputf8_enable var_strict_rfc821_env,"
                                  " then a value");
        if (val == NULL || next_word(&rest, &error, p, line) != NULL)
            return hr_parse_error(p, line, "'set NAME VALUE': one value");
        if ((error = parse_value(p, line, val, &v)) < 0)
            return error;
        if (v.kind == HR_FV_INT)
            hr_strv_addf(&f->sets, "%s=%lld", name, v.i);
        else if (v.kind == HR_FV_STR && strlen(v.s) == v.slen)
            hr_strv_addf(&f->sets, "%s=\"%s", name, v.s);
        else
            error = hr_parse_error(p, line, "'set %s': an integer or a "
                                   "string", name);
        value_free(&v);
        return error;
    }
    if (strcmp(word, "entry") == 0 || strcmp(word, "macro") == 0) {
        char *name = next_word(&rest, &error, p, line);
        char *val = name ? next_word(&rest, &error, p, line) : NULL;
        hr_fvalue v;
        hr_strv *list = word[0] == 'e' ? &f->entries : &f->macros;

        if (error < 0)
            return error;
        if (name == NULL || val == NULL ||
            next_word(&rest, &error, p, line) != NULL || name[0] == '"' ||
            strspn(name, "abcdefghijklmnopqrstuvwxyz0123456789_-") !=
                strlen(name) || strlen(name) > 64)
            return hr_parse_error(p, line, "'%s NAME VALUE': NAME of "
                                  "[a-z0-9_-], then one value", word);
        for (size_t i = 0; i < list->n; i++)
            if (strncmp(list->v[i], name, strlen(name)) == 0 &&
                list->v[i][strlen(name)] == ' ')
                return hr_parse_error(p, line, "%s '%s' is given twice",
                                      word, name);
        if ((error = parse_value(p, line, val, &v)) < 0)
            return error;
        if (word[0] == 'e' && v.kind == HR_FV_INT && v.i >= 0 &&
            v.i <= 0x7fffffff)
            hr_strv_addf(list, "%s %lld", name, v.i);
        else if (word[0] == 'm' && v.kind == HR_FV_STR &&
                 strlen(v.s) == v.slen)
            hr_strv_addf(list, "%s %s", name, v.s);
        else
            error = hr_parse_error(p, line, "'%s %s': %s", word, name,
                                   word[0] == 'e'
                                       ? "the mask is an integer 0 to "
                                         "2147483647"
                                       : "the value is a \"string\"");
        value_free(&v);
        return error;
    }
    return 1;
}

/* check_value - an input value fits its parameter */
static int check_value(struct parser *p, int line, const hr_fparam *pm,
                       const hr_fvalue *v, size_t nv, size_t k)
{
    if (is_int_type(pm->type) || pm->type == HR_FT_INTP ||
        pm->type == HR_FT_LONGP || pm->type == HR_FT_SSIZEP) {
        if (v->kind == HR_FV_LEN) {
            if ((size_t)v->len_of > nv || v->len_of == (int)k + 1)
                return hr_parse_error(p, line, "value %zu: len(%d) names no "
                                      "other value", k + 1, v->len_of);
            return 0;
        }
        if (v->kind != HR_FV_INT)
            return hr_parse_error(p, line, "value %zu: %s takes an integer",
                                  k + 1, hr_ftype_name(pm->type));
        return 0;
    }
    if (v->kind == HR_FV_INT || v->kind == HR_FV_LEN)
        return hr_parse_error(p, line, "value %zu: %s takes a string", k + 1,
                              hr_ftype_name(pm->type));
    if (v->kind == HR_FV_NULL && pm->type != HR_FT_STR)
        return hr_parse_error(p, line, "value %zu: only str may be NULL",
                              k + 1);
    return 0;
}

/* hr_func_finish - rules about the whole func case */
int hr_func_finish(struct parser *p)
{
    hr_func *f = p->c->func;
    const hr_fcall *first;
    size_t want = 0, total = 0;

    if (f == NULL || f->library == NULL)
        return hr_parse_error(p, 1, "a func case needs a 'library' (util "
                              "global dns master)");
    if (f->ncalls == 0)
        return hr_parse_error(p, 1, "a func case needs a 'call'");
    if (f->ninputs == 0)
        return hr_parse_error(p, 1, "a func case needs 'input' or 'gen' "
                              "lines");
    first = &f->calls[0];
    for (size_t i = 0; i < first->nparams; i++)
        want += takes_input(first->params[i].type);
    for (size_t c = 0; c < f->ncalls; c++)
        for (size_t i = 0; i < f->calls[c].nparams; i++) {
            const hr_fparam *pm = &f->calls[c].params[i];

            if (pm->src == HR_FSRC_ARG && (size_t)pm->ref > want)
                return hr_parse_error(p, f->calls[c].line, "@%d: the "
                                      "inputs have %zu values", pm->ref,
                                      want);
            if (pm->type == HR_FT_NAMETABLE && f->entries.n == 0)
                return hr_parse_error(p, f->calls[c].line, "a nametable "
                                      "needs 'entry' lines");
            if ((pm->type == HR_FT_MACLOOKUP || pm->type == HR_FT_MACTABLE) &&
                f->macros.n == 0)
                return hr_parse_error(p, f->calls[c].line, "a mac table "
                                      "needs 'macro' lines");
            if (pm->src == HR_FSRC_LITERAL &&
                check_value(p, f->calls[c].line, pm, &pm->lit, 1, 1) < 0)
                return HR_EINPUT;
        }
    for (size_t k = 0; k < f->ninputs; k++) {
        const hr_finput *in = &f->inputs[k];
        size_t nv = nvalues(in), j = 0;

        if (nv != want)
            return hr_parse_error(p, in->line, "%zu values for %s, which "
                                  "takes %zu", nv, first->function, want);
        for (size_t i = 0; i < first->nparams; i++) {
            if (!takes_input(first->params[i].type))
                continue;
            if (check_value(p, in->line, &first->params[i], &in->values[j],
                            nv, j) < 0)
                return HR_EINPUT;
            if (in->values[j].kind == HR_FV_GEN &&
                !takes_string(first->params[i].type))
                return hr_parse_error(p, in->line, "value %zu: a generator "
                                      "makes strings", j + 1);
            j++;
        }
        total += in->count;
        if (total > MAX_TOTAL)
            return hr_parse_error(p, in->line, "more than %d inputs",
                                  MAX_TOTAL);
    }
    f->total = total;
    return 0;
}

/* hr_func_free - release; NULL is fine */
void hr_func_free(hr_func *f)
{
    if (f == NULL)
        return;
    for (size_t c = 0; c < f->ncalls; c++) {
        for (size_t i = 0; i < f->calls[c].nparams; i++)
            value_free(&f->calls[c].params[i].lit);
        hr_free(f->calls[c].params);
        hr_free(f->calls[c].function);
    }
    hr_free(f->calls);
    for (size_t k = 0; k < f->ninputs; k++) {
        for (size_t i = 0; f->inputs[k].values[i].kind; i++)
            value_free(&f->inputs[k].values[i]);
        hr_free(f->inputs[k].values);
    }
    hr_free(f->inputs);
    hr_free(f->library);
    hr_free(f->macro);
    hr_strv_release(&f->sets);
    hr_strv_release(&f->entries);
    hr_strv_release(&f->macros);
    hr_free(f);
}

/* mix - a seed for value k of input n of a line */
static uint64_t mix(uint64_t seed, uint64_t n, uint64_t k)
{
    uint64_t z = seed * 0x9e3779b97f4a7c15ULL ^ (n + 1) * 0xc2b2ae3d27d4eb4fULL ^
                 (k + 1) * 0x165667b19e3779f9ULL;

    z = (z ^ (z >> 33)) * 0xff51afd7ed558ccdULL;
    return z ^ (z >> 33);
}

/* hr_func_args - input index, made */
int hr_func_args(const hr_func *f, size_t index, hr_fargs *out)
{
    const hr_finput *in = NULL;
    size_t n = index, nv;

    memset(out, 0, sizeof(*out));
    for (size_t k = 0; k < f->ninputs; k++) {
        if (n < f->inputs[k].count) {
            in = &f->inputs[k];
            break;
        }
        n -= f->inputs[k].count;
    }
    if (in == NULL)
        return hr_error_set(HR_EINPUT, "input %zu of %zu", index + 1,
                            f->total);
    nv = nvalues(in);
    out->n = nv;
    out->kind = hr_calloc(nv + 1, sizeof(hr_fvkind));
    out->i = hr_calloc(nv + 1, sizeof(long long));
    out->s = hr_calloc(nv + 1, sizeof(hr_buf));
    for (size_t k = 0; k < nv; k++) {
        const hr_fvalue *v = &in->values[k];

        hr_buf_init(&out->s[k], 0);
        switch (v->kind) {
        case HR_FV_INT:
            out->kind[k] = HR_FV_INT;
            out->i[k] = v->i;
            break;
        case HR_FV_NULL:
            out->kind[k] = HR_FV_NULL;
            break;
        case HR_FV_STR:
            out->kind[k] = HR_FV_STR;
            hr_buf_put(&out->s[k], v->s, v->slen);
            break;
        case HR_FV_GEN:
            out->kind[k] = HR_FV_STR;
            hr_gen_make(&out->s[k], v, mix(in->seed, n, k), f);
            break;
        default:
            out->kind[k] = HR_FV_INT; /* #N, below */
            break;
        }
        hr_buf_puts(&out->s[k], "");
    }
    for (size_t k = 0; k < nv; k++)
        if (in->values[k].kind == HR_FV_LEN)
            out->i[k] = (long long)out->s[in->values[k].len_of - 1].len;
    return 0;
}

/* hr_fargs_release - release */
void hr_fargs_release(hr_fargs *a)
{
    for (size_t k = 0; k < a->n; k++)
        hr_buf_release(&a->s[k]);
    hr_free(a->kind);
    hr_free(a->i);
    hr_free(a->s);
    memset(a, 0, sizeof(*a));
}

/* hr_func_signature - "int valid_hostname(str, int)" */
char *hr_func_signature(const hr_func *f, size_t call)
{
    const hr_fcall *c = &f->calls[call];
    hr_buf b = HR_BUF_INIT;

    hr_buf_printf(&b, "%s%s%s %s(", c->repeat ? "repeat " : "",
                  c->quiet ? "-" : "", hr_ftype_name(c->ret), c->function);
    for (size_t i = 0; i < c->nparams; i++) {
        const hr_fparam *pm = &c->params[i];

        if (i)
            hr_buf_puts(&b, ", ");
        if (pm->src == HR_FSRC_RETURN)
            hr_buf_printf(&b, "$%d", pm->ref);
        else if (pm->src == HR_FSRC_ARG)
            hr_buf_printf(&b, "@%d", pm->ref);
        else if (pm->type == HR_FT_BUF)
            hr_buf_printf(&b, "buf:%zu", pm->bufsize);
        else
            hr_buf_puts(&b, hr_ftype_name(pm->type));
        if (pm->src == HR_FSRC_LITERAL) {
            if (pm->lit.kind == HR_FV_INT)
                hr_buf_printf(&b, "=%lld", pm->lit.i);
            else if (pm->lit.kind == HR_FV_NULL)
                hr_buf_puts(&b, "=NULL");
            else
                hr_buf_puts(&b, "=\"...\"");
        }
    }
    hr_buf_puts(&b, ")");
    return hr_buf_detach(&b);
}

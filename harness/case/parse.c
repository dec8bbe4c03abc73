/*
 * NAME
 *	case/parse 3
 * SUMMARY
 *	the text of a case file to an hr_case
 * SYNOPSIS
 *	#include "case/case.h"
 *
 *	int	hr_case_parse(out, path, text, len)
 *
 *	#include "case/parse_int.h"
 *
 *	int	hr_parse_error(p, line, fmt, ...)
 *	int	hr_parse_reason(p, line, why)
 *	void	*hr_parse_grow(arr, n, cap, size)
 *	char	*hr_parse_next_word(s)
 * DESCRIPTION
 *	A case is one plain text file; cases/README.md is the reference
 *	for its format. hr_case_parse() turns the text of one file into
 *	an hr_case: header directives, the allowlisted main.cf overrides
 *	and lookup tables (judged by config(3)), the sink's answers, and
 *	either the SMTP session (built by steps(3)) or the probe's
 *	recipients and DSN expectations.
 *
 *	Every line is checked before any is parsed: at most 64 KiB, no
 *	NUL, no carriage return, well-formed UTF-8; and the kind comes
 *	first, because it decides what the other lines may be.
 *
 *	The rest is for steps(3): hr_parse_error() records "path:line:
 *	message" and returns HR_EINPUT; hr_parse_reason() does that with a
 *	reason that a check of config(3) or escape(3) returned, and frees
 *	it; hr_parse_grow() makes room for one more element of an array;
 *	hr_parse_next_word() splits off the first blank-separated word.
 * DIAGNOSTICS
 *	A malformed case gives HR_EINPUT with "path:line: message".
 *	Nothing is printed.
 * SEE ALSO
 *	cases/README.md, the format; case(3), config(3), escape(3),
 *	steps(3).
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "case/case.h"
#include "case/func.h"
#include "case/config.h"
#include "case/parse_int.h"
#include "util/mem.h"
#include "util/msg.h"
#include "util/utf8.h"

/* clang-format off */
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

#define MAX_LINE 65536  /* bytes in one line, without '\n' */
#define MAX_PAUSE 60000 /* milliseconds */
#define MAX_NAME 100    /* bytes in a case or table name */

/* in_list - is s one of a NULL-terminated list */
static int in_list(const char *const *list, const char *s)
{
    return hr_strv_member(list, s, strlen(s));
}

/* hr_parse_error - record "path:line: message" */
int hr_parse_error(struct parser *p, int line, const char *fmt, ...)
{
    char msg[1024];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    return hr_error_set(HR_EINPUT, "%s:%d: %s", p->path, line, msg);
}

/* hr_parse_reason - "path:line: " and a reason that a check returned */
int hr_parse_reason(struct parser *p, int line, char *why)
{
    int error = hr_parse_error(p, line, "%s", why);

    hr_free(why);
    return error;
}

/* hr_parse_grow - make room for one more element of an array */
void *hr_parse_grow(void *arr, size_t n, size_t *cap, size_t size)
{
    if (n < *cap)
        return arr;
    *cap = *cap ? 2 * *cap : 4;
    return hr_realloc(arr, *cap * size);
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

/* hr_parse_next_word - split off the first blank-separated word of *s */
char *hr_parse_next_word(char **s)
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

/* parse_config - "config param = value" */
static int parse_config(struct parser *p, int line, char *rest)
{
    hr_case *c = p->c;
    char *eq = strchr(rest, '=');
    char *param, *value, *end;
    hr_strv words = HR_STRV_INIT, refs = HR_STRV_INIT;
    long prev;
    char *why;

    if (eq == NULL)
        return hr_parse_error(p, line, "'config' needs 'parameter = value'");
    *eq = 0;
    param = rest;
    for (end = eq; end > param && (end[-1] == ' ' || end[-1] == '\t');)
        *--end = 0;
    value = eq + 1 + strspn(eq + 1, " \t");
    if ((why = hr_config_check_param(param)) != NULL)
        return hr_parse_reason(p, line, why);
    if ((prev = config_find(c, param)) >= 0)
        return hr_parse_error(p, line, "'%s' is set twice (first on line %d)",
                              param, p->config_lines[prev]);
    /* Table references resolve at the end: tables may come later. */
    why = hr_config_check_value(param, value, &refs);
    hr_strv_release(&refs);
    if (why != NULL)
        return hr_parse_reason(p, line, why);
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

/* table_entry - add "KEY VALUE" to a map or named table of a type */
static int table_entry(struct parser *p, int line, const char *name,
                       const char *type, int is_param, const char *key,
                       const char *value)
{
    hr_case *c = p->c;
    long t = find_table(c, name, is_param);
    hr_case_table *tab;
    size_t klen = strlen(key);
    char *why;

    if (t >= 0 && strcmp(c->tables[t].type, type) != 0)
        return hr_parse_error(p, line, "table '%s' is %s since line %d, not "
                              "%s",
                              name, c->tables[t].type, c->tables[t].line,
                              type);
    /* A named table's values are judged when a 'config' line shows
     * what it is for (finish_tables). */
    if ((why = hr_config_check_key_of(type, key)) != NULL ||
        (is_param && (why = hr_config_check_entry(hr_config_role_of(name),
                                                  value)) != NULL))
        return hr_parse_reason(p, line, why);
    if (t < 0) {
        c->tables =
            hr_parse_grow(c->tables, c->ntables, &p->tcap, sizeof(*c->tables));
        t = (long)c->ntables++;
        tab = &c->tables[t];
        memset(tab, 0, sizeof(*tab));
        tab->name = hr_strdup(name);
        tab->type = hr_strdup(type);
        tab->is_param = is_param;
        tab->line = line;
    }
    tab = &c->tables[t];
    for (size_t i = 0; i < tab->entries.n; i++)
        if (strncmp(tab->entries.v[i], key, klen) == 0 &&
            tab->entries.v[i][klen] == ' ')
            return hr_parse_error(p, line, "key '%s' is given twice in %s '%s'",
                                  key, is_param ? "map" : "table", name);
    tab->entry_lines = hr_realloc(tab->entry_lines,
                                  (tab->entries.n + 1) * sizeof(int));
    tab->entry_lines[tab->entries.n] = line;
    hr_strv_addf(&tab->entries, "%s %s", key, value);
    return 0;
}

/* parse_map - "map PARAM KEY VALUE" and "table NAME KEY VALUE" */
static int parse_map(struct parser *p, int line, const char *word, char *rest,
                     int is_param)
{
    char *name = hr_parse_next_word(&rest);
    char *key = hr_parse_next_word(&rest);
    const char *type = "texthash";
    char *colon, *why;

    if (name == NULL || key == NULL || *rest == 0)
        return hr_parse_error(p, line, "'%s' needs %s, a key and a value", word,
                              is_param ? "a parameter" : "a table name");
    /* "table cidr:clients ...": a table of another type than texthash */
    if (!is_param && (colon = strchr(name, ':')) != NULL) {
        *colon = 0;
        type = name;
        name = colon + 1;
        if ((why = hr_config_check_type(type)) != NULL)
            return hr_parse_reason(p, line, why);
    }
    if (is_param && !hr_config_is_map(name))
        return hr_parse_error(p, line,
                              "'%s' is not a parameter that 'map' may fill "
                              "(see cases/README.md)",
                              name);
    if (!is_param && !valid_name(name, "_-"))
        return hr_parse_error(
            p, line,
            "'%s' is not a valid table name ([a-z0-9] then [a-z0-9_-])", name);
    if (!is_param && hr_config_is_map(name))
        return hr_parse_error(
            p, line, "table name '%s' is a parameter; write 'map %s ...'", name,
            name);
    return table_entry(p, line, name, type, is_param, key, rest);
}

/* parse_sink - "sink STAGE|ADDRESS [ADDRESS] CODE TEXT" */
static int parse_sink(struct parser *p, int line, char *rest)
{
    hr_case *c = p->c;
    char *first = hr_parse_next_word(&rest);
    const char *stage, *rcpt = NULL;
    char *code;
    hr_sink_rule *r;

    if (first == NULL)
        return hr_parse_error(p, line,
                              "'sink' needs a stage or an address, a code "
                              "and a text");
    if (strchr(first, '@')) {
        stage = "rcpt";
        rcpt = first;
    } else if (in_list(stage_allow, first)) {
        stage = first;
        if (strcmp(stage, "rcpt") == 0 &&
            (rcpt = hr_parse_next_word(&rest)) == NULL)
            return hr_parse_error(p, line,
                                  "'sink rcpt' needs an address or '*'");
    } else
        return hr_parse_error(p, line,
                              "unknown sink stage '%s' (connect, helo, mail, "
                              "rcpt, data, or an address)",
                              first);
    code = hr_parse_next_word(&rest);
    if (code == NULL || strlen(code) != 3 || strspn(code, "0123456789") != 3 ||
        code[0] < '2' || code[0] > '5' || code[0] == '3')
        return hr_parse_error(
            p, line, "bad sink reply code '%s' (three digits: 2xx, 4xx or 5xx)",
            code ? code : "");
    for (size_t i = 0; i < c->nsink; i++)
        if (strcmp(c->sink[i].stage, stage) == 0 &&
            (rcpt == NULL || strcmp(c->sink[i].rcpt, rcpt) == 0))
            return hr_parse_error(p, line,
                                  "the sink's answer for '%s' is given twice "
                                  "(first on line %d)",
                                  rcpt ? rcpt : stage, c->sink[i].line);
    c->sink = hr_parse_grow(c->sink, c->nsink, &p->scap, sizeof(*c->sink));
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
    char *rcpt = hr_parse_next_word(&rest);
    char *action = hr_parse_next_word(&rest);
    char *status = hr_parse_next_word(&rest);
    hr_probe_expect *e;

    if (status == NULL)
        return hr_parse_error(p, line,
                              "'expect' needs a recipient, an action and a "
                              "status");
    if (!in_list(action_allow, action))
        return hr_parse_error(
            p, line,
            "unknown action '%s' (deliverable, "
            "undeliverable, delivered, relayed, expanded, failed, "
            "delayed)",
            action);
    if (strspn(status, "0123456789.*?") != strlen(status))
        return hr_parse_error(
            p, line, "bad status '%s' (like 5.1.1; '*' and '?' allowed)",
            status);
    /* A recipient may be expected more than once: sendmail -v that fails
     * yields a bounce and the verbose report, each with a record. */
    c->expects =
        hr_parse_grow(c->expects, c->nexpects, &p->ecap, sizeof(*c->expects));
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
        return hr_parse_error(p, line, "'%s' is given twice (first on line %d)",
                              word, *seen);
    if (*value == 0)
        return hr_parse_error(p, line, "'%s' needs a value", word);
    *seen = line;
    *field = hr_strdup(value);
    return 0;
}

/* one_word - the directive takes exactly one word */
static int one_word(struct parser *p, int line, const char *word,
                    const char *value)
{
    if (*value && value[strcspn(value, " \t")])
        return hr_parse_error(p, line, "'%s' takes one word, not '%s'", word,
                              value);
    return 0;
}

/* parse_pause - "pause MS" */
static int parse_pause(struct parser *p, int line, const char *v)
{
    if (*v == 0 || strlen(v) > 5 || strspn(v, "0123456789") != strlen(v) ||
        atoi(v) > MAX_PAUSE)
        return hr_parse_error(
            p, line, "'pause' takes milliseconds from 0 to %d, not '%s'",
            MAX_PAUSE, v);
    return hr_steps_marker(p, line, atoi(v), 0);
}

/* kind_only - a directive or step that only one kind allows */
static int kind_only(struct parser *p, int line, const char *what,
                     hr_case_kind kind)
{
    if (p->c->kind == kind)
        return 0;
    return hr_parse_error(p, line, "%s is only for %s cases", what,
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

    /* A func case's values are quoted strings that may hold '#': its
     * directives strip their own comments. */
    if (c->kind == HR_CASE_FUNC) {
        char *copy = hr_strdup(s), *r = copy, *w = hr_parse_next_word(&r);

        error = w ? hr_func_directive(p, line, w, r) : 1;
        hr_free(copy);
        if (error <= 0)
            return error;
    }
    strip_comment(s);
    word = hr_parse_next_word(&rest);
    if (p->eof_line && (strcmp(word, "pause") == 0 || strcmp(word, "eof") == 0))
        return hr_parse_error(p, line, "steps after 'eof' (line %d)",
                              p->eof_line);
    if (strcmp(word, "name") == 0) {
        if ((error = one_word(p, line, word, rest)) < 0 ||
            (error = set_once(p, line, &c->name_line, &c->name, word, rest)))
            return error;
        if (!valid_name(rest, "._-"))
            return hr_parse_error(p, line,
                                  "'%s' is not a valid case name ([a-z0-9] "
                                  "then [a-z0-9._-], at most %d bytes)",
                                  rest, MAX_NAME);
        return 0;
    }
    if (strcmp(word, "kind") == 0) {
        /* The value was checked before the first line was parsed. */
        if (p->kind_line && p->kind_line != line)
            return hr_parse_error(p, line,
                                  "'kind' is given twice (first on line %d)",
                                  p->kind_line);
        return 0;
    }
    if (strcmp(word, "about") == 0)
        return set_once(p, line, &p->about_line, &c->about, word, rest);
    if (strcmp(word, "mark") == 0) {
        char *m;

        if (*rest == 0)
            return hr_parse_error(p, line,
                                  "'mark' needs a flag (incomplete, "
                                  "synthetic-data)");
        while ((m = hr_parse_next_word(&rest)) != NULL) {
            if (!in_list(mark_allow, m))
                return hr_parse_error(
                    p, line, "unknown mark '%s' (incomplete, synthetic-data)",
                    m);
            if (hr_strv_find(&c->marks, m) >= 0)
                return hr_parse_error(p, line, "mark '%s' is given twice", m);
            hr_strv_add(&c->marks, m);
        }
        return 0;
    }
    if (c->kind == HR_CASE_FUNC &&
        (strcmp(word, "config") == 0 || strcmp(word, "map") == 0 ||
         strcmp(word, "table") == 0 || strcmp(word, "sink") == 0))
        return hr_parse_error(p, line, "'%s' is not for a func case: it "
                              "starts no instance", word);
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
            return hr_parse_error(
                p, line,
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
            return hr_parse_error(p, line, "'eof' takes no arguments");
        return hr_steps_marker(p, line, 0, 1);
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
            return hr_parse_error(p, line, "unknown mode '%s' (bv or v)", rest);
        return 0;
    }
    if (strcmp(word, "sender") == 0) {
        if ((error = kind_only(p, line, "'sender'", HR_CASE_PROBE)) < 0 ||
            (error = one_word(p, line, word, rest)) < 0)
            return error;
        if (strcmp(rest, "<>") != 0 && *rest && !hr_config_valid_address(rest))
            return hr_parse_error(p, line,
                                  "sender '%s' is not an address a case may "
                                  "use (see cases/README.md)",
                                  rest);
        return set_once(p, line, &p->sender_line, &c->sender, word, rest);
    }
    if (strcmp(word, "rcpt") == 0) {
        char *r;

        if ((error = kind_only(p, line, "'rcpt'", HR_CASE_PROBE)) < 0)
            return error;
        if (*rest == 0)
            return hr_parse_error(p, line, "'rcpt' needs an address");
        while ((r = hr_parse_next_word(&rest)) != NULL) {
            if (!hr_config_valid_address(r) && !hr_config_unchecked())
                return hr_parse_error(p, line,
                                      "recipient '%s' is not an address a "
                                      "case may use (see cases/README.md)",
                                      r);
            if (hr_strv_find(&c->rcpts, r) >= 0)
                return hr_parse_error(p, line, "recipient '%s' is given twice",
                                      r);
            hr_strv_add(&c->rcpts, r);
        }
        return 0;
    }
    if (strcmp(word, "expect") == 0) {
        if ((error = kind_only(p, line, "'expect'", HR_CASE_PROBE)) < 0)
            return error;
        return parse_expect(p, line, rest);
    }
    return hr_parse_error(p, line, "unknown directive '%s'", word);
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
        return hr_parse_error(p, line, "'%c' must be followed by a space",
                              marker);
    text = s[1] ? s + 2 : s + 1;
    snprintf(what, sizeof(what), "'%c'", marker);
    if (c->kind == HR_CASE_FUNC)
        return hr_parse_error(p, line, "%s: a func case has no session "
                              "steps", what);
    if (marker == '|' && c->kind == HR_CASE_PROBE) {
        hr_buf_puts(&c->body, text);
        hr_buf_putc(&c->body, '\n');
        return 0;
    }
    if ((error = kind_only(p, line, what, HR_CASE_SMTP)) < 0)
        return error;
    if (p->eof_line)
        return hr_parse_error(p, line, "steps after 'eof' (line %d)",
                              p->eof_line);
    switch (marker) {
    case '<':
        return hr_steps_reply(p, line, text);
    case '|':
        return hr_steps_content(p, line, text);
    default:
        return hr_steps_send(p, line, marker, text);
    }
}

/* parse_line - one line, without its newline */
static int parse_line(struct parser *p, int line, char *s)
{
    if (*s == ' ' || *s == '\t') {
        char *t = s + strspn(s, " \t");

        if (*t == 0 || *t == '#')
            return 0;
        return hr_parse_error(p, line,
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
        return hr_parse_error(p, line, "line is longer than %d bytes",
                              MAX_LINE);
    if (memchr(s, 0, len))
        return hr_parse_error(p, line, "NUL byte in the file");
    if (memchr(s, '\r', len))
        return hr_parse_error(p, line,
                              "carriage return in the file (case files "
                              "have LF line ends; write \\r in a '~' step)");
    if (!hr_utf8_valid(s, len))
        return hr_parse_error(p, line, "the line is not valid UTF-8");
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
                error = hr_parse_error(p, line + 1,
                                       "'kind' needs a value (smtp, probe "
                                       "or func)");
            else if (strcmp(w, "smtp") == 0)
                p->c->kind = HR_CASE_SMTP;
            else if (strcmp(w, "probe") == 0)
                p->c->kind = HR_CASE_PROBE;
            else if (strcmp(w, "func") == 0)
                p->c->kind = HR_CASE_FUNC;
            else
                error = hr_parse_error(p, line + 1,
                                       "unknown kind '%s' (smtp, probe or "
                                       "func)", w);
            hr_free(v);
            if (error < 0)
                return error;
        }
        pos += n + 1;
    }
    p->lastline = line ? line : 1;
    if (p->kind_line == 0)
        return hr_parse_error(p, 1, "missing 'kind' (smtp, probe or func)");
    return 0;
}

/* check_table_role - every value of a named table, as param reads it */
static int check_table_role(struct parser *p, const hr_case_table *t,
                            const char *param)
{
    hr_config_role role = hr_config_role_of(param);
    int error = 0;

    for (size_t i = 0; i < t->entries.n && error == 0; i++) {
        char *why =
            hr_config_check_entry(role, strchr(t->entries.v[i], ' ') + 1);

        if (why != NULL)
            error = hr_parse_reason(p, t->entry_lines[i], why);
    }
    return error;
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

        char *why = hr_config_check_value(param, v, &refs);

        if (why != NULL)
            error = hr_parse_reason(p, p->config_lines[i], why);
        for (size_t r = first; r < refs.n && error == 0; r++) {
            long t = find_table(c, refs.v[r], 0);

            if (t < 0)
                error = hr_parse_error(p, p->config_lines[i],
                                       "table '%s' is not defined in this case",
                                       refs.v[r]);
            else
                error = check_table_role(p, &c->tables[t], param);
        }
        if (error == 0 && find_table(c, param, 1) >= 0)
            error = hr_parse_error(
                p, p->config_lines[i],
                "'%s' is set by both 'config' and 'map' (line %d)", param,
                c->tables[find_table(c, param, 1)].line);
        hr_free(param);
    }
    for (size_t i = 0; i < c->ntables && error == 0; i++)
        if (!c->tables[i].is_param &&
            hr_strv_find(&refs, c->tables[i].name) < 0)
            error = hr_parse_error(p, c->tables[i].line,
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
        return hr_parse_error(p, 1, "missing 'name'");
    if ((error = finish_tables(p)) < 0)
        return error;
    if (c->kind == HR_CASE_SMTP) {
        if ((error = hr_steps_finish(p)) < 0)
            return error;
        if (c->nxs == 0)
            return hr_parse_error(
                p, p->lastline,
                "an smtp case needs a session: the "
                "server's greeting ('<' lines) and the steps after "
                "it");
        if (c->client == NULL)
            c->client = hr_strdup("127.0.0.1");
        return 0;
    }
    if (c->kind == HR_CASE_FUNC)
        return hr_func_finish(p);
    if (c->mode == 0)
        return hr_parse_error(p, 1, "missing 'mode' (bv or v)");
    if (c->sender == NULL)
        return hr_parse_error(p, 1, "missing 'sender'");
    if (c->rcpts.n == 0)
        return hr_parse_error(p, 1, "a probe case needs at least one 'rcpt'");
    if (c->nexpects == 0)
        return hr_parse_error(p, 1, "a probe case needs at least one 'expect'");
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
    hr_steps_reset(&p.pe);
    hr_free(p.config_lines);
    if (error < 0) {
        hr_case_free(c);
        return error;
    }
    *out = c;
    return 0;
}

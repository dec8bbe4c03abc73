/*
 * NAME
 *	run/ptlist 3
 * SUMMARY
 *	which of Postfix's own tests a tree has, and which are not run
 * SYNOPSIS
 *	#include "run/ptlist.h"
 *
 *	int	hr_ptlist_read(tests, root_tests, tree)
 *	int	hr_ptlist_parse_makefile(tests, root_tests, dir, text, path)
 *	int	hr_ptskips_load(out, path, version)
 *	int	hr_ptskips_parse(out, text, path, version)
 *	const char *hr_ptskips_reason(s, test)
 *	int	hr_ptlist_valid_test(s)
 *	int	hr_ptlist_valid_reason(s)
 *	void	hr_ptskips_release(s)
 * DESCRIPTION
 *	Postfix's "make tests" walks each src/DIR/Makefile and makes each
 *	directory's "tests" target. That target names the directory's
 *	tests, directly or through aggregates ("milter_tests"). Run one by
 *	one, each test is a result of its own.
 *
 *	hr_ptlist_read() lists the tests of a built Postfix tree (the
 *	directory that holds src/), as "DIR/TARGET", directories sorted and
 *	each directory's tests in Makefile order. root_tests gets those of
 *	the "root_tests" targets, which need root and the host's Postfix.
 *	hr_ptlist_parse_makefile() does it for one Makefile's text.
 *
 *	A Makefile line "NAMES: DEPS" is a rule (backslash-newline joins
 *	lines first; a line that starts with a tab belongs to the rule
 *	above it). From "tests", a rule with a recipe of its own is a test;
 *	a rule without one is an aggregate, and its dependencies that are
 *	rules are expanded in turn. Dependencies that are files, "all" and
 *	"update" (which install the programs) are not tests. Names must
 *	match [A-Za-z0-9_+][A-Za-z0-9_.+-]*; others are not rules here.
 *
 *	A skip file says which tests are not run, and why:
 *
 *	    # comment
 *	    TEST [since=VERSION] [before=VERSION] REASON
 *
 *	TEST is DIR/TARGET, or DIR/ followed by '*' for a whole directory.
 *	since and before bound the Postfix versions the entry applies to.
 *	REASON is printable UTF-8 text, at most 300 bytes. Each TEST once.
 *	hr_ptskips_parse() keeps the entries that apply to version (NULL:
 *	all); hr_ptskips_reason() is the reason for a test, or NULL.
 *
 *	hr_ptlist_valid_test() says whether s is DIR/TARGET as this
 *	module makes them; hr_ptlist_valid_reason() whether s is a reason
 *	as a skip file may give one. Readers of report.json use them.
 * DIAGNOSTICS
 *	A malformed skip file is HR_EINPUT with "path:line: message".
 *	Makefiles are not judged: what is not a rule is ignored.
 * SEE ALSO
 *	cases/postfix-tests.skip, ptests(3).
 */
#include <string.h>
#include <sys/stat.h>

#include "run/ptlist.h"
#include "util/buf.h"
#include "util/fsutil.h"
#include "util/mem.h"
#include "util/msg.h"
#include "util/utf8.h"
#include "util/version.h"

#define MAX_MAKEFILE (1 << 20)
#define MAX_SKIPFILE (256 << 10)
#define MAX_REASON 300
#define MAX_DEPTH 16

#define NAME_FIRST "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_+"
#define NAME_CHARS NAME_FIRST ".-"
#define DIR_CHARS "abcdefghijklmnopqrstuvwxyz0123456789_-"

struct rule {
    char *name;
    hr_strv deps;
    int recipe;
};

struct makefile {
    struct rule *rules;
    size_t n, cap;
};

/* valid_name - a target name as this module accepts it */
static int valid_name(const char *s, size_t len)
{
    if (len == 0 || len > 128 || strchr(NAME_FIRST, s[0]) == NULL)
        return 0;
    for (size_t i = 0; i < len; i++)
        if (s[i] == 0 || strchr(NAME_CHARS, s[i]) == NULL)
            return 0;
    return 1;
}

/* valid_dir - a directory name under src/ */
static int valid_dir(const char *s)
{
    size_t len = strlen(s);

    return len > 0 && len <= 64 && strspn(s, DIR_CHARS) == len &&
           s[0] != '-';
}

/* find_rule - a rule by name, or NULL */
static struct rule *find_rule(struct makefile *m, const char *name)
{
    for (size_t i = 0; i < m->n; i++)
        if (strcmp(m->rules[i].name, name) == 0)
            return &m->rules[i];
    return NULL;
}

/* add_rule - a rule of that name; a name seen before keeps its place and
 * gets the new dependencies too (make's semantics) */
static struct rule *add_rule(struct makefile *m, const char *name, size_t len)
{
    char *copy = hr_strndup(name, len);
    struct rule *r = find_rule(m, copy);

    if (r) {
        hr_free(copy);
        return r;
    }
    if (m->n == m->cap) {
        m->cap = m->cap ? 2 * m->cap : 64;
        m->rules = hr_realloc(m->rules, m->cap * sizeof(struct rule));
    }
    r = &m->rules[m->n++];
    memset(r, 0, sizeof(*r));
    r->name = copy;
    return r;
}

static void makefile_release(struct makefile *m)
{
    for (size_t i = 0; i < m->n; i++) {
        hr_free(m->rules[i].name);
        hr_strv_release(&m->rules[i].deps);
    }
    hr_free(m->rules);
}

/* parse_rule_line - "NAMES: DEPS", or 0 when the line is no rule; the
 * rules it names are put in cur (at most 8) */
static size_t parse_rule_line(struct makefile *m, const char *line,
                              struct rule **cur)
{
    const char *colon = strchr(line, ':');
    const char *p = line;
    size_t ncur = 0;
    hr_strv deps = HR_STRV_INIT;

    if (colon == NULL || colon[1] == '=' || colon[1] == ':')
        return 0;
    /* The left side: names and blanks only (an assignment has '='). */
    for (const char *q = line; q < colon; q++)
        if (*q != ' ' && *q != '\t' && strchr(NAME_CHARS, *q) == NULL)
            return 0;
    hr_strv_split(&deps, colon + 1, " \t");
    while (p < colon) {
        size_t len;

        p += strspn(p, " \t");
        len = strcspn(p, " \t:");
        if (len == 0)
            break;
        if (valid_name(p, len) && ncur < 8) {
            struct rule *r = add_rule(m, p, len);

            for (size_t i = 0; i < deps.n; i++)
                if (valid_name(deps.v[i], strlen(deps.v[i])))
                    hr_strv_add(&r->deps, deps.v[i]);
            cur[ncur++] = r;
        }
        p += len;
    }
    hr_strv_release(&deps);
    return ncur;
}

/* read_rules - the rules of a Makefile's text */
static void read_rules(struct makefile *m, const char *text)
{
    hr_buf logical = HR_BUF_INIT;
    struct rule *cur[8];
    size_t ncur = 0;
    const char *p = text;

    while (*p) {
        const char *eol = strchr(p, '\n');
        size_t len = eol ? (size_t)(eol - p) : strlen(p);
        const char *line;

        /* Join backslash-newline continuations. */
        hr_buf_clear(&logical);
        for (;;) {
            int cont = len > 0 && p[len - 1] == '\\';

            hr_buf_put(&logical, p, cont ? len - 1 : len);
            p += len + (eol != NULL);
            if (!cont || eol == NULL || *p == 0)
                break;
            hr_buf_putc(&logical, ' ');
            eol = strchr(p, '\n');
            len = eol ? (size_t)(eol - p) : strlen(p);
        }
        line = hr_buf_cstr(&logical);
        if (line[0] == '\t') {
            for (size_t i = 0; i < ncur; i++)
                if (line[strspn(line, " \t")] != 0)
                    cur[i]->recipe = 1;
            continue;
        }
        if (line[0] == '#' || line[strspn(line, " \t")] == 0)
            continue;
        ncur = parse_rule_line(m, line, cur);
    }
    hr_buf_release(&logical);
}

/* expand - the tests under target, in order, once each */
static void expand(struct makefile *m, const char *target, hr_strv *out,
                   hr_strv *seen, int depth)
{
    struct rule *r = find_rule(m, target);

    if (r == NULL || depth > MAX_DEPTH)
        return;
    for (size_t i = 0; i < r->deps.n; i++) {
        const char *d = r->deps.v[i];
        struct rule *dr = find_rule(m, d);

        if (dr == NULL || strcmp(d, "all") == 0 || strcmp(d, "update") == 0 ||
            hr_strv_find(seen, d) >= 0)
            continue;
        hr_strv_add(seen, d);
        if (dr->recipe)
            hr_strv_add(out, d);
        else
            expand(m, d, out, seen, depth + 1);
    }
}

/* hr_ptlist_parse_makefile - the tests of one directory's Makefile */
int hr_ptlist_parse_makefile(hr_strv *tests, hr_strv *root_tests,
                             const char *dir, const char *text,
                             const char *path)
{
    struct makefile m = {NULL, 0, 0};
    hr_strv found = HR_STRV_INIT, seen = HR_STRV_INIT;

    if (!valid_dir(dir))
        return hr_error_set(HR_EINPUT, "%s: '%s' is not a directory name "
                            "of Postfix's src/", path, dir);
    read_rules(&m, text);
    expand(&m, "tests", &found, &seen, 0);
    for (size_t i = 0; i < found.n; i++)
        hr_strv_addf(tests, "%s/%s", dir, found.v[i]);
    hr_strv_release(&found);
    hr_strv_release(&seen);
    if (root_tests) {
        expand(&m, "root_tests", &found, &seen, 0);
        for (size_t i = 0; i < found.n; i++)
            hr_strv_addf(root_tests, "%s/%s", dir, found.v[i]);
    }
    hr_strv_release(&found);
    hr_strv_release(&seen);
    makefile_release(&m);
    return 0;
}

/* hr_ptlist_read - the tests of a built tree */
int hr_ptlist_read(hr_strv *tests, hr_strv *root_tests, const char *tree)
{
    char *src = hr_path_join(tree, "src");
    hr_strv dirs = HR_STRV_INIT;
    int error;

    if ((error = hr_dir_list(&dirs, src)) < 0)
        goto done;
    for (size_t i = 0; i < dirs.n && error == 0; i++) {
        char *mk = hr_sprintf("%s/%s/Makefile", src, dirs.v[i]);
        hr_buf text = HR_BUF_INIT;
        struct stat st;

        /* Program directories only: a plain Makefile, a plain name. */
        if (valid_dir(dirs.v[i]) && lstat(mk, &st) == 0 &&
            S_ISREG(st.st_mode) &&
            (error = hr_file_read(&text, mk, MAX_MAKEFILE)) == 0)
            error = hr_ptlist_parse_makefile(tests, root_tests, dirs.v[i],
                                             hr_buf_cstr(&text), mk);
        hr_buf_release(&text);
        hr_free(mk);
    }
done:
    hr_strv_release(&dirs);
    hr_free(src);
    return error;
}

/* valid_pattern - DIR/TARGET or DIR/ followed by a star */
static int valid_pattern(const char *s)
{
    const char *slash = strchr(s, '/');
    char *dir;
    int ok;

    if (slash == NULL)
        return 0;
    dir = hr_strndup(s, (size_t)(slash - s));
    ok = valid_dir(dir) &&
         (strcmp(slash + 1, "*") == 0 ||
          valid_name(slash + 1, strlen(slash + 1)));
    hr_free(dir);
    return ok;
}

/* hr_ptlist_valid_test - DIR/TARGET */
int hr_ptlist_valid_test(const char *s)
{
    return valid_pattern(s) && strchr(s, '*') == NULL;
}

/* hr_ptlist_valid_reason - printable UTF-8 text, not too long */
int hr_ptlist_valid_reason(const char *s)
{
    size_t len = strlen(s);

    if (len == 0 || len > MAX_REASON || !hr_utf8_valid(s, len))
        return 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if (*p < 0x20 || *p == 0x7f)
            return 0;
    return 1;
}

/* bound - "since=V" or "before=V": 1 and *v set, 0 when the word is
 * neither, negative for a malformed version */
static int bound(const char *word, const char *key, hr_version *v,
                 int *seen)
{
    size_t klen = strlen(key);

    if (strncmp(word, key, klen) != 0 || word[klen] != '=')
        return 0;
    if (*seen || hr_version_parse(v, word + klen + 1) < 0)
        return -1;
    *seen = 1;
    return 1;
}

/* hr_ptskips_parse - the entries of a skip file that apply to version */
int hr_ptskips_parse(hr_ptskips *out, const char *text, const char *path,
                     const char *version)
{
    hr_strv lines = HR_STRV_INIT, all = HR_STRV_INIT;
    hr_version have;
    int has_version = version && hr_version_parse(&have, version) == 0;
    int error = 0;

    if (!hr_utf8_valid(text, strlen(text)))
        return hr_error_set(HR_EINPUT, "%s: not UTF-8 text", path);
    /* Line numbers count empty lines: split keeps them. */
    for (const char *p = text; *p;) {
        size_t len = strcspn(p, "\n");

        hr_strv_add_owned(&lines, hr_strndup(p, len));
        p += len + (p[len] == '\n');
    }
    for (size_t i = 0; i < lines.n && error == 0; i++) {
        char *line = lines.v[i], *rest, *word;
        hr_version since, before;
        int has_since = 0, has_before = 0, applies = 1;

        line += strspn(line, " \t");
        if (*line == 0 || *line == '#')
            continue;
        word = line;
        rest = word + strcspn(word, " \t");
        if (*rest == 0) {
            error = hr_error_set(HR_EINPUT, "%s:%zu: a test without a "
                                 "reason", path, i + 1);
            break;
        }
        *rest++ = 0;
        if (!valid_pattern(word)) {
            error = hr_error_set(HR_EINPUT, "%s:%zu: '%s' is not DIR/TARGET "
                                 "or DIR/*", path, i + 1, word);
            break;
        }
        if (hr_strv_find(&all, word) >= 0) {
            error = hr_error_set(HR_EINPUT, "%s:%zu: '%s' is listed twice",
                                 path, i + 1, word);
            break;
        }
        hr_strv_add(&all, word);
        /* since= and before=, then the reason */
        for (;;) {
            char *next, saved;
            int r1, r2;

            rest += strspn(rest, " \t");
            next = rest + strcspn(rest, " \t");
            saved = *next;
            *next = 0;
            r1 = bound(rest, "since", &since, &has_since);
            r2 = r1 == 0 ? bound(rest, "before", &before, &has_before) : 0;
            *next = saved;
            if (r1 < 0 || r2 < 0) {
                error = hr_error_set(HR_EINPUT, "%s:%zu: a bad or repeated "
                                     "since=/before= (a version such as "
                                     "3.8 or 3.7.11)", path, i + 1);
                break;
            }
            if (r1 == 0 && r2 == 0)
                break;
            rest = next;
        }
        if (error < 0)
            break;
        for (size_t end = strlen(rest); end > 0 &&
             (rest[end - 1] == ' ' || rest[end - 1] == '\t'); end--)
            rest[end - 1] = 0;
        if (!hr_ptlist_valid_reason(rest)) {
            error = hr_error_set(HR_EINPUT, "%s:%zu: the reason must be "
                                 "printable text of 1 to %d bytes", path,
                                 i + 1, MAX_REASON);
            break;
        }
        if (has_version) {
            if (has_since && hr_version_cmp(&have, &since) < 0)
                applies = 0;
            if (has_before && hr_version_cmp(&have, &before) >= 0)
                applies = 0;
        }
        if (applies) {
            hr_strv_add(&out->pattern, word);
            hr_strv_add(&out->reason, rest);
        }
    }
    hr_strv_release(&lines);
    hr_strv_release(&all);
    return error;
}

/* hr_ptskips_load - a skip file; one that does not exist skips nothing */
int hr_ptskips_load(hr_ptskips *out, const char *path, const char *version)
{
    hr_buf text = HR_BUF_INIT;
    int error = hr_file_read(&text, path, MAX_SKIPFILE);

    if (error == HR_ENOTFOUND)
        error = 0;
    else if (error == 0)
        error = hr_ptskips_parse(out, hr_buf_cstr(&text), path, version);
    hr_buf_release(&text);
    return error;
}

/* hr_ptskips_reason - why a test is not run, or NULL */
const char *hr_ptskips_reason(const hr_ptskips *s, const char *test)
{
    const char *slash = strchr(test, '/');

    for (size_t i = 0; i < s->pattern.n; i++) {
        const char *p = s->pattern.v[i];
        size_t plen = strlen(p);

        if (strcmp(p, test) == 0)
            return s->reason.v[i];
        if (slash && plen >= 2 && strcmp(p + plen - 2, "/*") == 0 &&
            (size_t)(slash - test) == plen - 2 &&
            strncmp(p, test, plen - 2) == 0)
            return s->reason.v[i];
    }
    return NULL;
}

void hr_ptskips_release(hr_ptskips *s)
{
    hr_strv_release(&s->pattern);
    hr_strv_release(&s->reason);
}

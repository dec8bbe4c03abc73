/*
 * NAME
 *	build/buildspec 3
 * SUMMARY
 *	build variants as data
 * SYNOPSIS
 *	#include "build/buildspec.h"
 *
 *	int	hr_buildspec_load(out, dir, name)
 *	int	hr_buildspec_parse(out, path, text, include_dir)
 *	void	hr_buildspec_free(s)
 *	int	hr_buildspec_list(out, dir)
 *	char	*hr_buildspec_flags(s)
 * DESCRIPTION
 *	A variant is a file builds/NAME.build with one "key value" per
 *	line; '#' starts a comment. builds/README.md documents the keys.
 *	"include FILE" reads another file from the same directory (such
 *	as the Debian feature set shared by all variants).
 *
 *	hr_buildspec_load() accepts NAME@LABEL too: a replica, the same
 *	variant built again in a separate build directory.
 *
 *	hr_buildspec_flags() renders the settings that reach the compiler
 *	as one line, for reports.
 * DIAGNOSTICS
 *	Malformed specs give HR_EINPUT with "file:line: message". An
 *	unknown variant gives HR_EINPUT naming the known ones.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "build/buildspec.h"
#include "util/buf.h"
#include "util/fsutil.h"
#include "util/mem.h"
#include "util/msg.h"

#define MAX_INCLUDE_DEPTH 4
#define SPEC_SUFFIX ".build"

/* Variables of "make makefiles" that "makevar" may set. */
static const char *const makevar_ok[] = {
    "AUXLIBS_CDB", "AUXLIBS_LDAP", "AUXLIBS_LMDB", "AUXLIBS_MYSQL",
    "AUXLIBS_PCRE", "AUXLIBS_PGSQL", "AUXLIBS_SQLITE", "SHLIB_CFLAGS",
    "SHLIB_RPATH", "SYSLIBS", "WARN", NULL,
};

/* valid_name - variant names are file names, never paths */
static int valid_name(const char *s)
{
    if (*s == 0 || *s == '.' || strlen(s) > 64)
        return 0;
    for (; *s; s++)
        if (!isalnum((unsigned char)*s) && *s != '-' && *s != '_' && *s != '.')
            return 0;
    return 1;
}

/* spec_err - "file:line: message" */
static int spec_err(const char *path, int line, const char *fmt,
                    const char *arg)
{
    char msg[512];

    snprintf(msg, sizeof(msg), fmt, arg);
    return hr_error_set(HR_EINPUT, "%s:%d: %s", path, line, msg);
}

/* append - add words to a space-separated list */
static void append(char **field, const char *value)
{
    char *old = *field;

    *field = old && *old ? hr_sprintf("%s %s", old, value) : hr_strdup(value);
    hr_free(old);
}

/* yes_no - parse a boolean */
static int yes_no(int *out, const char *v)
{
    if (strcmp(v, "yes") == 0)
        *out = 1;
    else if (strcmp(v, "no") == 0)
        *out = 0;
    else
        return -1;
    return 0;
}

/* set_once - single-valued keys may not repeat */
static int set_once(char **field, int *seen, const char *v, const char *path,
                    int line, const char *key)
{
    if (*seen)
        return spec_err(path, line, "'%s' is given twice", key);
    *seen = 1;
    hr_free(*field);
    *field = hr_strdup(v);
    return 0;
}

struct seen {
    int about, cc, opt, debug, shared, dynamicmaps, pie, sanitizer, ub_check;
    int prebuilt;
    char *dynamicmaps_at;       /* "file:line" of dynamicmaps, for finish() */
    char *compile_at;           /* "file:line: 'key'" of the first compile
                                 * setting, which a prebuilt variant refuses */
};

static int parse_text(hr_buildspec *s, struct seen *seen, const char *path,
                      const char *text, const char *include_dir, int depth);

/* parse_include - read an included file */
static int parse_include(hr_buildspec *s, struct seen *seen, const char *path,
                         int line, const char *name, const char *include_dir,
                         int depth)
{
    hr_buf b = HR_BUF_INIT;
    char *ipath;
    int error;

    if (depth >= MAX_INCLUDE_DEPTH)
        return spec_err(path, line, "includes nest deeper than %s", "4");
    if (!valid_name(name))
        return spec_err(path, line, "include '%s' is not a file name in the "
                        "builds directory", name);
    ipath = hr_path_join(include_dir, name);
    if (hr_file_read(&b, ipath, 1 << 20) < 0)
        error = spec_err(path, line, "cannot read include '%s'", name);
    else
        error = parse_text(s, seen, ipath, hr_buf_cstr(&b), include_dir,
                           depth + 1);
    hr_buf_release(&b);
    hr_free(ipath);
    return error;
}

/* make_safe - a value that reaches a make command line: words of
 * letters, digits and - _ . , = + / : @ %, and blanks between them */
static int make_safe(const char *v)
{
    static const char ok[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTU"
                             "VWXYZ0123456789-_.,=+/:@% \t";

    return strspn(v, ok) == strlen(v);
}

/* parse_line - one "key value" line */
static int parse_line(hr_buildspec *s, struct seen *seen, const char *path,
                      int line, const char *key, const char *v,
                      const char *include_dir, int depth)
{
    int b;

    if (strcmp(key, "about") == 0)
        return set_once(&s->about, &seen->about, v, path, line, key);
    /* A spec is code (builds/README.md); still, a value that could only
     * be a shell construct is a mistake, or worse. */
    if (strcmp(key, "include") != 0 && !make_safe(v))
        return hr_error_set(HR_EINPUT,
                            "%s:%d: '%s' value '%s' holds a shell "
                            "metacharacter (allowed: letters, digits, blanks "
                            "and - _ . , = + / : @ %%)",
                            path, line, key, v);
    if (seen->compile_at == NULL &&
        (strcmp(key, "cc") == 0 || strcmp(key, "opt") == 0 ||
         strcmp(key, "debug") == 0 || strcmp(key, "ccargs") == 0 ||
         strcmp(key, "auxlibs") == 0 || strcmp(key, "makevar") == 0 ||
         strcmp(key, "shared") == 0 || strcmp(key, "dynamicmaps") == 0 ||
         strcmp(key, "pie") == 0 || strcmp(key, "sanitizer") == 0))
        seen->compile_at = hr_sprintf("%s:%d: '%s'", path, line, key);
    if (strcmp(key, "prebuilt") == 0) {
        if (strcmp(v, "debian") != 0)
            return spec_err(path, line, "prebuilt '%s' is not debian (the "
                            "distribution's binary packages)", v);
        return set_once(&s->prebuilt, &seen->prebuilt, v, path, line, key);
    }
    if (strcmp(key, "cc") == 0) {
        if (*v == 0)
            return spec_err(path, line, "'%s' needs a compiler", key);
        return set_once(&s->cc, &seen->cc, v, path, line, key);
    }
    if (strcmp(key, "opt") == 0) {
        s->opt_set = 1;
        return set_once(&s->opt, &seen->opt, v, path, line, key);
    }
    if (strcmp(key, "debug") == 0) {
        s->debug_set = 1;
        return set_once(&s->debug, &seen->debug, v, path, line, key);
    }
    if (strcmp(key, "ccargs") == 0) {
        append(&s->ccargs, v);
        return 0;
    }
    if (strcmp(key, "auxlibs") == 0) {
        append(&s->auxlibs, v);
        return 0;
    }
    if (strcmp(key, "makevar") == 0) {
        size_t n = strcspn(v, " \t");
        char *name = hr_strndup(v, n);
        const char *val = v + n + strspn(v + n, " \t");
        int ok = 0;

        for (const char *const *m = makevar_ok; *m; m++)
            ok |= strcmp(*m, name) == 0;
        if (!ok) {
            int err = spec_err(path, line, "makevar '%s' is not a make "
                               "makefiles variable that a spec may set", name);

            hr_free(name);
            return err;
        }
        hr_strv_addf(&s->makevars, "%s=%s", name, val);
        hr_free(name);
        return 0;
    }
    if (strcmp(key, "shared") == 0 || strcmp(key, "dynamicmaps") == 0 ||
        strcmp(key, "pie") == 0 || strcmp(key, "ub-check") == 0) {
        int *field = key[0] == 's' ? &s->shared
                     : key[0] == 'd' ? &s->dynamicmaps
                     : key[0] == 'p' ? &s->pie
                                     : &s->ub_check;
        int *once = key[0] == 's' ? &seen->shared
                    : key[0] == 'd' ? &seen->dynamicmaps
                    : key[0] == 'p' ? &seen->pie
                                    : &seen->ub_check;

        if (*once)
            return spec_err(path, line, "'%s' is given twice", key);
        *once = 1;
        if (yes_no(&b, v) < 0)
            return spec_err(path, line, "'%s' must be yes or no", key);
        *field = b;
        if (field == &s->dynamicmaps)
            seen->dynamicmaps_at = hr_sprintf("%s:%d", path, line);
        return 0;
    }
    if (strcmp(key, "sanitizer") == 0) {
        if (strcmp(v, "ubsan") && strcmp(v, "asan"))
            return spec_err(path, line, "sanitizer '%s' is not ubsan or asan",
                            v);
        return set_once(&s->sanitizer, &seen->sanitizer, v, path, line, key);
    }
    if (strcmp(key, "env") == 0) {
        if (strchr(v, '=') == NULL || v[0] == '=' || strpbrk(v, " \t"))
            return spec_err(path, line, "env '%s' is not NAME=VALUE", v);
        hr_strv_add(&s->env, v);
        return 0;
    }
    if (strcmp(key, "include") == 0)
        return parse_include(s, seen, path, line, v, include_dir, depth);
    return spec_err(path, line, "unknown key '%s'", key);
}

/* parse_text - all lines of one file */
static int parse_text(hr_buildspec *s, struct seen *seen, const char *path,
                      const char *text, const char *include_dir, int depth)
{
    const char *p = text;
    int line = 0;
    int error = 0;

    while (*p && error == 0) {
        size_t len = strcspn(p, "\n");
        char *l = hr_strndup(p, len);
        char *hash = strchr(l, '#');
        char *key, *v, *end;

        line++;
        p += len + (p[len] == '\n');
        /* Before anything is cut off: a CR in a value or at the end of a
         * CRLF line counts as much as one in the key. */
        if (strchr(l, '\r')) {
            error = spec_err(path, line, "%s", "carriage return in line");
            hr_free(l);
            break;
        }
        if (hash)
            *hash = 0;
        for (end = l + strlen(l); end > l && isspace((unsigned char)end[-1]);)
            *--end = 0;
        key = l + strspn(l, " \t");
        if (*key) {
            v = key + strcspn(key, " \t");
            if (*v)
                *v++ = 0;
            v += strspn(v, " \t");
            error = parse_line(s, seen, path, line, key, v, include_dir,
                               depth);
        }
        hr_free(l);
    }
    return error;
}

/* finish - defaults and consistency checks */
static int finish(hr_buildspec *s, const struct seen *seen)
{
    if (s->ccargs == NULL)
        s->ccargs = hr_strdup("");
    if (s->auxlibs == NULL)
        s->auxlibs = hr_strdup("");
    if (s->about == NULL)
        s->about = hr_strdup("");
    if (s->sanitizer)
        s->ub_check = 1;
    if (s->shared == 0 && s->dynamicmaps)
        return hr_error_set(HR_EINPUT, "%s: dynamicmaps=yes needs "
                            "shared=yes", seen->dynamicmaps_at);
    if (s->prebuilt && seen->compile_at)
        return hr_error_set(HR_EINPUT, "%s is a compile setting; a prebuilt "
                            "variant is not compiled (about, env and "
                            "ub-check only)", seen->compile_at);
    hr_strv_sort(&s->makevars);
    hr_strv_sort(&s->env);
    return 0;
}

/* hr_buildspec_parse - parse spec text; includes come from include_dir */
int hr_buildspec_parse(hr_buildspec **out, const char *path, const char *text,
                       const char *include_dir)
{
    hr_buildspec *s = hr_calloc(1, sizeof(*s));
    struct seen seen;
    const char *base = hr_path_basename(path);
    size_t blen = strlen(base), slen = strlen(SPEC_SUFFIX);
    int error;

    memset(&seen, 0, sizeof(seen));
    s->path = hr_strdup(path);
    if (blen > slen && strcmp(base + blen - slen, SPEC_SUFFIX) == 0)
        s->variant = hr_strndup(base, blen - slen);
    else
        s->variant = hr_strdup(base);
    s->name = hr_strdup(s->variant);
    if ((error = parse_text(s, &seen, path, text, include_dir, 0)) < 0 ||
        (error = finish(s, &seen)) < 0) {
        hr_buildspec_free(s);
        s = NULL;
    }
    hr_free(seen.dynamicmaps_at);
    hr_free(seen.compile_at);
    *out = s;
    return error;
}

/* hr_buildspec_list - variant names in dir, sorted */
int hr_buildspec_list(hr_strv *out, const char *dir)
{
    hr_strv names = HR_STRV_INIT;
    size_t slen = strlen(SPEC_SUFFIX);
    int error;

    if ((error = hr_dir_list(&names, dir)) < 0)
        return error;
    for (size_t i = 0; i < names.n; i++) {
        size_t len = strlen(names.v[i]);

        if (len > slen && strcmp(names.v[i] + len - slen, SPEC_SUFFIX) == 0)
            hr_strv_add_owned(out, hr_strndup(names.v[i], len - slen));
    }
    hr_strv_release(&names);
    return 0;
}

/* hr_buildspec_load - builds/NAME.build, or a replica NAME@LABEL */
int hr_buildspec_load(hr_buildspec **out, const char *dir, const char *name)
{
    hr_buf text = HR_BUF_INIT;
    const char *at = strchr(name, '@');
    char *variant = at ? hr_strndup(name, at - name) : hr_strdup(name);
    char *file = NULL, *path = NULL;
    int error;

    *out = NULL;
    if (!valid_name(variant) || (at && !valid_name(at + 1))) {
        error = hr_error_set(HR_EINPUT, "'%s' is not a variant name (letters, "
                             "digits, '.', '-', '_', and an optional @LABEL)",
                             name);
        goto done;
    }
    file = hr_sprintf("%s%s", variant, SPEC_SUFFIX);
    path = hr_path_join(dir, file);
    if ((error = hr_file_read(&text, path, 1 << 20)) < 0) {
        hr_strv known = HR_STRV_INIT;
        char *list;

        hr_buildspec_list(&known, dir);
        list = hr_strv_join(&known, " ");
        error = hr_error_set(HR_EINPUT, "unknown variant '%s': there is no "
                             "%s (known: %s)", variant, path,
                             *list ? list : "none");
        hr_free(list);
        hr_strv_release(&known);
        goto done;
    }
    if ((error = hr_buildspec_parse(out, path, hr_buf_cstr(&text), dir)) < 0)
        goto done;
    if (at) {
        (*out)->replica = hr_strdup(at + 1);
        hr_free((*out)->name);
        (*out)->name = hr_strdup(name);
    }
done:
    hr_buf_release(&text);
    hr_free(variant);
    hr_free(file);
    hr_free(path);
    return error;
}

/* hr_buildspec_flags - one line with what reaches the compiler */
char *hr_buildspec_flags(const hr_buildspec *s)
{
    hr_buf b = HR_BUF_INIT;

    if (s->prebuilt)
        return hr_sprintf("prebuilt=%s", s->prebuilt);
    hr_buf_printf(&b, "OPT=%s", s->opt_set ? s->opt : "(postfix default)");
    if (s->debug_set)
        hr_buf_printf(&b, " DEBUG=%s", s->debug);
    if (*s->ccargs)
        hr_buf_printf(&b, " CCARGS=%s", s->ccargs);
    if (s->shared)
        hr_buf_puts(&b, " shared=yes");
    if (s->dynamicmaps)
        hr_buf_puts(&b, " dynamicmaps=yes");
    if (s->pie)
        hr_buf_puts(&b, " pie=yes");
    return hr_buf_detach(&b);
}

/* hr_buildspec_free - release; NULL is fine */
void hr_buildspec_free(hr_buildspec *s)
{
    if (s == NULL)
        return;
    hr_free(s->name);
    hr_free(s->variant);
    hr_free(s->replica);
    hr_free(s->path);
    hr_free(s->about);
    hr_free(s->cc);
    hr_free(s->prebuilt);
    hr_free(s->opt);
    hr_free(s->debug);
    hr_free(s->ccargs);
    hr_free(s->auxlibs);
    hr_strv_release(&s->makevars);
    hr_free(s->sanitizer);
    hr_strv_release(&s->env);
    hr_free(s);
}

/*
 * NAME
 *	import/postconf 3
 * SUMMARY
 *	"postconf -n" output as the config lines a case may hold
 * SYNOPSIS
 *	#include "import/postconf.h"
 *
 *	int	hr_postconf_load(config, skipped, path)
 *	int	hr_postconf_parse(config, skipped, path, text, len)
 * DESCRIPTION
 *	Reads main.cf settings in the form "postconf -n" prints them:
 *	"name = value" lines, where a line that starts with white space
 *	continues the one before; blank lines and '#' comments are
 *	skipped. A name given twice keeps its last value, as in main.cf.
 *
 *	Each setting that a case may hold (the allowlist of config(3), with
 *	its checks of values) is appended to config as "name = value",
 *	in file order. The others are appended to skipped as one line
 *	each, "name = value: why", where why is case(3)'s own message.
 *	The check is hr_case_parse() on a one-setting case, so that
 *	this module and the parser can never disagree.
 * DIAGNOSTICS
 *	HR_EINPUT with "path:line: message" for a line that is not
 *	"name = value"; errors of hr_file_read().
 * SEE ALSO
 *	config(3), cases/README.md "main.cf overrides: the allowlist".
 */
#include <string.h>

#include "case/case.h"
#include "util/fsutil.h"
#include "util/mem.h"
#include "util/msg.h"
#include "import/postconf.h"

#define MAX_FILE (1 << 20)

/* normalize - words joined by one space, as parse.c keeps values */
static char *normalize(const char *value)
{
    hr_strv words = HR_STRV_INIT;
    char *s;

    hr_strv_split(&words, value, " \t");
    s = hr_strv_join(&words, " ");
    hr_strv_release(&words);
    return s;
}

/* check - may a case hold "name = value"; NULL or why not */
static char *check(const char *name, const char *value)
{
    char *text = hr_sprintf("name check\nkind smtp\nconfig %s = %s\n"
                            "< 220 x\n",
                            name, value);
    char *want = hr_sprintf("%s = %s", name, value);
    char *why = NULL;
    hr_case *c = NULL;

    if (strchr(value, '\n') || strchr(value, '\r'))
        why = hr_strdup("the value spans lines");
    else if (hr_case_parse(&c, "check", text, strlen(text)) < 0) {
        const char *msg = hr_error_last();
        const char *p = strstr(msg, ":3: ");

        why = hr_strdup(p ? p + 4 : msg);
    } else if (c->config.n != 1 || strcmp(c->config.v[0], want) != 0)
        why = hr_strdup("a case line cannot hold this value ('#' starts a "
                        "comment there)");
    hr_case_free(c);
    hr_free(text);
    hr_free(want);
    return why;
}

/* set - remember a setting; a later one replaces an earlier one */
static void set(hr_strv *names, hr_strv *values, const char *name,
                const char *value)
{
    int i = hr_strv_find(names, name);

    if (i >= 0) {
        hr_free(values->v[i]);
        values->v[i] = normalize(value);
        return;
    }
    hr_strv_add(names, name);
    hr_strv_add_owned(values, normalize(value));
}

/* hr_postconf_parse - settings from text */
int hr_postconf_parse(hr_strv *config, hr_strv *skipped, const char *path,
                      const char *text, size_t len)
{
    hr_strv names = HR_STRV_INIT, values = HR_STRV_INIT;
    hr_buf value = HR_BUF_INIT;
    char *name = NULL;
    int line = 0, error = 0;

    for (size_t pos = 0; pos < len && error == 0;) {
        const char *nl = memchr(text + pos, '\n', len - pos);
        size_t n = nl ? (size_t)(nl - text - pos) : len - pos;
        char *s = hr_strndup(text + pos, n);
        char *t = s + strspn(s, " \t");

        line++;
        pos += n + 1;
        if (n && s[n - 1] == '\r')
            s[n - 1] = 0;
        if (memchr(text + pos - n - 1, 0, n))
            error = hr_error_set(HR_EINPUT, "%s:%d: NUL byte", path, line);
        else if (*t == 0 || *t == '#')
            ;
        else if (t != s) {
            if (name == NULL)
                error = hr_error_set(HR_EINPUT,
                                     "%s:%d: continuation line "
                                     "without a setting before it",
                                     path, line);
            else {
                hr_buf_putc(&value, ' ');
                hr_buf_puts(&value, t);
            }
        } else {
            char *eq = strchr(s, '=');
            char *e = eq;

            if (name)
                set(&names, &values, name, hr_buf_cstr(&value));
            hr_free(name);
            name = NULL;
            hr_buf_clear(&value);
            while (e && e > s && (e[-1] == ' ' || e[-1] == '\t'))
                e--;
            if (eq == NULL || e == s)
                error = hr_error_set(HR_EINPUT,
                                     "%s:%d: not 'name = value' "
                                     "(the output of 'postconf -n')",
                                     path, line);
            else {
                name = hr_strndup(s, (size_t)(e - s));
                hr_buf_puts(&value, eq + 1);
            }
        }
        hr_free(s);
    }
    if (error == 0 && name)
        set(&names, &values, name, hr_buf_cstr(&value));
    for (size_t i = 0; i < names.n && error == 0; i++) {
        char *why = check(names.v[i], values.v[i]);

        if (why)
            hr_strv_addf(skipped, "%s = %s: %s", names.v[i], values.v[i], why);
        else
            hr_strv_addf(config, "%s = %s", names.v[i], values.v[i]);
        hr_free(why);
    }
    hr_free(name);
    hr_buf_release(&value);
    hr_strv_release(&names);
    hr_strv_release(&values);
    return error;
}

/* hr_postconf_load - settings from a file */
int hr_postconf_load(hr_strv *config, hr_strv *skipped, const char *path)
{
    hr_buf b = HR_BUF_INIT;
    int error;

    if ((error = hr_file_read(&b, path, MAX_FILE)) == 0)
        error =
            hr_postconf_parse(config, skipped, path, hr_buf_cstr(&b), b.len);
    hr_buf_release(&b);
    return error;
}

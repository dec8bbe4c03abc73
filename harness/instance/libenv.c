/*
 * NAME
 *	instance/libenv 3
 * SUMMARY
 *	named library environments
 * SYNOPSIS
 *	#include "instance/libenv.h"
 *
 *	int	hr_libenv_parse(out, spec)
 *	void	hr_libenv_release(e)
 *	void	hr_libenv_paths(ro, env)
 * DESCRIPTION
 *	A library environment is a name and a list of NAME=VALUE settings
 *	that reach every daemon of an instance (through main.cf's
 *	import_environment) and the commands run against it, such as
 *	LD_PRELOAD=/path/shim.so. The plain environment is "plain" with
 *	no settings.
 *
 *	The syntax is NAME[:VAR=VALUE,VAR=VALUE...]. Values may not hold
 *	whitespace or commas, which import_environment cannot carry.
 * DIAGNOSTICS
 *	HR_EINPUT with a message that quotes the bad part.
 */
#include <ctype.h>
#include <string.h>
#include <sys/stat.h>

#include "instance/libenv.h"
#include "util/fsutil.h"
#include "util/mem.h"
#include "util/msg.h"

/* valid_var - an environment variable name */
static int valid_var(const char *s, size_t n)
{
    if (n == 0 || isdigit((unsigned char)s[0]))
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!isalnum((unsigned char)s[i]) && s[i] != '_')
            return 0;
    return 1;
}

/* hr_libenv_parse - NAME[:VAR=VAL,...] */
/* Directories that instances and probes see as empty tmpfs mounts
 * (instance(3)): a file right in one cannot be shown on its own. */
static const char *const covered_dirs[] = {"/root", "/home", "/tmp",
                                           "/var/tmp", "/run", NULL};

int hr_libenv_parse(hr_libenv *out, const char *spec)
{
    size_t nlen = strcspn(spec, ":");
    const char *p;

    memset(out, 0, sizeof(*out));
    if (nlen == 0 || nlen > 32)
        return hr_error_set(HR_EINPUT, "libenv '%s': the name must have 1 "
                            "to 32 characters", spec);
    for (size_t i = 0; i < nlen; i++)
        if (!isalnum((unsigned char)spec[i]) && spec[i] != '-' &&
            spec[i] != '_')
            return hr_error_set(HR_EINPUT, "libenv '%s': the name may hold "
                                "letters, digits, '-' and '_' only", spec);
    out->name = hr_strndup(spec, nlen);
    for (p = spec[nlen] ? spec + nlen + 1 : spec + nlen; *p;) {
        size_t n = strcspn(p, ",");
        const char *eq = memchr(p, '=', n);

        if (eq == NULL || !valid_var(p, (size_t)(eq - p)) ||
            memchr(p, ' ', n) || memchr(p, '\t', n)) {
            int error = hr_error_set(HR_EINPUT, "libenv '%s': '%.*s' is not "
                                     "VAR=VALUE without spaces", spec,
                                     (int)n, p);

            hr_libenv_release(out);
            return error;
        }
        /* A file right in a directory that instances see empty (the
         * mount view covers /tmp and the homes) cannot be shown to them
         * without the rest of that directory. */
        {
            char *value = hr_strndup(eq + 1, (size_t)(p + n - eq - 1));
            hr_strv parts = HR_STRV_INIT;
            const char *bad = NULL;

            hr_strv_split(&parts, value, ":");
            for (size_t k = 0; k < parts.n && bad == NULL; k++) {
                char *dir = parts.v[k][0] == '/'
                                ? hr_path_dirname(parts.v[k])
                                : NULL;

                for (const char *const *c = covered_dirs; dir && *c; c++)
                    if (strcmp(dir, *c) == 0)
                        bad = *c;
                hr_free(dir);
            }
            if (bad) {
                int error = hr_error_set(HR_EINPUT, "libenv '%s': '%s' lies "
                                         "right in %s, which instances see "
                                         "empty; put it in a directory of "
                                         "its own (%s/shim/...)", spec, value,
                                         bad, bad);

                hr_strv_release(&parts);
                hr_free(value);
                hr_libenv_release(out);
                return error;
            }
            hr_strv_release(&parts);
            hr_free(value);
        }
        hr_strv_add_owned(&out->env, hr_strndup(p, n));
        p += n + (p[n] == ',');
    }
    return 0;
}

/* hr_libenv_release - free */
void hr_libenv_release(hr_libenv *e)
{
    hr_free(e->name);
    hr_strv_release(&e->env);
    memset(e, 0, sizeof(*e));
}

/* keep_path - an absolute path that exists: itself if a directory, else
 * its directory */
static void keep_path(hr_strv *ro, const char *path)
{
    struct stat st;

    if (path[0] != '/' || stat(path, &st) < 0)
        return;
    if (S_ISDIR(st.st_mode))
        hr_strv_add(ro, path);
    else
        hr_strv_add_owned(ro, hr_path_dirname(path));
}

/* hr_libenv_paths - the directories a library environment's values name
 * (LD_PRELOAD=/x/shim.so, LD_LIBRARY_PATH=/a:/b), for a mount view to
 * show read-only */
void hr_libenv_paths(hr_strv *ro, const hr_strv *env)
{
    for (size_t i = 0; env && i < env->n; i++) {
        const char *eq = strchr(env->v[i], '=');
        hr_strv parts = HR_STRV_INIT;

        if (eq)
            hr_strv_split(&parts, eq + 1, ": ");
        for (size_t k = 0; k < parts.n; k++)
            keep_path(ro, parts.v[k]);
        hr_strv_release(&parts);
    }
}

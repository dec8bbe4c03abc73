/*
 * NAME
 *	case/overlay 3
 * SUMMARY
 *	version overlays: what a case expects of another Postfix release
 * SYNOPSIS
 *	#include "case/overlay.h"
 *
 *	int	hr_overlay_load_dir(out, count, versions_dir)
 *	void	hr_overlay_free_all(overlays, count)
 *	int	hr_overlay_applies(o, version)
 *	char	*hr_overlay_file(o, case_name, ext)
 *	char	*hr_overlay_label(o)
 * DESCRIPTION
 *	The shipped cases and their goldens say what Postfix 3.7.11 does.
 *	Later releases change some of it on purpose (a new default, a
 *	reworded reply), and say so in their RELEASE_NOTES. An overlay is
 *	a directory under the cases' versions/ directory that holds, for a
 *	range of versions, the case files and goldens that replace the
 *	shipped ones, and the file "overlay" that says why:
 *
 *	    about   smtpd_forbid_bare_newline is normalize by default
 *	    since   3.9
 *	    before  3.11            (optional; the range ends before it)
 *	    cites   RELEASE_NOTES-3.9: Major changes - ... (at least one)
 *
 *	Lines are "key value"; '#' starts a comment on a line of its own;
 *	each key but cites once; since and before are versions (a.b or
 *	a.b.c). The other files are NAME.case and NAME.golden, NAME a case
 *	name; nothing else may be there.
 *
 *	hr_overlay_load_dir() reads every overlay under versions_dir,
 *	sorted by name. hr_overlay_applies() says whether a version is in
 *	an overlay's range (a snapshot a.b-date counts as a.b.0).
 *	hr_overlay_file() is the path of NAME.EXT in an overlay, or NULL
 *	when it has none. hr_overlay_label() is "NAME (since 3.9: cites;
 *	...)" for reports; the caller frees it.
 * DIAGNOSTICS
 *	A malformed overlay is HR_EINPUT with "path:line: message". A
 *	versions_dir that does not exist has no overlays.
 * SEE ALSO
 *	cases/README.md, "Version overlays"; case(3).
 */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "case/overlay.h"
#include "util/buf.h"
#include "util/fsutil.h"
#include "util/mem.h"
#include "util/msg.h"

#define MAX_OVERLAY_FILE (64 << 10)
#define NAME_CHARS "abcdefghijklmnopqrstuvwxyz0123456789._-"

/* hr_overlay_free - release one */
static void overlay_free(hr_overlay *o)
{
    if (o == NULL)
        return;
    hr_free(o->name);
    hr_free(o->dir);
    hr_free(o->about);
    hr_free(o->since_text);
    hr_free(o->before_text);
    hr_strv_release(&o->cites);
    hr_strv_release(&o->files);
    hr_free(o);
}

/* hr_overlay_free_all - release a list */
void hr_overlay_free_all(hr_overlay **v, size_t n)
{
    for (size_t i = 0; v && i < n; i++)
        overlay_free(v[i]);
    hr_free(v);
}

/* set_version - "since" or "before" */
static int set_version(char **text, hr_version *v, const char *path,
                       int line, const char *key, const char *value)
{
    if (*text)
        return hr_error_set(HR_EINPUT, "%s:%d: '%s' given twice", path, line,
                            key);
    if (hr_version_parse(v, value) < 0 || v->snapshot)
        return hr_error_set(HR_EINPUT, "%s:%d: '%s' needs a version such as "
                            "3.9 or 3.10.1, not '%s'", path, line, key,
                            value);
    *text = hr_strdup(value);
    return 0;
}

/* parse_meta - the "overlay" file */
static int parse_meta(hr_overlay *o, const char *path, const char *text)
{
    int line = 0, error = 0;

    for (const char *p = text; *p && error == 0;) {
        size_t len = strcspn(p, "\n");
        char *l = hr_strndup(p, len);
        char *key = l, *value;

        line++;
        p += len + (p[len] == '\n');
        while (len && (l[len - 1] == ' ' || l[len - 1] == '\t'))
            l[--len] = 0;
        if (*l == 0 || *l == '#') {
            hr_free(l);
            continue;
        }
        value = l + strcspn(l, " \t");
        if (*value)
            *value++ = 0;
        value += strspn(value, " \t");
        for (const char *c = value; *c && error == 0; c++)
            if ((unsigned char)*c < 32 && *c != '\t')
                error = hr_error_set(HR_EINPUT, "%s:%d: a control character",
                                     path, line);
        if (error)
            ;
        else if (*value == 0)
            error = hr_error_set(HR_EINPUT, "%s:%d: '%s' needs a value", path,
                                 line, key);
        else if (strcmp(key, "about") == 0) {
            if (o->about)
                error = hr_error_set(HR_EINPUT, "%s:%d: 'about' given twice",
                                     path, line);
            else
                o->about = hr_strdup(value);
        } else if (strcmp(key, "since") == 0) {
            error = set_version(&o->since_text, &o->since, path, line, key,
                                value);
        } else if (strcmp(key, "before") == 0) {
            error = set_version(&o->before_text, &o->before, path, line, key,
                                value);
        } else if (strcmp(key, "cites") == 0) {
            hr_strv_add(&o->cites, value);
        } else {
            error = hr_error_set(HR_EINPUT, "%s:%d: unknown key '%s' (about, "
                                 "since, before, cites)", path, line, key);
        }
        hr_free(l);
    }
    if (error == 0 && o->about == NULL)
        error = hr_error_set(HR_EINPUT, "%s:1: an overlay needs 'about'", path);
    if (error == 0 && o->since_text == NULL && o->before_text == NULL)
        error = hr_error_set(HR_EINPUT, "%s:1: an overlay needs 'since' or "
                             "'before': the versions it applies to", path);
    if (error == 0 && o->cites.n == 0)
        error = hr_error_set(HR_EINPUT, "%s:1: an overlay needs 'cites': the "
                             "RELEASE_NOTES item that explains it", path);
    if (error == 0 && o->since_text && o->before_text &&
        hr_version_cmp(&o->since, &o->before) >= 0)
        error = hr_error_set(HR_EINPUT, "%s:1: 'since %s' is not before "
                             "'before %s'", path, o->since_text,
                             o->before_text);
    return error;
}

/* load_one - an overlay directory */
static int load_one(hr_overlay **out, const char *versions_dir,
                    const char *name)
{
    hr_overlay *o = hr_calloc(1, sizeof(*o));
    hr_strv names = HR_STRV_INIT;
    hr_buf text = HR_BUF_INIT;
    char *meta = NULL;
    int error;

    o->name = hr_strdup(name);
    o->dir = hr_path_join(versions_dir, name);
    meta = hr_path_join(o->dir, "overlay");
    if (strspn(name, NAME_CHARS) != strlen(name) || name[0] == '.') {
        error = hr_error_set(HR_EINPUT, "%s:1: an overlay's name has "
                             "lowercase letters, digits, '.', '_' and '-'",
                             o->dir);
        goto done;
    }
    if (!hr_is_file(meta)) {
        error = hr_error_set(HR_EINPUT, "%s:1: no such file: every overlay "
                             "directory has one", meta);
        goto done;
    }
    if ((error = hr_file_read(&text, meta, MAX_OVERLAY_FILE)) < 0 ||
        (error = parse_meta(o, meta, hr_buf_cstr(&text))) < 0 ||
        (error = hr_dir_list(&names, o->dir)) < 0)
        goto done;
    for (size_t i = 0; i < names.n; i++) {
        const char *f = names.v[i];
        size_t n = strlen(f);
        char *path;
        struct stat st;

        if (strcmp(f, "overlay") == 0)
            continue;
        path = hr_path_join(o->dir, f);
        if (!((n > 5 && strcmp(f + n - 5, ".case") == 0) ||
              (n > 7 && strcmp(f + n - 7, ".golden") == 0)) ||
            lstat(path, &st) < 0 || !S_ISREG(st.st_mode)) {
            error = hr_error_set(HR_EINPUT, "%s:1: an overlay holds only "
                                 "'overlay', NAME.case and NAME.golden "
                                 "files", path);
            hr_free(path);
            goto done;
        }
        hr_free(path);
        hr_strv_add(&o->files, f);
    }
    *out = o;
    o = NULL;
done:
    overlay_free(o);
    hr_strv_release(&names);
    hr_buf_release(&text);
    hr_free(meta);
    return error;
}

/* hr_overlay_load_dir - every overlay in versions_dir, by name */
int hr_overlay_load_dir(hr_overlay ***out, size_t *count,
                        const char *versions_dir)
{
    hr_strv names = HR_STRV_INIT;
    hr_overlay **v = NULL;
    size_t n = 0;
    int error;

    *out = NULL;
    *count = 0;
    if (!hr_is_dir(versions_dir))
        return 0;
    if ((error = hr_dir_list(&names, versions_dir)) < 0)
        return error;
    v = hr_calloc(names.n + 1, sizeof(*v));
    for (size_t i = 0; i < names.n; i++) {
        char *path = hr_path_join(versions_dir, names.v[i]);
        int is_dir = hr_is_dir(path);

        hr_free(path);
        if (!is_dir) {
            if (strcmp(names.v[i], "README.md") == 0)
                continue;
            error = hr_error_set(HR_EINPUT, "%s/%s:1: versions/ holds overlay "
                                 "directories and README.md only",
                                 versions_dir, names.v[i]);
            goto done;
        }
        if ((error = load_one(&v[n], versions_dir, names.v[i])) < 0)
            goto done;
        n++;
    }
    *out = v;
    *count = n;
    v = NULL;
done:
    hr_overlay_free_all(v, n);
    hr_strv_release(&names);
    return error;
}

/* hr_overlay_applies - version is in the overlay's range */
int hr_overlay_applies(const hr_overlay *o, const hr_version *version)
{
    hr_version v = *version;

    v.snapshot = 0; /* a.b-date is a.b.0 */
    if (o->since_text && hr_version_cmp(&v, &o->since) < 0)
        return 0;
    if (o->before_text && hr_version_cmp(&v, &o->before) >= 0)
        return 0;
    return 1;
}

/* hr_overlay_file - NAME.EXT of the overlay, or NULL */
char *hr_overlay_file(const hr_overlay *o, const char *case_name,
                      const char *ext)
{
    char *f = hr_sprintf("%s.%s", case_name, ext);
    char *path = NULL;

    if (hr_strv_find(&o->files, f) >= 0)
        path = hr_path_join(o->dir, f);
    hr_free(f);
    return path;
}

/* hr_overlay_label - "NAME (since A, before B: cites; cites)" */
char *hr_overlay_label(const hr_overlay *o)
{
    char *cites = hr_strv_join(&o->cites, "; ");
    char *out = hr_sprintf("%s (%s%s%s%s%s: %s)", o->name,
                           o->since_text ? "since " : "",
                           o->since_text ? o->since_text : "",
                           o->since_text && o->before_text ? ", " : "",
                           o->before_text ? "before " : "",
                           o->before_text ? o->before_text : "", cites);

    hr_free(cites);
    return out;
}

/*
 * NAME
 *	source/apt 3
 * SUMMARY
 *	Debian's other releases, through a temporary apt source list
 * SYNOPSIS
 *	#include "source/apt.h"
 *
 *	int	hr_apt_derive(out, root)
 *	int	hr_apt_other(opts, state_dir, refresh)
 *	int	hr_apt_valid_version(version)
 *	const char *hr_apt_error(log)
 * DESCRIPTION
 *	A machine's apt knows its own release. Postfix of the other Debian
 *	releases (3.10 in trixie, 3.11 in sid) is in the same archive,
 *	under other suites. pfharness reaches them with a source list of
 *	its own, in var/, that apt reads instead of the machine's: the
 *	machine's apt configuration, its lists and its packages are not
 *	touched, and no host name is written anywhere but at run time,
 *	copied from the machine's own entries.
 *
 *	hr_apt_derive() reads the apt sources under root (/etc/apt's
 *	sources.list, sources.list.d/ *.list and *.sources) and renders one
 *	deb822 stanza per archive that serves the machine's release: an
 *	enabled deb or deb-src entry with a suite equal to VERSION_CODENAME
 *	of root's /etc/os-release and the component main. The stanza
 *	keeps that entry's URI and Signed-By, and asks for the suites
 *	oldstable, stable, testing and unstable, sources and binaries, so
 *	that every maintained release is in reach. A Signed-By given as an
 *	inline key is copied whole.
 *
 *	hr_apt_other() writes that list into state_dir/sources.list.d/,
 *	runs "apt-get update" on it with lists and caches under state_dir
 *	when the list changed, when the lists are more than a day old or
 *	when refresh is set (apt checks every index against its signed
 *	Release file), and appends to opts the "-o" options that make
 *	apt-get and apt-cache use it.
 *
 *	hr_apt_error() is the first "E: " line of apt's output (a notice
 *	such as "NOTICE: ..." is not one), without the "E: ", or the first
 *	line when there is none; it ends at a newline.
 *
 *	hr_apt_valid_version() is the grammar of a Debian version, as it
 *	may reach apt's command line: [epoch:]upstream[-revision], the
 *	upstream version starting with a digit, letters, digits and . + ~ -
 *	otherwise, at most 100 bytes.
 * DIAGNOSTICS
 *	HR_ENOTFOUND when no entry serves the machine's release (a machine
 *	without Debian's archive); HR_ERROR when apt-get update fails, with
 *	its last error line.
 * SEE ALSO
 *	sources.list(5), apt.conf(5), source(3).
 */
#include <ctype.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>

#include "source/apt.h"
#include "util/buf.h"
#include "util/fsutil.h"
#include "util/mem.h"
#include "util/msg.h"
#include "util/spawn.h"

#define OTHER_SUITES "oldstable stable testing unstable"
#define MAX_SOURCES (1 << 20)
#define LIST_NAME "pfharness-other.sources"
#define STALE_SECONDS (24 * 60 * 60)

/* One archive that serves the machine's release. */
typedef struct archive_entry {
    char *uri;
    char *signed_by; /* NULL, a path, or an inline key (several lines) */
} archive_entry;

typedef struct archives {
    archive_entry *v;
    size_t n;
} archives;

/* add_archive - keep an archive once per URI */
static void add_archive(archives *a, const char *uri, const char *signed_by)
{
    for (size_t i = 0; i < a->n; i++)
        if (strcmp(a->v[i].uri, uri) == 0)
            return;
    a->v = hr_realloc(a->v, (a->n + 1) * sizeof(*a->v));
    a->v[a->n].uri = hr_strdup(uri);
    a->v[a->n].signed_by = signed_by && *signed_by ? hr_strdup(signed_by)
                                                   : NULL;
    a->n++;
}

/* archives_release - free */
static void archives_release(archives *a)
{
    for (size_t i = 0; i < a->n; i++) {
        hr_free(a->v[i].uri);
        hr_free(a->v[i].signed_by);
    }
    hr_free(a->v);
}

/* has_word - a blank-separated list holds word */
static int has_word(const char *list, const char *word)
{
    hr_strv w = HR_STRV_INIT;
    int found;

    hr_strv_split(&w, list ? list : "", " \t");
    found = hr_strv_find(&w, word) >= 0;
    hr_strv_release(&w);
    return found;
}

/* codename - VERSION_CODENAME of root's os-release */
static char *codename(const char *root)
{
    char *path = hr_sprintf("%s/etc/os-release", root);
    hr_buf b = HR_BUF_INIT;
    char *out = NULL;

    if (hr_file_read(&b, path, 1 << 16) == 0) {
        for (const char *p = hr_buf_cstr(&b); *p;) {
            size_t len = strcspn(p, "\n");

            if (strncmp(p, "VERSION_CODENAME=", 17) == 0) {
                const char *v = p + 17;
                size_t n = len - 17;

                if (n >= 2 && (*v == '"' || *v == '\''))
                    v++, n -= 2;
                out = hr_strndup(v, n);
                break;
            }
            p += len + (p[len] == '\n');
        }
    }
    hr_buf_release(&b);
    hr_free(path);
    return out;
}

/* Fields of one deb822 stanza that matter here. */
typedef struct stanza {
    hr_buf types, uris, suites, components, signed_by, enabled;
    hr_buf *last;
} stanza;

/* stanza_reset - empty every field */
static void stanza_reset(stanza *s)
{
    hr_buf_clear(&s->types);
    hr_buf_clear(&s->uris);
    hr_buf_clear(&s->suites);
    hr_buf_clear(&s->components);
    hr_buf_clear(&s->signed_by);
    hr_buf_clear(&s->enabled);
    s->last = NULL;
}

/* stanza_take - an entry that serves the release: its URIs */
static void stanza_take(stanza *s, const char *release, archives *out)
{
    hr_strv uris = HR_STRV_INIT;

    if (!(has_word(hr_buf_cstr(&s->types), "deb") ||
          has_word(hr_buf_cstr(&s->types), "deb-src")) ||
        strcasecmp(hr_buf_cstr(&s->enabled), "no") == 0 ||
        !has_word(hr_buf_cstr(&s->suites), release) ||
        !has_word(hr_buf_cstr(&s->components), "main"))
        return;
    hr_strv_split(&uris, hr_buf_cstr(&s->uris), " \t");
    for (size_t i = 0; i < uris.n; i++)
        add_archive(out, uris.v[i], hr_buf_cstr(&s->signed_by));
    hr_strv_release(&uris);
}

/* field - which buffer a "Name:" line fills, or NULL */
static hr_buf *field(stanza *s, const char *line, size_t namelen)
{
    static const struct {
        const char *name;
        size_t off;
    } f[] = {
        {"Types", offsetof(stanza, types)},
        {"URIs", offsetof(stanza, uris)},
        {"Suites", offsetof(stanza, suites)},
        {"Components", offsetof(stanza, components)},
        {"Signed-By", offsetof(stanza, signed_by)},
        {"Enabled", offsetof(stanza, enabled)},
    };

    for (size_t i = 0; i < sizeof(f) / sizeof(f[0]); i++)
        if (strlen(f[i].name) == namelen &&
            strncasecmp(line, f[i].name, namelen) == 0)
            return (hr_buf *)((char *)s + f[i].off);
    return NULL;
}

/* read_deb822 - the stanzas of a .sources file */
static void read_deb822(const char *text, const char *release, archives *out)
{
    stanza s;

    memset(&s, 0, sizeof(s));
    for (const char *p = text;; ) {
        size_t len = strcspn(p, "\n");

        if (len == 0 || *p == 0) {
            stanza_take(&s, release, out);
            stanza_reset(&s);
            if (*p == 0)
                break;
        } else if (*p == '#') {
            /* a comment */
        } else if (*p == ' ' || *p == '\t') {
            /* A continuation: inline keys of Signed-By keep theirs. */
            if (s.last) {
                hr_buf_putc(s.last, '\n');
                hr_buf_put(s.last, p, len);
            }
        } else {
            const char *colon = memchr(p, ':', len);

            s.last = colon ? field(&s, p, (size_t)(colon - p)) : NULL;
            if (s.last) {
                const char *v = colon + 1;
                size_t n = len - (size_t)(v - p);

                while (n && (*v == ' ' || *v == '\t'))
                    v++, n--;
                hr_buf_clear(s.last);
                hr_buf_put(s.last, v, n);
            }
        }
        p += len + (p[len] == '\n');
    }
    hr_buf_release(&s.types);
    hr_buf_release(&s.uris);
    hr_buf_release(&s.suites);
    hr_buf_release(&s.components);
    hr_buf_release(&s.signed_by);
    hr_buf_release(&s.enabled);
}

/* read_one_line - "deb [opts] URI suite component..." lines */
static void read_one_line(const char *text, const char *release,
                          archives *out)
{
    for (const char *p = text; *p;) {
        size_t len = strcspn(p, "\n");
        char *line = hr_strndup(p, len);
        char *opts = NULL, *rest = line + strspn(line, " \t");
        hr_strv w = HR_STRV_INIT;

        p += len + (p[len] == '\n');
        if (strncmp(rest, "deb", 3) != 0 ||
            (rest[3] != ' ' && rest[3] != '\t' &&
             strncmp(rest + 3, "-src", 4) != 0)) {
            hr_free(line);
            continue;
        }
        rest += strcspn(rest, " \t");
        rest += strspn(rest, " \t");
        if (*rest == '[') {
            char *end = strchr(rest, ']');

            if (end == NULL) {
                hr_free(line);
                continue;
            }
            *end = 0;
            opts = rest + 1;
            rest = end + 1;
        }
        hr_strv_split(&w, rest, " \t");
        if (w.n >= 3 && strcmp(w.v[1], release) == 0) {
            int main_comp = 0;
            char *signed_by = NULL;
            hr_strv o = HR_STRV_INIT;

            for (size_t i = 2; i < w.n; i++)
                main_comp |= strcmp(w.v[i], "main") == 0;
            hr_strv_split(&o, opts ? opts : "", " \t");
            for (size_t i = 0; i < o.n; i++)
                if (strncmp(o.v[i], "signed-by=", 10) == 0)
                    signed_by = o.v[i] + 10;
            if (main_comp)
                add_archive(out, w.v[0], signed_by);
            hr_strv_release(&o);
        }
        hr_strv_release(&w);
        hr_free(line);
    }
}

/* read_file_into - one sources file, by its kind */
static void read_file_into(const char *path, const char *release,
                           archives *out)
{
    hr_buf b = HR_BUF_INIT;
    size_t n = strlen(path);

    if (hr_file_read(&b, path, MAX_SOURCES) == 0) {
        if (n > 8 && strcmp(path + n - 8, ".sources") == 0)
            read_deb822(hr_buf_cstr(&b), release, out);
        else
            read_one_line(hr_buf_cstr(&b), release, out);
    }
    hr_buf_release(&b);
}

/* hr_apt_derive - the source list of the other releases, from root's */
int hr_apt_derive(hr_buf *out, const char *root)
{
    char *release = codename(root);
    char *list = hr_sprintf("%s/etc/apt/sources.list", root);
    char *parts = hr_sprintf("%s/etc/apt/sources.list.d", root);
    hr_strv names = HR_STRV_INIT;
    archives a = {NULL, 0};
    int error = 0;

    if (release == NULL || *release == 0) {
        error = hr_error_set(HR_ENOTFOUND, "'%s/etc/os-release' names no "
                             "VERSION_CODENAME: not a Debian release",
                             root);
        goto done;
    }
    read_file_into(list, release, &a);
    if (hr_dir_list(&names, parts) == 0) {
        hr_strv_sort(&names);
        for (size_t i = 0; i < names.n; i++) {
            size_t n = strlen(names.v[i]);
            char *path;

            /* Our own deb-src file (make deps) is derived too. */
            if (!((n > 5 && strcmp(names.v[i] + n - 5, ".list") == 0) ||
                  (n > 8 && strcmp(names.v[i] + n - 8, ".sources") == 0)) ||
                strncmp(names.v[i], "pfharness", 9) == 0)
                continue;
            path = hr_path_join(parts, names.v[i]);
            read_file_into(path, release, &a);
            hr_free(path);
        }
    }
    hr_error_clear();
    if (a.n == 0) {
        error = hr_error_set(HR_ENOTFOUND, "no apt source under '%s/etc/apt' "
                             "serves '%s' main: cannot reach Debian's other "
                             "releases", root, release);
        goto done;
    }
    hr_buf_printf(out, "# pfharness: Debian's other releases, derived from "
                       "this machine's apt sources for %s\n", release);
    for (size_t i = 0; i < a.n; i++) {
        hr_buf_printf(out, "\nTypes: deb deb-src\nURIs: %s\nSuites: "
                           OTHER_SUITES "\nComponents: main\n", a.v[i].uri);
        if (a.v[i].signed_by)
            hr_buf_printf(out, "Signed-By: %s\n", a.v[i].signed_by);
    }
done:
    archives_release(&a);
    hr_strv_release(&names);
    hr_free(release);
    hr_free(list);
    hr_free(parts);
    return error;
}

/* add_opts - the options that point apt at state_dir */
static void add_opts(hr_strv *opts, const char *state_dir)
{
    hr_strv_add(opts, "-o");
    hr_strv_addf(opts, "Dir::Etc::SourceList=%s/empty.list", state_dir);
    hr_strv_add(opts, "-o");
    hr_strv_addf(opts, "Dir::Etc::SourceParts=%s/sources.list.d", state_dir);
    hr_strv_add(opts, "-o");
    hr_strv_addf(opts, "Dir::State::Lists=%s/lists", state_dir);
    hr_strv_add(opts, "-o");
    hr_strv_addf(opts, "Dir::Cache=%s/cache", state_dir);
}

/* lists_fresh - apt-get update ran on these lists less than a day ago */
static int lists_fresh(const char *state_dir)
{
    char *stamp = hr_sprintf("%s/updated", state_dir);
    struct stat st;
    int fresh = stat(stamp, &st) == 0 &&
                time(NULL) - st.st_mtime < STALE_SECONDS;

    hr_free(stamp);
    return fresh;
}

/* update - apt-get update on the temporary list */
static int update(const char *state_dir)
{
    hr_strv argv = HR_STRV_INIT;
    hr_buf log = HR_BUF_INIT;
    char *stamp = hr_sprintf("%s/updated", state_dir);
    int status, error;

    hr_strv_add(&argv, "apt-get");
    hr_strv_add(&argv, "-q");
    add_opts(&argv, state_dir);
    hr_strv_add(&argv, "update");
    hr_buf_init(&log, 1 << 20);
    hr_msg_info("apt-get update for Debian's other releases (" OTHER_SUITES
                ")");
    if ((error = hr_spawn_capture(&status, &log, &log,
                                  (const char *const *)hr_strv_argv(&argv),
                                  state_dir, 600000)) < 0)
        goto done;
    /* apt-get update exits 0 with "W:" lines for a suite it could not
     * get; an "E:" line is failure. */
    if (status != 0 || strstr(hr_buf_cstr(&log), "\nE: ") ||
        strncmp(hr_buf_cstr(&log), "E: ", 3) == 0) {
        const char *e = hr_apt_error(hr_buf_cstr(&log));

        error = hr_error_set(HR_ERROR, "apt-get update of Debian's other "
                             "releases failed: %.*s", (int)strcspn(e, "\n"),
                             e);
        goto done;
    }
    error = hr_file_write_atomic(stamp, "", 0, 0644);
done:
    hr_strv_release(&argv);
    hr_buf_release(&log);
    hr_free(stamp);
    return error;
}

/* hr_apt_other - options for apt to reach the other releases */
int hr_apt_other(hr_strv *opts, const char *state_dir, int refresh)
{
    hr_buf list = HR_BUF_INIT, old = HR_BUF_INIT;
    char *parts = hr_path_join(state_dir, "sources.list.d");
    char *path = hr_path_join(parts, LIST_NAME);
    char *empty = hr_path_join(state_dir, "empty.list");
    char *partial = hr_sprintf("%s/lists/partial", state_dir);
    char *archives_dir = hr_sprintf("%s/cache/archives/partial", state_dir);
    int changed, error;

    if ((error = hr_apt_derive(&list, "")) < 0)
        goto done;
    if ((error = hr_mkdir_p(parts, 0755)) < 0 ||
        (error = hr_mkdir_p(partial, 0755)) < 0 ||
        (error = hr_mkdir_p(archives_dir, 0755)) < 0 ||
        (!hr_is_file(empty) &&
         (error = hr_file_write_atomic(empty, "", 0, 0644)) < 0))
        goto done;
    changed = hr_file_read(&old, path, MAX_SOURCES) < 0 ||
              strcmp(hr_buf_cstr(&old), hr_buf_cstr(&list)) != 0;
    hr_error_clear();
    if (changed && (error = hr_file_write_atomic(path, list.ptr, list.len,
                                                 0644)) < 0)
        goto done;
    if ((changed || refresh || !lists_fresh(state_dir)) &&
        (error = update(state_dir)) < 0)
        goto done;
    add_opts(opts, state_dir);
done:
    hr_buf_release(&list);
    hr_buf_release(&old);
    hr_free(parts);
    hr_free(path);
    hr_free(empty);
    hr_free(partial);
    hr_free(archives_dir);
    return error;
}

/* hr_apt_error - apt's first error line, without "E: " */
const char *hr_apt_error(const char *log)
{
    for (const char *p = log; *p; p += strcspn(p, "\n") + (p[strcspn(p, "\n")]
                                                         == '\n'))
        if (strncmp(p, "E: ", 3) == 0)
            return p + 3;
    return log;
}

/* hr_apt_valid_version - [epoch:]upstream[-revision] */
int hr_apt_valid_version(const char *v)
{
    const char *colon = strchr(v, ':');
    const char *up = v;
    size_t n = strlen(v);

    if (n == 0 || n > 100)
        return 0;
    if (colon) {
        if (colon == v || strspn(v, "0123456789") != (size_t)(colon - v))
            return 0;
        up = colon + 1;
    }
    if (!isdigit((unsigned char)*up))
        return 0;
    for (const char *p = up; *p; p++)
        if (!isalnum((unsigned char)*p) && !strchr(".+~-", *p))
            return 0;
    return up[strlen(up) - 1] != '-';
}

/*
 * NAME
 *	source/source 3
 * SUMMARY
 *	import Postfix source trees into the store
 * SYNOPSIS
 *	#include "source/source.h"
 *
 *	int	hr_source_import_tarball(out, store, path)
 *	int	hr_source_fetch_apt(out, store, debian_version, download_dir,
 *		    patched)
 *	int	hr_source_fetch_git(out, store, path, rev)
 *	int	hr_source_resolve(out, store, rev)
 *	int	hr_source_version(out, len, store, rev)
 *	int	hr_source_checkout(store, sr, dir)
 *	int	hr_source_parse_version(out, len, header)
 *	int	hr_source_default_rev(commit, store)
 *	int	hr_source_lookup(out, rev)
 *	int	hr_source_debian_version(out, len, store, commit)
 * DESCRIPTION
 *	Every source ends up as a commit in the store (var/sources.git),
 *	and a build is identified by that commit's tree.
 *
 *	hr_source_import_tarball() reads a tarball with libarchive, drops
 *	its top-level directory, and commits the files with libgit2, with
 *	the newest file time as the commit time, so that importing the
 *	same tarball again yields the same commit. The commit is tagged
 *	postfix-<version>; if that tag already names a different tree, the
 *	new one is tagged postfix-<version>-<tree prefix>.
 *
 *	hr_source_fetch_apt() runs "apt-get source --download-only" for
 *	Postfix (apt verifies the download against the signed indexes),
 *	checks the .orig tarball against the .dsc's SHA-256 and imports
 *	that pristine upstream tarball, not Debian's patches. Without a
 *	version it fetches what the running release has and points
 *	refs/pfharness/default at it: the --source that builds default to.
 *	Which .dsc apt chooses is remembered in the download directory
 *	until apt's lists or configuration change, and a .dsc whose
 *	tarball is already there and checks out is not downloaded again.
 *	A version that the machine's own apt sources do not have (3.10 in
 *	trixie, 3.11 in sid) is looked up through a temporary source list
 *	derived from them (apt(3)), with its lists under
 *	download_dir/other; the machine's apt is not touched.
 *
 *	With patched, the tree after "dpkg-source -x" of that .dsc (the
 *	quilt series applied, debian/ included, quilt's .pc/ left out)
 *	becomes a commit of its own whose parent is the pristine one, so
 *	that "git diff" between them is Debian's delta. It is tagged
 *	postfix-VERSION-debian-DEBVERSION (':' and '~' of the Debian
 *	version, which refs may not hold, as '%' and '_'), and out
 *	describes it.
 *
 *	hr_source_fetch_git() copies a revision and its history from a
 *	repository on disk with libgit2's fetch; the commit id stays the
 *	one it has in that repository. A tag (v3.7.11) or any revision
 *	libgit2 parses will do.
 *
 *	The Postfix tree of a commit is at its top, or under postfix/ as
 *	in the upstream history mirror (github.com/vdukhovni/postfix).
 *	hr_source_resolve() finds it by itself: the commit, the id of the
 *	Postfix tree (the identity of builds), the directory it is in and
 *	Postfix's version; hr_source_checkout() writes that tree into a
 *	directory. out->tree of the fetches is the Postfix tree too.
 *
 *	out->unchanged tells that the store already had the tree.
 *
 *	A fetch from Debian remembers which Debian version each tree came
 *	from (refs/pfharness/debian/VERSION, and debian-patched/VERSION
 *	for the patched tree); hr_source_debian_version() finds it for a
 *	commit, and HR_EINPUT when there is none, or two.
 *
 *	hr_source_lookup() opens the store and resolves rev, or the
 *	default source when rev is NULL (HR_EINPUT when there is none).
 * DIAGNOSTICS
 *	HR_EINPUT for input that is not a tarball, a truncated one, a
 *	tree without src/global/mail_version.h, at the top or under
 *	postfix/ ("not a Postfix tree"), an
 *	unknown revision or an unknown Debian version.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ftw.h>
#include <sys/stat.h>
#include <unistd.h>
#include <archive.h>
#include <archive_entry.h>

#include "source/apt.h"
#include "source/source.h"
#include "util/buf.h"
#include "util/fsutil.h"
#include "util/hash.h"
#include "util/mem.h"
#include "util/msg.h"
#include "util/paths.h"
#include "util/spawn.h"

#define VERSION_FILE "src/global/mail_version.h"
#define MAX_FILE (64 * 1024 * 1024)

/* define_string - the string a "#define NAME "..."" line gives, or NULL */
static char *define_string(const char *header, const char *name)
{
    size_t n = strlen(name);

    for (const char *p = header; (p = strstr(p, "#define")) != NULL;) {
        const char *q = p + 7, *start, *end;

        q += strspn(q, " \t");
        p = q;
        if (strncmp(q, name, n) != 0 || (q[n] != ' ' && q[n] != '\t'))
            continue;
        start = q + n + strspn(q + n, " \t");
        if (*start != '"' || (end = strchr(start + 1, '"')) == NULL ||
            memchr(start, '\n', (size_t)(end - start)))
            return NULL;
        return hr_strndup(start + 1, (size_t)(end - start - 1));
    }
    return NULL;
}

/* hr_source_parse_version - the version mail_version.h gives: its
 * MAIL_VERSION_NUMBER, and for a snapshot (a.b, no patch level) the
 * release date after a '-', as Postfix names snapshots: 3.11-20250601 */
int hr_source_parse_version(char *out, size_t len, const char *header)
{
    char *number = define_string(header, "MAIL_VERSION_NUMBER");
    char *date = define_string(header, "MAIL_RELEASE_DATE");
    int error = 0;

    if (number == NULL || *number == 0 || strlen(number) >= len ||
        strspn(number, "0123456789.-") != strlen(number)) {
        error = hr_error_set(HR_EINPUT, "no MAIL_VERSION_NUMBER in %s",
                             VERSION_FILE);
        goto done;
    }
    if (strchr(number, '.') == strrchr(number, '.') && !strchr(number, '-') &&
        date &&
        strlen(date) == 8 && strspn(date, "0123456789") == 8 &&
        strlen(number) + 9 < len)
        snprintf(out, len, "%s-%s", number, date);
    else
        snprintf(out, len, "%s", number);
done:
    hr_free(number);
    hr_free(date);
    return error;
}

/* Where a repository may keep the Postfix tree: at the top (a tarball,
 * Debian's source package) or under postfix/ (the upstream history
 * mirror, github.com/vdukhovni/postfix). */
static const char *const roots[] = {"", "postfix", NULL};

/* read_version_h - mail_version.h of a revision, and the root it is under */
static int read_version_h(hr_buf *out, const char **root, hr_gitrepo *store,
                          const char *rev)
{
    int error = HR_ENOTFOUND;

    for (const char *const *r = roots; *r; r++) {
        char *path = **r ? hr_sprintf("%s/%s", *r, VERSION_FILE)
                         : hr_strdup(VERSION_FILE);

        hr_buf_clear(out);
        error = hr_gitrepo_read_file(out, store, rev, path);
        hr_free(path);
        if (error != HR_ENOTFOUND) {
            *root = *r;
            return error;
        }
    }
    if (hr_gitrepo_resolve(NULL, NULL, store, rev) == 0)
        error = hr_error_set(HR_EINPUT, "revision '%s' is not a Postfix "
                             "tree: it has no %s, at the top or under "
                             "postfix/", rev, VERSION_FILE);
    return error;
}

/* hr_source_resolve - a stored revision's commit, Postfix tree and version */
int hr_source_resolve(hr_source_rev *out, hr_gitrepo *store, const char *rev)
{
    hr_buf b = HR_BUF_INIT;
    const char *root = "";
    int error;

    memset(out, 0, sizeof(*out));
    if ((error = hr_gitrepo_resolve(out->commit, NULL, store, rev)) < 0 ||
        (error = read_version_h(&b, &root, store, out->commit)) < 0 ||
        (error = hr_source_parse_version(out->version, sizeof(out->version),
                                         hr_buf_cstr(&b))) < 0 ||
        (error = hr_gitrepo_tree_at(out->tree, store, out->commit, root)) < 0)
        goto done;
    snprintf(out->root, sizeof(out->root), "%s", root);
done:
    hr_buf_release(&b);
    return error;
}

/* hr_source_version - the Postfix version of a stored revision */
int hr_source_version(char *out, size_t len, hr_gitrepo *store,
                      const char *rev)
{
    hr_source_rev sr;
    int error;

    if ((error = hr_source_resolve(&sr, store, rev)) == 0)
        snprintf(out, len, "%s", sr.version);
    return error;
}

/* hr_source_checkout - the Postfix tree of a stored revision into dir */
int hr_source_checkout(hr_gitrepo *store, const hr_source_rev *sr,
                       const char *dir)
{
    return hr_gitrepo_checkout(store, sr->commit, sr->root, dir);
}

/* tag_tree - tag a new import, or find that the store already has it */
static int tag_tree(hr_source_result *out, hr_gitrepo *store)
{
    char old_commit[HR_OID_HEX], old_tree[HR_OID_HEX];
    char ref[sizeof(out->tag) + 16];
    int error;

    for (int attempt = 0; attempt < 2; attempt++) {
        if (attempt == 0)
            snprintf(out->tag, sizeof(out->tag), "postfix-%s", out->version);
        else
            snprintf(out->tag, sizeof(out->tag), "postfix-%s-%.12s",
                     out->version, out->tree);
        snprintf(ref, sizeof(ref), "refs/tags/%s", out->tag);
        error = hr_gitrepo_ref_get(old_commit, store, ref);
        if (error == HR_ENOTFOUND)
            return hr_gitrepo_ref_set(store, ref, out->commit);
        if (error < 0)
            return error;
        if ((error = hr_gitrepo_resolve(NULL, old_tree, store, old_commit)) < 0)
            return error;
        if (strcmp(old_tree, out->tree) == 0) {
            /* Same tree: keep the commit the store already has. */
            memcpy(out->commit, old_commit, HR_OID_HEX);
            out->unchanged = 1;
            return 0;
        }
    }
    return hr_error_set(HR_ERROR, "tag '%s' names a different tree", out->tag);
}

/* hardlinks - contents of files already read, for tar hard links */
struct seen {
    hr_strv paths;
    hr_buf *data;
    size_t n, cap;
};

/* seen_add - remember a file's contents */
static void seen_add(struct seen *s, const char *path, const hr_buf *b)
{
    if (s->n == s->cap) {
        s->cap = s->cap ? s->cap * 2 : 256;
        s->data = hr_realloc(s->data, s->cap * sizeof(hr_buf));
    }
    hr_buf_init(&s->data[s->n], 0);
    hr_buf_put(&s->data[s->n], b->ptr ? b->ptr : "", b->len);
    s->n++;
    hr_strv_add(&s->paths, path);
}

/* seen_release - free */
static void seen_release(struct seen *s)
{
    for (size_t i = 0; i < s->n; i++)
        hr_buf_release(&s->data[i]);
    hr_free(s->data);
    hr_strv_release(&s->paths);
}

/* archive_why - libarchive's reason for a failure, which may be NULL */
static const char *archive_why(struct archive *a)
{
    const char *why = archive_error_string(a);

    /* A gzip stream without its trailer fails with no message at all. */
    return why ? why : "truncated or corrupt";
}

/* strip_top - drop the first path component ("postfix-3.7.11/") */
static const char *strip_top(const char *path)
{
    const char *slash;

    while (path[0] == '.' && path[1] == '/')
        path += 2;
    slash = strchr(path, '/');
    return slash ? slash + 1 : "";
}

/* read_entries - add every file of the archive to the tree */
static int read_entries(struct archive *a, hr_gitrepo *store, hr_gittree *t,
                        const char *path, long long *newest, int *has_version,
                        hr_buf *version_h)
{
    struct archive_entry *e;
    struct seen seen = {HR_STRV_INIT, NULL, 0, 0};
    hr_buf data = HR_BUF_INIT;
    int rc, error = 0;

    while ((rc = archive_read_next_header(a, &e)) == ARCHIVE_OK ||
           rc == ARCHIVE_WARN) {
        const char *name = strip_top(archive_entry_pathname(e));
        const char *link = archive_entry_hardlink(e);
        mode_t type = archive_entry_filetype(e);
        int mode = (int)archive_entry_perm(e);

        if (*name == 0 || type == AE_IFDIR)
            continue;
        hr_buf_clear(&data);
        if (archive_entry_mtime(e) > *newest)
            *newest = archive_entry_mtime(e);
        if (link) {
            int i = hr_strv_find(&seen.paths, strip_top(link));

            if (i < 0) {
                error = hr_error_set(HR_EINPUT, "'%s': hard link '%s' to a "
                                     "file not seen before", path, name);
                break;
            }
            hr_buf_put(&data, seen.data[i].ptr ? seen.data[i].ptr : "",
                       seen.data[i].len);
        } else if (type == AE_IFLNK) {
            hr_buf_puts(&data, archive_entry_symlink(e));
            mode = 0120000;
        } else if (type == AE_IFREG) {
            char chunk[65536];
            la_ssize_t n;

            while ((n = archive_read_data(a, chunk, sizeof(chunk))) > 0) {
                if (data.len + n > MAX_FILE) {
                    error = hr_error_set(HR_EINPUT, "'%s': '%s' is larger "
                                         "than %d bytes", path, name,
                                         MAX_FILE);
                    goto done;
                }
                hr_buf_put(&data, chunk, n);
            }
            if (n < 0) {
                error = hr_error_set(HR_EINPUT, "'%s': truncated or corrupt "
                                     "archive at '%s': %s", path, name,
                                     archive_why(a));
                goto done;
            }
            seen_add(&seen, name, &data);
        } else {
            continue;           /* devices and fifos: not in Postfix */
        }
        if (strcmp(name, VERSION_FILE) == 0) {
            *has_version = 1;
            hr_buf_put(version_h, data.ptr ? data.ptr : "", data.len);
        }
        if ((error = hr_gittree_add(t, store, name, data.ptr ? data.ptr : "",
                                    data.len, mode)) < 0)
            goto done;
    }
    if (error == 0 && rc != ARCHIVE_EOF)
        error = hr_error_set(HR_EINPUT, "'%s' is not a readable tarball: %s",
                             path, archive_why(a));
done:
    hr_buf_release(&data);
    seen_release(&seen);
    return error;
}

/* hr_source_import_tarball - import a Postfix tarball */
int hr_source_import_tarball(hr_source_result *out, hr_gitrepo *store,
                             const char *path)
{
    struct archive *a = NULL;
    hr_gittree *t = NULL;
    hr_buf version_h = HR_BUF_INIT;
    char sha[HR_SHA256_HEX];
    char *msg = NULL;
    long long newest = 0;
    int has_version = 0;
    int error;

    memset(out, 0, sizeof(*out));
    if (!hr_is_file(path))
        return hr_error_set(HR_EINPUT, "'%s': no such file", path);
    if ((error = hr_sha256_file(sha, path)) < 0)
        return error;
    a = archive_read_new();
    archive_read_support_filter_all(a);
    archive_read_support_format_tar(a);
    archive_read_support_format_gnutar(a);
    if (archive_read_open_filename(a, path, 65536) != ARCHIVE_OK) {
        error = hr_error_set(HR_EINPUT, "'%s' is not a readable tarball: %s",
                             path, archive_why(a));
        goto done;
    }
    hr_gittree_new(&t);
    if ((error = read_entries(a, store, t, path, &newest, &has_version,
                              &version_h)) < 0)
        goto done;
    if (!has_version) {
        error = hr_error_set(HR_EINPUT, "'%s' is not a Postfix source tree: "
                             "it has no %s", path, VERSION_FILE);
        goto done;
    }
    if ((error = hr_source_parse_version(out->version, sizeof(out->version),
                                         hr_buf_cstr(&version_h))) < 0) {
        error = hr_error_set(HR_EINPUT, "'%s': %s", path, hr_error_last());
        goto done;
    }
    msg = hr_sprintf("Import postfix-%s, pristine upstream tree\n\n"
                     "Tarball SHA-256: %s\n", out->version, sha);
    if ((error = hr_gittree_commit(out->commit, out->tree, store, t, NULL, msg,
                                   newest)) < 0)
        goto done;
    error = tag_tree(out, store);
done:
    if (a)
        archive_read_free(a);
    hr_gittree_free(t);
    hr_buf_release(&version_h);
    hr_free(msg);
    return error;
}

/* dsc_orig - the .orig tarball's name and SHA-256 from a .dsc */
static int dsc_orig(char **name, char **sha, const char *dsc_path)
{
    hr_buf b = HR_BUF_INIT;
    const char *sec, *line;
    int error;

    *name = *sha = NULL;
    if ((error = hr_file_read(&b, dsc_path, 1 << 20)) < 0)
        return error;
    if ((sec = strstr(hr_buf_cstr(&b), "\nChecksums-Sha256:")) == NULL) {
        error = hr_error_set(HR_EINPUT, "'%s' has no Checksums-Sha256",
                             dsc_path);
        goto done;
    }
    for (line = strchr(sec + 1, '\n'); line && line[1] == ' ';
         line = strchr(line + 1, '\n')) {
        char h[80], size[32], file[256];

        if (sscanf(line + 1, " %79s %31s %255s", h, size, file) == 3 &&
            strstr(file, ".orig.tar.") != NULL && strstr(file, ".asc") == NULL) {
            *name = hr_strdup(file);
            *sha = hr_strdup(h);
            break;
        }
    }
    if (*name == NULL)
        error = hr_error_set(HR_EINPUT, "'%s' names no .orig tarball",
                             dsc_path);
done:
    hr_buf_release(&b);
    return error;
}

/* apt_argv - "apt-get" with the options of the apt to use, then words */
static void apt_argv(hr_strv *argv, const hr_strv *opts, const char *a,
                     const char *b, const char *c, const char *d)
{
    hr_strv_add(argv, "apt-get");
    hr_strv_addv(argv, opts);
    for (const char *const *w = (const char *const[]){a, b, c, d, NULL}; *w;
         w++)
        hr_strv_add(argv, *w);
}

/* apt_dsc_name - which .dsc apt-get source would download */
static int apt_dsc_name(char **out, const char *pkg, const char *dir,
                        const hr_strv *opts)
{
    hr_strv argv = HR_STRV_INIT;
    hr_buf outb = HR_BUF_INIT, errb = HR_BUF_INIT;
    const char *p;
    int status, error;

    *out = NULL;
    apt_argv(&argv, opts, "source", "--print-uris", "-q", pkg);
    hr_buf_init(&outb, 1 << 20);
    hr_buf_init(&errb, 1 << 16);
    if ((error = hr_spawn_capture(&status, &outb, &errb,
                                  (const char *const *)hr_strv_argv(&argv),
                                  dir, 120000)) < 0)
        goto done;
    if (status != 0) {
        const char *e = hr_apt_error(hr_buf_cstr(&errb));
        const char *nl = strchr(e, '\n');

        error = hr_error_set(HR_EINPUT, "apt has no source package '%s': %.*s",
                             pkg, nl ? (int)(nl - e) : (int)strlen(e), e);
        goto done;
    }
    /* Lines look like: 'URI' postfix_3.7.11-0+deb12u1.dsc SIZE SHA256:...
     * or: Skipping already downloaded file 'postfix_3.7.11-0+deb12u1.dsc' */
    for (p = hr_buf_cstr(&outb); p && *p; p = strchr(p, '\n')) {
        char uri[1024], file[256];

        if (*p == '\n')
            p++;
        static const char skip[] = "Skipping already downloaded file '";

        /* A file already in dir is not printed as a URI but skipped. */
        if (strncmp(p, skip, sizeof(skip) - 1) == 0 &&
            sscanf(p + sizeof(skip) - 1, "%255[^']", file) == 1)
            uri[0] = '\'';
        else if (sscanf(p, "%1023s %255s", uri, file) != 2)
            continue;
        if (uri[0] == '\'' && strlen(file) > 4 &&
            strcmp(file + strlen(file) - 4, ".dsc") == 0) {
            *out = hr_strdup(file);
            break;
        }
    }
    if (*out == NULL)
        error = hr_error_set(HR_ERROR, "apt-get source --print-uris %s named "
                             "no .dsc file", pkg);
done:
    hr_strv_release(&argv);
    hr_buf_release(&outb);
    hr_buf_release(&errb);
    return error;
}

/* What apt's choice of a source package depends on: its lists and its
 * configuration. apt-get update and edits change these directories'
 * and files' time stamps. */
static const char *const apt_state[] = {
    "/var/lib/apt/lists",  "/etc/apt/sources.list", "/etc/apt/sources.list.d",
    "/etc/apt/preferences", "/etc/apt/preferences.d", NULL};

/* apt_dsc_cached - apt_dsc_name(), remembered in DIR/apt-dsc.cache for as
 * long as apt's lists and configuration are unchanged: asking apt-get
 * takes most of a second of every "make run" */
static int apt_dsc_cached(char **out, const char *pkg, const char *dir,
                          const hr_strv *opts)
{
    char *cache = hr_path_join(dir, "apt-dsc.cache");
    hr_buf key = HR_BUF_INIT, old = HR_BUF_INIT;
    const char *nl;
    int error = 0;

    hr_buf_printf(&key, "%s\n", pkg);
    /* The other releases' apt: its options and when its lists changed. */
    for (size_t i = 0; i < opts->n; i++) {
        const char *eq = strstr(opts->v[i], "Lists=");
        struct stat st;

        hr_buf_printf(&key, "%s\n", opts->v[i]);
        if (eq && stat(eq + 6, &st) == 0)
            hr_buf_printf(&key, "lists %lld.%09ld\n", (long long)st.st_mtime,
                          st.st_mtim.tv_nsec);
    }
    for (const char *const *p = apt_state; *p; p++) {
        struct stat st;

        if (stat(*p, &st) == 0)
            hr_buf_printf(&key, "%s %lld.%09ld\n", *p, (long long)st.st_mtime,
                          st.st_mtim.tv_nsec);
    }
    if (hr_file_read(&old, cache, 1 << 16) == 0 &&
        strncmp(hr_buf_cstr(&old), hr_buf_cstr(&key), key.len) == 0 &&
        (nl = strchr(hr_buf_cstr(&old) + key.len, '\n')) != NULL) {
        const char *name = hr_buf_cstr(&old) + key.len;
        char *dsc = hr_strndup(name, (size_t)(nl - name));
        char *path = hr_path_join(dir, dsc);

        if (*dsc && strchr(dsc, '/') == NULL && hr_is_file(path)) {
            hr_free(path);
            *out = dsc;
            goto done;
        }
        hr_free(path);
        hr_free(dsc);
    }
    if ((error = apt_dsc_name(out, pkg, dir, opts)) == 0) {
        hr_buf_printf(&key, "%s\n", *out);
        /* A cache that cannot be written costs only time. */
        (void)hr_file_write_atomic(cache, key.ptr, key.len, 0644);
    }
done:
    hr_buf_release(&key);
    hr_buf_release(&old);
    hr_free(cache);
    return error;
}

/* dsc_version - "3.7.11-0+deb12u1" of "postfix_3.7.11-0+deb12u1.dsc"
 * (a static buffer: the epoch is not in the file name) */
static const char *dsc_version(const char *dsc)
{
    static __thread char v[128];
    const char *us = strchr(dsc, '_');
    size_t n;

    if (us == NULL)
        return "unknown";
    n = strlen(us + 1);
    if (n > 4)
        n -= 4;
    snprintf(v, sizeof(v), "%.*s", (int)n, us + 1);
    return v;
}

/* apt_dsc - the .dsc apt would fetch for pkg: from the machine's own
 * sources, else (a version of another release) from the temporary list
 * of apt(3), refreshed once when its lists do not know the version */
static int apt_dsc(char **dsc, hr_strv *opts, const char *pkg,
                   const char *debian_version, const char *download_dir)
{
    char *state = NULL;
    int error;

    if ((error = apt_dsc_cached(dsc, pkg, download_dir, opts)) == 0 ||
        error != HR_EINPUT || debian_version == NULL)
        return error;
    state = hr_path_join(download_dir, "other");
    for (int refresh = 0; refresh < 2; refresh++) {
        hr_strv_release(opts);
        if ((error = hr_apt_other(opts, state, refresh)) < 0 ||
            (error = apt_dsc_cached(dsc, pkg, download_dir, opts)) == 0 ||
            error != HR_EINPUT)
            break;
    }
    if (error == HR_EINPUT)
        error = hr_error_set(HR_EINPUT, "no Debian release has postfix %s: "
                             "%s", debian_version, hr_error_last());
    hr_free(state);
    return error;
}

/* import_file - one file of a directory into a tree (nftw callback) */
static hr_gitrepo *walk_store;
static hr_gittree *walk_tree;
static const char *walk_root;
static int walk_error;

static int import_file(const char *path, const struct stat *st, int type,
                       struct FTW *ftw)
{
    const char *name = path + strlen(walk_root) + 1;
    hr_buf data = HR_BUF_INIT;
    int mode;

    (void)ftw;
    /* quilt's own state, not Debian's delta */
    if (strcmp(name, ".pc") == 0 || strncmp(name, ".pc/", 4) == 0)
        return 0;
    if (type == FTW_SL) {
        char target[4096];
        ssize_t n = readlink(path, target, sizeof(target));

        if (n < 0 || (size_t)n >= sizeof(target)) {
            walk_error = hr_error_set(HR_ERROR, "cannot read link '%s'", path);
            return 1;
        }
        hr_buf_put(&data, target, (size_t)n);
        mode = 0120000;
    } else if (type == FTW_F && S_ISREG(st->st_mode)) {
        if ((walk_error = hr_file_read(&data, path, MAX_FILE)) < 0)
            return 1;
        mode = (int)(st->st_mode & 0777);
    } else {
        return 0;
    }
    walk_error = hr_gittree_add(walk_tree, walk_store, name,
                                data.ptr ? data.ptr : "", data.len, mode);
    hr_buf_release(&data);
    return walk_error < 0;
}

/* patched_tag - the tag of Debian's patched tree: postfix-VERSION-debian-
 * DEBVERSION, with the characters git refs may not hold replaced */
static void patched_tag(hr_source_result *out, const char *debian_version)
{
    size_t n;

    /* A Debian version has at most 100 bytes (apt(3)): it fits. */
    n = (size_t)snprintf(out->tag, sizeof(out->tag), "postfix-%s-debian-",
                         out->version);
    for (const char *p = debian_version; *p && n + 1 < sizeof(out->tag); p++)
        out->tag[n++] = *p == ':' ? '%' : *p == '~' ? '_' : *p;
    out->tag[n] = 0;
}

/* import_patched - dpkg-source -x the .dsc and commit the tree on top of
 * the pristine commit in out, which then describes the new commit */
static int import_patched(hr_source_result *out, hr_gitrepo *store,
                          const char *dsc_path, const char *debian_version,
                          const char *download_dir)
{
    char *work = hr_path_join(download_dir, "patched");
    char *tree_dir = hr_path_join(work, "tree");
    char *msg = NULL, *ref = NULL;
    hr_buf log = HR_BUF_INIT;
    hr_gittree *t = NULL;
    char parent[HR_OID_HEX], old[HR_OID_HEX];
    long long when;
    int status, error;
    const char *argv[] = {"dpkg-source", "--no-check", "-x", dsc_path,
                          tree_dir, NULL};

    memcpy(parent, out->commit, HR_OID_HEX);
    if ((error = hr_gitrepo_commit_time(&when, store, parent)) < 0 ||
        (error = hr_rm_rf(work)) < 0 || (error = hr_mkdir_p(work, 0755)) < 0)
        goto done;
    hr_buf_init(&log, 1 << 20);
    /* apt checked the .dsc and its files against the signed indexes;
     * dpkg-source checks their sums again and applies the quilt series. */
    if ((error = hr_spawn_capture(&status, &log, &log, argv, work,
                                  600000)) < 0)
        goto done;
    if (status != 0) {
        error = hr_error_set(HR_ERROR, "dpkg-source -x %s failed: %s",
                             dsc_path, hr_buf_cstr(&log));
        goto done;
    }
    hr_gittree_new(&t);
    walk_store = store;
    walk_tree = t;
    walk_root = tree_dir;
    walk_error = 0;
    if (nftw(tree_dir, import_file, 64, FTW_PHYS) != 0) {
        error = walk_error < 0 ? walk_error
                               : hr_error_set(HR_ERROR, "cannot read '%s'",
                                              tree_dir);
        goto done;
    }
    msg = hr_sprintf("Debian's patches for postfix-%s: %s\n\n"
                     "The tree after dpkg-source -x (the quilt series "
                     "applied), on top of\nthe pristine upstream tree: git "
                     "diff between the two is Debian's delta.\n",
                     out->version, debian_version);
    if ((error = hr_gittree_commit(out->commit, out->tree, store, t, parent,
                                   msg, when)) < 0)
        goto done;
    patched_tag(out, debian_version);
    ref = hr_sprintf("refs/tags/%s", out->tag);
    out->unchanged = hr_gitrepo_ref_get(old, store, ref) == 0 &&
                     strcmp(old, out->commit) == 0;
    hr_error_clear();
    error = hr_gitrepo_ref_set(store, ref, out->commit);
done:
    hr_rm_rf(work);
    hr_gittree_free(t);
    hr_buf_release(&log);
    hr_free(work);
    hr_free(tree_dir);
    hr_free(msg);
    hr_free(ref);
    return error;
}

/* debian_ref - refs/pfharness/KIND/VERSION, ':' and '~' of the Debian
 * version (which refs may not hold) as '%' and '_' */
static char *debian_ref(const char *kind, const char *debian_version)
{
    char *ref = hr_sprintf("refs/pfharness/%s/%s", kind, debian_version);

    for (char *p = ref + strlen("refs/pfharness/") + strlen(kind) + 1; *p; p++)
        *p = *p == ':' ? '%' : *p == '~' ? '_' : *p;
    return ref;
}

/* hr_source_debian_version - the Debian version a stored commit came
 * from (fetch --debian, or the release's own), pristine or patched */
int hr_source_debian_version(char *out, size_t len, hr_gitrepo *store,
                             const char *commit)
{
    static const char *const kinds[] = {"debian-patched", "debian", NULL};
    hr_strv refs = HR_STRV_INIT, found = HR_STRV_INIT;
    char id[HR_OID_HEX], want[HR_OID_HEX];
    int error;

    if ((error = hr_gitrepo_resolve(want, NULL, store, commit)) < 0)
        return error;
    for (const char *const *k = kinds; *k; k++) {
        char *prefix = hr_sprintf("refs/pfharness/%s/", *k);

        hr_strv_release(&refs);
        if ((error = hr_gitrepo_refs(&refs, store, prefix)) == 0)
            for (size_t i = 0; i < refs.n; i++)
                if (hr_gitrepo_ref_get(id, store, refs.v[i]) == 0 &&
                    strcmp(id, want) == 0) {
                    char *v = hr_strdup(refs.v[i] + strlen(prefix));

                    for (char *p = v; *p; p++)
                        *p = *p == '%' ? ':' : *p == '_' ? '~' : *p;
                    if (hr_strv_find(&found, v) < 0)
                        hr_strv_add(&found, v);
                    hr_free(v);
                }
        hr_free(prefix);
        if (error < 0 || found.n)
            break;
    }
    if (error == 0 && found.n == 0)
        error = hr_error_set(HR_EINPUT, "commit %.12s did not come from a "
                             "Debian source package: fetch it with 'pfharness "
                             "fetch --debian VERSION' first", want);
    else if (error == 0 && found.n > 1)
        error = hr_error_set(HR_EINPUT, "commit %.12s is the upstream tree of "
                             "Debian %s and %s: give the patched tree of one "
                             "(fetch --debian VERSION --patched) as --source",
                             want, found.v[0], found.v[1]);
    else if (error == 0)
        snprintf(out, len, "%s", found.v[0]);
    hr_strv_release(&refs);
    hr_strv_release(&found);
    return error;
}

/* hr_source_fetch_apt - the Debian source package's upstream tarball */
int hr_source_fetch_apt(hr_source_result *out, hr_gitrepo *store,
                        const char *debian_version, const char *download_dir,
                        int patched)
{
    hr_buf log = HR_BUF_INIT;
    hr_strv opts = HR_STRV_INIT, argv = HR_STRV_INIT;
    char *pkg = NULL, *dsc = NULL, *dsc_path = NULL, *orig = NULL;
    char *orig_sha = NULL, *orig_path = NULL, *ref = NULL;
    char sha[HR_SHA256_HEX];
    int status, error;

    memset(out, 0, sizeof(*out));
    if (debian_version && !hr_apt_valid_version(debian_version))
        return hr_error_set(HR_EINPUT, "'%s' is not a Debian version "
                            "([epoch:]upstream[-revision])", debian_version);
    pkg = debian_version ? hr_sprintf("postfix=%s", debian_version)
                         : hr_strdup("postfix");
    if ((error = hr_mkdir_p(download_dir, 0755)) < 0 ||
        (error = apt_dsc(&dsc, &opts, pkg, debian_version, download_dir)) < 0)
        goto done;
    dsc_path = hr_path_join(download_dir, dsc);
    /* The .dsc apt names and its tarball, as checked on an earlier
     * fetch: apt-get would download nothing, and take a second to say
     * so. */
    if (hr_is_file(dsc_path) &&
        dsc_orig(&orig, &orig_sha, dsc_path) == 0 &&
        (orig_path = hr_path_join(download_dir, orig)) != NULL &&
        hr_sha256_file(sha, orig_path) == 0 && strcmp(sha, orig_sha) == 0)
        goto import;
    hr_free(orig);
    hr_free(orig_sha);
    hr_free(orig_path);
    orig = orig_sha = orig_path = NULL;
    apt_argv(&argv, &opts, "source", "--download-only", "-q", pkg);
    hr_buf_init(&log, 1 << 20);
    if ((error = hr_spawn_capture(&status, &log, &log,
                                  (const char *const *)hr_strv_argv(&argv),
                                  download_dir, 600000)) < 0)
        goto done;
    if (status != 0 || !hr_is_file(dsc_path)) {
        const char *e = hr_apt_error(hr_buf_cstr(&log));

        error = hr_error_set(HR_ERROR, "apt-get source --download-only %s "
                             "failed: %.*s", pkg, (int)strcspn(e, "\n"), e);
        goto done;
    }
    if ((error = dsc_orig(&orig, &orig_sha, dsc_path)) < 0)
        goto done;
    orig_path = hr_path_join(download_dir, orig);
    if ((error = hr_sha256_file(sha, orig_path)) < 0)
        goto done;
    if (strcmp(sha, orig_sha) != 0) {
        error = hr_error_set(HR_ERROR, "'%s' does not match the SHA-256 in "
                             "'%s'", orig_path, dsc);
        goto done;
    }
import:
    if ((error = hr_source_import_tarball(out, store, orig_path)) < 0)
        goto done;
    if (debian_version == NULL &&
        (error = hr_gitrepo_ref_set(store, HR_DEFAULT_REF, out->commit)) < 0)
        goto done;
    /* Which Debian version a tree came from: a prebuilt variant fetches
     * that version's binary packages (build(3)). */
    ref = debian_ref("debian", debian_version ? debian_version
                                              : dsc_version(dsc));
    if ((error = hr_gitrepo_ref_set(store, ref, out->commit)) < 0)
        goto done;
    if (patched) {
        hr_free(ref);
        ref = debian_ref("debian-patched", debian_version ? debian_version
                                                          : dsc_version(dsc));
        if ((error = import_patched(out, store, dsc_path,
                                    debian_version ? debian_version
                                                   : dsc_version(dsc),
                                    download_dir)) < 0 ||
            (error = hr_gitrepo_ref_set(store, ref, out->commit)) < 0)
            goto done;
    }
done:
    hr_buf_release(&log);
    hr_strv_release(&opts);
    hr_strv_release(&argv);
    hr_free(pkg);
    hr_free(dsc);
    hr_free(dsc_path);
    hr_free(orig);
    hr_free(orig_sha);
    hr_free(orig_path);
    hr_free(ref);
    return error;
}

/* hr_source_fetch_git - a revision of a repository on disk */
int hr_source_fetch_git(hr_source_result *out, hr_gitrepo *store,
                        const char *path, const char *rev)
{
    hr_gitrepo *src = NULL;
    hr_source_rev sr;
    char *abs = NULL, *prefix = NULL;
    char sha[HR_SHA256_HEX];
    char ref[sizeof(out->tag)];
    int error;

    memset(out, 0, sizeof(*out));
    if (!hr_is_dir(path))
        return hr_error_set(HR_EINPUT, "'%s': no such directory", path);
    if ((error = hr_gitrepo_open(&src, path, 0)) < 0) {
        error = hr_error_set(HR_EINPUT, "%s", hr_error_last());
        goto done;
    }
    if ((error = hr_gitrepo_resolve(out->commit, out->tree, src, rev)) < 0) {
        error = hr_error_set(HR_EINPUT, "'%s': %s", path, hr_error_last());
        goto done;
    }
    snprintf(ref, sizeof(ref), "refs/pfharness/git/%s", out->commit);
    if (hr_gitrepo_resolve(NULL, NULL, store, out->commit) == 0) {
        out->unchanged = 1;
    } else {
        abs = hr_path_abs(path);
        hr_sha256_buf(sha, abs, strlen(abs));
        prefix = hr_sprintf("refs/pfharness/remotes/%.12s", sha);
        if ((error = hr_gitrepo_fetch_local(store, abs, prefix)) < 0)
            goto done;
        if (hr_gitrepo_resolve(NULL, NULL, store, out->commit) < 0) {
            error = hr_error_set(HR_EINPUT, "'%s': revision '%s' is not "
                                 "reachable from any ref there", path, rev);
            goto done;
        }
    }
    if ((error = hr_source_resolve(&sr, store, out->commit)) < 0) {
        error = hr_error_set(HR_EINPUT, "'%s': %s", path, hr_error_last());
        goto done;
    }
    snprintf(out->version, sizeof(out->version), "%s", sr.version);
    snprintf(out->root, sizeof(out->root), "%s", sr.root);
    memcpy(out->tree, sr.tree, HR_OID_HEX);
    if ((error = hr_gitrepo_ref_set(store, ref, out->commit)) < 0)
        goto done;
    snprintf(out->tag, sizeof(out->tag), "%s", ref);
done:
    hr_gitrepo_free(src);
    hr_free(abs);
    hr_free(prefix);
    return error;
}

/* hr_source_lookup - a revision of the store, or its default source */
int hr_source_lookup(hr_source_rev *out, const char *rev)
{
    hr_gitrepo *store = NULL;
    char commit[HR_OID_HEX];
    int error;

    memset(out, 0, sizeof(*out));
    if ((error = hr_gitrepo_open(&store, hr_sources_repo(), 0)) < 0)
        return hr_error_set(HR_EINPUT, "no source store at %s: run "
                            "'pfharness fetch' first", hr_sources_repo());
    if (rev == NULL && (error = hr_source_default_rev(commit, store)) < 0)
        goto done;
    if ((error = hr_source_resolve(out, store, rev ? rev : commit)) < 0)
        error = hr_error_set(HR_EINPUT, "%s", hr_error_last());
done:
    hr_gitrepo_free(store);
    return error;
}

/* hr_source_default_rev - the commit builds use without --source */
int hr_source_default_rev(char commit[HR_OID_HEX], hr_gitrepo *store)
{
    if (hr_gitrepo_ref_get(commit, store, HR_DEFAULT_REF) < 0)
        return hr_error_set(HR_ENOTFOUND, "no default source in the store: run "
                            "'pfharness fetch' first, or give --source");
    return 0;
}

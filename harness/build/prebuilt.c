/*
 * NAME
 *	build/prebuilt 3
 * SUMMARY
 *	a distribution's binary packages, unpacked as a build's stage
 * SYNOPSIS
 *	#include "build/prebuilt.h"
 *
 *	int	hr_prebuilt_fetch(out, debian_version, cache_dir, apt_state)
 *	int	hr_prebuilt_stage(debs, stage)
 * DESCRIPTION
 *	"Does Debian's binary misbehave?" is a question about the packages
 *	as Debian ships them. A variant with "prebuilt debian"
 *	(buildspec(3)) takes them instead of a compile:
 *
 *	hr_prebuilt_fetch() runs "apt-get download" for postfix and the
 *	map modules an instance needs (postfix-pcre, postfix-lmdb) at one
 *	Debian version, into cache_dir/VERSION/. apt checks each package
 *	against the signed indexes. The machine's own apt sources are tried
 *	first; a version of another release comes through the temporary
 *	source list of apt(3), with its state in apt_state. Packages
 *	already in the cache are not downloaded again. out receives, per
 *	package, "NAME VERSION SHA256 PATH", sorted: what the build id
 *	hashes.
 *
 *	hr_prebuilt_stage() unpacks the packages into stage with
 *	"dpkg-deb -x" (no maintainer script runs) and does the one thing
 *	of their postinst that an instance needs: a dynamicmaps.cf that
 *	registers the map modules unpacked, taken from the template the
 *	postfix package ships.
 *
 *	Debian's daemons live in usr/lib/postfix/sbin and find their
 *	shared libraries through RUNPATH /usr/lib/postfix: an instance of
 *	such a build layers the stage's usr/lib over /usr/lib in its mount
 *	namespace (instance(3)), and nothing is installed on the host.
 * DIAGNOSTICS
 *	HR_EINPUT when no apt source has the version; HR_EBUILD when a
 *	package does not unpack; HR_ERROR for other trouble.
 * SEE ALSO
 *	apt-get(8), dpkg-deb(1), build(3), apt(3).
 */
#include <stdio.h>
#include <string.h>

#include "build/prebuilt.h"
#include "source/apt.h"
#include "util/buf.h"
#include "util/fsutil.h"
#include "util/hash.h"
#include "util/mem.h"
#include "util/msg.h"
#include "util/spawn.h"

/* The packages: postfix, and the map modules an instance may use
 * (Debian builds pcre and lmdb as modules; texthash, regexp and cidr
 * are in postfix itself). */
static const char *const packages[] = {"postfix", "postfix-pcre",
                                       "postfix-lmdb", NULL};

/* download - apt-get download NAME=VERSION..., with opts, into dir */
static int download(const char *dir, const char *version, const hr_strv *opts,
                    hr_buf *log)
{
    hr_strv argv = HR_STRV_INIT;
    int status, error;

    hr_strv_add(&argv, "apt-get");
    hr_strv_addv(&argv, opts);
    hr_strv_add(&argv, "-q");
    hr_strv_add(&argv, "download");
    for (const char *const *p = packages; *p; p++)
        hr_strv_addf(&argv, "%s=%s", *p, version);
    hr_buf_clear(log);
    error = hr_spawn_capture(&status, log, log,
                             (const char *const *)hr_strv_argv(&argv), dir,
                             600000);
    hr_strv_release(&argv);
    if (error < 0)
        return error;
    if (status != 0) {
        const char *e = hr_apt_error(hr_buf_cstr(log));

        return hr_error_set(HR_EINPUT, "apt-get download of postfix %s "
                            "failed: %.*s", version, (int)strcspn(e, "\n"),
                            e);
    }
    return 0;
}

/* have_all - one .deb of each package in dir; their paths, sorted */
static int have_all(hr_strv *out, const char *dir)
{
    hr_strv names = HR_STRV_INIT;
    int all = 1;

    if (hr_dir_list(&names, dir) < 0) {
        hr_error_clear();
        return 0;
    }
    for (const char *const *p = packages; *p; p++) {
        const char *found = NULL;
        size_t n = strlen(*p);

        for (size_t i = 0; i < names.n; i++) {
            size_t len = strlen(names.v[i]);

            if (strncmp(names.v[i], *p, n) == 0 && names.v[i][n] == '_' &&
                len > 4 && strcmp(names.v[i] + len - 4, ".deb") == 0)
                found = names.v[i];
        }
        if (found == NULL)
            all = 0;
        else if (out)
            hr_strv_add_owned(out, hr_path_join(dir, found));
    }
    hr_strv_release(&names);
    if (out)
        hr_strv_sort(out);
    return all;
}

/* hr_prebuilt_fetch - Debian's packages of a version, checked by apt */
int hr_prebuilt_fetch(hr_strv *out, const char *version, const char *cache_dir,
                      const char *apt_state)
{
    hr_strv opts = HR_STRV_INIT, debs = HR_STRV_INIT;
    hr_buf log = HR_BUF_INIT;
    char *dir = NULL;
    int error = 0;

    if (!hr_apt_valid_version(version))
        return hr_error_set(HR_EINPUT, "'%s' is not a Debian version",
                            version);
    dir = hr_path_join(cache_dir, version);
    if ((error = hr_mkdir_p(dir, 0755)) < 0)
        goto done;
    hr_buf_init(&log, 1 << 20);
    if (!have_all(NULL, dir) && download(dir, version, &opts, &log) < 0) {
        /* Another release's version: the temporary source list. */
        if ((error = hr_apt_other(&opts, apt_state, 0)) < 0 ||
            (error = download(dir, version, &opts, &log)) < 0)
            goto done;
    }
    hr_error_clear();
    if (!have_all(&debs, dir)) {
        error = hr_error_set(HR_ERROR, "apt-get download left no package of "
                             "each of postfix, postfix-pcre and postfix-lmdb "
                             "in '%s'", dir);
        goto done;
    }
    for (size_t i = 0; i < debs.n; i++) {
        char sha[HR_SHA256_HEX];
        const char *base = hr_path_basename(debs.v[i]);
        size_t n = strcspn(base, "_");

        if ((error = hr_sha256_file(sha, debs.v[i])) < 0)
            goto done;
        hr_strv_addf(out, "%.*s %s %s %s", (int)n, base, version, sha,
                     debs.v[i]);
    }
done:
    hr_strv_release(&opts);
    hr_strv_release(&debs);
    hr_buf_release(&log);
    hr_free(dir);
    return error;
}

/* dynamicmaps - the lines of the shipped template for the modules that
 * the stage has, as the map packages' postinst (addmap) writes them */
static int dynamicmaps(const char *stage)
{
    char *tmpl = hr_sprintf("%s/usr/share/postfix/dynamicmaps.cf", stage);
    char *path = hr_sprintf("%s/etc/postfix/dynamicmaps.cf", stage);
    hr_buf in = HR_BUF_INIT, out = HR_BUF_INIT;
    int error;

    if ((error = hr_file_read(&in, tmpl, 1 << 20)) < 0)
        goto done;
    hr_buf_puts(&out, "# written by pfharness for the unpacked map modules, "
                      "as their postinst would\n");
    for (const char *p = hr_buf_cstr(&in); *p;) {
        size_t len = strcspn(p, "\n");
        hr_strv w = HR_STRV_INIT;
        char *line = hr_strndup(p, len);

        p += len + (p[len] == '\n');
        if (line[0] != '#' && hr_strv_split(&w, line, " \t") >= 3 &&
            strchr(w.v[1], '/') == NULL) {
            char *so = hr_sprintf("%s/usr/lib/postfix/%s", stage, w.v[1]);

            if (hr_is_file(so))
                hr_buf_printf(&out, "%s\n", line);
            hr_free(so);
        }
        hr_strv_release(&w);
        hr_free(line);
    }
    error = hr_file_write_atomic(path, out.ptr, out.len, 0644);
done:
    hr_buf_release(&in);
    hr_buf_release(&out);
    hr_free(tmpl);
    hr_free(path);
    return error;
}

/* hr_prebuilt_stage - unpack "NAME VERSION SHA256 PATH" packages */
int hr_prebuilt_stage(const hr_strv *debs, const char *stage,
                      const char *log_path)
{
    int error;

    if ((error = hr_mkdir_p(stage, 0755)) < 0)
        return error;
    for (size_t i = 0; i < debs->n; i++) {
        const char *path = strrchr(debs->v[i], ' ') + 1;
        hr_spawn_opts o = HR_SPAWN_OPTS_INIT;
        const char *argv[] = {"dpkg-deb", "-x", path, stage, NULL};
        int status;

        o.argv = argv;
        o.out = HR_OUT_FILE;
        o.out_path = log_path;
        o.err = HR_OUT_STDOUT;
        o.timeout_ms = 600000;
        if ((error = hr_spawn_run(&status, &o)) < 0)
            return error;
        if (status != 0)
            return hr_error_set(HR_EBUILD, "dpkg-deb -x %s failed (exit "
                                "status %d); see %s", path, status, log_path);
    }
    return dynamicmaps(stage);
}

/*
 * NAME
 *	util/mountview 3
 * SUMMARY
 *	a private, read-only view of the filesystem for one child process
 * SYNOPSIS
 *	#include "util/mountview.h"
 *
 *	int	hr_mountview_plan(out, spec)
 *	int	hr_mountview_enter(m)
 *	void	hr_mountview_free(m)
 * DESCRIPTION
 *	A Postfix instance runs what a case configures, and pfharness runs
 *	as root. Besides checking every value (case(3), config(3)), each
 *	instance gets a mount namespace of its own, in which:
 *
 *	- every mount of the host is read-only;
 *	- the directories of spec->cover (for an instance: /root, /home,
 *	  /tmp, /var/tmp, /run, /var/spool/postfix and the harness's var/)
 *	  are covered by empty tmpfs mounts, so that the files and the
 *	  UNIX sockets under them do not exist;
 *	  With spec->open_tmp, the covers of /tmp and /var/tmp are
 *	  writable by anyone (mode 1777, 256 MB), as those directories
 *	  are: for programs that run as nobody and keep files there;
 *	- the directories of spec->ro (the build's stage) are there again,
 *	  read-only, and those of spec->rw (the instance's own directory)
 *	  writable, at their own paths, also where a cover hid them;
 *	- each "TARGET:LOWER" of spec->layers shows LOWER's files over
 *	  TARGET's, read-only (overlayfs, lowerdir=LOWER:TARGET): a
 *	  distribution's binaries whose RUNPATH is /usr/lib/postfix find
 *	  their libraries in the stage, with nothing written to the host.
 *
 *	Mount namespaces are inherited: master's daemons and every command
 *	that the instance runs see what master sees. Mounts made in the
 *	namespace do not propagate to the host (/ is made private first).
 *
 *	hr_mountview_plan() does the work that allocates, before fork():
 *	it reads /proc/self/mountinfo and resolves the paths.
 *	hr_mountview_enter(), in the child after fork(), makes only system
 *	calls: it opens each kept directory (O_PATH) in the new namespace,
 *	so that it can mount it from /proc/self/fd after a cover hid its
 *	path. Directories of
 *	cover that do not exist, or that lie inside another cover, are
 *	skipped; a kept directory must exist.
 * DIAGNOSTICS
 *	hr_mountview_plan() returns 0 or a negative error (hr_error_set()).
 *	hr_mountview_enter() returns 0, or -1 with errno set; the caller
 *	then exits without running anything.
 * SEE ALSO
 *	mount_namespaces(7), SECURITY.md, spawn(3).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/mountinfo.h"
#include "util/mountview.h"
#include "util/mem.h"
#include "util/msg.h"
#include "util/strv.h"

#define COVER_OPTS "mode=0755,size=4m"
#define OPEN_TMP_OPTS "mode=1777,size=256m"

typedef struct keep {
    char *path;    /* resolved */
    char from[32]; /* "/proc/self/fd/N", made in the child */
    int rw;
    hr_strv mkdirs; /* components to make inside a cover, in order */
} keep;

typedef struct mnt {
    char *path;
    unsigned long flags; /* nosuid, nodev, noexec to keep */
    int hidden;          /* under a cover: no need to touch it */
} mnt;

struct hr_mountview {
    mnt *mounts;
    size_t nmounts;
    hr_strv covers; /* resolved, existing, outermost only */
    keep *keeps;
    size_t nkeeps;
    hr_strv layer_targets, layer_opts; /* mount() arguments, made early */
    int open_tmp;
};

/* under - is path dir itself or inside it */
static int under(const char *path, const char *dir)
{
    size_t n = strlen(dir);

    if (strcmp(dir, "/") == 0)
        return 1;
    return strncmp(path, dir, n) == 0 && (path[n] == 0 || path[n] == '/');
}

/* read_mounts - the mount points, parents before children */
static int read_mounts(hr_mountview *m)
{
    hr_mount *v;
    size_t n;
    int error;

    if ((error = hr_mountinfo_read(&v, &n)) < 0)
        return error;
    m->mounts = hr_calloc(n ? n : 1, sizeof(*m->mounts));
    for (size_t i = 0; i < n; i++) {
        mnt *e = &m->mounts[m->nmounts++];

        e->path = hr_strdup(v[i].path);
        e->flags = 0;
        e->hidden = 0;
        if (strstr(v[i].options, "nosuid"))
            e->flags |= MS_NOSUID;
        if (strstr(v[i].options, "nodev"))
            e->flags |= MS_NODEV;
        if (strstr(v[i].options, "noexec"))
            e->flags |= MS_NOEXEC;
    }
    hr_mountinfo_free(v, n);
    return 0;
}

/* by_length - qsort helper: shorter paths first */
static int by_length(const void *a, const void *b)
{
    size_t x = strlen(*(char *const *)a), y = strlen(*(char *const *)b);

    return x < y ? -1 : x > y;
}

/* add_keep - resolve and open one kept directory */
static int add_keep(hr_mountview *m, const char *dir, int rw)
{
    char *real = realpath(dir, NULL);
    keep *k;

    if (real == NULL)
        return hr_error_set(HR_ERROR,
                            "cannot keep '%s' in the instance's "
                            "view: %s",
                            dir, strerror(errno));
    m->keeps = hr_realloc(m->keeps, (m->nkeeps + 1) * sizeof(*m->keeps));
    k = &m->keeps[m->nkeeps++];
    memset(k, 0, sizeof(*k));
    k->path = hr_strdup(real);
    free(real);
    k->rw = rw;
    return 0;
}

/* hr_mountview_plan - everything the child needs, made before fork */
int hr_mountview_plan(hr_mountview **out, const hr_mountview_spec *v)
{
    hr_mountview *m = hr_calloc(1, sizeof(*m));
    hr_strv covers = HR_STRV_INIT;
    int error;

    *out = NULL;
    m->open_tmp = v->open_tmp;
    if ((error = read_mounts(m)) < 0)
        goto fail;
    for (const char *const *c = v->cover; c && *c; c++) {
        char *real = realpath(*c, NULL);
        struct stat st;

        if (real && stat(real, &st) == 0 && S_ISDIR(st.st_mode) &&
            strcmp(real, "/") != 0)
            hr_strv_add(&covers, real);
        free(real);
    }
    if (covers.n)
        qsort(covers.v, covers.n, sizeof(char *), by_length);
    for (size_t i = 0; i < covers.n; i++) {
        int inside = 0;

        for (size_t j = 0; j < m->covers.n && !inside; j++)
            inside = under(covers.v[i], m->covers.v[j]);
        if (!inside)
            hr_strv_add(&m->covers, covers.v[i]);
    }
    for (size_t i = 0; i < m->nmounts; i++)
        for (size_t j = 0; j < m->covers.n; j++)
            if (under(m->mounts[i].path, m->covers.v[j]) &&
                strcmp(m->mounts[i].path, m->covers.v[j]) != 0)
                m->mounts[i].hidden = 1;
    for (const char *const *d = v->ro; d && *d && error == 0; d++)
        error = add_keep(m, *d, 0);
    for (const char *const *d = v->rw; d && *d && error == 0; d++)
        error = add_keep(m, *d, 1);
    if (error < 0)
        goto fail;
    /* Outer directories first: an rw instance inside an ro tree. */
    for (size_t i = 1; i < m->nkeeps; i++)
        for (size_t j = i;
             j > 0 && strlen(m->keeps[j - 1].path) > strlen(m->keeps[j].path);
             j--) {
            keep t = m->keeps[j];

            m->keeps[j] = m->keeps[j - 1];
            m->keeps[j - 1] = t;
        }
    for (size_t i = 0; i < m->nkeeps; i++) {
        keep *k = &m->keeps[i];

        for (size_t j = 0; j < m->covers.n; j++) {
            const char *c = m->covers.v[j];

            if (!under(k->path, c) || strcmp(k->path, c) == 0)
                continue;
            /* /root covered, /root/x/var kept: make /root/x, then
             * /root/x/var, in the empty tmpfs. */
            for (const char *s = k->path + strlen(c) + 1;; s++)
                if (*s == '/' || *s == 0) {
                    hr_strv_add_owned(&k->mkdirs,
                                      hr_strndup(k->path, s - k->path));
                    if (*s == 0)
                        break;
                }
        }
    }
    for (const char *const *l = v->layers; l && *l && error == 0; l++) {
        const char *colon = strchr(*l, ':');
        char *target = colon ? hr_strndup(*l, (size_t)(colon - *l)) : NULL;
        char *rt = target ? realpath(target, NULL) : NULL;
        char *rl = colon ? realpath(colon + 1, NULL) : NULL;

        if (rt == NULL || rl == NULL || strpbrk(rl, ":,") ||
            strpbrk(rt, ":,"))
            error = hr_error_set(HR_ERROR, "cannot layer '%s' in the "
                                 "instance's view: a missing directory, or "
                                 "':' or ',' in a path", *l);
        else {
            hr_strv_add(&m->layer_targets, rt);
            hr_strv_add_owned(&m->layer_opts,
                              hr_sprintf("lowerdir=%s:%s", rl, rt));
        }
        free(rt);
        free(rl);
        hr_free(target);
    }
    if (error < 0)
        goto fail;
    hr_strv_release(&covers);
    *out = m;
    return 0;
fail:
    hr_strv_release(&covers);
    hr_mountview_free(m);
    return error;
}

/* fd_path - "/proc/self/fd/N" into from, without stdio */
static void fd_path(char *from, int fd)
{
    static const char prefix[] = "/proc/self/fd/";
    char digits[12];
    int n = 0;

    do
        digits[n++] = (char)('0' + fd % 10);
    while ((fd /= 10) > 0);
    memcpy(from, prefix, sizeof(prefix) - 1);
    from += sizeof(prefix) - 1;
    while (n > 0)
        *from++ = digits[--n];
    *from = 0;
}

/* hr_mountview_enter - in the child: system calls only */
int hr_mountview_enter(hr_mountview *m)
{
    if (unshare(CLONE_NEWNS) < 0 ||
        mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
        return -1;
    /* Layers first: their lower directories may lie under a cover. */
    for (size_t i = 0; i < m->layer_targets.n; i++)
        if (mount("overlay", m->layer_targets.v[i], "overlay",
                  MS_RDONLY | MS_NOSUID | MS_NODEV, m->layer_opts.v[i]) < 0)
            return -1;
    /* A bind mount's source must be a mount of this namespace: the kept
     * directories are opened here, before the covers hide their paths. */
    for (size_t i = 0; i < m->nkeeps; i++) {
        int fd = open(m->keeps[i].path, O_PATH | O_DIRECTORY | O_CLOEXEC);

        if (fd < 0)
            return -1;
        fd_path(m->keeps[i].from, fd);
    }
    for (size_t i = 0; i < m->nmounts; i++) {
        const mnt *e = &m->mounts[i];

        if (e->hidden)
            continue;
        if (mount(NULL, e->path, NULL,
                  MS_REMOUNT | MS_BIND | MS_RDONLY | e->flags, NULL) < 0 &&
            errno != ENOENT && errno != EINVAL)
            return -1;
    }
    for (size_t i = 0; i < m->covers.n; i++) {
        const char *c = m->covers.v[i];
        int tmp = m->open_tmp &&
                  (strcmp(c, "/tmp") == 0 || strcmp(c, "/var/tmp") == 0);

        if (mount("tmpfs", c, "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC,
                  tmp ? OPEN_TMP_OPTS : COVER_OPTS) < 0)
            return -1;
    }
    for (size_t i = 0; i < m->nkeeps; i++) {
        const keep *k = &m->keeps[i];

        for (size_t j = 0; j < k->mkdirs.n; j++)
            if (mkdir(k->mkdirs.v[j], 0755) < 0 && errno != EEXIST)
                return -1;
        if (mount(k->from, k->path, NULL, MS_BIND | MS_REC, NULL) < 0 ||
            mount(NULL, k->path, NULL,
                  MS_REMOUNT | MS_BIND | (k->rw ? 0 : MS_RDONLY), NULL) < 0)
            return -1;
    }
    return 0;
}

/* hr_mountview_free - close and free; NULL is fine */
void hr_mountview_free(hr_mountview *m)
{
    if (m == NULL)
        return;
    for (size_t i = 0; i < m->nmounts; i++)
        hr_free(m->mounts[i].path);
    hr_free(m->mounts);
    hr_strv_release(&m->covers);
    hr_strv_release(&m->layer_targets);
    hr_strv_release(&m->layer_opts);
    for (size_t i = 0; i < m->nkeeps; i++) {
        hr_free(m->keeps[i].path);
        hr_strv_release(&m->keeps[i].mkdirs);
    }
    hr_free(m->keeps);
    hr_free(m);
}

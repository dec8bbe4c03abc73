/*
 * NAME
 *	narrow/progwatch 3
 * SUMMARY
 *	which files of a few directories were opened (inotify)
 * SYNOPSIS
 *	#include "narrow/progwatch.h"
 *
 *	int	hr_progwatch_new(out, dirs)
 *	int	hr_progwatch_take(w, opened)
 *	void	hr_progwatch_free(w)
 * DESCRIPTION
 *	hr_progwatch_new() watches the directories of the NULL-terminated
 *	list dirs (absolute paths; one that does not exist is left out)
 *	for files opened in them. execve() opens the program it runs, so
 *	a program that ran is a file that was opened, and so is a script
 *	(twice: the kernel and its interpreter). inotify watches inodes,
 *	not paths: processes that see the directory elsewhere (a
 *	read-only bind mount in another mount namespace, as instances
 *	do) are seen too. A hard link is reported under the name it was
 *	opened by; a symbolic link under its target's.
 *
 *	hr_progwatch_take() appends to opened the paths (DIR/NAME) of the
 *	files opened since hr_progwatch_new() or the last take, once
 *	each, sorted. Opening is the only event: stat() and readdir() are
 *	not seen; reading a file is (a false alarm at worst).
 * DIAGNOSTICS
 *	A negative code with hr_error_set() when inotify fails; take
 *	returns 1 when the kernel's queue overflowed and events were lost:
 *	the caller must then assume that any file may have been opened.
 */
#include <errno.h>
#include <string.h>
#include <sys/inotify.h>
#include <unistd.h>

#include "narrow/progwatch.h"
#include "util/fsutil.h"
#include "util/mem.h"
#include "util/msg.h"

struct hr_progwatch {
    int fd;
    hr_strv dirs; /* by watch descriptor: dirs.v[wd - first] */
    int *wds;
};

/* hr_progwatch_new - start watching opens in dirs */
int hr_progwatch_new(hr_progwatch **out, const char *const *dirs)
{
    hr_progwatch *w = hr_calloc(1, sizeof(*w));
    size_t n = 0;

    *out = NULL;
    for (const char *const *d = dirs; *d; d++)
        n++;
    w->wds = hr_calloc(n ? n : 1, sizeof(int));
    if ((w->fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC)) < 0) {
        int error = hr_error_set(HR_ERROR, "inotify_init1: %s",
                                 strerror(errno));

        hr_progwatch_free(w);
        return error;
    }
    for (const char *const *d = dirs; *d; d++) {
        int wd;

        if (!hr_is_dir(*d))
            continue;
        if ((wd = inotify_add_watch(w->fd, *d, IN_OPEN | IN_ONLYDIR)) < 0) {
            int error = hr_error_set(HR_ERROR, "cannot watch '%s': %s", *d,
                                     strerror(errno));

            hr_progwatch_free(w);
            return error;
        }
        w->wds[w->dirs.n] = wd;
        hr_strv_add(&w->dirs, *d);
    }
    *out = w;
    return 0;
}

/* dir_of - the directory of a watch descriptor, or NULL */
static const char *dir_of(const hr_progwatch *w, int wd)
{
    for (size_t i = 0; i < w->dirs.n; i++)
        if (w->wds[i] == wd)
            return w->dirs.v[i];
    return NULL;
}

/* hr_progwatch_take - the files opened since the last take */
int hr_progwatch_take(hr_progwatch *w, hr_strv *opened)
{
    char buf[16384] __attribute__((aligned(__alignof__(struct inotify_event))));
    hr_strv found = HR_STRV_INIT;
    int lost = 0;

    for (;;) {
        ssize_t len = read(w->fd, buf, sizeof(buf));

        if (len < 0 && errno == EINTR)
            continue;
        if (len < 0 && errno == EAGAIN)
            break;
        if (len <= 0) {
            hr_strv_release(&found);
            return hr_error_set(HR_ERROR, "reading inotify events: %s",
                                len < 0 ? strerror(errno) : "end of file");
        }
        for (char *p = buf; p < buf + len;) {
            const struct inotify_event *e = (const struct inotify_event *)p;
            const char *dir = dir_of(w, e->wd);

            if (e->mask & IN_Q_OVERFLOW)
                lost = 1;
            else if (dir && e->len && (e->mask & IN_OPEN) &&
                     !(e->mask & IN_ISDIR)) {
                char *path = hr_path_join(dir, e->name);

                if (hr_strv_find(&found, path) < 0)
                    hr_strv_add_owned(&found, path);
                else
                    hr_free(path);
            }
            p += sizeof(*e) + e->len;
        }
    }
    hr_strv_sort(&found);
    hr_strv_addv(opened, &found);
    hr_strv_release(&found);
    return lost;
}

/* hr_progwatch_free - stop watching; NULL is fine */
void hr_progwatch_free(hr_progwatch *w)
{
    if (w == NULL)
        return;
    if (w->fd >= 0)
        close(w->fd);
    hr_strv_release(&w->dirs);
    hr_free(w->wds);
    hr_free(w);
}

/*
 * NAME
 *	instance/spool 3
 * SUMMARY
 *	an instance's queue and mailboxes in memory
 * SYNOPSIS
 *	#include "instance/spool.h"
 *
 *	int	hr_spool_mount(mounted, dir, owner)
 *	int	hr_spool_unmount(dir)
 *	int	hr_spool_keep_queue(spool_queue, disk_queue)
 *	int	hr_spool_list(dirs, owners)
 *	int	hr_spool_unmount_stale(dir)
 * DESCRIPTION
 *	An instance's queue, data directory and mailboxes live on a tmpfs
 *	of their own (DIR/spool): Postfix creates, fsyncs and deletes a
 *	queue file and a mailbox file for every message, and on a disk
 *	filesystem that churn costs the kernel's inode allocation, journal
 *	commits and waits for the device (about a sixth of a warm main
 *	job's wall time, measured). Nothing observed depends on it: queue
 *	ids and file names are normalized, and the log and the
 *	configuration stay on disk with the rest of the instance.
 *
 *	hr_spool_mount() makes dir and mounts the tmpfs (at most 512 MB,
 *	a bound per instance: pages count only when used) on it, named after
 *	owner (the instance's network namespace name, pfh-PID-N), so that
 *	"pfharness clean" can tell whose it is; it is registered with
 *	cleanup(3), which unmounts it on every exit path. Where mounting is
 *	not allowed (a container without CAP_SYS_ADMIN), *mounted is 0,
 *	the directory stays on disk, and everything works as before,
 *	slower (hr_verbose says so once). hr_spool_unmount() empties it
 *	(other instances' mount namespaces hold a copy of it until they
 *	stop), detaches it (the processes of the instance are gone by
 *	then) and forgets it.
 *
 *	hr_spool_keep_queue() copies the queue to disk_queue when mail is
 *	left in it (deferred, held, corrupt), for the bug-report bundle's
 *	queue shape after the run; an empty queue is not copied.
 *
 *	hr_spool_list() lists the mounted spools (mount point and owner
 *	name) from /proc/self/mountinfo, for "pfharness clean".
 *	hr_spool_unmount_stale() detaches the spools mounted on dir whose
 *	pfharness process is gone (a killed run that used the same
 *	directory), and says how many it detached.
 * DIAGNOSTICS
 *	Functions return 0 or a negative code with hr_error_set().
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>

#include "instance/netns.h"
#include "instance/spool.h"
#include "util/cleanup.h"
#include "util/fsutil.h"
#include "util/mem.h"
#include "util/mountinfo.h"
#include "util/msg.h"
#include "util/spawn.h"

/* Large enough for any case's queue (message_size_limit is 10 MB by
 * default); a bound, so that a runaway case cannot eat the memory. */
#define SPOOL_OPTIONS "mode=0755,size=512m"

/* owner_name - "pfh-PID-N", as hr_netns_name() makes them */
static int owner_name(const char *s)
{
    const char *p = s + strlen(HR_NETNS_PREFIX);
    size_t a, b;

    if (strncmp(s, HR_NETNS_PREFIX, strlen(HR_NETNS_PREFIX)) != 0)
        return 0;
    a = strspn(p, "0123456789");
    if (a == 0 || p[a] != '-')
        return 0;
    b = strspn(p + a + 1, "0123456789");
    return b > 0 && p[a + 1 + b] == 0;
}

/* Queues that may hold mail after a run. */
static const char *const mail_queues[] = {
    "maildrop", "incoming", "active", "deferred", "hold", "corrupt", "saved",
    NULL,
};

/* hr_spool_mount - a tmpfs on dir, named after owner */
int hr_spool_mount(int *mounted, const char *dir, const char *owner)
{
    static int told;
    int error;

    *mounted = 0;
    if ((error = hr_mkdir_p(dir, 0755)) < 0)
        return error;
    if (strncmp(owner, HR_NETNS_PREFIX, strlen(HR_NETNS_PREFIX)) != 0)
        hr_panic("spool owner '%s' lacks the %s prefix", owner,
                 HR_NETNS_PREFIX);
    if (hr_cleanup_add_mount(dir) < 0) {
        /* A path too long for the cleanup's table: stay on disk. */
        return 0;
    }
    if (mount(owner, dir, "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC,
              SPOOL_OPTIONS) < 0) {
        hr_cleanup_del_mount(dir);
        if (hr_verbose > 0 && !__atomic_exchange_n(&told, 1, __ATOMIC_SEQ_CST))
            hr_msg_info("instance queues stay on disk: cannot mount a tmpfs "
                        "on '%s': %s", dir, strerror(errno));
        return 0;
    }
    *mounted = 1;
    return 0;
}

/* hr_spool_unmount - empty, detach and forget */
int hr_spool_unmount(const char *dir)
{
    hr_strv names = HR_STRV_INIT;
    int error = 0, pending = hr_error_code();
    char *text = pending ? hr_strdup(hr_error_last()) : NULL;

    /* Instances that started while this spool was mounted hold a copy
     * of the mount (under their cover of var/) until they stop: empty
     * it, so that its memory goes now, not with the last of them. A
     * file that will not go is only memory kept longer: the error slot
     * is left as the caller had it (this runs on error paths too). */
    if (hr_dir_list(&names, dir) == 0)
        for (size_t i = 0; i < names.n && error == 0; i++) {
            char *sub = hr_path_join(dir, names.v[i]);

            error = hr_rm_rf(sub);
            hr_free(sub);
        }
    hr_strv_release(&names);
    if (text)
        hr_error_set(pending, "%s", text);
    else
        hr_error_clear();
    hr_free(text);
    error = 0;
    if (umount2(dir, MNT_DETACH) < 0 && errno != EINVAL && errno != ENOENT)
        error = hr_error_set(HR_ERROR, "cannot unmount '%s': %s", dir,
                             strerror(errno));
    hr_cleanup_del_mount(dir);
    return error;
}

/* has_file - is there a file other than a directory below path */
static int has_file(const char *path, int depth)
{
    DIR *d;
    struct dirent *e;
    int found = 0;

    if (depth > 4 || (d = opendir(path)) == NULL)
        return 0;
    while (!found && (e = readdir(d)) != NULL) {
        char *sub;

        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        if (e->d_type != DT_DIR)
            found = 1;
        else {
            sub = hr_path_join(path, e->d_name);
            found = has_file(sub, depth + 1);
            hr_free(sub);
        }
    }
    closedir(d);
    return found;
}

/* hr_spool_keep_queue - copy a queue with mail in it to disk */
int hr_spool_keep_queue(const char *spool_queue, const char *disk_queue)
{
    const char *argv[] = {"cp", "-a", "--", NULL, NULL, NULL};
    hr_buf err = HR_BUF_INIT;
    int found = 0, status, error;

    for (const char *const *q = mail_queues; *q && !found; q++) {
        char *dir = hr_path_join(spool_queue, *q);

        found = has_file(dir, 0);
        hr_free(dir);
    }
    if (!found || strcmp(spool_queue, disk_queue) == 0)
        return 0;
    if ((error = hr_rm_rf(disk_queue)) < 0)
        return error;
    argv[3] = spool_queue;
    argv[4] = disk_queue;
    hr_buf_init(&err, 4096);
    if ((error = hr_spawn_capture(&status, NULL, &err, argv, NULL, 30000)) ==
            0 &&
        status != 0)
        error = hr_error_set(HR_ERROR, "cannot copy '%s' to '%s': %.*s",
                             spool_queue, disk_queue,
                             (int)strcspn(hr_buf_cstr(&err), "\n"),
                             hr_buf_cstr(&err));
    hr_buf_release(&err);
    return error;
}

/* hr_spool_list - mounted spools: mount points and owner names */
int hr_spool_list(hr_strv *dirs, hr_strv *owners)
{
    hr_mount *v;
    size_t n;
    int error;

    if ((error = hr_mountinfo_read(&v, &n)) < 0)
        return error;
    for (size_t i = 0; i < n; i++)
        if (strcmp(v[i].fstype, "tmpfs") == 0 && owner_name(v[i].source)) {
            hr_strv_add(dirs, v[i].path);
            hr_strv_add(owners, v[i].source);
        }
    hr_mountinfo_free(v, n);
    return 0;
}

/* hr_spool_unmount_stale - detach dead runs' spools mounted on dir */
int hr_spool_unmount_stale(const char *dir)
{
    hr_strv dirs = HR_STRV_INIT, owners = HR_STRV_INIT;
    char real[PATH_MAX];
    int error, n = 0;

    /* mountinfo shows the path with its symbolic links resolved */
    if (realpath(dir, real) == NULL)
        snprintf(real, sizeof(real), "%s", dir);
    if ((error = hr_spool_list(&dirs, &owners)) < 0)
        return error;
    for (size_t i = 0; i < dirs.n && error == 0; i++) {
        if (strcmp(dirs.v[i], real) != 0 || hr_netns_owner_alive(owners.v[i]))
            continue;
        if (umount2(real, MNT_DETACH) < 0)
            error = hr_error_set(HR_ERROR, "cannot unmount the spool '%s' of "
                                 "a run that is gone (%s): %s", real,
                                 owners.v[i], strerror(errno));
        else
            n++;
    }
    hr_strv_release(&dirs);
    hr_strv_release(&owners);
    return error < 0 ? error : n;
}

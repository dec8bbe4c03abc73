/*
 * NAME
 *	instance/netns 3
 * SUMMARY
 *	the project's own network namespaces
 * SYNOPSIS
 *	#include "instance/netns.h"
 *
 *	int	hr_netns_create(name)
 *	int	hr_netns_delete(name)
 *	int	hr_netns_socket(out, name, domain, type)
 *	int	hr_netns_list(out)
 *	int	hr_netns_kill_all(name, timeout_ms)
 *	int	hr_netns_pids(out, name)
 *	char	*hr_netns_name(void)
 *	int	hr_netns_owner_alive(name)
 * DESCRIPTION
 *	Every instance runs in a network namespace of its own, named
 *	pfh-<pid>-<n> by hr_netns_name(): the harness's process id and a
 *	counter of that process, so that names repeat neither within a
 *	run nor between concurrent runs. It is made with "ip netns add" (so that "ip netns" shows
 *	and manages it too) with only the loopback interface, up. Every
 *	instance uses the same addresses and ports, and nothing it sends
 *	can leave the namespace. lo is brought up in-process (an ioctl from
 *	a socket made inside the namespace).
 *
 *	hr_netns_create() registers the namespace with cleanup(3), so that
 *	a signal or an exit removes it; hr_netns_delete() removes it and
 *	forgets it.
 *
 *	hr_netns_socket() creates a socket inside a namespace: the calling
 *	thread enters the namespace, creates the socket and returns to its
 *	own namespace. The socket keeps the namespace it was created in,
 *	so the replay client and the sink need no child process.
 *
 *	hr_netns_list() lists the namespaces with our prefix, sorted, for
 *	"pfharness clean". hr_netns_kill_all() stops every process inside
 *	one: SIGTERM, then SIGKILL after timeout_ms.
 *	hr_netns_owner_alive() says whether the pfharness process that
 *	named a namespace still runs: "pfharness clean" leaves its
 *	namespaces alone. A name of another form has no owner.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "instance/netns.h"
#include "util/cleanup.h"
#include "util/fsutil.h"
#include "util/mem.h"
#include "util/msg.h"
#include "util/spawn.h"

#define NETNS_RUN "/run/netns"

/* hr_netns_name - a new name, unique among all runs on the machine */
char *hr_netns_name(void)
{
    static unsigned seq;

    return hr_sprintf("%s%ld-%u", HR_NETNS_PREFIX, (long)getpid(),
                      __atomic_add_fetch(&seq, 1, __ATOMIC_SEQ_CST));
}

/* hr_netns_owner_alive - is the process that named it still running */
int hr_netns_owner_alive(const char *name)
{
    const char *s = name + strlen(HR_NETNS_PREFIX);
    char *end, *path, comm[64] = "";
    long pid;
    FILE *f;

    if (strncmp(name, HR_NETNS_PREFIX, strlen(HR_NETNS_PREFIX)) != 0)
        return 0;
    pid = strtol(s, &end, 10);
    if (end == s || *end != '-' || pid <= 0 || pid == (long)getpid())
        return 0;
    path = hr_sprintf("/proc/%ld/comm", pid);
    if ((f = fopen(path, "re")) != NULL) {
        if (fgets(comm, sizeof(comm), f) == NULL)
            comm[0] = 0;
        fclose(f);
    }
    hr_free(path);
    /* A recycled pid belongs to some other program. */
    return strncmp(comm, "pfharness", 9) == 0;
}

/* ip - run "ip ARGS..." quietly */
static int ip(const char *const *argv)
{
    hr_buf err = HR_BUF_INIT;
    int status, error;

    hr_buf_init(&err, 4096);
    if ((error = hr_spawn_capture(&status, NULL, &err, argv, NULL, 10000)) ==
            0 &&
        status != 0)
        error = hr_error_set(HR_ERROR, "'ip %s %s %s' failed: %.*s", argv[1],
                             argv[2], argv[3] ? argv[3] : "",
                             (int)strcspn(hr_buf_cstr(&err), "\n"),
                             hr_buf_cstr(&err));
    hr_buf_release(&err);
    return error;
}

/* lo_up - bring the loopback interface of a namespace up, in-process:
 * "ip -n NAME link set lo up" needs / to be a mount point (it remounts
 * it as a slave), which a chroot does not have, and costs an exec */
static int lo_up(const char *name)
{
    struct ifreq ifr;
    int fd, error = 0;

    if ((error = hr_netns_socket(&fd, name, AF_INET, SOCK_DGRAM)) < 0)
        return error;
    memset(&ifr, 0, sizeof(ifr));
    snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "lo");
    if (ioctl(fd, SIOCGIFFLAGS, &ifr) < 0) {
        error = hr_error_set(HR_ERROR, "cannot read the flags of lo in '%s': "
                             "%s", name, strerror(errno));
    } else {
        ifr.ifr_flags |= IFF_UP;
        if (ioctl(fd, SIOCSIFFLAGS, &ifr) < 0)
            error = hr_error_set(HR_ERROR, "cannot bring lo up in '%s': %s",
                                 name, strerror(errno));
    }
    close(fd);
    return error;
}

/* hr_netns_create - a namespace with lo up */
int hr_netns_create(const char *name)
{
    const char *add[] = {"ip", "netns", "add", name, NULL};
    int error;

    if (strncmp(name, HR_NETNS_PREFIX, strlen(HR_NETNS_PREFIX)) != 0)
        hr_panic("netns name '%s' lacks the %s prefix", name, HR_NETNS_PREFIX);
    hr_cleanup_add_netns(name);
    if ((error = ip(add)) < 0 || (error = lo_up(name)) < 0) {
        hr_netns_delete(name);
        return error;
    }
    return 0;
}

/* hr_netns_delete - unmount and unlink, as "ip netns del" does */
int hr_netns_delete(const char *name)
{
    char *path = hr_sprintf("%s/%s", NETNS_RUN, name);
    int error = 0;

    umount2(path, MNT_DETACH);
    if (unlink(path) < 0 && errno != ENOENT)
        error = hr_error_set(HR_ERROR, "cannot remove network namespace "
                             "'%s': %s", name, strerror(errno));
    hr_cleanup_del_netns(name);
    hr_free(path);
    return error;
}

/* hr_netns_socket - a socket that lives in a namespace */
int hr_netns_socket(int *out, const char *name, int domain, int type)
{
    return hr_netns_socket_proto(out, name, domain, type, 0);
}

/* hr_netns_socket_proto - the same, of a given protocol (netlink's) */
int hr_netns_socket_proto(int *out, const char *name, int domain, int type,
                          int protocol)
{
    char *path = hr_sprintf("%s/%s", NETNS_RUN, name);
    int target = -1, self = -1, fd = -1, saved;
    int error = 0;

    *out = -1;
    if ((self = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC)) < 0 ||
        (target = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
        error = hr_error_set(HR_ERROR, "cannot open network namespace '%s': "
                             "%s", name, strerror(errno));
        goto done;
    }
    if (setns(target, CLONE_NEWNET) < 0) {
        error = hr_error_set(HR_ERROR, "cannot enter network namespace '%s': "
                             "%s", name, strerror(errno));
        goto done;
    }
    fd = socket(domain, type | SOCK_CLOEXEC, protocol);
    saved = errno;
    if (setns(self, CLONE_NEWNET) < 0)
        hr_panic("cannot return to the harness's network namespace: %s",
                 strerror(errno));
    if (fd < 0)
        error = hr_error_set(HR_ERROR, "socket in '%s': %s", name,
                             strerror(saved));
    *out = fd;
done:
    if (self >= 0)
        close(self);
    if (target >= 0)
        close(target);
    hr_free(path);
    return error;
}

/* hr_netns_list - our namespaces, sorted */
int hr_netns_list(hr_strv *out)
{
    hr_strv names = HR_STRV_INIT;
    int error = hr_dir_list(&names, NETNS_RUN);

    if (error == HR_ENOTFOUND)
        return 0;
    if (error < 0)
        return error;
    for (size_t i = 0; i < names.n; i++)
        if (strncmp(names.v[i], HR_NETNS_PREFIX, strlen(HR_NETNS_PREFIX)) == 0)
            hr_strv_add(out, names.v[i]);
    hr_strv_release(&names);
    return 0;
}

/* pids_in - processes whose network namespace is the named one */
static int pids_in(hr_strv *out, const char *name)
{
    char *path = hr_sprintf("%s/%s", NETNS_RUN, name);
    struct stat ns;
    DIR *d;
    struct dirent *de;

    if (stat(path, &ns) < 0) {
        hr_free(path);
        return 0;
    }
    hr_free(path);
    if ((d = opendir("/proc")) == NULL)
        return hr_error_set(HR_ERROR, "cannot read /proc: %s",
                            strerror(errno));
    while ((de = readdir(d)) != NULL) {
        char nspath[300];
        struct stat st;

        if (de->d_name[0] < '1' || de->d_name[0] > '9')
            continue;
        snprintf(nspath, sizeof(nspath), "/proc/%s/ns/net", de->d_name);
        if (stat(nspath, &st) == 0 && st.st_ino == ns.st_ino &&
            st.st_dev == ns.st_dev)
            hr_strv_add(out, de->d_name);
    }
    closedir(d);
    return 0;
}

/* hr_netns_pids - the processes in a namespace, as decimal strings */
int hr_netns_pids(hr_strv *out, const char *name)
{
    return pids_in(out, name);
}

/* hr_netns_kill_all - stop every process in a namespace */
int hr_netns_kill_all(const char *name, int timeout_ms)
{
    struct timespec tick = {0, 10 * 1000 * 1000};
    hr_strv pids = HR_STRV_INIT;
    int error, waited;

    for (int sig = SIGTERM;; sig = SIGKILL) {
        int limit = sig == SIGTERM ? timeout_ms : 2000;

        hr_strv_release(&pids);
        if ((error = pids_in(&pids, name)) < 0)
            return error;
        for (size_t i = 0; i < pids.n; i++)
            kill((pid_t)atoi(pids.v[i]), sig);
        for (waited = 0; pids.n > 0 && waited < limit;) {
            nanosleep(&tick, NULL);
            waited += 10;
            hr_strv_release(&pids);
            if ((error = pids_in(&pids, name)) < 0)
                return error;
        }
        if (pids.n == 0 || sig == SIGKILL)
            break;
    }
    error = pids.n ? hr_error_set(HR_ERROR, "%zu processes remain in '%s'",
                                  pids.n, name)
                   : 0;
    hr_strv_release(&pids);
    return error;
}

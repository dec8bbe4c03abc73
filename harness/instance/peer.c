/*
 * NAME
 *	instance/peer 3
 * SUMMARY
 *	which of an instance's processes serves a connection
 * SYNOPSIS
 *	#include "instance/instance.h"
 *
 *	long	hr_instance_peer_pid(in, fd)
 * DESCRIPTION
 *	hr_instance_peer_pid() returns the pid of the child of master that
 *	holds the server end of fd, a TCP connection made inside the
 *	instance's network namespace that the server has accepted (its
 *	greeting came): the smtpd that serves it. The namespace's
 *	/proc/PID/net/tcp (read through master) gives the inode of the
 *	socket whose local end is fd's peer and whose remote end is fd's
 *	local end; the child with that socket among its descriptors is the
 *	one.
 * DIAGNOSTICS
 *	0 when there is none: master is gone, the server has not accepted,
 *	or has already closed.
 */
#include <dirent.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "instance/instance_int.h"
#include "util/buf.h"
#include "util/fsutil.h"
#include "util/strv.h"

/* hex_addr - an IPv4 address and port as /proc/net/tcp shows them: the
 * address as the host's int in hex, the port in host order */
static void hex_addr(char *out, size_t len, const struct sockaddr_in *sa)
{
    snprintf(out, len, "%08X:%04X", (unsigned)sa->sin_addr.s_addr,
             (unsigned)ntohs(sa->sin_port));
}

/* socket_inode - of the connection whose local end is srv, remote cli */
static unsigned long socket_inode(pid_t master, const char *srv,
                                  const char *cli)
{
    char path[64];
    hr_buf b = HR_BUF_INIT;
    unsigned long inode = 0;

    snprintf(path, sizeof(path), "/proc/%ld/net/tcp", (long)master);
    if (hr_file_read(&b, path, 4 << 20) < 0)
        return 0;
    for (const char *p = hr_buf_cstr(&b); *p && inode == 0;) {
        char local[64], remote[64];
        unsigned long ino;

        /* "sl local rem st tx:rx tr:when retrnsmt uid timeout inode" */
        if (sscanf(p, " %*s %63s %63s %*s %*s %*s %*s %*s %*s %lu", local,
                   remote, &ino) == 3 &&
            strcmp(local, srv) == 0 && strcmp(remote, cli) == 0)
            inode = ino;
        p += strcspn(p, "\n");
        p += *p == '\n';
    }
    hr_buf_release(&b);
    return inode;
}

/* holds - process pid has the socket inode among its descriptors */
static int holds(const char *pid, unsigned long inode)
{
    char dir[64], want[64];
    DIR *d;
    struct dirent *e;
    int found = 0;

    snprintf(dir, sizeof(dir), "/proc/%.20s/fd", pid);
    snprintf(want, sizeof(want), "socket:[%lu]", inode);
    if ((d = opendir(dir)) == NULL)
        return 0;
    while (!found && (e = readdir(d)) != NULL) {
        char link[64 + 256], target[64];
        ssize_t n;

        if (e->d_name[0] == '.')
            continue;
        snprintf(link, sizeof(link), "%s/%s", dir, e->d_name);
        if ((n = readlink(link, target, sizeof(target) - 1)) > 0) {
            target[n] = 0;
            found = strcmp(target, want) == 0;
        }
    }
    closedir(d);
    return found;
}

/* hr_instance_peer_pid - the child of master that serves fd */
long hr_instance_peer_pid(hr_instance *in, int fd)
{
    struct sockaddr_in me, peer;
    socklen_t ml = sizeof(me), pl = sizeof(peer);
    char srv[32], cli[32], path[64];
    hr_buf list = HR_BUF_INIT;
    hr_strv pids = HR_STRV_INIT;
    unsigned long inode;
    long found = 0;

    if (in->master <= 0 || getsockname(fd, (struct sockaddr *)&me, &ml) < 0 ||
        getpeername(fd, (struct sockaddr *)&peer, &pl) < 0 ||
        me.sin_family != AF_INET)
        return 0;
    hex_addr(srv, sizeof(srv), &peer);
    hex_addr(cli, sizeof(cli), &me);
    if ((inode = socket_inode(in->master, srv, cli)) == 0)
        return 0;
    /* master's children, else (no CONFIG_PROC_CHILDREN) every process:
     * the socket is in one only */
    snprintf(path, sizeof(path), "/proc/%ld/task/%ld/children",
             (long)in->master, (long)in->master);
    if (hr_file_read(&list, path, 1 << 16) == 0)
        hr_strv_split(&pids, hr_buf_cstr(&list), " \n");
    else
        hr_dir_list(&pids, "/proc");
    for (size_t i = 0; i < pids.n && found == 0; i++)
        if (pids.v[i][0] >= '1' && pids.v[i][0] <= '9' &&
            holds(pids.v[i], inode))
            found = atol(pids.v[i]);
    hr_strv_release(&pids);
    hr_buf_release(&list);
    return found;
}

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
 *	greeting came): the smtpd that serves it. A sock_diag(7) lookup
 *	in the namespace gives the inode of the socket whose local end is
 *	fd's peer and whose remote end is fd's local end; the child of
 *	master with that socket among its descriptors is the one.
 * DIAGNOSTICS
 *	0 when there is none: master is gone, the server has not accepted,
 *	or has already closed.
 */
#include <dirent.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "instance/instance_int.h"
#include "instance/netns.h"
#include "util/msg.h"
#include "util/buf.h"
#include "util/fsutil.h"
#include "util/strv.h"

/* socket_inode - of the established connection whose local end is srv
 * and remote end cli, in the instance's namespace: one exact lookup by
 * sock_diag(7) (the kernel's hash lookup; reading /proc/net/tcp walked
 * the whole table and cost 5 % of a run's CPU) */
static unsigned long socket_inode(hr_instance *in,
                                  const struct sockaddr_in *srv,
                                  const struct sockaddr_in *cli)
{
    struct {
        struct nlmsghdr nlh;
        struct inet_diag_req_v2 r;
    } req;
    union {
        struct nlmsghdr nlh;
        char bytes[8192];
    } ans;
    struct sockaddr_nl kernel = {.nl_family = AF_NETLINK};
    unsigned long inode = 0;
    ssize_t n;
    int fd;

    if (in->netns == NULL ||
        hr_netns_socket_proto(&fd, in->netns, AF_NETLINK, SOCK_DGRAM,
                              NETLINK_SOCK_DIAG) < 0) {
        hr_error_clear();
        return 0;
    }
    memset(&req, 0, sizeof(req));
    req.nlh.nlmsg_len = sizeof(req);
    req.nlh.nlmsg_type = SOCK_DIAG_BY_FAMILY;
    req.nlh.nlmsg_flags = NLM_F_REQUEST; /* one socket, not a dump */
    req.r.sdiag_family = AF_INET;
    req.r.sdiag_protocol = IPPROTO_TCP;
    req.r.idiag_states = 1U << TCP_ESTABLISHED;
    req.r.id.idiag_sport = srv->sin_port;
    req.r.id.idiag_dport = cli->sin_port;
    req.r.id.idiag_src[0] = srv->sin_addr.s_addr;
    req.r.id.idiag_dst[0] = cli->sin_addr.s_addr;
    req.r.id.idiag_cookie[0] = INET_DIAG_NOCOOKIE;
    req.r.id.idiag_cookie[1] = INET_DIAG_NOCOOKIE;
    if (sendto(fd, &req, sizeof(req), 0, (struct sockaddr *)&kernel,
               sizeof(kernel)) == (ssize_t)sizeof(req) &&
        (n = recv(fd, &ans, sizeof(ans), 0)) > 0) {
        for (struct nlmsghdr *h = &ans.nlh; NLMSG_OK(h, (size_t)n);
             h = NLMSG_NEXT(h, n)) {
            const struct inet_diag_msg *m = NLMSG_DATA(h);

            /* the lookup falls back to a listener when the connection
             * is gone: only the connection itself will do */
            if (h->nlmsg_type == SOCK_DIAG_BY_FAMILY &&
                h->nlmsg_len >= NLMSG_LENGTH(sizeof(*m)) &&
                m->idiag_state == TCP_ESTABLISHED &&
                m->id.idiag_sport == srv->sin_port &&
                m->id.idiag_dport == cli->sin_port &&
                m->id.idiag_dst[0] == cli->sin_addr.s_addr)
                inode = m->idiag_inode;
        }
    }
    close(fd);
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
    char path[64];
    hr_buf list = HR_BUF_INIT;
    hr_strv pids = HR_STRV_INIT;
    unsigned long inode;
    long found = 0;

    if (in->master <= 0 || getsockname(fd, (struct sockaddr *)&me, &ml) < 0 ||
        getpeername(fd, (struct sockaddr *)&peer, &pl) < 0 ||
        me.sin_family != AF_INET)
        return 0;
    if ((inode = socket_inode(in, &peer, &me)) == 0)
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

/*
 * NAME
 *	util/cleanup 3
 * SUMMARY
 *	leave nothing behind on any exit path
 * SYNOPSIS
 *	#include "util/cleanup.h"
 *
 *	void	hr_cleanup_install(void)
 *	void	hr_cleanup_add_pgrp(pgrp), hr_cleanup_del_pgrp(pgrp)
 *	void	hr_cleanup_add_netns(name), hr_cleanup_del_netns(name)
 *	int	hr_cleanup_add_mount(path)
 *	void	hr_cleanup_del_mount(path)
 *	int	hr_interrupted(void)
 *	void	hr_cleanup_now(void)
 * DESCRIPTION
 *	The harness starts process groups (Postfix masters with their
 *	daemons, builds, sinks) and network namespaces. Each is registered
 *	here while it lives. On SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGABRT
 *	(hr_panic()) or a normal exit, every registered process group gets
 *	SIGTERM, then SIGKILL if it is
 *	still there after a bounded wait, every registered namespace
 *	is unmounted and unlinked, as "ip netns del" does, and every
 *	registered mount (an instance's spool) is detached.
 *	hr_cleanup_add_mount() returns -1 (and registers nothing) for a
 *	path longer than its table's slots: the caller does not mount then.
 *
 *	The signal handler uses only async-signal-safe calls on fixed-size
 *	tables, then re-raises the signal so that the exit status tells
 *	what happened.
 *
 *	Children are also started with PR_SET_PDEATHSIG (see spawn.c), so
 *	that even SIGKILL of the harness stops the masters; "pfharness
 *	clean" removes the namespaces such a run left.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "util/cleanup.h"
#include "util/msg.h"

#define MAX_SLOTS 512
#define MAX_MOUNTS 128
#define MOUNT_PATH 1024
#define NETNS_DIR "/run/netns/"

static volatile pid_t pgrps[MAX_SLOTS];
static char netns[MAX_SLOTS][64];
static volatile sig_atomic_t netns_used[MAX_SLOTS];
static char mounts[MAX_MOUNTS][MOUNT_PATH];
static volatile sig_atomic_t mounts_used[MAX_MOUNTS];
static volatile sig_atomic_t interrupted;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

/* hr_cleanup_add_pgrp - remember a process group to stop */
void hr_cleanup_add_pgrp(pid_t pgrp)
{
    pthread_mutex_lock(&lock);
    for (int i = 0; i < MAX_SLOTS; i++) {
        if (pgrps[i] == 0) {
            pgrps[i] = pgrp;
            break;
        }
    }
    pthread_mutex_unlock(&lock);
}

/* hr_cleanup_del_pgrp - forget a process group that has ended */
void hr_cleanup_del_pgrp(pid_t pgrp)
{
    pthread_mutex_lock(&lock);
    for (int i = 0; i < MAX_SLOTS; i++)
        if (pgrps[i] == pgrp)
            pgrps[i] = 0;
    pthread_mutex_unlock(&lock);
}

/* name_add - a name into the first free slot of a table of n names of
 * width bytes each; -1 when it is full */
static int name_add(char *table, size_t width, volatile sig_atomic_t *used,
                    int n, const char *name)
{
    int slot = -1;

    pthread_mutex_lock(&lock);
    for (int i = 0; i < n && slot < 0; i++) {
        if (!used[i]) {
            strcpy(table + (size_t)i * width, name);
            used[i] = 1;
            slot = i;
        }
    }
    pthread_mutex_unlock(&lock);
    return slot < 0 ? -1 : 0;
}

/* name_del - free the slots that hold name */
static void name_del(char *table, size_t width, volatile sig_atomic_t *used,
                     int n, const char *name)
{
    pthread_mutex_lock(&lock);
    for (int i = 0; i < n; i++)
        if (used[i] && strcmp(table + (size_t)i * width, name) == 0)
            used[i] = 0;
    pthread_mutex_unlock(&lock);
}

/* hr_cleanup_add_netns - remember a namespace to remove */
void hr_cleanup_add_netns(const char *name)
{
    if (strlen(name) >= sizeof(netns[0]))
        hr_panic("netns name too long: '%s'", name);
    (void)name_add(&netns[0][0], sizeof(netns[0]), netns_used, MAX_SLOTS,
                   name);
}

/* hr_cleanup_del_netns - forget a namespace that is gone */
void hr_cleanup_del_netns(const char *name)
{
    name_del(&netns[0][0], sizeof(netns[0]), netns_used, MAX_SLOTS, name);
}

/* hr_cleanup_add_mount - remember a mount to detach; -1 when full */
int hr_cleanup_add_mount(const char *path)
{
    if (strlen(path) >= sizeof(mounts[0]))
        return -1;
    return name_add(&mounts[0][0], sizeof(mounts[0]), mounts_used, MAX_MOUNTS,
                    path);
}

/* hr_cleanup_del_mount - forget a mount that is gone */
void hr_cleanup_del_mount(const char *path)
{
    name_del(&mounts[0][0], sizeof(mounts[0]), mounts_used, MAX_MOUNTS, path);
}

/* hr_interrupted - true once SIGINT/SIGTERM arrived */
int hr_interrupted(void)
{
    return interrupted;
}

/* any_alive - true while a registered group has a member */
static int any_alive(void)
{
    for (int i = 0; i < MAX_SLOTS; i++) {
        pid_t p = pgrps[i];

        if (p > 0) {
            /* Reap our own children so that kill(0) stops seeing them. */
            while (waitpid(-p, NULL, WNOHANG) > 0)
                ;
            if (kill(-p, 0) == 0)
                return 1;
        }
    }
    return 0;
}

/* stop_all - async-signal-safe: stop groups, remove namespaces */
static void stop_all(void)
{
    struct timespec tick = {0, 10 * 1000 * 1000};
    char path[sizeof(NETNS_DIR) + 64];

    /* The leader too: a child that has not reached setsid() yet is in
     * our group, not in its own. */
    for (int i = 0; i < MAX_SLOTS; i++)
        if (pgrps[i] > 0) {
            kill(-pgrps[i], SIGTERM);
            kill(pgrps[i], SIGTERM);
        }
    /* Postfix's master stops its daemons on SIGTERM; give it 3 s. */
    for (int n = 0; n < 300 && any_alive(); n++)
        nanosleep(&tick, NULL);
    for (int i = 0; i < MAX_SLOTS; i++) {
        if (pgrps[i] > 0) {
            kill(-pgrps[i], SIGKILL);
            kill(pgrps[i], SIGKILL);
            pgrps[i] = 0;
        }
    }
    for (int i = 0; i < MAX_SLOTS; i++) {
        if (netns_used[i]) {
            size_t len = strlen(netns[i]);

            memcpy(path, NETNS_DIR, sizeof(NETNS_DIR) - 1);
            memcpy(path + sizeof(NETNS_DIR) - 1, netns[i], len + 1);
            umount2(path, MNT_DETACH);
            unlink(path);
            netns_used[i] = 0;
        }
    }
    for (int i = 0; i < MAX_MOUNTS; i++) {
        if (mounts_used[i]) {
            umount2(mounts[i], MNT_DETACH);
            mounts_used[i] = 0;
        }
    }
}

/* handler - clean up, then die of the same signal */
static void handler(int sig)
{
    static volatile sig_atomic_t busy;

    interrupted = 1;
    if (!busy) {
        busy = 1;
        stop_all();
    }
    signal(sig, SIG_DFL);
    raise(sig);
}

/* at_exit - atexit hook */
static void at_exit(void)
{
    stop_all();
}

/* hr_cleanup_install - install the signal handlers and the exit hook */
void hr_cleanup_install(void)
{
    struct sigaction sa;

    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = handler;
    sigfillset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
    sigaction(SIGQUIT, &sa, NULL);
    /* hr_panic() aborts: its instances must go too. */
    sigaction(SIGABRT, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
    atexit(at_exit);
}

/* hr_cleanup_now - run the cleanup from normal code */
void hr_cleanup_now(void)
{
    pthread_mutex_lock(&lock);
    stop_all();
    pthread_mutex_unlock(&lock);
}

/*
 * NAME
 *	cmd_clean 1
 * SUMMARY
 *	remove what killed runs left behind
 * SYNOPSIS
 *	pfharness clean
 * DESCRIPTION
 *	Every process inside a pfh-* network namespace whose run is gone
 *	is stopped (SIGTERM, then SIGKILL) and the namespace is removed;
 *	the namespaces of a pfharness process that still runs are kept.
 *	The in-memory queues (a tmpfs per instance, spool(3)) of runs that
 *	are gone are unmounted; a live run's are kept. A run's children die
 *	with it (PR_SET_PDEATHSIG), so this is for namespaces and for
 *	processes of runs killed while they were starting children. The
 *	scratch directories of replays whose process is gone
 *	(var/runs/replay-*-PID) are removed; results of runs stay. Prints
 *	what it removed.
 */

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/cmd.h"
#include "util/fsutil.h"
#include "util/mem.h"
#include "util/msg.h"
#include "instance/netns.h"
#include "instance/spool.h"
#include "util/paths.h"

static const char usage[] =
    "usage: pfharness clean\n"
    "\n"
    "Stop leftover Postfix instances and remove the network namespaces\n"
    "(pfh-*), in-memory queues and replay scratch directories that killed\n"
    "runs left behind.\n"
    "Results of runs under var/runs stay.\n";

/* clean_spools - the in-memory queues (tmpfs) of dead runs' instances */
static int clean_spools(int *removed)
{
    hr_strv dirs = HR_STRV_INIT, owners = HR_STRV_INIT;
    int code = HR_EXIT_OK;

    if (hr_spool_list(&dirs, &owners) < 0) {
        hr_msg_error("%s", hr_error_last());
        return HR_EXIT_TROUBLE;
    }
    for (size_t i = 0; i < dirs.n; i++) {
        if (hr_netns_owner_alive(owners.v[i])) {
            printf("kept %s: its run is still alive\n", dirs.v[i]);
            continue;
        }
        if (hr_spool_unmount(dirs.v[i]) < 0) {
            hr_msg_error("%s", hr_error_last());
            code = HR_EXIT_TROUBLE;
            continue;
        }
        printf("removed %s\n", dirs.v[i]);
        (*removed)++;
    }
    hr_strv_release(&dirs);
    hr_strv_release(&owners);
    return code;
}

/* clean_replays - scratch directories of dead replays */
static int clean_replays(int *removed)
{
    hr_strv names = HR_STRV_INIT;
    int code = HR_EXIT_OK;

    if (hr_dir_list(&names, hr_runs_root()) < 0) {
        hr_strv_release(&names);
        return HR_EXIT_OK;          /* no runs yet */
    }
    for (size_t i = 0; i < names.n; i++) {
        const char *dash = strrchr(names.v[i], '-');
        long pid;

        if (strncmp(names.v[i], "replay-", 7) != 0 || dash == NULL)
            continue;
        pid = strtol(dash + 1, NULL, 10);
        if (pid <= 0 || (kill((pid_t)pid, 0) < 0 && errno == ESRCH)) {
            char *dir = hr_path_join(hr_runs_root(), names.v[i]);

            if (hr_rm_rf(dir) < 0) {
                hr_msg_error("%s", hr_error_last());
                code = HR_EXIT_TROUBLE;
            } else {
                printf("removed %s\n", dir);
                (*removed)++;
            }
            hr_free(dir);
        }
    }
    hr_strv_release(&names);
    return code;
}
int cmd_clean(int argc, char **argv)
{
    hr_strv names = HR_STRV_INIT;
    int ch, code = HR_EXIT_OK, removed = 0;

    while ((ch = getopt(argc, argv, "h")) != -1) {
        if (ch == 'h')
            return hr_cmd_help(usage);
        return hr_cmd_usage(usage);
    }
    if (optind < argc)
        return hr_cmd_usage(usage);
    if (hr_cmd_need_root("clean") < 0)
        return HR_EXIT_TROUBLE;
    if (hr_netns_list(&names) < 0)
        return hr_cmd_fail();
    for (size_t i = 0; i < names.n; i++) {
        if (hr_netns_owner_alive(names.v[i])) {
            printf("kept %s: its run is still alive\n", names.v[i]);
            continue;
        }
        if (hr_netns_kill_all(names.v[i], 3000) < 0 ||
            hr_netns_delete(names.v[i]) < 0) {
            hr_msg_error("%s", hr_error_last());
            code = HR_EXIT_TROUBLE;
            continue;
        }
        printf("removed %s\n", names.v[i]);
        removed++;
    }
    if (clean_spools(&removed) != HR_EXIT_OK)
        code = HR_EXIT_TROUBLE;
    if (clean_replays(&removed) != HR_EXIT_OK)
        code = HR_EXIT_TROUBLE;
    if (removed == 0)
        hr_msg_info("nothing to clean");
    hr_strv_release(&names);
    return code;
}

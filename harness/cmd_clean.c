/*
 * NAME
 *	cmd_clean 1
 * SUMMARY
 *	remove what killed runs left behind
 * SYNOPSIS
 *	pfharness clean
 * DESCRIPTION
 *	Every process inside a pfh-* network namespace is stopped (SIGTERM,
 *	then SIGKILL) and the namespace is removed. A run's children die
 *	with it (PR_SET_PDEATHSIG), so this is for namespaces and for
 *	processes of runs killed while they were starting children. Results
 *	under var/runs stay. Prints what it removed.
 */
#include <getopt.h>
#include <stdio.h>

#include "cmd.h"
#include "msg.h"
#include "netns.h"

static const char usage[] =
    "usage: pfharness clean\n"
    "\n"
    "Stop leftover Postfix instances and remove the network namespaces\n"
    "(pfh-*) that killed runs left behind. Results under var/runs stay.\n";

int cmd_clean(int argc, char **argv)
{
    hr_strv names = HR_STRV_INIT;
    int ch, code = HR_EXIT_OK;

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
        if (hr_netns_kill_all(names.v[i], 3000) < 0 ||
            hr_netns_delete(names.v[i]) < 0) {
            hr_msg_error("%s", hr_error_last());
            code = HR_EXIT_TROUBLE;
            continue;
        }
        printf("removed %s\n", names.v[i]);
    }
    if (names.n == 0)
        hr_msg_info("nothing to clean");
    hr_strv_release(&names);
    return code;
}

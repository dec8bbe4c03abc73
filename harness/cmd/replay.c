/*
 * NAME
 *	cmd_replay 1
 * SUMMARY
 *	replay cases against one build and print their observations
 * SYNOPSIS
 *	pfharness replay --build ID [--libenv NAME[:VAR=VAL,...]] [--reps N]
 *		[--keep] [--tcpdump FILE [--snaplen N]]
 *		[--config MAIN_CF [--master MASTER_CF]] CASE...
 * DESCRIPTION
 *	Starts one instance of the build per group of cases that share a
 *	configuration, runs each case --reps times, and prints each
 *	observation in case order, after a "=== NAME" line (with "rep N"
 *	when there are several). The output holds no timings and no paths,
 *	so two replays of the same build print the same bytes.
 *
 *	--tcpdump records the sessions with tcpdump inside the instance's
 *	network namespace (capture(3)), for the pcap importer: the cases
 *	must share one instance (one configuration). --snaplen cuts the
 *	packets, as "tcpdump -s N" does, to test the importer's refusal.
 *
 *	--config and --master run the instances with a user's own
 *	configuration (userconf(3)), as run(1) does: the cases' expectations
 *	then do not apply, and only the observations are printed.
 *
 *	Exit status: 0 when every case matched its recorded expectation, 1
 *	when one did not (the differences go to stderr), 2 on trouble.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "build/build.h"
#include "case/case.h"
#include "case/userconf.h"
#include "instance/capture.h"
#include "replay/caserun.h"
#include "replay/funcrun.h"
#include "cmd/cmd.h"
#include "util/fsutil.h"
#include "case/group.h"
#include "instance/instance.h"
#include "instance/netns.h"
#include "instance/libenv.h"
#include "util/mem.h"
#include "util/msg.h"
#include "util/paths.h"

static const char usage[] =
    "usage: pfharness replay --build ID [--libenv NAME[:VAR=VAL,...]]\n"
    "                        [--reps N] [--keep]\n"
    "                        [--tcpdump FILE [--snaplen N]]\n"
    "                        [--config MAIN_CF [--master MASTER_CF]] CASE...\n"
    "\n"
    "Replay cases (files or directories) against a private instance of a\n"
    "cached build and print each normalized observation.\n"
    "\n"
    "  --build ID      a build id or unique prefix ('pfharness builds')\n"
    "  --libenv SPEC   a library environment for the daemons, such as\n"
    "                  shim:LD_PRELOAD=/path/shim.so\n"
    "  --reps N        run each case N times (default 1)\n"
    "  --keep          keep the instance directories under var/runs\n"
    "  --tcpdump FILE  record the sessions with tcpdump into FILE (pcap);\n"
    "                  the cases must share one configuration\n"
    "  --snaplen N     cut recorded packets to N bytes (default 0: whole)\n"
    "  --config F      your own main.cf over the instance's base (see run);\n"
    "                  the cases' expectations then do not apply\n"
    "  --master F      services of your master.cf; with --config\n";

int cmd_replay(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"build", required_argument, NULL, 'b'},
        {"libenv", required_argument, NULL, 'l'},
        {"reps", required_argument, NULL, 'r'},
        {"keep", no_argument, NULL, 'k'},
        {"tcpdump", required_argument, NULL, 't'},
        {"snaplen", required_argument, NULL, 's'},
        {"config", required_argument, NULL, 'K'},
        {"master", required_argument, NULL, 'M'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *build_id = NULL, *libenv_spec = NULL, *tcpdump = NULL;
    const char *config = NULL, *master = NULL;
    hr_userconf *user = NULL;
    hr_libenv env = {NULL, HR_STRV_INIT};
    hr_build *b = NULL;
    hr_case **cases = NULL;
    hr_group *groups = NULL;
    char **obs = NULL;
    char *top = NULL;
    size_t ncases = 0, ngroups = 0;
    int reps = 1, keep = 0, snaplen = -1, ch, code = HR_EXIT_OK;

    while ((ch = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        switch (ch) {
        case 'b':
            build_id = optarg;
            break;
        case 'l':
            libenv_spec = optarg;
            break;
        case 'r':
            if (hr_cmd_parse_int(&reps, "--reps", optarg, 1, 100) < 0)
                return hr_cmd_usage(usage);
            break;
        case 'k':
            keep = 1;
            break;
        case 't':
            tcpdump = optarg;
            break;
        case 's':
            if (hr_cmd_parse_int(&snaplen, "--snaplen", optarg, 0, 262144) < 0)
                return HR_EXIT_TROUBLE;
            break;
        case 'K':
            config = optarg;
            break;
        case 'M':
            master = optarg;
            break;
        case 'h':
            return hr_cmd_help(usage);
        default:
            return hr_cmd_usage(usage);
        }
    }
    if (master && !config) {
        hr_msg_error("replay: --master needs --config");
        return hr_cmd_usage(usage);
    }
    if (build_id == NULL || optind >= argc) {
        hr_msg_error("replay: give --build ID and at least one CASE");
        return hr_cmd_usage(usage);
    }
    if (snaplen >= 0 && tcpdump == NULL) {
        hr_msg_error("replay: --snaplen needs --tcpdump FILE");
        return HR_EXIT_TROUBLE;
    }
    if (libenv_spec && hr_libenv_parse(&env, libenv_spec) < 0)
        return hr_cmd_fail();
    if (hr_build_load(&b, build_id) < 0 ||
        hr_case_load_all(&cases, &ncases, (const char *const *)argv + optind,
                         (size_t)(argc - optind), b->source_version) < 0) {
        code = hr_cmd_fail();
        goto done;
    }
    if (hr_cmd_need_root("replay") < 0) {
        code = HR_EXIT_TROUBLE;
        goto done;
    }
    if (config) {
        if (hr_userconf_load(&user, config, master) < 0) {
            code = hr_cmd_fail();
            goto done;
        }
        for (size_t i = 0; i < ncases; i++)
            cases[i]->user = user;
    }
    {
        /* Func cases start no instance: they are run below. */
        hr_case **inst = hr_calloc(ncases + 1, sizeof(hr_case *));
        size_t ninst = 0;

        for (size_t i = 0; i < ncases; i++)
            if (cases[i]->kind != HR_CASE_FUNC)
                inst[ninst++] = cases[i];
        hr_group_cases(&groups, &ngroups, inst, ninst);
        /* The groups index inst[]: back to cases[]. */
        for (size_t g = 0; g < ngroups; g++)
            for (size_t k = 0; k < groups[g].n; k++) {
                size_t j = 0;

                while (cases[j] != inst[groups[g].cases[k]])
                    j++;
                groups[g].cases[k] = j;
            }
        hr_free(inst);
    }
    /* One capture shows one instance: instances of other configurations
     * have namespaces of their own. */
    if (tcpdump && ngroups > 1) {
        hr_msg_error("replay: --tcpdump records one instance, and these "
                     "cases need %zu (their config, map and table lines "
                     "differ); record them one configuration at a time",
                     ngroups);
        code = HR_EXIT_TROUBLE;
        goto done;
    }
    obs = hr_calloc(ncases * (size_t)reps, sizeof(char *));
    {
        char stamp[32];
        time_t now = time(NULL);

        strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%S", gmtime(&now));
        top = hr_sprintf("%s/replay-%s-%ld", hr_runs_root(), stamp,
                         (long)getpid());
    }
    for (size_t g = 0; g < ngroups && code != HR_EXIT_TROUBLE; g++) {
        hr_instance_opts io = HR_INSTANCE_OPTS_INIT;
        const hr_case *first = cases[groups[g].cases[0]];
        hr_instance *in = NULL;
        hr_capture *cap = NULL;
        char *dir = hr_sprintf("%s/g%zu", top, g + 1);
        char *ns = hr_netns_name();

        hr_instance_opts_from_case(&io, b, dir, ns,
                                   libenv_spec ? &env.env : NULL, first);
        if (hr_instance_start(&in, &io) < 0) {
            code = hr_cmd_fail();
        } else if (tcpdump &&
                   hr_capture_start(&cap, ns, tcpdump,
                                    snaplen < 0 ? 0 : snaplen) < 0) {
            code = hr_cmd_fail();
            hr_instance_stop(in);
            hr_instance_free(in);
        } else {
            for (size_t k = 0; k < groups[g].n && code != HR_EXIT_TROUBLE;
                 k++) {
                size_t ci = groups[g].cases[k];

                for (int r = 0; r < reps; r++) {
                    hr_caserun_result res;

                    if (hr_caserun(&res, in, cases[ci]) < 0) {
                        hr_msg_error("%s: %s", cases[ci]->name,
                                     hr_error_last());
                        code = HR_EXIT_TROUBLE;
                        break;
                    }
                    if (!res.expect_ok) {
                        hr_msg_warn("%s differs from its expectation:\n%s",
                                    cases[ci]->name, res.mismatch);
                        if (code == HR_EXIT_OK)
                            code = HR_EXIT_FINDINGS;
                    }
                    obs[ci * (size_t)reps + (size_t)r] = res.obs;
                    res.obs = NULL;
                    hr_caserun_result_release(&res);
                }
            }
            if (cap && hr_capture_stop(cap) < 0) {
                hr_msg_error("%s", hr_error_last());
                code = HR_EXIT_TROUBLE;
            }
            if (hr_instance_stop(in) < 0) {
                hr_msg_error("%s", hr_error_last());
                code = HR_EXIT_TROUBLE;
            }
            hr_instance_free(in);
        }
        hr_free(dir);
        hr_free(ns);
    }
    /* Func cases: a probe per rep on a build with shared libraries;
     * elsewhere they do not apply, and say so. */
    for (size_t ci = 0; ci < ncases && code != HR_EXIT_TROUBLE; ci++) {
        if (cases[ci]->kind != HR_CASE_FUNC)
            continue;
        for (int r = 0; r < reps; r++) {
            hr_caserun_result res;
            char *dir;

            if (!hr_funcrun_applies(b)) {
                obs[ci * (size_t)reps + (size_t)r] =
                    hr_sprintf("== func\nnot run: build %s has no shared "
                               "Postfix libraries\n", b->id);
                continue;
            }
            dir = hr_sprintf("%s/func-%s.%d", top, cases[ci]->name, r + 1);
            if (hr_funcrun(&res, b, libenv_spec ? &env.env : NULL, cases[ci],
                           dir) < 0) {
                hr_msg_error("%s: %s", cases[ci]->name, hr_error_last());
                code = HR_EXIT_TROUBLE;
                hr_free(dir);
                break;
            }
            hr_free(dir);
            if (!res.expect_ok) {
                hr_msg_warn("%s differs from its expectation:\n%s",
                            cases[ci]->name, res.mismatch);
                if (code == HR_EXIT_OK)
                    code = HR_EXIT_FINDINGS;
            }
            obs[ci * (size_t)reps + (size_t)r] = res.obs;
            res.obs = NULL;
            hr_caserun_result_release(&res);
        }
    }
    for (size_t i = 0; i < ncases && code != HR_EXIT_TROUBLE; i++) {
        for (int r = 0; r < reps; r++) {
            if (reps > 1)
                printf("=== %s rep %d\n", cases[i]->name, r + 1);
            else
                printf("=== %s\n", cases[i]->name);
            fputs(obs[i * (size_t)reps + (size_t)r], stdout);
        }
    }
    if (!keep && top)
        hr_rm_rf(top);
done:
    for (size_t i = 0; obs && i < ncases * (size_t)reps; i++)
        hr_free(obs[i]);
    hr_free(obs);
    hr_free(top);
    hr_group_free_all(groups, ngroups);
    hr_case_free_all(cases, ncases);
    hr_userconf_free(user);
    hr_build_free(b);
    hr_libenv_release(&env);
    return code;
}

/*
 * NAME
 *	cmd_fetch 1
 * SUMMARY
 *	import a Postfix source tree into the store
 * SYNOPSIS
 *	pfharness fetch [--debian VERSION [--patched] | --patched |
 *		--tarball FILE | --git PATH --rev REV]
 * DESCRIPTION
 *	Prints "<version> <commit> <tree>". See source(3).
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cmd/cmd.h"
#include "util/fsutil.h"
#include "util/mem.h"
#include "util/msg.h"
#include "util/paths.h"
#include "source/source.h"

static const char usage[] =
    "usage: pfharness fetch [--debian VERSION] [--patched]\n"
    "       pfharness fetch --tarball FILE\n"
    "       pfharness fetch --git PATH --rev REV\n"
    "\n"
    "Import a pristine Postfix source tree into var/sources.git and print\n"
    "'<version> <commit> <tree>'. Without options, fetch the Postfix source\n"
    "package of the running Debian release with apt-get source; it becomes\n"
    "the default --source of later builds.\n"
    "\n"
    "  --debian VERSION  a Debian version of postfix (postfix=VERSION):\n"
    "                    the machine's release, or another one (trixie,\n"
    "                    sid ...) through a temporary apt source list\n"
    "                    derived from the machine's own\n"
    "  --patched         also import the tree after dpkg-source -x (Debian's\n"
    "                    quilt series applied) as a commit on top of the\n"
    "                    pristine one, and print that one\n"
    "  --tarball FILE    any Postfix tarball\n"
    "  --git PATH        a git repository on disk, the tree at its top or\n"
    "                    under postfix/ (the upstream mirror); needs --rev\n"
    "  --rev REV         the revision to fetch from PATH: a tag (v3.7.11),\n"
    "                    a branch or a commit\n";

int cmd_fetch(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"debian", required_argument, NULL, 'd'},
        {"tarball", required_argument, NULL, 't'},
        {"git", required_argument, NULL, 'g'},
        {"rev", required_argument, NULL, 'r'},
        {"patched", no_argument, NULL, 'p'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *debian = NULL, *tarball = NULL, *git = NULL, *rev = NULL;
    hr_source_result res;
    hr_gitrepo *store = NULL;
    char *apt_dir = NULL;
    int ch, modes, patched = 0, error;

    while ((ch = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        switch (ch) {
        case 'd':
            debian = optarg;
            break;
        case 't':
            tarball = optarg;
            break;
        case 'g':
            git = optarg;
            break;
        case 'r':
            rev = optarg;
            break;
        case 'p':
            patched = 1;
            break;
        case 'h':
            return hr_cmd_help(usage);
        default:
            return hr_cmd_usage(usage);
        }
    }
    modes = (debian != NULL) + (tarball != NULL) + (git != NULL);
    if (optind < argc || modes > 1 || (rev != NULL) != (git != NULL) ||
        (patched && (tarball || git))) {
        hr_msg_error("fetch: give at most one of --debian, --tarball, --git, "
                     "--rev exactly with --git, and --patched only with "
                     "Debian's source package");
        return hr_cmd_usage(usage);
    }
    if ((error = hr_mkdir_p(hr_var_dir(), 0755)) < 0 ||
        (error = hr_gitrepo_open(&store, hr_sources_repo(), 1)) < 0)
        return hr_cmd_fail();
    if (tarball) {
        error = hr_source_import_tarball(&res, store, tarball);
    } else if (git) {
        error = hr_source_fetch_git(&res, store, git, rev);
    } else {
        apt_dir = hr_path_join(hr_var_dir(), "apt");
        error = hr_source_fetch_apt(&res, store, debian, apt_dir, patched);
    }
    hr_gitrepo_free(store);
    hr_free(apt_dir);
    if (error < 0)
        return hr_cmd_fail();
    if (res.unchanged)
        hr_msg_info("postfix-%s (%s) is already in the store; nothing "
                    "changed", res.version, res.tag);
    else
        hr_msg_info("imported postfix-%s as %s", res.version, res.tag);
    printf("%s %s %s\n", res.version, res.commit, res.tree);
    return HR_EXIT_OK;
}

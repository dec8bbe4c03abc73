/*
 * NAME
 *	cmd_bisect 1
 * SUMMARY
 *	narrow a divergence: objects, flags, commits
 * SYNOPSIS
 *	pfharness bisect objects --good V --bad V --case CASE [--reduce]
 *		[--source REV]
 *		[--cc CC] [COMMON]
 *	pfharness bisect flags --variant BAD --case CASE [--object OBJ]
 *		[--good V] [--source REV] [--cc CC] [COMMON]
 *	pfharness bisect commits --git PATH --good REV --bad REV --case CASE
 *		[--variant V] [--cc CC] [--first-parent] [COMMON]
 *
 *	COMMON: [--libenv NAME[:VAR=VAL,...]] [--reps N] [--out DIR] [--keep]
 * DESCRIPTION
 *	objects: two builds of one source with one compiler (bisect(3)
 *	over mix(3)): mix their objects, relink, replay the case, descend
 *	one half at a time, confirm the culprit alone, look for more with
 *	it held at good, then cross-check the culprit for undefined
 *	behaviour (UBSan, and the -fwrapv set). A trial whose programs are
 *	byte for byte those of a build already replayed is not replayed.
 *	Trials relink only the programs that the case runs (seen in the
 *	first trial that relinked everything); the others stay the good
 *	build's. A trial that runs one of those anyway is relinked with it
 *	and replayed again, and its step line says so.
 *	Output ends with "culprit: OBJECT" lines.
 *
 *	flags: subtract the flags that the bad level enables (gcc) with
 *	ddmin, from one object (--object: recompiled alone and relinked) or
 *	from the whole build (each trial a build); with clang, bisect
 *	-mllvm -opt-bisect-limit to a pass (needs --object). Output ends
 *	with "flags: ..." (or "pass: N NAME"), or says that no flag
 *	explains the divergence.
 *
 *	commits: fetch PATH with libgit2, walk good..bad (optionally first
 *	parents only), build and replay midpoints, skip commits that do
 *	not build, and name the first bad commit by its id in PATH with
 *	its summary line ("first bad commit: ID SUMMARY").
 *
 *	Every trial runs the case --reps times (2); a trial that flaps
 *	stops the bisection with a hardware/flaky message and no culprit.
 *	The record goes to --out (default var/runs/bisect-ID): KIND.json,
 *	KIND.log, the case, and both sides' observations (good.txt,
 *	bad.txt). Trial trees and instances live in var/bisect/ID and are
 *	removed at the end unless --keep.
 *
 *	Exit status: 0 a culprit was named, 1 the bisection ended without
 *	one (flaky, a guard failed, no flag explains, no divergence), 2
 *	trouble.
 * SEE ALSO
 *	bisection(3), objects(3), flags(3), commits(3), objbisect(3),
 *	flagbisect(3), commitbisect(3), mixtree(3), trial(3).
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cmd/cmd.h"
#include "instance/libenv.h"
#include "util/paths.h"
#include "util/fsutil.h"
#include "util/clock.h"
#include "narrow/reduce.h"
#include "narrow/bisection.h"
#include "narrow/commits.h"
#include "narrow/flags.h"
#include "narrow/objects.h"
#include "util/mem.h"
#include "util/msg.h"
#include "util/strv.h"

#define MAX_CULPRITS 4

static const char usage[] =
    "usage: pfharness bisect objects --good V --bad V --case CASE\n"
    "                        [--source REV] [--cc CC] [--max-culprits N]\n"
    "                        [COMMON]\n"
    "       pfharness bisect flags --variant BAD --case CASE [--object OBJ]\n"
    "                        [--good V] [--source REV] [--cc CC] [COMMON]\n"
    "       pfharness bisect commits --git PATH --good REV --bad REV\n"
    "                        --case CASE [--variant V] [--cc CC]\n"
    "                        [--first-parent] [COMMON]\n"
    "COMMON: [--libenv NAME[:VAR=VAL,...]] [--reps N] [--out DIR] [--keep]\n"
    "\n"
    "Narrow a divergence between two builds to what a compiler vendor or a\n"
    "Postfix maintainer can act on.\n"
    "\n"
    "  objects   mix the object files of two builds of one source (of one\n"
    "            compiler or two: --good 'O2 gcc-12' --bad 'O2 clang-15'),\n"
    "            relink, replay; name the culprit object(s),\n"
    "            confirmed alone, and cross-check them for undefined\n"
    "            behaviour (UBSan, -fwrapv ...)\n"
    "  flags     find a minimal set of the flags the bad level enables whose\n"
    "            -fno- form removes the divergence, in one object (--object)\n"
    "            or in the whole build; clang: the pass, by\n"
    "            -mllvm -opt-bisect-limit (needs --object)\n"
    "  commits   the first bad commit between two revisions of a git\n"
    "            repository (the tree at its top or under postfix/), by its\n"
    "            id there; a commit is good or bad by where the two sides\n"
    "            differ, not by changes elsewhere; commits that do not build\n"
    "            are skipped\n"
    "\n"
    "  --case CASE       the one case that shows the divergence\n"
    "  --reduce          (objects) reduce the case first (pfharness reduce)\n"
    "                    and bisect with the reduced one, which the record\n"
    "                    and report --compiler-bug then hold\n"
    "  --good V, --bad V variants (objects), or 'VARIANT COMPILER' as a\n"
    "                    compiler matrix names builds; --good V is the\n"
    "                    reference for flags (default O0)\n"
    "  --variant V       the bad variant (flags); the variant built at each\n"
    "                    commit (commits, default O0)\n"
    "  --object OBJ      a tree-relative object, such as src/global/xtext.o\n"
    "  --max-culprits N  stop after N culprits (default 4)\n"
    "  --first-parent    follow only the first parent of merges (the\n"
    "                    default when the range has merges)\n"
    "  --libenv SPEC     run the daemons in a library environment\n"
    "  --reps N          runs per trial (default 2; runs that differ stop\n"
    "                    the bisection: the same binary did not reproduce)\n"
    "  --out DIR         the record (default var/runs/bisect-ID)\n"
    "  --keep            keep the trial tree and instances (var/bisect/ID)\n"
    "\n"
    "Exit status: 0 a culprit was named, 1 none was (flaky, a guard failed,\n"
    "no flag explains, no divergence), 2 trouble.\n";

/* print_line - a driver's line of results, onto stdout */
static void print_line(const char *text, void *payload)
{
    (void)payload;
    printf("%s\n", text);
    fflush(stdout);
}

/* exit_status - a driver's status as the exit code; trouble printed */
static int exit_status(int status)
{
    if (status < 0)
        return hr_cmd_fail();
    return status == HR_BISECTION_FOUND ? HR_EXIT_OK : HR_EXIT_FINDINGS;
}

/* Options of every sub-verb. */
enum {
    OPT_GOOD = 256,
    OPT_BAD,
    OPT_CASE,
    OPT_SOURCE,
    OPT_CC,
    OPT_LIBENV,
    OPT_REPS,
    OPT_OUT,
    OPT_KEEP,
    OPT_VARIANT,
    OPT_OBJECT,
    OPT_GIT,
    OPT_FIRST_PARENT,
    OPT_MAX,
    OPT_REDUCE,
};

/* cmd_bisect - bisect objects|flags|commits */
int cmd_bisect(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"good", required_argument, NULL, OPT_GOOD},
        {"bad", required_argument, NULL, OPT_BAD},
        {"case", required_argument, NULL, OPT_CASE},
        {"source", required_argument, NULL, OPT_SOURCE},
        {"cc", required_argument, NULL, OPT_CC},
        {"libenv", required_argument, NULL, OPT_LIBENV},
        {"reps", required_argument, NULL, OPT_REPS},
        {"out", required_argument, NULL, OPT_OUT},
        {"keep", no_argument, NULL, OPT_KEEP},
        {"variant", required_argument, NULL, OPT_VARIANT},
        {"object", required_argument, NULL, OPT_OBJECT},
        {"git", required_argument, NULL, OPT_GIT},
        {"first-parent", no_argument, NULL, OPT_FIRST_PARENT},
        {"max-culprits", required_argument, NULL, OPT_MAX},
        {"reduce", no_argument, NULL, OPT_REDUCE},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *good = NULL, *bad = NULL, *case_path = NULL, *source = NULL;
    int reduce = 0;
    char *reduced_path = NULL, *reduce_dir = NULL;
    const char *cc = NULL, *libenv = NULL, *out_dir = NULL, *variant = NULL;
    const char *object = NULL, *git = NULL, *kind;
    hr_strv cmdline = HR_STRV_INIT;
    char *command = NULL;
    hr_bisection_opts bo = HR_BISECTION_OPTS_INIT;
    int first_parent = 0, max_culprits = MAX_CULPRITS, ch, code;
    hr_bisection x;

    memset(&x, 0, sizeof(x));
    if (argc < 2 || strcmp(argv[1], "-h") == 0 ||
        strcmp(argv[1], "--help") == 0)
        return argc < 2 ? hr_cmd_usage(usage) : hr_cmd_help(usage);
    kind = argv[1];
    if (strcmp(kind, "objects") != 0 && strcmp(kind, "flags") != 0 &&
        strcmp(kind, "commits") != 0) {
        hr_msg_error("bisect: unknown kind '%s' (objects, flags or commits)",
                     kind);
        return hr_cmd_usage(usage);
    }
    for (int i = 0; i < argc; i++)
        hr_strv_add(&cmdline, i == 0 ? "pfharness bisect" : argv[i]);
    argc--;
    argv++;
    optind = 0;
    while ((ch = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        switch (ch) {
        case OPT_GOOD:
            good = optarg;
            break;
        case OPT_BAD:
            bad = optarg;
            break;
        case OPT_CASE:
            case_path = optarg;
            break;
        case OPT_SOURCE:
            source = optarg;
            break;
        case OPT_CC:
            cc = optarg;
            break;
        case OPT_LIBENV:
            libenv = optarg;
            break;
        case OPT_REPS:
            if (hr_cmd_parse_int(&bo.reps, "--reps", optarg, 2, 100) < 0)
                return hr_cmd_usage(usage);
            break;
        case OPT_OUT:
            out_dir = optarg;
            break;
        case OPT_KEEP:
            bo.keep = 1;
            break;
        case OPT_VARIANT:
            variant = optarg;
            break;
        case OPT_OBJECT:
            object = optarg;
            break;
        case OPT_GIT:
            git = optarg;
            break;
        case OPT_FIRST_PARENT:
            first_parent = 1;
            break;
        case OPT_REDUCE:
            reduce = 1;
            break;
        case OPT_MAX:
            if (hr_cmd_parse_int(&max_culprits, "--max-culprits", optarg, 1,
                                 1000) < 0)
                return hr_cmd_usage(usage);
            break;
        case 'h':
            hr_strv_release(&cmdline);
            return hr_cmd_help(usage);
        default:
            hr_strv_release(&cmdline);
            return hr_cmd_usage(usage);
        }
    }
    if (optind < argc || case_path == NULL ||
        (strcmp(kind, "objects") == 0 && (good == NULL || bad == NULL)) ||
        (strcmp(kind, "flags") == 0 && variant == NULL) ||
        (strcmp(kind, "commits") == 0 &&
         (git == NULL || good == NULL || bad == NULL))) {
        if (optind < argc)
            hr_msg_error("bisect: unexpected argument '%s'", argv[optind]);
        else
            hr_msg_error("bisect %s: missing options; see 'pfharness bisect "
                         "-h'",
                         kind);
        hr_strv_release(&cmdline);
        return hr_cmd_usage(usage);
    }
    if (hr_cmd_need_root("bisect") < 0) {
        hr_strv_release(&cmdline);
        return HR_EXIT_TROUBLE;
    }
    command = hr_strv_join(&cmdline, " ");
    /* --reduce: the smallest case that diverges the same way first; the
     * bisection (and its compiler-bug report) uses it. */
    if (reduce) {
        hr_reduce_opts ro;
        hr_reduce_result rr;
        hr_libenv env;
        char *id = hr_clock_id();
        int has_env = libenv != NULL;

        memset(&ro, 0, sizeof(ro));
        memset(&env, 0, sizeof(env));
        if (strcmp(kind, "objects") != 0) {
            hr_msg_error("bisect: --reduce goes with bisect objects");
            hr_free(id);
            code = HR_EXIT_TROUBLE;
            goto done;
        }
        if (has_env && hr_libenv_parse(&env, libenv) < 0) {
            hr_free(id);
            code = hr_cmd_fail();
            goto done;
        }
        reduce_dir = hr_sprintf("%s/reduce-%s", hr_runs_root(), id);
        hr_free(id);
        ro.case_path = case_path;
        ro.good = good;
        ro.bad = bad;
        ro.source = source;
        ro.cc = cc;
        ro.libenv = has_env ? &env : NULL;
        ro.work_dir = reduce_dir;
        ro.max_seconds = 600;
        printf("reducing %s first\n", case_path);
        fflush(stdout);
        code = hr_reduce_run(&rr, &ro);
        if (has_env)
            hr_libenv_release(&env);
        if (code < 0) {
            hr_reduce_result_release(&rr);
            code = hr_cmd_fail();
            goto done;
        }
        reduced_path = hr_sprintf("%s/reduced.case", reduce_dir);
        if (hr_file_write_atomic(reduced_path, rr.case_text,
                                 strlen(rr.case_text), 0644) < 0) {
            hr_reduce_result_release(&rr);
            code = hr_cmd_fail();
            goto done;
        }
        printf("reduced: %zu client lines -> %zu in %zu trials, %.1f s\n",
               rr.lines_before, rr.lines_after, rr.trials, rr.seconds);
        hr_reduce_result_release(&rr);
        case_path = reduced_path;
    }
    bo.kind = kind;
    bo.case_path = case_path;
    bo.out_dir = out_dir;
    bo.libenv = libenv;
    bo.command = command;
    bo.line = print_line;
    if (hr_bisection_init(&x, &bo) < 0) {
        code = hr_cmd_fail();
        goto done;
    }
    if (strcmp(kind, "objects") == 0)
        code = hr_objects_run(&x, good, bad, source, cc, max_culprits);
    else if (strcmp(kind, "flags") == 0)
        code =
            hr_flags_run(&x, variant, good ? good : "O0", object, source, cc);
    else
        code = hr_commits_run(&x, git, good, bad, variant ? variant : "O0", cc,
                              first_parent);
    code = exit_status(code);
    if (hr_bisection_finish(&x, code) < 0)
        code = hr_cmd_fail();
done:
    hr_bisection_release(&x);
    hr_strv_release(&cmdline);
    hr_free(command);
    if (reduce_dir)
        hr_rm_rf(reduce_dir);
    hr_free(reduce_dir);
    hr_free(reduced_path);
    return code;
}

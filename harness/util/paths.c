/*
 * NAME
 *	util/paths 3
 * SUMMARY
 *	where state, build specs and cases live
 * SYNOPSIS
 *	#include "util/paths.h"
 *
 *	void	hr_paths_init(var_dir)
 *	const char *hr_var_dir(void), *hr_sources_repo(void)
 *	const char *hr_builds_root(void), *hr_runs_root(void)
 *	const char *hr_specs_dir(void), *hr_cases_dir(void)
 * DESCRIPTION
 *	Runtime state goes under one directory: the --var option, else
 *	$PFHARNESS_VAR, else "var" in the current directory. It holds
 *	sources.git (the source store), builds/<id> (build trees),
 *	runs/<id> (instances and results), apt/ and ccache/.
 *
 *	Build specs come from $PFHARNESS_BUILDS, else ./builds when it
 *	exists, else the installed share directory; cases likewise from
 *	$PFHARNESS_CASES, ./cases, or the share directory.
 *
 *	All paths are absolute, because Postfix's main.cf and the build
 *	trees need absolute paths.
 */
#include <stdlib.h>

#include "util/paths.h"
#include "util/fsutil.h"
#include "util/mem.h"

#ifndef HR_SHARE_DIR
#define HR_SHARE_DIR "/usr/local/share/pfharness"
#endif

static char *var_dir, *sources, *builds, *runs, *specs, *cases;

/* pick - the first of env, local dir, share dir */
static char *pick(const char *env, const char *local, const char *share_sub)
{
    const char *e = getenv(env);

    if (e && *e)
        return hr_path_abs(e);
    if (hr_is_dir(local))
        return hr_path_abs(local);
    return hr_path_join(HR_SHARE_DIR, share_sub);
}

/* hr_paths_init - decide the directories once */
void hr_paths_init(const char *dir)
{
    const char *env = getenv("PFHARNESS_VAR");

    if (dir == NULL)
        dir = env && *env ? env : "var";
    var_dir = hr_path_abs(dir);
    sources = hr_path_join(var_dir, "sources.git");
    builds = hr_path_join(var_dir, "builds");
    runs = hr_path_join(var_dir, "runs");
    specs = pick("PFHARNESS_BUILDS", "builds", "builds");
    cases = pick("PFHARNESS_CASES", "cases", "cases");
}

/* check - paths must be initialized first */
static const char *check(const char *p)
{
    if (p == NULL)
        hr_panic("hr_paths_init() was not called");
    return p;
}

const char *hr_var_dir(void) { return check(var_dir); }
const char *hr_sources_repo(void) { return check(sources); }
const char *hr_builds_root(void) { return check(builds); }
const char *hr_runs_root(void) { return check(runs); }
const char *hr_specs_dir(void) { return check(specs); }
const char *hr_cases_dir(void) { return check(cases); }
const char *hr_share_dir(void) { return HR_SHARE_DIR; }

#ifndef HR_UTIL_PATHS_H
#define HR_UTIL_PATHS_H

/* util/paths.h - where state, specs and cases live */

void hr_paths_init(const char *var_dir);
const char *hr_var_dir(void);
const char *hr_sources_repo(void);
const char *hr_builds_root(void);
const char *hr_runs_root(void);
const char *hr_specs_dir(void);
const char *hr_cases_dir(void);
const char *hr_share_dir(void);

#endif

#ifndef HR_CASE_USERCONF_H
#define HR_CASE_USERCONF_H

/* case/userconf.h - a user's own main.cf and master.cf, judged and made fit for an instance */

#include <stddef.h>
#include "case/case.h"
#include "util/strv.h"

typedef struct hr_userconf {
    char *path;            /* the main.cf, absolute */
    char *master_path;     /* the master.cf, or NULL */
    hr_strv settings;      /* "name = value", applied over the base */
    hr_strv dropped;       /* "name: why", not applied */
    hr_case_table *tables; /* tables from files beside it */
    size_t ntables;
    hr_strv services;      /* master.cf lines */
} hr_userconf;

int hr_userconf_load(hr_userconf **out, const char *main_cf,
                     const char *master_cf);
void hr_userconf_free(hr_userconf *u);
const char *hr_userconf_harness_owned(const char *param);

#endif

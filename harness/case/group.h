#ifndef HR_CASE_GROUP_H
#define HR_CASE_GROUP_H

/* case/group.h - cases that can share one instance */

#include <stddef.h>
#include "case/case.h"

typedef struct hr_group {
    char *key;          /* hr_case_config_key() of its cases */
    size_t *cases;      /* indexes into the caller's array, in order */
    size_t n;
} hr_group;

int hr_group_cases(hr_group **out, size_t *ngroups, hr_case *const *cases,
                   size_t n);
void hr_group_free_all(hr_group *groups, size_t ngroups);

#endif

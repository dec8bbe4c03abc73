/*
 * NAME
 *	case/group 3
 * SUMMARY
 *	cases that can share one instance
 * SYNOPSIS
 *	#include "case/group.h"
 *
 *	int	hr_group_cases(out, ngroups, cases, n)
 *	void	hr_group_free_all(groups, ngroups)
 * DESCRIPTION
 *	Cases that need the same main.cf overrides and tables (the same
 *	hr_case_config_key()) run on one instance; a case that needs its
 *	own settings gets its own. Groups come sorted by key, and the
 *	cases of a group keep the caller's order, so that runs are
 *	repeatable.
 */
#include <stdlib.h>
#include <string.h>

#include "case/group.h"
#include "util/mem.h"

/* cmp_group - by key */
static int cmp_group(const void *a, const void *b)
{
    return strcmp(((const hr_group *)a)->key, ((const hr_group *)b)->key);
}

/* hr_group_cases - partition by configuration */
int hr_group_cases(hr_group **out, size_t *ngroups, hr_case *const *cases,
                   size_t n)
{
    hr_group *g = NULL;
    size_t ng = 0;

    for (size_t i = 0; i < n; i++) {
        char *key = hr_case_config_key(cases[i]);
        size_t k;

        for (k = 0; k < ng && strcmp(g[k].key, key) != 0; k++)
            ;
        if (k == ng) {
            g = hr_realloc(g, (ng + 1) * sizeof(*g));
            g[ng].key = key;
            g[ng].cases = NULL;
            g[ng].n = 0;
            ng++;
        } else {
            hr_free(key);
        }
        g[k].cases = hr_realloc(g[k].cases, (g[k].n + 1) * sizeof(size_t));
        g[k].cases[g[k].n++] = i;
    }
    if (ng > 1)
        qsort(g, ng, sizeof(*g), cmp_group);
    *out = g;
    *ngroups = ng;
    return 0;
}

/* hr_group_free_all - release */
void hr_group_free_all(hr_group *groups, size_t ngroups)
{
    for (size_t i = 0; i < ngroups; i++) {
        hr_free(groups[i].key);
        hr_free(groups[i].cases);
    }
    hr_free(groups);
}

#ifndef HR_INSTANCE_LIBENV_H
#define HR_INSTANCE_LIBENV_H

/* instance/libenv.h - named library environments: --libenv NAME[:VAR=VAL,...] */

#include "util/strv.h"

/* A named library environment: NAME=VALUE settings for every daemon. */
typedef struct hr_libenv {
    char *name;         /* "plain" for the plain environment */
    hr_strv env;        /* "LD_PRELOAD=/path/shim.so", ... */
} hr_libenv;

#define HR_LIBENV_PLAIN "plain"

int hr_libenv_parse(hr_libenv *out, const char *spec);
void hr_libenv_release(hr_libenv *e);
void hr_libenv_paths(hr_strv *ro, const hr_strv *env);

#endif

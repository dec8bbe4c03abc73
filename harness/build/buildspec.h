#ifndef HR_BUILD_BUILDSPEC_H
#define HR_BUILD_BUILDSPEC_H

/* build/buildspec.h - build variants as data: builds/NAME.build */

#include "util/strv.h"

typedef struct hr_buildspec {
    char *name;         /* as asked for: "O2" or a replica "O2@b" */
    char *variant;      /* "O2" */
    char *replica;      /* "b", or NULL */
    char *path;         /* builds/O2.build */
    char *about;
    char *cc;           /* NULL: gcc, unless --cc */
    int opt_set;        /* 0: Postfix's own OPT (-O) */
    char *opt;
    int debug_set;      /* 0: Postfix's own DEBUG (-g) */
    char *debug;
    char *ccargs;       /* "" when none */
    char *auxlibs;
    hr_strv makevars;   /* other "NAME=VALUE" for make makefiles, sorted */
    int shared;         /* shared=yes */
    int dynamicmaps;    /* dynamicmaps=yes */
    int pie;            /* pie=yes */
    char *sanitizer;    /* NULL, "ubsan" or "asan" */
    int ub_check;       /* counts as an undefined-behaviour check build */
    hr_strv env;        /* "NAME=VALUE" for the build's daemons, sorted */
    char *prebuilt;     /* NULL, or "debian": the distribution's binary
                         * packages, not a compile */
} hr_buildspec;

int hr_buildspec_load(hr_buildspec **out, const char *dir, const char *name);
int hr_buildspec_parse(hr_buildspec **out, const char *path,
                       const char *text, const char *include_dir);
void hr_buildspec_free(hr_buildspec *s);
int hr_buildspec_list(hr_strv *out, const char *dir);
char *hr_buildspec_flags(const hr_buildspec *s);

#endif

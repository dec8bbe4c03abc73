#ifndef HR_BUILD_COMPILER_H
#define HR_BUILD_COMPILER_H

/* build/compiler.h - what exactly compiles a build */

#include "util/hash.h"

typedef struct hr_compiler {
    char *given;        /* as the user or spec named it: "gcc" */
    char *path;         /* resolved: /usr/bin/x86_64-linux-gnu-gcc-12 */
    char sha256[HR_SHA256_HEX];
    char *version;      /* first line of --version */
    char *kind;         /* "gcc", "clang" or "unknown" */
} hr_compiler;

int hr_compiler_identify(hr_compiler **out, const char *cc);
void hr_compiler_free(hr_compiler *c);

#endif

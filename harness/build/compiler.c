/*
 * NAME
 *	build/compiler 3
 * SUMMARY
 *	what exactly compiles a build
 * SYNOPSIS
 *	#include "build/compiler.h"
 *
 *	int	hr_compiler_identify(out, cc)
 *	void	hr_compiler_free(c)
 * DESCRIPTION
 *	A compiler's identity is its resolved path (PATH lookup, then
 *	symlinks), the SHA-256 of that file, and the first line of its
 *	--version output. A wrapper script is a compiler too: its
 *	contents are hashed, so that editing it gives new builds.
 *
 *	kind says whether it behaves like gcc or clang (from --version),
 *	for flag bisection and the opt-bisect-limit mode.
 * DIAGNOSTICS
 *	HR_EINPUT when cc cannot be found or does not run.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "build/compiler.h"
#include "util/buf.h"
#include "util/mem.h"
#include "util/msg.h"
#include "util/spawn.h"

/* hr_compiler_identify - resolve and fingerprint a compiler */
int hr_compiler_identify(hr_compiler **out, const char *cc)
{
    hr_compiler *c = hr_calloc(1, sizeof(*c));
    hr_buf vout = HR_BUF_INIT;
    char *found = NULL;
    char real[PATH_MAX];
    const char *argv[3];
    int status, error;

    *out = NULL;
    c->given = hr_strdup(cc);
    if (hr_spawn_find_program(&found, cc) < 0) {
        error = hr_error_set(HR_EINPUT, "compiler '%s' not found", cc);
        goto done;
    }
    if (realpath(found, real) == NULL) {
        error = hr_error_set(HR_EINPUT, "compiler '%s' cannot be resolved", cc);
        goto done;
    }
    c->path = hr_strdup(real);
    if ((error = hr_sha256_file(c->sha256, c->path)) < 0)
        goto done;
    argv[0] = c->path;
    argv[1] = "--version";
    argv[2] = NULL;
    hr_buf_init(&vout, 1 << 16);
    if ((error = hr_spawn_capture(&status, &vout, &vout, argv, NULL,
                                  30000)) < 0)
        goto done;
    if (status != 0) {
        error = hr_error_set(HR_EINPUT, "compiler '%s' failed to run "
                             "'--version' (exit status %d)", cc, status);
        goto done;
    }
    c->version = hr_strndup(hr_buf_cstr(&vout),
                            strcspn(hr_buf_cstr(&vout), "\n"));
    if (strstr(hr_buf_cstr(&vout), "clang version"))
        c->kind = hr_strdup("clang");
    else if (strstr(hr_buf_cstr(&vout), "Free Software Foundation") ||
             strstr(c->version, "gcc") || strstr(c->version, "GCC"))
        c->kind = hr_strdup("gcc");
    else
        c->kind = hr_strdup("unknown");
    *out = c;
    c = NULL;
done:
    hr_free(found);
    hr_buf_release(&vout);
    hr_compiler_free(c);
    return error;
}

/* hr_compiler_free - release; NULL is fine */
void hr_compiler_free(hr_compiler *c)
{
    if (c == NULL)
        return;
    hr_free(c->given);
    hr_free(c->path);
    hr_free(c->version);
    hr_free(c->kind);
    hr_free(c);
}

/*
 * NAME
 *	util/mountinfo 3
 * SUMMARY
 *	this process's mounts, from /proc/self/mountinfo
 * SYNOPSIS
 *	#include "util/mountinfo.h"
 *
 *	int	hr_mountinfo_read(out, n)
 *	void	hr_mountinfo_free(v, n)
 * DESCRIPTION
 *	hr_mountinfo_read() returns the mounts of the calling process's
 *	mount namespace in the kernel's order (parents before children):
 *	mount point and source with mountinfo's \ooo escapes undone, the
 *	per-mount options, and the file system type. A line the kernel
 *	would not write (fewer fields, no "-" separator) is skipped.
 *	hr_mountinfo_free() releases what it returned; NULL is fine.
 * DIAGNOSTICS
 *	A negative code with hr_error_set() when the file cannot be read.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/mem.h"
#include "util/mountinfo.h"
#include "util/msg.h"
#include "util/strv.h"

/* unescape - mountinfo's \ooo escapes (\040 for a space), in place */
static void unescape(char *s)
{
    char *w = s;

    for (char *r = s; *r; r++) {
        if (r[0] == '\\' && r[1] >= '0' && r[1] <= '3' && r[2] >= '0' &&
            r[2] <= '7' && r[3] >= '0' && r[3] <= '7') {
            *w++ = (char)((r[1] - '0') * 64 + (r[2] - '0') * 8 + (r[3] - '0'));
            r += 3;
        } else {
            *w++ = *r;
        }
    }
    *w = 0;
}

/* hr_mountinfo_read - every mount, in the kernel's order */
int hr_mountinfo_read(hr_mount **out, size_t *n)
{
    FILE *f = fopen("/proc/self/mountinfo", "re");
    char *line = NULL;
    size_t cap = 0, mcap = 0;
    hr_mount *v = NULL;

    *out = NULL;
    *n = 0;
    if (f == NULL)
        return hr_error_set(HR_ERROR, "cannot read /proc/self/mountinfo: %s",
                            strerror(errno));
    /* ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTIONS [TAGS...] - TYPE SOURCE
     * SUPEROPTIONS */
    while (getline(&line, &cap, f) > 0) {
        hr_strv fields = HR_STRV_INIT;
        size_t dash;
        hr_mount *e;

        hr_strv_split(&fields, line, " \n");
        for (dash = 6; dash < fields.n; dash++)
            if (strcmp(fields.v[dash], "-") == 0)
                break;
        if (dash + 2 >= fields.n) {
            hr_strv_release(&fields);
            continue;
        }
        if (*n == mcap) {
            mcap = mcap ? 2 * mcap : 32;
            v = hr_realloc(v, mcap * sizeof(*v));
        }
        e = &v[(*n)++];
        unescape(fields.v[4]);
        unescape(fields.v[dash + 2]);
        e->path = hr_strdup(fields.v[4]);
        e->options = hr_strdup(fields.v[5]);
        e->fstype = hr_strdup(fields.v[dash + 1]);
        e->source = hr_strdup(fields.v[dash + 2]);
        hr_strv_release(&fields);
    }
    free(line);
    fclose(f);
    *out = v;
    return 0;
}

/* hr_mountinfo_free - release; NULL is fine */
void hr_mountinfo_free(hr_mount *v, size_t n)
{
    for (size_t i = 0; v && i < n; i++) {
        hr_free(v[i].path);
        hr_free(v[i].options);
        hr_free(v[i].fstype);
        hr_free(v[i].source);
    }
    hr_free(v);
}

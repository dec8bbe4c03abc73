#ifndef HR_UTIL_MOUNTINFO_H
#define HR_UTIL_MOUNTINFO_H

/* util/mountinfo.h - this process's mounts, from /proc/self/mountinfo */

#include <stddef.h>

typedef struct hr_mount {
    char *path;     /* the mount point, unescaped */
    char *options;  /* per-mount options: "rw,nosuid,relatime" */
    char *fstype;   /* "tmpfs" */
    char *source;   /* "pfh-123-4", unescaped */
} hr_mount;

int hr_mountinfo_read(hr_mount **out, size_t *n);
void hr_mountinfo_free(hr_mount *v, size_t n);

#endif

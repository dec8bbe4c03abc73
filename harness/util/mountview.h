#ifndef HR_UTIL_MOUNTVIEW_H
#define HR_UTIL_MOUNTVIEW_H

/* util/mountview.h - a private read-only filesystem view for a child */

/* What a child may see: NULL-terminated lists of directories. */
typedef struct hr_mountview_spec {
    const char *const *cover; /* empty tmpfs over these, where they exist */
    const char *const *ro;    /* there again, read-only */
    const char *const *rw;    /* there again, writable */
    const char *const *layers; /* "TARGET:LOWER": LOWER's files shown over
                                * TARGET's (read-only overlayfs) */
    int open_tmp;             /* the covers of /tmp and /var/tmp are
                               * writable by anyone (1777), as those
                               * directories are */
} hr_mountview_spec;

typedef struct hr_mountview hr_mountview;

int hr_mountview_plan(hr_mountview **out, const hr_mountview_spec *spec);
int hr_mountview_enter(hr_mountview *m);
void hr_mountview_free(hr_mountview *m);

#endif

#ifndef HR_CASE_OVERLAY_H
#define HR_CASE_OVERLAY_H

/* case/overlay.h - version overlays: what a case expects of another Postfix release */

#include <stddef.h>
#include "util/strv.h"
#include "util/version.h"

typedef struct hr_overlay {
    char *name;           /* the directory's name */
    char *dir;
    char *about;
    char *since_text, *before_text; /* NULL: open at that end */
    hr_version since, before;
    hr_strv cites;        /* RELEASE_NOTES items */
    hr_strv files;        /* NAME.case and NAME.golden, sorted */
} hr_overlay;

int hr_overlay_load_dir(hr_overlay ***out, size_t *count,
                        const char *versions_dir);
void hr_overlay_free_all(hr_overlay **overlays, size_t count);
int hr_overlay_applies(const hr_overlay *o, const hr_version *version);
char *hr_overlay_file(const hr_overlay *o, const char *case_name,
                      const char *ext);
char *hr_overlay_label(const hr_overlay *o);

#endif

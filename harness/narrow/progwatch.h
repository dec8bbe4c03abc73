#ifndef HR_NARROW_PROGWATCH_H
#define HR_NARROW_PROGWATCH_H

/* narrow/progwatch.h - which files of a few directories were opened (inotify) */

#include "util/strv.h"

typedef struct hr_progwatch hr_progwatch;

int hr_progwatch_new(hr_progwatch **out, const char *const *dirs);
int hr_progwatch_take(hr_progwatch *w, hr_strv *opened);
void hr_progwatch_free(hr_progwatch *w);

#endif

#ifndef HR_IMPORT_POSTCONF_H
#define HR_IMPORT_POSTCONF_H

/* import/postconf.h - "postconf -n" output as the config lines a case may hold */

#include "util/strv.h"

int hr_postconf_load(hr_strv *config, hr_strv *skipped, const char *path);
int hr_postconf_parse(hr_strv *config, hr_strv *skipped, const char *path,
                      const char *text, size_t len);

#endif

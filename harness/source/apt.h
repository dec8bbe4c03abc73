#ifndef HR_SOURCE_APT_H
#define HR_SOURCE_APT_H

/* source/apt.h - Debian's other releases, through a temporary apt source list */

#include "util/buf.h"
#include "util/strv.h"

int hr_apt_derive(hr_buf *out, const char *root);
int hr_apt_other(hr_strv *opts, const char *state_dir, int refresh);
int hr_apt_valid_version(const char *version);
const char *hr_apt_error(const char *log);

#endif

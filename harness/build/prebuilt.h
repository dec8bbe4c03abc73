#ifndef HR_BUILD_PREBUILT_H
#define HR_BUILD_PREBUILT_H

/* build/prebuilt.h - a distribution's binary packages, unpacked as a build's stage */

#include "util/strv.h"

int hr_prebuilt_fetch(hr_strv *out, const char *debian_version,
                      const char *cache_dir, const char *apt_state);
int hr_prebuilt_stage(const hr_strv *debs, const char *stage,
                      const char *log_path);

#endif

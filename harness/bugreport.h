#ifndef HR_BUGREPORT_H
#define HR_BUGREPORT_H

/* bugreport.h - a directory to attach to a compiler bug report */

#include "strv.h"

int hr_bugreport_write(hr_strv *files, const char *bisect_dir,
                       const char *out_dir);

#endif

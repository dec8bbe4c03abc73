#ifndef HR_REPORT_BUGREPORT_H
#define HR_REPORT_BUGREPORT_H

/* report/bugreport.h - a directory to attach to a compiler bug report */

#include "util/strv.h"

int hr_bugreport_write(hr_strv *files, const char *bisect_dir,
                       const char *out_dir);

#endif

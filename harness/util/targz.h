#ifndef HR_UTIL_TARGZ_H
#define HR_UTIL_TARGZ_H

/* util/targz.h - write a directory as one .tar.gz, reproducibly */

int hr_targz_write(const char *path, const char *dir, const char *top,
                   long long mtime);

#endif

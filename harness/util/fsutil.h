#ifndef HR_UTIL_FSUTIL_H
#define HR_UTIL_FSUTIL_H

/* util/fsutil.h - paths, directories and whole-file I/O */

#include <stddef.h>
#include <sys/types.h>
#include "util/buf.h"
#include "util/strv.h"

char *hr_path_join(const char *dir, const char *name);
char *hr_path_dirname(const char *path);
const char *hr_path_basename(const char *path);
char *hr_path_abs(const char *path);

int hr_mkdir_p(const char *path, mode_t mode);
int hr_rm_rf(const char *path);
int hr_is_dir(const char *path);
int hr_is_file(const char *path);

int hr_file_read(hr_buf *out, const char *path, size_t limit);
int hr_file_write_atomic(const char *path, const void *data, size_t len,
                         mode_t mode);
int hr_file_copy(const char *from, const char *to, mode_t mode);

int hr_lookup_uid(uid_t *out, const char *user);
int hr_lookup_gid(gid_t *out, const char *group);

int hr_dir_list(hr_strv *out, const char *dir);
int hr_dir_find(hr_strv *out, const char *root, const char *suffix);

#endif

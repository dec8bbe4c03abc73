/*
 * NAME
 *	util/fsutil 3
 * SUMMARY
 *	paths, directories and whole-file I/O
 * SYNOPSIS
 *	#include "util/fsutil.h"
 *
 *	char	*hr_path_join(dir, name), *hr_path_dirname(path)
 *	const char *hr_path_basename(path)
 *	char	*hr_path_abs(path)
 *	int	hr_mkdir_p(path, mode), hr_rm_rf(path)
 *	int	hr_is_dir(path), hr_is_file(path)
 *	int	hr_file_read(out, path, limit)
 *	int	hr_file_write_atomic(path, data, len, mode)
 *	int	hr_file_copy(from, to, mode)
 *	int	hr_dir_list(out, dir), hr_dir_find(out, root, suffix)
 *	int	hr_lookup_uid(out, user), hr_lookup_gid(out, group)
 * DESCRIPTION
 *	hr_file_write_atomic() writes a temporary file beside path and
 *	renames it into place, so that a reader sees the old contents or
 *	the new ones, never a half-written file.
 *
 *	hr_dir_list() appends the names in dir, sorted, without "." and
 *	"..". hr_dir_find() appends the paths of regular files under root
 *	whose names end in suffix, recursively and sorted; a root that is
 *	itself a file is appended as it is.
 *
 *	hr_file_read() fails when the file is larger than limit (0: no
 *	limit).
 *
 *	hr_lookup_uid() and hr_lookup_gid() use the reentrant getpwnam_r()
 *	and getgrnam_r(): instances start in parallel threads, and the
 *	static result of getpwnam() once gave a queue directory to the
 *	wrong user. HR_ENOTFOUND when the account does not exist.
 * DIAGNOSTICS
 *	Functions that return int return 0 on success and a negative code
 *	with hr_error_set() on failure.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <grp.h>
#include <pwd.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/fsutil.h"
#include "util/mem.h"

/* hr_path_join - dir/name, without doubling slashes */
char *hr_path_join(const char *dir, const char *name)
{
    size_t len = strlen(dir);

    if (len && dir[len - 1] == '/')
        return hr_sprintf("%s%s", dir, name);
    return hr_sprintf("%s/%s", dir, name);
}

/* hr_path_dirname - everything before the last slash */
char *hr_path_dirname(const char *path)
{
    const char *slash = strrchr(path, '/');

    if (slash == NULL)
        return hr_strdup(".");
    if (slash == path)
        return hr_strdup("/");
    return hr_strndup(path, slash - path);
}

/* hr_path_basename - everything after the last slash */
const char *hr_path_basename(const char *path)
{
    const char *slash = strrchr(path, '/');

    return slash ? slash + 1 : path;
}

/* hr_path_abs - make a path absolute without resolving symlinks */
char *hr_path_abs(const char *path)
{
    char cwd[PATH_MAX];

    if (path[0] == '/')
        return hr_strdup(path);
    if (getcwd(cwd, sizeof(cwd)) == NULL)
        hr_panic("getcwd: %s", strerror(errno));
    if (strcmp(path, ".") == 0)
        return hr_strdup(cwd);
    if (strncmp(path, "./", 2) == 0)
        path += 2;
    return hr_path_join(cwd, path);
}

/* hr_mkdir_p - create a directory and its parents */
int hr_mkdir_p(const char *path, mode_t mode)
{
    char *copy = hr_strdup(path);
    int error = 0;

    for (char *p = copy + 1; ; p++) {
        if (*p == '/' || *p == 0) {
            char save = *p;

            *p = 0;
            if (mkdir(copy, mode) < 0 && errno != EEXIST) {
                error = hr_error_set(HR_ERROR, "cannot create '%s': %s", copy,
                                     strerror(errno));
                break;
            }
            *p = save;
            if (save == 0)
                break;
        }
    }
    if (error == 0 && !hr_is_dir(path))
        error = hr_error_set(HR_ERROR, "'%s' exists and is not a directory",
                             path);
    hr_free(copy);
    return error;
}

/* rm_one - nftw callback */
static int rm_one(const char *path, const struct stat *st, int type,
                  struct FTW *ftw)
{
    (void)st;
    (void)ftw;
    if (type == FTW_DP)
        return rmdir(path) < 0 && errno != ENOENT ? -1 : 0;
    return unlink(path) < 0 && errno != ENOENT ? -1 : 0;
}

/* hr_rm_rf - remove a tree; a missing tree is fine */
int hr_rm_rf(const char *path)
{
    struct stat st;

    if (lstat(path, &st) < 0)
        return errno == ENOENT ? 0
                               : hr_error_set(HR_ERROR, "cannot stat '%s': %s",
                                              path, strerror(errno));
    if (!S_ISDIR(st.st_mode))
        return unlink(path) < 0 ? hr_error_set(HR_ERROR,
                                               "cannot remove '%s': %s", path,
                                               strerror(errno))
                                : 0;
    if (nftw(path, rm_one, 32, FTW_DEPTH | FTW_PHYS) < 0)
        return hr_error_set(HR_ERROR, "cannot remove '%s': %s", path,
                            strerror(errno));
    return 0;
}

/* hr_is_dir - true for a directory (following symlinks) */
int hr_is_dir(const char *path)
{
    struct stat st;

    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* hr_is_file - true for a regular file (following symlinks) */
int hr_is_file(const char *path)
{
    struct stat st;

    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* hr_file_read - append a whole file to out */
int hr_file_read(hr_buf *out, const char *path, size_t limit)
{
    char chunk[65536];
    size_t total = 0;
    ssize_t n;
    int fd;

    if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
        return hr_error_set(errno == ENOENT ? HR_ENOTFOUND : HR_ERROR,
                            "cannot open '%s': %s", path, strerror(errno));
    while ((n = read(fd, chunk, sizeof(chunk))) != 0) {
        if (n < 0) {
            if (errno == EINTR)
                continue;
            close(fd);
            return hr_error_set(HR_ERROR, "cannot read '%s': %s", path,
                                strerror(errno));
        }
        total += n;
        if (limit && total > limit) {
            close(fd);
            return hr_error_set(HR_EINPUT, "'%s' is larger than %zu bytes",
                                path, limit);
        }
        hr_buf_put(out, chunk, n);
    }
    close(fd);
    return 0;
}

/* write_all - write everything or fail */
static int write_all(int fd, const char *p, size_t len)
{
    while (len > 0) {
        ssize_t n = write(fd, p, len);

        if (n < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        p += n;
        len -= n;
    }
    return 0;
}

/* hr_file_write_atomic - write to a temporary file, then rename */
int hr_file_write_atomic(const char *path, const void *data, size_t len,
                         mode_t mode)
{
    char *tmp = hr_sprintf("%s.tmp.XXXXXX", path);
    int fd;
    int error = 0;

    /* mkostemp: a new name, O_EXCL, so never a file or a symlink that
     * someone planted at a predictable one */
    if ((fd = mkostemp(tmp, O_CLOEXEC)) < 0) {
        error = hr_error_set(HR_ERROR, "cannot create '%s': %s", tmp,
                             strerror(errno));
        goto done;
    }
    if (fchmod(fd, mode) < 0) {
        error = hr_error_set(HR_ERROR, "cannot set the mode of '%s': %s",
                             tmp, strerror(errno));
        close(fd);
        unlink(tmp);
        goto done;
    }
    if (write_all(fd, data, len) < 0 || fsync(fd) < 0) {
        error = hr_error_set(HR_ERROR, "cannot write '%s': %s", tmp,
                             strerror(errno));
        close(fd);
        unlink(tmp);
        goto done;
    }
    if (close(fd) < 0 || rename(tmp, path) < 0) {
        error = hr_error_set(HR_ERROR, "cannot rename '%s' to '%s': %s", tmp,
                             path, strerror(errno));
        unlink(tmp);
    }
done:
    hr_free(tmp);
    return error;
}

/* hr_file_copy - copy a file's contents atomically */
int hr_file_copy(const char *from, const char *to, mode_t mode)
{
    hr_buf b = HR_BUF_INIT;
    int error;

    if ((error = hr_file_read(&b, from, 0)) == 0)
        error = hr_file_write_atomic(to, b.ptr ? b.ptr : "", b.len, mode);
    hr_buf_release(&b);
    return error;
}

/* hr_dir_list - sorted names in a directory */
int hr_dir_list(hr_strv *out, const char *dir)
{
    hr_strv names = HR_STRV_INIT;
    struct dirent *de;
    DIR *d;

    if ((d = opendir(dir)) == NULL)
        return hr_error_set(errno == ENOENT ? HR_ENOTFOUND : HR_ERROR,
                            "cannot open directory '%s': %s", dir,
                            strerror(errno));
    while ((de = readdir(d)) != NULL) {
        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
            continue;
        hr_strv_add(&names, de->d_name);
    }
    closedir(d);
    hr_strv_sort(&names);
    for (size_t i = 0; i < names.n; i++)
        hr_strv_add(out, names.v[i]);
    hr_strv_release(&names);
    return 0;
}

/* find - recursive helper for hr_dir_find */
static int find(hr_strv *out, const char *dir, const char *suffix)
{
    hr_strv names = HR_STRV_INIT;
    size_t slen = strlen(suffix);
    int error;

    if ((error = hr_dir_list(&names, dir)) < 0)
        return error;
    for (size_t i = 0; i < names.n && error == 0; i++) {
        char *path = hr_path_join(dir, names.v[i]);
        size_t len = strlen(names.v[i]);

        if (names.v[i][0] == '.')
            ;                           /* skip hidden files and editors' */
        else if (hr_is_dir(path))
            error = find(out, path, suffix);
        else if (len >= slen && strcmp(names.v[i] + len - slen, suffix) == 0)
            hr_strv_add(out, path);
        hr_free(path);
    }
    hr_strv_release(&names);
    return error;
}

/* hr_dir_find - files under root ending in suffix, sorted */
int hr_dir_find(hr_strv *out, const char *root, const char *suffix)
{
    if (hr_is_dir(root))
        return find(out, root, suffix);
    if (access(root, F_OK) < 0)
        return hr_error_set(HR_ENOTFOUND, "cannot open '%s': %s", root,
                            strerror(errno));
    hr_strv_add(out, root);
    return 0;
}

/* hr_lookup_uid - a user's uid, thread-safe */
int hr_lookup_uid(uid_t *out, const char *user)
{
    struct passwd pw, *res = NULL;
    char buf[16384];
    int rc = getpwnam_r(user, &pw, buf, sizeof(buf), &res);

    if (rc != 0 || res == NULL)
        return hr_error_set(HR_ENOTFOUND, "there is no user '%s'; run 'make "
                            "deps' as root", user);
    *out = pw.pw_uid;
    return 0;
}

/* hr_lookup_gid - a group's gid, thread-safe */
int hr_lookup_gid(gid_t *out, const char *group)
{
    struct group gr, *res = NULL;
    char buf[16384];
    int rc = getgrnam_r(group, &gr, buf, sizeof(buf), &res);

    if (rc != 0 || res == NULL)
        return hr_error_set(HR_ENOTFOUND, "there is no group '%s'; run "
                            "'make deps' as root", group);
    *out = gr.gr_gid;
    return 0;
}

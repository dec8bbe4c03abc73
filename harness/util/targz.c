/*
 * NAME
 *	util/targz 3
 * SUMMARY
 *	write a directory as one .tar.gz, reproducibly
 * SYNOPSIS
 *	#include "util/targz.h"
 *
 *	int	hr_targz_write(path, dir, top, mtime)
 * DESCRIPTION
 *	hr_targz_write() archives every regular file under dir, in sorted
 *	order, as top/RELATIVE-PATH in a POSIX (pax) tar file compressed
 *	with gzip, using libarchive's write API. The entries carry what
 *	the files hold and nothing of the machine: mode 0644, owner and
 *	group 0 ("root"), and mtime for every time, and the gzip header
 *	has no time stamp, so that the same files always make the same
 *	bytes. The archive is written beside path and renamed into place.
 * DIAGNOSTICS
 *	Negative with hr_error_set() when a file cannot be read or the
 *	archive cannot be written; path is then left as it was.
 * SEE ALSO
 *	libarchive(3), archive_write(3), bundle(3).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <archive.h>
#include <archive_entry.h>

#include "util/targz.h"
#include "util/buf.h"
#include "util/fsutil.h"
#include "util/mem.h"
#include "util/msg.h"
#include "util/strv.h"

#define MAX_MEMBER ((size_t)1 << 30) /* bytes in one file */

/* why - libarchive's reason, which may be NULL */
static const char *why(struct archive *a)
{
    const char *s = archive_error_string(a);

    return s ? s : "unknown error";
}

/* add - one file as an entry */
static int add(struct archive *a, const char *file, const char *name,
               long long mtime)
{
    struct archive_entry *e = archive_entry_new();
    hr_buf b = HR_BUF_INIT;
    int error;

    if ((error = hr_file_read(&b, file, MAX_MEMBER)) < 0)
        goto done;
    archive_entry_set_pathname(e, name);
    archive_entry_set_filetype(e, AE_IFREG);
    archive_entry_set_perm(e, 0644);
    archive_entry_set_size(e, (la_int64_t)b.len);
    archive_entry_set_uid(e, 0);
    archive_entry_set_gid(e, 0);
    archive_entry_set_uname(e, "root");
    archive_entry_set_gname(e, "root");
    archive_entry_set_mtime(e, (time_t)mtime, 0);
    if (archive_write_header(a, e) != ARCHIVE_OK ||
        (b.len && archive_write_data(a, b.ptr, b.len) != (la_ssize_t)b.len))
        error = hr_error_set(HR_ERROR, "cannot archive '%s': %s", file, why(a));
done:
    archive_entry_free(e);
    hr_buf_release(&b);
    return error;
}

/* hr_targz_write - every file under dir as top/... in path */
int hr_targz_write(const char *path, const char *dir, const char *top,
                   long long mtime)
{
    struct archive *a = archive_write_new();
    char *tmp = hr_sprintf("%s.tmp.%ld", path, (long)getpid());
    hr_strv files = HR_STRV_INIT;
    size_t skip = strlen(dir) + 1;
    int error, opened = 0;

    if ((error = hr_dir_find(&files, dir, "")) < 0)
        goto done;
    if (archive_write_set_format_pax_restricted(a) != ARCHIVE_OK ||
        archive_write_add_filter_gzip(a) != ARCHIVE_OK ||
        archive_write_set_options(a, "gzip:!timestamp") != ARCHIVE_OK ||
        archive_write_open_filename(a, tmp) != ARCHIVE_OK) {
        error = hr_error_set(HR_ERROR, "cannot write '%s': %s", path, why(a));
        goto done;
    }
    opened = 1;
    for (size_t i = 0; i < files.n && error == 0; i++) {
        char *name = hr_sprintf("%s/%s", top, files.v[i] + skip);

        error = add(a, files.v[i], name, mtime);
        hr_free(name);
    }
    if (archive_write_close(a) != ARCHIVE_OK && error == 0)
        error = hr_error_set(HR_ERROR, "cannot write '%s': %s", path, why(a));
    if (error == 0 && rename(tmp, path) < 0)
        error = hr_error_set(HR_ERROR, "cannot rename '%s' to '%s': %s", tmp,
                             path, strerror(errno));
done:
    archive_write_free(a);
    if (error < 0 && opened)
        unlink(tmp);
    hr_strv_release(&files);
    hr_free(tmp);
    return error;
}

/*
 * NAME
 *	observe/obsdir 3
 * SUMMARY
 *	an observation's raw material from files in a directory
 * SYNOPSIS
 *	#include "observe/obsdir.h"
 *
 *	int	hr_obsdir_load(&out, dir)
 *	const hr_obs_raw *hr_obsdir_raw(d)
 *	void	hr_obsdir_free(d)
 * DESCRIPTION
 *	hr_obsdir_load() reads the files that observe(3) works on from
 *	one directory, for golden tests and "pfharness normalize
 *	--observe":
 *
 *	transcript, probe, sink, maillog, sanitizer
 *		optional text files; a missing file is a missing part.
 *	instance_dir, build_dir
 *		optional; the first line names a directory that observe(3)
 *		replaces with INSTANCE or BUILD.
 *	mail/RCPT/...
 *		every regular file below mail/RCPT (such as a Maildir's
 *		new/ and cur/) is a message that landed in mailbox RCPT.
 *
 *	hr_obsdir_raw() returns a view that stays valid until
 *	hr_obsdir_free().
 * DIAGNOSTICS
 *	hr_obsdir_load() returns a negative code with hr_error_set() when
 *	dir or a file cannot be read, or a file is larger than 64 MiB.
 * SEE ALSO
 *	observe(3), tests/data/observe/.
 */
#include <string.h>

#include "util/buf.h"
#include "util/fsutil.h"
#include "util/mem.h"
#include "util/msg.h"
#include "observe/obsdir.h"
#include "util/strv.h"

#define FILE_LIMIT (64u << 20)

struct hr_obsdir {
    hr_obs_raw raw;
    hr_strv texts; /* owns every string the view points to */
    hr_obs_msg *mail;
    size_t nmail;
};

/* load_path - read a file into the store; a missing file gives NULL */
static int load_path(hr_obsdir *d, const char *path, const char **out,
                     size_t *len)
{
    hr_buf b = HR_BUF_INIT;
    int error;

    *out = NULL;
    error = hr_file_read(&b, path, FILE_LIMIT);
    if (error == HR_ENOTFOUND) {
        error = 0;
    } else if (error == 0) {
        if (len)
            *len = b.len;
        hr_strv_add_owned(&d->texts, hr_buf_detach(&b));
        *out = d->texts.v[d->texts.n - 1];
    }
    hr_buf_release(&b);
    return error;
}

/* load - read dir/name into the store */
static int load(hr_obsdir *d, const char *dir, const char *name,
                const char **out, size_t *len)
{
    char *path = hr_path_join(dir, name);
    int error = load_path(d, path, out, len);

    hr_free(path);
    return error;
}

/* load_line - the first line of an optional file */
static int load_line(hr_obsdir *d, const char *dir, const char *name,
                     const char **out)
{
    int error = load(d, dir, name, out, NULL);

    if (error == 0 && *out)
        d->texts.v[d->texts.n - 1][strcspn(*out, "\r\n")] = 0;
    return error;
}

/* load_mail - mail/RCPT/... in sorted order */
static int load_mail(hr_obsdir *d, const char *dir)
{
    char *root = hr_path_join(dir, "mail");
    hr_strv boxes = HR_STRV_INIT, files = HR_STRV_INIT;
    int error = 0;

    if (!hr_is_dir(root))
        goto done;
    if ((error = hr_dir_list(&boxes, root)) < 0)
        goto done;
    for (size_t i = 0; i < boxes.n && error == 0; i++) {
        char *box = hr_path_join(root, boxes.v[i]);

        hr_strv_release(&files);
        if (hr_is_dir(box) && (error = hr_dir_find(&files, box, "")) == 0) {
            for (size_t k = 0; k < files.n && error == 0; k++) {
                hr_obs_msg *m;
                const char *text;
                size_t len = 0;

                if ((error = load_path(d, files.v[k], &text, &len)) < 0)
                    break;
                d->mail = hr_realloc(d->mail, (d->nmail + 1) * sizeof(*m));
                m = &d->mail[d->nmail++];
                hr_strv_add(&d->texts, boxes.v[i]);
                m->rcpt = d->texts.v[d->texts.n - 1];
                m->text = text;
                m->len = len;
            }
        }
        hr_free(box);
    }
done:
    hr_strv_release(&boxes);
    hr_strv_release(&files);
    hr_free(root);
    return error;
}

/* hr_obsdir_load - read a directory of raw material */
int hr_obsdir_load(hr_obsdir **out, const char *dir)
{
    hr_obsdir *d = hr_calloc(1, sizeof(*d));
    int error;

    *out = NULL;
    if (!hr_is_dir(dir)) {
        error = hr_error_set(HR_ENOTFOUND, "'%s' is not a directory", dir);
        goto done;
    }
    if ((error = load(d, dir, "transcript", &d->raw.transcript, NULL)) < 0 ||
        (error = load(d, dir, "probe", &d->raw.probe_output, NULL)) < 0 ||
        (error = load(d, dir, "sink", &d->raw.sink, NULL)) < 0 ||
        (error = load(d, dir, "maillog", &d->raw.maillog, NULL)) < 0 ||
        (error = load(d, dir, "sanitizer", &d->raw.sanitizer, NULL)) < 0 ||
        (error = load_mail(d, dir)) < 0)
        goto done;
    if ((error = load_line(d, dir, "instance_dir", &d->raw.instance_dir)) < 0 ||
        (error = load_line(d, dir, "build_dir", &d->raw.build_dir)) < 0)
        goto done;
    d->raw.mail = d->mail;
    d->raw.nmail = d->nmail;
    *out = d;
    d = NULL;
done:
    hr_obsdir_free(d);
    return error;
}

/* hr_obsdir_raw - the loaded material */
const hr_obs_raw *hr_obsdir_raw(const hr_obsdir *d)
{
    return &d->raw;
}

/* hr_obsdir_free - release; NULL is fine */
void hr_obsdir_free(hr_obsdir *d)
{
    if (d == NULL)
        return;
    hr_strv_release(&d->texts);
    hr_free(d->mail);
    hr_free(d);
}

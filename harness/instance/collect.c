/*
 * NAME
 *	instance/collect 3
 * SUMMARY
 *	what a case left in an instance: delivered mail, sanitizer reports
 * SYNOPSIS
 *	#include "instance/instance.h"
 *
 *	int	hr_instance_take_mail(in, out, count)
 *	void	hr_mail_free_all(mail, count)
 *	int	hr_instance_take_sanitizer(in, out)
 *	int	hr_instance_reset(in)
 * DESCRIPTION
 *	hr_instance_take_mail() removes every delivered message from the
 *	instance's Maildirs and returns them sorted by mailbox, then text.
 *	hr_mail_free_all() releases them.
 *
 *	hr_instance_take_sanitizer() appends, and removes, the sanitizer
 *	reports written since the previous call.
 *
 *	hr_instance_reset() deletes deferred and held mail with postsuper,
 *	so that no mail of one case reaches the next.
 * DIAGNOSTICS
 *	Functions return 0 or a negative code with hr_error_set().
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "instance/instance_int.h"
#include "util/fsutil.h"
#include "util/mem.h"
#include "util/msg.h"
#include "util/spawn.h"

/* cmp_mail - by mailbox, then text */
static int cmp_mail(const void *a, const void *b)
{
    const hr_mail *x = a, *y = b;
    int c = strcmp(x->mailbox, y->mailbox);

    return c ? c : strcmp(x->text, y->text);
}

/* hr_instance_take_mail - every delivered message, removed from disk */
int hr_instance_take_mail(hr_instance *in, hr_mail **out, size_t *count)
{
    hr_strv boxes = HR_STRV_INIT;
    hr_mail *mail = NULL;
    size_t n = 0, cap = 0;
    int error;

    *out = NULL;
    *count = 0;
    if ((error = hr_dir_list(&boxes, in->mail)) < 0)
        return error;
    for (size_t i = 0; i < boxes.n && error == 0; i++) {
        static const char *const subs[] = {"new", "cur", NULL};

        for (const char *const *s = subs; *s && error == 0; s++) {
            char *dir = hr_sprintf("%s/%s/%s", in->mail, boxes.v[i], *s);
            hr_strv files = HR_STRV_INIT;

            if (hr_dir_list(&files, dir) == 0) {
                for (size_t j = 0; j < files.n && error == 0; j++) {
                    char *path = hr_path_join(dir, files.v[j]);
                    hr_buf b = HR_BUF_INIT;

                    if ((error = hr_file_read(&b, path, 64 << 20)) == 0) {
                        if (n == cap) {
                            cap = cap ? cap * 2 : 8;
                            mail = hr_realloc(mail, cap * sizeof(*mail));
                        }
                        mail[n].mailbox = hr_strdup(boxes.v[i]);
                        mail[n].len = b.len;
                        mail[n].text = hr_buf_detach(&b);
                        n++;
                        unlink(path);
                    }
                    hr_buf_release(&b);
                    hr_free(path);
                }
            }
            hr_strv_release(&files);
            hr_free(dir);
        }
    }
    hr_strv_release(&boxes);
    if (n > 1)
        qsort(mail, n, sizeof(*mail), cmp_mail);
    *out = mail;
    *count = n;
    return error;
}

/* hr_mail_free_all - release what hr_instance_take_mail() returned */
void hr_mail_free_all(hr_mail *mail, size_t count)
{
    for (size_t i = 0; i < count; i++) {
        hr_free(mail[i].mailbox);
        hr_free(mail[i].text);
    }
    hr_free(mail);
}

/* hr_instance_take_sanitizer - sanitizer reports written since last time */
int hr_instance_take_sanitizer(hr_instance *in, hr_buf *out)
{
    hr_strv files = HR_STRV_INIT;
    int error;

    if ((error = hr_dir_list(&files, in->san)) < 0)
        return error;
    for (size_t i = 0; i < files.n && error == 0; i++) {
        char *path = hr_path_join(in->san, files.v[i]);

        error = hr_file_read(out, path, 16 << 20);
        unlink(path);
        hr_free(path);
    }
    hr_strv_release(&files);
    return error;
}

/* hr_instance_reset - no mail of one case may reach the next */
int hr_instance_reset(hr_instance *in)
{
    static const char *const queues[] = {"deferred", "hold", NULL};
    int error = 0;

    for (const char *const *q = queues; *q && error == 0; q++) {
        char *dir = hr_path_join(in->queue, *q);
        hr_strv names = HR_STRV_INIT;

        if (hr_dir_list(&names, dir) == 0 && names.n > 0) {
            char *cmd = hr_sprintf("%s/usr/sbin/postsuper",
                                   in->build->stage);
            const char *argv[] = {cmd, "-d", "ALL", *q, NULL};
            hr_spawn_opts o = HR_SPAWN_OPTS_INIT;
            int status;

            o.argv = argv;
            o.setenv = hr_instance_env(in);
            o.view = hr_instance_view(in);
            o.timeout_ms = 30000;
            if ((error = hr_spawn_run(&status, &o)) == 0 && status != 0)
                error = hr_error_set(HR_ERROR, "postsuper -d ALL %s failed in "
                                     "%s", *q, in->dir);
            hr_free(cmd);
        }
        hr_strv_release(&names);
        hr_free(dir);
    }
    return error;
}

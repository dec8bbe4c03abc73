/* test_mountview.c - a child in its own mount namespace: the host is
 * read-only, the covers are empty, and kept directories are there again,
 * also inside a cover; nothing of it reaches the host. Needs root. */
#include <stdio.h> /* before unit.h, which uses snprintf() */
#include "unit.h"

#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "util/buf.h"
#include "util/fsutil.h"
#include "util/mem.h"
#include "util/mountview.h"
#include "util/spawn.h"

static char base[] = "/tmp/pfh-mountview.XXXXXX";

/* in_view - run a shell script in the view; its status, output in out */
static int in_view(hr_buf *out, const hr_mountview_spec *spec,
                   const char *script)
{
    const char *argv[] = {"/bin/sh", "-c", script, NULL};
    hr_spawn_opts o = HR_SPAWN_OPTS_INIT;
    int status = -1;

    o.argv = argv;
    o.view = spec;
    o.out = HR_OUT_CAPTURE;
    o.out_buf = out;
    o.err = HR_OUT_STDOUT;
    o.timeout_ms = 20000;
    assert_int_equal(hr_spawn_run(&status, &o), 0);
    return status;
}

/* setup - a tree under /tmp: a secret, a kept ro and a kept rw dir */
static int setup(void **state)
{
    (void)state;
    if (geteuid() != 0)
        return 0;
    if (mkdtemp(base) == NULL)
        return -1;
    return 0;
}

/* teardown - remove the tree */
static int teardown(void **state)
{
    (void)state;
    if (geteuid() == 0)
        hr_rm_rf(base);
    return 0;
}

/* test_mountview_contains - read, write and connect are stopped */
static void test_mountview_contains(void **state)
{
    char *secret = hr_sprintf("%s/secret", base);
    char *ro = hr_sprintf("%s/stage", base);
    char *rw = hr_sprintf("%s/stage/instance", base);
    char *sock = hr_sprintf("%s/host.sock", base);
    const char *cover[] = {"/tmp", "/run", "/nonexistent-dir", NULL};
    const char *rov[] = {ro, NULL};
    const char *rwv[] = {rw, NULL};
    hr_mountview_spec spec = {cover, rov, rwv};
    struct sockaddr_un sa;
    hr_buf out = HR_BUF_INIT;
    char *script, *stray;
    int lfd, status;

    (void)state;
    if (geteuid() != 0)
        skip();
    assert_int_equal(hr_mkdir_p(rw, 0755), 0);
    assert_int_equal(hr_file_write_atomic(secret, "TOPSECRET\n", 10, 0600), 0);
    lfd = socket(AF_UNIX, SOCK_STREAM, 0);
    memset(&sa, 0, sizeof(sa));
    sa.sun_family = AF_UNIX;
    snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", sock);
    assert_int_equal(bind(lfd, (struct sockaddr *)&sa, sizeof(sa)), 0);
    assert_int_equal(listen(lfd, 4), 0);
    stray = hr_sprintf("/var/lib/pfh-mountview-%d", (int)getpid());
    script = hr_sprintf("cat %s 2>/dev/null && echo READ; "
                        "{ echo x > %s/new; } 2>/dev/null && echo WROTE-RO; "
                        "{ echo x > %s; } 2>/dev/null && echo WROTE-HOST; "
                        "{ echo x > /tmp/elsewhere; } 2>/dev/null; "
                        "[ -S %s ] && echo SOCKET-VISIBLE; "
                        "echo kept > %s/file && cat %s/file; "
                        "ls /run | wc -l",
                        secret, ro, stray, sock, rw, rw);
    status = in_view(&out, &spec, script);
    assert_int_equal(status, 0);
    assert_null(strstr(hr_buf_cstr(&out), "TOPSECRET"));
    assert_null(strstr(hr_buf_cstr(&out), "READ"));
    assert_null(strstr(hr_buf_cstr(&out), "WROTE"));
    assert_null(strstr(hr_buf_cstr(&out), "SOCKET-VISIBLE"));
    /* the rw directory is writable, and /run is empty */
    assert_string_equal(hr_buf_cstr(&out), "kept\n0\n");
    /* the host: the write into rw happened, nothing else did */
    {
        char *file = hr_sprintf("%s/file", rw);

        assert_true(hr_is_file(file));
        hr_free(file);
    }
    assert_false(hr_is_file(stray));
    assert_false(hr_is_file("/tmp/elsewhere"));
    close(lfd);
    hr_buf_release(&out);
    hr_free(script);
    hr_free(stray);
    hr_free(secret);
    hr_free(ro);
    hr_free(rw);
    hr_free(sock);
}

/* test_mountview_missing_keep - a kept directory must exist */
static void test_mountview_missing_keep(void **state)
{
    const char *rwv[] = {"/nonexistent/pfh-instance", NULL};
    hr_mountview_spec spec = {NULL, NULL, rwv};
    hr_mountview *m = NULL;

    (void)state;
    assert_true(hr_mountview_plan(&m, &spec) < 0);
    assert_null(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_mountview_contains),
        cmocka_unit_test(test_mountview_missing_keep),
    };

    return cmocka_run_group_tests(tests, setup, teardown);
}

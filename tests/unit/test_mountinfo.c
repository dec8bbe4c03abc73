/* test_mountinfo.c - /proc/self/mountinfo read back: a tmpfs mounted in
 * a private mount namespace (a child process, so the host sees nothing)
 * on a path with a space shows with its path unescaped, its type, its
 * source and its options. Needs root for the mount. */
#include <stdio.h> /* before unit.h, which uses snprintf() */
#include "unit.h"

#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "util/fsutil.h"
#include "util/mem.h"
#include "util/mountinfo.h"

/* check - in the child: 0 when the mount is listed as it was made */
static int check(const char *dir)
{
    hr_mount *v;
    size_t n;
    int found = 0, root = 0;

    if (unshare(CLONE_NEWNS) < 0 ||
        mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0 ||
        mount("pfh-12-3", dir, "tmpfs", MS_NOSUID | MS_NODEV, "size=1m") < 0 ||
        hr_mountinfo_read(&v, &n) < 0)
        return 10;
    for (size_t i = 0; i < n; i++) {
        root |= strcmp(v[i].path, "/") == 0;
        if (strcmp(v[i].path, dir) == 0 && strcmp(v[i].fstype, "tmpfs") == 0 &&
            strcmp(v[i].source, "pfh-12-3") == 0 &&
            strstr(v[i].options, "nosuid") && strstr(v[i].options, "nodev"))
            found = 1;
    }
    hr_mountinfo_free(v, n);
    return root && found ? 0 : 11;
}

/* test_mountinfo_escaped_path - the child's tmpfs, as mounted */
static void test_mountinfo_escaped_path(void **state)
{
    char base[] = "/tmp/pfh-mountinfo.XXXXXX";
    char *dir;
    pid_t pid;
    int status;

    (void)state;
    if (geteuid() != 0)
        skip();
    assert_non_null(mkdtemp(base));
    dir = hr_path_join(base, "a spool");
    assert_int_equal(hr_mkdir_p(dir, 0755), 0);
    fflush(NULL);
    if ((pid = fork()) == 0)
        _exit(check(dir));
    assert_true(pid > 0);
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
    assert_int_equal(hr_rm_rf(base), 0);
    hr_free(dir);
}

/* test_mountinfo_host - the host's root is there, every field set */
static void test_mountinfo_host(void **state)
{
    hr_mount *v;
    size_t n;
    int root = 0;

    (void)state;
    assert_int_equal(hr_mountinfo_read(&v, &n), 0);
    assert_true(n > 0);
    for (size_t i = 0; i < n; i++) {
        assert_non_null(v[i].path);
        assert_non_null(v[i].options);
        assert_true(v[i].fstype[0] != 0);
        assert_non_null(v[i].source);
        root |= strcmp(v[i].path, "/") == 0;
    }
    assert_true(root);
    hr_mountinfo_free(v, n);
    hr_mountinfo_free(NULL, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_mountinfo_host),
        cmocka_unit_test(test_mountinfo_escaped_path),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* test_fsutil.c - hr_file_write_atomic(): content, mode, no temporary
 * file left behind, replacement, failures, and no symlink followed */
#include <stdio.h> /* before unit.h, which uses snprintf() */
#include "unit.h"

#include <sys/stat.h>
#include <unistd.h>

#include "util/buf.h"
#include "util/fsutil.h"
#include "util/mem.h"
#include "util/strv.h"

/* content - what a file holds now */
static char *content(const char *path)
{
    hr_buf b = HR_BUF_INIT;

    assert_int_equal(hr_file_read(&b, path, 0), 0);
    return hr_buf_detach(&b);
}

/* only_file - dir holds exactly one entry, name */
static void only_file(const char *dir, const char *name)
{
    hr_strv names = HR_STRV_INIT;

    assert_int_equal(hr_dir_list(&names, dir), 0);
    assert_int_equal(names.n, 1);
    assert_string_equal(names.v[0], name);
    hr_strv_release(&names);
}

/* test_fsutil_write_new - content and mode of a new file */
static void test_fsutil_write_new(void **state)
{
    char *dir = unit_tmpdir();
    char *path = hr_path_join(dir, "main.cf");
    const char data[] = "a = 1\nb =\0binary\n";
    struct stat st;
    hr_buf b = HR_BUF_INIT;
    mode_t old = umask(0);

    (void)state;
    assert_int_equal(hr_file_write_atomic(path, data, sizeof(data) - 1, 0640),
                     0);
    umask(old);
    assert_int_equal(hr_file_read(&b, path, 0), 0);
    assert_int_equal(b.len, sizeof(data) - 1);
    assert_memory_equal(b.ptr, data, sizeof(data) - 1);
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 07777, 0640);
    only_file(dir, "main.cf");
    hr_buf_release(&b);
    assert_int_equal(hr_rm_rf(dir), 0);
    hr_free(path);
    free(dir);
}

/* test_fsutil_write_empty - a zero-length write makes an empty file */
static void test_fsutil_write_empty(void **state)
{
    char *dir = unit_tmpdir();
    char *path = hr_path_join(dir, "maillog");
    struct stat st;

    (void)state;
    assert_int_equal(hr_file_write_atomic(path, "", 0, 0644), 0);
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_size, 0);
    only_file(dir, "maillog");
    assert_int_equal(hr_rm_rf(dir), 0);
    hr_free(path);
    free(dir);
}

/* test_fsutil_replace - an existing file is replaced by a new inode, so
 * a reader that has the old one open still sees the old content */
static void test_fsutil_replace(void **state)
{
    char *dir = unit_tmpdir();
    char *path = hr_path_join(dir, "f");
    struct stat before, after;
    char *text;
    FILE *reader;
    char line[64];

    (void)state;
    assert_int_equal(hr_file_write_atomic(path, "old\n", 4, 0644), 0);
    assert_int_equal(stat(path, &before), 0);
    reader = fopen(path, "r");
    assert_non_null(reader);
    assert_int_equal(hr_file_write_atomic(path, "new content\n", 12, 0600),
                     0);
    assert_int_equal(stat(path, &after), 0);
    assert_true(before.st_ino != after.st_ino);
    assert_int_equal(after.st_mode & 07777, 0600);
    text = content(path);
    assert_string_equal(text, "new content\n");
    assert_non_null(fgets(line, sizeof(line), reader));
    assert_string_equal(line, "old\n");
    fclose(reader);
    only_file(dir, "f");
    hr_free(text);
    assert_int_equal(hr_rm_rf(dir), 0);
    hr_free(path);
    free(dir);
}

/* test_fsutil_failure_keeps_old - something at the name that the
 * temporary file had before mkostemp() (path.tmp.PID) no longer stops a
 * write, nor is it touched */
static void test_fsutil_failure_keeps_old(void **state)
{
    char *dir = unit_tmpdir();
    char *path = hr_path_join(dir, "f");
    char *blocker = hr_sprintf("%s.tmp.%ld", path, (long)getpid());
    hr_strv names = HR_STRV_INIT;
    char *text;

    (void)state;
    assert_int_equal(hr_file_write_atomic(path, "old\n", 4, 0644), 0);
    assert_int_equal(mkdir(blocker, 0755), 0);
    assert_int_equal(hr_file_write_atomic(path, "new\n", 4, 0644), 0);
    text = content(path);
    assert_string_equal(text, "new\n");
    hr_free(text);
    assert_true(hr_is_dir(blocker));
    assert_int_equal(hr_dir_list(&names, dir), 0);
    assert_int_equal(names.n, 2);
    hr_strv_release(&names);
    assert_int_equal(hr_rm_rf(dir), 0);
    hr_free(blocker);
    hr_free(path);
    free(dir);
}

/* test_fsutil_rename_failure - a directory in the way of the rename: the
 * error is reported and no temporary file is left */
static void test_fsutil_rename_failure(void **state)
{
    char *dir = unit_tmpdir();
    char *path = hr_path_join(dir, "d");
    char *inner = hr_path_join(path, "x");

    (void)state;
    assert_int_equal(hr_mkdir_p(inner, 0755), 0);
    assert_true(hr_file_write_atomic(path, "new\n", 4, 0644) < 0);
    only_file(dir, "d");
    assert_int_equal(hr_is_file(path), 0);
    assert_int_equal(hr_rm_rf(dir), 0);
    hr_free(inner);
    hr_free(path);
    free(dir);
}

/* test_fsutil_missing_dir - no directory: an error, nothing made */
static void test_fsutil_missing_dir(void **state)
{
    char *dir = unit_tmpdir();
    char *path = hr_path_join(dir, "no/such/f");
    hr_strv names = HR_STRV_INIT;

    (void)state;
    assert_true(hr_file_write_atomic(path, "x", 1, 0644) < 0);
    assert_int_equal(hr_dir_list(&names, dir), 0);
    assert_int_equal(names.n, 0);
    hr_strv_release(&names);
    assert_int_equal(hr_rm_rf(dir), 0);
    hr_free(path);
    free(dir);
}

/* test_fsutil_symlinks - a symlink planted at the target, or at the
 * temporary name that an older version used, is never written through;
 * hr_rm_rf() removes a symlink, not what it points to */
static void test_fsutil_symlinks(void **state)
{
    char *dir = unit_tmpdir();
    char *victim = hr_path_join(dir, "victim");
    char *path = hr_path_join(dir, "report.json");
    char *old_tmp = hr_sprintf("%s.tmp.%ld", path, (long)getpid());
    char *tree = hr_path_join(dir, "tree");
    char *link = hr_path_join(tree, "link");
    char *text;
    struct stat st;

    (void)state;
    assert_int_equal(hr_file_write_atomic(victim, "keep\n", 5, 0644), 0);
    assert_int_equal(symlink(victim, path), 0);
    assert_int_equal(symlink(victim, old_tmp), 0);
    assert_int_equal(hr_file_write_atomic(path, "new\n", 4, 0644), 0);
    text = content(victim);
    assert_string_equal(text, "keep\n");
    hr_free(text);
    assert_int_equal(lstat(path, &st), 0);
    assert_true(S_ISREG(st.st_mode));
    text = content(path);
    assert_string_equal(text, "new\n");
    hr_free(text);
    assert_int_equal(hr_mkdir_p(tree, 0755), 0);
    assert_int_equal(symlink(dir, link), 0);
    assert_int_equal(hr_rm_rf(tree), 0);
    assert_true(hr_is_file(victim));
    assert_int_equal(hr_rm_rf(dir), 0);
    hr_free(link);
    hr_free(tree);
    hr_free(old_tmp);
    hr_free(path);
    hr_free(victim);
    free(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fsutil_write_new),
        cmocka_unit_test(test_fsutil_write_empty),
        cmocka_unit_test(test_fsutil_replace),
        cmocka_unit_test(test_fsutil_failure_keeps_old),
        cmocka_unit_test(test_fsutil_rename_failure),
        cmocka_unit_test(test_fsutil_missing_dir),
        cmocka_unit_test(test_fsutil_symlinks),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* test_qshape.c - queue files counted by recipient domain and age */
#include <stdio.h> /* before unit.h, which uses snprintf() */
#include "unit.h"

#include <sys/stat.h>
#include <unistd.h>

#include "util/buf.h"
#include "util/fsutil.h"
#include "util/mem.h"
#include "instance/qshape.h"

#define NOW 1800000000LL

/* rec - one queue file record: type, length (7 bits a byte), data */
static void rec(hr_buf *b, int type, const char *data)
{
    size_t len = strlen(data);

    hr_buf_putc(b, type);
    do {
        int ch = len & 0x7f;

        len >>= 7;
        hr_buf_putc(b, len ? ch | 0x80 : ch);
    } while (len);
    hr_buf_puts(b, data);
}

/* put - write a queue file with a mode */
static void put(const char *dir, const char *name, const hr_buf *b, int mode)
{
    char *path = hr_path_join(dir, name);

    assert_int_equal(hr_mkdir_p(dir, 0700), 0);
    assert_int_equal(hr_file_write_atomic(path, b->ptr, b->len, mode), 0);
    assert_int_equal(chmod(path, mode), 0);
    hr_free(path);
}

/* cleanup_file - as cleanup(8) writes one: size, time, ..., end */
static void cleanup_file(hr_buf *b, long long t, const char *const *rcpts)
{
    hr_buf content = HR_BUF_INIT;
    char size[128], time[64];

    rec(&content, 'N', "Subject: x");
    rec(&content, 'N', "");
    rec(&content, 'N', "body");
    snprintf(size, sizeof(size), "%15zu %15d %15d", content.len, 0, 1);
    snprintf(time, sizeof(time), "%lld 0", t);
    rec(b, 'C', size);
    rec(b, 'T', time);
    rec(b, 'S', "sender@outside.test");
    for (; *rcpts; rcpts++)
        rec(b, 'R', *rcpts);
    rec(b, 'D', "done@skipped.example");
    rec(b, 'M', "");
    hr_buf_put(b, content.ptr, content.len);
    rec(b, 'X', "");
    rec(b, 'E', "");
    hr_buf_release(&content);
}

/* test_qshape_counts - domains and ages in the deferred and maildrop
 * queues; incomplete and foreign files skipped */
static void test_qshape_counts(void **state)
{
    static const char *const r1[] = {"a@Remote.Example", "b@remote.example.",
                                     "c@example.test", NULL};
    static const char *const r2[] = {"d@remote.example", "", NULL};
    char *tmp = unit_tmpdir(), *q = hr_path_join(tmp, "queue"), *dir, *out;
    hr_buf b = HR_BUF_INIT;

    (void)state;
    dir = hr_path_join(q, "deferred/A");
    cleanup_file(&b, NOW - 3 * 60, r1); /* 3 minutes: column 5 */
    put(dir, "4A1B2C3D4E", &b, 0700);
    put(dir, "4A1B2C3D4F", &b, 0600); /* still being written */
    put(dir, "not-a-queue-id", &b, 0700);
    hr_buf_clear(&b);
    cleanup_file(&b, NOW - 3000 * 60, r2); /* 50 hours: 1280+ */
    put(dir, "5B1B2C3D4E", &b, 0700);
    hr_free(dir);
    dir = hr_path_join(q, "maildrop");
    hr_buf_clear(&b);
    rec(&b, 'T', "1799999400 12"); /* 10 minutes: column 20 */
    rec(&b, 'S', "x@y");
    rec(&b, 'R', "e@example.test");
    rec(&b, 'M', "");
    rec(&b, 'N', "hi");
    rec(&b, 'X', "");
    rec(&b, 'E', "");
    put(dir, "6C1B2C3D4E", &b, 0744);
    hr_buf_clear(&b);
    rec(&b, 'T', "garbage");
    put(dir, "7D1B2C3D4E", &b, 0700);
    hr_free(dir);

    assert_int_equal(hr_qshape(&out, q, NOW), 0);
    assert_string_equal(
        out,
        "incoming: 0 messages, 0 recipients\n"
        "                                         T  5 10 20 40 80 160 320 "
        "640 1280 1280+\n"
        "                                  TOTAL  0  0  0  0  0  0   0   0 "
        "  0    0     0\n"
        "\n"
        "active: 0 messages, 0 recipients\n"
        "                                         T  5 10 20 40 80 160 320 "
        "640 1280 1280+\n"
        "                                  TOTAL  0  0  0  0  0  0   0   0 "
        "  0    0     0\n"
        "\n"
        "deferred: 2 messages, 5 recipients\n"
        "                                         T  5 10 20 40 80 160 320 "
        "640 1280 1280+\n"
        "                                  TOTAL  5  3  0  0  0  0   0   0 "
        "  0    0     2\n"
        "                         remote.example  3  2  0  0  0  0   0   0 "
        "  0    0     1\n"
        "                           example.test  1  1  0  0  0  0   0   0 "
        "  0    0     0\n"
        "                          MAILER-DAEMON  1  0  0  0  0  0   0   0 "
        "  0    0     1\n"
        "\n"
        "hold: 0 messages, 0 recipients\n"
        "                                         T  5 10 20 40 80 160 320 "
        "640 1280 1280+\n"
        "                                  TOTAL  0  0  0  0  0  0   0   0 "
        "  0    0     0\n"
        "\n"
        "maildrop: 1 message, 1 recipient\n"
        "                                         T  5 10 20 40 80 160 320 "
        "640 1280 1280+\n"
        "                                  TOTAL  1  0  0  1  0  0   0   0 "
        "  0    0     0\n"
        "                           example.test  1  0  0  1  0  0   0   0 "
        "  0    0     0\n");
    hr_free(out);
    hr_buf_release(&b);
    hr_rm_rf(tmp);
    hr_free(q);
    free(tmp);
}

/* test_qshape_missing - no queue directories: every queue is empty */
static void test_qshape_missing(void **state)
{
    char *out;

    (void)state;
    assert_int_equal(hr_qshape(&out, "/nonexistent/queue", NOW), 0);
    assert_non_null(strstr(out, "maildrop: 0 messages, 0 recipients\n"));
    hr_free(out);
}

/* main - the qshape tests */
int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_qshape_counts),
        cmocka_unit_test(test_qshape_missing),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}

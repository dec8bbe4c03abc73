/* test_machine.c - machine facts read from a fake /proc and /sys */
#include <stdio.h> /* before unit.h, which uses snprintf() */
#include "unit.h"

#include <unistd.h>

#include "run/machine.h"
#include "util/fsutil.h"
#include "util/mem.h"

#define EDAC "sys/devices/system/edac/mc"

/* put - a file under root, its directories made */
static void put(const char *root, const char *rel, const char *text)
{
    char *path = hr_path_join(root, rel);
    char *slash = strrchr(path, '/');

    *slash = 0;
    assert_int_equal(hr_mkdir_p(path, 0755), 0);
    *slash = '/';
    assert_int_equal(hr_file_write_atomic(path, text, strlen(text), 0644), 0);
    hr_free(path);
}

/* test_machine_fake_root - CPU model and EDAC counters before and after */
static void test_machine_fake_root(void **state)
{
    char *root = unit_tmpdir();
    hr_machine m;

    (void)state;
    assert_non_null(root);
    put(root, "proc/cpuinfo", "processor\t: 0\nvendor_id\t: Fake\n"
                              "model name\t:   Fake CPU 9000 @ 1.00GHz\n"
                              "processor\t: 1\n"
                              "model name\t: Second CPU\n");
    put(root, EDAC "/mc0/ce_count", "3\n");
    put(root, EDAC "/mc0/ue_count", "0\n");
    put(root, EDAC "/mc1/ce_count", "7\n");     /* no ue_count */
    put(root, EDAC "/mc2/other", "x\n");        /* no counters: skipped */
    put(root, EDAC "/power/ce_count", "9\n");   /* not a controller */
    assert_int_equal(hr_machine_read(&m, root), 0);
    assert_string_equal(m.cpu, "Fake CPU 9000 @ 1.00GHz");
    assert_non_null(strstr(m.libc, "glibc "));
    assert_non_null(m.kernel);
    assert_true(m.cpus >= 1);
    assert_int_equal(m.nedac, 2);
    assert_string_equal(m.edac[0].mc, "mc0");
    assert_int_equal(m.edac[0].ce_before, 3);
    assert_int_equal(m.edac[0].ue_before, 0);
    assert_int_equal(m.edac[0].ce_after, -1);
    assert_string_equal(m.edac[1].mc, "mc1");
    assert_int_equal(m.edac[1].ce_before, 7);
    assert_int_equal(m.edac[1].ue_before, -1);

    put(root, EDAC "/mc0/ce_count", "5\n");
    put(root, EDAC "/mc1/ue_count", "1\n");
    assert_int_equal(hr_machine_edac_after(&m, root), 0);
    assert_int_equal(m.edac[0].ce_after, 5);
    assert_int_equal(m.edac[0].ue_after, 0);
    assert_int_equal(m.edac[1].ce_after, 7);
    assert_int_equal(m.edac[1].ue_after, 1);
    hr_machine_release(&m);
    assert_int_equal(hr_rm_rf(root), 0);
    free(root);
}

/* test_machine_empty_root - no cpuinfo, no EDAC: "unknown", none */
static void test_machine_empty_root(void **state)
{
    char *root = unit_tmpdir();
    hr_machine m;

    (void)state;
    assert_non_null(root);
    assert_int_equal(hr_machine_read(&m, root), 0);
    assert_string_equal(m.cpu, "unknown");
    assert_int_equal(m.nedac, 0);
    assert_null(m.edac);
    assert_int_equal(hr_machine_edac_after(&m, root), 0);
    hr_machine_release(&m);
    assert_int_equal(hr_rm_rf(root), 0);
    free(root);
}

/* test_machine_no_model - cpuinfo without a model name */
static void test_machine_no_model(void **state)
{
    char *root = unit_tmpdir();
    hr_machine m;

    (void)state;
    put(root, "proc/cpuinfo", "processor\t: 0\nHardware\t: Board\n");
    assert_int_equal(hr_machine_read(&m, root), 0);
    assert_string_equal(m.cpu, "unknown");
    hr_machine_release(&m);
    assert_int_equal(hr_rm_rf(root), 0);
    free(root);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_machine_fake_root),
        cmocka_unit_test(test_machine_empty_root),
        cmocka_unit_test(test_machine_no_model),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}

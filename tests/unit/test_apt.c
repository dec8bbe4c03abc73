/*
 * NAME
 *	test_apt 1
 * SUMMARY
 *	unit tests of apt(3): the temporary source list of the other releases
 * DESCRIPTION
 *	hr_apt_derive() reads a fake /etc under a temporary root: deb822
 *	and one-line entries of the machine's release, a security archive,
 *	a disabled entry, a third party's repository, an inline key, and
 *	pfharness's own deb-src file. The list it renders keeps the URIs
 *	and keys of the release's main archives only, asks for the other
 *	suites, and names no host that the machine's entries do not.
 *	hr_apt_valid_version() is checked against a table of spellings.
 */
#include "unit.h"

#include "source/apt.h"
#include "util/buf.h"
#include "util/fsutil.h"
#include "util/mem.h"
#include "util/msg.h"

static char *root;

/* put - a file under the fake root */
static void put(const char *rel, const char *text)
{
    char *path = hr_path_join(root, rel);
    char *dir = hr_path_dirname(path);

    assert_int_equal(hr_mkdir_p(dir, 0755), 0);
    assert_int_equal(hr_file_write_atomic(path, text, strlen(text), 0644), 0);
    hr_free(dir);
    hr_free(path);
}

static int setup(void **state)
{
    (void)state;
    root = unit_tmpdir();
    return root ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    hr_rm_rf(root);
    free(root);
    root = NULL;
    return 0;
}

/* test_apt_derive_deb822 - the release's main archives, nothing else */
static void test_apt_derive_deb822(void **state)
{
    hr_buf out = HR_BUF_INIT;

    (void)state;
    put("etc/os-release", "NAME=\"Debian GNU/Linux\"\nVERSION_CODENAME="
                          "bookworm\n");
    put("etc/apt/sources.list.d/debian.sources",
        "Types: deb\n"
        "# a comment inside the stanza\n"
        "URIs: http://mirror.example.test/debian\n"
        "Suites: bookworm bookworm-updates\n"
        "Components: main\n"
        "Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg\n"
        "\n"
        "Types: deb\n"
        "URIs: http://security.example.test/debian-security\n"
        "Suites: bookworm-security\n"
        "Components: main\n"
        "\n"
        "Types: deb\n"
        "URIs: http://disabled.example.test/debian\n"
        "Suites: bookworm\n"
        "Components: main\n"
        "Enabled: no\n");
    put("etc/apt/sources.list.d/third.sources",
        "Types: deb\nURIs: https://vendor.example.test/repo\n"
        "Suites: nodistro\nComponents: main\n");
    put("etc/apt/sources.list.d/keyed.sources",
        "Types: deb-src\nURIs: http://keyed.example.test/debian\n"
        "Suites: bookworm\nComponents: main contrib\n"
        "Signed-By:\n -----BEGIN PGP PUBLIC KEY BLOCK-----\n .\n"
        " mQINBGPL\n -----END PGP PUBLIC KEY BLOCK-----\n");
    put("etc/apt/sources.list.d/pfharness-deb-src.sources",
        "Types: deb-src\nURIs: http://ours.example.test/debian\n"
        "Suites: bookworm\nComponents: main\n");
    put("etc/apt/sources.list.d/ignored.txt",
        "deb http://txt.example.test/debian bookworm main\n");
    assert_int_equal(hr_apt_derive(&out, root), 0);
    assert_string_equal(
        hr_buf_cstr(&out),
        "# pfharness: Debian's other releases, derived from this machine's "
        "apt sources for bookworm\n"
        "\n"
        "Types: deb deb-src\n"
        "URIs: http://mirror.example.test/debian\n"
        "Suites: oldstable stable testing unstable\n"
        "Components: main\n"
        "Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg\n"
        "\n"
        "Types: deb deb-src\n"
        "URIs: http://keyed.example.test/debian\n"
        "Suites: oldstable stable testing unstable\n"
        "Components: main\n"
        "Signed-By: \n"
        " -----BEGIN PGP PUBLIC KEY BLOCK-----\n .\n mQINBGPL\n"
        " -----END PGP PUBLIC KEY BLOCK-----\n");
    hr_buf_release(&out);
}

/* test_apt_derive_one_line - sources.list and *.list, options and all */
static void test_apt_derive_one_line(void **state)
{
    hr_buf out = HR_BUF_INIT;

    (void)state;
    put("etc/os-release", "VERSION_CODENAME=\"trixie\"\n");
    put("etc/apt/sources.list",
        "# deb http://commented.example.test/debian trixie main\n"
        "deb [arch=amd64 signed-by=/k.gpg] http://a.example.test/debian "
        "trixie main non-free\n"
        "deb-src http://a.example.test/debian trixie main\n"
        "deb http://b.example.test/debian trixie contrib\n"
        "deb http://c.example.test/debian sid main\n");
    put("etc/apt/sources.list.d/extra.list",
        "  deb http://d.example.test/debian trixie main\n");
    assert_int_equal(hr_apt_derive(&out, root), 0);
    assert_string_equal(
        hr_buf_cstr(&out),
        "# pfharness: Debian's other releases, derived from this machine's "
        "apt sources for trixie\n"
        "\nTypes: deb deb-src\nURIs: http://a.example.test/debian\n"
        "Suites: oldstable stable testing unstable\nComponents: main\n"
        "Signed-By: /k.gpg\n"
        "\nTypes: deb deb-src\nURIs: http://d.example.test/debian\n"
        "Suites: oldstable stable testing unstable\nComponents: main\n");
    hr_buf_release(&out);
}

/* test_apt_derive_none - no release, or no archive that serves it */
static void test_apt_derive_none(void **state)
{
    hr_buf out = HR_BUF_INIT;

    (void)state;
    assert_int_equal(hr_apt_derive(&out, root), HR_ENOTFOUND);
    assert_non_null(strstr(hr_error_last(), "VERSION_CODENAME"));
    put("etc/os-release", "VERSION_CODENAME=bookworm\n");
    put("etc/apt/sources.list",
        "deb http://other.example.test/debian bullseye main\n");
    assert_int_equal(hr_apt_derive(&out, root), HR_ENOTFOUND);
    assert_non_null(strstr(hr_error_last(), "serves 'bookworm' main"));
    assert_int_equal(out.len, 0);
    hr_buf_release(&out);
}

/* test_apt_valid_version - the grammar, row by row */
static void test_apt_valid_version(void **state)
{
    static const struct {
        const char *v;
        int ok;
    } rows[] = {
        {"3.7.11-0+deb12u1", 1}, {"3.10.13-0+deb13u1", 1}, {"3.11.7-1", 1},
        {"1:3.8~rc1-2", 1},      {"3.9.0", 1},          {"", 0},
        {"x3.7", 0},             {"3.7 11", 0},         {"3.7;id", 0},
        {"3.7/../x", 0},         {"a:3.7", 0},          {":3.7", 0},
        {"3.7-", 0},             {"3.7$(id)", 0},       {"-3.7", 0},
        {"3.7\n", 0},
        {"1111111111111111111111111111111111111111111111111111111111111111"
         "1111111111111111111111111111111111111",
         0},
    };

    (void)state;
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
        if (hr_apt_valid_version(rows[i].v) != rows[i].ok)
            fail_msg("'%s': wanted %d", rows[i].v, rows[i].ok);
}

/* test_apt_error - the first "E: " line, not a NOTICE */
static void test_apt_error(void **state)
{
    (void)state;
    assert_string_equal(hr_apt_error("NOTICE: 'postfix' packaging is "
                                     "maintained in Git\nGet:1 x\n"
                                     "E: Failed to fetch y  404\nE: two\n"),
                        "Failed to fetch y  404\nE: two\n");
    assert_string_equal(hr_apt_error("no error here\n"), "no error here\n");
    assert_string_equal(hr_apt_error("E: first\n"), "first\n");
}

int main(void)
{
    static const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_apt_derive_deb822, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_apt_derive_one_line, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_apt_derive_none, setup, teardown),
        cmocka_unit_test(test_apt_valid_version),
        cmocka_unit_test(test_apt_error),
    };

    return cmocka_run_group_tests_name("apt", tests, NULL, NULL);
}

/* test_progwatch - which files of a directory were opened, and the
 * relinked set of a trial tree (mixtree(3)) that rests on it */
#include "unit.h"
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "narrow/mixtree.h"
#include "narrow/progwatch.h"
#include "util/buf.h"
#include "util/fsutil.h"
#include "util/hash.h"
#include "util/mem.h"
#include "util/paths.h"

static void put(const char *dir, const char *name, const char *text,
                mode_t mode)
{
    char *path = hr_path_join(dir, name);
    char *parent = hr_path_dirname(path);

    assert_int_equal(hr_mkdir_p(parent, 0755), 0);
    assert_int_equal(hr_file_write_atomic(path, text, strlen(text), mode), 0);
    hr_free(parent);
    hr_free(path);
}

static char *slurp(const char *dir, const char *name)
{
    char *path = hr_path_join(dir, name);
    hr_buf b = HR_BUF_INIT;

    assert_int_equal(hr_file_read(&b, path, 0), 0);
    hr_free(path);
    return hr_buf_detach(&b);
}

/* run - execve() the program, in a child */
static void run(const char *path)
{
    pid_t pid = fork();
    int status;

    assert_true(pid >= 0);
    if (pid == 0) {
        execl(path, path, (char *)NULL);
        _exit(127);
    }
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

static void test_progwatch_sees_exec_and_open(void **state)
{
    char *tmp = unit_tmpdir();
    char *missing = hr_path_join(tmp, "nosuch");
    const char *dirs[] = {tmp, missing, NULL};
    hr_progwatch *w = NULL;
    hr_strv seen = HR_STRV_INIT;
    char *prog, *data, *other, *want;
    struct stat st;
    int fd;

    (void)state;
    assert_non_null(tmp);
    put(tmp, "prog", "#!/bin/sh\nexit 0\n", 0755);
    put(tmp, "data", "x", 0644);
    put(tmp, "other", "y", 0755);
    prog = hr_path_join(tmp, "prog");
    data = hr_path_join(tmp, "data");
    other = hr_path_join(tmp, "other");
    /* a directory that does not exist is left out */
    assert_int_equal(hr_progwatch_new(&w, dirs), 0);
    run(prog);
    assert_true((fd = open(data, O_RDONLY)) >= 0);
    close(fd);
    assert_int_equal(stat(other, &st), 0); /* not an open */
    assert_int_equal(hr_progwatch_take(w, &seen), 0);
    assert_int_equal(seen.n, 2);
    assert_string_equal(seen.v[0], data);
    assert_string_equal(seen.v[1], prog);
    /* taken: nothing new */
    hr_strv_release(&seen);
    assert_int_equal(hr_progwatch_take(w, &seen), 0);
    assert_int_equal(seen.n, 0);
    /* a file replaced by rename (as a relink does) is still seen; the
     * write itself opened the temporary file */
    put(tmp, "other", "#!/bin/sh\nexit 0\n", 0755);
    hr_strv_release(&seen);
    assert_int_equal(hr_progwatch_take(w, &seen), 0);
    hr_strv_release(&seen);
    run(other);
    assert_int_equal(hr_progwatch_take(w, &seen), 0);
    want = hr_path_join(tmp, "other");
    assert_true(hr_strv_find(&seen, want) >= 0);
    hr_free(want);
    hr_progwatch_free(w);
    hr_strv_release(&seen);
    hr_rm_rf(tmp);
    hr_free(prog);
    hr_free(data);
    hr_free(other);
    hr_free(missing);
    free(tmp);
}

/* A build of the fake tree: programs foo and bar are copies of their
 * object (the "link"), made by src/foo and src/bar; src/util is a
 * library directory whose make counts its runs. */
static void fake_build(hr_build *b, const char *top, const char *name,
                       const char *flavour)
{
    static const char prog_mk[] =
        "update: ../../libexec/%s\n"
        "../../libexec/%s: %s.o\n"
        "\tcp %s.o ../../libexec/%s\n";
    char *dir = hr_path_join(top, name);
    char *mk, *text;

    memset(b, 0, sizeof(*b));
    snprintf(b->id, sizeof(b->id), "%s", name);
    b->dir = dir;
    b->src = hr_path_join(dir, "src");
    b->stage = hr_path_join(dir, "stage");
    b->make_log = hr_path_join(dir, "make.log");
    b->variant = hr_strdup(name);
    for (int i = 0; i < 2; i++) {
        const char *p = i ? "bar" : "foo";

        mk = hr_sprintf("src/%s/Makefile", p);
        text = hr_sprintf(prog_mk, p, p, p, p, p);
        put(b->src, mk, text, 0644);
        hr_free(mk);
        hr_free(text);
        mk = hr_sprintf("src/%s/%s.o", p, p);
        /* a program that runs: true, with the flavour as its argument */
        text = hr_sprintf("#!/bin/true %s-%s\n", p, flavour);
        put(b->src, mk, text, 0644);
        hr_free(mk);
        mk = hr_sprintf("libexec/%s", p);
        put(b->src, mk, text, 0755);
        hr_free(mk);
        mk = hr_sprintf("usr/libexec/postfix/%s", p);
        put(b->stage, mk, text, 0755);
        hr_free(mk);
        hr_free(text);
    }
    put(b->src, "src/util/Makefile", "update:\n\techo run >>../../util-runs\n",
        0644);
    text = hr_sprintf("util-%s\n", flavour);
    put(b->src, "src/util/u.o", text, 0644);
    hr_free(text);
    /* a script: installed as it is, never relinked */
    put(b->src, "libexec/post-install", "#!/bin/sh\n", 0755);
    put(b->stage, "usr/libexec/postfix/post-install", "#!/bin/sh\n", 0755);
    put(b->stage, "usr/sbin/.keep", "", 0644);
    /* make must find the tree up to date: the programs newer than their
     * objects */
    for (int i = 0; i < 2; i++) {
        char *path = hr_sprintf("%s/libexec/%s", b->src, i ? "bar" : "foo");

        assert_int_equal(utimensat(AT_FDCWD, path, NULL, 0), 0);
        hr_free(path);
    }
}

static void fake_release(hr_build *b)
{
    hr_free(b->dir);
    hr_free(b->src);
    hr_free(b->stage);
    hr_free(b->make_log);
    hr_free(b->variant);
}

static int util_runs(const hr_mixtree *m)
{
    char *path = hr_sprintf("%s/src/util-runs", hr_mixtree_dir(m));
    hr_buf b = HR_BUF_INIT;
    int n = 0;

    if (hr_file_read(&b, path, 0) == 0)
        for (size_t i = 0; i < b.len; i++)
            n += b.ptr[i] == '\n';
    hr_buf_release(&b);
    hr_free(path);
    return n;
}

/* tick - let the clock move past the file system's time stamp
 * granularity (a jiffy), as a replay between relinks does: make compares
 * time stamps */
static void tick(void)
{
    usleep(30 * 1000);
}

static void test_mixtree_relinks_what_runs(void **state)
{
    char *tmp = unit_tmpdir();
    char *trial = hr_path_join(tmp, "trial");
    hr_build good, bad;
    hr_mixtree *m = NULL;
    hr_strv outside = HR_STRV_INIT;
    unsigned char all[3] = {1, 1, 1}, none[3] = {0, 0, 0};
    unsigned char foo_only[3] = {0, 1, 0};
    char digest[HR_SHA256_HEX], good_digest[HR_SHA256_HEX];
    char *stage, *s, *foo, *bar;
    int fd;

    (void)state;
    assert_non_null(tmp);
    hr_paths_init(tmp); /* make's environment names var/ccache */
    fake_build(&good, tmp, "good", "good");
    fake_build(&bad, tmp, "bad", "bad");
    assert_int_equal(hr_mixtree_new(&m, &good, &bad, trial), 0);
    assert_int_equal(hr_mixtree_count(m), 3); /* bar.o, foo.o, u.o */
    assert_string_equal(hr_mixtree_object(m, 1), "src/foo/foo.o");
    assert_int_equal(hr_mixtree_programs(m), 2); /* not the script */
    stage = hr_path_join(hr_mixtree_dir(m), "stage");
    foo = hr_path_join(stage, "usr/libexec/postfix/foo");
    bar = hr_path_join(stage, "usr/libexec/postfix/bar");

    /* All bad, everything relinked; the first relink runs every library
     * directory. The trial runs foo only: the set is foo. */
    tick();
    assert_int_equal(hr_mixtree_set(m, all), 0);
    assert_int_equal(hr_mixtree_relink(m, NULL), 0);
    assert_int_equal(hr_mixtree_relinked(m), 2);
    assert_int_equal(util_runs(m), 1);
    assert_int_equal(hr_mixtree_watch(m), 0);
    assert_true((fd = open(foo, O_RDONLY)) >= 0);
    close(fd);
    assert_int_equal(hr_mixtree_watched(m, &outside), 0);
    assert_int_equal(outside.n, 0); /* everything was current */
    assert_int_equal(hr_mixtree_used(m, NULL), 1);

    /* All good: foo relinked; bar, outside the set, back to the good
     * build's; the stage is the good build's again, byte for byte. */
    tick();
    assert_int_equal(hr_mixtree_set(m, none), 0);
    assert_int_equal(hr_mixtree_relink(m, NULL), 0);
    assert_int_equal(hr_mixtree_relinked(m), 1);
    assert_int_equal(hr_mixtree_restored(m), 1);
    assert_int_equal(util_runs(m), 2); /* u.o changed */
    assert_int_equal(hr_mixtree_digest(digest, m), 0);
    assert_int_equal(hr_mixtree_stage_digest(good_digest, good.stage), 0);
    assert_string_equal(digest, good_digest);

    /* Only foo.o bad: util has nothing to do and is left out; bar is
     * not relinked and stays the good build's. */
    tick();
    assert_int_equal(hr_mixtree_set(m, foo_only), 0);
    assert_int_equal(hr_mixtree_relink(m, NULL), 0);
    assert_int_equal(util_runs(m), 2);
    s = slurp(stage, "usr/libexec/postfix/foo");
    assert_string_equal(s, "#!/bin/true foo-bad\n");
    hr_free(s);
    s = slurp(stage, "usr/libexec/postfix/bar");
    assert_string_equal(s, "#!/bin/true bar-good\n");
    hr_free(s);

    /* All bad, but this time the trial runs bar, which was left alone:
     * the safety net names it, it joins the set, and the next relink
     * makes it the mix's. */
    tick();
    assert_int_equal(hr_mixtree_set(m, all), 0);
    assert_int_equal(hr_mixtree_relink(m, NULL), 0);
    s = slurp(stage, "usr/libexec/postfix/bar");
    assert_string_equal(s, "#!/bin/true bar-good\n"); /* stale for this mix */
    hr_free(s);
    assert_int_equal(hr_mixtree_watch(m), 0);
    run(bar);
    assert_int_equal(hr_mixtree_watched(m, &outside), 0);
    assert_int_equal(outside.n, 1);
    assert_string_equal(outside.v[0], "usr/libexec/postfix/bar");
    assert_int_equal(hr_mixtree_used(m, NULL), 2);
    assert_int_equal(hr_mixtree_relink(m, NULL), 0);
    s = slurp(stage, "usr/libexec/postfix/bar");
    assert_string_equal(s, "#!/bin/true bar-bad\n");
    hr_free(s);
    /* watched again: nothing outside the set now */
    hr_strv_release(&outside);
    assert_int_equal(hr_mixtree_watch(m), 0);
    run(bar);
    assert_int_equal(hr_mixtree_watched(m, &outside), 0);
    assert_int_equal(outside.n, 0);

    hr_strv_release(&outside);
    hr_mixtree_free(m);
    fake_release(&good);
    fake_release(&bad);
    hr_rm_rf(tmp);
    hr_free(stage);
    hr_free(foo);
    hr_free(bar);
    hr_free(trial);
    free(tmp);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_progwatch_sees_exec_and_open),
        cmocka_unit_test(test_mixtree_relinks_what_runs),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * NAME
 *	narrow/mixtree 3
 * SUMMARY
 *	a trial tree: one build's tree with objects of another, relinked
 * SYNOPSIS
 *	#include "narrow/mixtree.h"
 *
 *	int	hr_mixtree_new(out, base, other, dir)
 *	void	hr_mixtree_free(m)
 *
 *	size_t	hr_mixtree_count(m), hr_mixtree_total(m), hr_mixtree_identical(m)
 *	const char *hr_mixtree_object(m, i)
 *
 *	int	hr_mixtree_set(m, from_other)
 *	int	hr_mixtree_recompile(m, object, from, extra_flags, diagnostics)
 *	int	hr_mixtree_relink(m, link_flags)
 *
 *	const hr_build *hr_mixtree_build(m)
 *	void	hr_mixtree_set_sanitizer(m, sanitizer)
 *	int	hr_mixtree_digest(out, m), hr_mixtree_stage_digest(out, stage)
 *	size_t	hr_mixtree_relinked(m), hr_mixtree_restored(m)
 *
 *	int	hr_mixtree_watch(m)
 *	int	hr_mixtree_watched(m, out)
 *	size_t	hr_mixtree_programs(m), hr_mixtree_used(m, names)
 * DESCRIPTION
 *	hr_mixtree_new() copies the base build's tree and stage into DIR/src
 *	and DIR/stage (cp -a: time stamps, modes and hard links stay, so
 *	make finds everything up to date) and compares every object file
 *	(src/DIR/NAME.o) with the other build's, when there is one. Objects
 *	that are byte for byte the same in both cannot make a difference
 *	and are left out; hr_mixtree_count() is what is left, in path order.
 *
 *	hr_mixtree_set() puts object i of the other build into the tree when
 *	from_other[i] is set, else the base build's; an object that is
 *	already right is not touched. Every object written gets the current
 *	time, newer than its source and than the archive it belongs to, so
 *	that make replaces it in the archive and relinks the programs that
 *	use it, but never compiles it again with other flags.
 *
 *	hr_mixtree_recompile() compiles one object again in the tree, with the
 *	command that built it in "from" (from its make.log) plus
 *	extra_flags; the next hr_mixtree_set() puts the base's object back.
 *
 *	hr_mixtree_relink() does what Postfix's top-level make does, faster:
 *	"make update" in the library directories in their order, which
 *	rebuilds the lib/ archives (or, in a shared build, the
 *	libpostfix-*.so that the stage's usr/lib/postfix gets), then in
 *	the program directories side by side (a thread per core), which
 *	relink every program whose inputs changed. A library directory
 *	whose make has nothing to do is left out: none of its objects was
 *	written since its last make (the first relink runs them all), and
 *	it links nothing from a directory that ran before it (master's
 *	program links the archives of util and global; in a shared build
 *	every directory after one that ran runs too). With mold installed,
 *	every trial links with it (-fuse-ld=mold);
 *	link_flags, when given, reach the link commands only (as
 *	SHLIB_RPATH, which static builds leave empty): -fsanitize=undefined
 *	needs its runtime at link time. The programs that changed are then
 *	copied into DIR/stage with the owner and mode of the file they
 *	replace (postdrop and postqueue stay setgid postdrop), including
 *	names that the install made as hard links (lmtp, nqmgr).
 *	hr_mixtree_relinked() tells how many stage files that changed.
 *
 *	Relinking only what runs: hr_mixtree_watch() starts watching the
 *	stage's program directories for files opened (progwatch(3):
 *	execve() opens the program, in any mount namespace), and
 *	hr_mixtree_watched() stops. The first call fixes the set: the
 *	programs that were opened, when everything had been relinked.
 *	From then on a relink runs make only in the program directories
 *	that make a program of the set (src/NAME, or the one whose
 *	Makefile names ../../bin/NAME or ../../libexec/NAME; a program
 *	that none makes, in all of them); the library directories, the
 *	shared libraries, master and the scripts are as before. Every
 *	other program is put back to the base build's bytes in the stage
 *	(hr_mixtree_restored() counts them), so that a digest of the
 *	stage still says which binaries a trial has. A later call that
 *	finds a program opened outside the set adds it to the set and to
 *	out (stage-relative names): that run used a program that was not
 *	relinked, and is worth nothing; the next relink makes it current
 *	(copied from the tree even when make has nothing to do).
 *	hr_mixtree_programs() counts the programs that program
 *	directories make, hr_mixtree_used() those of them relinked, with
 *	their names.
 *
 *	hr_mixtree_build() is a build record for the trial: the base build's,
 *	with DIR as its directory and DIR/stage as its stage, for
 *	hr_instance_start(). hr_mixtree_digest() hashes the stage's programs
 *	(usr/sbin and usr/libexec/postfix) and shared libraries
 *	(usr/lib/postfix), as hr_mixtree_stage_digest() does
 *	for any stage: equal digests, equal binaries.
 * DIAGNOSTICS
 *	Functions return 0 or a negative code with hr_error_set(): a copy,
 *	compile or make that failed names its log, DIR/make.log. When the
 *	kernel lost events, hr_mixtree_watched() takes every program as
 *	opened.
 * BUGS
 *	make decides by time stamps: an object written within the file
 *	system's time stamp granularity of the last link can look older.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/clock.h"
#include "util/fsutil.h"
#include "build/makelog.h"
#include "util/mem.h"
#include "narrow/mixtree.h"
#include "narrow/progwatch.h"
#include "util/msg.h"
#include "util/parallel.h"
#include "util/spawn.h"

#define MAX_OBJECT (256 << 20)

/* The library directories, in the order Postfix's top-level make runs
 * them. */
static const char *const libs[] = {"util",  "global", "dns",    "tls",
                                   "xsasl", "master", "milter", NULL};

/* The stage directories that hold programs, and shared libraries. */
static const char *const prog_dirs[] = {"usr/sbin", "usr/libexec/postfix",
                                        "usr/lib/postfix", NULL};

/* What makes a stage file: a program directory's "make update"
 * (PROG_BUILT), the library phase (a shared library, master), nothing
 * (a script, installed as it is), or we cannot tell. */
enum { PROG_BUILT = 0, PROG_LIBPHASE, PROG_SCRIPT, PROG_UNKNOWN };

/* A program in the stage and the file in the tree it comes from. */
struct prog {
    char *stage_path;
    char *src_path;
    char *base_path;       /* the same file in the base build's stage */
    char *dir;             /* PROG_BUILT: the src/ directory that makes it */
    int kind;              /* PROG_BUILT, ... */
    int used;              /* in the relinked set */
    int base_copy;         /* the stage holds base_path's bytes, not the
                            * tree's */
    struct timespec mtime; /* of src_path when last copied */
    off_t size;
};

enum { FROM_BASE = 0, FROM_OTHER = 1, CUSTOM = 2 };

struct hr_mixtree {
    char *dir, *src, *stage, *log;
    const hr_build *base, *other;
    hr_strv objects;      /* differing objects, tree-relative */
    unsigned char *state; /* FROM_BASE, FROM_OTHER, CUSTOM */
    hr_strv custom;       /* recompiled objects outside the list */
    size_t total, identical;
    struct prog *progs;
    size_t nprogs;
    size_t relinked, restored;
    int restricted;     /* only the used programs are relinked */
    hr_strv dirty;      /* src/ directories with objects written since
                         * their last "make update" */
    hr_progwatch *watch;
    hr_build build;
};

/* copy_tree - cp -a from to */
static int copy_tree(const char *from, const char *to)
{
    const char *argv[] = {"cp", "-a", "--", from, to, NULL};
    hr_buf err = HR_BUF_INIT;
    int status, error;

    err.limit = 4096;
    if ((error = hr_spawn_capture(&status, NULL, &err, argv, NULL, 600000)) ==
            0 &&
        status != 0)
        error = hr_error_set(HR_ERROR, "cannot copy '%s' to '%s': %s", from, to,
                             hr_buf_cstr(&err));
    hr_buf_release(&err);
    return error;
}

/* put_object - copy a file over another, with the current time; no
 * fsync: a trial tree is scratch */
static int put_file(const char *from, const char *to, const struct stat *like)
{
    hr_buf b = HR_BUF_INIT;
    char *tmp = hr_sprintf("%s.pfh-tmp", to);
    int fd = -1, error;

    if ((error = hr_file_read(&b, from, MAX_OBJECT)) < 0)
        goto done;
    unlink(tmp);
    if ((fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
                   0644)) < 0 ||
        (b.len && write(fd, b.ptr, b.len) != (ssize_t)b.len) ||
        (like && fchown(fd, like->st_uid, like->st_gid) < 0) ||
        (like && fchmod(fd, like->st_mode & 07777) < 0) || close(fd) < 0) {
        error = hr_error_set(HR_ERROR, "cannot write '%s': %s", tmp,
                             strerror(errno));
        if (fd >= 0)
            close(fd);
        unlink(tmp);
        goto done;
    }
    if (rename(tmp, to) < 0) {
        error = hr_error_set(HR_ERROR, "cannot rename '%s': %s", tmp,
                             strerror(errno));
        unlink(tmp);
    }
done:
    hr_buf_release(&b);
    hr_free(tmp);
    return error;
}

/* same_file - two files have the same bytes */
static int same_file(int *out, const char *a, const char *b)
{
    hr_buf x = HR_BUF_INIT, y = HR_BUF_INIT;
    int error;

    if ((error = hr_file_read(&x, a, MAX_OBJECT)) == 0 &&
        (error = hr_file_read(&y, b, MAX_OBJECT)) == 0)
        *out = x.len == y.len && memcmp(x.ptr, y.ptr, x.len) == 0;
    hr_buf_release(&x);
    hr_buf_release(&y);
    return error;
}

/* list_objects - every object of a tree, relative to it, in path order */
static int list_objects(hr_strv *out, const char *tree)
{
    char *root = hr_path_join(tree, "src");
    hr_strv found = HR_STRV_INIT;
    size_t skip = strlen(tree) + 1;
    int error;

    if ((error = hr_dir_find(&found, root, ".o")) == 0)
        for (size_t i = 0; i < found.n; i++)
            hr_strv_add(out, found.v[i] + skip);
    hr_strv_sort(out);
    hr_strv_release(&found);
    hr_free(root);
    return error;
}

/* compare_objects - the objects that differ between the builds */
static int compare_objects(hr_mixtree *m)
{
    hr_strv mine = HR_STRV_INIT, theirs = HR_STRV_INIT;
    int error;

    if ((error = list_objects(&mine, m->base->src)) < 0)
        goto done;
    m->total = mine.n;
    if (m->other == NULL)
        goto done;
    if ((error = list_objects(&theirs, m->other->src)) < 0)
        goto done;
    for (size_t i = 0; i < theirs.n; i++)
        if (hr_strv_find(&mine, theirs.v[i]) < 0) {
            error = hr_error_set(HR_EINPUT,
                                 "build %s has '%s' and build %s "
                                 "does not: they are not built from the "
                                 "same source and configuration",
                                 m->other->id, theirs.v[i], m->base->id);
            goto done;
        }
    for (size_t i = 0; i < mine.n; i++) {
        char *a = hr_path_join(m->base->src, mine.v[i]);
        char *b = hr_path_join(m->other->src, mine.v[i]);
        int same = 0;

        if (!hr_is_file(b))
            error = hr_error_set(HR_EINPUT,
                                 "build %s has '%s' and build %s "
                                 "does not: they are not built from the "
                                 "same source and configuration",
                                 m->base->id, mine.v[i], m->other->id);
        else if ((error = same_file(&same, a, b)) == 0) {
            if (same)
                m->identical++;
            else
                hr_strv_add(&m->objects, mine.v[i]);
        }
        hr_free(a);
        hr_free(b);
        if (error < 0)
            goto done;
    }
done:
    hr_strv_release(&mine);
    hr_strv_release(&theirs);
    return error;
}

/* add_prog - a stage file and the tree file it is installed from */
static void add_prog(hr_mixtree *m, const char *stage_path, const char *src_path)
{
    struct prog *p;
    struct stat st;

    m->progs = hr_realloc(m->progs, (m->nprogs + 1) * sizeof(*m->progs));
    p = &m->progs[m->nprogs++];
    memset(p, 0, sizeof(*p));
    p->stage_path = hr_strdup(stage_path);
    p->src_path = hr_strdup(src_path);
    p->base_path = hr_sprintf("%s%s", m->base->stage,
                              stage_path + strlen(m->stage));
    p->size = -1;
    if (stat(src_path, &st) == 0) {
        p->mtime = st.st_mtim;
        p->size = st.st_size;
    }
}

/* map_programs - which stage file comes from which program of the tree;
 * a name the install made as a hard link (lmtp for smtp) follows the
 * file it links to */
static int map_programs(hr_mixtree *m)
{
    static const char *const trees[] = {"bin", "libexec", "lib", NULL};
    int error = 0;

    for (const char *const *d = prog_dirs; *d && error == 0; d++) {
        char *sdir = hr_path_join(m->stage, *d);
        hr_strv names = HR_STRV_INIT;

        if ((error = hr_dir_list(&names, sdir)) < 0) {
            hr_free(sdir);
            /* a static build has no libpostfix-*.so */
            if (error == HR_ENOTFOUND && strcmp(*d, "usr/lib/postfix") == 0) {
                error = 0;
                continue;
            }
            break;
        }
        for (size_t i = 0; i < names.n; i++) {
            char *path = hr_path_join(sdir, names.v[i]);
            char *src = NULL;
            struct stat st, st2;

            if (lstat(path, &st) < 0 || !S_ISREG(st.st_mode)) {
                hr_free(path);
                continue;
            }
            for (const char *const *t = trees; *t && src == NULL; t++) {
                char *cand = hr_sprintf("%s/%s/%s", m->src, *t, names.v[i]);

                if (hr_is_file(cand))
                    src = cand;
                else
                    hr_free(cand);
            }
            /* A hard link: another name in this directory, same inode. */
            for (size_t j = 0; j < names.n && src == NULL && st.st_nlink > 1;
                 j++) {
                char *other = hr_path_join(sdir, names.v[j]);

                if (j != i && lstat(other, &st2) == 0 &&
                    st2.st_ino == st.st_ino && st2.st_dev == st.st_dev)
                    for (const char *const *t = trees; *t && src == NULL; t++) {
                        char *cand =
                            hr_sprintf("%s/%s/%s", m->src, *t, names.v[j]);

                        if (hr_is_file(cand))
                            src = cand;
                        else
                            hr_free(cand);
                    }
                hr_free(other);
            }
            if (src)
                add_prog(m, path, src);
            hr_free(src);
            hr_free(path);
        }
        hr_strv_release(&names);
        hr_free(sdir);
    }
    return error;
}

static int program_dirs(hr_strv *out, const char *src);

/* makefile_names - a Makefile has "../../bin/NAME" or
 * "../../libexec/NAME" (smtpstone's smtp-source and smtp-sink) */
static int makefile_names(const char *text, const char *name)
{
    static const char *const trees[] = {"../../bin/", "../../libexec/", NULL};
    size_t n = strlen(name);

    for (const char *const *t = trees; *t; t++)
        for (const char *p = strstr(text, *t); p; p = strstr(p + 1, *t)) {
            const char *q = p + strlen(*t);
            char c = q[n];

            if (strncmp(q, name, n) == 0 &&
                !(c == '-' || c == '_' || c == '.' || c == '$' ||
                  (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                  (c >= '0' && c <= '9')))
                return 1;
        }
    return 0;
}

/* is_script - a file that starts with #! */
static int is_script(const char *path)
{
    char head[2];
    int fd = open(path, O_RDONLY | O_CLOEXEC), script;

    if (fd < 0)
        return 0;
    script = read(fd, head, 2) == 2 && head[0] == '#' && head[1] == '!';
    close(fd);
    return script;
}

/* find_makers - what makes each stage file: src/NAME for tree file
 * bin/NAME or libexec/NAME, else the program directory whose Makefile
 * names it; a library directory's (master) and the shared libraries
 * are the library phase's; a script is installed as it is */
static int find_makers(hr_mixtree *m)
{
    hr_strv dirs = HR_STRV_INIT;
    hr_buf *mk = NULL;
    unsigned char *loaded = NULL;
    char *tree = NULL;
    int error;

    if ((error = program_dirs(&dirs, m->src)) < 0)
        goto done;
    mk = hr_calloc(dirs.n ? dirs.n : 1, sizeof(*mk));
    loaded = hr_calloc(dirs.n ? dirs.n : 1, 1);
    tree = hr_path_join(m->src, "lib");
    for (size_t i = 0; i < m->nprogs; i++) {
        struct prog *p = &m->progs[i];
        const char *name = hr_path_basename(p->src_path);
        char *own = hr_sprintf("%s/src/%s", m->src, name);
        int lib = 0;

        for (const char *const *l = libs; *l; l++)
            lib |= strcmp(*l, name) == 0;
        p->kind = PROG_UNKNOWN;
        if (strncmp(p->src_path, tree, strlen(tree)) == 0 &&
            p->src_path[strlen(tree)] == '/')
            p->kind = PROG_LIBPHASE;
        else if (lib)
            p->kind = PROG_LIBPHASE;
        else if (hr_strv_find(&dirs, own) >= 0) {
            p->kind = PROG_BUILT;
            p->dir = hr_strdup(own);
        }
        for (size_t k = 0; k < dirs.n && p->kind == PROG_UNKNOWN; k++) {
            if (!loaded[k]) {
                char *path = hr_path_join(dirs.v[k], "Makefile");

                if (hr_file_read(&mk[k], path, 16 << 20) < 0)
                    hr_error_clear();
                loaded[k] = 1;
                hr_free(path);
            }
            if (makefile_names(hr_buf_cstr(&mk[k]), name)) {
                p->kind = PROG_BUILT;
                p->dir = hr_strdup(dirs.v[k]);
            }
        }
        if (p->kind == PROG_UNKNOWN && is_script(p->src_path))
            p->kind = PROG_SCRIPT;
        if (p->kind == PROG_UNKNOWN && hr_verbose > 1)
            hr_msg_info("mixtree: no directory makes '%s': when it runs, "
                        "every program directory is relinked", p->src_path);
        hr_free(own);
    }
done:
    hr_free(tree);
    for (size_t k = 0; mk && k < dirs.n; k++)
        hr_buf_release(&mk[k]);
    hr_free(mk);
    hr_free(loaded);
    hr_strv_release(&dirs);
    return error;
}

/* init_build - the trial's build record: the base's, moved to dir */
static void init_build(hr_mixtree *m)
{
    const hr_build *b = m->base;
    hr_build *t = &m->build;

    memset(t, 0, sizeof(*t));
    snprintf(t->id, sizeof(t->id), "%s", "mix");
    t->dir = hr_strdup(m->dir);
    t->src = hr_strdup(m->src);
    t->stage = hr_strdup(m->stage);
    t->make_log = hr_strdup(m->log);
    t->variant = hr_sprintf("%s+%s", b->variant,
                            m->other ? m->other->variant : "recompiled");
    /* A shared build's programs find libpostfix-*.so through the RUNPATH
     * of the base build's stage: instances show this tree's libraries
     * there (instance(3)). */
    if (b->shared)
        t->shlib_runpath = hr_sprintf("%s/usr/lib/postfix", b->stage);
#define DUP(f) t->f = b->f ? hr_strdup(b->f) : NULL
    DUP(flags);
    DUP(opt);
    DUP(cc);
    DUP(cc_path);
    DUP(cc_sha256);
    DUP(cc_version);
    DUP(cc_kind);
    DUP(source_commit);
    DUP(source_tree);
    DUP(source_version);
#undef DUP
    t->shared = b->shared;
    hr_strv_addv(&t->env, &b->env);
    hr_strv_addv(&t->params, &b->params);
}

/* hr_mixtree_new - copy the base build's tree and stage, find the objects */
int hr_mixtree_new(hr_mixtree **out, const hr_build *base, const hr_build *other,
               const char *dir)
{
    hr_mixtree *m = hr_calloc(1, sizeof(*m));
    int error;

    *out = NULL;
    m->base = base;
    m->other = other;
    m->dir = hr_path_abs(dir);
    m->src = hr_path_join(m->dir, "src");
    m->stage = hr_path_join(m->dir, "stage");
    m->log = hr_path_join(m->dir, "make.log");
    if (base->prebuilt || (other && other->prebuilt)) {
        error = hr_error_set(HR_EINPUT, "build %s is a distribution's "
                             "binary packages: it has no objects to mix or "
                             "recompile",
                             base->prebuilt ? base->variant : other->variant);
        goto fail;
    }
    if ((other && base->shared != other->shared)) {
        error = hr_error_set(HR_EINPUT, "build %s has shared libraries and "
                             "%s does not: their objects do not mix",
                             base->shared ? base->variant : other->variant,
                             base->shared ? other->variant : base->variant);
        goto fail;
    }
    if ((error = hr_rm_rf(m->dir)) < 0 ||
        (error = hr_mkdir_p(m->dir, 0755)) < 0 ||
        (error = copy_tree(base->src, m->src)) < 0 ||
        (error = copy_tree(base->stage, m->stage)) < 0 ||
        (error = compare_objects(m)) < 0 || (error = map_programs(m)) < 0 ||
        (error = find_makers(m)) < 0)
        goto fail;
    /* The first relink runs make in every library directory. */
    for (const char *const *l = libs; *l; l++)
        hr_strv_add(&m->dirty, *l);
    m->state = hr_calloc(m->objects.n ? m->objects.n : 1, 1);
    init_build(m);
    *out = m;
    return 0;
fail:
    hr_mixtree_free(m);
    return error;
}

/* hr_mixtree_free - release; the tree stays on disk; NULL is fine */
void hr_mixtree_free(hr_mixtree *m)
{
    if (m == NULL)
        return;
    for (size_t i = 0; i < m->nprogs; i++) {
        hr_free(m->progs[i].stage_path);
        hr_free(m->progs[i].src_path);
        hr_free(m->progs[i].base_path);
        hr_free(m->progs[i].dir);
    }
    hr_progwatch_free(m->watch);
    hr_strv_release(&m->dirty);
    hr_free(m->progs);
    hr_strv_release(&m->objects);
    hr_strv_release(&m->custom);
    hr_free(m->state);
    if (m->build.dir) {
        hr_free(m->build.dir);
        hr_free(m->build.src);
        hr_free(m->build.stage);
        hr_free(m->build.make_log);
        hr_free(m->build.variant);
        hr_free(m->build.flags);
        hr_free(m->build.opt);
        hr_free(m->build.cc);
        hr_free(m->build.cc_path);
        hr_free(m->build.cc_sha256);
        hr_free(m->build.cc_version);
        hr_free(m->build.cc_kind);
        hr_free(m->build.source_commit);
        hr_free(m->build.source_tree);
        hr_free(m->build.source_version);
        hr_free(m->build.sanitizer);
        hr_free(m->build.shlib_runpath);
        hr_strv_release(&m->build.env);
        hr_strv_release(&m->build.params);
    }
    hr_free(m->dir);
    hr_free(m->src);
    hr_free(m->stage);
    hr_free(m->log);
    hr_free(m);
}

/* hr_mixtree_count - candidates: objects that differ between the builds */
size_t hr_mixtree_count(const hr_mixtree *m)
{
    return m->objects.n;
}
/* hr_mixtree_total - objects in the base build */
size_t hr_mixtree_total(const hr_mixtree *m)
{
    return m->total;
}
/* hr_mixtree_identical - objects the same in both builds, left out */
size_t hr_mixtree_identical(const hr_mixtree *m)
{
    return m->identical;
}
/* hr_mixtree_relinked - stage files the last relink changed */
size_t hr_mixtree_relinked(const hr_mixtree *m)
{
    return m->relinked;
}
/* hr_mixtree_build - the trial's build record, valid until hr_mixtree_free() */
const hr_build *hr_mixtree_build(const hr_mixtree *m)
{
    return &m->build;
}
/* hr_mixtree_dir - the trial tree's directory */
const char *hr_mixtree_dir(const hr_mixtree *m)
{
    return m->dir;
}

/* hr_mixtree_object - the tree-relative path of candidate i */
const char *hr_mixtree_object(const hr_mixtree *m, size_t i)
{
    if (i >= m->objects.n)
        hr_panic("hr_mixtree_object: %zu of %zu", i, m->objects.n);
    return m->objects.v[i];
}

/* hr_mixtree_set_sanitizer - what the trial's daemons report (NULL, "ubsan") */
void hr_mixtree_set_sanitizer(hr_mixtree *m, const char *sanitizer)
{
    hr_free(m->build.sanitizer);
    m->build.sanitizer = sanitizer ? hr_strdup(sanitizer) : NULL;
}

/* mark_dirty - the src/ directory of tree-relative object rel
 * ("src/global/xtext.o") needs its "make update" */
static void mark_dirty(hr_mixtree *m, const char *rel)
{
    const char *dir = strncmp(rel, "src/", 4) == 0 ? rel + 4 : NULL;
    const char *end = dir ? strchr(dir, '/') : NULL;
    char *name;

    if (end == NULL) {
        /* not under src/DIR/: every library directory, to be safe */
        for (const char *const *l = libs; *l; l++)
            if (hr_strv_find(&m->dirty, *l) < 0)
                hr_strv_add(&m->dirty, *l);
        return;
    }
    name = hr_sprintf("%.*s", (int)(end - dir), dir);
    if (hr_strv_find(&m->dirty, name) < 0)
        hr_strv_add_owned(&m->dirty, name);
    else
        hr_free(name);
}

/* put_object - object rel from build b into the tree, dated now */
static int put_object(hr_mixtree *m, const char *rel, const hr_build *b)
{
    char *from = hr_path_join(b->src, rel);
    char *to = hr_path_join(m->src, rel);
    int error;

    /* dirty first: a failed write may have left the object changed */
    mark_dirty(m, rel);
    error = put_file(from, to, NULL);

    hr_free(from);
    hr_free(to);
    return error;
}

/* hr_mixtree_set - each candidate from the other build or the base */
int hr_mixtree_set(hr_mixtree *m, const unsigned char *from_other)
{
    int error = 0;

    for (size_t i = 0; i < m->objects.n && error == 0; i++) {
        int want = from_other && from_other[i] ? FROM_OTHER : FROM_BASE;

        if (m->state[i] == want)
            continue;
        if (want == FROM_OTHER && m->other == NULL)
            hr_panic("hr_mixtree_set: no other build");
        error = put_object(m, m->objects.v[i],
                           want == FROM_OTHER ? m->other : m->base);
        if (error == 0)
            m->state[i] = (unsigned char)want;
    }
    for (size_t i = 0; i < m->custom.n && error == 0; i++)
        error = put_object(m, m->custom.v[i], m->base);
    if (error == 0)
        hr_strv_release(&m->custom);
    return error;
}

/* hr_mixtree_recompile - compile one object again with the command "from"
 * used, plus extra flags */
int hr_mixtree_recompile(hr_mixtree *m, const char *object, const hr_build *from,
                     const char *extra_flags, hr_buf *diagnostics)
{
    hr_buf log = HR_BUF_INIT;
    hr_compile c;
    hr_strv argv = HR_STRV_INIT;
    char *cwd = NULL, *obj = NULL;
    int error;
    ssize_t k;

    memset(&c, 0, sizeof(c));
    if ((error = hr_file_read(&log, from->make_log, 256 << 20)) < 0 ||
        (error = hr_makelog_compile(&c, hr_buf_cstr(&log), object)) < 0)
        goto done;
    cwd = hr_path_join(m->src, c.dir);
    obj = hr_path_join(m->src, object);
    hr_strv_add(&argv, "sh");
    hr_strv_add(&argv, "-c");
    hr_strv_addf(&argv, "%s%s%s", c.command, extra_flags ? " " : "",
                 extra_flags ? extra_flags : "");
    unlink(obj);
    mark_dirty(m, object);
    if (diagnostics) {
        hr_spawn_opts o = HR_SPAWN_OPTS_INIT;
        hr_strv env = HR_STRV_INIT;
        int status;

        hr_build_env(&env, m->dir);
        o.argv = (const char *const *)hr_strv_argv(&argv);
        o.setenv = (const char *const *)hr_strv_argv(&env);
        o.cwd = cwd;
        o.out = HR_OUT_CAPTURE;
        o.out_buf = diagnostics;
        o.err = HR_OUT_STDOUT;
        o.timeout_ms = 600000;
        if ((error = hr_spawn_run(&status, &o)) == 0 && status != 0)
            error = hr_error_set(HR_ERROR,
                                 "compiling '%s' failed (exit "
                                 "status %d): %.200s",
                                 object, status, hr_buf_cstr(diagnostics));
        hr_strv_release(&env);
    } else {
        error = hr_build_exec(cwd, m->log, m->dir, &argv);
    }
    if (error == 0 && !hr_is_file(obj))
        error = hr_error_set(HR_ERROR, "compiling '%s' left no object", object);
    if (error < 0)
        goto done;
    if ((k = hr_strv_find(&m->objects, object)) >= 0)
        m->state[k] = CUSTOM;
    else if (hr_strv_find(&m->custom, object) < 0)
        hr_strv_add(&m->custom, object);
done:
    hr_compile_release(&c);
    hr_buf_release(&log);
    hr_strv_release(&argv);
    hr_free(cwd);
    hr_free(obj);
    return error;
}

/* relinkable - a program that a relink may leave alone: a program
 * directory's (the library phase's and scripts cost nothing) */
static int relinkable(const struct prog *p)
{
    return p->kind == PROG_BUILT || p->kind == PROG_UNKNOWN;
}

/* restricted - a program that the relinks leave alone: the set is
 * known and it is not in it */
static int restricted(const hr_mixtree *m, const struct prog *p)
{
    return m->restricted && !p->used && relinkable(p);
}

/* sync_stage - copy the programs that make changed into the stage, and
 * put the base build's back where a program is left alone */
static int sync_stage(hr_mixtree *m)
{
    int error = 0;

    m->relinked = 0;
    m->restored = 0;
    for (size_t i = 0; i < m->nprogs && error == 0; i++) {
        struct prog *p = &m->progs[i];
        struct stat st, like;

        if (restricted(m, p)) {
            if (p->base_copy)
                continue;
            if (stat(p->base_path, &like) < 0) {
                error = hr_error_set(HR_ERROR, "no '%s' in the base build's "
                                     "stage: %s", p->base_path,
                                     strerror(errno));
                break;
            }
            if ((error = put_file(p->base_path, p->stage_path, &like)) < 0)
                break;
            p->base_copy = 1;
            m->restored++;
            continue;
        }
        if (stat(p->src_path, &st) < 0) {
            error = hr_error_set(HR_ERROR, "make left no '%s': %s", p->src_path,
                                 strerror(errno));
            break;
        }
        /* Back in the set: the tree's, whether make relinked it or not. */
        if (!p->base_copy && st.st_size == p->size &&
            st.st_mtim.tv_sec == p->mtime.tv_sec &&
            st.st_mtim.tv_nsec == p->mtime.tv_nsec)
            continue;
        if (stat(p->stage_path, &like) < 0) {
            error = hr_error_set(HR_ERROR, "no '%s' in the trial stage: %s",
                                 p->stage_path, strerror(errno));
            break;
        }
        if ((error = put_file(p->src_path, p->stage_path, &like)) < 0)
            break;
        p->mtime = st.st_mtim;
        p->size = st.st_size;
        p->base_copy = 0;
        m->relinked++;
    }
    return error;
}

/* The program directories of a relink, for hr_parallel(). */
struct relink {
    hr_mixtree *m;
    const hr_strv *dirs;
    const char *flags;
};

/* relink_dir - "make update" in one directory of the tree, as Postfix's
 * top-level make runs it */
static int relink_dir(hr_mixtree *m, const char *dir, const char *flags)
{
    hr_strv argv = HR_STRV_INIT;
    int error;

    hr_strv_add(&argv, "make");
    hr_strv_add(&argv, "update");
    hr_strv_add(&argv, "MAKELEVEL=");
    if (flags)
        hr_strv_addf(&argv, "SHLIB_RPATH=%s", flags);
    error = hr_build_exec(dir, m->log, m->dir, &argv);
    hr_strv_release(&argv);
    return error;
}

/* relink_one - program directory i */
static int relink_one(void *arg, size_t i)
{
    struct relink *r = arg;

    return relink_dir(r->m, r->dirs->v[i], r->flags);
}

/* program_dirs - the tree's src/ directories with a Makefile, but the
 * libraries' */
static int program_dirs(hr_strv *out, const char *src)
{
    char *top = hr_path_join(src, "src");
    hr_strv names = HR_STRV_INIT;
    int error;

    if ((error = hr_dir_list(&names, top)) == 0)
        for (size_t i = 0; i < names.n; i++) {
            char *mk = hr_sprintf("%s/%s/Makefile", top, names.v[i]);
            int lib = 0;

            for (const char *const *l = libs; *l; l++)
                lib |= strcmp(*l, names.v[i]) == 0;
            if (!lib && hr_is_file(mk))
                hr_strv_addf(out, "%s/%s", top, names.v[i]);
            hr_free(mk);
        }
    hr_strv_release(&names);
    hr_free(top);
    return error;
}

/* used_dirs - the program directories to relink: all of them, or those
 * that make a program of the set (all again when one is unknown) */
static void used_dirs(hr_strv *out, const hr_mixtree *m, const hr_strv *all)
{
    hr_strv want = HR_STRV_INIT;
    int every = !m->restricted;

    for (size_t i = 0; i < m->nprogs && !every; i++) {
        const struct prog *p = &m->progs[i];

        if (!p->used)
            continue;
        if (p->kind == PROG_UNKNOWN)
            every = 1;
        else if (p->kind == PROG_BUILT && hr_strv_find(&want, p->dir) < 0)
            hr_strv_add(&want, p->dir);
    }
    for (size_t i = 0; i < all->n; i++)
        if (every || hr_strv_find(&want, all->v[i]) >= 0)
            hr_strv_add(out, all->v[i]);
    hr_strv_release(&want);
}

/* lib_needed - "make update" in library directory lib can do anything:
 * an object of it was written since its last one, or (master links its
 * program with the others' archives; a shared library links with the
 * ones before it) a library directory before it ran */
static int lib_needed(const hr_mixtree *m, const char *lib, int ran)
{
    if (hr_strv_find(&m->dirty, lib) >= 0)
        return 1;
    return ran && (m->base->shared || strcmp(lib, "master") == 0);
}

/* hr_mixtree_relink - the libraries, then the programs, relinked */
int hr_mixtree_relink(hr_mixtree *m, const char *link_flags)
{
    struct relink r;
    hr_strv all = HR_STRV_INIT, dirs = HR_STRV_INIT;
    char *flags = NULL, *mold = NULL;
    int error = 0, ran = 0, nlibs = 0;
    long long t0 = hr_clock_ms(), t_lib = 0, t_prog = 0;

    /* mold, when there is one, links the trial programs several times
     * faster; every trial, the guards included, links with it. */
    if (hr_spawn_find_program(&mold, "mold") == 0)
        flags = hr_sprintf("-fuse-ld=mold%s%s", link_flags ? " " : "",
                           link_flags ? link_flags : "");
    else if (link_flags)
        flags = hr_strdup(link_flags);
    hr_error_clear();
    hr_free(mold);
    /* The libraries first, in Postfix's order: each puts its archive (or
     * its libpostfix-*.so) into lib/ for the programs. A directory whose
     * make has nothing to do is left out. */
    for (const char *const *l = libs; *l && error == 0; l++) {
        char *dir = hr_sprintf("%s/src/%s", m->src, *l);

        if (hr_is_dir(dir) && lib_needed(m, *l, ran)) {
            if ((error = relink_dir(m, dir, flags)) == 0) {
                int k = hr_strv_find(&m->dirty, *l);

                if (k >= 0) {
                    hr_free(m->dirty.v[k]);
                    m->dirty.v[k] = m->dirty.v[--m->dirty.n];
                    m->dirty.v[m->dirty.n] = NULL;
                }
            }
            ran = 1;
            nlibs++;
        }
        hr_free(dir);
    }
    if (error < 0)
        goto done;
    t_lib = hr_clock_ms();
    /* Then the programs, side by side: each directory links its own. */
    if ((error = program_dirs(&all, m->src)) < 0)
        goto done;
    used_dirs(&dirs, m, &all);
    r.m = m;
    r.dirs = &dirs;
    r.flags = flags;
    if ((error = hr_parallel(dirs.n, hr_clock_ncpus(), relink_one, &r)) == 0) {
        t_prog = hr_clock_ms();
        error = sync_stage(m);
    }
    if (error == 0 && hr_verbose > 1)
        hr_msg_info("timing relink: libraries %.3f (%d dir(s)) programs %.3f "
                    "(%zu of %zu dir(s)) sync %.3f (%zu relinked, %zu "
                    "restored)",
                    (t_lib - t0) / 1000.0, nlibs, (t_prog - t_lib) / 1000.0,
                    dirs.n, all.n, (hr_clock_ms() - t_prog) / 1000.0,
                    m->relinked, m->restored);
done:
    hr_strv_release(&all);
    hr_strv_release(&dirs);
    hr_free(flags);
    return error;
}

/* hr_mixtree_watch - note the programs of the stage opened from now on */
int hr_mixtree_watch(hr_mixtree *m)
{
    hr_strv dirs = HR_STRV_INIT;
    int error;

    hr_progwatch_free(m->watch);
    m->watch = NULL;
    for (const char *const *d = prog_dirs; *d; d++)
        hr_strv_add_owned(&dirs, hr_path_join(m->stage, *d));
    error = hr_progwatch_new(&m->watch,
                             (const char *const *)hr_strv_argv(&dirs));
    hr_strv_release(&dirs);
    return error;
}

/* hr_mixtree_watched - stop watching; the programs opened outside the set
 * join it, and their stage-relative names go to out */
int hr_mixtree_watched(hr_mixtree *m, hr_strv *out)
{
    hr_strv opened = HR_STRV_INIT;
    size_t skip = strlen(m->stage) + 1;
    int lost;

    if (m->watch == NULL)
        hr_panic("hr_mixtree_watched: not watching");
    lost = hr_progwatch_take(m->watch, &opened);
    hr_progwatch_free(m->watch);
    m->watch = NULL;
    if (lost < 0)
        return lost;
    for (size_t i = 0; i < m->nprogs; i++) {
        struct prog *p = &m->progs[i];

        if (!lost && hr_strv_find(&opened, p->stage_path) < 0)
            continue;
        /* Everything was relinked: the set is what ran. */
        if (restricted(m, p))
            hr_strv_add(out, p->stage_path + skip);
        p->used = 1;
    }
    m->restricted = 1;
    hr_strv_release(&opened);
    return 0;
}

/* hr_mixtree_used - of hr_mixtree_programs(), those relinked: all of
 * them until the set is known; their stage-relative names appended to
 * names unless NULL */
size_t hr_mixtree_used(const hr_mixtree *m, hr_strv *names)
{
    size_t skip = strlen(m->stage) + 1, k = 0;

    for (size_t i = 0; i < m->nprogs; i++)
        if (relinkable(&m->progs[i]) && !restricted(m, &m->progs[i])) {
            k++;
            if (names)
                hr_strv_add(names, m->progs[i].stage_path + skip);
        }
    return k;
}

/* hr_mixtree_programs - the stage programs that program directories make
 * (not the library phase's, not scripts) */
size_t hr_mixtree_programs(const hr_mixtree *m)
{
    size_t k = 0;

    for (size_t i = 0; i < m->nprogs; i++)
        k += relinkable(&m->progs[i]);
    return k;
}

/* hr_mixtree_restored - stage files the last relink set back to the base
 * build's */
size_t hr_mixtree_restored(const hr_mixtree *m)
{
    return m->restored;
}

/* hr_mixtree_stage_digest - one hash over a stage's programs */
int hr_mixtree_stage_digest(char out[HR_SHA256_HEX], const char *stage)
{
    hr_hash *h;
    int error = 0;

    hr_hash_new(&h);
    for (const char *const *d = prog_dirs; *d && error == 0; d++) {
        char *sdir = hr_path_join(stage, *d);
        hr_strv names = HR_STRV_INIT;

        error = hr_dir_list(&names, sdir);
        /* A static build has no libpostfix-*.so to hash. */
        if (error == HR_ENOTFOUND && strcmp(*d, "usr/lib/postfix") == 0)
            error = 0;
        for (size_t i = 0; i < names.n && error == 0; i++) {
            char *path = hr_path_join(sdir, names.v[i]);
            char hex[HR_SHA256_HEX];
            struct stat st;

            if (lstat(path, &st) == 0 && S_ISREG(st.st_mode) &&
                (error = hr_sha256_file(hex, path)) == 0) {
                hr_hash_field(h, "name", names.v[i]);
                hr_hash_field(h, "sha256", hex);
            }
            hr_free(path);
        }
        hr_strv_release(&names);
        hr_free(sdir);
    }
    hr_hash_final(out, h);
    hr_hash_free(h);
    return error;
}

/* hr_mixtree_digest - the trial stage's programs */
int hr_mixtree_digest(char out[HR_SHA256_HEX], const hr_mixtree *m)
{
    return hr_mixtree_stage_digest(out, m->stage);
}

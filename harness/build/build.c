/*
 * NAME
 *	build/build 3
 * SUMMARY
 *	build Postfix at a revision, cached by build id
 * SYNOPSIS
 *	#include "build/build.h"
 *
 *	int	hr_build_compute_id(out, tree, cc, spec, extra_opt)
 *	int	hr_build_run(out, opts)
 *	int	hr_build_load(out, id)
 *	int	hr_build_list(out)
 *	int	hr_build_remove(id)
 *	void	hr_build_free(b)
 *
 *	int	hr_build_knows(b, param)
 *	char	*hr_build_daemon_dir(b)
 *	char	*hr_build_slug(name)
 *	void	hr_build_env(out, dir)
 *	int	hr_build_exec(cwd, log_path, dir, argv)
 * DESCRIPTION
 *	The build id hashes the source tree id, the compiler identity
 *	(resolved path, SHA-256, --version), every setting of the variant
 *	that reaches make or the daemons, the replica label, and the
 *	harness's build recipe version. Equal ids mean equal inputs.
 *
 *	The compiler is the spec's own "cc" when it names one, else
 *	opts->cc, else gcc. opts->label names the build in a run: its
 *	variant field, "O2 clang-15" in a compiler matrix (the build
 *	directory and id do not depend on it); hr_build_slug() makes such a
 *	name one path component.
 *
 *	hr_build_run() resolves the revision, loads the variant, and
 *	returns at once when var/builds/<id>/build.json exists: the build
 *	is cached. Otherwise it checks the tree out with libgit2 into
 *	var/builds/<id>/src, runs "make makefiles" with the variant's CC,
 *	OPT, DEBUG, CCARGS, AUXLIBS and shared settings and then "make -jN"
 *	(output in make.log), installs privately with "postfix-install
 *	-non-interactive install_root=var/builds/<id>/stage" everything
 *	meta/postfix-files lists but the manual pages (a distribution's
 *	patched tree lists pages that only its packaging makes), and makes
 *	postdrop and postqueue setgid postdrop, as sendmail needs.
 *
 *	A variant with "prebuilt debian" is not compiled: the build takes
 *	Debian's binary packages of the Debian version the source came
 *	from (source(3)), fetched and unpacked by prebuilt(3). Its id
 *	hashes the packages (name, version, SHA-256), the tree they stand
 *	for and the variant; build.json lists the packages, and the
 *	compiler fields name them ("debian", apt:postfix=VERSION). The
 *	daemons are where Debian puts them (hr_build_daemon_dir()).
 *
 *	The stage's "postconf -d" goes into postconf-d.txt: the parameters
 *	this Postfix knows, which an instance of another version needs
 *	(maincf(3)), and their defaults, to compare between versions.
 *	hr_build_knows() says whether the build knows a parameter; a build
 *	made before postconf-d.txt existed gets it when it is loaded.
 *
 *	build.json is written last and atomically: a directory without it
 *	is a half-finished build and is removed, never reused. A lock file
 *	beside the directory serializes two runs that build the same id.
 *
 *	ccache is used when installed (and PFHARNESS_NO_CCACHE is not 1),
 *	with its cache in var/ccache and compiler_check=content, so that a
 *	changed wrapper script misses. A build asked for without ccache
 *	(use_ccache 0: a replica, --no-ccache) has an id of its own, so
 *	that it is compiled afresh and not found as the ccache-made build.
 *
 *	hr_build_env() is that environment for a build directory, and
 *	hr_build_exec() runs a command with it (narrowing relinks and
 *	recompiles copies of build trees), its output appended to a log.
 * DIAGNOSTICS
 *	A tree that does not build (make or the install failed, or did
 *	not finish within an hour) returns HR_EBUILD naming make.log and
 *	the first compiler error line; anything else that stops a build
 *	(a lock, a checkout, a missing ccache) is HR_ERROR or the callee's
 *	code.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <json-c/json.h>

#include "build/build.h"
#include "build/prebuilt.h"
#include "util/buf.h"
#include "util/clock.h"
#include "util/fsutil.h"
#include "source/gitrepo.h"
#include "util/hash.h"
#include "util/mem.h"
#include "util/msg.h"
#include "util/paths.h"
#include "source/source.h"
#include "util/spawn.h"

#define MAKE_TIMEOUT_MS (60 * 60 * 1000)

/* hr_build_compute_id - hash every input of a build */
int hr_build_compute_id(char out[HR_BUILD_ID_LEN + 1], const char *tree,
                        const hr_compiler *cc, const hr_buildspec *s,
                        const char *extra_opt)
{
    char hex[HR_SHA256_HEX];
    hr_hash *h;

    hr_hash_new(&h);
    hr_hash_field(h, "recipe", HR_BUILD_RECIPE);
    hr_hash_field(h, "tree", tree);
    hr_hash_field(h, "cc.path", cc->path);
    hr_hash_field(h, "cc.sha256", cc->sha256);
    hr_hash_field(h, "cc.version", cc->version);
    hr_hash_field(h, "variant", s->variant);
    hr_hash_field(h, "replica", s->replica);
    hr_hash_field(h, "opt", s->opt_set ? s->opt : NULL);
    hr_hash_field(h, "opt.set", s->opt_set ? "1" : "0");
    hr_hash_field(h, "extra_opt", extra_opt);
    hr_hash_field(h, "debug", s->debug_set ? s->debug : NULL);
    hr_hash_field(h, "debug.set", s->debug_set ? "1" : "0");
    hr_hash_field(h, "ccargs", s->ccargs);
    hr_hash_field(h, "auxlibs", s->auxlibs);
    for (size_t i = 0; i < s->makevars.n; i++)
        hr_hash_field(h, "makevar", s->makevars.v[i]);
    hr_hash_field(h, "shared", s->shared ? "1" : "0");
    hr_hash_field(h, "dynamicmaps", s->dynamicmaps ? "1" : "0");
    hr_hash_field(h, "pie", s->pie ? "1" : "0");
    hr_hash_field(h, "sanitizer", s->sanitizer);
    hr_hash_field(h, "ub_check", s->ub_check ? "1" : "0");
    for (size_t i = 0; i < s->env.n; i++)
        hr_hash_field(h, "env", s->env.v[i]);
    hr_hash_final(hex, h);
    hr_hash_free(h);
    memcpy(out, hex, HR_BUILD_ID_LEN);
    out[HR_BUILD_ID_LEN] = 0;
    return 0;
}

/* jstr - a string member, or NULL */
static char *jstr(json_object *o, const char *key)
{
    json_object *v;

    if (!json_object_object_get_ex(o, key, &v) ||
        json_object_get_type(v) != json_type_string)
        return NULL;
    return hr_strdup(json_object_get_string(v));
}

/* jsub - a nested object member */
static json_object *jsub(json_object *o, const char *key)
{
    json_object *v;

    return json_object_object_get_ex(o, key, &v) ? v : NULL;
}

/* build_dir - var/builds/<id> */
static char *build_dir(const char *id)
{
    return hr_path_join(hr_builds_root(), id);
}

/* postconf_d - the defaults of the stage's postconf into dir/postconf-d.txt
 * (atomically): which parameters this Postfix knows, and their values */
static int postconf_d(const char *dir, const char *stage)
{
    char *empty = hr_path_join(dir, "postconf-d.cf");
    char *main_cf = hr_path_join(empty, "main.cf");
    char *prog = hr_sprintf("%s/usr/sbin/postconf", stage);
    char *libs = hr_sprintf("LD_LIBRARY_PATH=%s/usr/lib/postfix", stage);
    char *path = hr_path_join(dir, "postconf-d.txt");
    const char *argv[] = {prog, "-d", "-c", empty, NULL};
    const char *env[] = {libs, "LC_ALL=C", NULL};
    hr_spawn_opts o = HR_SPAWN_OPTS_INIT;
    hr_buf out = HR_BUF_INIT, err = HR_BUF_INIT;
    int status, error;

    if ((error = hr_mkdir_p(empty, 0755)) < 0 ||
        (error = hr_file_write_atomic(main_cf, "", 0, 0644)) < 0)
        goto done;
    hr_buf_init(&out, 4 << 20);
    hr_buf_init(&err, 1 << 16);
    o.argv = argv;
    o.setenv = env;
    o.out = HR_OUT_CAPTURE;
    o.out_buf = &out;
    o.err = HR_OUT_CAPTURE;
    o.err_buf = &err;
    o.timeout_ms = 60000;
    if ((error = hr_spawn_run(&status, &o)) < 0)
        goto done;
    if (status != 0 || out.len == 0) {
        error = hr_error_set(HR_EBUILD, "'%s -d' failed (exit status %d): %s",
                             prog, status, hr_buf_cstr(&err));
        goto done;
    }
    error = hr_file_write_atomic(path, out.ptr, out.len, 0644);
done:
    hr_rm_rf(empty);
    hr_buf_release(&out);
    hr_buf_release(&err);
    hr_free(empty);
    hr_free(main_cf);
    hr_free(prog);
    hr_free(libs);
    hr_free(path);
    return error;
}

/* load_params - the names of postconf-d.txt, made first for a build of
 * an older harness that did not keep it */
static int load_params(hr_build *b)
{
    char *path = hr_path_join(b->dir, "postconf-d.txt");
    hr_buf text = HR_BUF_INIT;
    int error;

    if (!hr_is_file(path) && (error = postconf_d(b->dir, b->stage)) < 0)
        goto done;
    if ((error = hr_file_read(&text, path, 16 << 20)) < 0)
        goto done;
    for (const char *p = hr_buf_cstr(&text); *p;) {
        size_t len = strcspn(p, "\n");
        size_t n = strcspn(p, " =\n");

        if (n > 0 && n < len)
            hr_strv_add_owned(&b->params, hr_strndup(p, n));
        p += len + (p[len] == '\n');
    }
    hr_strv_sort(&b->params);
done:
    hr_buf_release(&text);
    hr_free(path);
    return error;
}

/* by_str - bsearch helper */
static int by_str(const void *key, const void *member)
{
    return strcmp(key, *(char *const *)member);
}

/* hr_build_knows - this Postfix has the main.cf parameter */
int hr_build_knows(const hr_build *b, const char *param)
{
    return bsearch(param, b->params.v, b->params.n, sizeof(char *), by_str) !=
           NULL;
}

/* hr_build_daemon_dir - where the build's daemons are: postfix-install's
 * usr/libexec/postfix, or Debian's usr/lib/postfix/sbin; caller frees */
char *hr_build_daemon_dir(const hr_build *b)
{
    return hr_sprintf("%s/%s", b->stage,
                      b->prebuilt ? "usr/lib/postfix/sbin"
                                  : "usr/libexec/postfix");
}

/* hr_build_slug - a build's name as one path component: blanks as '_'
 * ("O2 clang-15" is O2_clang-15); the caller frees it */
char *hr_build_slug(const char *name)
{
    char *s = hr_strdup(name);

    for (char *p = s; *p; p++)
        if (*p == ' ' || *p == '/')
            *p = '_';
    return s;
}

/* load_json - read build.json of a build directory */
static int load_json(hr_build **out, const char *id)
{
    char *dir = build_dir(id);
    char *path = hr_path_join(dir, "build.json");
    hr_buf text = HR_BUF_INIT;
    json_object *root = NULL, *cc, *src, *env, *v;
    hr_build *b;
    int error;

    *out = NULL;
    if ((error = hr_file_read(&text, path, 1 << 20)) < 0)
        goto done;
    if ((root = json_tokener_parse(hr_buf_cstr(&text))) == NULL ||
        json_object_get_type(root) != json_type_object) {
        error = hr_error_set(HR_ERROR, "'%s' is not valid JSON", path);
        goto done;
    }
    b = hr_calloc(1, sizeof(*b));
    snprintf(b->id, sizeof(b->id), "%s", id);
    b->dir = hr_strdup(dir);
    b->src = hr_path_join(dir, "src");
    b->stage = hr_path_join(dir, "stage");
    b->make_log = hr_path_join(dir, "make.log");
    b->variant = jstr(root, "variant");
    b->flags = jstr(root, "flags");
    b->opt = jstr(root, "opt");
    b->sanitizer = jstr(root, "sanitizer");
    b->prebuilt = jstr(root, "prebuilt");
    if ((cc = jsub(root, "compiler")) != NULL) {
        b->cc = jstr(cc, "given");
        b->cc_path = jstr(cc, "path");
        b->cc_sha256 = jstr(cc, "sha256");
        b->cc_version = jstr(cc, "version");
        b->cc_kind = jstr(cc, "kind");
    }
    if ((src = jsub(root, "source")) != NULL) {
        b->source_commit = jstr(src, "commit");
        b->source_tree = jstr(src, "tree");
        b->source_version = jstr(src, "version");
    }
    if ((env = jsub(root, "env")) != NULL &&
        json_object_get_type(env) == json_type_array)
        for (size_t i = 0; i < json_object_array_length(env); i++)
            hr_strv_add(&b->env, json_object_get_string(
                                     json_object_array_get_idx(env, i)));
    if ((v = jsub(root, "ub_check")) != NULL)
        b->ub_check = json_object_get_boolean(v);
    if ((v = jsub(root, "shared")) != NULL)
        b->shared = json_object_get_boolean(v);
    if ((v = jsub(root, "ccache")) != NULL)
        b->ccache = json_object_get_boolean(v);
    if ((v = jsub(root, "phases")) != NULL) {
        json_object *x;

        b->has_phases = 1;
        if (json_object_object_get_ex(v, "checkout", &x))
            b->t_checkout = json_object_get_double(x);
        if (json_object_object_get_ex(v, "makefiles", &x))
            b->t_makefiles = json_object_get_double(x);
        if (json_object_object_get_ex(v, "make", &x))
            b->t_make = json_object_get_double(x);
        if (json_object_object_get_ex(v, "install", &x))
            b->t_install = json_object_get_double(x);
        if (json_object_object_get_ex(v, "postconf", &x))
            b->t_postconf = json_object_get_double(x);
        if (json_object_object_get_ex(v, "make_cpu", &x))
            b->make_cpu = json_object_get_double(x);
    }
    if ((v = jsub(root, "seconds")) != NULL)
        b->seconds = json_object_get_double(v);
    if ((v = jsub(root, "created")) != NULL)
        b->created = json_object_get_int64(v);
    if (b->variant == NULL || b->cc_path == NULL || b->source_tree == NULL) {
        hr_build_free(b);
        error = hr_error_set(HR_ERROR, "'%s' lacks required fields", path);
        goto done;
    }
    if ((error = load_params(b)) < 0) {
        hr_build_free(b);
        goto done;
    }
    *out = b;
done:
    json_object_put(root);
    hr_buf_release(&text);
    hr_free(path);
    hr_free(dir);
    return error;
}

/* hr_build_load - a finished build by id or unique id prefix */
int hr_build_load(hr_build **out, const char *id)
{
    hr_strv ids = HR_STRV_INIT;
    const char *match = NULL;
    int error, n = 0;

    *out = NULL;
    if ((error = hr_build_list(&ids)) < 0)
        return error;
    for (size_t i = 0; i < ids.n; i++) {
        if (strcmp(ids.v[i], id) == 0) {
            match = ids.v[i];
            n = 1;
            break;
        }
        if (*id && strncmp(ids.v[i], id, strlen(id)) == 0) {
            match = ids.v[i];
            n++;
        }
    }
    if (n == 1)
        error = load_json(out, match);
    else if (n == 0)
        error = hr_error_set(HR_EINPUT, "no finished build '%s' in %s; "
                             "'pfharness builds' lists them", id,
                             hr_builds_root());
    else
        error = hr_error_set(HR_EINPUT, "build id prefix '%s' is ambiguous",
                             id);
    hr_strv_release(&ids);
    return error;
}

/* hr_build_list - ids of finished builds, sorted */
int hr_build_list(hr_strv *out)
{
    hr_strv names = HR_STRV_INIT;
    int error = hr_dir_list(&names, hr_builds_root());

    if (error == HR_ENOTFOUND)
        return 0;
    if (error < 0)
        return error;
    for (size_t i = 0; i < names.n; i++) {
        char *dir = build_dir(names.v[i]);
        char *json = hr_path_join(dir, "build.json");

        if (strlen(names.v[i]) == HR_BUILD_ID_LEN && hr_is_file(json))
            hr_strv_add(out, names.v[i]);
        hr_free(json);
        hr_free(dir);
    }
    hr_strv_release(&names);
    return 0;
}

/* lock_id - exclusive lock on var/builds/<id>.lock */
static int lock_id(int *out_fd, const char *id)
{
    char *path = hr_sprintf("%s/%s.lock", hr_builds_root(), id);
    int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    int error = 0;

    if (fd < 0 || flock(fd, LOCK_EX) < 0) {
        error = hr_error_set(HR_ERROR, "cannot lock '%s': %s", path,
                             strerror(errno));
        if (fd >= 0)
            close(fd);
        fd = -1;
    }
    hr_free(path);
    *out_fd = fd;
    return error;
}

/* hr_build_remove - delete a build directory */
int hr_build_remove(const char *id)
{
    hr_build *b = NULL;
    char *dir = NULL, *lockpath = NULL;
    int fd = -1, error;

    if ((error = hr_build_load(&b, id)) < 0)
        return error;
    if ((error = lock_id(&fd, b->id)) < 0)
        goto done;
    dir = build_dir(b->id);
    error = hr_rm_rf(dir);
    lockpath = hr_sprintf("%s.lock", dir);
    unlink(lockpath);
done:
    if (fd >= 0)
        close(fd);
    hr_build_free(b);
    hr_free(dir);
    hr_free(lockpath);
    return error;
}

/* first_error - the first compiler error line of a make log */
static char *first_error(const char *log_path)
{
    hr_buf b = HR_BUF_INIT;
    const char *text, *p, *best = NULL;

    if (hr_file_read(&b, log_path, 256 << 20) < 0) {
        hr_buf_release(&b);
        return hr_strdup("(make.log unreadable)");
    }
    text = hr_buf_cstr(&b);
    if ((p = strstr(text, ": error:")) != NULL ||
        (p = strstr(text, ": fatal error:")) != NULL ||
        (p = strstr(text, "undefined reference")) != NULL ||
        (p = strstr(text, "error while loading")) != NULL ||
        (p = strstr(text, ": Error: ")) != NULL ||
        (p = strstr(text, "*** ")) != NULL)
        best = p;
    else if (b.len > 1) {
        /* Nothing we know: the last line says most. */
        best = text + b.len - 1;
        while (best > text && best[-1] == '\n')
            best--;
        if (best > text)
            best--;
    }
    if (best) {
        const char *start = best, *end = strchr(best, '\n');
        char *line;

        while (start > text && start[-1] != '\n')
            start--;
        line = hr_strndup(start, end ? (size_t)(end - start) : strlen(start));
        hr_buf_release(&b);
        return line;
    }
    hr_buf_release(&b);
    return hr_strdup("(no error line found)");
}

/* log_line - append a line to make.log */
static void log_line(const char *log_path, const char *fmt, const char *arg)
{
    FILE *fp = fopen(log_path, "a");

    if (fp) {
        fprintf(fp, fmt, arg);
        fclose(fp);
    }
}

/* hr_build_env - the environment of make and the compiler in a build
 * directory (or a bisection's copy of one) */
void hr_build_env(hr_strv *out, const char *dir)
{
    char *ccache_dir = hr_path_join(hr_var_dir(), "ccache");

    hr_strv_addf(out, "CCACHE_DIR=%s", ccache_dir);
    hr_strv_addf(out, "CCACHE_BASEDIR=%s", dir);
    hr_strv_add(out, "CCACHE_COMPILERCHECK=content");
    /* Hits across build directories (replicas, patched trees, bisection
     * steps): do not hash the working directory into -g compiles. Debug
     * info may then name another build's directory; file:line stays. */
    hr_strv_add(out, "CCACHE_NOHASHDIR=1");
    hr_strv_add(out, "LC_ALL=C");
    hr_free(ccache_dir);
}

/* run_logged - run a command in src with output appended to make.log */
static int run_logged(const char *src, const char *log_path, hr_strv *argv,
                      hr_strv *env, double *cpu)
{
    static const char *const unset[] = {"MAKEFLAGS", "MFLAGS", "MAKELEVEL",
                                        "MAKEOVERRIDES", NULL};
    hr_spawn_opts o = HR_SPAWN_OPTS_INIT;
    char *cmdline = hr_strv_join(argv, " ");
    int status, error;

    log_line(log_path, "+ %s\n", cmdline);
    hr_free(cmdline);
    o.argv = (const char *const *)hr_strv_argv(argv);
    o.setenv = (const char *const *)hr_strv_argv(env);
    o.unsetenv = unset;
    o.cwd = src;
    o.out = HR_OUT_FILE;
    o.out_path = log_path;
    o.err = HR_OUT_STDOUT;
    o.timeout_ms = MAKE_TIMEOUT_MS;
    o.new_session = 1;
    o.cpu_seconds = cpu;
    if ((error = hr_spawn_run(&status, &o)) < 0) {
        /* A compiler that hangs is the build's failure, not ours. */
        if (error == HR_ETIMEOUT)
            error = hr_error_set(HR_EBUILD, "'%s' did not finish within %d "
                                 "minutes; see %s", argv->v[0],
                                 MAKE_TIMEOUT_MS / 60000, log_path);
        return error;
    }
    if (status != 0) {
        char *line = first_error(log_path);

        error = hr_error_set(HR_EBUILD, "'%s' failed (exit status %d); see %s: "
                             "%s", argv->v[0], status, log_path, line);
        hr_free(line);
    }
    return error;
}

/* hr_build_exec - run a command in a tree of build directory dir, as a
 * build does: its environment, output appended to log_path */
int hr_build_exec(const char *cwd, const char *log_path, const char *dir,
                  const hr_strv *argv)
{
    hr_strv env = HR_STRV_INIT, args = HR_STRV_INIT;
    int error;

    hr_build_env(&env, dir);
    hr_strv_addv(&args, argv);
    error = run_logged(cwd, log_path, &args, &env, NULL);
    hr_strv_release(&env);
    hr_strv_release(&args);
    return error;
}

/* setgid_postdrop - what a private install leaves to root */
static int setgid_postdrop(const char *stage)
{
    static const char *const progs[] = {"postdrop", "postqueue", NULL};
    gid_t gid;
    int error;

    /* Builds run in parallel threads: the reentrant lookup. */
    if ((error = hr_lookup_gid(&gid, "postdrop")) < 0)
        return error;
    for (const char *const *p = progs; *p; p++) {
        char *path = hr_sprintf("%s/usr/sbin/%s", stage, *p);
        int bad = chown(path, 0, gid) < 0 || chmod(path, 02755) < 0;

        if (bad) {
            error = hr_error_set(HR_ERROR, "cannot make '%s' setgid "
                                 "postdrop: %s", path, strerror(errno));
            hr_free(path);
            return error;
        }
        hr_free(path);
    }
    return 0;
}

/* How long each step of a build took. */
struct timings {
    double checkout, makefiles, make, install, postconf, make_cpu;
};

/* write_json - build.json, last and atomically */
static int write_json(const char *dir, const char *id, const hr_buildspec *s,
                      const hr_compiler *cc, const char *commit,
                      const char *tree, const char *version, const char *opt,
                      const char *flags, int ccache, double seconds,
                      const hr_strv *make_args, const hr_strv *packages,
                      const struct timings *tm)
{
    json_object *root = json_object_new_object();
    json_object *jcc = json_object_new_object();
    json_object *jsrc = json_object_new_object();
    json_object *jenv = json_object_new_array();
    json_object *jargs = json_object_new_array();
    char *path = hr_path_join(dir, "build.json");
    char *log = hr_path_join(dir, "make.log");
    const char *text;
    int error;

    json_object_object_add(root, "id", json_object_new_string(id));
    json_object_object_add(root, "variant", json_object_new_string(s->name));
    json_object_object_add(root, "spec", json_object_new_string(s->path));
    json_object_object_add(root, "about", json_object_new_string(s->about));
    json_object_object_add(root, "opt", json_object_new_string(opt));
    json_object_object_add(root, "flags", json_object_new_string(flags));
    json_object_object_add(root, "recipe",
                           json_object_new_string(HR_BUILD_RECIPE));
    json_object_object_add(jcc, "given", json_object_new_string(cc->given));
    json_object_object_add(jcc, "path", json_object_new_string(cc->path));
    json_object_object_add(jcc, "sha256", json_object_new_string(cc->sha256));
    json_object_object_add(jcc, "version", json_object_new_string(cc->version));
    json_object_object_add(jcc, "kind", json_object_new_string(cc->kind));
    json_object_object_add(root, "compiler", jcc);
    json_object_object_add(jsrc, "commit", json_object_new_string(commit));
    json_object_object_add(jsrc, "tree", json_object_new_string(tree));
    json_object_object_add(jsrc, "version", json_object_new_string(version));
    json_object_object_add(root, "source", jsrc);
    for (size_t i = 0; i < s->env.n; i++)
        json_object_array_add(jenv, json_object_new_string(s->env.v[i]));
    json_object_object_add(root, "env", jenv);
    for (size_t i = 0; i < make_args->n; i++)
        json_object_array_add(jargs, json_object_new_string(make_args->v[i]));
    json_object_object_add(root, "make_makefiles", jargs);
    if (s->sanitizer)
        json_object_object_add(root, "sanitizer",
                               json_object_new_string(s->sanitizer));
    if (s->prebuilt) {
        json_object *jpk = json_object_new_array();

        json_object_object_add(root, "prebuilt",
                               json_object_new_string(s->prebuilt));
        /* "NAME VERSION SHA256": what the packages were */
        for (size_t i = 0; packages && i < packages->n; i++) {
            const char *sp = strrchr(packages->v[i], ' ');

            json_object_array_add(jpk, json_object_new_string_len(
                                           packages->v[i],
                                           (int)(sp - packages->v[i])));
        }
        json_object_object_add(root, "packages", jpk);
    }
    json_object_object_add(root, "ub_check",
                           json_object_new_boolean(s->ub_check));
    json_object_object_add(root, "shared",
                           json_object_new_boolean(s->shared || s->prebuilt));
    json_object_object_add(root, "ccache", json_object_new_boolean(ccache));
    json_object_object_add(root, "seconds", json_object_new_double(seconds));
    if (tm) {
        json_object *ph = json_object_new_object();

        json_object_object_add(ph, "checkout",
                               json_object_new_double(tm->checkout));
        json_object_object_add(ph, "makefiles",
                               json_object_new_double(tm->makefiles));
        json_object_object_add(ph, "make", json_object_new_double(tm->make));
        json_object_object_add(ph, "install",
                               json_object_new_double(tm->install));
        json_object_object_add(ph, "postconf",
                               json_object_new_double(tm->postconf));
        json_object_object_add(ph, "make_cpu",
                               json_object_new_double(tm->make_cpu));
        json_object_object_add(root, "phases", ph);
    }
    json_object_object_add(root, "created",
                           json_object_new_int64((int64_t)time(NULL)));
    json_object_object_add(root, "make_log", json_object_new_string(log));
    text = json_object_to_json_string_ext(root, JSON_C_TO_STRING_PRETTY |
                                                    JSON_C_TO_STRING_NOSLASHESCAPE);
    error = hr_file_write_atomic(path, text, strlen(text), 0644);
    json_object_put(root);
    hr_free(path);
    hr_free(log);
    return error;
}

/* progress - report a step */
static void progress(const hr_build_opts *o, const char *name,
                     const char *step)
{
    if (o->progress)
        o->progress(name, step, o->payload);
}

/* drop_manpages - meta/postfix-files without $manpage_directory lines:
 * no instance reads a manual page, and a distribution's patched tree
 * lists pages its own packaging makes (Debian's *.8postfix.gz), which
 * postfix-install cannot find */
static int drop_manpages(const char *src)
{
    char *path = hr_path_join(src, "meta/postfix-files");
    hr_buf in = HR_BUF_INIT, out = HR_BUF_INIT;
    int error;

    if ((error = hr_file_read(&in, path, 1 << 20)) < 0)
        goto done;
    for (const char *p = hr_buf_cstr(&in); *p;) {
        size_t len = strcspn(p, "\n");

        if (strncmp(p, "$manpage_directory", 18) != 0)
            hr_buf_put(&out, p, len + (p[len] == '\n'));
        p += len + (p[len] == '\n');
    }
    error = hr_file_write_atomic(path, out.ptr ? out.ptr : "", out.len, 0644);
done:
    hr_buf_release(&in);
    hr_buf_release(&out);
    hr_free(path);
    return error;
}

/* make_and_install - the slow part, in an empty build directory */
static int make_and_install(const hr_build_opts *o, const hr_buildspec *s,
                            const hr_compiler *cc, const char *dir,
                            const char *stage, int *ccache_used,
                            hr_strv *mm_args, char **opt_out,
                            struct timings *t)
{
    double t0;
    hr_strv argv = HR_STRV_INIT, env = HR_STRV_INIT;
    char *src = hr_path_join(dir, "src");
    char *log_path = hr_path_join(dir, "make.log");
    char *ccache = NULL, *opt = NULL;
    int use_ccache = o->use_ccache;
    int error;

    /* PFHARNESS_NO_CCACHE=1: a really cold build, for benchmarks. */
    if (use_ccache == -1 && getenv("PFHARNESS_NO_CCACHE") &&
        strcmp(getenv("PFHARNESS_NO_CCACHE"), "1") == 0)
        use_ccache = 0;
    if (use_ccache != 0)
        use_ccache = hr_spawn_find_program(&ccache, "ccache") == 0;
    else
        hr_error_clear();
    if (o->use_ccache == 1 && !use_ccache) {
        error = hr_error_set(HR_ERROR, "ccache is not installed");
        goto done;
    }
    *ccache_used = use_ccache;
    hr_build_env(&env, dir);

    /* make makefiles */
    hr_strv_add(&argv, "make");
    hr_strv_add(&argv, "makefiles");
    if (use_ccache)
        hr_strv_addf(mm_args, "CC=%s %s", ccache, cc->path);
    else
        hr_strv_addf(mm_args, "CC=%s", cc->path);
    /* Without an opt line, extra flags go after makedefs' own -O, with a
     * space: "-O-fno-foo" is not an option gcc knows. */
    if (s->opt_set || o->extra_opt)
        opt = hr_sprintf("%s%s%s", s->opt_set ? s->opt : "-O",
                         o->extra_opt && (!s->opt_set || *s->opt) ? " " : "",
                         o->extra_opt ? o->extra_opt : "");
    if (opt)
        hr_strv_addf(mm_args, "OPT=%s", opt);
    if (s->debug_set)
        hr_strv_addf(mm_args, "DEBUG=%s", s->debug);
    hr_strv_addf(mm_args, "CCARGS=%s", s->ccargs);
    hr_strv_addf(mm_args, "AUXLIBS=%s", s->auxlibs);
    hr_strv_addv(mm_args, &s->makevars);
    if (s->shared) {
        hr_strv_add(mm_args, "shared=yes");
        hr_strv_addf(mm_args, "shlib_directory=%s/usr/lib/postfix", stage);
    }
    if (s->dynamicmaps)
        hr_strv_add(mm_args, "dynamicmaps=yes");
    if (s->pie)
        hr_strv_add(mm_args, "pie=yes");
    hr_strv_addv(&argv, mm_args);
    progress(o, s->name, "make makefiles");
    t0 = hr_clock_s();
    if ((error = run_logged(src, log_path, &argv, &env, NULL)) < 0)
        goto done;
    t->makefiles = hr_clock_s() - t0;

    /* make -jN, or make in a job server shared with the other builds:
     * the cores stay busy while one build walks its directories alone */
    hr_strv_release(&argv);
    hr_strv_add(&argv, "make");
    if (o->jobserver) {
        /* no -j of its own: that would make it a job server apart */
        hr_strv_addf(&env, "MAKEFLAGS= -j --jobserver-auth=%d,%d",
                     o->jobserver_r, o->jobserver_w);
    } else {
        hr_strv_addf(&argv, "-j%d", o->jobs > 0 ? o->jobs : hr_clock_ncpus());
    }
    progress(o, s->name, "make");
    t0 = hr_clock_s();
    if ((error = run_logged(src, log_path, &argv, &env, &t->make_cpu)) < 0)
        goto done;
    t->make = hr_clock_s() - t0;
    if (o->jobserver) {
        /* install runs no make */
        hr_strv_release(&env);
        hr_build_env(&env, dir);
    }

    /* private install, of what an instance runs: no manual pages */
    if ((error = drop_manpages(src)) < 0)
        goto done;
    hr_strv_release(&argv);
    hr_strv_add(&argv, "sh");
    hr_strv_add(&argv, "postfix-install");
    hr_strv_add(&argv, "-non-interactive");
    hr_strv_addf(&argv, "install_root=%s", stage);
    if (s->shared) {
        hr_strv_add(&argv, "shlib_directory=/usr/lib/postfix");
        /* postfix-install runs the new bin/postconf, whose rpath names the
         * stage, where the libraries are not installed yet. */
        hr_strv_addf(&env, "LD_LIBRARY_PATH=%s/lib", src);
    }
    progress(o, s->name, "install");
    t0 = hr_clock_s();
    if ((error = run_logged(src, log_path, &argv, &env, NULL)) < 0)
        goto done;
    error = setgid_postdrop(stage);
    t->install = hr_clock_s() - t0;
done:
    *opt_out = opt ? opt : hr_strdup("(postfix default)");
    hr_strv_release(&argv);
    hr_strv_release(&env);
    hr_free(src);
    hr_free(log_path);
    hr_free(ccache);
    return error;
}

/* fresh_id - the id of a build compiled without ccache (a replica,
 * --no-ccache): not the id of the same build made with it, so that the
 * cached one is not taken for an independent compile */
static void fresh_id(char id[HR_BUILD_ID_LEN + 1])
{
    char hex[HR_SHA256_HEX];
    hr_hash *h;

    hr_hash_new(&h);
    hr_hash_field(h, "id", id);
    hr_hash_field(h, "ccache", "never");
    hr_hash_final(hex, h);
    hr_hash_free(h);
    memcpy(id, hex, HR_BUILD_ID_LEN);
    id[HR_BUILD_ID_LEN] = 0;
}

/* prebuilt_id - what a prebuilt build is: the packages, the tree they
 * stand for, the variant and its daemons' environment */
static void prebuilt_id(char id[HR_BUILD_ID_LEN + 1], const hr_buildspec *s,
                        const char *tree, const hr_strv *debs)
{
    char hex[HR_SHA256_HEX];
    hr_hash *h;

    hr_hash_new(&h);
    hr_hash_field(h, "recipe", HR_BUILD_RECIPE);
    hr_hash_field(h, "prebuilt", s->prebuilt);
    hr_hash_field(h, "tree", tree);
    hr_hash_field(h, "variant", s->variant);
    hr_hash_field(h, "replica", s->replica);
    for (size_t i = 0; i < debs->n; i++) {
        const char *sp = strrchr(debs->v[i], ' ');
        char *pkg = hr_strndup(debs->v[i], (size_t)(sp - debs->v[i]));

        hr_hash_field(h, "package", pkg);
        hr_free(pkg);
    }
    for (size_t i = 0; i < s->env.n; i++)
        hr_hash_field(h, "env", s->env.v[i]);
    hr_hash_final(hex, h);
    hr_hash_free(h);
    memcpy(id, hex, HR_BUILD_ID_LEN);
    id[HR_BUILD_ID_LEN] = 0;
}

/* run_prebuilt - the distribution's packages of the source's version,
 * unpacked as a build (prebuilt(3)) */
static int run_prebuilt(hr_build **out, const hr_build_opts *o,
                        const hr_buildspec *spec, const hr_source_rev *sr,
                        hr_gitrepo *store)
{
    hr_strv debs = HR_STRV_INIT, none = HR_STRV_INIT;
    hr_compiler cc;
    char debver[128], id[HR_BUILD_ID_LEN + 1];
    char *cache = hr_sprintf("%s/apt/debs", hr_var_dir());
    char *state = hr_sprintf("%s/apt/other", hr_var_dir());
    char *dir = NULL, *stage = NULL, *log = NULL, *json = NULL;
    char *given = NULL, *path = NULL, *version = NULL;
    double t0 = hr_clock_s();
    int lockfd = -1, error;

    memset(&cc, 0, sizeof(cc));
    if ((error = hr_source_debian_version(debver, sizeof(debver), store,
                                          sr->commit)) < 0 ||
        (error = hr_prebuilt_fetch(&debs, debver, cache, state)) < 0)
        goto done;
    prebuilt_id(id, spec, sr->tree, &debs);
    if ((error = hr_mkdir_p(hr_builds_root(), 0755)) < 0 ||
        (error = lock_id(&lockfd, id)) < 0)
        goto done;
    dir = build_dir(id);
    json = hr_path_join(dir, "build.json");
    if (hr_is_file(json) && load_json(out, id) == 0) {
        (*out)->cached = 1;
        goto done;
    }
    progress(o, spec->name, "unpack");
    stage = hr_path_join(dir, "stage");
    log = hr_path_join(dir, "make.log");
    if ((error = hr_rm_rf(dir)) < 0 || (error = hr_mkdir_p(dir, 0755)) < 0 ||
        (error = hr_prebuilt_stage(&debs, stage, log)) < 0 ||
        (error = setgid_postdrop(stage)) < 0 ||
        (error = postconf_d(dir, stage)) < 0) {
        if (error != HR_EINPUT)
            error = hr_error_set(error == HR_EBUILD ? HR_EBUILD : HR_ERROR,
                                 "build of %s failed: %s", spec->name,
                                 hr_error_last());
        goto done;
    }
    /* The packages stand where a compiler would: one witness of their
     * own, named by version and the postfix package's SHA-256. */
    given = hr_strdup("debian");
    path = hr_sprintf("apt:postfix=%s", debver);
    version = hr_sprintf("Debian's binary packages of postfix %s", debver);
    cc.given = given;
    cc.path = path;
    cc.version = version;
    cc.kind = given;
    for (size_t i = 0; i < debs.n; i++)
        if (strncmp(debs.v[i], "postfix ", 8) == 0)
            snprintf(cc.sha256, sizeof(cc.sha256), "%.64s",
                     strchr(debs.v[i] + 8, ' ') + 1);
    if ((error = write_json(dir, id, spec, &cc, sr->commit, sr->tree,
                            sr->version, "(prebuilt)", "prebuilt=debian", 0,
                            hr_clock_s() - t0, &none, &debs, NULL)) < 0)
        goto done;
    error = load_json(out, id);
done:
    if (lockfd >= 0)
        close(lockfd);
    hr_strv_release(&debs);
    hr_free(cache);
    hr_free(state);
    hr_free(dir);
    hr_free(stage);
    hr_free(log);
    hr_free(json);
    hr_free(given);
    hr_free(path);
    hr_free(version);
    return error;
}

/* hr_build_run - build a variant, or find it cached */
int hr_build_run(hr_build **out, const hr_build_opts *o)
{
    hr_gitrepo *store = NULL;
    hr_buildspec *spec = NULL;
    hr_compiler *cc = NULL;
    hr_strv mm_args = HR_STRV_INIT;
    hr_source_rev sr;
    char id[HR_BUILD_ID_LEN + 1];
    char *dir = NULL, *src = NULL, *stage = NULL, *json = NULL;
    char *opt = NULL, *flags = NULL;
    double t0 = hr_clock_s(), t1;
    struct timings tm;
    int lockfd = -1, ccache_used = 0, error;

    *out = NULL;
    memset(&tm, 0, sizeof(tm));
    if ((error = hr_buildspec_load(&spec, hr_specs_dir(), o->variant)) < 0)
        goto done;
    if ((error = hr_source_lookup(&sr, o->source)) < 0 ||
        (error = hr_gitrepo_open(&store, hr_sources_repo(), 0)) < 0)
        goto done;
    if (spec->prebuilt) {
        if (o->cc || o->extra_opt) {
            error = hr_error_set(HR_EINPUT, "variant %s is prebuilt: no "
                                 "compiler and no flags apply", spec->name);
            goto done;
        }
        error = run_prebuilt(out, o, spec, &sr, store);
        goto done;
    }
    /* A spec that names its compiler keeps it (clang-O2 is clang's,
     * whatever --cc or --compilers say). */
    if ((error = hr_compiler_identify(&cc, spec->cc ? spec->cc
                                           : o->cc  ? o->cc
                                                    : "gcc")) < 0)
        goto done;
    hr_build_compute_id(id, sr.tree, cc, spec, o->extra_opt);
    if (o->use_ccache == 0)
        fresh_id(id);
    if ((error = hr_mkdir_p(hr_builds_root(), 0755)) < 0 ||
        (error = lock_id(&lockfd, id)) < 0)
        goto done;
    dir = build_dir(id);
    json = hr_path_join(dir, "build.json");
    if (hr_is_file(json) && load_json(out, id) == 0) {
        (*out)->cached = 1;
        goto done;
    }
    /* A directory without build.json is a build that did not finish. */
    progress(o, spec->name, "checkout");
    src = hr_path_join(dir, "src");
    stage = hr_path_join(dir, "stage");
    t1 = hr_clock_s();
    if ((error = hr_rm_rf(dir)) < 0 || (error = hr_mkdir_p(src, 0755)) < 0 ||
        (error = hr_source_checkout(store, &sr, src)) < 0)
        goto done;
    tm.checkout = hr_clock_s() - t1;
    if ((error = make_and_install(o, spec, cc, dir, stage, &ccache_used,
                                  &mm_args, &opt, &tm)) < 0) {
        error = hr_error_set(error == HR_EBUILD ? HR_EBUILD : HR_ERROR,
                             "build of %s failed: %s", spec->name,
                             hr_error_last());
        goto done;
    }
    t1 = hr_clock_s();
    if ((error = postconf_d(dir, stage)) < 0)
        goto done;
    tm.postconf = hr_clock_s() - t1;
    flags = hr_buildspec_flags(spec);
    if (o->extra_opt) {
        char *more = hr_sprintf("%s EXTRA=%s", flags, o->extra_opt);

        hr_free(flags);
        flags = more;
    }
    if ((error = write_json(dir, id, spec, cc, sr.commit, sr.tree, sr.version,
                            opt, flags, ccache_used, hr_clock_s() - t0,
                            &mm_args, NULL, &tm)) < 0)
        goto done;
    error = load_json(out, id);
done:
    if (error == 0 && *out && o->label) {
        hr_free((*out)->variant);
        (*out)->variant = hr_strdup(o->label);
    }
    if (lockfd >= 0)
        close(lockfd);
    hr_gitrepo_free(store);
    hr_buildspec_free(spec);
    hr_compiler_free(cc);
    hr_strv_release(&mm_args);
    hr_free(dir);
    hr_free(src);
    hr_free(stage);
    hr_free(json);
    hr_free(opt);
    hr_free(flags);
    return error;
}

/* hr_build_free - release; NULL is fine */
void hr_build_free(hr_build *b)
{
    if (b == NULL)
        return;
    hr_free(b->dir);
    hr_free(b->src);
    hr_free(b->stage);
    hr_free(b->make_log);
    hr_free(b->variant);
    hr_free(b->flags);
    hr_free(b->opt);
    hr_free(b->cc);
    hr_free(b->cc_path);
    hr_free(b->cc_sha256);
    hr_free(b->cc_version);
    hr_free(b->cc_kind);
    hr_free(b->source_commit);
    hr_free(b->source_tree);
    hr_free(b->source_version);
    hr_free(b->sanitizer);
    hr_free(b->prebuilt);
    hr_free(b->shlib_runpath);
    hr_strv_release(&b->env);
    hr_strv_release(&b->params);
    hr_free(b);
}

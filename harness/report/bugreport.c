/*
 * NAME
 *	report/bugreport 3
 * SUMMARY
 *	a directory to attach to a compiler bug report
 * SYNOPSIS
 *	#include "report/bugreport.h"
 *
 *	int	hr_bugreport_write(files, bisect_dir, out_dir)
 * DESCRIPTION
 *	hr_bugreport_write() reads the record of an object bisection
 *	(bisect_dir/objects.json and objects.log, narrow(3)) and writes
 *	into out_dir what a compiler vendor needs, each file on its own:
 *
 *	README.txt	the finding in a few lines: the culprit, the
 *			compiler, the flags, the case, the conclusion of
 *			the UB cross-check, and what each file holds.
 *	compiler.txt	the compiler's identity: the path as given and
 *			resolved, its SHA-256, and the full output of
 *			--version and -v.
 *	flags.txt	OPT and the make settings of both builds.
 *	compile-command.txt
 *			the directory and the exact command that compiled
 *			the culprit in the bad build, as make ran it and
 *			without ccache.
 *	NAME.i		the culprit's preprocessed source: the same
 *			command with -E, run again in the bad build's tree.
 *	CASE.case	the case that shows the divergence.
 *	good.txt, bad.txt, observations.diff
 *			both sides' normalized observations and their
 *			unified diff.
 *	bisection.log, objects.json
 *			the bisection's steps.
 *	ub-check.txt	the UB cross-check: UBSan and the -fwrapv set.
 *	flag-bisection.txt
 *			when bisect_dir also holds flags.json: its result.
 *
 *	files receives the names written, in order.
 * DIAGNOSTICS
 *	HR_EINPUT when bisect_dir holds no object bisection that named a
 *	culprit; a build that is gone (its tree is needed for -E) or a
 *	command that fails is reported with hr_error_set().
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "report/bugreport.h"
#include "util/fsutil.h"
#include "source/gitrepo.h"
#include "build/makelog.h"
#include "util/mem.h"
#include "util/msg.h"
#include "util/paths.h"
#include "narrow/record.h"
#include "util/spawn.h"

/* put - one file of the report */
static int put(hr_strv *files, const char *dir, const char *name,
               const char *text)
{
    char *path = hr_path_join(dir, name);
    int error = hr_file_write_atomic(path, text, strlen(text), 0644);

    if (error == 0)
        hr_strv_add(files, name);
    hr_free(path);
    return error;
}

/* copy - a file of the bisection into the report */
static int copy(hr_strv *files, const char *from_dir, const char *from,
                const char *dir, const char *name)
{
    char *src = hr_path_join(from_dir, from);
    char *dst = hr_path_join(dir, name);
    int error = hr_file_copy(src, dst, 0644);

    if (error == 0)
        hr_strv_add(files, name);
    hr_free(src);
    hr_free(dst);
    return error;
}

/* str - a record's string, or a dash */
static const char *str(const hr_record *n, const char *path)
{
    const char *s = hr_record_get_str(n, path);

    return s ? s : "-";
}

/* run_capture - a command's stdout and stderr; what names it in errors */
static int run_capture(hr_buf *out, const char *const *argv, const char *cwd,
                       const char *what)
{
    int status, error;

    out->limit = 64 << 20;
    if ((error = hr_spawn_capture(&status, out, out, argv, cwd, 120000)) ==
            0 &&
        status != 0)
        error = hr_error_set(HR_ERROR,
                             "%s in %s failed (exit status %d): "
                             "%.300s",
                             what, cwd ? cwd : ".", status, hr_buf_cstr(out));
    return error;
}

/* compiler_txt - the compiler's identity and what it says of itself */
static char *compiler_txt(const hr_record *n)
{
    const char *cc = hr_record_get_str(n, "bad.cc_path");
    hr_buf b = HR_BUF_INIT;

    hr_buf_printf(&b,
                  "compiler as given: %s\nresolved path:     %s\n"
                  "sha256:            %s\nkind:              %s\n"
                  "version:           %s\n",
                  str(n, "bad.cc"), str(n, "bad.cc_path"),
                  str(n, "bad.cc_sha256"), str(n, "bad.cc_kind"),
                  str(n, "bad.cc_version"));
    /* Recorded, never run: a record may come from anyone, and its
     * cc_path with it. */
    (void)cc;
    return hr_buf_detach(&b);
}

/* own_compile - the culprit's compile command from make.log of one of
 * our own builds; never the command that the record holds */
static int own_compile(hr_compile *out, const char *build, const char *object)
{
    char *real = build ? realpath(build, NULL) : NULL;
    char *root = realpath(hr_builds_root(), NULL);
    char *log_path;
    hr_buf log = HR_BUF_INIT;
    int error;

    if (real == NULL || root == NULL || strncmp(real, root, strlen(root)) ||
        real[strlen(root)] != '/' || strchr(real + strlen(root) + 1, '/')) {
        error = hr_error_set(HR_EINPUT,
                             "the record's bad build '%s' is not a build "
                             "of this harness (under %s): its compile "
                             "command is not run",
                             build ? build : "(none)", hr_builds_root());
        free(real);
        free(root);
        return error;
    }
    log_path = hr_path_join(real, "make.log");
    if ((error = hr_file_read(&log, log_path, 64 << 20)) == 0)
        error = hr_makelog_compile(out, hr_buf_cstr(&log), object);
    hr_buf_release(&log);
    hr_free(log_path);
    free(real);
    free(root);
    return error;
}

/* preprocess - the culprit's -E output, from the bad build's tree */
static int preprocess(hr_strv *files, const hr_record *n, const char *dir,
                      const char *name, const char *object)
{
    const char *build = hr_record_get_str(n, "bad.dir");
    char *cwd = NULL, *out = NULL, *cmd = NULL, *plain = NULL;
    const char *argv[4];
    hr_buf log = HR_BUF_INIT;
    hr_compile comp = {NULL, NULL, NULL};
    const char *cdir;
    int error;

    if ((error = own_compile(&comp, build, object)) < 0)
        return error;
    cdir = comp.dir;
    plain = hr_makelog_strip_launcher(comp.command);
    cwd = hr_sprintf("%s/src/%s", build, cdir);
    if (!hr_is_dir(cwd)) {
        error = hr_error_set(HR_EINPUT,
                             "the bad build's tree '%s' is gone: "
                             "build it again ('pfharness build --variant "
                             "%s') for the preprocessed source",
                             cwd, str(n, "bad.variant"));
        goto done;
    }
    out = hr_path_join(dir, name);
    /* The command as make ran it, with -E: gcc and clang stop after
     * preprocessing, whatever -c says. */
    cmd = hr_sprintf("%s -E -o %s", plain, out);
    argv[0] = "sh";
    argv[1] = "-c";
    argv[2] = cmd;
    argv[3] = NULL;
    if ((error = run_capture(&log, argv, cwd,
                             "the compile command with "
                             "-E")) == 0)
        hr_strv_add(files, name);
done:
    hr_buf_release(&log);
    hr_compile_release(&comp);
    hr_free(plain);
    hr_free(cwd);
    hr_free(out);
    hr_free(cmd);
    return error;
}

/* ub_txt - the UB cross-check, per culprit */
static char *ub_txt(const hr_record *n)
{
    hr_buf b = HR_BUF_INIT;
    size_t k = hr_record_count(n, "ub_check");

    hr_buf_printf(&b, "UB cross-check (DESIGN: UB first): the culprit "
                      "recompiled from the bad build with -fsanitize="
                      "undefined, and with -fwrapv -fno-strict-aliasing "
                      "-fno-aggressive-loop-optimizations "
                      "-fno-delete-null-pointer-checks. If either removes "
                      "the divergence or UBSan reports undefined "
                      "behaviour, the program's code is wrong, not the "
                      "compiler.\n");
    for (size_t i = 0; i < k; i++) {
        char p[128];

#define AT(f) (snprintf(p, sizeof(p), "ub_check.%zu.%s", i, f), p)
        hr_buf_printf(&b, "\nobject: %s\n", str(n, AT("object")));
        hr_buf_printf(&b, "  %s: behaves %s\n", str(n, AT("ubsan.flags")),
                      str(n, AT("ubsan.outcome")));
        for (size_t r = 0; r < hr_record_count(n, AT("ubsan.reports")); r++) {
            char q[160];

            snprintf(q, sizeof(q), "ub_check.%zu.ubsan.reports.%zu", i, r);
            hr_buf_printf(&b, "    UBSan: %s\n", str(n, q));
        }
        hr_buf_printf(&b, "  %s: behaves %s\n", str(n, AT("wrapv.flags")),
                      str(n, AT("wrapv.outcome")));
        hr_buf_printf(&b, "  conclusion: %s: %s\n", str(n, AT("conclusion")),
                      str(n, AT("why")));
#undef AT
    }
    return hr_buf_detach(&b);
}

/* flags_txt - the flag bisection in the same directory, if any */
static char *flags_txt(const char *bisect_dir)
{
    hr_record *f = NULL;
    hr_buf b = HR_BUF_INIT;

    if (hr_record_load(&f, "flags", bisect_dir) < 0) {
        hr_error_clear();
        return NULL;
    }
    hr_buf_printf(&b, "flag bisection of %s (bad %s, OPT=%s): %s\n",
                  str(f, "object"), str(f, "bad.variant"), str(f, "bad.opt"),
                  str(f, "result.status"));
    if (hr_record_get_str(f, "result.off"))
        hr_buf_printf(&b, "the divergence disappears with: %s\n",
                      str(f, "result.off"));
    if (hr_record_get_str(f, "result.pass_name"))
        hr_buf_printf(&b, "pass: %s on %s\n", str(f, "result.pass_name"),
                      str(f, "result.target"));
    hr_record_free(f);
    return hr_buf_detach(&b);
}

/* hr_bugreport_write - the directory for a compiler bug report */
int hr_bugreport_write(hr_strv *files, const char *bisect_dir,
                       const char *out_dir)
{
    hr_record *n = NULL;
    hr_buf good = HR_BUF_INIT, bad = HR_BUF_INIT, diff = HR_BUF_INIT;
    hr_buf readme = HR_BUF_INIT;
    char *text = NULL, *plain = NULL, *iname = NULL, *cname = NULL;
    char *flags = NULL, *g = NULL, *bd = NULL;
    const char *object, *source, *command, *cdir, *slash;
    int error;

    if ((error = hr_record_load(&n, "objects", bisect_dir)) < 0) {
        error = hr_error_set(HR_EINPUT,
                             "no object bisection in '%s': %s "
                             "(run 'pfharness bisect objects --out %s')",
                             bisect_dir, hr_error_last(), bisect_dir);
        goto done;
    }
    object = hr_record_get_str(n, "result.culprits.0.object");
    source = hr_record_get_str(n, "result.culprits.0.source");
    command = hr_record_get_str(n, "result.culprits.0.compile.command");
    cdir = hr_record_get_str(n, "result.culprits.0.compile.dir");
    if (object == NULL || source == NULL || command == NULL || cdir == NULL) {
        error = hr_error_set(HR_EINPUT,
                             "the object bisection in '%s' named "
                             "no culprit with its compile command (status "
                             "%s)",
                             bisect_dir, str(n, "result.status"));
        goto done;
    }
    if ((error = hr_mkdir_p(out_dir, 0755)) < 0)
        goto done;
    slash = strrchr(source, '/');
    iname = hr_sprintf("%.*s.i", (int)strlen(slash ? slash + 1 : source) - 2,
                       slash ? slash + 1 : source);
    cname = hr_sprintf("%s.case", str(n, "case.name"));
    plain = hr_makelog_strip_launcher(command);
    if ((error = put(files, out_dir, "README.txt", "")) < 0)
        goto done;

    text = compiler_txt(n);
    error = put(files, out_dir, "compiler.txt", text);
    hr_free(text);
    text = hr_sprintf("bad build (%s): OPT=%s\n  %s\ngood build (%s): "
                      "OPT=%s\n  %s\n",
                      str(n, "bad.variant"), str(n, "bad.opt"),
                      str(n, "bad.flags"), str(n, "good.variant"),
                      str(n, "good.opt"), str(n, "good.flags"));
    if (error == 0)
        error = put(files, out_dir, "flags.txt", text);
    hr_free(text);
    text = hr_sprintf("# in %s of the Postfix %s tree\ncd %s\n%s\n\n# as "
                      "make ran it\n%s\n",
                      cdir, str(n, "bad.source_version"), cdir, plain, command);
    if (error == 0)
        error = put(files, out_dir, "compile-command.txt", text);
    hr_free(text);
    text = NULL;
    if (error < 0 ||
        (error = preprocess(files, n, out_dir, iname, object)) < 0 ||
        (error = copy(files, bisect_dir, str(n, "case.file"), out_dir, cname)) <
            0 ||
        (error = copy(files, bisect_dir, "good.txt", out_dir, "good.txt")) <
            0 ||
        (error = copy(files, bisect_dir, "bad.txt", out_dir, "bad.txt")) < 0)
        goto done;
    g = hr_path_join(bisect_dir, "good.txt");
    bd = hr_path_join(bisect_dir, "bad.txt");
    if ((error = hr_file_read(&good, g, 64 << 20)) < 0 ||
        (error = hr_file_read(&bad, bd, 64 << 20)) < 0 ||
        (error = hr_gitrepo_diff_buffers(
             &diff, hr_buf_cstr(&good), str(n, "good.variant"),
             hr_buf_cstr(&bad), str(n, "bad.variant"), 3)) < 0 ||
        (error = put(files, out_dir, "observations.diff", hr_buf_cstr(&diff))) <
            0 ||
        (error = copy(files, bisect_dir, "objects.log", out_dir,
                      "bisection.log")) < 0 ||
        (error = copy(files, bisect_dir, "objects.json", out_dir,
                      "objects.json")) < 0)
        goto done;
    text = ub_txt(n);
    if ((error = put(files, out_dir, "ub-check.txt", text)) < 0)
        goto done;
    if ((flags = flags_txt(bisect_dir)) != NULL &&
        (error = put(files, out_dir, "flag-bisection.txt", flags)) < 0)
        goto done;

    hr_buf_printf(&readme,
                  "A divergence of Postfix %s narrowed to one translation "
                  "unit by pfharness.\n\n"
                  "culprit:    %s (source %s)\n"
                  "compiler:   %s (%s)\n"
                  "bad:        %s, OPT=%s\n"
                  "good:       %s, OPT=%s\n"
                  "case:       %s\n"
                  "conclusion: %s\n\n"
                  "The good build plus only this object from the bad build "
                  "behaves as the bad build (see bisection.log). The same "
                  "source and compiler built both.\n\nFiles:\n",
                  str(n, "bad.source_version"), object, source,
                  str(n, "bad.cc_version"), str(n, "bad.cc_path"),
                  str(n, "bad.variant"), str(n, "bad.opt"),
                  str(n, "good.variant"), str(n, "good.opt"), cname,
                  str(n, "conclusion"));
    for (size_t i = 0; i < files->n; i++)
        hr_buf_printf(&readme, "  %s\n", files->v[i]);
    {
        char *path = hr_path_join(out_dir, "README.txt");

        error =
            hr_file_write_atomic(path, hr_buf_cstr(&readme), readme.len, 0644);
        hr_free(path);
    }
done:
    hr_record_free(n);
    hr_buf_release(&good);
    hr_buf_release(&bad);
    hr_buf_release(&diff);
    hr_buf_release(&readme);
    hr_free(text);
    hr_free(plain);
    hr_free(iname);
    hr_free(cname);
    hr_free(flags);
    hr_free(g);
    hr_free(bd);
    return error;
}

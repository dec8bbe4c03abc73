/*
 * NAME
 *	report/bundle 3
 * SUMMARY
 *	a problem report bundle: what DEBUG_README asks for, as files
 * SYNOPSIS
 *	#include "report/bundle.h"
 *
 *	int	hr_bundle_write(r, dir, opts)
 *	int	hr_bundle_check(dir)
 * DESCRIPTION
 *	hr_bundle_write() gathers, from a run directory (the one r was
 *	read from), what Postfix's DEBUG_README asks of a problem report,
 *	and writes it as files into dir and as one archive, dir.tar.gz:
 *
 *	README.txt	what is where, and how it was made
 *	summary.txt	the run, builds and library environments, the
 *			verdict of every case, and for each finding its
 *			summary, the cells that differ, the first log
 *			finding of each side and the unified diff
 *	errors.txt	the first panic, fatal, error and warning line of
 *			every instance's maillog, whole lines
 *	report.json	the run's report
 *	cases/NAME.case	each case as the run read it
 *	observations/CASE/VARIANT.LIBENV.N.txt  every observation
 *	instances/VARIANT/LIBENV/gN/
 *		postconf-n.txt	 "postconf -n", by the build's own postconf
 *				 run on the instance's configuration
 *		postconf-Mf.txt	 "postconf -Mf", the same way
 *		maillog		 the instance's log (and master.out and
 *				 sanitizer reports, when there are any)
 *		qshape.txt	 the queues by domain and age (qshape(3))
 *
 *	With opts->anonymize, every file goes through hr_anonymize() on its
 *	way in, and so do the names of the files, so that the same address
 *	or host name is masked the same way everywhere and references
 *	between files still hold.
 *
 *	A build that is no longer cached cannot run postconf: its files
 *	then say so in one line. Everything else that is missing (a case
 *	file that moved, an observation that was never written) is listed
 *	in README.txt.
 *
 *	dir is written beside itself and renamed into place, and
 *	dir.tar.gz is written the same way (targz(3)): an existing dir is
 *	replaced only when it is an earlier bundle. hr_bundle_check() says
 *	beforehand whether dir may be written: it is new, or an earlier
 *	bundle.
 * DIAGNOSTICS
 *	Negative with hr_error_set(): HR_EINPUT for a dir that exists and
 *	is not a bundle; a postconf that fails; files that cannot be read
 *	or written.
 * SEE ALSO
 *	anonymize(3), qshape(3), targz(3), cmd_report(1), DEBUG_README.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "report/bundle.h"
#include "report/anonymize.h"
#include "util/buf.h"
#include "build/build.h"
#include "util/fsutil.h"
#include "util/mem.h"
#include "util/msg.h"
#include "observe/observe.h"
#include "instance/qshape.h"
#include "util/spawn.h"
#include "util/strv.h"
#include "util/targz.h"
#include "verdict/verdict.h"

#define MARK "pfharness problem report bundle"
#define MAX_TEXT ((size_t)1 << 30) /* bytes of one file taken in */
#define MAX_POSTCONF (4u << 20)    /* bytes of postconf output */
#define POSTCONF_MS 30000

/* What one bundle is being made of. */
struct job {
    const hr_report *r;
    const hr_bundle_opts *o;
    char *run_dir;   /* where report.json is */
    char *tmp;       /* the bundle being written */
    hr_strv missing; /* for README.txt */
};

/* put - one file into the bundle, anonymized when asked */
static int put(struct job *j, const char *rel, const char *data, size_t len)
{
    hr_buf name = HR_BUF_INIT, text = HR_BUF_INIT;
    char *path, *parent;
    int error;

    if (j->o->anonymize) {
        hr_anonymize(&name, rel, strlen(rel));
        hr_anonymize(&text, data, len);
        data = text.ptr ? text.ptr : "";
        len = text.len;
    } else
        hr_buf_puts(&name, rel);
    path = hr_path_join(j->tmp, hr_buf_cstr(&name));
    parent = hr_path_dirname(path);
    if ((error = hr_mkdir_p(parent, 0755)) == 0)
        error = hr_file_write_atomic(path, data, len, 0644);
    hr_free(parent);
    hr_free(path);
    hr_buf_release(&name);
    hr_buf_release(&text);
    return error;
}

/* in_run - is path, symlinks resolved, inside the run directory */
static int in_run(const struct job *j, const char *path)
{
    char *real = realpath(path, NULL), *top = realpath(j->run_dir, NULL);
    int inside = real && top && strncmp(real, top, strlen(top)) == 0 &&
                 real[strlen(top)] == '/';

    free(real);
    free(top);
    return inside;
}

/* put_copy - a file of the run into the bundle; a missing one is noted,
 * and one outside the run directory (a symlink, a path that report.json
 * names) is not read */
static int put_copy(struct job *j, const char *rel, const char *from)
{
    hr_buf b = HR_BUF_INIT;
    int error;

    if (hr_is_file(from) && !in_run(j, from)) {
        hr_strv_addf(&j->missing, "%s: outside the run directory, not read",
                     rel);
        return 0;
    }
    if ((error = hr_file_read(&b, from, MAX_TEXT)) == HR_ENOTFOUND ||
        (error < 0 && !hr_is_file(from))) {
        hr_strv_addf(&j->missing, "%s: %s", rel, hr_error_last());
        hr_error_clear();
        hr_buf_release(&b);
        return 0;
    }
    if (error == 0)
        error = put(j, rel, b.ptr ? b.ptr : "", b.len);
    hr_buf_release(&b);
    return error;
}

/* run_end - when the run ended, in seconds since the epoch */
static long long run_end(const hr_report *r)
{
    struct tm tm = {0};
    const char *end;

    if (r->started && (end = strptime(r->started, "%Y-%m-%dT%H:%M:%SZ", &tm)) &&
        *end == 0)
        return (long long)timegm(&tm) + (long long)r->seconds;
    return (long long)time(NULL);
}

/* summary - summary.txt */
static char *summary(const hr_report *r)
{
    hr_buf b = HR_BUF_INIT;

    hr_buf_printf(&b, "pfharness run %s\n", r->run_id ? r->run_id : "-");
    hr_buf_printf(&b, "command:  %s\n", r->command ? r->command : "-");
    hr_buf_printf(&b, "started:  %s, %.3f s\n", r->started ? r->started : "-",
                  r->seconds);
    hr_buf_printf(&b, "source:   Postfix %s, commit %s, tree %s\n",
                  r->source_version ? r->source_version : "-",
                  r->source_commit ? r->source_commit : "-",
                  r->source_tree ? r->source_tree : "-");
    hr_buf_printf(&b, "machine:  %s; %s; %s, %d cpus; %s\n",
                  r->machine.kernel ? r->machine.kernel : "-",
                  r->machine.libc ? r->machine.libc : "-",
                  r->machine.cpu ? r->machine.cpu : "-", r->machine.cpus,
                  r->edac_note ? r->edac_note : "-");
    hr_buf_puts(&b, "\nbuilds:\n");
    for (size_t i = 0; i < r->nbuilds; i++) {
        const hr_build *bd = r->builds[i];

        hr_buf_printf(&b, "  %-12s %s  %s  %s\n", bd->variant, bd->id,
                      bd->cc_version ? bd->cc_version : "-",
                      bd->flags ? bd->flags : "-");
    }
    hr_buf_puts(&b, "\nlibrary environments:\n");
    for (size_t i = 0; i < r->nlibenvs; i++) {
        char *env = hr_strv_join(&r->libenvs[i].env, " ");

        hr_buf_printf(&b, "  %-12s %s\n", r->libenvs[i].name,
                      *env ? env : "(the plain environment)");
        hr_free(env);
    }
    hr_buf_printf(&b, "\nverdicts: %zu cases:", r->ncases);
    for (int k = HR_PASS; k <= HR_HARDWARE; k++)
        if (r->totals[k])
            hr_buf_printf(&b, " %zu %s", r->totals[k], hr_verdict_name(k));
    hr_buf_puts(&b, "\n\n");
    hr_buf_printf(&b, "%-34s %-18s %s\n", "CASE", "VERDICT", "SUMMARY");
    for (size_t i = 0; i < r->ncases; i++) {
        const hr_report_case *c = &r->cases[i];

        hr_buf_printf(
            &b, "%-34s %-18s %s\n", c->name, hr_verdict_name(c->verdict),
            c->verdict == HR_PASS || c->summary == NULL ? "" : c->summary);
    }
    for (size_t i = 0; i < r->ncases; i++) {
        const hr_report_case *c = &r->cases[i];

        if (c->verdict == HR_PASS)
            continue;
        hr_buf_printf(&b, "\n=== %s: %s\n", c->name,
                      hr_verdict_name(c->verdict));
        if (c->about)
            hr_buf_printf(&b, "about:     %s\n", c->about);
        if (c->summary)
            hr_buf_printf(&b, "summary:   %s\n", c->summary);
        if (c->suspect)
            hr_buf_printf(&b, "suspect:   %s\n", c->suspect);
        if (c->differing.n) {
            char *d = hr_strv_join(&c->differing, ", ");

            hr_buf_printf(&b, "differing: %s\n", d);
            hr_free(d);
        }
        if (c->left)
            hr_buf_printf(&b, "pair:      %s (%s) and %s (%s)\n", c->left,
                          c->left_obs ? c->left_obs : "-", c->right,
                          c->right_obs ? c->right_obs : "-");
        hr_buf_printf(&b, "first log finding, %s: %s\n",
                      c->left ? c->left : "left",
                      c->left_finding ? c->left_finding : "(none)");
        hr_buf_printf(&b, "first log finding, %s: %s\n",
                      c->right ? c->right : "right",
                      c->right_finding ? c->right_finding : "(none)");
        for (size_t u = 0; u < c->ub_reports.n; u++)
            hr_buf_printf(&b, "sanitizer: %s\n", c->ub_reports.v[u]);
        if (c->diff && *c->diff) {
            hr_buf_puts(&b, "diff:\n");
            hr_buf_puts(&b, c->diff);
            if (c->diff[strlen(c->diff) - 1] != '\n')
                hr_buf_putc(&b, '\n');
        }
    }
    return hr_buf_detach(&b);
}

/* build_of - the build of a variant, or NULL */
static const hr_build *build_of(const hr_report *r, const char *variant)
{
    for (size_t i = 0; i < r->nbuilds; i++)
        if (strcmp(r->builds[i]->variant, variant) == 0)
            return r->builds[i];
    return NULL;
}

/* postconf - run the build's postconf on an instance's configuration */
static int postconf(char **out, const hr_build *cached, const char *etc,
                    const char *flag, const char *rel)
{
    hr_spawn_opts so = HR_SPAWN_OPTS_INIT;
    hr_buf o = HR_BUF_INIT, e = HR_BUF_INIT;
    char *prog = hr_path_join(cached->stage, "usr/sbin/postconf");
    const char *argv[] = {prog, "-c", etc, flag, NULL};
    int error, status;

    hr_buf_init(&o, MAX_POSTCONF);
    hr_buf_init(&e, MAX_POSTCONF);
    so.argv = argv;
    so.clear_env = 1;
    so.out = HR_OUT_CAPTURE;
    so.out_buf = &o;
    so.err = HR_OUT_CAPTURE;
    so.err_buf = &e;
    so.timeout_ms = POSTCONF_MS;
    if ((error = hr_spawn_run(&status, &so)) == 0 && status != 0) {
        const char *msg = hr_buf_cstr(&e);

        error = hr_error_set(HR_ERROR,
                             "'postconf %s' failed for '%s' "
                             "(exit status %d): %.*s",
                             flag, rel, status, (int)strcspn(msg, "\n"), msg);
    }
    if (error == 0) {
        /* postconf's warnings (unused parameters...) belong with it */
        hr_buf_put(&o, e.ptr ? e.ptr : "", e.len);
        *out = hr_buf_detach(&o);
    }
    hr_buf_release(&o);
    hr_buf_release(&e);
    hr_free(prog);
    return error;
}

/* first_each - errors.txt's part for one instance */
static void first_each(hr_buf *b, const char *rel, const char *maillog,
                       const char *variant, const char *libenv)
{
    static const char *const names[] = {"warning", "error", "fatal", "panic"};
    char *first[4];

    hr_observe_first_each(first, maillog);
    hr_buf_printf(b, "\n=== %s (build %s, libenv %s)\n", rel, variant, libenv);
    for (int k = 3; k >= 0; k--) {
        hr_buf_printf(b, "%-8s %s\n", names[k], first[k] ? first[k] : "(none)");
        hr_free(first[k]);
    }
}

/* instance - one instance directory: postconf, logs, queue shape */
static int instance(struct job *j, hr_buf *errors, const char *variant,
                    const char *libenv, const char *group, long long now)
{
    char *rel = hr_sprintf("instances/%s/%s/%s", variant, libenv, group);
    char *dir = hr_path_join(j->run_dir, rel);
    char *etc = hr_path_join(dir, "etc"), *queue = hr_path_join(dir, "queue");
    char *f = NULL, *text = NULL, *qs = NULL;
    const hr_build *b = build_of(j->r, variant);
    hr_build *cached = NULL;
    hr_buf log = HR_BUF_INIT;
    hr_strv extra = HR_STRV_INIT;
    int error = 0;

    /* postconf -n and -Mf by the build's own postconf */
    if (b == NULL || hr_build_load(&cached, b->id) < 0) {
        text = hr_sprintf("(not run: build %s of variant %s is no longer in "
                          "the cache: %s)\n",
                          b ? b->id : "-", variant,
                          b ? hr_error_last() : "not in report.json");
        hr_error_clear();
        for (int k = 0; k < 2 && error == 0; k++) {
            hr_free(f);
            f = hr_sprintf("%s/postconf-%s.txt", rel, k ? "Mf" : "n");
            error = put(j, f, text, strlen(text));
        }
    } else {
        for (int k = 0; k < 2 && error == 0; k++) {
            hr_free(text);
            text = NULL;
            if ((error = postconf(&text, cached, etc, k ? "-Mf" : "-n", rel)) <
                0)
                break;
            hr_free(f);
            f = hr_sprintf("%s/postconf-%s.txt", rel, k ? "Mf" : "n");
            error = put(j, f, text, strlen(text));
        }
    }
    /* the logs */
    if (error == 0) {
        char *from = hr_path_join(dir, "maillog");

        hr_free(f);
        f = hr_sprintf("%s/maillog", rel);
        if (hr_file_read(&log, from, MAX_TEXT) < 0) {
            hr_strv_addf(&j->missing, "%s: %s", f, hr_error_last());
            hr_error_clear();
        } else
            error = put(j, f, log.ptr ? log.ptr : "", log.len);
        first_each(errors, rel, hr_buf_cstr(&log), variant, libenv);
        hr_free(from);
    }
    if (error == 0) {
        char *from = hr_path_join(dir, "master.out");

        hr_free(f);
        f = hr_sprintf("%s/master.out", rel);
        if (hr_is_file(from)) {
            hr_buf m = HR_BUF_INIT;

            if ((error = hr_file_read(&m, from, MAX_TEXT)) == 0 && m.len)
                error = put(j, f, m.ptr, m.len);
            hr_buf_release(&m);
        }
        hr_free(from);
    }
    if (error == 0) {
        char *sdir = hr_path_join(dir, "sanitizer");

        if (hr_is_dir(sdir) && hr_dir_list(&extra, sdir) == 0)
            for (size_t i = 0; i < extra.n && error == 0; i++) {
                char *from = hr_path_join(sdir, extra.v[i]);

                hr_free(f);
                f = hr_sprintf("%s/sanitizer/%s", rel, extra.v[i]);
                if (hr_is_file(from))
                    error = put_copy(j, f, from);
                hr_free(from);
            }
        hr_free(sdir);
    }
    /* the queue shape */
    if (error == 0 && (error = hr_qshape(&qs, queue, now)) == 0) {
        hr_free(f);
        f = hr_sprintf("%s/qshape.txt", rel);
        error = put(j, f, qs, strlen(qs));
    }
    hr_strv_release(&extra);
    hr_buf_release(&log);
    hr_build_free(cached);
    hr_free(qs);
    hr_free(text);
    hr_free(f);
    hr_free(etc);
    hr_free(queue);
    hr_free(dir);
    hr_free(rel);
    return error;
}

/* instances - every instance of the run, sorted; errors.txt */
static int instances(struct job *j, long long now)
{
    hr_strv variants = HR_STRV_INIT;
    hr_buf errors = HR_BUF_INIT;
    char *top = hr_path_join(j->run_dir, "instances");
    int error = 0;
    size_t count = 0;

    hr_buf_puts(&errors, "The first panic, fatal, error and warning line of "
                         "each instance's maillog,\n"
                         "whole and as logged (warnings include master's "
                         "\"killed by signal\" lines).\n");
    if (hr_is_dir(top) && (error = hr_dir_list(&variants, top)) < 0)
        goto done;
    /* instances/VARIANT/LIBENV/gN: directories only, in name order */
    for (size_t v = 0; v < variants.n && error == 0; v++) {
        char *vdir = hr_path_join(top, variants.v[v]);
        hr_strv libenvs = HR_STRV_INIT;

        if (hr_is_dir(vdir) && (error = hr_dir_list(&libenvs, vdir)) == 0)
            for (size_t e = 0; e < libenvs.n && error == 0; e++) {
                char *edir = hr_path_join(vdir, libenvs.v[e]);
                hr_strv groups = HR_STRV_INIT;

                if (hr_is_dir(edir) &&
                    (error = hr_dir_list(&groups, edir)) == 0)
                    for (size_t g = 0; g < groups.n && error == 0; g++) {
                        char *gdir = hr_path_join(edir, groups.v[g]);

                        if (hr_is_dir(gdir)) {
                            error = instance(j, &errors, variants.v[v],
                                             libenvs.v[e], groups.v[g], now);
                            count++;
                        }
                        hr_free(gdir);
                    }
                hr_strv_release(&groups);
                hr_free(edir);
            }
        hr_strv_release(&libenvs);
        hr_free(vdir);
    }
    if (count == 0)
        hr_buf_puts(&errors, "\n(the run directory has no instances)\n");
    if (error == 0)
        error = put(j, "errors.txt", errors.ptr, errors.len);
done:
    hr_strv_release(&variants);
    hr_buf_release(&errors);
    hr_free(top);
    return error;
}

/* cases_and_observations - the case files and every observation */
static int cases_and_observations(struct job *j)
{
    int error = 0;

    for (size_t i = 0; i < j->r->ncases && error == 0; i++) {
        const hr_report_case *c = &j->r->cases[i];
        char *rel = hr_sprintf("cases/%s.case", c->name);
        char *copy = hr_path_join(j->run_dir, rel);

        /* A case name from report.json makes a file name: only
         * [a-z0-9][a-z0-9._-]*, as case(3) allows, and no "..". */
        if (strspn(c->name, "abcdefghijklmnopqrstuvwxyz0123456789._-") !=
                strlen(c->name) ||
            c->name[0] == '.' || c->name[0] == '-' || strstr(c->name, ".."))
            error = hr_error_set(HR_EINPUT, "%s/report.json: case name '%s' "
                                 "is not a case name", j->run_dir, c->name);
        else
            error = put_copy(j, rel, copy);
        hr_free(copy);
        hr_free(rel);
        for (size_t k = 0; k < c->ncells && error == 0; k++)
            for (size_t n = 0; n < c->cells[k].nreps && error == 0; n++) {
                const char *obs = c->cells[k].reps[n].obs_file;
                char *from;

                /* only names inside the run directory */
                if (obs == NULL || obs[0] == '/' || strstr(obs, ".."))
                    continue;
                from = hr_path_join(j->run_dir, obs);
                error = put_copy(j, obs, from);
                hr_free(from);
            }
    }
    return error;
}

/* readme - README.txt */
static char *readme(const struct job *j)
{
    hr_buf b = HR_BUF_INIT;

    hr_buf_printf(&b, "%s\n\n", MARK);
    hr_buf_printf(&b,
                  "Made by 'pfharness report RUN_DIR --bundle DIR%s' from "
                  "run %s.\n\n",
                  j->o->anonymize ? " --anonymize" : "",
                  j->r->run_id ? j->r->run_id : "-");
    hr_buf_puts(
        &b,
        "What Postfix's DEBUG_README asks of a problem report, and where it "
        "is:\n"
        "\n"
        "  a summary of the problem      summary.txt: the verdicts and, for "
        "each\n"
        "                                finding, what differs (the diff)\n"
        "  complete error messages       errors.txt: the first panic, fatal,\n"
        "                                error and warning of each "
        "instance\n"
        "  Postfix logging               instances/VARIANT/LIBENV/gN/maillog\n"
        "  postconf -n, postconf -Mf     instances/VARIANT/LIBENV/gN/"
        "postconf-n.txt\n"
        "                                and postconf-Mf.txt, by each "
        "build's own\n"
        "                                postconf on the instance's "
        "configuration\n"
        "  qshape output                 instances/VARIANT/LIBENV/gN/"
        "qshape.txt\n"
        "  a recorded session            cases/ and observations/: each case\n"
        "                                and what every build, library "
        "environment\n"
        "                                and repetition made of it\n"
        "\n"
        "report.json is the run's own report. An all-zero qshape table is "
        "the\n"
        "normal state after a run: the harness waits until no mail is in\n"
        "flight, and each instance was stopped at the end of the run.\n");
    if (j->o->anonymize)
        hr_buf_puts(
            &b,
            "\n"
            "Anonymized as DEBUG_README asks: in every email address, host "
            "name\n"
            "and IPv4 address, in every file and file name, each letter is "
            "an A\n"
            "and each digit a D; punctuation stays, so syntax errors remain\n"
            "visible. Words without a dot (a bare EHLO name) cannot be told "
            "from\n"
            "other words and are left as they are. The cases here no longer "
            "parse\n"
            "as cases.\n");
    if (j->missing.n) {
        hr_buf_puts(&b, "\nNot in the bundle:\n");
        for (size_t i = 0; i < j->missing.n; i++)
            hr_buf_printf(&b, "  %s\n", j->missing.v[i]);
    }
    return hr_buf_detach(&b);
}

/* is_bundle - dir holds an earlier bundle */
static int is_bundle(const char *dir)
{
    char *path = hr_path_join(dir, "README.txt");
    hr_buf b = HR_BUF_INIT;
    int yes = hr_file_read(&b, path, 1 << 20) == 0 &&
              strncmp(hr_buf_cstr(&b), MARK "\n", strlen(MARK) + 1) == 0;

    hr_error_clear();
    hr_buf_release(&b);
    hr_free(path);
    return yes;
}

/* hr_bundle_check - dir is new, or an earlier bundle */
int hr_bundle_check(const char *dir)
{
    if (hr_is_dir(dir) ? !is_bundle(dir) : access(dir, F_OK) == 0)
        return hr_error_set(HR_EINPUT,
                            "'%s' exists and is not a pfharness "
                            "bundle; name a new directory",
                            dir);
    return 0;
}

/* hr_bundle_write - the bundle as dir and dir.tar.gz */
int hr_bundle_write(const hr_report *r, const char *dir_arg,
                    const hr_bundle_opts *o)
{
    struct job j = {r, o, NULL, NULL, HR_STRV_INIT};
    char *dir = hr_strdup(dir_arg), *tgz = NULL, *text = NULL, *json;
    size_t n = strlen(dir);
    long long now = run_end(r);
    int error;

    while (n > 1 && dir[n - 1] == '/')
        dir[--n] = 0;
    j.run_dir = hr_path_dirname(r->path);
    tgz = hr_sprintf("%s.tar.gz", dir);
    if ((error = hr_bundle_check(dir)) < 0)
        goto done;
    j.tmp = hr_sprintf("%s.tmp.%ld", dir, (long)getpid());
    hr_rm_rf(j.tmp);
    if ((error = hr_mkdir_p(j.tmp, 0755)) < 0)
        goto done;
    json = hr_path_join(j.run_dir, "report.json");
    error = put_copy(&j, "report.json", json);
    hr_free(json);
    if (error == 0)
        error = cases_and_observations(&j);
    if (error == 0)
        error = instances(&j, now);
    if (error == 0) {
        text = summary(r);
        error = put(&j, "summary.txt", text, strlen(text));
        hr_free(text);
    }
    if (error == 0) {
        text = readme(&j);
        error = put(&j, "README.txt", text, strlen(text));
        hr_free(text);
    }
    if (error == 0)
        error = hr_targz_write(tgz, j.tmp, hr_path_basename(dir), now);
    if (error == 0) {
        if (hr_is_dir(dir))
            hr_rm_rf(dir);
        if (rename(j.tmp, dir) < 0)
            error = hr_error_set(HR_ERROR, "cannot rename '%s' to '%s': %s",
                                 j.tmp, dir, strerror(errno));
    }
done:
    if (error < 0 && j.tmp)
        hr_rm_rf(j.tmp);
    hr_strv_release(&j.missing);
    hr_free(j.tmp);
    hr_free(j.run_dir);
    hr_free(tgz);
    hr_free(dir);
    return error;
}

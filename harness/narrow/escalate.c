/*
 * NAME
 *	narrow/escalate 3
 * SUMMARY
 *	DEBUG_README's escalation ladder on both sides of a divergence
 * SYNOPSIS
 *	#include "narrow/escalate.h"
 *
 *	int	hr_escalate(out, opts)
 *	void	hr_escalation_free(e)
 *
 *	char	*hr_escalate_normalize_log(log, from, to)
 *	void	hr_escalate_diverge(out, left, right)
 *	void	hr_divergence_release(d)
 *	void	hr_escalate_daemons(out, log)
 *	void	hr_escalate_killed(out, log)
 * DESCRIPTION
 *	hr_escalate() reruns one case on both sides of a divergence (two
 *	builds, or one build under two library environments), stepping up
 *	through DEBUG_README's order of invasiveness; each step keeps what
 *	the earlier ones turned on:
 *
 *	1. debug_peer_list for the case's client address (for a probe, the
 *	   sink, the only peer), at debug_peer_level 2;
 *	2. -v on the daemons that the case touched (the programs that
 *	   logged in step 1, on either side);
 *	3. system call traces of smtpd, cleanup and local: -D on their
 *	   services and a debugger_command that attaches strace and waits
 *	   until /proc says it is attached (bounded: 10 s), not a fixed
 *	   sleep;
 *	4. only when master reported a daemon "killed by signal" in an
 *	   earlier step: -D on that daemon and a debugger_command that runs
 *	   gdb non-interactively, "cont" then "where", as DEBUG_README
 *	   shows, writing the backtrace to a file.
 *
 *	Each step's maillogs are kept raw (SIDE.maillog) and normalized
 *	(SIDE.normalized): lines grouped by program (concurrent daemons
 *	interleave differently from run to run), the groups in the order in
 *	which their programs first logged, each in log order; then
 *	normalize(3),
 *	with the instance, build and output directories replaced by
 *	INSTANCE, BUILD and OUT, and without the syslog time and host. The
 *	first line at which the two sides' normalized logs differ is the
 *	step's result. For traces, the processes of each traced daemon are
 *	paired in the order they started, and the first system call at
 *	which a pair's sequences of calls differ (arguments carry pids,
 *	addresses and random bytes) is a note, shown with its arguments
 *	(addresses, long numbers and directories masked); so is the innermost
 *frame of each backtrace. Both sides run their instances in the same directory,
 *one after the other, so that paths in traces match.
 *
 *	Files are under opts->dir, named relative to opts->run_dir.
 *
 *	hr_escalate_normalize_log(), hr_escalate_diverge(),
 *	hr_escalate_daemons() and hr_escalate_killed() are the pure parts,
 *	for tests.
 * DIAGNOSTICS
 *	A negative return means an instance failed; divergences are
 *	results.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "util/buf.h"
#include "narrow/escalate.h"
#include "util/clock.h"
#include "util/fsutil.h"
#include "util/mem.h"
#include "util/msg.h"
#include "observe/normalize.h"
#include "narrow/trial.h"

/* Daemons that step 2 leaves alone: the harness's own marks, master
 * (not a service), the log daemon, and the scripts. */
static const char *const not_verbose[] = {
    "master", "postlogd", "postfix-script", "postfix", "pfharness", NULL,
};

/* Step 3 traces these, as the issue of DEBUG_README's step names them. */
static const char *const traced[] = {"smtpd", "cleanup", "local", NULL};

#define ATTACH_WAIT                                                            \
    "for i in $$(seq 200); do grep -q '^TracerPid:[[:space:]]*[1-9]' "         \
    "/proc/$process_id/status && break; sleep 0.05; done"

/* tag_of - "postfix/smtpd" of a maillog line, or NULL */
static char *tag_of(const char *line, size_t len)
{
    const char *p = line, *end = line + len;
    int field = 0;

    /* "Mon DD HH:MM:SS host tag[pid]: text": the fifth field. */
    while (p < end && field < 4) {
        while (p < end && *p != ' ')
            p++;
        while (p < end && *p == ' ')
            p++;
        field++;
    }
    if (p >= end)
        return NULL;
    {
        const char *q = p;

        while (q < end && *q != '[' && *q != ':' && *q != ' ')
            q++;
        if (q == p || q >= end)
            return NULL;
        return hr_strndup(p, (size_t)(q - p));
    }
}

/* program_of - "smtpd" of "postfix/smtpd" */
static const char *program_of(const char *tag)
{
    const char *slash = strrchr(tag, '/');

    return slash ? slash + 1 : tag;
}

typedef struct line {
    char *tag;
    char *text;
    size_t group; /* the tag's first appearance */
    size_t seq;
} line;

/* cmp_line - by the first appearance of the tag, then in log order */
static int cmp_line(const void *a, const void *b)
{
    const line *x = a, *y = b;

    if (x->group != y->group)
        return x->group < y->group ? -1 : 1;
    return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* hr_escalate_normalize_log - grouped by program, normalized, without
 * the syslog time and host; from/to are NULL-terminated literals */
char *hr_escalate_normalize_log(const char *log, const char *const *from,
                                const char *const *to)
{
    line *v = NULL;
    size_t n = 0;
    hr_buf grouped = HR_BUF_INIT, outb = HR_BUF_INIT;
    hr_norm *norm;
    char *normed, *p;

    for (const char *s = log ? log : ""; *s;) {
        size_t len = strcspn(s, "\n");
        char *tag = tag_of(s, len);

        v = hr_realloc(v, (n + 1) * sizeof(*v));
        v[n].tag = tag ? tag : hr_strdup("");
        v[n].text = hr_strndup(s, len);
        v[n].seq = n;
        v[n].group = n;
        for (size_t i = 0; i < n; i++)
            if (strcmp(v[i].tag, v[n].tag) == 0) {
                v[n].group = v[i].group;
                break;
            }
        n++;
        s += len + (s[len] == '\n');
    }
    if (n > 1)
        qsort(v, n, sizeof(*v), cmp_line);
    for (size_t i = 0; i < n; i++) {
        hr_buf_printf(&grouped, "%s\n", v[i].text);
        hr_free(v[i].tag);
        hr_free(v[i].text);
    }
    hr_free(v);
    hr_norm_new(&norm);
    for (size_t i = 0; from && from[i]; i++)
        hr_norm_literal(norm, from[i], to[i]);
    hr_norm_learn(norm, hr_buf_cstr(&grouped));
    normed = hr_norm_apply(norm, hr_buf_cstr(&grouped));
    hr_norm_free(norm);
    hr_buf_release(&grouped);
    /* Without "TIME HOST ", which normalize(3) made of the prefix. */
    for (p = normed; *p;) {
        size_t len = strcspn(p, "\n");
        const char *s = p;

        if (len > 10 && strncmp(s, "TIME HOST ", 10) == 0)
            s += 10;
        /* debug_process() logs the debugger command, with pids and the
         * side's own directory in it: the harness's words, not Postfix's
         * behaviour. */
        if (memmem(s, len - (size_t)(s - p), "]: running: ", 12) == NULL) {
            hr_buf_put(&outb, s, len - (size_t)(s - p));
            hr_buf_putc(&outb, '\n');
        }
        p += len + (p[len] == '\n');
    }
    hr_free(normed);
    return hr_buf_detach(&outb);
}

/* hr_escalate_diverge - the first line at which two texts differ */
void hr_escalate_diverge(hr_divergence *out, const char *left,
                         const char *right)
{
    const char *a = left ? left : "", *b = right ? right : "";
    long k = 1;

    memset(out, 0, sizeof(*out));
    for (;;) {
        size_t la = strcspn(a, "\n"), lb = strcspn(b, "\n");

        if (*a == 0 && *b == 0)
            return;
        if (*a == 0 || *b == 0 || la != lb || memcmp(a, b, la) != 0) {
            out->line = k;
            out->left = *a ? hr_strndup(a, la) : hr_strdup("(end)");
            out->right = *b ? hr_strndup(b, lb) : hr_strdup("(end)");
            return;
        }
        a += la + (a[la] == '\n');
        b += lb + (b[lb] == '\n');
        k++;
    }
}

/* hr_divergence_release - free */
void hr_divergence_release(hr_divergence *d)
{
    hr_free(d->left);
    hr_free(d->right);
    memset(d, 0, sizeof(*d));
}

/* hr_escalate_daemons - programs that logged, sorted, without the ones
 * -v is not for */
void hr_escalate_daemons(hr_strv *out, const char *log)
{
    for (const char *s = log ? log : ""; *s;) {
        size_t len = strcspn(s, "\n");
        char *tag = tag_of(s, len);

        if (tag) {
            const char *prog = program_of(tag);
            int skip = *prog == 0;

            for (const char *const *q = not_verbose; *q && !skip; q++)
                skip = strcmp(*q, prog) == 0;
            if (!skip && hr_strv_find(out, prog) < 0)
                hr_strv_add(out, prog);
            hr_free(tag);
        }
        s += len + (s[len] == '\n');
    }
    hr_strv_sort(out);
}

/* hr_escalate_killed - daemons that master reports "killed by signal" */
void hr_escalate_killed(hr_strv *out, const char *log)
{
    static const char what[] = "killed by signal";

    for (const char *s = log ? log : ""; *s;) {
        size_t len = strcspn(s, "\n");
        char *l = hr_strndup(s, len);
        char *k = strstr(l, what), *proc = strstr(l, "warning: process ");

        if (k && proc && proc < k) {
            char *path = proc + strlen("warning: process ");
            char *sp = strchr(path, ' ');

            if (sp) {
                const char *base;

                *sp = 0;
                base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
                if (*base && hr_strv_find(out, base) < 0)
                    hr_strv_add(out, base);
            }
        }
        hr_free(l);
        s += len + (s[len] == '\n');
    }
    hr_strv_sort(out);
}

/* file_name - "O0/plain" as a file name */
static char *file_name(const char *label)
{
    char *s = hr_strdup(label);

    for (char *p = s; *p; p++)
        if (!isalnum((unsigned char)*p) && !strchr(".@+_-", *p))
            *p = '-';
    return s;
}

/* Everything one escalation works with. */
typedef struct esc {
    const hr_escalate_opts *o;
    hr_escalation *e;
    hr_trial *trial[2];
    const hr_escalate_side *side[2];
    char *names[2];   /* file names of the sides */
    hr_strv all_logs; /* raw logs of every step, both sides */
} esc;

/* put - write a file under the case's directory; record it */
static int put(esc *x, hr_escalation_step *st, const char *rel,
               const char *text)
{
    char *path = hr_path_join(x->o->dir, rel);
    char *parent = hr_path_dirname(path);
    int error;

    if ((error = hr_mkdir_p(parent, 0755)) == 0 &&
        (error = hr_file_write_atomic(path, text, strlen(text), 0644)) == 0)
        hr_strv_add_owned(
            &st->files,
            hr_sprintf("%s/%s", x->o->dir + strlen(x->o->run_dir) + 1, rel));
    hr_free(parent);
    hr_free(path);
    return error;
}

/* add_files - record the files a debugger left in a directory */
static void add_files(esc *x, hr_escalation_step *st, const char *rel_dir)
{
    char *dir = hr_path_join(x->o->dir, rel_dir);
    hr_strv names = HR_STRV_INIT;

    if (hr_dir_list(&names, dir) == 0)
        for (size_t i = 0; i < names.n; i++)
            hr_strv_add_owned(&st->files,
                              hr_sprintf("%s/%s/%s",
                                         x->o->dir + strlen(x->o->run_dir) + 1,
                                         rel_dir, names.v[i]));
    else
        hr_error_clear();
    hr_strv_release(&names);
    hr_free(dir);
}

/* mask_trace - a trace without addresses, long numbers, the bytes that
 * getrandom() returned and the unused bits of epoll data */
static char *mask_trace(const char *text)
{
    hr_buf b = HR_BUF_INIT;

    for (const char *p = text; *p;) {
        if ((p == text || p[-1] == '\n') &&
            strncmp(p, "getrandom(\"", 11) == 0) {
            const char *q = p + 11;

            while (*q && *q != '\n' && !(q[0] == '"' && q[-1] != '\\'))
                q++;
            hr_buf_puts(&b, "getrandom(\"RANDOM");
            p = q;
        } else if (strncmp(p, "u64=", 4) == 0) {
            /* epoll data: the unused upper bits are whatever was there */
            hr_buf_puts(&b, "u64=N");
            p += 4;
            while (isdigit((unsigned char)*p))
                p++;
        } else if (p[0] == '0' && p[1] == 'x' &&
                   isxdigit((unsigned char)p[2])) {
            hr_buf_puts(&b, "0xX");
            p += 2;
            while (isxdigit((unsigned char)*p))
                p++;
        } else if (isdigit((unsigned char)*p)) {
            const char *q = p;

            while (isdigit((unsigned char)*q))
                q++;
            if (q - p >= 4)
                hr_buf_puts(&b, "N");
            else
                hr_buf_put(&b, p, (size_t)(q - p));
            p = q;
        } else {
            hr_buf_putc(&b, *p++);
        }
    }
    return hr_buf_detach(&b);
}

/* cmp_pid - trace files by the pid at the end of their names */
static int cmp_pid(const void *a, const void *b)
{
    const char *x = strrchr(*(char *const *)a, '.');
    const char *y = strrchr(*(char *const *)b, '.');
    long px = x ? atol(x + 1) : 0, py = y ? atol(y + 1) : 0;

    return px < py ? -1 : px > py;
}

/* trace_files - a daemon's trace files in dir, in the order its
 * processes started */
static void trace_files(hr_strv *out, const char *dir, const char *prefix)
{
    hr_strv names = HR_STRV_INIT;

    if (hr_dir_list(&names, dir) == 0) {
        for (size_t i = 0; i < names.n; i++)
            if (strncmp(names.v[i], prefix, strlen(prefix)) == 0)
                hr_strv_add_owned(out, hr_path_join(dir, names.v[i]));
    } else {
        hr_error_clear();
    }
    if (out->n > 1)
        qsort(out->v, out->n, sizeof(char *), cmp_pid);
    hr_strv_release(&names);
}

/* read_trace - a trace, directories and volatile numbers masked */
static char *read_trace(const char *path, const char *build_dir)
{
    hr_buf b = HR_BUF_INIT;
    char *masked = NULL;

    if (hr_file_read(&b, path, 64 << 20) == 0) {
        hr_norm *n;
        char *lit;

        hr_norm_new(&n);
        hr_norm_literal(n, build_dir, "BUILD");
        /* Literals only: apply() on an empty table of learned tokens. */
        lit = hr_norm_apply(n, hr_buf_cstr(&b));
        hr_norm_free(n);
        masked = mask_trace(lit);
        hr_free(lit);
    } else {
        hr_error_clear();
    }
    hr_buf_release(&b);
    return masked;
}

/* calls - a trace reduced to its system call names, one per line: the
 * arguments carry pids, addresses and buffer contents that differ from
 * run to run, the sequence of calls does not */
static char *calls(const char *trace)
{
    hr_buf b = HR_BUF_INIT;

    for (const char *p = trace ? trace : ""; *p;) {
        size_t len = strcspn(p, "\n"), n = strcspn(p, "(\n");

        hr_buf_put(&b, p, n < len ? n : len);
        hr_buf_putc(&b, '\n');
        p += len + (p[len] == '\n');
    }
    return hr_buf_detach(&b);
}

/* nth_line - line k (1-based) of a text, or "(end)" */
static char *nth_line(const char *text, long k)
{
    const char *p = text ? text : "";

    while (*p && --k > 0)
        p += strcspn(p, "\n") + (p[strcspn(p, "\n")] == '\n');
    return *p ? hr_strndup(p, strcspn(p, "\n")) : hr_strdup("(end)");
}

/* trace_notes - where each traced daemon's system calls first differ */
static void trace_notes(esc *x, hr_escalation_step *st, const char *sub)
{
    for (const char *const *d = traced; *d; d++) {
        char *prefix = hr_sprintf("strace.%s.", *d);
        hr_strv files[2] = {HR_STRV_INIT, HR_STRV_INIT};
        size_t k, both;
        int differ = 0;

        for (int s = 0; s < 2; s++) {
            char *dir = hr_sprintf("%s/%s/%s", x->o->dir, sub, x->names[s]);

            trace_files(&files[s], dir, prefix);
            hr_free(dir);
        }
        both = files[0].n < files[1].n ? files[0].n : files[1].n;
        for (k = 0; k < both && !differ; k++) {
            char *a = read_trace(files[0].v[k], x->side[0]->build->dir);
            char *b = read_trace(files[1].v[k], x->side[1]->build->dir);
            char *ca = calls(a), *cb = calls(b);
            hr_divergence dv;

            hr_escalate_diverge(&dv, ca, cb);
            if (dv.line) {
                char *la = nth_line(a, dv.line), *lb = nth_line(b, dv.line);

                differ = 1;
                hr_strv_add_owned(&st->notes,
                                  hr_sprintf("trace %s, process %zu: system "
                                             "call %ld: %s | %s",
                                             *d, k + 1, dv.line, la, lb));
                hr_free(la);
                hr_free(lb);
            }
            hr_divergence_release(&dv);
            hr_free(ca);
            hr_free(cb);
            hr_free(a);
            hr_free(b);
        }
        if (!differ && files[0].n != files[1].n)
            hr_strv_add_owned(&st->notes,
                              hr_sprintf("trace %s: %zu process(es) on %s, "
                                         "%zu on %s",
                                         *d, files[0].n, x->side[0]->label,
                                         files[1].n, x->side[1]->label));
        else if (!differ && both)
            hr_strv_add_owned(
                &st->notes, hr_sprintf("trace %s: the same on both sides", *d));
        hr_strv_release(&files[0]);
        hr_strv_release(&files[1]);
        hr_free(prefix);
    }
}

/* gdb_notes - the innermost frame of each backtrace */
static void gdb_notes(esc *x, hr_escalation_step *st, const char *sub)
{
    for (int s = 0; s < 2; s++) {
        char *dir = hr_sprintf("%s/%s/%s", x->o->dir, sub, x->names[s]);
        hr_strv names = HR_STRV_INIT;

        if (hr_dir_list(&names, dir) < 0)
            hr_error_clear();
        for (size_t i = 0; i < names.n; i++) {
            char *path = hr_path_join(dir, names.v[i]);
            hr_buf b = HR_BUF_INIT;
            const char *f;

            if (hr_file_read(&b, path, 16 << 20) == 0 &&
                (f = strstr(hr_buf_cstr(&b), "\n#0 ")) != NULL)
                hr_strv_add_owned(&st->notes,
                                  hr_sprintf("backtrace %s %s: %.*s",
                                             x->side[s]->label, names.v[i],
                                             (int)strcspn(f + 1, "\n"), f + 1));
            hr_buf_release(&b);
            hr_free(path);
        }
        hr_strv_release(&names);
        hr_free(dir);
    }
}

/* new_step - append a step */
static hr_escalation_step *new_step(esc *x, int number, const char *name)
{
    hr_escalation *e = x->e;
    hr_escalation_step *st;

    e->steps = hr_realloc(e->steps, (e->nsteps + 1) * sizeof(*e->steps));
    st = &e->steps[e->nsteps++];
    memset(st, 0, sizeof(*st));
    st->number = number;
    st->name = hr_strdup(name);
    return st;
}

/* debugger - debugger_command for one side, with its output directory */
static char *debugger(const char *tool, const char *outdir)
{
    if (strcmp(tool, "strace") == 0)
        return hr_sprintf("debugger_command = PATH=/bin:/usr/bin; export "
                          "PATH; (strace -o %s/strace.$process_name."
                          "$process_id -p $process_id </dev/null >/dev/null "
                          "2>&1 &); " ATTACH_WAIT,
                          outdir);
    return hr_sprintf("debugger_command = PATH=/bin:/usr/bin; export PATH; "
                      "(gdb -batch -nx -ex cont -ex where "
                      "$daemon_directory/$process_name $process_id "
                      "</dev/null >%s/gdb.$process_name.$process_id.log "
                      "2>&1 &); " ATTACH_WAIT,
                      outdir);
}

/* run_step - both sides with the settings; debug names the tool of
 * steps 3 and 4 */
static int run_step(esc *x, hr_escalation_step *st, const char *sub,
                    const hr_strv *service_args, const hr_strv *main_base,
                    const char *debug)
{
    char *norm[2] = {NULL, NULL};
    double t0 = hr_clock_s();
    int error = 0;

    for (int s = 0; s < 2 && error == 0; s++) {
        hr_strv extra = HR_STRV_INIT;
        hr_trial_extra tx = {service_args, &extra, NULL, 1};
        hr_trial_run run;
        char *outdir = NULL, *rel, *tag;
        const char *from[4], *to[4];

        hr_strv_addv(&extra, main_base);
        if (debug) {
            outdir = hr_sprintf("%s/%s/%s", x->o->dir, sub, x->names[s]);
            if ((error = hr_mkdir_p(outdir, 0755)) < 0) {
                hr_free(outdir);
                hr_strv_release(&extra);
                break;
            }
            hr_strv_add_owned(&extra, debugger(debug, outdir));
            /* strace and gdb write there, inside the instance's mount
             * namespace, where the rest of the host is read-only */
            tx.writable = outdir;
        }
        /* One instance directory for both sides (they run one after the
         * other): paths in traces and logs then match. */
        tag = hr_sprintf("s%d-", st->number);
        tx.tag = tag;
        error = hr_trial_observe(&run, x->trial[s], x->side[s]->build, &tx);
        hr_free(tag);
        hr_strv_release(&extra);
        if (error < 0) {
            hr_free(outdir);
            break;
        }
        from[0] = run.instance_dir, to[0] = "INSTANCE";
        from[1] = x->side[s]->build->dir, to[1] = "BUILD";
        from[2] = x->o->dir, to[2] = "OUT";
        from[3] = NULL, to[3] = NULL;
        norm[s] = hr_escalate_normalize_log(run.logs[0], from, to);
        rel = hr_sprintf("%s/%s.maillog", sub, x->names[s]);
        error = put(x, st, rel, run.logs[0] ? run.logs[0] : "");
        hr_free(rel);
        rel = hr_sprintf("%s/%s.normalized", sub, x->names[s]);
        if (error == 0)
            error = put(x, st, rel, norm[s]);
        hr_free(rel);
        hr_strv_add(&x->all_logs, run.logs[0] ? run.logs[0] : "");
        hr_trial_run_release(&run);
        if (outdir) {
            char *d = hr_sprintf("%s/%s", sub, x->names[s]);

            add_files(x, st, d);
            hr_free(d);
        }
        hr_free(outdir);
    }
    if (error == 0)
        hr_escalate_diverge(&st->log, norm[0], norm[1]);
    hr_free(norm[0]);
    hr_free(norm[1]);
    st->seconds = hr_clock_s() - t0;
    return error;
}

/* hr_escalate - the ladder, both sides */
int hr_escalate(hr_escalation **out, const hr_escalate_opts *o)
{
    hr_escalation *e = hr_calloc(1, sizeof(*e));
    hr_strv service_args = HR_STRV_INIT, main_base = HR_STRV_INIT;
    hr_strv daemons = HR_STRV_INIT, killed = HR_STRV_INIT;
    hr_escalation_step *st;
    char *work = hr_path_join(o->dir, "instances");
    double t0 = hr_clock_s();
    esc x;
    int error = 0;

    memset(&x, 0, sizeof(x));
    x.o = o;
    x.e = e;
    x.side[0] = &o->left;
    x.side[1] = &o->right;
    e->left = hr_strdup(o->left.label);
    e->right = hr_strdup(o->right.label);
    /* Files of an earlier escalation into this directory would be taken
     * for this one's. */
    if ((error = hr_rm_rf(o->dir)) < 0)
        goto done;
    for (int s = 0; s < 2 && error == 0; s++) {
        hr_trial_opts to = HR_TRIAL_OPTS_INIT;

        x.names[s] = file_name(x.side[s]->label);
        to.c = o->c;
        to.dir = work;
        to.libenv = x.side[s]->libenv;
        to.reps = 1;
        error = hr_trial_new(&x.trial[s], &to);
    }
    if (error == 0 && strcmp(x.names[0], x.names[1]) == 0) {
        hr_free(x.names[1]);
        x.names[1] = hr_sprintf("%s-2", x.names[0]);
    }
    if (error < 0)
        goto done;

    /* 1. debug_peer_list */
    hr_strv_addf(&main_base, "debug_peer_list = %s",
                 o->c->kind == HR_CASE_SMTP && o->c->client ? o->c->client
                                                            : "127.0.0.9");
    st = new_step(&x, 1, "debug_peer_list");
    st->about = hr_sprintf("%s (debug_peer_level = 2)", main_base.v[0]);
    if ((error =
             run_step(&x, st, "1-debug_peer_list", NULL, &main_base, NULL)) < 0)
        goto done;

    /* 2. -v on the daemons the case touched */
    for (size_t i = 0; i < x.all_logs.n; i++)
        hr_escalate_daemons(&daemons, x.all_logs.v[i]);
    st = new_step(&x, 2, "verbose");
    for (size_t i = 0; i < daemons.n; i++)
        hr_strv_addf(&service_args, "%s -v", daemons.v[i]);
    {
        char *list = hr_strv_join(&daemons, " ");

        st->about = hr_sprintf("-v on %s", *list ? list : "(none logged)");
        hr_free(list);
    }
    if ((error = run_step(&x, st, "2-verbose", &service_args, &main_base,
                          NULL)) < 0)
        goto done;

    /* 3. strace through debugger_command with -D */
    {
        hr_strv args = HR_STRV_INIT;

        hr_strv_addv(&args, &service_args);
        for (const char *const *d = traced; *d; d++)
            hr_strv_addf(&args, "%s -D", *d);
        st = new_step(&x, 3, "strace");
        st->about = hr_strdup("-D on smtpd, cleanup and local; "
                              "debugger_command attaches strace and waits "
                              "for TracerPid");
        error = run_step(&x, st, "3-strace", &args, &main_base, "strace");
        hr_strv_release(&args);
        if (error < 0)
            goto done;
        trace_notes(&x, st, "3-strace");
    }

    /* 4. gdb, for daemons killed by a signal */
    for (size_t i = 0; i < x.all_logs.n; i++)
        hr_escalate_killed(&killed, x.all_logs.v[i]);
    st = new_step(&x, 4, "gdb");
    if (killed.n == 0) {
        st->about = hr_strdup("gdb backtrace of daemons killed by a signal");
        st->skipped = hr_strdup("master reported no daemon killed by a "
                                "signal");
    } else {
        hr_strv args = HR_STRV_INIT;
        char *list = hr_strv_join(&killed, " ");

        hr_strv_addv(&args, &service_args);
        for (size_t i = 0; i < killed.n; i++)
            hr_strv_addf(&args, "%s -D", killed.v[i]);
        st->about = hr_sprintf("-D on %s; debugger_command runs gdb -batch "
                               "with cont and where",
                               list);
        hr_free(list);
        error = run_step(&x, st, "4-gdb", &args, &main_base, "gdb");
        hr_strv_release(&args);
        if (error < 0)
            goto done;
        gdb_notes(&x, st, "4-gdb");
    }
done:
    e->seconds = hr_clock_s() - t0;
    hr_rm_rf(work);
    for (int s = 0; s < 2; s++) {
        hr_trial_free(x.trial[s]);
        hr_free(x.names[s]);
    }
    hr_strv_release(&x.all_logs);
    hr_strv_release(&service_args);
    hr_strv_release(&main_base);
    hr_strv_release(&daemons);
    hr_strv_release(&killed);
    hr_free(work);
    if (error < 0) {
        hr_escalation_free(e);
        e = NULL;
    }
    *out = e;
    return error;
}

/* hr_escalation_free - release; NULL is fine */
void hr_escalation_free(hr_escalation *e)
{
    if (e == NULL)
        return;
    for (size_t i = 0; i < e->nsteps; i++) {
        hr_escalation_step *st = &e->steps[i];

        hr_free(st->name);
        hr_free(st->about);
        hr_free(st->skipped);
        hr_strv_release(&st->files);
        hr_divergence_release(&st->log);
        hr_strv_release(&st->notes);
    }
    hr_free(e->steps);
    hr_free(e->left);
    hr_free(e->right);
    hr_free(e);
}

/*
 * NAME
 *	report/report 3
 * SUMMARY
 *	report.json read back: what report.html and junit.xml show
 * SYNOPSIS
 *	#include "report/report.h"
 *
 *	int	hr_report_parse(out, text, len, path)
 *	int	hr_report_load(out, path)
 *	int	hr_report_from_run(out, run)
 *	int	hr_report_write(out, run, path)
 *	void	hr_report_free(r)
 * DESCRIPTION
 *	The HTML and JUnit writers render an hr_report, never a run, so
 *	that "pfharness report" can make them again from report.json
 *	alone, and a run and a rerun of the report give the same files.
 *
 *	hr_report_parse() reads the text of a "pfharness-report/1"
 *	document (report_json(3) describes it); path names it in error
 *	messages. hr_report_load() reads the file path.
 *	hr_report_from_run() renders a run as report.json text and reads
 *	that back. The caller owns the result; free it with
 *	hr_report_free(), which does nothing with NULL.
 *
 *	hr_report_write() is what a run does: it renders report.json once,
 *	writes those bytes to path atomically, and reads the same bytes
 *	into *out for the HTML and JUnit writers. They see exactly what a
 *	later "pfharness report RUN_DIR" reads from the file, so the two
 *	give byte-identical files by construction.
 *
 *	Required: an object with "schema" equal to "pfharness-report/1",
 *	"run" (an object), "builds" (an array whose entries have "id" and
 *	"variant") and "cases" (an array whose entries have "name" and a
 *	known "verdict"; their cells, when present, have "build" and
 *	"libenv"). Every other key may be missing or null, and then reads
 *	as NULL, 0 or false; keys the reader does not know are ignored.
 *	A key with the wrong type is an error. "totals" is not read: the
 *	totals are counted from the cases, so they never disagree.
 * DIAGNOSTICS
 *	The functions return 0, or HR_EINPUT with hr_error_set() for text
 *	that is not JSON ("cannot parse 'PATH': ... at byte N") or not a
 *	report ("'PATH': cases[2].verdict: ..."). hr_report_load() also
 *	returns hr_file_read()'s errors, which name the file.
 * SEE ALSO
 *	report_json(3), report_html(3), report_junit(3).
 */
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "report/report.h"
#include "run/ptests.h"
#include "run/ptlist.h"
#include "report/json.h"
#include "run/machine.h"
#include "util/fsutil.h"
#include "util/mem.h"

#define REPORT_LIMIT (512u << 20) /* a report.json larger is not ours */

/* What a reader needs to name a problem. */
struct reader {
    const char *path;
};

/* type_name - for "expected a string, found a number" */
static const char *type_name(json_type t)
{
    switch (t) {
    case json_type_null:
        return "null";
    case json_type_boolean:
        return "a boolean";
    case json_type_double:
    case json_type_int:
        return "a number";
    case json_type_object:
        return "an object";
    case json_type_array:
        return "an array";
    case json_type_string:
        return "a string";
    }
    return "something else";
}

/* bad - "'PATH': WHERE.KEY: message" */
static int bad(const struct reader *rd, const char *where, const char *key,
               const char *fmt, ...) HR_PRINTF(4, 5);

static int bad(const struct reader *rd, const char *where, const char *key,
               const char *fmt, ...)
{
    va_list ap;
    char *msg;
    int error;

    va_start(ap, fmt);
    msg = hr_vsprintf(fmt, ap);
    va_end(ap);
    error = hr_error_set(HR_EINPUT, "'%s': %s%s%s: %s", rd->path, where,
                         *where && *key ? "." : "", key, msg);
    hr_free(msg);
    return error;
}

/* field - o[key] of type want (json_type_double: any number); *out is
 * NULL when the key is absent or null and not required */
static int field(json_object **out, const struct reader *rd, json_object *o,
                 const char *where, const char *key, json_type want,
                 int required)
{
    json_object *v = NULL;
    json_type t;

    *out = NULL;
    if (!json_object_object_get_ex(o, key, &v) || v == NULL)
        return required ? bad(rd, where, key, "missing") : 0;
    t = json_object_get_type(v);
    if (t == want || (want == json_type_double && t == json_type_int)) {
        *out = v;
        return 0;
    }
    return bad(rd, where, key, "expected %s, found %s", type_name(want),
               type_name(t));
}

/* get_str - a string, or NULL */
static int get_str(char **out, const struct reader *rd, json_object *o,
                   const char *where, const char *key, int required)
{
    json_object *v;
    int error;

    if ((error = field(&v, rd, o, where, key, json_type_string, required)) < 0)
        return error;
    *out = v ? hr_strdup(json_object_get_string(v)) : NULL;
    return 0;
}

/* get_num - a number, or 0 */
static int get_num(double *out, const struct reader *rd, json_object *o,
                   const char *where, const char *key)
{
    json_object *v;
    int error;

    if ((error = field(&v, rd, o, where, key, json_type_double, 0)) < 0)
        return error;
    *out = v ? json_object_get_double(v) : 0;
    return 0;
}

/* get_int - an integer, or 0 */
static int get_int(long long *out, const struct reader *rd, json_object *o,
                   const char *where, const char *key)
{
    json_object *v;
    int error;

    if ((error = field(&v, rd, o, where, key, json_type_int, 0)) < 0)
        return error;
    *out = v ? json_object_get_int64(v) : 0;
    return 0;
}

/* get_small - an integer that fits an int, or 0 */
static int get_small(int *out, const struct reader *rd, json_object *o,
                     const char *where, const char *key)
{
    long long v;
    int error;

    if ((error = get_int(&v, rd, o, where, key)) < 0)
        return error;
    if (v < INT_MIN || v > INT_MAX)
        return bad(rd, where, key, "%lld is out of range", v);
    *out = (int)v;
    return 0;
}

/* get_bool - a boolean, or 0 */
static int get_bool(int *out, const struct reader *rd, json_object *o,
                    const char *where, const char *key)
{
    json_object *v;
    int error;

    if ((error = field(&v, rd, o, where, key, json_type_boolean, 0)) < 0)
        return error;
    *out = v ? json_object_get_boolean(v) : 0;
    return 0;
}

/* get_strv - an array of strings, or nothing */
static int get_strv(hr_strv *out, const struct reader *rd, json_object *o,
                    const char *where, const char *key)
{
    json_object *v;
    int error;

    if ((error = field(&v, rd, o, where, key, json_type_array, 0)) < 0 ||
        v == NULL)
        return error;
    for (size_t i = 0; i < json_object_array_length(v); i++) {
        json_object *s = json_object_array_get_idx(v, i);

        if (json_object_get_type(s) != json_type_string)
            return bad(rd, where, key, "entry %zu: expected a string, found %s",
                       i, type_name(json_object_get_type(s)));
        hr_strv_add(out, json_object_get_string(s));
    }
    return 0;
}

/* read_config - "config", null without run --config */
static int read_config(hr_report *r, const struct reader *rd,
                       json_object *root)
{
    json_object *c;
    int error;

    if ((error = field(&c, rd, root, "", "config", json_type_object, 0)) < 0 ||
        c == NULL)
        return error;
    if ((error = get_str(&r->config_main, rd, c, "config", "main_cf", 0)) < 0 ||
        (error = get_str(&r->config_master, rd, c, "config", "master_cf",
                         0)) < 0 ||
        (error = get_strv(&r->config_applied, rd, c, "config", "applied")) <
            0 ||
        (error = get_strv(&r->config_not_applied, rd, c, "config",
                          "not_applied")) < 0 ||
        (error = get_strv(&r->config_tables, rd, c, "config", "tables")) < 0 ||
        (error = get_strv(&r->config_services, rd, c, "config",
                          "services")) < 0 ||
        (error = get_str(&r->config_goldens, rd, c, "config", "goldens", 0)) <
            0)
        return error;
    if (r->config_main == NULL)
        r->config_main = hr_strdup("(unnamed)");
    return 0;
}

/* read_run - "run" and "source" */
static int read_run(hr_report *r, const struct reader *rd, json_object *root)
{
    json_object *run, *src;
    int error;

    if ((error = field(&run, rd, root, "", "run", json_type_object, 1)) < 0 ||
        (error = get_str(&r->run_id, rd, run, "run", "id", 0)) < 0 ||
        (error = get_str(&r->command, rd, run, "run", "command", 0)) < 0 ||
        (error = get_str(&r->started, rd, run, "run", "started", 0)) < 0 ||
        (error = get_num(&r->seconds, rd, run, "run", "seconds")) < 0 ||
        (error = get_num(&r->build_seconds, rd, run, "run", "build_seconds")) <
            0 ||
        (error = get_num(&r->replay_seconds, rd, run, "run",
                         "replay_seconds")) < 0 ||
        (error = get_small(&r->reps, rd, run, "run", "reps")) < 0 ||
        (error = get_str(&r->out_dir, rd, run, "run", "out_dir", 0)) < 0 ||
        (error = get_small(&r->exit_code, rd, run, "run", "exit")) < 0 ||
        (error = field(&src, rd, root, "", "source", json_type_object, 0)) < 0)
        return error;
    if (src &&
        ((error = get_str(&r->source_commit, rd, src, "source", "commit", 0)) <
             0 ||
         (error = get_str(&r->source_tree, rd, src, "source", "tree", 0)) < 0 ||
         (error = get_str(&r->source_version, rd, src, "source", "version",
                          0)) < 0))
        return error;
    return read_config(r, rd, root);
}

/* read_mc - one of "machine.edac.controllers" */
static int read_mc(hr_edac *e, const struct reader *rd, json_object *o,
                   const char *where)
{
    int error;

    if ((error = get_str(&e->mc, rd, o, where, "mc", 0)) < 0 ||
        (error = get_int(&e->ce_before, rd, o, where, "ce_before")) < 0 ||
        (error = get_int(&e->ue_before, rd, o, where, "ue_before")) < 0 ||
        (error = get_int(&e->ce_after, rd, o, where, "ce_after")) < 0 ||
        (error = get_int(&e->ue_after, rd, o, where, "ue_after")) < 0)
        return error;
    return 0;
}

/* read_edac - "machine.edac" */
static int read_edac(hr_report *r, const struct reader *rd, json_object *m)
{
    json_object *edac, *mcs;
    int error;

    if ((error = field(&edac, rd, m, "machine", "edac", json_type_object, 0)) <
            0 ||
        edac == NULL)
        return error;
    if ((error = get_bool(&r->edac_available, rd, edac, "machine.edac",
                          "available")) < 0 ||
        (error = get_str(&r->edac_note, rd, edac, "machine.edac", "note", 0)) <
            0 ||
        (error = field(&mcs, rd, edac, "machine.edac", "controllers",
                       json_type_array, 0)) < 0 ||
        mcs == NULL)
        return error;
    r->machine.nedac = json_object_array_length(mcs);
    r->machine.edac = hr_calloc(r->machine.nedac + 1, sizeof(hr_edac));
    for (size_t i = 0; i < r->machine.nedac && error == 0; i++) {
        json_object *mc = json_object_array_get_idx(mcs, i);
        hr_edac *e = &r->machine.edac[i];
        char *where = hr_sprintf("machine.edac.controllers[%zu]", i);

        if (json_object_get_type(mc) != json_type_object)
            error = bad(rd, where, "", "expected an object");
        else
            error = read_mc(e, rd, mc, where);
        hr_free(where);
    }
    return error;
}

/* read_machine - "machine" */
static int read_machine(hr_report *r, const struct reader *rd,
                        json_object *root)
{
    json_object *m;
    int error;

    if ((error = field(&m, rd, root, "", "machine", json_type_object, 0)) < 0)
        return error;
    if (m &&
        ((error = get_str(&r->machine.kernel, rd, m, "machine", "kernel", 0)) <
             0 ||
         (error = get_str(&r->machine.libc, rd, m, "machine", "libc", 0)) < 0 ||
         (error = get_str(&r->machine.cpu, rd, m, "machine", "cpu", 0)) < 0 ||
         (error = get_small(&r->machine.cpus, rd, m, "machine", "cpus")) < 0 ||
         (error = get_strv(&r->machine.compilers, rd, m, "machine",
                           "compilers")) < 0 ||
         (error = read_edac(r, rd, m)) < 0))
        return error;
    if (r->edac_note == NULL)
        r->edac_note = hr_report_edac_note(&r->machine);
    return 0;
}

/* read_shards - "shard" of a shard run, "shards" of a merged one */
static int read_shards(hr_report *r, const struct reader *rd,
                       json_object *root)
{
    json_object *sh, *a, *v;
    int error;

    if ((error = field(&sh, rd, root, "", "shard", json_type_object, 0)) < 0)
        return error;
    if (sh) {
        if ((error = get_small(&r->shard_k, rd, sh, "shard", "k")) < 0 ||
            (error = get_small(&r->shard_n, rd, sh, "shard", "n")) < 0 ||
            (error = get_strv(&r->shard_pairs, rd, sh, "shard", "pairs")) <
                0 ||
            (error = field(&v, rd, sh, "shard", "case_runs", json_type_int,
                           0)) < 0)
            return error;
        if (r->shard_k < 1 || r->shard_n < r->shard_k)
            return bad(rd, "shard", "k", "shard %d of %d", r->shard_k,
                       r->shard_n);
        r->case_runs = v ? json_object_get_int64(v) : 0;
    }
    if ((error = field(&a, rd, root, "", "shards", json_type_array, 0)) < 0 ||
        a == NULL)
        return error;
    r->nshards = json_object_array_length(a);
    r->shards = hr_calloc(r->nshards + 1, sizeof(*r->shards));
    for (size_t i = 0; i < r->nshards; i++) {
        json_object *o = json_object_array_get_idx(a, i), *m, *cr;
        hr_run_shard *s = &r->shards[i];
        char where[32];

        snprintf(where, sizeof(where), "shards.%zu", i);
        if (json_object_get_type(o) != json_type_object)
            return bad(rd, "shards", where, "expected an object");
        if ((error = get_str(&s->label, rd, o, where, "shard", 1)) < 0 ||
            (error = get_str(&s->run_dir, rd, o, where, "run_dir", 0)) < 0 ||
            (error = get_strv(&s->builds, rd, o, where, "builds")) < 0 ||
            (error = field(&cr, rd, o, where, "case_runs", json_type_int,
                           0)) < 0 ||
            (error = field(&m, rd, o, where, "machine", json_type_object,
                           0)) < 0)
            return error;
        s->case_runs = cr ? (size_t)json_object_get_int64(cr) : 0;
        if (m &&
            ((error = get_str(&s->machine.kernel, rd, m, where, "kernel",
                              0)) < 0 ||
             (error = get_str(&s->machine.libc, rd, m, where, "libc", 0)) <
                 0 ||
             (error = get_str(&s->machine.cpu, rd, m, where, "cpu", 0)) < 0 ||
             (error = get_small(&s->machine.cpus, rd, m, where, "cpus")) < 0 ||
             (error = get_strv(&s->machine.compilers, rd, m, where,
                               "compilers")) < 0))
            return error;
    }
    return 0;
}

/* read_build - one of "builds" */
static int read_build(hr_build *b, const struct reader *rd, json_object *o,
                      const char *where)
{
    char *id = NULL;
    int error;

    if ((error = get_str(&id, rd, o, where, "id", 1)) < 0)
        return error;
    if (strlen(id) > HR_BUILD_ID_LEN) {
        error = bad(rd, where, "id", "'%s' is longer than %d bytes", id,
                    HR_BUILD_ID_LEN);
        hr_free(id);
        return error;
    }
    strcpy(b->id, id);
    hr_free(id);
    if ((error = get_str(&b->variant, rd, o, where, "variant", 1)) < 0 ||
        (error = get_str(&b->cc, rd, o, where, "cc", 0)) < 0 ||
        (error = get_str(&b->cc_path, rd, o, where, "cc_path", 0)) < 0 ||
        (error = get_str(&b->cc_sha256, rd, o, where, "cc_sha256", 0)) < 0 ||
        (error = get_str(&b->cc_version, rd, o, where, "cc_version", 0)) < 0 ||
        (error = get_str(&b->cc_kind, rd, o, where, "cc_kind", 0)) < 0 ||
        (error = get_str(&b->flags, rd, o, where, "flags", 0)) < 0 ||
        (error = get_str(&b->opt, rd, o, where, "opt", 0)) < 0 ||
        (error = get_str(&b->sanitizer, rd, o, where, "sanitizer", 0)) < 0 ||
        (error = get_bool(&b->ub_check, rd, o, where, "ub_check")) < 0 ||
        (error = get_bool(&b->shared, rd, o, where, "shared")) < 0 ||
        (error = get_bool(&b->ccache, rd, o, where, "ccache")) < 0 ||
        (error = get_bool(&b->cached, rd, o, where, "cached")) < 0 ||
        (error = get_num(&b->seconds, rd, o, where, "seconds")) < 0 ||
        (error = get_strv(&b->env, rd, o, where, "env")) < 0)
        return error;
    return 0;
}

/* each - run fn on each object of the array root[key] */
static int each(const struct reader *rd, json_object *root, const char *key,
                int required, size_t *count, void *payload,
                int (*fn)(size_t i, json_object *o, const char *where,
                          void *payload))
{
    json_object *a;
    int error;

    *count = 0;
    if ((error = field(&a, rd, root, "", key, json_type_array, required)) < 0 ||
        a == NULL)
        return error;
    *count = json_object_array_length(a);
    for (size_t i = 0; i < *count; i++) {
        json_object *o = json_object_array_get_idx(a, i);
        char *where = hr_sprintf("%s[%zu]", key, i);

        if (json_object_get_type(o) != json_type_object)
            error = bad(rd, where, "", "expected an object, found %s",
                        type_name(json_object_get_type(o)));
        else
            error = fn(i, o, where, payload);
        hr_free(where);
        if (error < 0)
            return error;
    }
    return 0;
}

/* A reader and the report it fills, for each()'s callbacks. */
struct fill {
    const struct reader *rd;
    hr_report *r;
};

/* fill_build - callback: builds[i] */
static int fill_build(size_t i, json_object *o, const char *where,
                      void *payload)
{
    struct fill *f = payload;

    f->r->builds[i] = hr_calloc(1, sizeof(hr_build));
    return read_build(f->r->builds[i], f->rd, o, where);
}

/* fill_libenv - callback: libenvs[i] */
static int fill_libenv(size_t i, json_object *o, const char *where,
                       void *payload)
{
    struct fill *f = payload;
    hr_libenv *le = &f->r->libenvs[i];
    int error;

    if ((error = get_str(&le->name, f->rd, o, where, "name", 1)) < 0)
        return error;
    return get_strv(&le->env, f->rd, o, where, "env");
}

/* read_rep - one of a cell's "reps" */
static int read_rep(hr_report_rep *rep, const struct reader *rd, json_object *o,
                    const char *where)
{
    int error;

    if ((error = get_str(&rep->obs_file, rd, o, where, "obs_file", 0)) < 0 ||
        (error = get_str(&rep->sha256, rd, o, where, "sha256", 0)) < 0 ||
        (error = get_bool(&rep->expect_ok, rd, o, where, "expect_ok")) < 0 ||
        (error = get_num(&rep->seconds, rd, o, where, "seconds")) < 0)
        return error;
    return 0;
}

/* read_cell - one of a case's "cells" */
static int read_cell(hr_report_cell *c, double *seconds,
                     const struct reader *rd, json_object *o, const char *where)
{
    json_object *reps, *ok;
    int error;

    if ((error = get_str(&c->build, rd, o, where, "build", 1)) < 0 ||
        (error = get_str(&c->libenv, rd, o, where, "libenv", 1)) < 0 ||
        (error = get_str(&c->build_id, rd, o, where, "build_id", 0)) < 0 ||
        (error = get_bool(&c->skipped, rd, o, where, "skipped")) < 0 ||
        (error = get_bool(&c->flapping, rd, o, where, "flapping")) < 0 ||
        (error = field(&ok, rd, o, where, "expect_ok", json_type_boolean, 0)) <
            0 ||
        (error = get_str(&c->mismatch, rd, o, where, "mismatch", 0)) < 0 ||
        (error = field(&reps, rd, o, where, "reps", json_type_array, 0)) < 0)
        return error;
    c->label = hr_sprintf("%s/%s", c->build, c->libenv);
    c->expect_ok = ok ? json_object_get_boolean(ok) : 1;
    if (reps == NULL)
        return 0;
    c->nreps = json_object_array_length(reps);
    c->reps = hr_calloc(c->nreps + 1, sizeof(*c->reps));
    for (size_t i = 0; i < c->nreps; i++) {
        json_object *rep = json_object_array_get_idx(reps, i);
        char *at = hr_sprintf("%s.reps[%zu]", where, i);

        if (json_object_get_type(rep) != json_type_object)
            error = bad(rd, at, "", "expected an object");
        else
            error = read_rep(&c->reps[i], rd, rep, at);
        hr_free(at);
        if (error < 0)
            return error;
        *seconds += c->reps[i].seconds;
    }
    return 0;
}

/* read_sides - o[key].left and .right, or NULLs */
static int read_sides(char **left, char **right, const struct reader *rd,
                      json_object *o, const char *where, const char *key)
{
    char *at = hr_sprintf("%s.%s", where, key);
    json_object *v;
    int error;

    if ((error = field(&v, rd, o, where, key, json_type_object, 0)) == 0 &&
        v != NULL && (error = get_str(left, rd, v, at, "left", 0)) == 0)
        error = get_str(right, rd, v, at, "right", 0);
    hr_free(at);
    return error;
}

/* read_pair - "pair": the cells and their observation files */
static int read_pair(hr_report_case *c, const struct reader *rd, json_object *o,
                     const char *where)
{
    char *at = hr_sprintf("%s.pair", where);
    json_object *pair;
    int error;

    if ((error = read_sides(&c->left, &c->right, rd, o, where, "pair")) == 0 &&
        (error = field(&pair, rd, o, where, "pair", json_type_object, 0)) ==
            0 &&
        pair != NULL &&
        (error = get_str(&c->left_obs, rd, pair, at, "left_obs", 0)) == 0)
        error = get_str(&c->right_obs, rd, pair, at, "right_obs", 0);
    hr_free(at);
    return error;
}

/* read_esc_step - one step of "escalation" */
static int read_esc_step(hr_escalation_step *st, const struct reader *rd,
                         json_object *o, const char *where)
{
    json_object *d;
    char *at = hr_sprintf("%s.first_divergence", where);
    long long line = 0;
    int error;

    if ((error = get_small(&st->number, rd, o, where, "step")) < 0 ||
        (error = get_str(&st->name, rd, o, where, "name", 1)) < 0 ||
        (error = get_str(&st->about, rd, o, where, "about", 0)) < 0 ||
        (error = get_str(&st->skipped, rd, o, where, "skipped", 0)) < 0 ||
        (error = get_strv(&st->notes, rd, o, where, "notes")) < 0 ||
        (error = get_strv(&st->files, rd, o, where, "files")) < 0 ||
        (error = get_num(&st->seconds, rd, o, where, "seconds")) < 0 ||
        (error = field(&d, rd, o, where, "first_divergence", json_type_object,
                       0)) < 0)
        goto done;
    if (d && ((error = get_int(&line, rd, d, at, "line")) < 0 ||
              (error = get_str(&st->log.left, rd, d, at, "left", 0)) < 0 ||
              (error = get_str(&st->log.right, rd, d, at, "right", 0)) < 0))
        goto done;
    st->log.line = (long)line;
done:
    hr_free(at);
    return error;
}

/* read_escalation - "escalation": null or the ladder's steps */
static int read_escalation(hr_report_case *c, const struct reader *rd,
                           json_object *o, const char *where)
{
    json_object *eo, *steps;
    hr_escalation *e;
    char *at;
    int error;

    if ((error = field(&eo, rd, o, where, "escalation", json_type_object, 0)) <
            0 ||
        eo == NULL)
        return error;
    at = hr_sprintf("%s.escalation", where);
    e = c->escalation = hr_calloc(1, sizeof(*e));
    if ((error = get_str(&e->left, rd, eo, at, "left", 0)) < 0 ||
        (error = get_str(&e->right, rd, eo, at, "right", 0)) < 0 ||
        (error = get_num(&e->seconds, rd, eo, at, "seconds")) < 0 ||
        (error = field(&steps, rd, eo, at, "steps", json_type_array, 0)) < 0 ||
        steps == NULL)
        goto done;
    e->nsteps = json_object_array_length(steps);
    e->steps = hr_calloc(e->nsteps + 1, sizeof(*e->steps));
    for (size_t i = 0; i < e->nsteps && error == 0; i++) {
        json_object *s = json_object_array_get_idx(steps, i);
        char *sat = hr_sprintf("%s.steps[%zu]", at, i);

        if (json_object_get_type(s) != json_type_object)
            error = bad(rd, sat, "", "expected an object");
        else
            error = read_esc_step(&e->steps[i], rd, s, sat);
        hr_free(sat);
    }
done:
    hr_free(at);
    return error;
}

/* read_failed_builds - "failed_builds", optional */
static int read_failed_builds(hr_report *r, const struct reader *rd,
                              json_object *root)
{
    json_object *v;
    int error;

    if ((error = field(&v, rd, root, "", "failed_builds", json_type_array,
                       0)) < 0 ||
        v == NULL)
        return error;
    for (size_t i = 0; i < json_object_array_length(v); i++) {
        json_object *f = json_object_array_get_idx(v, i);
        char *where = hr_sprintf("failed_builds[%zu]", i);
        char *variant = NULL, *err = NULL;

        if (json_object_get_type(f) != json_type_object)
            error = bad(rd, where, "", "expected an object");
        else if ((error = get_str(&variant, rd, f, where, "variant", 1)) ==
                     0 &&
                 (error = get_str(&err, rd, f, where, "error", 1)) == 0) {
            hr_strv_add(&r->failed_variants, variant);
            hr_strv_add(&r->failed_errors, err);
        }
        hr_free(variant);
        hr_free(err);
        hr_free(where);
        if (error < 0)
            return error;
    }
    return 0;
}

static int read_reduced(hr_report_case *c, const struct reader *rd,
                        json_object *o, const char *where);

/* read_case_text - a case's strings and evidence */
static int read_case_text(hr_report_case *c, const struct reader *rd,
                          json_object *o, const char *where)
{
    int error;

    if ((error = get_str(&c->kind, rd, o, where, "kind", 0)) < 0 ||
        (error = get_str(&c->path, rd, o, where, "path", 0)) < 0 ||
        (error = get_str(&c->about, rd, o, where, "about", 0)) < 0 ||
        (error = get_strv(&c->overlays, rd, o, where, "overlays")) < 0 ||
        (error = get_str(&c->summary, rd, o, where, "summary", 0)) < 0 ||
        (error = get_str(&c->suspect, rd, o, where, "suspect", 0)) < 0 ||
        (error = get_str(&c->undecided_why, rd, o, where, "undecided_why",
                         0)) < 0 ||
        (error = get_strv(&c->differing, rd, o, where, "differing")) < 0 ||
        (error = get_strv(&c->also, rd, o, where, "also")) < 0 ||
        (error = get_strv(&c->flaps, rd, o, where, "flaps")) < 0 ||
        (error = read_pair(c, rd, o, where)) < 0 ||
        (error = get_str(&c->diff, rd, o, where, "diff", 0)) < 0 ||
        (error = get_str(&c->expected, rd, o, where, "expected", 0)) < 0 ||
        (error = read_sides(&c->left_finding, &c->right_finding, rd, o, where,
                            "first_finding")) < 0 ||
        (error = get_strv(&c->ub_reports, rd, o, where, "ub_reports")) < 0 ||
        (error = get_strv(&c->ub_background, rd, o, where,
                          "ub_background")) < 0 ||
        (error = read_escalation(c, rd, o, where)) < 0 ||
        (error = read_reduced(c, rd, o, where)) < 0)
        return error;
    return 0;
}

/* read_reduced - a case's "reduced" (run --reduce), null otherwise; its
 * file is where the run puts it */
static int read_reduced(hr_report_case *c, const struct reader *rd,
                        json_object *o, const char *where)
{
    json_object *red;
    char *at, *want;
    int error;

    if ((error = field(&red, rd, o, where, "reduced", json_type_object,
                       0)) < 0 ||
        red == NULL)
        return error;
    at = hr_sprintf("%s.reduced", where);
    if ((error = get_str(&c->reduced_file, rd, red, at, "file", 1)) < 0 ||
        (error = get_str(&c->reduced_text, rd, red, at, "text", 1)) < 0 ||
        (error = get_int(&c->reduced_before, rd, red, at,
                         "client_lines_before")) < 0 ||
        (error = get_int(&c->reduced_after, rd, red, at,
                         "client_lines_after")) < 0 ||
        (error = get_int(&c->reduced_trials, rd, red, at, "trials")) < 0 ||
        (error = get_num(&c->reduced_seconds, rd, red, at, "seconds")) < 0)
        goto done;
    want = hr_sprintf("reduced/%s.case", c->name);
    if (strcmp(c->reduced_file, want) != 0)
        error = bad(rd, at, "file", "not where run --reduce writes the "
                    "reduced case of %s", c->name);
    hr_free(want);
done:
    hr_free(at);
    return error;
}

/* fill_case - callback: cases[i] */
static int fill_case(size_t i, json_object *o, const char *where, void *payload)
{
    struct fill *f = payload;
    hr_report_case *c = &f->r->cases[i];
    json_object *cells;
    char *verdict = NULL;
    int error;

    if ((error = get_str(&c->name, f->rd, o, where, "name", 1)) < 0 ||
        (error = get_str(&verdict, f->rd, o, where, "verdict", 1)) < 0)
        return error;
    if (hr_verdict_parse_name(&c->verdict, verdict) < 0) {
        error = bad(f->rd, where, "verdict",
                    "'%s' is not a verdict (pass "
                    "real-bug compiler undefined-behavior library hardware)",
                    verdict);
        hr_free(verdict);
        return error;
    }
    hr_free(verdict);
    f->r->totals[c->verdict]++;
    if ((error = read_case_text(c, f->rd, o, where)) < 0 ||
        (error = field(&cells, f->rd, o, where, "cells", json_type_array, 0)) <
            0 ||
        cells == NULL)
        return error;
    c->ncells = json_object_array_length(cells);
    c->cells = hr_calloc(c->ncells + 1, sizeof(*c->cells));
    for (size_t k = 0; k < c->ncells; k++) {
        json_object *cell = json_object_array_get_idx(cells, k);
        char *at = hr_sprintf("%s.cells[%zu]", where, k);

        if (json_object_get_type(cell) != json_type_object)
            error = bad(f->rd, at, "", "expected an object");
        else
            error = read_cell(&c->cells[k], &c->seconds, f->rd, cell, at);
        hr_free(at);
        if (error < 0)
            return error;
    }
    return 0;
}

/* read_ptrun - one of a Postfix test's "runs": every value checked
 * against what run --postfix-tests writes */
static int read_ptrun(hr_report_ptrun *pr, const struct reader *rd,
                      json_object *o, const char *where, const char *test)
{
    json_object *logs, *san;
    int error;

    if ((error = get_str(&pr->build, rd, o, where, "build", 1)) < 0 ||
        (error = get_strv(&pr->results, rd, o, where, "results")) < 0 ||
        (error = field(&logs, rd, o, where, "logs", json_type_array, 1)) <
            0 ||
        (error = field(&san, rd, o, where, "sanitizer", json_type_array,
                       1)) < 0)
        return error;
    if (pr->results.n == 0 || pr->results.n > 1000)
        return bad(rd, where, "results", "expected 1 to 1000 results");
    if (json_object_array_length(logs) != pr->results.n ||
        json_object_array_length(san) != pr->results.n)
        return bad(rd, where, "logs", "logs, sanitizer and results differ "
                   "in length");
    for (size_t k = 0; k < pr->results.n; k++) {
        json_object *l = json_object_array_get_idx(logs, k);
        json_object *z = json_object_array_get_idx(san, k);
        char *want;
        int ok;

        if (!hr_ptests_valid_result(pr->results.v[k]))
            return bad(rd, where, "results", "entry %zu: '%s' is not a "
                       "result (pass, fail (exit N), fail (signal N), "
                       "timed out after N s)", k, pr->results.v[k]);
        if (l && json_object_get_type(l) != json_type_string)
            return bad(rd, where, "logs", "entry %zu: expected a string or "
                       "null", k);
        if (z && json_object_get_type(z) != json_type_string)
            return bad(rd, where, "sanitizer", "entry %zu: expected a string "
                       "or null", k);
        /* A log is where the run puts it, or nothing. */
        want = hr_ptests_log_path(pr->build, test, (int)k);
        ok = l == NULL || strcmp(json_object_get_string(l), want) == 0;
        hr_free(want);
        if (!ok)
            return bad(rd, where, "logs", "entry %zu: not where run "
                       "--postfix-tests writes the output of %s", k, test);
        hr_strv_add(&pr->logs, l ? json_object_get_string(l) : "");
        hr_strv_add(&pr->sanitizer, z ? json_object_get_string(z) : "");
    }
    return 0;
}

/* read_ptest - one of "postfix_tests"'s tests */
static int read_ptest(hr_report_ptest *t, const struct reader *rd,
                      json_object *o, const char *where)
{
    json_object *runs;
    char *verdict = NULL;
    int error;

    if ((error = get_str(&t->test, rd, o, where, "test", 1)) < 0 ||
        (error = get_str(&t->skip, rd, o, where, "skipped", 0)) < 0 ||
        (error = get_str(&verdict, rd, o, where, "verdict", 0)) < 0)
        goto done;
    if (!hr_ptlist_valid_test(t->test)) {
        error = bad(rd, where, "test", "'%s' is not DIR/TARGET", t->test);
        goto done;
    }
    if (t->skip && !hr_ptlist_valid_reason(t->skip)) {
        error = bad(rd, where, "skipped", "not a reason (printable text)");
        goto done;
    }
    if (verdict) {
        if (hr_verdict_parse_name(&t->verdict, verdict) < 0) {
            error = bad(rd, where, "verdict", "'%s' is not a verdict",
                        verdict);
            goto done;
        }
        t->judged = 1;
    }
    if ((error = get_str(&t->summary, rd, o, where, "summary", 0)) < 0 ||
        (error = get_str(&t->suspect, rd, o, where, "suspect", 0)) < 0 ||
        (error = get_strv(&t->differing, rd, o, where, "differing")) < 0 ||
        (error = get_strv(&t->flaps, rd, o, where, "flaps")) < 0 ||
        (error = field(&runs, rd, o, where, "runs", json_type_array, 1)) < 0)
        goto done;
    t->nruns = json_object_array_length(runs);
    t->runs = hr_calloc(t->nruns + 1, sizeof(hr_report_ptrun));
    for (size_t k = 0; k < t->nruns && error == 0; k++) {
        json_object *r = json_object_array_get_idx(runs, k);
        char *at = hr_sprintf("%s.runs[%zu]", where, k);

        if (json_object_get_type(r) != json_type_object)
            error = bad(rd, at, "", "expected an object");
        else
            error = read_ptrun(&t->runs[k], rd, r, at, t->test);
        hr_free(at);
    }
done:
    hr_free(verdict);
    return error;
}

/* read_ptests - "postfix_tests", null without run --postfix-tests */
static int read_ptests(hr_report *r, const struct reader *rd,
                       json_object *root)
{
    json_object *o, *builds, *tests;
    hr_report_ptests *p;
    int error;

    if ((error = field(&o, rd, root, "", "postfix_tests", json_type_object,
                       0)) < 0 ||
        o == NULL)
        return error;
    p = r->ptests = hr_calloc(1, sizeof(*p));
    if ((error = get_num(&p->seconds, rd, o, "postfix_tests", "seconds")) <
            0 ||
        (error = get_small(&p->timeout_s, rd, o, "postfix_tests",
                           "timeout_s")) < 0 ||
        (error = get_small(&p->reps, rd, o, "postfix_tests", "reps")) < 0 ||
        (error = field(&builds, rd, o, "postfix_tests", "builds",
                       json_type_array, 1)) < 0 ||
        (error = field(&tests, rd, o, "postfix_tests", "tests",
                       json_type_array, 1)) < 0)
        return error;
    p->builds = hr_calloc(json_object_array_length(builds) + 1,
                          sizeof(hr_report_ptbuild));
    p->tests = hr_calloc(json_object_array_length(tests) + 1,
                         sizeof(hr_report_ptest));
    for (size_t i = 0; i < json_object_array_length(builds); i++) {
        json_object *b = json_object_array_get_idx(builds, i);
        hr_report_ptbuild *pb = &p->builds[i];
        char *at = hr_sprintf("postfix_tests.builds[%zu]", i);

        p->nbuilds = i + 1;
        if (json_object_get_type(b) != json_type_object)
            error = bad(rd, at, "", "expected an object");
        else if ((error = get_str(&pb->build, rd, b, at, "build", 1)) == 0 &&
                 (error = get_int(&pb->ran, rd, b, at, "ran")) == 0 &&
                 (error = get_int(&pb->passed, rd, b, at, "passed")) == 0 &&
                 (error = get_int(&pb->failed, rd, b, at, "failed")) == 0)
            error = get_str(&pb->note, rd, b, at, "note", 0);
        hr_free(at);
        if (error < 0)
            return error;
    }
    for (size_t i = 0; i < json_object_array_length(tests); i++) {
        json_object *t = json_object_array_get_idx(tests, i);
        char *at = hr_sprintf("postfix_tests.tests[%zu]", i);

        p->ntests = i + 1;
        if (json_object_get_type(t) != json_type_object)
            error = bad(rd, at, "", "expected an object");
        else
            error = read_ptest(&p->tests[i], rd, t, at);
        hr_free(at);
        if (error < 0)
            return error;
        if (p->tests[i].judged)
            p->totals[p->tests[i].verdict]++;
        else
            p->skipped++;
    }
    return 0;
}

/* free_ptests - release what read_ptests() made */
static void free_ptests(hr_report_ptests *p)
{
    if (p == NULL)
        return;
    for (size_t i = 0; i < p->nbuilds; i++) {
        hr_free(p->builds[i].build);
        hr_free(p->builds[i].note);
    }
    hr_free(p->builds);
    for (size_t i = 0; i < p->ntests; i++) {
        hr_report_ptest *t = &p->tests[i];

        for (size_t k = 0; k < t->nruns; k++) {
            hr_free(t->runs[k].build);
            hr_strv_release(&t->runs[k].results);
            hr_strv_release(&t->runs[k].logs);
            hr_strv_release(&t->runs[k].sanitizer);
        }
        hr_free(t->runs);
        hr_free(t->test);
        hr_free(t->skip);
        hr_free(t->summary);
        hr_free(t->suspect);
        hr_strv_release(&t->differing);
        hr_strv_release(&t->flaps);
    }
    hr_free(p->tests);
    hr_free(p);
}

/* array_len - the length of root[key] when it is an array, else 0 */
static size_t array_len(json_object *root, const char *key)
{
    json_object *a;

    if (!json_object_object_get_ex(root, key, &a) ||
        json_object_get_type(a) != json_type_array)
        return 0;
    return json_object_array_length(a);
}

/* read_report - everything, from the parsed document */
static int read_report(hr_report *r, const struct reader *rd, json_object *root)
{
    struct fill f = {rd, r};
    char *schema = NULL;
    int error;

    if (json_object_get_type(root) != json_type_object)
        return hr_error_set(HR_EINPUT,
                            "'%s' is not a pfharness report: "
                            "expected a JSON object, found %s",
                            rd->path, type_name(json_object_get_type(root)));
    if ((error = get_str(&schema, rd, root, "", "schema", 0)) < 0)
        return error;
    if (schema == NULL || strcmp(schema, HR_REPORT_SCHEMA) != 0) {
        error = hr_error_set(HR_EINPUT,
                             "'%s' is not a pfharness report: "
                             "schema is %s%s%s, expected '%s'",
                             rd->path, schema ? "'" : "",
                             schema ? schema : "missing", schema ? "'" : "",
                             HR_REPORT_SCHEMA);
        hr_free(schema);
        return error;
    }
    hr_free(schema);
    /* Arrays are allocated whole first, so that hr_report_free() can
     * release a report that failed halfway. */
    r->builds = hr_calloc(array_len(root, "builds") + 1, sizeof(hr_build *));
    r->libenvs = hr_calloc(array_len(root, "libenvs") + 1, sizeof(hr_libenv));
    r->cases = hr_calloc(array_len(root, "cases") + 1, sizeof(hr_report_case));
    if ((error = read_run(r, rd, root)) < 0 ||
        (error = read_machine(r, rd, root)) < 0 ||
        (error = read_shards(r, rd, root)) < 0 ||
        (error = read_failed_builds(r, rd, root)) < 0 ||
        (error = each(rd, root, "builds", 1, &r->nbuilds, &f, fill_build)) <
            0 ||
        (error = each(rd, root, "libenvs", 0, &r->nlibenvs, &f, fill_libenv)) <
            0 ||
        (error = each(rd, root, "cases", 1, &r->ncases, &f, fill_case)) < 0 ||
        (error = read_ptests(r, rd, root)) < 0)
        return error;
    return 0;
}

/* hr_report_parse - report.json text to a report */
int hr_report_parse(hr_report **out, const char *text, size_t len,
                    const char *path)
{
    struct reader rd = {path};
    json_tokener *tok = NULL;
    json_object *root = NULL;
    enum json_tokener_error jerr;
    hr_report *r = hr_calloc(1, sizeof(*r));
    size_t end;
    int error = 0;

    r->path = hr_strdup(path);
    if (len > INT_MAX) {
        error = hr_error_set(HR_EINPUT, "'%s' is too large", path);
        goto done;
    }
    tok = json_tokener_new();
    json_tokener_set_flags(tok,
                           JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);
    /* Strict mode also refuses text after the value. */
    root = json_tokener_parse_ex(tok, text, (int)len);
    jerr = json_tokener_get_error(tok);
    end = json_tokener_get_parse_end(tok);
    if (root == NULL || jerr != json_tokener_success) {
        error = hr_error_set(
            HR_EINPUT, "cannot parse '%s': %s at byte %zu", path,
            jerr == json_tokener_continue ? "unexpected end of input"
                                          : json_tokener_error_desc(jerr),
            end);
        goto done;
    }
    if ((error = read_report(r, &rd, root)) < 0)
        goto done;
    *out = r;
    r = NULL;
done:
    json_object_put(root);
    if (tok)
        json_tokener_free(tok);
    hr_report_free(r);
    return error;
}

/* hr_report_load - read and parse a report.json file */
int hr_report_load(hr_report **out, const char *path)
{
    hr_buf text = HR_BUF_INIT;
    int error;

    if ((error = hr_file_read(&text, path, REPORT_LIMIT)) == 0)
        error = hr_report_parse(out, hr_buf_cstr(&text), text.len, path);
    hr_buf_release(&text);
    return error;
}

/* hr_report_write - report.json written once, and read from its bytes */
int hr_report_write(hr_report **out, const hr_run *run, const char *path)
{
    char *text = NULL;
    int error;

    if ((error = hr_report_json_text(&text, run)) == 0 &&
        (error = hr_file_write_atomic(path, text, strlen(text), 0644)) == 0)
        error = hr_report_parse(out, text, strlen(text), path);
    hr_free(text);
    return error;
}

/* hr_report_from_run - a run as its report.json would read back */
int hr_report_from_run(hr_report **out, const hr_run *run)
{
    char *text = NULL;
    char *name =
        hr_sprintf("%s/report.json", run->out_dir ? run->out_dir : ".");
    int error;

    if ((error = hr_report_json_text(&text, run)) == 0)
        error = hr_report_parse(out, text, strlen(text), name);
    hr_free(text);
    hr_free(name);
    return error;
}

/* free_case - release one case */
static void free_case(hr_report_case *c)
{
    hr_free(c->reduced_file);
    hr_free(c->reduced_text);
    for (size_t k = 0; k < c->ncells; k++) {
        hr_report_cell *cell = &c->cells[k];

        for (size_t i = 0; i < cell->nreps; i++) {
            hr_free(cell->reps[i].obs_file);
            hr_free(cell->reps[i].sha256);
        }
        hr_free(cell->reps);
        hr_free(cell->build);
        hr_free(cell->build_id);
        hr_free(cell->libenv);
        hr_free(cell->label);
        hr_free(cell->mismatch);
    }
    hr_free(c->cells);
    hr_free(c->name);
    hr_free(c->kind);
    hr_free(c->path);
    hr_free(c->about);
    hr_strv_release(&c->overlays);
    hr_free(c->summary);
    hr_free(c->suspect);
    hr_strv_release(&c->differing);
    hr_strv_release(&c->also);
    hr_strv_release(&c->flaps);
    hr_free(c->undecided_why);
    hr_free(c->left);
    hr_free(c->right);
    hr_free(c->left_obs);
    hr_free(c->right_obs);
    hr_free(c->diff);
    hr_free(c->expected);
    hr_free(c->left_finding);
    hr_free(c->right_finding);
    hr_strv_release(&c->ub_reports);
    hr_strv_release(&c->ub_background);
    hr_escalation_free(c->escalation);
}

/* hr_report_free - release; NULL is fine */
void hr_report_free(hr_report *r)
{
    if (r == NULL)
        return;
    /* Arrays may be longer than their counts after a failed read: free
     * up to the allocated, zeroed end. */
    hr_strv_release(&r->failed_variants);
    hr_strv_release(&r->failed_errors);
    for (size_t i = 0; r->builds && r->builds[i]; i++)
        hr_build_free(r->builds[i]);
    hr_free(r->builds);
    for (size_t i = 0; r->libenvs && r->libenvs[i].name; i++) {
        hr_free(r->libenvs[i].name);
        hr_strv_release(&r->libenvs[i].env);
    }
    hr_free(r->libenvs);
    for (size_t i = 0; r->cases && i < r->ncases; i++)
        free_case(&r->cases[i]);
    hr_free(r->cases);
    for (size_t i = 0; i < r->machine.nedac; i++)
        hr_free(r->machine.edac[i].mc);
    hr_free(r->machine.edac);
    hr_free(r->machine.kernel);
    hr_free(r->machine.libc);
    hr_free(r->machine.cpu);
    hr_strv_release(&r->machine.compilers);
    hr_free(r->edac_note);
    hr_free(r->path);
    hr_free(r->run_id);
    hr_free(r->command);
    hr_free(r->started);
    hr_free(r->out_dir);
    hr_free(r->source_commit);
    hr_free(r->source_tree);
    hr_free(r->source_version);
    hr_strv_release(&r->shard_pairs);
    for (size_t i = 0; i < r->nshards; i++)
        hr_run_shard_release(&r->shards[i]);
    hr_free(r->shards);
    hr_free(r->config_main);
    hr_free(r->config_master);
    hr_free(r->config_goldens);
    hr_strv_release(&r->config_applied);
    hr_strv_release(&r->config_not_applied);
    hr_strv_release(&r->config_tables);
    hr_strv_release(&r->config_services);
    free_ptests(r->ptests);
    hr_free(r);
}

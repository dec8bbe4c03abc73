/*
 * NAME
 *	case/case 3
 * SUMMARY
 *	recorded sessions and probes: the case model, loaded from files
 * SYNOPSIS
 *	#include "case/case.h"
 *
 *	int	hr_case_parse(out, path, text, len)
 *	int	hr_case_load(out, path)
 *	int	hr_case_load_all(out, count, args, nargs)
 *	void	hr_case_free(c), hr_case_free_all(cases, count)
 *	const char *hr_case_kind_name(kind)
 *	char	*hr_case_config_key(c)
 *	int	hr_case_has_mark(c, mark)
 * DESCRIPTION
 *	A case is one plain text file (cases/README.md); case.h is its
 *	model: header directives, main.cf overrides and lookup tables,
 *	the sink's answers, and either the SMTP session as exchanges or
 *	the probe's recipients and DSN expectations. hr_case_parse(), in
 *	parse(3), turns the text of one file into an hr_case.
 *
 *	hr_case_load() reads and parses one file, and the golden beside
 *	it: NAME.golden for NAME.case (hr_case_golden_path()), the whole
 *	normalized observation that pfharness record stored. A golden is
 *	compared byte for byte and never interpreted; its grammar
 *	(hr_case_golden_check()) is that of an observation's text: no NUL
 *	byte, at most 16 MiB, and when not empty it starts with a known
 *	section head ("== transcript" ...) and ends with a newline.
 *
 *	hr_case_load_all()
 *	takes files and directories (searched recursively for *.case),
 *	drops repeated files, sorts by path, and rejects two cases with
 *	the same name. The caller owns the results: hr_case_free(),
 *	hr_case_free_all().
 *
 *	hr_case_config_key() returns a new string that is the same for
 *	two cases exactly when they need the same main.cf overrides and
 *	tables, so that the runner can share an instance between them;
 *	"" for a case with none.
 * DIAGNOSTICS
 *	A malformed case gives HR_EINPUT with "path:line: message".
 *	Problems reading files pass up the error of fsutil(3). Nothing is
 *	printed.
 * SEE ALSO
 *	cases/README.md, the format; parse(3), config(3), escape(3).
 */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "case/case.h"
#include "case/func.h"
#include "case/overlay.h"
#include "util/fsutil.h"
#include "util/mem.h"
#include "util/msg.h"

#define MAX_FILE (16 << 20) /* bytes in one case file */

/* Section heads an observation may start with (observe(3)). */
static const char *const golden_heads[] = {
    "== transcript\n", "== probe\n", "== dsn\n", "== delivered\n",
    "== sink\n", "== log\n", "== func\n", NULL,
};

/* hr_case_golden_path - NAME.golden for NAME.case, or NULL */
char *hr_case_golden_path(const char *case_path)
{
    size_t n = strlen(case_path);

    if (n < 5 || strcmp(case_path + n - 5, ".case") != 0)
        return NULL;
    return hr_sprintf("%.*s.golden", (int)(n - 5), case_path);
}

/* hr_case_golden_check - a golden's grammar; HR_EINPUT "path:line: ..." */
int hr_case_golden_check(const char *path, const char *text, size_t len)
{
    const char *nul = memchr(text, 0, len);
    int head = 0;

    if (nul) {
        int line = 1;

        for (const char *p = text; p < nul; p++)
            line += *p == '\n';
        return hr_error_set(HR_EINPUT, "%s:%d: a NUL byte; a golden is the "
                            "text of an observation", path, line);
    }
    if (len == 0)
        return 0;
    for (const char *const *h = golden_heads; *h; h++)
        if (len >= strlen(*h) && strncmp(text, *h, strlen(*h)) == 0)
            head = 1;
    if (!head)
        return hr_error_set(HR_EINPUT, "%s:1: expected a section head such "
                            "as '== transcript' (pfharness record writes "
                            "goldens)", path);
    if (text[len - 1] != '\n') {
        int line = 1;

        for (size_t i = 0; i < len; i++)
            line += text[i] == '\n';
        return hr_error_set(HR_EINPUT, "%s:%d: the last line has no "
                            "newline", path, line);
    }
    return 0;
}

/* load_golden - the golden at path (NULL: beside c), if there is one */
static int load_golden(hr_case *c, const char *path)
{
    hr_buf b = HR_BUF_INIT;
    struct stat st;
    int error = 0;

    hr_free(c->golden_path);
    hr_free(c->golden);
    c->golden = NULL;
    c->golden_path = path ? hr_strdup(path) : hr_case_golden_path(c->path);
    if (c->golden_path == NULL || lstat(c->golden_path, &st) < 0)
        return 0;
    if (!S_ISREG(st.st_mode))
        return hr_error_set(HR_EINPUT, "%s:1: not a regular file",
                            c->golden_path);
    if ((error = hr_file_read(&b, c->golden_path, MAX_FILE)) == 0 &&
        (error = hr_case_golden_check(c->golden_path, hr_buf_cstr(&b),
                                      b.len)) == 0)
        c->golden = hr_buf_detach(&b);
    hr_buf_release(&b);
    return error;
}

/* hr_case_load - read and parse one case file, and its golden */
int hr_case_load(hr_case **out, const char *path)
{
    hr_buf b = HR_BUF_INIT;
    int error;

    if ((error = hr_file_read(&b, path, MAX_FILE)) == 0)
        error = hr_case_parse(out, path, hr_buf_cstr(&b), b.len);
    hr_buf_release(&b);
    if (error == 0 && (error = load_golden(*out, NULL)) < 0) {
        hr_case_free(*out);
        *out = NULL;
    }
    return error;
}

/* by_name - qsort helper: cases by name, then path */
static int by_name(const void *a, const void *b)
{
    const hr_case *x = *(hr_case *const *)a, *y = *(hr_case *const *)b;
    int d = strcmp(x->name, y->name);

    return d ? d : strcmp(x->path, y->path);
}

/* The overlays of one cases root (its versions/ directory). */
typedef struct root_overlays {
    char *versions_dir;
    hr_overlay **v;
    size_t n;
    int named;      /* the root itself was an argument: all its cases load */
    hr_strv used;   /* case names loaded from the root */
} root_overlays;

typedef struct overlay_set {
    root_overlays *roots;
    size_t n;
} overlay_set;

/* overlay_set_release - free */
static void overlay_set_release(overlay_set *set)
{
    for (size_t i = 0; i < set->n; i++) {
        hr_free(set->roots[i].versions_dir);
        hr_overlay_free_all(set->roots[i].v, set->roots[i].n);
        hr_strv_release(&set->roots[i].used);
    }
    hr_free(set->roots);
}

/* same_dir - two paths name one directory */
static int same_dir(const char *a, const char *b)
{
    char *ra = realpath(a, NULL), *rb = realpath(b, NULL);
    int same = ra && rb && strcmp(ra, rb) == 0;

    free(ra);
    free(rb);
    return same;
}

/* root_of - the overlays of the cases root above a case file: the
 * nearest of its directory and the two above that has versions/ */
static int root_of(root_overlays **out, overlay_set *set, const char *path,
                   const char *const *args, size_t nargs)
{
    char *dir = hr_path_dirname(path);
    int error = 0;

    *out = NULL;
    for (int up = 0; up < 3 && *out == NULL && error == 0; up++) {
        char *versions = hr_path_join(dir, "versions");
        char *parent;

        if (hr_is_dir(versions)) {
            for (size_t i = 0; i < set->n; i++)
                if (same_dir(set->roots[i].versions_dir, versions))
                    *out = &set->roots[i];
            if (*out == NULL) {
                root_overlays *r;

                set->roots = hr_realloc(set->roots,
                                        (set->n + 1) * sizeof(*set->roots));
                r = &set->roots[set->n++];
                memset(r, 0, sizeof(*r));
                r->versions_dir = hr_strdup(versions);
                for (size_t i = 0; i < nargs; i++)
                    r->named |= same_dir(args[i], dir);
                error = hr_overlay_load_dir(&r->v, &r->n, versions);
                *out = r;
            }
        }
        hr_free(versions);
        parent = hr_path_dirname(dir);
        hr_free(dir);
        dir = parent;
    }
    hr_free(dir);
    return error;
}

/* in_versions - a path below a versions/ directory of an argument: an
 * overlay's file, not a case */
static int in_versions(const char *path)
{
    return strncmp(path, "versions/", 9) == 0 || strstr(path, "/versions/");
}

/* pick - the applicable overlay with the latest "since" that has
 * NAME.EXT; HR_EINPUT when two of them are equally late */
static int pick(const hr_overlay **out, const root_overlays *r,
                const hr_version *v, const char *name, const char *ext)
{
    const hr_overlay *best = NULL;

    *out = NULL;
    for (size_t i = 0; i < r->n; i++) {
        const hr_overlay *o = r->v[i];
        char *f;

        if (!hr_overlay_applies(o, v) || (f = hr_overlay_file(o, name, ext)) ==
                                             NULL)
            continue;
        hr_free(f);
        if (best && hr_version_cmp(&best->since, &o->since) == 0)
            return hr_error_set(HR_EINPUT, "%s/overlay:1: it and overlay '%s' "
                                "both replace %s.%s from the same version",
                                o->dir, best->name, name, ext);
        if (best == NULL || hr_version_cmp(&best->since, &o->since) < 0)
            best = o;
    }
    *out = best;
    return 0;
}

/* apply_overlays - replace a case and its golden with those of the
 * overlays that apply to the version */
static int apply_overlays(hr_case **c, const root_overlays *r,
                          const hr_version *v)
{
    const hr_overlay *oc = NULL, *og = NULL;
    char *path = NULL;
    int error;

    if ((error = pick(&oc, r, v, (*c)->name, "case")) < 0 ||
        (error = pick(&og, r, v, (*c)->name, "golden")) < 0)
        return error;
    if (oc) {
        hr_case *repl = NULL;

        path = hr_overlay_file(oc, (*c)->name, "case");
        if ((error = hr_case_load(&repl, path)) < 0)
            goto done;
        hr_free(path);
        /* The golden stays the shipped one unless an overlay has one. */
        path = (*c)->golden_path ? hr_strdup((*c)->golden_path) : NULL;
        hr_strv_addv(&repl->overlays, &(*c)->overlays);
        hr_strv_addv(&repl->overlay_labels, &(*c)->overlay_labels);
        hr_case_free(*c);
        *c = repl;
        if (og == NULL && (error = load_golden(*c, path)) < 0)
            goto done;
        hr_free(path);
        path = NULL;
    }
    if (og) {
        path = hr_overlay_file(og, (*c)->name, "golden");
        if ((error = load_golden(*c, path)) < 0)
            goto done;
    }
    for (int k = 0; k < 2; k++) {
        const hr_overlay *o = k ? og : oc;

        if (o && (k == 0 || og != oc)) {
            hr_strv_add(&(*c)->overlays, o->name);
            hr_strv_add_owned(&(*c)->overlay_labels, hr_overlay_label(o));
        }
    }
done:
    hr_free(path);
    return error;
}

/* check_overlays - every overlay file parses as a case named after it,
 * and names a case of its root when the whole root was loaded */
static int check_overlays(const overlay_set *set)
{
    int error = 0;

    for (size_t i = 0; i < set->n && error == 0; i++) {
        const root_overlays *r = &set->roots[i];

        for (size_t j = 0; j < r->n && error == 0; j++) {
            const hr_overlay *o = r->v[j];

            for (size_t k = 0; k < o->files.n && error == 0; k++) {
                const char *f = o->files.v[k];
                size_t n = strcspn(f, ".");
                char *name = hr_strndup(f, n);
                char *path = hr_path_join(o->dir, f);

                if (r->named && hr_strv_find(&r->used, name) < 0)
                    error = hr_error_set(HR_EINPUT, "%s:1: no case '%s' for "
                                         "this overlay file", path, name);
                else if (strcmp(f + n, ".case") == 0) {
                    hr_case *c = NULL;

                    if ((error = hr_case_load(&c, path)) == 0 &&
                        strcmp(c->name, name) != 0)
                        error = hr_error_set(HR_EINPUT, "%s:%d: an overlay's "
                                             "case keeps its name: '%s'",
                                             path, c->name_line, name);
                    hr_case_free(c);
                } else {
                    hr_buf b = HR_BUF_INIT;

                    if ((error = hr_file_read(&b, path, MAX_FILE)) == 0)
                        error = hr_case_golden_check(path, hr_buf_cstr(&b),
                                                     b.len);
                    hr_buf_release(&b);
                }
                hr_free(name);
                hr_free(path);
            }
        }
    }
    return error;
}

/* hr_case_load_all - parse cases from files and directories */
int hr_case_load_all(hr_case ***out, size_t *count, const char *const *args,
                     size_t nargs, const char *version)
{
    hr_strv paths = HR_STRV_INIT, seen = HR_STRV_INIT;
    hr_case **cases = NULL, **sorted = NULL;
    overlay_set set = {NULL, 0};
    hr_version v;
    size_t n = 0;
    int error = 0;

    if (version && (error = hr_version_parse(&v, version)) < 0)
        return error;
    for (size_t i = 0; i < nargs && error == 0; i++) {
        hr_strv found = HR_STRV_INIT;

        error = hr_dir_find(&found, args[i], ".case");
        /* An overlay's files are not cases (only below the argument: a
         * checkout may itself live under a directory named versions). */
        for (size_t k = 0; k < found.n; k++) {
            size_t alen = strlen(args[i]);
            const char *rel = strncmp(found.v[k], args[i], alen) == 0
                                  ? found.v[k] + alen
                                  : found.v[k];

            rel += *rel == '/';
            if (!in_versions(rel) || strcmp(found.v[k], args[i]) == 0)
                hr_strv_add(&paths, found.v[k]);
        }
        hr_strv_release(&found);
    }
    if (error < 0)
        goto done;
    hr_strv_sort(&paths);
    cases = hr_calloc(paths.n + 1, sizeof(*cases));
    for (size_t i = 0; i < paths.n; i++) {
        /* A file named twice (itself and its directory) counts once. */
        char *real = realpath(paths.v[i], NULL);
        const char *id = real ? real : paths.v[i];
        root_overlays *r = NULL;

        if (hr_strv_find(&seen, id) >= 0) {
            free(real);
            continue;
        }
        hr_strv_add(&seen, id);
        free(real);
        if ((error = hr_case_load(&cases[n], paths.v[i])) < 0)
            goto done;
        n++;
        if ((error = root_of(&r, &set, paths.v[i], args, nargs)) < 0)
            goto done;
        if (r == NULL)
            continue;
        hr_strv_add(&r->used, cases[n - 1]->name);
        if (version && (error = apply_overlays(&cases[n - 1], r, &v)) < 0)
            goto done;
    }
    if ((error = check_overlays(&set)) < 0)
        goto done;
    sorted = hr_malloc((n + 1) * sizeof(*sorted));
    memcpy(sorted, cases, n * sizeof(*sorted));
    qsort(sorted, n, sizeof(*sorted), by_name);
    for (size_t i = 1; i < n; i++)
        if (strcmp(sorted[i - 1]->name, sorted[i]->name) == 0) {
            error = hr_error_set(HR_EINPUT,
                                 "%s:%d: case name '%s' is "
                                 "already used by %s:%d",
                                 sorted[i]->path, sorted[i]->name_line,
                                 sorted[i]->name, sorted[i - 1]->path,
                                 sorted[i - 1]->name_line);
            goto done;
        }
    *out = cases;
    *count = n;
    cases = NULL;
done:
    hr_free(sorted);
    hr_case_free_all(cases, n);
    hr_strv_release(&paths);
    hr_strv_release(&seen);
    overlay_set_release(&set);
    return error;
}

/* hr_case_free - free a case; NULL is fine */
void hr_case_free(hr_case *c)
{
    if (c == NULL)
        return;
    hr_free(c->path);
    hr_func_free(c->func);
    hr_free(c->golden);
    hr_free(c->golden_path);
    hr_strv_release(&c->overlays);
    hr_strv_release(&c->overlay_labels);
    hr_free(c->name);
    hr_free(c->about);
    hr_strv_release(&c->marks);
    hr_strv_release(&c->config);
    for (size_t i = 0; i < c->ntables; i++) {
        hr_free(c->tables[i].name);
        hr_free(c->tables[i].type);
        hr_strv_release(&c->tables[i].entries);
        hr_free(c->tables[i].entry_lines);
    }
    hr_free(c->tables);
    for (size_t i = 0; i < c->nsink; i++) {
        hr_free(c->sink[i].stage);
        hr_free(c->sink[i].rcpt);
        hr_free(c->sink[i].text);
    }
    hr_free(c->sink);
    hr_free(c->client);
    for (size_t i = 0; i < c->nxs; i++) {
        hr_case_exchange *x = &c->xs[i];

        for (size_t k = 0; k < x->nitems; k++) {
            hr_free(x->items[k].display);
            hr_free(x->items[k].bytes);
        }
        hr_free(x->items);
        for (size_t k = 0; k < x->nreplies; k++)
            hr_free(x->expect[k]);
        hr_free(x->expect);
    }
    hr_free(c->xs);
    hr_free(c->sender);
    hr_strv_release(&c->rcpts);
    hr_buf_release(&c->body);
    for (size_t i = 0; i < c->nexpects; i++) {
        hr_free(c->expects[i].rcpt);
        hr_free(c->expects[i].action);
        hr_free(c->expects[i].status);
        hr_free(c->expects[i].diag);
    }
    hr_free(c->expects);
    hr_free(c);
}

/* hr_case_free_all - free what hr_case_load_all() returned */
void hr_case_free_all(hr_case **cases, size_t count)
{
    if (cases == NULL)
        return;
    for (size_t i = 0; i < count; i++)
        hr_case_free(cases[i]);
    hr_free(cases);
}

/* hr_case_kind_name - "smtp", "probe", "func" */
const char *hr_case_kind_name(hr_case_kind kind)
{
    switch (kind) {
    case HR_CASE_SMTP:
        return "smtp";
    case HR_CASE_PROBE:
        return "probe";
    case HR_CASE_FUNC:
        return "func";
    }
    return "unknown";
}

/* hr_case_config_key - main.cf overrides and tables, canonical */
char *hr_case_config_key(const hr_case *c)
{
    hr_strv lines = HR_STRV_INIT;
    char *key;

    for (size_t i = 0; i < c->config.n; i++)
        hr_strv_addf(&lines, "config %s", c->config.v[i]);
    for (size_t i = 0; i < c->ntables; i++) {
        const hr_case_table *t = &c->tables[i];
        /* regexp, pcre and cidr tables are read in order, first match
         * first: the position of an entry counts there */
        int ordered = t->type && strcmp(t->type, "texthash") != 0 &&
                      strcmp(t->type, "lmdb") != 0;

        for (size_t k = 0; k < t->entries.n; k++) {
            const char *kind = t->is_param ? "map" : "table";

            if (ordered)
                hr_strv_addf(&lines, "%s %s:%s #%zu %s", kind, t->type,
                             t->name, k + 1, t->entries.v[k]);
            else if (t->type && strcmp(t->type, "texthash") != 0)
                hr_strv_addf(&lines, "%s %s:%s %s", kind, t->type, t->name,
                             t->entries.v[k]);
            else
                hr_strv_addf(&lines, "%s %s %s", kind, t->name,
                             t->entries.v[k]);
        }
    }
    hr_strv_sort(&lines);
    key = hr_strv_join(&lines, "\n");
    hr_strv_release(&lines);
    return key;
}

/* hr_case_has_mark - is the flag set */
int hr_case_has_mark(const hr_case *c, const char *mark)
{
    return hr_strv_find(&c->marks, mark) >= 0;
}

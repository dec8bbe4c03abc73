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
#include "util/fsutil.h"
#include "util/mem.h"
#include "util/msg.h"

#define MAX_FILE (16 << 20) /* bytes in one case file */

/* Section heads an observation may start with (observe(3)). */
static const char *const golden_heads[] = {
    "== transcript\n", "== probe\n", "== dsn\n", "== delivered\n",
    "== sink\n", "== log\n", NULL,
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

/* load_golden - the golden beside c, if there is one */
static int load_golden(hr_case *c)
{
    hr_buf b = HR_BUF_INIT;
    struct stat st;
    int error = 0;

    c->golden_path = hr_case_golden_path(c->path);
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
    if (error == 0 && (error = load_golden(*out)) < 0) {
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

/* hr_case_load_all - parse cases from files and directories */
int hr_case_load_all(hr_case ***out, size_t *count, const char *const *args,
                     size_t nargs)
{
    hr_strv paths = HR_STRV_INIT, seen = HR_STRV_INIT;
    hr_case **cases = NULL, **sorted = NULL;
    size_t n = 0;
    int error = 0;

    for (size_t i = 0; i < nargs && error == 0; i++)
        error = hr_dir_find(&paths, args[i], ".case");
    if (error < 0)
        goto done;
    hr_strv_sort(&paths);
    cases = hr_calloc(paths.n + 1, sizeof(*cases));
    for (size_t i = 0; i < paths.n; i++) {
        /* A file named twice (itself and its directory) counts once. */
        char *real = realpath(paths.v[i], NULL);
        const char *id = real ? real : paths.v[i];

        if (hr_strv_find(&seen, id) >= 0) {
            free(real);
            continue;
        }
        hr_strv_add(&seen, id);
        free(real);
        if ((error = hr_case_load(&cases[n], paths.v[i])) < 0)
            goto done;
        n++;
    }
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
    return error;
}

/* hr_case_free - free a case; NULL is fine */
void hr_case_free(hr_case *c)
{
    if (c == NULL)
        return;
    hr_free(c->path);
    hr_free(c->golden);
    hr_free(c->golden_path);
    hr_free(c->name);
    hr_free(c->about);
    hr_strv_release(&c->marks);
    hr_strv_release(&c->config);
    for (size_t i = 0; i < c->ntables; i++) {
        hr_free(c->tables[i].name);
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

/* hr_case_kind_name - "smtp", "probe" */
const char *hr_case_kind_name(hr_case_kind kind)
{
    switch (kind) {
    case HR_CASE_SMTP:
        return "smtp";
    case HR_CASE_PROBE:
        return "probe";
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
    for (size_t i = 0; i < c->ntables; i++)
        for (size_t k = 0; k < c->tables[i].entries.n; k++)
            hr_strv_addf(&lines, "%s %s %s",
                         c->tables[i].is_param ? "map" : "table",
                         c->tables[i].name, c->tables[i].entries.v[k]);
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

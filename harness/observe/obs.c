/*
 * NAME
 *	observe/obs 3
 * SUMMARY
 *	an observation: named sections, and the sanitizer findings among them
 * SYNOPSIS
 *	#include "observe/obs.h"
 *
 *	void	hr_obs_new(out)
 *	void	hr_obs_add(o, name, body)
 *	void	hr_obs_parse(out, text)
 *	void	hr_obs_free(o)
 *
 *	const char *hr_obs_text(o)
 *	const char *hr_obs_section(o, name)
 *	const char *hr_obs_behaviour(o)
 *	const hr_strv *hr_obs_ub(o)
 *	size_t	hr_obs_count(o)
 *	const char *hr_obs_name(o, i)
 * DESCRIPTION
 *	The one model of an observation that verdict, report and narrow
 *	read. observe(3) builds it section by section with hr_obs_add();
 *	each body is newline-terminated text. hr_obs_text() renders it as
 *	the .obs files hold it: "== NAME\n" then the body, in the order
 *	added.
 *
 *	hr_obs_parse() is the one reader of that text, for observations
 *	loaded from a saved run. A section starts at a line "== NAME" at
 *	the start of the text or after a newline, where NAME is one of the
 *	names observe(3) writes; text before the first such line is kept
 *	as a section with the empty name, rendered without a head, so that
 *	hr_obs_text() gives back the text it was given, byte for byte.
 *
 *	hr_obs_section() is a section's body, or "" when there is none.
 *	hr_obs_behaviour() is the text without the "sanitizer" section:
 *	findings are evidence, not behaviour. hr_obs_ub() holds the lines of
 *	the sanitizer section that report a finding ("runtime error",
 *	"ERROR: ", "...Sanitizer"), each once, in order.
 * SEE ALSO
 *	observe(3), verdict(3), sanitizer(3).
 */
#include <string.h>
#include "observe/obs.h"
#include "util/buf.h"
#include "util/mem.h"

struct hr_obs {
    hr_strv names;
    hr_strv bodies;
    char *text;      /* rendered: every section */
    char *behaviour; /* rendered: every section but "sanitizer" */
    hr_strv ub;
};

/* The sections observe(3) writes, in its order. */
static const char *const known[] = {"transcript", "probe", "dsn", "delivered",
                                    "sink", "log", "result", "func", "sanitizer"};

/* render - the sections as text; skip names the one section to leave out */
static char *render(const hr_obs *o, const char *skip)
{
    hr_buf b = HR_BUF_INIT;

    for (size_t i = 0; i < o->names.n; i++) {
        if (skip && strcmp(o->names.v[i], skip) == 0)
            continue;
        if (o->names.v[i][0])
            hr_buf_printf(&b, "== %s\n", o->names.v[i]);
        hr_buf_puts(&b, o->bodies.v[i]);
    }
    return hr_buf_detach(&b);
}

/* finding - a sanitizer line that reports something */
static int finding(const char *line)
{
    return strstr(line, "runtime error") || strstr(line, "ERROR: ") ||
           strstr(line, "Sanitizer");
}

/* refresh - the derived views after a change */
static void refresh(hr_obs *o)
{
    hr_free(o->text);
    hr_free(o->behaviour);
    o->text = render(o, NULL);
    o->behaviour = render(o, "sanitizer");
    hr_strv_release(&o->ub);
    for (size_t i = 0; i < o->names.n; i++) {
        const char *p = o->bodies.v[i];

        if (strcmp(o->names.v[i], "sanitizer") != 0)
            continue;
        while (*p) {
            size_t n = strcspn(p, "\n");
            char *line = hr_strndup(p, n);

            if (finding(line) && hr_strv_find(&o->ub, line) < 0)
                hr_strv_add_owned(&o->ub, line);
            else
                hr_free(line);
            p += n + (p[n] == '\n');
        }
    }
}

/* hr_obs_new - an observation with no sections */
void hr_obs_new(hr_obs **out)
{
    hr_obs *o = hr_calloc(1, sizeof(*o));

    refresh(o);
    *out = o;
}

/* hr_obs_add - append a section */
void hr_obs_add(hr_obs *o, const char *name, const char *body)
{
    hr_strv_add(&o->names, name);
    hr_strv_add(&o->bodies, body);
    refresh(o);
}

/* head - the length of a "== NAME\n" line at s naming a known section */
static size_t head(const char *s)
{
    if (strncmp(s, "== ", 3) != 0)
        return 0;
    for (size_t k = 0; k < sizeof(known) / sizeof(known[0]); k++) {
        size_t n = strlen(known[k]);

        if (strncmp(s + 3, known[k], n) == 0 && s[3 + n] == '\n')
            return 3 + n + 1;
    }
    return 0;
}

/* hr_obs_parse - the sections of an observation's text */
void hr_obs_parse(hr_obs **out, const char *text)
{
    hr_obs *o = hr_calloc(1, sizeof(*o));
    const char *p = text ? text : "";

    while (*p) {
        size_t h = head(p);
        const char *body = p + h, *end = body;
        char *name = h ? hr_strndup(p + 3, h - 4) : hr_strdup("");

        /* The body runs to the next head at the start of a line. */
        for (;;) {
            const char *nl = strchr(end, '\n');

            if (nl == NULL) {
                end += strlen(end);
                break;
            }
            end = nl + 1;
            if (head(end))
                break;
        }
        hr_strv_add_owned(&o->names, name);
        hr_strv_add_owned(&o->bodies, hr_strndup(body, (size_t)(end - body)));
        p = end;
    }
    refresh(o);
    *out = o;
}

void hr_obs_free(hr_obs *o)
{
    if (o == NULL)
        return;
    hr_strv_release(&o->names);
    hr_strv_release(&o->bodies);
    hr_strv_release(&o->ub);
    hr_free(o->text);
    hr_free(o->behaviour);
    hr_free(o);
}

const char *hr_obs_text(const hr_obs *o)
{
    return o->text;
}

/* hr_obs_section - the body of the first section so named, or "" */
const char *hr_obs_section(const hr_obs *o, const char *name)
{
    int i = hr_strv_find(&o->names, name);

    return i < 0 ? "" : o->bodies.v[i];
}

const char *hr_obs_behaviour(const hr_obs *o)
{
    return o->behaviour;
}

const hr_strv *hr_obs_ub(const hr_obs *o)
{
    return &o->ub;
}

size_t hr_obs_count(const hr_obs *o)
{
    return o->names.n;
}

const char *hr_obs_name(const hr_obs *o, size_t i)
{
    return o->names.v[i];
}

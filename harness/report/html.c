/*
 * NAME
 *	report/html 3
 * SUMMARY
 *	report.html: the verdict matrix and its evidence
 * SYNOPSIS
 *	#include "report/html.h"
 *
 *	int	hr_report_html(out, r)
 *	int	hr_report_write_html(r, path)
 * DESCRIPTION
 *	hr_report_html() renders a report (report(3)) as one HTML page: a
 *	new string, free it with hr_free(). hr_report_write_html() writes
 *	it to path atomically.
 *
 *	The page is self-contained: CSS inline, no scripts, no fonts, no
 *	images, and a Content-Security-Policy that forbids fetching
 *	anything, so that it opens the same from a CI artifact, a mail
 *	attachment or a machine without network. The only links are to
 *	the observation files, relative to the run directory (where
 *	report.html normally lives), and only for paths that are plainly
 *	relative (no scheme, no leading or double slash).
 *
 *	The header shows the run, the source, the machine (with the EDAC
 *	note, "no EDAC" when the machine has none), the builds and the
 *	library environments. Then the matrix: a row per case (findings
 *	first, then by name), a column per cell (build/libenv), the row
 *	tinted by its verdict, which is also written out, in colours of
 *	the Okabe-Ito palette, distinguishable with the common forms of
 *	colour blindness. Each cell holds a mark:
 *
 *	=	agrees (with the other cells and the expectation)
 *	≠	differs: named in the case's "differing"
 *	~	flapping: its repetitions differ
 *	–	skipped: the case does not apply to the build
 *	✗	does not meet the expectation
 *
 *	in this order of precedence. Each row is a <details> element that
 *	opens to the summary, the suspect, the differing cells, the pair,
 *	the first log finding of each side, UB reports, the expectation
 *	mismatches (cells with the same text grouped), the EDAC note for
 *	hardware verdicts, the diff side by side (hunks of the unified
 *	diff parsed into old and new columns, changed lines tinted and the
 *	changed part of paired lines marked), the expectation, and each
 *	cell's repetitions.
 *
 *	All text is escaped by markup(3). On narrow screens the case name
 *	takes a line of its own above its marks, and long lines wrap.
 * DIAGNOSTICS
 *	hr_report_html() returns 0. hr_report_write_html() returns what
 *	hr_file_write_atomic() returns.
 * SEE ALSO
 *	report(3), report_json(3), markup(3).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/html.h"
#include "report/json.h"
#include "report/sidediff.h"
#include "util/buf.h"
#include "util/fsutil.h"
#include "util/markup.h"
#include "util/mem.h"

/* The cell marks, by precedence; the legend lists them in this order. */
enum mark { MARK_EQ, MARK_NE, MARK_FLAP, MARK_SKIP, MARK_BAD, MARK_NONE };

static const struct {
    const char *cls, *sym, *what;
} marks[] = {
    {"m-eq", "=", "agrees"},
    {"m-ne", "\u2260", "differs (stands apart)"},
    {"m-flap", "~", "flapping: its repetitions differ"},
    {"m-skip", "\u2013", "skipped: the case does not apply to the build"},
    {"m-bad", "\u2717", "does not meet the expectation"},
    {"m-none", "", "no such cell in this case"},
};

static const char *const verdict_about[] = {
    "every build agrees with the expectation",
    "all builds agree, and differ from the expectation",
    "builds of the same source disagree",
    "builds disagree, and UB checks point at the code",
    "a build disagrees with itself across libenvs",
    "a cell does not reproduce across repetitions",
};

/* The palette and layout. One rule, the matrix's columns, is written
 * per report: it depends on the number of cells. */
static const char css[] =
    ":root{color-scheme:light;"
    "--pass:#009E73;--t-pass:#e3f3ee;"
    "--real-bug:#D55E00;--t-real-bug:#f9e2d3;"
    "--compiler:#E69F00;--t-compiler:#fbefd6;"
    "--undefined-behavior:#CC79A7;--t-undefined-behavior:#f5e6ef;"
    "--library:#56B4E9;--t-library:#e2f1fb;"
    "--hardware:#0072B2;--t-hardware:#dbe9f4}\n"
    "*{box-sizing:border-box}\n"
    "body{margin:0;padding:1rem 1.25rem;color:#1b1b1b;background:#fff;"
    "font:15px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,"
    "'DejaVu Sans',sans-serif}\n"
    "h1{font-size:1.4rem;margin:0 0 .4rem}\n"
    "h2{font-size:1.15rem;margin:1.4rem 0 .5rem;padding-bottom:.2rem;"
    "border-bottom:1px solid #ccc}\n"
    "h3{font-size:1rem;margin:1rem 0 .3rem}\n"
    "h4{font-size:.9rem;margin:.9rem 0 .3rem}\n"
    "code,pre,.mono,.sbs{font-family:ui-monospace,'DejaVu Sans Mono',"
    "Menlo,Consolas,monospace;font-size:.82rem}\n"
    "pre{white-space:pre-wrap;overflow-wrap:anywhere;margin:.2rem 0;"
    "padding:.35rem .5rem;background:#f5f5f5;border-radius:3px}\n"
    "code{overflow-wrap:anywhere}\n"
    "a{color:#0b57a4}\n"
    ".muted{color:#666}\n"
    ".facts,.evidence{display:grid;grid-template-columns:max-content "
    "minmax(0,1fr);gap:.15rem 1rem;margin:.4rem 0}\n"
    ".facts dt,.evidence dt{font-weight:600}\n"
    ".facts dd,.evidence dd{margin:0;min-width:0;overflow-wrap:anywhere}\n"
    ".evidence ul{margin:0;padding-left:1.1rem}\n"
    ".badge{display:inline-block;padding:0 .5rem;border-radius:.75rem;"
    "font-size:.8rem;font-weight:600;color:#000;background:var(--c);"
    "white-space:nowrap}\n"
    ".badge.v-hardware{color:#fff}\n"
    ".totals{display:flex;flex-wrap:wrap;gap:.35rem;margin:.3rem 0 .6rem}\n"
    ".totals .zero{opacity:.4}\n"
    ".v-pass{--c:var(--pass);--t:var(--t-pass)}\n"
    ".v-real-bug{--c:var(--real-bug);--t:var(--t-real-bug)}\n"
    ".v-compiler{--c:var(--compiler);--t:var(--t-compiler)}\n"
    ".v-undefined-behavior{--c:var(--undefined-behavior);"
    "--t:var(--t-undefined-behavior)}\n"
    ".v-library{--c:var(--library);--t:var(--t-library)}\n"
    ".v-hardware{--c:var(--hardware);--t:var(--t-hardware)}\n"
    ".scroll{overflow-x:auto}\n"
    "table{border-collapse:collapse}\n"
    "th,td{text-align:left;vertical-align:top;padding:.2rem .5rem;"
    "border-bottom:1px solid #e3e3e3}\n"
    "th{font-size:.85rem;background:#f3f3f3}\n"
    ".builds td{overflow-wrap:anywhere}\n"
    ".tag{display:inline-block;margin-left:.3rem;padding:0 .3rem;"
    "border:1px solid #999;border-radius:3px;font-size:.72rem;"
    "color:#444}\n"
    ".legend{display:flex;flex-wrap:wrap;gap:.3rem 1.1rem;margin:.4rem 0;"
    "font-size:.85rem}\n"
    ".legend .mark{font-size:.95rem}\n"
    ".matrix{border:1px solid #bbb;border-radius:4px;overflow:hidden}\n"
    ".mrow{display:grid;align-items:center;gap:0 .25rem;"
    "padding:.2rem .5rem}\n"
    ".mhead{font-size:.75rem;font-weight:600;background:#eee;"
    "border-bottom:1px solid #bbb}\n"
    ".mhead .mcell{line-height:1.15;overflow-wrap:anywhere}\n"
    "details.case{border-left:7px solid var(--c);background:var(--t);"
    "border-bottom:1px solid #fff}\n"
    "details.case>summary{list-style:none;cursor:pointer}\n"
    "details.case>summary::-webkit-details-marker{display:none}\n"
    "details.case>summary:hover{filter:brightness(.97)}\n"
    ".mname{font-weight:600;overflow-wrap:anywhere;min-width:0}\n"
    "summary .mname::before{content:'\\25B8\\00A0';color:#555}\n"
    "details[open]>summary .mname::before{content:'\\25BE\\00A0'}\n"
    ".mcell{text-align:center;min-width:0}\n"
    "summary .mcell,.mark{justify-self:center;display:inline-block;"
    "min-width:1.9em;font-size:1.05rem;line-height:1.5;border-radius:3px}\n"
    ".m-eq{color:#4a4a4a}\n"
    ".m-ne{font-weight:700;background:#fff;box-shadow:inset 0 0 0 1px #555}\n"
    ".m-flap{font-weight:700;background:#fff;"
    "box-shadow:inset 0 0 0 2px #0072B2}\n"
    ".m-skip{color:#999}\n"
    ".m-bad{font-weight:700;color:#a32a00}\n"
    ".detail{background:#fff;padding:.6rem .9rem .8rem;"
    "border-top:1px solid var(--c)}\n"
    ".detail>p.summary{margin:.1rem 0 .5rem;font-weight:600}\n"
    "details.sub{margin:.5rem 0}\n"
    "details.sub>summary{cursor:pointer;font-weight:600;font-size:.9rem}\n"
    ".sbs{width:100%;table-layout:fixed;border:1px solid #ddd}\n"
    ".sbs col.ln{width:3.3em}\n"
    ".sbs th{font-family:system-ui,sans-serif;font-weight:600}\n"
    ".sbs td{padding:0 .35rem;border:0;white-space:pre-wrap;"
    "overflow-wrap:anywhere}\n"
    ".sbs td.ln{color:#888;text-align:right;background:#fafafa}\n"
    ".sbs td.del{background:#fde8e4}\n"
    ".sbs td.add{background:#e2f5e5}\n"
    ".sbs td.gap{background:#f2f2f2}\n"
    ".sbs td.del mark{background:#f4b0a4;color:inherit}\n"
    ".sbs td.add mark{background:#9fdcab;color:inherit}\n"
    ".sbs tr.hunk td{background:#edf2fa;color:#345;padding:.1rem .35rem}\n"
    ".sbs tr.note td{color:#777;font-style:italic}\n"
    ".reps td{font-size:.82rem;white-space:nowrap}\n"
    "footer{margin-top:2rem;font-size:.8rem;color:#666}\n"
    "@media (max-width:40em){\n"
    "body{padding:.5rem;font-size:14px}\n"
    ".mname{grid-column:1/-1}\n"
    ".facts,.evidence{grid-template-columns:minmax(0,1fr)}\n"
    ".facts dt,.evidence dt{margin-top:.3rem}\n"
    ".mhead .mcell{writing-mode:vertical-rl;transform:rotate(180deg);"
    "justify-self:center;text-align:left;white-space:nowrap;"
    "overflow-wrap:normal}\n"
    ".builds thead{display:none}\n"
    ".builds tr{display:block;padding:.3rem 0;border-bottom:1px solid #ccc}\n"
    ".builds td{display:grid;grid-template-columns:6.5em minmax(0,1fr);"
    "gap:.5rem;border:0;padding:.05rem .3rem}\n"
    ".builds td::before{content:attr(data-label);font-weight:600}\n"
    ".sbs col.ln{width:2.3em}\n"
    ".sbs td{padding:0 .15rem}\n"
    ".detail{padding:.5rem}\n"
    "}\n";

/* text - escaped element content; NULL writes nothing */
static void text(hr_buf *b, const char *s)
{
    hr_markup_puts(b, s, 0);
}

/* attr - NAME="escaped value" with a leading space */
static void attr(hr_buf *b, const char *name, const char *value)
{
    hr_buf_printf(b, " %s=\"", name);
    hr_markup_puts(b, value ? value : "", HR_MARKUP_ATTR);
    hr_buf_putc(b, '"');
}

/* elem - <TAG>escaped text</TAG> */
static void elem(hr_buf *b, const char *tag, const char *s)
{
    hr_buf_printf(b, "<%s>", tag);
    text(b, s);
    hr_buf_printf(b, "</%s>", tag);
}

/* or_dash - s, or a dash when the report lacks it */
static const char *or_dash(const char *s)
{
    return s && *s ? s : "\u2013";
}

/* safe_link - a relative path that cannot leave for another scheme or
 * host: no ':', no leading '/', no "//", no "..", no odd bytes */
static int safe_link(const char *path)
{
    if (path == NULL || *path == 0 || *path == '/' || strstr(path, "//") ||
        strstr(path, ".."))
        return 0;
    for (const char *p = path; *p; p++)
        if (!(*p >= 'a' && *p <= 'z') && !(*p >= 'A' && *p <= 'Z') &&
            !(*p >= '0' && *p <= '9') && !strchr("._-/+@=,", *p))
            return 0;
    return 1;
}

/* file_ref - an observation file, linked when safe */
static void file_ref(hr_buf *b, const char *path)
{
    if (path == NULL)
        return;
    if (safe_link(path)) {
        hr_buf_puts(b, "<a");
        attr(b, "href", path);
        hr_buf_puts(b, "><code>");
        text(b, path);
        hr_buf_puts(b, "</code></a>");
    } else {
        elem(b, "code", path);
    }
}

/* badge - a verdict, coloured and named */
static void badge(hr_buf *b, hr_verdict_kind v, const char *extra)
{
    const char *name = hr_verdict_name(v);

    hr_buf_printf(b, "<span class=\"badge v-%s\">%s%s</span>", name, name,
                  extra ? extra : "");
}

/* fact - <dt>label</dt><dd>escaped value</dd> */
static void fact(hr_buf *b, const char *label, const char *value)
{
    hr_buf_printf(b, "<dt>%s</dt><dd>", label);
    text(b, or_dash(value));
    hr_buf_puts(b, "</dd>\n");
}

/* head - doctype, title, policy and style */
static void head(hr_buf *b, const hr_report *r, size_t ncols)
{
    size_t findings = r->ncases - r->totals[HR_PASS];

    hr_buf_puts(b, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n"
                   "<meta charset=\"utf-8\">\n"
                   "<meta name=\"viewport\" content=\"width=device-width, "
                   "initial-scale=1\">\n"
                   "<meta http-equiv=\"Content-Security-Policy\" "
                   "content=\"default-src 'none'; style-src 'unsafe-inline'"
                   "\">\n"
                   "<meta name=\"generator\" content=\"pfharness\">\n"
                   "<title>pfharness ");
    text(b, r->run_id ? r->run_id : "report");
    hr_buf_printf(b, ": %zu finding%s in %zu case%s</title>\n<style>\n",
                  findings, findings == 1 ? "" : "s", r->ncases,
                  r->ncases == 1 ? "" : "s");
    hr_buf_puts(b, css);
    hr_buf_printf(b,
                  ".mrow{grid-template-columns:minmax(9em,2fr) 10.5em "
                  "repeat(%zu,minmax(2.1em,1fr))}\n"
                  "@media (max-width:40em){.mrow{grid-template-columns:"
                  "8.5em repeat(%zu,minmax(1.6em,1fr))}}\n",
                  ncols ? ncols : 1, ncols ? ncols : 1);
    hr_buf_puts(b, "</style>\n</head>\n<body>\n");
}

/* totals - a badge per verdict with its count */
static void totals(hr_buf *b, const hr_report *r)
{
    hr_buf_puts(b, "<div class=\"totals\" id=\"totals\">");
    for (int v = HR_PASS; v <= HR_HARDWARE; v++) {
        char *count = hr_sprintf(" %zu", r->totals[v]);

        if (r->totals[v] == 0)
            hr_buf_puts(b, "<span class=\"zero\">");
        badge(b, (hr_verdict_kind)v, count);
        if (r->totals[v] == 0)
            hr_buf_puts(b, "</span>");
        hr_free(count);
    }
    hr_buf_puts(b, "</div>\n");
}

/* edac - the note, and the counters when the machine has them */
static void edac(hr_buf *b, const hr_report *r)
{
    hr_buf_puts(b, "<dt>EDAC</dt><dd>");
    text(b, r->edac_note);
    for (size_t i = 0; i < r->machine.nedac; i++) {
        const hr_edac *e = &r->machine.edac[i];

        hr_buf_puts(b, "<br><code>");
        text(b, or_dash(e->mc));
        hr_buf_printf(b,
                      "</code> corrected %lld \u2192 %lld, uncorrected "
                      "%lld \u2192 %lld",
                      e->ce_before, e->ce_after, e->ue_before, e->ue_after);
    }
    hr_buf_puts(b, "</dd>\n");
}

/* header - the run, the source and the machine */
static void header(hr_buf *b, const hr_report *r)
{
    char *run = hr_sprintf("%s, started %s, %.1f s (builds %.1f s, "
                           "replay %.1f s), %d repetition%s per cell, exit %d",
                           or_dash(r->run_id), or_dash(r->started), r->seconds,
                           r->build_seconds, r->replay_seconds, r->reps,
                           r->reps == 1 ? "" : "s", r->exit_code);
    char *src =
        hr_sprintf("%s (commit %s, tree %s)", or_dash(r->source_version),
                   or_dash(r->source_commit), or_dash(r->source_tree));
    char *cpu =
        hr_sprintf("%s \u00d7 %d", or_dash(r->machine.cpu), r->machine.cpus);
    char *compilers = hr_strv_join(&r->machine.compilers, "; ");

    hr_buf_puts(b, "<header>\n<h1>pfharness report <span class=\"mono\">");
    text(b, r->run_id);
    hr_buf_puts(b, "</span></h1>\n");
    totals(b, r);
    hr_buf_puts(b, "<dl class=\"facts\" id=\"facts\">\n");
    fact(b, "Run", run);
    hr_buf_puts(b, "<dt>Command</dt><dd><code>");
    text(b, or_dash(r->command));
    hr_buf_puts(b, "</code></dd>\n");
    fact(b, "Source", src);
    if (r->config_main) {
        char *cfg = hr_sprintf("%s%s%s: %zu settings applied, %zu not (the "
                               "instance's own), %zu tables, %zu services",
                               r->config_main,
                               r->config_master ? " and " : "",
                               r->config_master ? r->config_master : "",
                               r->config_applied.n, r->config_not_applied.n,
                               r->config_tables.n, r->config_services.n);

        fact(b, "Configuration", cfg);
        fact(b, "Goldens", r->config_goldens);
        for (size_t i = 0; i < r->config_not_applied.n; i++)
            fact(b, "Not applied", r->config_not_applied.v[i]);
        hr_free(cfg);
    }
    fact(b, "Kernel", r->machine.kernel);
    fact(b, "C library", r->machine.libc);
    fact(b, "CPU", cpu);
    fact(b, "Compilers", compilers);
    edac(b, r);
    hr_buf_puts(b, "</dl>\n</header>\n");
    hr_free(run);
    hr_free(src);
    hr_free(cpu);
    hr_free(compilers);
}

/* builds - the builds table and the library environments */
static void builds(hr_buf *b, const hr_report *r)
{
    hr_buf_puts(b, "<section id=\"builds\">\n<h2>Builds</h2>\n"
                   "<div class=\"scroll\"><table class=\"builds\">\n"
                   "<thead><tr><th>Variant</th><th>Compiler</th>"
                   "<th>Flags</th><th>Build id</th><th>Cached</th>"
                   "<th>Built in</th></tr></thead>\n<tbody>\n");
    for (size_t i = 0; i < r->nbuilds; i++) {
        const hr_build *bd = r->builds[i];
        char *cc_title = hr_sprintf("%s (sha256 %s)", or_dash(bd->cc_path),
                                    or_dash(bd->cc_sha256));

        hr_buf_puts(b, "<tr><td data-label=\"Variant\"><span>");
        elem(b, "strong", bd->variant);
        if (bd->sanitizer) {
            hr_buf_puts(b, "<span class=\"tag\">");
            text(b, bd->sanitizer);
            hr_buf_puts(b, "</span>");
        }
        if (bd->ub_check)
            hr_buf_puts(b, "<span class=\"tag\">UB check</span>");
        if (bd->shared)
            hr_buf_puts(b, "<span class=\"tag\">shared</span>");
        hr_buf_puts(b, "</span></td><td data-label=\"Compiler\"");
        attr(b, "title", cc_title);
        hr_buf_puts(b, "><span>");
        text(b, or_dash(bd->cc_version));
        hr_buf_puts(b, "</span></td><td data-label=\"Flags\"><code>");
        text(b, or_dash(bd->flags));
        hr_buf_puts(b, "</code></td><td data-label=\"Build id\"><code>");
        text(b, bd->id);
        hr_buf_printf(b,
                      "</code></td><td data-label=\"Cached\"><span>%s"
                      "</span></td><td data-label=\"Built in\"><span>"
                      "%.1f s</span></td></tr>\n",
                      bd->cached ? "yes" : "no", bd->seconds);
        hr_free(cc_title);
    }
    for (size_t i = 0; i < r->failed_variants.n; i++) {
        hr_buf_puts(b, "<tr class=\"failed\"><td data-label=\"Variant\"><span>");
        elem(b, "strong", r->failed_variants.v[i]);
        hr_buf_puts(b, "<span class=\"tag\">failed</span></span></td>"
                       "<td colspan=\"5\" data-label=\"Error\"><code>");
        text(b, r->failed_errors.v[i]);
        hr_buf_puts(b, "</code></td></tr>\n");
    }
    hr_buf_puts(b, "</tbody></table></div>\n");
    if (r->nlibenvs) {
        hr_buf_puts(b, "<h3>Library environments</h3>\n<dl class=\"facts\" "
                       "id=\"libenvs\">\n");
        for (size_t i = 0; i < r->nlibenvs; i++) {
            char *env = hr_strv_join(&r->libenvs[i].env, " ");

            hr_buf_puts(b, "<dt>");
            text(b, r->libenvs[i].name);
            hr_buf_puts(b, "</dt><dd>");
            if (*env)
                elem(b, "code", env);
            else
                hr_buf_puts(b, "<span class=\"muted\">no settings</span>");
            hr_buf_puts(b, "</dd>\n");
            hr_free(env);
        }
        hr_buf_puts(b, "</dl>\n");
    }
    hr_buf_puts(b, "</section>\n");
}

/* The matrix's columns: distinct cell labels in order of appearance. */
struct columns {
    const hr_report_cell **v;
    size_t n;
};

/* find_cell - the case's cell with this label, or NULL */
static const hr_report_cell *find_cell(const hr_report_case *c,
                                       const char *label)
{
    for (size_t i = 0; i < c->ncells; i++)
        if (strcmp(c->cells[i].label, label) == 0)
            return &c->cells[i];
    return NULL;
}

/* columns_init - collect the columns */
static void columns_init(struct columns *cols, const hr_report *r)
{
    size_t max = 0;

    for (size_t k = 0; k < r->ncases; k++)
        max += r->cases[k].ncells;
    cols->v = hr_calloc(max + 1, sizeof(*cols->v));
    cols->n = 0;
    for (size_t k = 0; k < r->ncases; k++) {
        for (size_t i = 0; i < r->cases[k].ncells; i++) {
            const hr_report_cell *cell = &r->cases[k].cells[i];
            size_t j;

            for (j = 0; j < cols->n; j++)
                if (strcmp(cols->v[j]->label, cell->label) == 0)
                    break;
            if (j == cols->n)
                cols->v[cols->n++] = cell;
        }
    }
}

/* cell_mark - what the matrix shows for a cell */
static enum mark cell_mark(const hr_report_case *c, const hr_report_cell *cell)
{
    if (cell == NULL)
        return MARK_NONE;
    if (cell->skipped)
        return MARK_SKIP;
    if (cell->flapping)
        return MARK_FLAP;
    if (hr_strv_find(&c->differing, cell->label) >= 0 ||
        (c->verdict == HR_LIBRARY &&
         hr_strv_find(&c->differing, cell->libenv) >= 0))
        return MARK_NE;
    if (!cell->expect_ok)
        return MARK_BAD;
    return MARK_EQ;
}

/* legend - the verdicts and the marks */
static void legend(hr_buf *b)
{
    hr_buf_puts(b, "<div class=\"legend\" id=\"legend-verdicts\">");
    for (int v = HR_PASS; v <= HR_HARDWARE; v++) {
        hr_buf_puts(b, "<span>");
        badge(b, (hr_verdict_kind)v, NULL);
        hr_buf_printf(b, " %s</span>", verdict_about[v]);
    }
    hr_buf_puts(b, "</div>\n<div class=\"legend\" id=\"legend-marks\">");
    for (int m = MARK_EQ; m < MARK_NONE; m++)
        hr_buf_printf(b,
                      "<span><span class=\"mark mcell %s\">%s</span> "
                      "%s</span>",
                      marks[m].cls, marks[m].sym, marks[m].what);
    hr_buf_puts(b, "</div>\n");
}

/* matrix_head - the column headers: build over libenv */
static void matrix_head(hr_buf *b, const struct columns *cols)
{
    hr_buf_puts(b, "<div class=\"mrow mhead\"><span class=\"mname\">Case"
                   "</span><span class=\"mverdict\">Verdict</span>");
    for (size_t j = 0; j < cols->n; j++) {
        char *title = hr_sprintf("%s, build %s", cols->v[j]->label,
                                 or_dash(cols->v[j]->build_id));

        hr_buf_puts(b, "<span class=\"mcell\"");
        attr(b, "title", title);
        hr_buf_puts(b, ">");
        text(b, cols->v[j]->build);
        hr_buf_puts(b, "<br>");
        text(b, cols->v[j]->libenv);
        hr_buf_puts(b, "</span>");
        hr_free(title);
    }
    hr_buf_puts(b, "</div>\n");
}

/* mismatches - expectation mismatches, cells with the same text together */
static void mismatches(hr_buf *b, const hr_report_case *c)
{
    int any = 0;

    for (size_t i = 0; i < c->ncells; i++) {
        const char *m = c->cells[i].mismatch;
        hr_strv labels = HR_STRV_INIT;
        char *joined;
        size_t k;

        if (m == NULL || *m == 0)
            continue;
        for (k = 0; k < i; k++)
            if (c->cells[k].mismatch && strcmp(c->cells[k].mismatch, m) == 0)
                break;
        if (k < i)
            continue; /* listed with an earlier cell */
        for (k = i; k < c->ncells; k++)
            if (c->cells[k].mismatch && strcmp(c->cells[k].mismatch, m) == 0)
                hr_strv_add(&labels, c->cells[k].label);
        if (!any)
            hr_buf_puts(b, "<dt>Expectation</dt><dd>");
        any = 1;
        joined = hr_strv_join(&labels, ", ");
        hr_buf_puts(b, "<div>");
        elem(b, "strong", joined);
        hr_buf_puts(b, " do not meet it:");
        elem(b, "pre", m);
        hr_buf_puts(b, "</div>");
        hr_free(joined);
        hr_strv_release(&labels);
    }
    if (any)
        hr_buf_puts(b, "</dd>\n");
}

/* evidence - what the verdict rests on */
static void evidence(hr_buf *b, const hr_report *r, const hr_report_case *c)
{
    hr_buf_puts(b, "<dl class=\"evidence\">\n<dt>Case</dt><dd>");
    text(b, or_dash(c->kind));
    hr_buf_puts(b, " case ");
    elem(b, "code", or_dash(c->path));
    if (c->about) {
        hr_buf_puts(b, "<br>");
        text(b, c->about);
    }
    hr_buf_puts(b, "</dd>\n");
    for (size_t i = 0; i < c->overlays.n; i++)
        fact(b, "Version overlay", c->overlays.v[i]);
    if (c->suspect)
        fact(b, "Suspect", c->suspect);
    if (c->undecided_why)
        fact(b, "Undecided", c->undecided_why);
    for (size_t i = 0; i < c->also.n; i++)
        fact(b, "Also", c->also.v[i]);
    for (size_t i = 0; i < c->flaps.n; i++)
        fact(b, "Flap rate", c->flaps.v[i]);
    if (c->differing.n) {
        hr_buf_puts(b, "<dt>Differing</dt><dd>");
        for (size_t i = 0; i < c->differing.n; i++) {
            hr_buf_puts(b, i ? ", " : "");
            elem(b, "code", c->differing.v[i]);
        }
        hr_buf_puts(b, "</dd>\n");
    }
    if (c->left || c->right) {
        hr_buf_puts(b, "<dt>Pair</dt><dd>");
        elem(b, "strong", or_dash(c->left));
        hr_buf_puts(b, " ");
        file_ref(b, c->left_obs);
        hr_buf_puts(b, "<br>");
        elem(b, "strong", or_dash(c->right));
        hr_buf_puts(b, " ");
        file_ref(b, c->right_obs);
        hr_buf_puts(b, "</dd>\n");
    }
    if (c->left_finding || c->right_finding) {
        hr_buf_puts(b, "<dt>First finding</dt><dd>");
        elem(b, "strong", or_dash(c->left));
        hr_buf_puts(b, " ");
        elem(b, "code", or_dash(c->left_finding));
        hr_buf_puts(b, "<br>");
        elem(b, "strong", or_dash(c->right));
        hr_buf_puts(b, " ");
        elem(b, "code", or_dash(c->right_finding));
        hr_buf_puts(b, "</dd>\n");
    }
    if (c->ub_reports.n) {
        hr_buf_puts(b, "<dt>UB reports</dt><dd><ul>");
        for (size_t i = 0; i < c->ub_reports.n; i++) {
            hr_buf_puts(b, "<li>");
            elem(b, "code", c->ub_reports.v[i]);
            hr_buf_puts(b, "</li>");
        }
        hr_buf_puts(b, "</ul></dd>\n");
    }
    if (c->ub_background.n) {
        hr_buf_puts(b, "<dt>UB in every case</dt><dd><ul>");
        for (size_t i = 0; i < c->ub_background.n; i++) {
            hr_buf_puts(b, "<li>");
            elem(b, "code", c->ub_background.v[i]);
            hr_buf_puts(b, "</li>");
        }
        hr_buf_puts(b, "</ul></dd>\n");
    }
    mismatches(b, c);
    if (c->verdict == HR_HARDWARE)
        fact(b, "EDAC", r->edac_note);
    if (c->reduced_file) {
        hr_buf_printf(b, "<dt>Reduced</dt><dd>%lld client lines, from %lld, "
                         "in %lld trials (%.1f s): ",
                      c->reduced_after, c->reduced_before, c->reduced_trials,
                      c->reduced_seconds);
        file_ref(b, c->reduced_file);
        hr_buf_puts(b, "<pre>");
        text(b, c->reduced_text);
        hr_buf_puts(b, "</pre></dd>\n");
    }
    hr_buf_puts(b, "</dl>\n");
}

/* escalation - run --escalate's steps: what was turned on, the first
 * diverging normalized log line, notes and files */
static void escalation(hr_buf *b, const hr_report_case *c)
{
    const hr_escalation *e = c->escalation;

    if (e == NULL)
        return;
    hr_buf_puts(b, "<details class=\"sub\" open><summary>Escalation: ");
    text(b, or_dash(e->left));
    hr_buf_puts(b, " against ");
    text(b, or_dash(e->right));
    hr_buf_printf(b, ", %.1f s</summary>\n<dl class=\"evidence\">\n",
                  e->seconds);
    for (size_t i = 0; i < e->nsteps; i++) {
        const hr_escalation_step *st = &e->steps[i];

        hr_buf_printf(b, "<dt>%d. ", st->number);
        text(b, or_dash(st->name));
        hr_buf_puts(b, "</dt><dd>");
        text(b, or_dash(st->about));
        if (st->skipped) {
            hr_buf_puts(b, "<br><span class=\"muted\">skipped: ");
            text(b, st->skipped);
            hr_buf_puts(b, "</span>");
        } else if (st->log.line > 0) {
            hr_buf_printf(b,
                          "<br>logs first differ at normalized line %ld:"
                          "<br>",
                          st->log.line);
            elem(b, "strong", or_dash(e->left));
            hr_buf_puts(b, " ");
            elem(b, "code", or_dash(st->log.left));
            hr_buf_puts(b, "<br>");
            elem(b, "strong", or_dash(e->right));
            hr_buf_puts(b, " ");
            elem(b, "code", or_dash(st->log.right));
        } else {
            hr_buf_puts(b, "<br>the normalized logs agree");
        }
        if (st->notes.n) {
            hr_buf_puts(b, "<ul>");
            for (size_t k = 0; k < st->notes.n; k++) {
                hr_buf_puts(b, "<li>");
                elem(b, "code", st->notes.v[k]);
                hr_buf_puts(b, "</li>");
            }
            hr_buf_puts(b, "</ul>");
        }
        if (st->files.n) {
            hr_buf_puts(b, "<br>");
            for (size_t k = 0; k < st->files.n; k++) {
                hr_buf_puts(b, k ? " " : "");
                file_ref(b, st->files.v[k]);
            }
        }
        hr_buf_puts(b, "</dd>\n");
    }
    hr_buf_puts(b, "</dl></details>\n");
}

/* reps_table - each cell's repetitions */
static void reps_table(hr_buf *b, const hr_report_case *c)
{
    hr_buf_puts(b, "<details class=\"sub\"><summary>Cells and repetitions"
                   "</summary>\n<div class=\"scroll\"><table class=\"reps\">"
                   "<thead><tr><th>Cell</th><th>Repetitions: observation "
                   "sha256, expectation, time, file</th></tr></thead>\n"
                   "<tbody>\n");
    for (size_t i = 0; i < c->ncells; i++) {
        const hr_report_cell *cell = &c->cells[i];
        enum mark m = cell_mark(c, cell);

        hr_buf_printf(b, "<tr><td><span class=\"mark mcell %s\">%s</span> ",
                      marks[m].cls, marks[m].sym);
        text(b, cell->label);
        hr_buf_puts(b, "</td><td>");
        for (size_t k = 0; k < cell->nreps; k++) {
            const hr_report_rep *rep = &cell->reps[k];
            char *sum = hr_strndup(or_dash(rep->sha256), 12);

            hr_buf_printf(b, "<div>#%zu <code>", k + 1);
            text(b, sum);
            hr_buf_printf(b, "</code> %s %.3f s ",
                          rep->expect_ok ? "met" : "not met", rep->seconds);
            file_ref(b, rep->obs_file);
            hr_buf_puts(b, "</div>");
            hr_free(sum);
        }
        if (cell->skipped)
            hr_buf_puts(b, "<span class=\"muted\">skipped</span>");
        hr_buf_puts(b, "</td></tr>\n");
    }
    hr_buf_puts(b, "</tbody></table></div></details>\n");
}

/* case_row - a row of the matrix and what it opens to */
static void case_row(hr_buf *b, const hr_report *r, const hr_report_case *c,
                     const struct columns *cols)
{
    const char *v = hr_verdict_name(c->verdict);
    char *id = hr_sprintf("case-%s", c->name);

    hr_buf_printf(b, "<details class=\"case v-%s\" data-verdict=\"%s\"", v, v);
    attr(b, "id", id);
    hr_buf_puts(b, ">\n<summary class=\"mrow\"><span class=\"mname\">");
    text(b, c->name);
    hr_buf_puts(b, "</span><span class=\"mverdict\">");
    badge(b, c->verdict, NULL);
    hr_buf_puts(b, "</span>");
    for (size_t j = 0; j < cols->n; j++) {
        const hr_report_cell *cell = find_cell(c, cols->v[j]->label);
        enum mark m = cell_mark(c, cell);
        int also_bad =
            cell && m != MARK_BAD && m != MARK_SKIP && !cell->expect_ok;
        char *title =
            hr_sprintf("%s: %s%s", cols->v[j]->label, marks[m].what,
                       also_bad ? "; does not meet the expectation" : "");

        hr_buf_printf(b, "<span class=\"mcell %s\"", marks[m].cls);
        attr(b, "title", title);
        hr_buf_printf(b, ">%s</span>", marks[m].sym);
        hr_free(title);
    }
    hr_buf_puts(b, "</summary>\n<div class=\"detail\">\n<p class=\"summary\">");
    text(b, or_dash(c->summary));
    hr_buf_puts(b, "</p>\n");
    evidence(b, r, c);
    if (c->diff && *c->diff) {
        hr_buf_puts(b, "<h4>Diff</h4>\n");
        if (!hr_sidediff_html(b, c->diff, c->left, c->right))
            elem(b, "pre", c->diff);
    } else if (c->verdict != HR_PASS) {
        hr_buf_puts(b, "<p class=\"muted\">No diff was recorded.</p>\n");
    }
    if (c->expected) {
        hr_buf_puts(b, "<details class=\"sub\"><summary>Expectation"
                       "</summary>");
        elem(b, "pre", c->expected);
        hr_buf_puts(b, "</details>\n");
    }
    escalation(b, c);
    reps_table(b, c);
    hr_buf_puts(b, "</div>\n</details>\n");
    hr_free(id);
}

/* case_order - findings first, then by name, then in report order */
static int case_order(const void *a, const void *b)
{
    const hr_report_case *x = *(const hr_report_case *const *)a;
    const hr_report_case *y = *(const hr_report_case *const *)b;
    int cmp;

    if ((x->verdict == HR_PASS) != (y->verdict == HR_PASS))
        return x->verdict == HR_PASS ? 1 : -1;
    if ((cmp = strcmp(x->name, y->name)) != 0)
        return cmp;
    return x < y ? -1 : x > y;
}

/* ptest_runs - a Postfix test's results on each build, logs linked */
static void ptest_runs(hr_buf *b, const hr_report_ptest *t)
{
    hr_buf_puts(b, "<div class=\"scroll\"><table class=\"builds\">"
                   "<thead><tr><th>Build</th><th>Results</th><th>Output</th>"
                   "</tr></thead>\n<tbody>\n");
    for (size_t k = 0; k < t->nruns; k++) {
        const hr_report_ptrun *pr = &t->runs[k];
        char *results = hr_strv_join(&pr->results, ", ");

        hr_buf_puts(b, "<tr><td data-label=\"Build\"><span>");
        elem(b, "strong", pr->build);
        hr_buf_puts(b, "</span></td><td data-label=\"Results\"><span>");
        text(b, results);
        hr_buf_puts(b, "</span></td><td data-label=\"Output\"><span>");
        for (size_t i = 0; i < pr->logs.n; i++) {
            if (pr->logs.v[i][0] == 0)
                continue;
            file_ref(b, pr->logs.v[i]);
            hr_buf_puts(b, " ");
        }
        for (size_t i = 0; i < pr->sanitizer.n; i++)
            if (pr->sanitizer.v[i][0]) {
                hr_buf_puts(b, "<pre>");
                text(b, pr->sanitizer.v[i]);
                hr_buf_puts(b, "</pre>");
                break;
            }
        hr_buf_puts(b, "</span></td></tr>\n");
        hr_free(results);
    }
    hr_buf_puts(b, "</tbody></table></div>\n");
}

/* postfix_tests - run --postfix-tests: per build counts, the tests that
 * did not pass with their evidence, the skipped ones with reasons */
static void postfix_tests(hr_buf *b, const hr_report *r)
{
    const hr_report_ptests *p = r->ptests;
    size_t judged = 0, findings = 0;

    if (p == NULL)
        return;
    for (size_t i = 0; i < p->ntests; i++) {
        judged += p->tests[i].judged;
        findings += p->tests[i].judged && p->tests[i].verdict != HR_PASS;
    }
    hr_buf_printf(b, "<section id=\"postfix-tests\">\n<h2>Postfix's own "
                     "tests</h2>\n<p>%zu of Postfix's tests ran, one by one "
                     "in a copy of each build's tree (as nobody, without a "
                     "network), and were judged across the builds like "
                     "cases; %zu were skipped, each with its reason. "
                     "%.1f s.</p>\n<div class=\"totals\">",
                  judged, p->skipped, p->seconds);
    for (int v = HR_PASS; v <= HR_HARDWARE; v++) {
        char *count = hr_sprintf(" %zu", p->totals[v]);

        if (p->totals[v] == 0)
            hr_buf_puts(b, "<span class=\"zero\">");
        badge(b, (hr_verdict_kind)v, count);
        if (p->totals[v] == 0)
            hr_buf_puts(b, "</span>");
        hr_free(count);
    }
    hr_buf_puts(b, "</div>\n<div class=\"scroll\"><table class=\"builds\">"
                   "<thead><tr><th>Build</th><th>Ran</th><th>Passed</th>"
                   "<th>Failed</th><th>Note</th></tr></thead>\n<tbody>\n");
    for (size_t i = 0; i < p->nbuilds; i++) {
        const hr_report_ptbuild *pb = &p->builds[i];

        hr_buf_puts(b, "<tr><td data-label=\"Build\"><span>");
        elem(b, "strong", pb->build);
        hr_buf_printf(b, "</span></td><td data-label=\"Ran\"><span>%lld"
                         "</span></td><td data-label=\"Passed\"><span>%lld"
                         "</span></td><td data-label=\"Failed\"><span>%lld"
                         "</span></td><td data-label=\"Note\"><span>",
                      pb->ran, pb->passed, pb->failed);
        text(b, or_dash(pb->note));
        hr_buf_puts(b, "</span></td></tr>\n");
    }
    hr_buf_puts(b, "</tbody></table></div>\n");
    if (findings == 0 && judged > 0)
        hr_buf_puts(b, "<p>Every test that ran passed on every build.</p>\n");
    for (size_t i = 0; i < p->ntests; i++) {
        const hr_report_ptest *t = &p->tests[i];

        if (!t->judged || t->verdict == HR_PASS)
            continue;
        hr_buf_puts(b, "<details class=\"sub\" open><summary>");
        badge(b, t->verdict, NULL);
        hr_buf_puts(b, " ");
        elem(b, "code", t->test);
        hr_buf_puts(b, "</summary>\n<dl class=\"facts\">\n");
        fact(b, "Summary", t->summary);
        if (t->suspect)
            fact(b, "Suspect", t->suspect);
        if (t->flaps.n) {
            char *flaps = hr_strv_join(&t->flaps, "; ");

            fact(b, "Flaps", flaps);
            hr_free(flaps);
        }
        hr_buf_puts(b, "</dl>\n");
        ptest_runs(b, t);
        hr_buf_puts(b, "</details>\n");
    }
    if (p->skipped) {
        hr_buf_printf(b, "<details class=\"sub\"><summary>Skipped (%zu)"
                         "</summary>\n<dl class=\"facts\">\n",
                      p->skipped);
        for (size_t i = 0; i < p->ntests; i++) {
            const hr_report_ptest *t = &p->tests[i];

            if (t->judged)
                continue;
            hr_buf_puts(b, "<dt>");
            elem(b, "code", t->test);
            hr_buf_puts(b, "</dt><dd>");
            text(b, t->skip ? t->skip : "no build ran it");
            hr_buf_puts(b, "</dd>\n");
        }
        hr_buf_puts(b, "</dl></details>\n");
    }
    if (judged > findings) {
        hr_buf_printf(b, "<details class=\"sub\"><summary>Passed (%zu)"
                         "</summary>\n<p>",
                      judged - findings);
        for (size_t i = 0, n = 0; i < p->ntests; i++) {
            const hr_report_ptest *t = &p->tests[i];

            if (!t->judged || t->verdict != HR_PASS)
                continue;
            if (n++)
                hr_buf_puts(b, " ");
            elem(b, "code", t->test);
        }
        hr_buf_puts(b, "</p></details>\n");
    }
    hr_buf_puts(b, "</section>\n");
}

/* hr_report_html - the text of report.html */
int hr_report_html(char **out, const hr_report *r)
{
    hr_buf b = HR_BUF_INIT;
    struct columns cols;
    const hr_report_case **order = hr_calloc(r->ncases + 1, sizeof(*order));

    columns_init(&cols, r);
    for (size_t i = 0; i < r->ncases; i++)
        order[i] = &r->cases[i];
    qsort(order, r->ncases, sizeof(*order), case_order);
    head(&b, r, cols.n);
    header(&b, r);
    hr_buf_puts(&b, "<main>\n");
    builds(&b, r);
    hr_buf_puts(&b, "<section id=\"cases\">\n<h2>Cases</h2>\n");
    legend(&b);
    hr_buf_puts(&b, "<div class=\"matrix\" id=\"matrix\">\n");
    matrix_head(&b, &cols);
    for (size_t i = 0; i < r->ncases; i++)
        case_row(&b, r, order[i], &cols);
    if (r->ncases == 0)
        hr_buf_puts(&b, "<p class=\"mrow muted\">The run had no cases.</p>\n");
    hr_buf_puts(&b, "</div>\n</section>\n");
    postfix_tests(&b, r);
    hr_buf_puts(&b, "</main>\n<footer>Made by pfharness "
                    "from report.json (schema " HR_REPORT_SCHEMA "). Links to "
                    "observation files are relative to the run directory."
                    "</footer>\n</body>\n</html>\n");
    hr_free(order);
    hr_free(cols.v);
    *out = hr_buf_detach(&b);
    return 0;
}

/* hr_report_write_html - report.html, atomically */
int hr_report_write_html(const hr_report *r, const char *path)
{
    char *html = NULL;
    int error;

    if ((error = hr_report_html(&html, r)) < 0)
        return error;
    error = hr_file_write_atomic(path, html, strlen(html), 0644);
    hr_free(html);
    return error;
}

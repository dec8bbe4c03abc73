/*
 * NAME
 *	report/certificate 3
 * SUMMARY
 *	one page that certifies a sweep of many builds
 * SYNOPSIS
 *	#include "report/certificate.h"
 *
 *	int	hr_certificate_html(out, runs, n, o)
 *	int	hr_certificate_write(runs, n, o, path)
 * DESCRIPTION
 *	A sweep ("make sweep", ci/sweep.sh) runs the corpus on every
 *	installed compiler at several optimization levels, once per
 *	Postfix version. hr_certificate_html() renders the reports of
 *	those runs (report(3)) as one self-contained page: whether the
 *	result is clean (every case passed on every build, no build
 *	failed, every Postfix test passed), the machine, the wall time and
 *	the share of it spent compiling, each run's builds made and
 *	reused, the distinct compiler identities (version, path,
 *	SHA-256), and per run a matrix of (case, build) cells coloured by
 *	what they showed: pass, the verdict of a cell that stands apart,
 *	a cell that flapped, a cell that agreed while others did not, a
 *	skipped cell. Every finding is listed with its summary, and a
 *	compiler finding links its compiler-bug bundle when o->bugs_dir
 *	holds one (LABEL-CASE/README.txt, LABEL the Postfix version).
 *
 *	The page has no scripts and fetches nothing (the same
 *	Content-Security-Policy as report.html). Text is escaped by
 *	markup(3).
 * DIAGNOSTICS
 *	hr_certificate_html() returns 0; hr_certificate_write() what
 *	hr_file_write_atomic() returns.
 * SEE ALSO
 *	report(3), report_html(3), ci/sweep.sh.
 */
#include <stdio.h>
#include <string.h>

#include "report/certificate.h"
#include "util/buf.h"
#include "util/fsutil.h"
#include "util/markup.h"
#include "util/mem.h"

static const char css[] =
    ":root{--pass:#009E73;--real-bug:#D55E00;--compiler:#E69F00;"
    "--undefined-behavior:#CC79A7;--library:#56B4E9;--hardware:#0072B2}\n"
    "body{font:15px/1.45 system-ui,sans-serif;margin:1.5rem auto;"
    "max-width:72rem;padding:0 1rem;color:#111}\n"
    "h1{font-size:1.5rem;margin:.2rem 0}h2{font-size:1.15rem;"
    "border-bottom:1px solid #ccc;margin-top:1.6rem}\n"
    ".verdict{font-size:1.1rem;font-weight:600;padding:.5rem .8rem;"
    "border-left:8px solid var(--c);background:#f6f6f6}\n"
    ".clean{--c:var(--pass)}.findings{--c:var(--real-bug)}\n"
    "table{border-collapse:collapse}td,th{padding:.15rem .5rem;"
    "text-align:left;vertical-align:top}\n"
    "table.facts td,table.facts th{border-bottom:1px solid #eee}\n"
    "code{font:13px ui-monospace,monospace}\n"
    ".scroll{overflow-x:auto}\n"
    "table.m{table-layout:fixed}table.m td{width:12px;height:12px;"
    "padding:0;border:1px solid #fff}\n"
    "table.m th.b{writing-mode:vertical-rl;transform:rotate(180deg);"
    "font:11px ui-monospace,monospace;padding:.2rem 0;height:7.5rem;"
    "white-space:nowrap}\n"
    "table.m th.c{font:11px ui-monospace,monospace;padding:0 .4rem 0 0;"
    "white-space:nowrap}\n"
    "table.m th.g{border-left:2px solid #999}td.g{border-left:2px solid "
    "#999!important}\n"
    ".p{background:var(--pass)}.a{background:#cfe9df}"
    ".s{background:#f4f4f4}\n"
    ".x-real-bug{background:var(--real-bug)}"
    ".x-compiler{background:var(--compiler)}"
    ".x-undefined-behavior{background:var(--undefined-behavior)}"
    ".x-library{background:var(--library)}"
    ".x-hardware{background:var(--hardware)}\n"
    ".key span{display:inline-block;width:12px;height:12px;"
    "vertical-align:middle;margin:0 .3rem 0 1rem}\n"
    ".muted{color:#666}\n";

/* text - escaped element content */
static void text(hr_buf *b, const char *s)
{
    hr_markup_puts(b, s ? s : "", 0);
}

/* attr - NAME="escaped value" with a leading space */
static void attr(hr_buf *b, const char *name, const char *value)
{
    hr_buf_printf(b, " %s=\"", name);
    hr_markup_puts(b, value ? value : "", HR_MARKUP_ATTR);
    hr_buf_putc(b, '"');
}

/* findings - cases not passing, failed builds, Postfix tests not passing */
static size_t findings(const hr_report *r)
{
    size_t n = r->ncases - r->totals[HR_PASS] + r->failed_variants.n;

    if (r->ptests)
        for (size_t i = 0; i < r->ptests->ntests; i++)
            n += r->ptests->tests[i].judged &&
                 r->ptests->tests[i].verdict != HR_PASS;
    return n;
}

/* built - builds this run made (not found in the cache) */
static size_t built(const hr_report *r)
{
    size_t n = 0;

    for (size_t b = 0; b < r->nbuilds; b++)
        n += !r->builds[b]->cached;
    return n;
}

/* cell_class - what one (case, build) cell showed, as a class */
static char *cell_class(const hr_report_case *c, const char *build)
{
    int seen = 0, flap = 0, apart = 0, miss = 0;

    for (size_t i = 0; i < c->ncells; i++) {
        const hr_report_cell *cell = &c->cells[i];

        if (strcmp(cell->build, build) != 0 || cell->skipped)
            continue;
        seen = 1;
        flap |= cell->flapping;
        apart |= hr_strv_find(&c->differing, cell->label) >= 0 ||
                 hr_strv_find(&c->differing, cell->libenv) >= 0;
        miss |= !cell->expect_ok;
    }
    if (!seen)
        return hr_strdup("s");
    if (c->verdict == HR_PASS)
        return hr_strdup("p");
    if (flap)
        return hr_strdup("x-hardware");
    if (apart || miss)
        return hr_sprintf("x-%s", hr_verdict_name(c->verdict));
    return hr_strdup("a");
}

/* compiler_group - the compiler part of a build label, "" without one */
static const char *compiler_group(const char *variant)
{
    const char *blank = strchr(variant, ' ');

    return blank ? blank + 1 : "";
}

/* matrix - one run's (case, build) cells */
static void matrix(hr_buf *b, const hr_report *r)
{
    hr_buf_puts(b, "<div class=\"scroll\"><table class=\"m\"><thead><tr>"
                   "<th></th>");
    for (size_t k = 0; k < r->nbuilds; k++) {
        const char *v = r->builds[k]->variant;
        int group = k > 0 && strcmp(compiler_group(v),
                                    compiler_group(r->builds[k - 1]->variant));

        hr_buf_printf(b, "<th class=\"b%s\"", group ? " g" : "");
        attr(b, "title", r->builds[k]->cc_version);
        hr_buf_puts(b, ">");
        text(b, v);
        hr_buf_puts(b, "</th>");
    }
    hr_buf_puts(b, "</tr></thead>\n<tbody>\n");
    for (size_t i = 0; i < r->ncases; i++) {
        const hr_report_case *c = &r->cases[i];

        hr_buf_puts(b, "<tr><th class=\"c\">");
        text(b, c->name);
        hr_buf_puts(b, "</th>");
        for (size_t k = 0; k < r->nbuilds; k++) {
            const char *v = r->builds[k]->variant;
            int group = k > 0 &&
                        strcmp(compiler_group(v),
                               compiler_group(r->builds[k - 1]->variant));
            char *cls = cell_class(c, v);

            hr_buf_printf(b, "<td class=\"%s%s\"", cls, group ? " g" : "");
            if (cls[0] == 'x') {
                char *title = hr_sprintf("%s on %s: %s", c->name, v,
                                         hr_verdict_name(c->verdict));

                attr(b, "title", title);
                hr_free(title);
            }
            hr_buf_puts(b, "></td>");
            hr_free(cls);
        }
        hr_buf_puts(b, "</tr>\n");
    }
    hr_buf_puts(b, "</tbody></table></div>\n");
}

/* compilers - the distinct compiler identities of every run */
static void compilers(hr_buf *b, const hr_report *const *runs, size_t n)
{
    hr_strv seen = HR_STRV_INIT;

    hr_buf_puts(b, "<h2>Compilers</h2>\n<table class=\"facts\"><thead><tr>"
                   "<th>Version</th><th>Path</th><th>SHA-256</th></tr>"
                   "</thead><tbody>\n");
    for (size_t i = 0; i < n; i++)
        for (size_t k = 0; k < runs[i]->nbuilds; k++) {
            const hr_build *bd = runs[i]->builds[k];

            if (bd->cc_sha256 == NULL ||
                hr_strv_find(&seen, bd->cc_sha256) >= 0)
                continue;
            hr_strv_add(&seen, bd->cc_sha256);
            hr_buf_puts(b, "<tr><td>");
            text(b, bd->cc_version);
            hr_buf_puts(b, "</td><td><code>");
            text(b, bd->cc_path);
            hr_buf_puts(b, "</code></td><td><code>");
            text(b, bd->cc_sha256);
            hr_buf_puts(b, "</code></td></tr>\n");
        }
    hr_buf_puts(b, "</tbody></table>\n");
    hr_strv_release(&seen);
}

/* plain_path - a relative path of plain bytes, without ".." */
static int plain_path(const char *p)
{
    if (*p == 0 || *p == '/' || strstr(p, ".."))
        return 0;
    for (; *p; p++)
        if (!(*p >= 'a' && *p <= 'z') && !(*p >= 'A' && *p <= 'Z') &&
            !(*p >= '0' && *p <= '9') && !strchr("._-/+", *p))
            return 0;
    return 1;
}

/* bug_link - the compiler-bug bundle of a finding, when there is one */
static void bug_link(hr_buf *b, const hr_report *r, const hr_report_case *c,
                     const hr_certificate_opts *o)
{
    char *rel, *abs;

    if (o->bugs_dir == NULL || c->verdict != HR_COMPILER)
        return;
    rel = hr_sprintf("%s/%s-%s/README.txt", o->bugs_dir,
                     r->source_version ? r->source_version : "", c->name);
    abs = o->page_dir ? hr_path_join(o->page_dir, rel) : hr_strdup(rel);
    if (plain_path(rel) && hr_is_file(abs)) {
        hr_buf_puts(b, " <a");
        attr(b, "href", rel);
        hr_buf_puts(b, ">compiler-bug bundle</a>");
    } else {
        hr_buf_puts(b, " <span class=\"muted\">(no compiler-bug bundle)"
                       "</span>");
    }
    hr_free(rel);
    hr_free(abs);
}

/* hr_certificate_html - the page */
int hr_certificate_html(char **out, const hr_report *const *runs, size_t n,
                        const hr_certificate_opts *o)
{
    hr_buf b = HR_BUF_INIT;
    size_t total_findings = 0, cells = 0, skipped = 0;
    double sum = 0, compiling = 0, wall;
    const hr_report *first = n ? runs[0] : NULL;

    for (size_t i = 0; i < n; i++) {
        total_findings += findings(runs[i]);
        for (size_t k = 0; k < runs[i]->ncases; k++)
            for (size_t bi = 0; bi < runs[i]->nbuilds; bi++) {
                char *cls = cell_class(&runs[i]->cases[k],
                                       runs[i]->builds[bi]->variant);

                if (cls[0] == 's')
                    skipped++;
                else
                    cells++;
                hr_free(cls);
            }
        sum += runs[i]->seconds;
        compiling += runs[i]->build_seconds;
    }
    wall = o->wall_seconds >= 0 ? o->wall_seconds : sum;
    hr_buf_puts(&b, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n"
                    "<meta charset=\"utf-8\">\n"
                    "<meta name=\"viewport\" content=\"width=device-width, "
                    "initial-scale=1\">\n"
                    "<meta http-equiv=\"Content-Security-Policy\" "
                    "content=\"default-src 'none'; style-src 'unsafe-inline'"
                    "\">\n<meta name=\"generator\" content=\"pfharness\">\n"
                    "<title>pfharness sweep certificate</title>\n<style>\n");
    hr_buf_puts(&b, css);
    hr_buf_puts(&b, "</style>\n</head>\n<body>\n<h1>pfharness sweep "
                    "certificate</h1>\n");
    if (total_findings == 0 && n > 0)
        hr_buf_printf(&b, "<p class=\"verdict clean\">Clean: every case "
                          "passed on every build: %zu (case, build) cells "
                          "in %zu run%s, no build failed.%s</p>\n",
                      cells, n, n == 1 ? "" : "s",
                      skipped ? " Cells where a case does not apply (func "
                                "cases on static builds) are not counted."
                              : "");
    else
        hr_buf_printf(&b, "<p class=\"verdict findings\">Not clean: %zu "
                          "finding%s in %zu (case, build) cells of %zu "
                          "run%s; each is listed below.</p>\n",
                      total_findings, total_findings == 1 ? "" : "s", cells,
                      n, n == 1 ? "" : "s");

    hr_buf_puts(&b, "<h2>Machine and time</h2>\n<table class=\"facts\">\n");
    if (first) {
        char *cpu = hr_sprintf("%s \u00d7 %d", first->machine.cpu
                                                   ? first->machine.cpu
                                                   : "?",
                               first->machine.cpus);

        hr_buf_puts(&b, "<tr><th>Started</th><td>");
        text(&b, first->started);
        hr_buf_puts(&b, "</td></tr>\n<tr><th>Kernel</th><td>");
        text(&b, first->machine.kernel);
        hr_buf_puts(&b, "</td></tr>\n<tr><th>C library</th><td>");
        text(&b, first->machine.libc);
        hr_buf_puts(&b, "</td></tr>\n<tr><th>CPU</th><td>");
        text(&b, cpu);
        hr_buf_puts(&b, "</td></tr>\n<tr><th>EDAC</th><td>");
        text(&b, first->edac_note);
        hr_buf_puts(&b, "</td></tr>\n");
        hr_free(cpu);
    }
    hr_buf_printf(&b, "<tr><th>Wall time</th><td>%.0f s (%.1f h)</td></tr>\n"
                      "<tr><th>Compiling</th><td>%.0f s, %.0f%% of the "
                      "wall time</td></tr>\n</table>\n",
                  wall, wall / 3600, compiling,
                  wall > 0 ? 100 * compiling / wall : 0);

    hr_buf_puts(&b, "<h2>Runs</h2>\n<table class=\"facts\"><thead><tr>"
                    "<th>Postfix</th><th>Builds (made, reused)</th>"
                    "<th>Cases</th><th>Reps</th><th>Building</th>"
                    "<th>Replaying</th><th>Run</th><th>Findings</th>"
                    "</tr></thead><tbody>\n");
    for (size_t i = 0; i < n; i++) {
        const hr_report *r = runs[i];

        hr_buf_puts(&b, "<tr><td>");
        text(&b, r->source_version);
        hr_buf_printf(&b, "</td><td>%zu (%zu, %zu)%s</td><td>%zu</td>"
                          "<td>%d</td><td>%.0f s</td><td>%.0f s</td>"
                          "<td>%.0f s</td><td>%zu</td></tr>\n",
                      r->nbuilds, built(r), r->nbuilds - built(r),
                      r->failed_variants.n ? ", some failed" : "",
                      r->ncases, r->reps, r->build_seconds,
                      r->replay_seconds, r->seconds, findings(r));
    }
    hr_buf_puts(&b, "</tbody></table>\n");
    compilers(&b, runs, n);

    hr_buf_puts(&b, "<h2>Findings</h2>\n");
    if (total_findings == 0)
        hr_buf_puts(&b, "<p>None.</p>\n");
    else
        hr_buf_puts(&b, "<ul>\n");
    for (size_t i = 0; i < n; i++) {
        const hr_report *r = runs[i];

        for (size_t f = 0; f < r->failed_variants.n; f++) {
            hr_buf_puts(&b, "<li>");
            text(&b, r->source_version);
            hr_buf_puts(&b, ": build <strong>");
            text(&b, r->failed_variants.v[f]);
            hr_buf_puts(&b, "</strong> failed: <code>");
            text(&b, r->failed_errors.v[f]);
            hr_buf_puts(&b, "</code></li>\n");
        }
        for (size_t k = 0; k < r->ncases; k++) {
            const hr_report_case *c = &r->cases[k];

            if (c->verdict == HR_PASS)
                continue;
            hr_buf_puts(&b, "<li>");
            text(&b, r->source_version);
            hr_buf_puts(&b, ": <strong>");
            text(&b, c->name);
            hr_buf_printf(&b, "</strong> %s: ", hr_verdict_name(c->verdict));
            text(&b, c->summary);
            bug_link(&b, r, c, o);
            hr_buf_puts(&b, "</li>\n");
        }
        for (size_t k = 0; r->ptests && k < r->ptests->ntests; k++) {
            const hr_report_ptest *t = &r->ptests->tests[k];

            if (!t->judged || t->verdict == HR_PASS)
                continue;
            hr_buf_puts(&b, "<li>");
            text(&b, r->source_version);
            hr_buf_puts(&b, ": Postfix test <strong>");
            text(&b, t->test);
            hr_buf_printf(&b, "</strong> %s: ", hr_verdict_name(t->verdict));
            text(&b, t->summary);
            hr_buf_puts(&b, "</li>\n");
        }
    }
    if (total_findings)
        hr_buf_puts(&b, "</ul>\n");

    for (size_t i = 0; i < n; i++) {
        hr_buf_puts(&b, "<h2>Postfix ");
        text(&b, runs[i]->source_version);
        hr_buf_puts(&b, ": cases \u00d7 builds</h2>\n<p class=\"key\">"
                        "<span class=\"p\"></span>pass"
                        "<span class=\"a\"></span>agrees while others "
                        "differ<span class=\"x-compiler\"></span>stands "
                        "apart (the verdict's colour)"
                        "<span class=\"x-hardware\"></span>flapped"
                        "<span class=\"s\"></span>skipped</p>\n");
        matrix(&b, runs[i]);
    }
    hr_buf_puts(&b, "<p class=\"muted\">Made by pfharness report "
                    "--certificate from the runs' report.json.</p>\n"
                    "</body>\n</html>\n");
    *out = hr_buf_detach(&b);
    return 0;
}

/* hr_certificate_write - the page, atomically */
int hr_certificate_write(const hr_report *const *runs, size_t n,
                         const hr_certificate_opts *o, const char *path)
{
    char *html = NULL;
    int error;

    if ((error = hr_certificate_html(&html, runs, n, o)) < 0)
        return error;
    error = hr_file_write_atomic(path, html, strlen(html), 0644);
    hr_free(html);
    return error;
}

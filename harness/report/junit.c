/*
 * NAME
 *	report/junit 3
 * SUMMARY
 *	junit.xml: one testcase per case
 * SYNOPSIS
 *	#include "report/junit.h"
 *
 *	int	hr_report_junit(out, r)
 *	int	hr_report_write_junit(r, path)
 * DESCRIPTION
 *	hr_report_junit() renders a report (report(3)) as JUnit XML, the
 *	format CI systems show as test results: a new string, free it
 *	with hr_free(). hr_report_write_junit() writes it to path
 *	atomically.
 *
 *	<testsuites> holds one <testsuite name="pfharness"> with the run's
 *	facts as <properties>, then one <testcase> per case in report
 *	order: classname "pfharness.KIND" (smtp, probe), the case's name,
 *	and the time its repetitions took. A case whose verdict is not
 *	pass has a <failure> whose type is the verdict and whose message
 *	is "VERDICT: SUMMARY"; its text is the first HR_JUNIT_DIFF_LINES
 *	lines of the diff (else the expectation mismatch, else the
 *	summary). A case that every build skipped has <skipped/>.
 *	<system-out> holds the summary and the evidence: suspect,
 *	differing cells, the pair, first log findings, UB reports and,
 *	for hardware verdicts, the EDAC note.
 *
 *	With run --postfix-tests, a second <testsuite name="postfix-tests">
 *	holds one <testcase> per Postfix test: classname "postfix.DIR",
 *	name TARGET; a skipped test has <skipped message="REASON"/>, one
 *	judged other than pass a <failure> like a case's, whose text is
 *	each build's results.
 *
 *	The output depends on the report only. Text is escaped by
 *	markup(3): control characters that XML cannot carry are shown as
 *	control pictures, bytes that are not UTF-8 as U+FFFD.
 * DIAGNOSTICS
 *	hr_report_junit() returns 0. hr_report_write_junit() returns what
 *	hr_file_write_atomic() returns.
 * SEE ALSO
 *	report(3), report_json(3), markup(3).
 */
#include <stdio.h>
#include <string.h>

#include "report/junit.h"
#include "util/buf.h"
#include "util/fsutil.h"
#include "util/markup.h"
#include "util/mem.h"

/* attr - NAME="escaped value" with a leading space */
static void attr(hr_buf *b, const char *name, const char *value)
{
    hr_buf_printf(b, " %s=\"", name);
    hr_markup_puts(b, value, HR_MARKUP_ATTR);
    hr_buf_putc(b, '"');
}

/* property - one <property>, when the value is known */
static void property(hr_buf *b, const char *name, const char *value)
{
    if (value == NULL)
        return;
    hr_buf_puts(b, "      <property");
    attr(b, "name", name);
    attr(b, "value", value);
    hr_buf_puts(b, "/>\n");
}

/* properties - the run's facts */
static void properties(hr_buf *b, const hr_report *r)
{
    hr_buf_puts(b, "    <properties>\n");
    property(b, "run_id", r->run_id);
    property(b, "command", r->command);
    property(b, "source_version", r->source_version);
    property(b, "source_commit", r->source_commit);
    property(b, "kernel", r->machine.kernel);
    property(b, "libc", r->machine.libc);
    property(b, "edac", r->edac_note);
    hr_buf_puts(b, "    </properties>\n");
}

/* diff_head - the first lines of a diff, and how many were left out */
static void diff_head(hr_buf *b, const char *diff)
{
    const char *p = diff;
    size_t lines = 0, more = 0;

    while (*p) {
        size_t n = strcspn(p, "\n");

        if (lines < HR_JUNIT_DIFF_LINES) {
            hr_markup_put(b, p, n, 0);
            hr_buf_putc(b, '\n');
            lines++;
        } else {
            more++;
        }
        p += n + (p[n] == '\n');
    }
    if (more)
        hr_buf_printf(b, "[%zu more line%s in report.json]\n", more,
                      more == 1 ? "" : "s");
}

/* failure_text - the diff's head, else a mismatch, else the summary */
static void failure_text(hr_buf *b, const hr_report_case *c)
{
    if (c->diff && *c->diff) {
        diff_head(b, c->diff);
        return;
    }
    for (size_t i = 0; i < c->ncells; i++) {
        if (c->cells[i].mismatch && *c->cells[i].mismatch) {
            hr_markup_puts(b, c->cells[i].label, 0);
            hr_buf_puts(b, ": ");
            diff_head(b, c->cells[i].mismatch);
            return;
        }
    }
    hr_markup_puts(b, c->summary, 0);
}

/* out_line - "label: value\n" in <system-out>, when value is known */
static void out_line(hr_buf *b, const char *label, const char *value)
{
    if (value == NULL || *value == 0)
        return;
    hr_buf_printf(b, "%s: ", label);
    hr_markup_puts(b, value, 0);
    hr_buf_putc(b, '\n');
}

/* system_out - the summary and the evidence; nothing when there is
 * neither */
static void system_out(hr_buf *b, const hr_report *r, const hr_report_case *c)
{
    char *differing = hr_strv_join(&c->differing, ", ");
    hr_buf text = HR_BUF_INIT;

    if (c->summary) {
        hr_markup_puts(&text, c->summary, 0);
        hr_buf_putc(&text, '\n');
    }
    out_line(&text, "suspect", c->suspect);
    out_line(&text, "undecided", c->undecided_why);
    for (size_t i = 0; i < c->also.n; i++)
        out_line(&text, "also", c->also.v[i]);
    for (size_t i = 0; i < c->flaps.n; i++)
        out_line(&text, "flap rate", c->flaps.v[i]);
    out_line(&text, "differing", differing);
    if (c->left && c->right) {
        char *pair = hr_sprintf("%s vs %s", c->left, c->right);

        out_line(&text, "pair", pair);
        hr_free(pair);
    }
    out_line(&text, "first finding, left", c->left_finding);
    out_line(&text, "first finding, right", c->right_finding);
    for (size_t i = 0; i < c->ub_reports.n; i++)
        out_line(&text, "undefined behaviour", c->ub_reports.v[i]);
    if (c->verdict == HR_HARDWARE)
        out_line(&text, "edac", r->edac_note);
    if (c->reduced_file) {
        char *red = hr_sprintf("%s (%lld client lines, from %lld)",
                               c->reduced_file, c->reduced_after,
                               c->reduced_before);

        out_line(&text, "reduced", red);
        hr_free(red);
    }
    if (text.len) {
        hr_buf_puts(b, "      <system-out>");
        hr_buf_put(b, text.ptr, text.len);
        hr_buf_puts(b, "</system-out>\n");
    }
    hr_buf_release(&text);
    hr_free(differing);
}

/* all_skipped - every build skipped the case */
static int all_skipped(const hr_report_case *c)
{
    for (size_t i = 0; i < c->ncells; i++)
        if (!c->cells[i].skipped)
            return 0;
    return c->ncells > 0;
}

/* testcase - one case */
static void testcase(hr_buf *b, const hr_report *r, const hr_report_case *c)
{
    const char *verdict = hr_verdict_name(c->verdict);
    char *classname = hr_sprintf("pfharness.%s", c->kind ? c->kind : "case");
    char *time = hr_sprintf("%.3f", c->seconds);

    hr_buf_puts(b, "    <testcase");
    attr(b, "classname", classname);
    attr(b, "name", c->name);
    attr(b, "time", time);
    hr_buf_puts(b, ">\n");
    if (c->verdict != HR_PASS) {
        char *message = c->summary ? hr_sprintf("%s: %s", verdict, c->summary)
                                   : hr_strdup(verdict);

        hr_buf_puts(b, "      <failure");
        attr(b, "message", message);
        attr(b, "type", verdict);
        hr_buf_puts(b, ">");
        failure_text(b, c);
        hr_buf_puts(b, "</failure>\n");
        hr_free(message);
    } else if (all_skipped(c)) {
        hr_buf_puts(b,
                    "      <skipped message=\"no build runs this case\"/>\n");
    }
    system_out(b, r, c);
    hr_buf_puts(b, "    </testcase>\n");
    hr_free(classname);
    hr_free(time);
}

/* ptest_case - one Postfix test */
static void ptest_case(hr_buf *b, const hr_report_ptest *t)
{
    const char *slash = strchr(t->test, '/');
    char *classname = hr_sprintf("postfix.%.*s", (int)(slash - t->test),
                                 t->test);

    hr_buf_puts(b, "    <testcase");
    attr(b, "classname", classname);
    attr(b, "name", slash + 1);
    hr_buf_puts(b, " time=\"0\">\n");
    if (t->skip) {
        hr_buf_puts(b, "      <skipped");
        attr(b, "message", t->skip);
        hr_buf_puts(b, "/>\n");
    } else if (!t->judged) {
        hr_buf_puts(b, "      <skipped message=\"no build ran it\"/>\n");
    } else if (t->verdict != HR_PASS) {
        const char *verdict = hr_verdict_name(t->verdict);
        char *message = t->summary ? hr_sprintf("%s: %s", verdict, t->summary)
                                   : hr_strdup(verdict);

        hr_buf_puts(b, "      <failure");
        attr(b, "message", message);
        attr(b, "type", verdict);
        hr_buf_puts(b, ">");
        if (t->suspect) {
            hr_markup_puts(b, "suspect: ", 0);
            hr_markup_puts(b, t->suspect, 0);
            hr_buf_putc(b, '\n');
        }
        for (size_t k = 0; k < t->nruns; k++) {
            char *results = hr_strv_join(&t->runs[k].results, ", ");

            hr_markup_puts(b, t->runs[k].build, 0);
            hr_markup_puts(b, ": ", 0);
            hr_markup_puts(b, results, 0);
            hr_buf_putc(b, '\n');
            hr_free(results);
        }
        hr_buf_puts(b, "</failure>\n");
        hr_free(message);
    }
    hr_buf_puts(b, "    </testcase>\n");
    hr_free(classname);
}

/* ptest_suite - the Postfix tests' testsuite */
static void ptest_suite(hr_buf *b, const hr_report_ptests *p)
{
    size_t failures = 0;

    for (size_t i = 0; i < p->ntests; i++)
        failures += p->tests[i].judged && p->tests[i].verdict != HR_PASS;
    hr_buf_printf(b,
                  "  <testsuite name=\"postfix-tests\" tests=\"%zu\" "
                  "failures=\"%zu\" errors=\"0\" skipped=\"%zu\" "
                  "time=\"%.3f\">\n",
                  p->ntests, failures, p->skipped, p->seconds);
    for (size_t i = 0; i < p->ntests; i++)
        ptest_case(b, &p->tests[i]);
    hr_buf_puts(b, "  </testsuite>\n");
}

/* hr_report_junit - the text of junit.xml */
int hr_report_junit(char **out, const hr_report *r)
{
    hr_buf b = HR_BUF_INIT;
    size_t failures = 0, skipped = 0, all_tests, all_failures, all_skipped_n;
    double seconds = 0;
    char *head, *top;

    /* A build that could not be made is a failed test of its own. */
    failures = r->failed_variants.n;
    for (size_t i = 0; i < r->ncases; i++) {
        failures += r->cases[i].verdict != HR_PASS;
        skipped += r->cases[i].verdict == HR_PASS && all_skipped(&r->cases[i]);
        seconds += r->cases[i].seconds;
    }
    head = hr_sprintf(" tests=\"%zu\" failures=\"%zu\" errors=\"0\"",
                      r->ncases + r->failed_variants.n, failures);
    all_tests = r->ncases + r->failed_variants.n;
    all_failures = failures;
    all_skipped_n = skipped;
    if (r->ptests) {
        all_tests += r->ptests->ntests;
        all_skipped_n += r->ptests->skipped;
        for (size_t i = 0; i < r->ptests->ntests; i++)
            all_failures += r->ptests->tests[i].judged &&
                            r->ptests->tests[i].verdict != HR_PASS;
    }
    top = r->ptests ? hr_sprintf(" tests=\"%zu\" failures=\"%zu\" "
                                 "errors=\"0\" skipped=\"%zu\"",
                                 all_tests, all_failures, all_skipped_n)
                    : hr_strdup(head);
    hr_buf_puts(&b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    hr_buf_printf(&b, "<testsuites name=\"pfharness\"%s time=\"%.3f\">\n", top,
                  seconds + (r->ptests ? r->ptests->seconds : 0));
    hr_buf_printf(&b,
                  "  <testsuite name=\"pfharness\"%s skipped=\"%zu\" "
                  "time=\"%.3f\"",
                  head, skipped, seconds);
    if (r->started)
        attr(&b, "timestamp", r->started);
    hr_buf_puts(&b, ">\n");
    properties(&b, r);
    for (size_t i = 0; i < r->failed_variants.n; i++) {
        hr_buf_puts(&b, "    <testcase classname=\"pfharness.build\"");
        attr(&b, "name", r->failed_variants.v[i]);
        hr_buf_puts(&b, " time=\"0\">\n      <failure");
        attr(&b, "message", "the build failed");
        hr_buf_puts(&b, " type=\"build\">");
        hr_markup_puts(&b, r->failed_errors.v[i], 0);
        hr_buf_puts(&b, "</failure>\n    </testcase>\n");
    }
    for (size_t i = 0; i < r->ncases; i++)
        testcase(&b, r, &r->cases[i]);
    hr_buf_puts(&b, "  </testsuite>\n");
    if (r->ptests)
        ptest_suite(&b, r->ptests);
    hr_buf_puts(&b, "</testsuites>\n");
    hr_free(top);
    hr_free(head);
    *out = hr_buf_detach(&b);
    return 0;
}

/* hr_report_write_junit - junit.xml, atomically */
int hr_report_write_junit(const hr_report *r, const char *path)
{
    char *text = NULL;
    int error;

    if ((error = hr_report_junit(&text, r)) < 0)
        return error;
    error = hr_file_write_atomic(path, text, strlen(text), 0644);
    hr_free(text);
    return error;
}

/*
 * NAME
 *	verdict/evidence 3
 * SUMMARY
 *	what a verdict shows: the observed expectation, the diff of the
 *	representative pair, the sanitizer findings
 * SYNOPSIS
 *	#include "verdict/evidence.h"
 *
 *	char	*hr_evidence_expectation(c, o)
 *	int	hr_evidence_diff(out, left, left_label, right, right_label)
 *	void	hr_evidence_findings(out, o)
 *	char	*hr_evidence_func_inputs(left, left_label, right, right_label,
 *		    function)
 * DESCRIPTION
 *	hr_evidence_expectation() renders an observation in the form of the
 *	case's expectation, so that a real-bug verdict can show a diff
 *	against what was recorded: an smtp case's "transcript" section, or
 *	a probe case's DSN records as "expect RCPT ACTION STATUS [TEXT]"
 *	lines; with a golden, the whole observation (without sanitizer
 *	findings), as the golden holds it.
 *
 *	hr_evidence_diff() is a unified diff (libgit2, through gitrepo(3))
 *	with HR_EVIDENCE_CONTEXT lines of context.
 *
 *	hr_evidence_findings() adds an observation's sanitizer findings to
 *	out, each once.
 *
 *	hr_evidence_func_inputs() compares two observations of a func case
 *	input by input (the "N ARGS => RESULT" lines of their "func"
 *	sections) and says where they differ first: "valid_hostname
 *	differs on 12 of 2413 inputs, first 4, 77, 310; input 4: "a..."
 *	0 => ret=1 (O0/plain), ret=0 (O2/plain)", a line in all. NULL when
 *	they agree input by input.
 * SEE ALSO
 *	verdict(3), observe/obs(3).
 */
#include <string.h>
#include "source/gitrepo.h"
#include "util/buf.h"
#include "util/mem.h"
#include "verdict/evidence.h"

/* field - the rest of the line after "\nNAME: " within [p, next) */
static char *field(const char *p, const char *next, const char *name)
{
    char *key = hr_sprintf("\n%s: ", name);
    const char *at = strstr(p, key);
    char *out = NULL;

    if (at && (next == NULL || at < next)) {
        at += strlen(key);
        out = hr_strndup(at, strcspn(at, "\n"));
    }
    hr_free(key);
    return out;
}

/* hr_evidence_expectation - an observation in the expectation's form */
char *hr_evidence_expectation(const hr_case *c, const hr_obs *o)
{
    hr_buf b = HR_BUF_INIT;
    const char *p;

    if (c->golden)
        return hr_strdup(hr_obs_behaviour(o));

    if (c->kind == HR_CASE_SMTP)
        return hr_strdup(hr_obs_section(o, "transcript"));
    /* Records: "Final-Recipient: rfc822; X" ... "Action:" "Status:"
     * "Diagnostic-Code: type; text" */
    for (p = hr_obs_section(o, "dsn"); *p;) {
        const char *fr = strstr(p, "Final-Recipient: ");
        const char *next, *semi;
        char *rcpt = NULL, *a, *s, *d;

        if (fr == NULL)
            break;
        next = strstr(fr + 1, "Final-Recipient: ");
        semi = strchr(fr, ';');
        if (semi && (next == NULL || semi < next))
            rcpt = hr_strndup(semi + 2, strcspn(semi + 2, "\n"));
        a = field(fr, next, "Action");
        s = field(fr, next, "Status");
        if ((d = field(fr, next, "Diagnostic-Code")) != NULL) {
            char *sc = strchr(d, ';');

            if (sc) {
                char *t = hr_strdup(sc[1] ? sc + 2 : sc + 1);

                hr_free(d);
                d = t;
            }
        }
        hr_buf_printf(&b, "expect %s %s %s%s%s\n", rcpt ? rcpt : "?",
                      a ? a : "?", s ? s : "?", d ? " " : "", d ? d : "");
        hr_free(rcpt);
        hr_free(a);
        hr_free(s);
        hr_free(d);
        if (next == NULL)
            break;
        p = next;
    }
    return hr_buf_detach(&b);
}

/* hr_evidence_diff - a unified diff of two texts */
int hr_evidence_diff(char **out, const char *left, const char *left_label,
                     const char *right, const char *right_label)
{
    hr_buf diff = HR_BUF_INIT;
    int error = hr_gitrepo_diff_buffers(&diff, left, left_label, right,
                                        right_label, HR_EVIDENCE_CONTEXT);

    *out = hr_buf_detach(&diff);
    return error;
}

/* hr_evidence_findings - an observation's sanitizer findings, each once */
void hr_evidence_findings(hr_strv *out, const hr_obs *o)
{
    const hr_strv *ub = hr_obs_ub(o);

    for (size_t k = 0; k < ub->n; k++)
        if (hr_strv_find(out, ub->v[k]) < 0)
            hr_strv_add(out, ub->v[k]);
}

/* func_lines - the input lines of a func observation: number -> line */
static void func_lines(hr_strv *out, const char *obs)
{
    const char *p = strstr(obs ? obs : "", "== func\n");

    if (p == NULL)
        return;
    p += 8;
    p += strcspn(p, "\n");         /* the library and signature line */
    while (*p == '\n' && p[1] && strncmp(p + 1, "== ", 3) != 0) {
        size_t n;

        p++;
        n = strcspn(p, "\n");
        hr_strv_add_owned(out, hr_strndup(p, n));
        p += n;
    }
}

/* after_arrow - the result part of an input line */
static const char *after_arrow(const char *line)
{
    const char *a = strstr(line, " =>");

    return a ? a + 3 + (a[3] == ' ') : line;
}

/* hr_evidence_func_inputs - the first inputs on which two func
 * observations differ */
char *hr_evidence_func_inputs(const char *left, const char *left_label,
                              const char *right, const char *right_label,
                              const char *function)
{
    hr_strv l = HR_STRV_INIT, r = HR_STRV_INIT;
    hr_buf b = HR_BUF_INIT;
    size_t n, differ = 0, shown = 0, first = 0;

    func_lines(&l, left);
    func_lines(&r, right);
    n = l.n > r.n ? l.n : r.n;
    for (size_t i = 0; i < n; i++) {
        const char *x = i < l.n ? l.v[i] : "", *y = i < r.n ? r.v[i] : "";

        if (strcmp(x, y) == 0)
            continue;
        if (differ++ == 0)
            first = i;
        if (shown < 5) {
            hr_buf_printf(&b, shown ? ", %.*s" : "%.*s",
                          (int)strcspn(*x ? x : y, " "), *x ? x : y);
            shown++;
        }
    }
    if (differ == 0) {
        hr_buf_release(&b);
        hr_strv_release(&l);
        hr_strv_release(&r);
        return NULL;
    }
    {
        const char *x = first < l.n ? l.v[first] : "(none)";
        const char *y = first < r.n ? r.v[first] : "(none)";
        const char *arrow = strstr(x, " =>");
        size_t args = arrow ? (size_t)(arrow - x) : strlen(x);
        char *list = hr_buf_detach(&b);

        hr_buf_printf(&b, "%s differs on %zu of %zu inputs, first %s; input "
                      "%.*s => %.160s (%s), %.160s (%s)",
                      function, differ, n, list,
                      (int)(args < 200 ? args : 200), x,
                      after_arrow(x), left_label, after_arrow(y),
                      right_label);
        hr_free(list);
    }
    hr_strv_release(&l);
    hr_strv_release(&r);
    return hr_buf_detach(&b);
}

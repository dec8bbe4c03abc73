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

/*
 * NAME
 *	replay/caserun 3
 * SUMMARY
 *	run one case once on an instance, observe, check
 * SYNOPSIS
 *	#include "replay/caserun.h"
 *
 *	int	hr_caserun(out, instance, case)
 *	int	hr_caserun_observe(out, instance, case, material)
 *	void	hr_caserun_result_release(r)
 *	char	*hr_caserun_expected(case)
 *	char	*hr_caserun_check_probe(case, mail, nmail)
 *	void	hr_caserun_check_golden(events, case, model)
 * DESCRIPTION
 *	hr_caserun() gives the sink the case's rules, replays the SMTP
 *	session or runs the probe, waits until the instance has no mail in
 *	flight (hr_instance_settle), fences the maillog with a mark, takes
 *	the delivered mail, the sink's record and any sanitizer report,
 *	and turns them into one normalized observation (observe(3)); the
 *	raw maillog lines of the case are kept too (escalation reads
 *	them). It
 *	then checks the result against the case's recorded expectation:
 *	the replies of an SMTP case (globs), the per-recipient DSN records
 *	of a probe, and, when the case has a golden (pfharness record), the
 *	whole normalized observation. Finally the instance is reset, so that no mail of this
 *	case reaches the next one.
 *
 *	Mail that does not settle in time is an observation ("! ..."), not
 *	an error: a hanging daemon is Postfix behaviour to report.
 *
 *	hr_caserun_observe() is hr_caserun()'s second half: it observes
 *	and checks a case run's material however it was gathered (a batch,
 *	batch(3), divides one settle's material among its cases).
 *
 *	hr_caserun_check_golden() appends to events "FILE:LINE: the
 *	observation differs from the golden" when the case has a golden
 *	(and no user configuration) and the observation's behaviour is not
 *	it, LINE the first that differs; func runs (funcrun(3)) check the
 *	same way.
 *
 *	hr_caserun_expected() renders the expectation in the transcript's
 *	own format, so that a real bug can be shown as a unified diff
 *	between what was recorded and what happened.
 * DIAGNOSTICS
 *	A negative return means the instance failed (it cannot be reached,
 *	its master is gone), not that Postfix misbehaved.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "replay/caserun.h"
#include "util/glob.h"
#include "util/buf.h"
#include "util/clock.h"
#include "util/fsutil.h"
#include "util/paths.h"
#include "observe/dsn.h"
#include "util/mem.h"
#include "util/msg.h"
#include "observe/observe.h"
#include "replay/probe.h"
#include "replay/smtp.h"
#include "instance/sink.h"

#define PROBE_TIMEOUT_MS 30000

/* diag_text - "smtp; 550 ..." without its type */
static const char *diag_text(const char *d)
{
    const char *semi = d ? strchr(d, ';') : NULL;

    if (semi == NULL)
        return d ? d : "";
    semi++;
    while (*semi == ' ')
        semi++;
    return semi;
}

/* record_matches - a DSN record says what an expect line wants */
static int record_matches(const hr_probe_expect *x, const hr_dsn_record *r)
{
    return r->action && strcasecmp(r->action, x->action) == 0 && r->status &&
           hr_glob_match(x->status, r->status) &&
           (x->diag == NULL ||
            hr_glob_match(x->diag, diag_text(r->diagnostic)));
}

/* hr_caserun_check_golden - the whole observation against the golden */
void hr_caserun_check_golden(hr_buf *events, const hr_case *c,
                             const hr_obs *model)
{
    const char *g = c->golden, *o;
    int line = 1;

    /* The golden holds the whole observation: mail, sink, log. */
    if (g == NULL || c->user ||
        strcmp((o = hr_obs_behaviour(model)), g) == 0)
        return;
    for (; *g && *g == *o; g++, o++)
        line += *g == '\n';
    hr_buf_printf(events, "%s:%d: the observation differs from the "
                  "golden\n", c->golden_path, line);
}

/* hr_caserun_check_probe - compare DSN records with the expectation */
char *hr_caserun_check_probe(const hr_case *c, const hr_mail *mail,
                             size_t nmail)
{
    hr_buf out = HR_BUF_INIT;
    const hr_dsn_record **recs = NULL;
    hr_dsn **dsns = hr_calloc(nmail ? nmail : 1, sizeof(hr_dsn *));
    size_t nrecs = 0, cap = 0;
    int *used;

    for (size_t i = 0; i < nmail; i++) {
        if (hr_dsn_parse(&dsns[i], mail[i].text, mail[i].len) < 0) {
            dsns[i] = NULL;
            continue;
        }
        for (size_t j = 0; j < hr_dsn_count(dsns[i]); j++) {
            if (nrecs == cap) {
                cap = cap ? cap * 2 : 8;
                recs = hr_realloc(recs, cap * sizeof(*recs));
            }
            recs[nrecs++] = hr_dsn_record_at(dsns[i], j);
        }
    }
    if (nrecs == 0)
        hr_buf_printf(&out, "%s: no delivery status report arrived\n",
                      c->path);
    used = hr_calloc(nrecs ? nrecs : 1, sizeof(int));
    for (size_t e = 0; e < c->nexpects && nrecs > 0; e++) {
        const hr_probe_expect *x = &c->expects[e];
        const hr_dsn_record *r = NULL;

        /* The first unused record for the recipient that matches, else
         * the first unused one (to report how it differs): a recipient
         * may have several records, one per expect line. */
        size_t pick = nrecs;

        for (size_t k = 0; k < nrecs; k++) {
            const char *a = hr_dsn_address(recs[k]->final_rcpt);

            if (used[k] || a == NULL || strcasecmp(a, x->rcpt) != 0)
                continue;
            if (pick == nrecs)
                pick = k;
            if (record_matches(x, recs[k])) {
                pick = k;
                break;
            }
        }
        if (pick < nrecs) {
            r = recs[pick];
            used[pick] = 1;
        }
        if (r == NULL) {
            hr_buf_printf(&out, "%s:%d: no report for %s\n", c->path, x->line,
                          x->rcpt);
            continue;
        }
        if (!record_matches(x, r))
            hr_buf_printf(&out, "%s:%d: expected %s %s %s%s%s, got %s %s %s\n",
                          c->path, x->line, x->rcpt, x->action, x->status,
                          x->diag ? " " : "", x->diag ? x->diag : "",
                          r->action ? r->action : "(no action)",
                          r->status ? r->status : "(no status)",
                          diag_text(r->diagnostic));
    }
    for (size_t k = 0; k < nrecs; k++)
        if (!used[k] && c->nexpects > 0)
            hr_buf_printf(&out, "%s: unexpected report: %s %s %s\n", c->path,
                          recs[k]->final_rcpt ? recs[k]->final_rcpt : "?",
                          recs[k]->action ? recs[k]->action : "?",
                          recs[k]->status ? recs[k]->status : "?");
    for (size_t i = 0; i < nmail; i++)
        hr_dsn_free(dsns[i]);
    hr_free(dsns);
    hr_free(recs);
    hr_free(used);
    return hr_buf_detach(&out);
}

/* hr_caserun_expected - the expectation: the golden, else the replies
 * or DSN expectations in transcript form */
char *hr_caserun_expected(const hr_case *c)
{
    hr_buf b = HR_BUF_INIT;

    if (c->user)
        return NULL;
    if (c->golden)
        return hr_strdup(c->golden);
    if (c->kind == HR_CASE_PROBE) {
        for (size_t e = 0; e < c->nexpects; e++)
            hr_buf_printf(&b, "expect %s %s %s%s%s\n", c->expects[e].rcpt,
                          c->expects[e].action, c->expects[e].status,
                          c->expects[e].diag ? " " : "",
                          c->expects[e].diag ? c->expects[e].diag : "");
        return hr_buf_detach(&b);
    }
    for (size_t x = 0; x < c->nxs; x++) {
        const hr_case_exchange *ex = &c->xs[x];

        for (size_t i = 0; i < ex->nitems; i++)
            hr_replay_render_item(&b, &ex->items[i]);
        for (size_t r = 0; r < ex->nreplies; r++) {
            const char *p = ex->expect[r];

            while (*p) {
                size_t n = strcspn(p, "\n");

                hr_buf_printf(&b, "< %.*s\n", (int)n, p);
                p += n + (p[n] == '\n');
            }
        }
    }
    return hr_buf_detach(&b);
}

/* hr_caserun_observe - a case run's material observed and checked */
int hr_caserun_observe(hr_caserun_result *out, hr_instance *in,
                       const hr_case *c, const hr_caserun_material *m)
{
    hr_buf events = HR_BUF_INIT;
    hr_obs_msg *msgs = NULL;
    hr_obs_raw raw;
    int error;

    memset(&raw, 0, sizeof(raw));
    msgs = hr_calloc(m->nmail ? m->nmail : 1, sizeof(*msgs));
    for (size_t i = 0; i < m->nmail; i++) {
        msgs[i].rcpt = m->mail[i].mailbox;
        msgs[i].text = m->mail[i].text;
        msgs[i].len = m->mail[i].len;
    }
    raw.transcript = c->kind == HR_CASE_SMTP ? m->transcript : NULL;
    raw.probe_output = m->probe_output;
    raw.mail = msgs;
    raw.nmail = m->nmail;
    raw.sink = m->sink;
    raw.maillog = m->maillog;
    raw.sanitizer = m->sanitizer;
    raw.instance_dir = hr_instance_dir(in);
    raw.build_dir = hr_instance_build(in)->dir;
    if ((error = hr_observe(&out->model, &raw)) < 0)
        goto done;
    out->obs = hr_strdup(hr_obs_text(out->model));
    if (c->kind == HR_CASE_PROBE && m->transcript && *m->transcript)
        hr_buf_puts(&events, m->transcript);
    /* Under a user's configuration the case's expectations do not
     * apply: only the builds are compared. */
    if (c->user)
        out->mismatch = hr_strdup("");
    else if (c->kind == HR_CASE_SMTP)
        out->mismatch = hr_strdup(m->replay_mismatch ? m->replay_mismatch
                                                     : "");
    else
        out->mismatch = hr_caserun_check_probe(c, m->mail, m->nmail);
    hr_caserun_check_golden(&events, c, out->model);
    if (events.len) {
        char *more = hr_sprintf("%s%s", out->mismatch, hr_buf_cstr(&events));

        hr_free(out->mismatch);
        out->mismatch = more;
    }
    out->expect_ok = out->mismatch[0] == 0;
    if (hr_observe_first_finding(&out->first_finding,
                                 m->maillog ? m->maillog : "") < 0)
        out->first_finding = NULL;
    out->log = hr_strdup(m->maillog ? m->maillog : "");
done:
    hr_buf_release(&events);
    hr_free(msgs);
    return error;
}

/* hr_caserun - one case, once */
int hr_caserun(hr_caserun_result *out, hr_instance *in, const hr_case *c)
{
    hr_replay_result rr;
    hr_probe_result pr;
    hr_buf slice = HR_BUF_INIT, san = HR_BUF_INIT;
    hr_buf transcript = HR_BUF_INIT;
    hr_mail *mail = NULL;
    hr_caserun_material m;
    size_t nmail = 0;
    char *sink = NULL, *probe_out = NULL;
    double t0 = hr_clock_s();
    int error;

    memset(out, 0, sizeof(*out));
    memset(&m, 0, sizeof(m));
    hr_replay_result_init(&rr);
    hr_probe_result_init(&pr);
    hr_sink_set_rules(hr_instance_sink(in), c->sink, c->nsink);
    if (c->kind == HR_CASE_SMTP) {
        if ((error = hr_replay_run(&rr, c, hr_instance_netns(in),
                                   HR_REPLAY_STEP_TIMEOUT_MS)) < 0)
            goto done;
        hr_buf_puts(&transcript, hr_buf_cstr(&rr.transcript));
    } else {
        if ((error = hr_probe_run(&pr, c, in, PROBE_TIMEOUT_MS)) < 0)
            goto done;
        probe_out = hr_sprintf("%sexit status %d\n", hr_buf_cstr(&pr.output),
                               pr.status);
    }
    double t_exec = hr_clock_s();
    /* Mail that does not settle is Postfix behaviour: observe it. */
    if (hr_instance_settle(in, HR_SETTLE_TIMEOUT_MS) < 0) {
        if (!hr_instance_alive(in)) {
            error = hr_error_code();
            goto done;
        }
        hr_buf_printf(&transcript, "! %s\n", hr_error_last());
    }
    double t_settle = hr_clock_s();
    if ((error = hr_instance_log_mark(in, &slice)) < 0 ||
        (error = hr_instance_take_mail(in, &mail, &nmail)) < 0 ||
        (error = hr_instance_take_sanitizer(in, &san)) < 0)
        goto done;
    double t_mark = hr_clock_s();
    sink = hr_sink_take_record(hr_instance_sink(in));
    m.transcript = hr_buf_cstr(&transcript);
    m.replay_mismatch = hr_buf_cstr(&rr.mismatch);
    m.probe_output = probe_out;
    m.mail = mail;
    m.nmail = nmail;
    m.sink = sink;
    m.maillog = hr_buf_cstr(&slice);
    m.sanitizer = san.len ? hr_buf_cstr(&san) : NULL;
    if ((error = hr_caserun_observe(out, in, c, &m)) < 0)
        goto done;
    double t_obs = hr_clock_s();
    error = hr_instance_reset(in);
    if (hr_verbose > 1)
        hr_msg_info("timing %s: exec %.3f settle %.3f mark %.3f observe %.3f "
                    "reset %.3f", c->name, t_exec - t0, t_settle - t_exec,
                    t_mark - t_settle, t_obs - t_mark, hr_clock_s() - t_obs);
done:
    out->seconds = hr_clock_s() - t0;
    hr_replay_result_release(&rr);
    hr_probe_result_release(&pr);
    hr_buf_release(&slice);
    hr_buf_release(&san);
    hr_buf_release(&transcript);
    hr_mail_free_all(mail, nmail);
    hr_free(sink);
    hr_free(probe_out);
    if (error < 0)
        hr_caserun_result_release(out);
    return error;
}

/* hr_caserun_baseline - the sanitizer findings of an instance that has
 * only started and served one empty session (the start-up's greeting):
 * a sanitizer build's background, whatever the cases do */
int hr_caserun_baseline(hr_strv *findings, hr_instance *in)
{
    hr_buf san = HR_BUF_INIT;
    hr_obs_raw raw;
    hr_obs *model = NULL;
    int error;

    memset(&raw, 0, sizeof(raw));
    if ((error = hr_instance_settle(in, HR_SETTLE_TIMEOUT_MS)) < 0 ||
        (error = hr_instance_take_sanitizer(in, &san)) < 0)
        goto done;
    raw.sanitizer = san.len ? hr_buf_cstr(&san) : NULL;
    raw.instance_dir = hr_instance_dir(in);
    raw.build_dir = hr_instance_build(in)->dir;
    if ((error = hr_observe(&model, &raw)) < 0)
        goto done;
    for (size_t k = 0; k < hr_obs_ub(model)->n; k++)
        if (hr_strv_find(findings, hr_obs_ub(model)->v[k]) < 0)
            hr_strv_add(findings, hr_obs_ub(model)->v[k]);
done:
    hr_obs_free(model);
    hr_buf_release(&san);
    return error;
}

/* hr_caserun_failed - the observation of a case that could not run on
 * the instance in dir: what (in words that do not vary between runs),
 * and the fatal, panic and signal lines that master and the daemons
 * logged there */
int hr_caserun_failed(hr_caserun_result *out, const char *what,
                      const char *dir, const char *build_dir)
{
    hr_buf log = HR_BUF_INIT, more = HR_BUF_INIT;
    hr_obs_raw raw;
    char *maillog = hr_path_join(dir, "maillog");
    char *master_out = hr_path_join(dir, "master.out");
    char *transcript = hr_sprintf("! %s\n", what);
    int error;

    memset(out, 0, sizeof(*out));
    memset(&raw, 0, sizeof(raw));
    /* master -d writes its own start-up complaints to master.out */
    if (hr_file_read(&log, maillog, 16 << 20) < 0)
        hr_buf_release(&log);
    if (hr_file_read(&more, master_out, 1 << 20) == 0)
        hr_buf_puts(&log, hr_buf_cstr(&more));
    raw.transcript = transcript;
    raw.maillog = hr_buf_cstr(&log);
    raw.instance_dir = dir;
    raw.build_dir = build_dir;
    if ((error = hr_observe(&out->model, &raw)) == 0) {
        out->obs = hr_strdup(hr_obs_text(out->model));
        out->mismatch = hr_sprintf("%s\n", what);
        if (hr_observe_first_finding(&out->first_finding,
                                     hr_buf_cstr(&log)) < 0)
            out->first_finding = NULL;
        out->log = hr_buf_detach(&log);
    }
    hr_buf_release(&log);
    hr_buf_release(&more);
    hr_free(maillog);
    hr_free(master_out);
    hr_free(transcript);
    if (error < 0)
        hr_caserun_result_release(out);
    return error;
}

/* hr_caserun_result_release - free */
void hr_caserun_result_release(hr_caserun_result *r)
{
    hr_obs_free(r->model);
    hr_free(r->obs);
    hr_free(r->mismatch);
    hr_free(r->first_finding);
    hr_free(r->log);
    memset(r, 0, sizeof(*r));
}

/*
 * NAME
 *	replay/batch 3
 * SUMMARY
 *	several smtp cases on one instance, delivered and observed together
 * SYNOPSIS
 *	#include "replay/batch.h"
 *
 *	int	hr_batch_applies(instance, case)
 *	int	hr_batch_run(out, instance, cases, n, why)
 * DESCRIPTION
 *	hr_caserun() waits after each session until its mail is delivered;
 *	smtp-source does not, and the delivery of one message overlaps the
 *	next session. hr_batch_run() plays the sessions of n cases back to
 *	back, two at a time (each on its own smtpd, as one by one; two
 *	clients keep both of a small machine's cores busy where one waits
 *	for each fresh smtpd and cleanup to start), lets
 *	the instance settle once, fences the log once, and divides the
 *	material among the cases by what Postfix says in it (attrib(3)):
 *	queue IDs, the processes that handled them, each session's smtpd
 *	(asked of the kernel while the session is open,
 *	hr_instance_peer_pid()). Each case is then observed and checked
 *	as hr_caserun() does (hr_caserun_observe()); out[i] is the result
 *	of cases[i].
 *
 *	What the log holds from before the batch (the previous case's
 *	reset) goes to the first case, as it would one by one.
 *
 *	When the material cannot be divided (attrib(3) says why), nothing
 *	of it is used and out is left empty: *why gets the reason, and the
 *	caller runs the cases one by one on a fresh instance (the batch's
 *	state, qmgr's throttling say, must not reach them).
 *
 *	hr_batch_applies() says whether a case may be in a batch on the
 *	instance: an smtp case without sink rules (the sink answers one
 *	case's rules at a time), on a build without a sanitizer (its reports
 *	are not divided), on an instance whose configuration keeps no
 *	state across sessions (hr_instance_batchable(): anvil's limits
 *	count other sessions).
 * DIAGNOSTICS
 *	A negative return means the instance failed or its mail did not
 *	settle: the caller starts a fresh instance and runs the cases one
 *	by one, as it would have without a batch.
 * SEE ALSO
 *	attrib(3), caserun(3).
 */
#include <stdio.h>
#include <string.h>

#include "replay/batch.h"
#include "instance/sink.h"
#include "observe/attrib.h"
#include "replay/smtp.h"
#include "util/clock.h"
#include "util/mem.h"
#include "util/msg.h"
#include "util/parallel.h"

/* Sessions in flight at once. Each is a client of its own and its own
 * smtpd; what they share (trivial-rewrite, qmgr) leaves lines that no
 * one session owns, and attrib(3) refuses such a batch. */
#define BATCH_WIDTH 2

/* peer - the smtpd that serves a session */
static long peer(int fd, void *payload)
{
    return hr_instance_peer_pid(payload, fd);
}

/* A batch's sessions, for hr_parallel(). */
struct play {
    hr_instance *in;
    const hr_case *const *cases;
    hr_replay_result *rr;
};

/* play_one - session i of the batch */
static int play_one(void *arg, size_t i)
{
    struct play *p = arg;

    return hr_replay_run_peer(&p->rr[i], p->cases[i], hr_instance_netns(p->in),
                              HR_REPLAY_STEP_TIMEOUT_MS, peer, p->in);
}

/* hr_batch_applies - the case may be in a batch on the instance */
int hr_batch_applies(const hr_instance *in, const hr_case *c)
{
    return c->kind == HR_CASE_SMTP && c->nsink == 0 &&
           hr_instance_build(in)->sanitizer == NULL &&
           hr_instance_batchable(in);
}

/* hr_batch_run - the cases' sessions back to back, one settle */
int hr_batch_run(hr_caserun_result *out, hr_instance *in,
                 const hr_case *const *cases, size_t n, char **why)
{
    hr_replay_result *rr = hr_calloc(n ? n : 1, sizeof(*rr));
    hr_attrib_seed *seeds = hr_calloc(n ? n : 1, sizeof(*seeds));
    hr_buf before = HR_BUF_INIT, slice = HR_BUF_INIT, san = HR_BUF_INIT;
    hr_strv sessions = HR_STRV_INIT;
    hr_strv *own_sessions = hr_calloc(n ? n : 1, sizeof(hr_strv));
    hr_mail *mail = NULL, **own_mail = hr_calloc(n ? n : 1, sizeof(hr_mail *));
    size_t nmail = 0, *own_n = hr_calloc(n ? n : 1, sizeof(size_t));
    hr_attrib *a = NULL;
    struct play play = {in, cases, rr};
    double t0 = hr_clock_s(), t_tail, t_sent = 0, t_settled = 0, t_taken = 0,
           t_observed = 0;
    size_t done = 0;
    int error = 0;

    *why = NULL;
    memset(out, 0, n * sizeof(*out));
    hr_sink_set_rules(hr_instance_sink(in), NULL, 0);
    for (size_t i = 0; i < n; i++) {
        if (!hr_batch_applies(in, cases[i]))
            hr_panic("hr_batch_run: '%s' does not apply", cases[i]->name);
        hr_replay_result_init(&rr[i]);
    }
    /* What was logged since the last fence (the reset's postsuper lines)
     * is the first case's, as one by one */
    if ((error = hr_instance_log_mark(in, &before)) < 0)
        goto done;
    error = hr_parallel(n, BATCH_WIDTH, play_one, &play);
    for (size_t i = 0; i < n; i++) {
        seeds[i].transcript = hr_buf_cstr(&rr[i].transcript);
        seeds[i].smtpd_pid = rr[i].server_pid;
    }
    t_tail = t_sent = hr_clock_s();
    if (error < 0 ||
        (error = hr_instance_settle(in, HR_SETTLE_TIMEOUT_MS +
                                            1000 * (int)n)) < 0)
        goto done;
    t_settled = hr_clock_s();
    if ((error = hr_instance_log_mark(in, &slice)) < 0 ||
        (error = hr_instance_take_mail(in, &mail, &nmail)) < 0 ||
        (error = hr_instance_take_sanitizer(in, &san)) < 0)
        goto done;
    hr_sink_take_sessions(hr_instance_sink(in), &sessions);
    t_taken = hr_clock_s();
    hr_attrib_new(&a, seeds, n, hr_buf_cstr(&slice));
    for (size_t i = 0; i < n && *why == NULL; i++)
        if (seeds[i].smtpd_pid == 0)
            *why = hr_sprintf("no smtpd was found for the session of %s",
                              cases[i]->name);
    if (san.len && *why == NULL)
        *why = hr_strdup("a sanitizer reported");
    for (size_t k = 0; k < nmail && *why == NULL; k++) {
        char *what = hr_sprintf("a message in %s", mail[k].mailbox);
        int o = hr_attrib_claim(a, what, mail[k].text);

        hr_free(what);
        if (o >= 0) {
            own_mail[o] = hr_realloc(own_mail[o],
                                     (own_n[o] + 1) * sizeof(hr_mail));
            own_mail[o][own_n[o]++] = mail[k];
        }
    }
    for (size_t k = 0; k < sessions.n && *why == NULL; k++) {
        int o = hr_attrib_claim(a, "a sink session", sessions.v[k]);

        if (o >= 0)
            hr_strv_add(&own_sessions[o], sessions.v[k]);
    }
    if (*why == NULL && hr_attrib_why(a))
        *why = hr_strdup(hr_attrib_why(a));
    if (*why) {
        if (hr_verbose)
            hr_msg_info("batch of %zu on %s to be run one by one: %s", n,
                        hr_instance_dir(in), *why);
        goto done;
    }
    t_tail = (hr_clock_s() - t_tail) / (double)n;
    for (size_t i = 0; i < n && error == 0; i++) {
        hr_caserun_material m;
        char *sink = hr_sink_render(&own_sessions[i]);

        memset(&m, 0, sizeof(m));
        m.transcript = hr_buf_cstr(&rr[i].transcript);
        m.replay_mismatch = hr_buf_cstr(&rr[i].mismatch);
        m.mail = own_mail[i];
        m.nmail = own_n[i];
        m.sink = sink;
        if (i == 0 && before.len) {
            hr_buf_puts(&before, hr_attrib_log(a, 0));
            m.maillog = hr_buf_cstr(&before);
        } else {
            m.maillog = hr_attrib_log(a, i);
        }
        error = hr_caserun_observe(&out[i], in, cases[i], &m);
        out[i].seconds = rr[i].seconds + t_tail;
        hr_free(sink);
        done = i + 1;
    }
    t_observed = hr_clock_s();
    if (error == 0)
        error = hr_instance_reset(in);
    if (error < 0)
        for (size_t i = 0; i < done; i++)
            hr_caserun_result_release(&out[i]);
    if (hr_verbose > 1)
        hr_msg_info("timing batch of %zu: %.3f s: sessions %.3f, settle "
                    "%.3f, fence and take %.3f, divide and observe %.3f, "
                    "reset %.3f", n, hr_clock_s() - t0,
                    t_sent - t0, t_settled - t_sent, t_taken - t_settled,
                    t_observed - t_taken, hr_clock_s() - t_observed);
done:
    for (size_t i = 0; i < n; i++) {
        hr_replay_result_release(&rr[i]);
        hr_strv_release(&own_sessions[i]);
        hr_free(own_mail[i]);
    }
    hr_free(rr);
    hr_free(seeds);
    hr_free(own_sessions);
    hr_free(own_mail);
    hr_free(own_n);
    hr_mail_free_all(mail, nmail);
    hr_strv_release(&sessions);
    hr_buf_release(&before);
    hr_buf_release(&slice);
    hr_buf_release(&san);
    hr_attrib_free(a);
    return error;
}

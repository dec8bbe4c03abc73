/*
 * NAME
 *	replay/probe 3
 * SUMMARY
 *	sendmail -bv and -v against an instance
 * SYNOPSIS
 *	#include "replay/probe.h"
 *
 *	int	hr_probe_run(out, case, instance, timeout_ms)
 * DESCRIPTION
 *	hr_probe_run() runs the build's own sendmail inside the instance's
 *	network namespace, with MAIL_CONFIG pointing at the instance and
 *	the instance's library environment, as
 *	"sendmail -bv -oi -f SENDER -- RCPT..." (what would happen) or
 *	"sendmail -v -oi -f SENDER -- RCPT..." (deliver, and report what
 *	happened). The case's message, or a fixed one, goes on stdin.
 *
 *	sendmail hands the message to postdrop (setgid postdrop), pickup
 *	and cleanup; the report comes back as mail to the sender. The
 *	caller waits for it with hr_instance_settle() and collects it from
 *	the instance's mailboxes (or the sink, for a remote sender): there
 *	is no fixed wait.
 * DIAGNOSTICS
 *	A sendmail that cannot be run is an error; its exit status is part
 *	of the observation.
 */
#include <string.h>
#include <time.h>

#include "replay/probe.h"
#include "util/clock.h"
#include "util/mem.h"
#include "util/msg.h"
#include "util/spawn.h"
#include "util/strv.h"

/* hr_probe_result_init - empty result */
void hr_probe_result_init(hr_probe_result *r)
{
    hr_buf_init(&r->output, 1 << 20);
    r->status = -1;
    r->seconds = 0;
}

/* hr_probe_result_release - free */
void hr_probe_result_release(hr_probe_result *r)
{
    hr_buf_release(&r->output);
}

/* hr_probe_run - run sendmail once */
int hr_probe_run(hr_probe_result *out, const hr_case *c, hr_instance *in,
                 int timeout_ms)
{
    const hr_build *b = hr_instance_build(in);
    hr_spawn_opts o = HR_SPAWN_OPTS_INIT;
    hr_strv argv = HR_STRV_INIT;
    char *body = NULL;
    double t0 = hr_clock_s();
    int error;

    if (c->kind != HR_CASE_PROBE)
        hr_panic("hr_probe_run: '%s' is not a probe case", c->name);
    hr_strv_addf(&argv, "%s/usr/sbin/sendmail", b->stage);
    hr_strv_add(&argv, c->mode == HR_PROBE_BV ? "-bv" : "-v");
    hr_strv_add(&argv, "-oi");  /* a line with only "." is data */
    hr_strv_add(&argv, "-f");
    hr_strv_add(&argv, c->sender);
    hr_strv_add(&argv, "--");
    hr_strv_addv(&argv, &c->rcpts);
    body = c->body.len ? hr_strndup(c->body.ptr, c->body.len)
                       : hr_sprintf("Subject: pfharness probe %s\n\n"
                                    "probe\n", c->name);
    o.argv = (const char *const *)hr_strv_argv(&argv);
    o.setenv = hr_instance_env(in);
    o.netns = hr_instance_netns(in);
    o.view = hr_instance_view(in);
    o.stdin_data = body;
    o.stdin_len = strlen(body);
    o.out = HR_OUT_CAPTURE;
    o.out_buf = &out->output;
    o.err = HR_OUT_STDOUT;
    o.timeout_ms = timeout_ms;
    error = hr_spawn_run(&out->status, &o);
    out->seconds = hr_clock_s() - t0;
    hr_strv_release(&argv);
    hr_free(body);
    return error;
}

#ifndef HR_REPLAY_SMTP_H
#define HR_REPLAY_SMTP_H

/* replay/smtp.h - drive a case's SMTP session against an instance */

#include "util/buf.h"
#include "case/case.h"

typedef struct hr_replay_result {
    hr_buf transcript;  /* "> command", "< reply line", "! event" lines */
    hr_buf mismatch;    /* how replies differ from the case; empty: none */
    int stopped;        /* the session ended early (timeout, close) */
    double seconds;
    long server_pid;    /* what the peer function said, or 0 */
} hr_replay_result;

/* Called once, after the first reply: the pid of the server process. */
typedef long (*hr_replay_peer_fn)(int fd, void *payload);

#define HR_REPLAY_STEP_TIMEOUT_MS 10000

void hr_replay_result_init(hr_replay_result *r);
void hr_replay_result_release(hr_replay_result *r);
int hr_replay_run(hr_replay_result *out, const hr_case *c, const char *netns,
                  int step_timeout_ms);
int hr_replay_run_peer(hr_replay_result *out, const hr_case *c,
                       const char *netns, int step_timeout_ms,
                       hr_replay_peer_fn peer, void *payload);
void hr_replay_render_item(hr_buf *out, const hr_case_item *it);
int hr_reply_read(hr_buf *out, int fd, hr_buf *pending, int timeout_ms);

#endif

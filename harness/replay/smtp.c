/*
 * NAME
 *	replay/smtp 3
 * SUMMARY
 *	drive a case's SMTP session against an instance
 * SYNOPSIS
 *	#include "replay/smtp.h"
 *
 *	int	hr_replay_run(out, case, netns, step_timeout_ms)
 *	int	hr_replay_run_peer(out, case, netns, step_timeout_ms, peer,
 *		payload)
 *	int	hr_reply_read(out, fd, pending, timeout_ms)
 *	void	hr_replay_render_item(out, item)
 * DESCRIPTION
 *	hr_replay_run() connects from the case's client address to
 *	127.0.0.1:25 inside the instance's network namespace and plays the
 *	case's exchanges: the items of an exchange go out in one write (a
 *	pipelined group stays one group), then the exchange's replies are
 *	read completely, each within step_timeout_ms. A pause step waits;
 *	it is case data, not a guess at how long the server needs.
 *
 *	The transcript records what was sent ("> " lines, or the item's
 *	own rendering for content and raw bytes) and every reply line
 *	("< "), plus "! " lines for events: a reply that did not come in
 *	time, a connection the server closed. Each reply is compared with
 *	the case's recorded reply (a glob); differences go to mismatch.
 *
 *	hr_replay_run_peer() is hr_replay_run() that calls peer(fd,
 *	payload) once, right after the first reply (the greeting: the
 *	server has accepted), and keeps what it returns, the pid of the
 *	process that serves the session, in out->server_pid.
 *
 *	hr_replay_render_item() appends an item's transcript line: "> "
 *	and the command, "~ " and the raw text as the case wrote it, or the
 *	"| (N lines, M bytes)" summary of content and chunks.
 *
 *	hr_reply_read() reads one complete, possibly multi-line, SMTP reply
 *	(lines "NNN-" continue, "NNN " ends), leaving extra bytes in
 *	pending for the next call. It returns 1 for a reply, 0 when the
 *	peer closed, HR_ETIMEOUT when time ran out.
 * DIAGNOSTICS
 *	A failure to connect is an error: the instance is broken, not the
 *	case.
 */
#include <errno.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "replay/smtp.h"
#include "util/glob.h"
#include "util/clock.h"
#include "util/mem.h"
#include "util/msg.h"
#include "instance/netns.h"

#define MAX_REPLY (1 << 20)

/* hr_replay_result_init - empty result */
void hr_replay_result_init(hr_replay_result *r)
{
    hr_buf_init(&r->transcript, 16 << 20);
    hr_buf_init(&r->mismatch, 1 << 20);
    r->stopped = 0;
    r->seconds = 0;
    r->server_pid = 0;
}

/* hr_replay_result_release - free */
void hr_replay_result_release(hr_replay_result *r)
{
    hr_buf_release(&r->transcript);
    hr_buf_release(&r->mismatch);
}

/* reply_done - a complete reply: its last line is "NNN " or "NNN" */
static int reply_done(const char *text, size_t len)
{
    size_t start;

    if (len < 2 || text[len - 1] != '\n')
        return 0;
    for (start = len - 1; start > 0 && text[start - 1] != '\n'; start--)
        ;
    return len - start < 5 || text[start + 3] != '-';
}

/* hr_reply_read - one complete reply */
int hr_reply_read(hr_buf *out, int fd, hr_buf *pending, int timeout_ms)
{
    long long deadline = hr_clock_ms() + timeout_ms;

    for (;;) {
        /* Move whole lines from pending until a reply is complete. */
        while (pending->len > 0) {
            char *nl = memchr(pending->ptr, '\n', pending->len);
            size_t n;

            if (nl == NULL)
                break;
            n = (size_t)(nl - pending->ptr) + 1;
            hr_buf_put(out, pending->ptr, n);
            memmove(pending->ptr, pending->ptr + n, pending->len - n);
            hr_buf_truncate(pending, pending->len - n);
            if (reply_done(out->ptr, out->len))
                return 1;
        }
        if (out->len > MAX_REPLY)
            return hr_error_set(HR_EINPUT, "reply longer than %d bytes",
                                MAX_REPLY);
        {
            struct pollfd p = {fd, POLLIN, 0};
            long long left = deadline - hr_clock_ms();
            char chunk[8192];
            ssize_t n;

            if (left <= 0)
                return HR_ETIMEOUT;
            if (poll(&p, 1, (int)left) <= 0)
                continue;
            n = read(fd, chunk, sizeof(chunk));
            if (n < 0 && errno == EINTR)
                continue;
            if (n <= 0)
                return 0;
            hr_buf_put(pending, chunk, (size_t)n);
        }
    }
}

/* render_reply - "< line" per reply line, CRLF removed; also the text
 * with '\n' between lines for matching */
static void render_reply(hr_buf *transcript, hr_buf *joined, const char *raw)
{
    const char *p = raw;

    while (*p) {
        size_t n = strcspn(p, "\n");
        size_t keep = n > 0 && p[n - 1] == '\r' ? n - 1 : n;

        hr_buf_printf(transcript, "< %.*s\n", (int)keep, p);
        if (joined->len)
            hr_buf_putc(joined, '\n');
        hr_buf_put(joined, p, keep);
        p += n + (p[n] == '\n');
    }
}

/* hr_replay_render_item - how an item appears in the transcript */
void hr_replay_render_item(hr_buf *t, const hr_case_item *it)
{
    /* Content and chunks carry their "| " marker in display; commands
     * and raw bytes get the marker of the step that wrote them, so that
     * raw bytes never pass for a command (which would end in CRLF). */
    switch (it->kind) {
    case HR_ITEM_COMMAND:
        hr_buf_printf(t, "> %s\n", it->display);
        break;
    case HR_ITEM_RAW:
        hr_buf_printf(t, "~ %s\n", it->display);
        break;
    default:
        hr_buf_printf(t, "%s\n", it->display);
        break;
    }
}

/* write_all - everything, or fail */
static int write_all(int fd, const hr_buf *b)
{
    size_t off = 0;

    while (off < b->len) {
        ssize_t n = send(fd, b->ptr + off, b->len - off, MSG_NOSIGNAL);

        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1;
        off += (size_t)n;
    }
    return 0;
}

/* connect_client - a TCP connection from the client address */
static int connect_client(int *out, const hr_case *c, const char *netns)
{
    struct sockaddr_in src, dst;
    int fd, error;

    *out = -1;
    if ((error = hr_netns_socket(&fd, netns, AF_INET, SOCK_STREAM)) < 0)
        return error;
    memset(&src, 0, sizeof(src));
    src.sin_family = AF_INET;
    if (inet_pton(AF_INET, c->client ? c->client : "127.0.0.1",
                  &src.sin_addr) != 1) {
        close(fd);
        return hr_error_set(HR_EINPUT, "%s: bad client address '%s'",
                            c->path, c->client);
    }
    memset(&dst, 0, sizeof(dst));
    dst.sin_family = AF_INET;
    dst.sin_port = htons(25);
    dst.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(fd, (struct sockaddr *)&src, sizeof(src)) < 0 ||
        connect(fd, (struct sockaddr *)&dst, sizeof(dst)) < 0) {
        error = hr_error_set(HR_ERROR, "cannot connect from %s to "
                             "127.0.0.1:25 in '%s': %s",
                             c->client ? c->client : "127.0.0.1", netns,
                             strerror(errno));
        close(fd);
        return error;
    }
    *out = fd;
    return 0;
}

/* wait_eof - 1 when the server closes the connection in time */
static int wait_eof(int fd, hr_buf *pending, int timeout_ms)
{
    long long deadline = hr_clock_ms() + timeout_ms;
    char chunk[4096];

    for (;;) {
        struct pollfd p = {fd, POLLIN, 0};
        long long left = deadline - hr_clock_ms();
        ssize_t n;

        if (left <= 0)
            return 0;
        if (poll(&p, 1, (int)left) <= 0)
            continue;
        n = read(fd, chunk, sizeof(chunk));
        if (n == 0 || (n < 0 && errno != EINTR))
            return 1;
        if (n > 0)
            hr_buf_put(pending, chunk, (size_t)n);
    }
}

/* hr_replay_run - play the session */
int hr_replay_run(hr_replay_result *out, const hr_case *c, const char *netns,
                  int step_timeout_ms)
{
    return hr_replay_run_peer(out, c, netns, step_timeout_ms, NULL, NULL);
}

/* hr_replay_run_peer - play the session; after the first reply, ask peer
 * which process serves it */
int hr_replay_run_peer(hr_replay_result *out, const hr_case *c,
                       const char *netns, int step_timeout_ms,
                       hr_replay_peer_fn peer, void *payload)
{
    hr_buf pending = HR_BUF_INIT, wire = HR_BUF_INIT;
    hr_buf raw = HR_BUF_INIT, joined = HR_BUF_INIT;
    long long t0 = hr_clock_ms();
    int fd = -1, error = 0;

    if (c->kind != HR_CASE_SMTP)
        hr_panic("hr_replay_run: '%s' is not an smtp case", c->name);
    if ((error = connect_client(&fd, c, netns)) < 0)
        goto done;
    for (size_t x = 0; x < c->nxs && !out->stopped; x++) {
        const hr_case_exchange *ex = &c->xs[x];

        if (ex->pause_ms > 0) {
            struct timespec ts = {ex->pause_ms / 1000,
                                  (long)(ex->pause_ms % 1000) * 1000000L};

            hr_buf_printf(&out->transcript, "! pause %d ms\n", ex->pause_ms);
            nanosleep(&ts, NULL);
        }
        hr_buf_clear(&wire);
        for (size_t i = 0; i < ex->nitems; i++) {
            hr_replay_render_item(&out->transcript, &ex->items[i]);
            hr_buf_put(&wire, ex->items[i].bytes, ex->items[i].len);
        }
        if (wire.len > 0 && write_all(fd, &wire) < 0) {
            hr_buf_printf(&out->transcript, "! send failed: %s\n",
                          strerror(errno));
            hr_buf_printf(&out->mismatch, "%s:%d: the server closed the "
                          "connection before the client sent this\n", c->path,
                          ex->line);
            out->stopped = 1;
            break;
        }
        for (size_t r = 0; r < ex->nreplies; r++) {
            int got;

            hr_buf_clear(&raw);
            hr_buf_clear(&joined);
            got = hr_reply_read(&raw, fd, &pending, step_timeout_ms);
            if (got <= 0) {
                if (raw.len)
                    render_reply(&out->transcript, &joined, hr_buf_cstr(&raw));
                hr_buf_printf(&out->transcript, got == 0
                              ? "! connection closed by the server\n"
                              : "! no complete reply within %d ms\n",
                              step_timeout_ms);
                hr_buf_printf(&out->mismatch, "%s:%d: expected '%s', got %s\n",
                              c->path, ex->line, ex->expect[r],
                              got == 0 ? "a closed connection" : "no reply");
                out->stopped = 1;
                if (got < 0 && got != HR_ETIMEOUT) {
                    error = got;
                    goto done;
                }
                break;
            }
            render_reply(&out->transcript, &joined, hr_buf_cstr(&raw));
            if (peer) {
                out->server_pid = peer(fd, payload);
                peer = NULL;
            }
            if (ex->expect && ex->expect[r] &&
                !hr_glob_match(ex->expect[r], hr_buf_cstr(&joined)))
                hr_buf_printf(&out->mismatch, "%s:%d: expected '%s', got "
                              "'%s'\n", c->path, ex->line, ex->expect[r],
                              hr_buf_cstr(&joined));
        }
        if (ex->expect_eof && !out->stopped) {
            if (wait_eof(fd, &pending, step_timeout_ms)) {
                hr_buf_puts(&out->transcript, "! connection closed\n");
            } else {
                hr_buf_puts(&out->transcript, "! connection still open\n");
                hr_buf_printf(&out->mismatch, "%s:%d: expected the server to "
                              "close the connection\n", c->path, ex->line);
            }
            out->stopped = 1;
        }
    }
done:
    if (fd >= 0)
        close(fd);
    hr_buf_release(&pending);
    hr_buf_release(&wire);
    hr_buf_release(&raw);
    hr_buf_release(&joined);
    out->seconds = (hr_clock_ms() - t0) / 1000.0;
    return error;
}

/*
 * NAME
 *	instance/sink 3
 * SUMMARY
 *	the remote SMTP peer inside an instance's namespace
 * SYNOPSIS
 *	#include "instance/sink.h"
 *
 *	int	hr_sink_start(out, netns, addr, port)
 *	void	hr_sink_set_rules(s, rules, n)
 *	int	hr_sink_wait_idle(s, timeout_ms)
 *	char	*hr_sink_take_record(s)
 *	void	hr_sink_take_sessions(s, out)
 *	char	*hr_sink_render(sessions)
 *	void	hr_sink_stop(s)
 *
 *	char	*hr_sink_serve(fd, rules, n)
 * DESCRIPTION
 *	The sink receives all mail that an instance relays: relayhost
 *	points at it. It listens inside the instance's network namespace,
 *	in a thread of the harness, and serves each connection in a thread
 *	of its own, so that parallel deliveries do not wait for each other.
 *
 *	It answers 2xx everywhere unless a rule of the current case says
 *	otherwise: a stage rule (connect, helo, mail, data) or a recipient
 *	rule (rcpt ADDRESS, or rcpt * for the rest). A rejected connect
 *	gets the rule's reply and is closed.
 *
 *	It records every session: the commands it got, its replies, and
 *	the message content (with dot-stuffing undone). The record of a
 *	case lists the sessions sorted, so that the order in which
 *	concurrent deliveries finished does not show.
 *
 *	hr_sink_wait_idle() waits until no session is open.
 *
 *	hr_sink_take_record() returns the record of the sessions since the
 *	last call; hr_sink_take_sessions() appends each of them to out
 *	instead, and hr_sink_render() makes a record of some of them (it
 *	sorts them): a batch of cases divides the sessions among its cases.
 *
 *	hr_sink_serve() serves one session on a connected fd with the given
 *	rules, in the calling thread, until QUIT, EOF or a rejected
 *	connect, and returns its record; it does not close fd. It answers
 *	as a session thread does (both run serve()), and is the seam for
 *	unit tests over a socketpair.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "instance/sink.h"
#include "util/buf.h"
#include "util/mem.h"
#include "util/msg.h"
#include "instance/netns.h"
#include "util/strv.h"

#define SINK_NAME "sink.remote.example"
#define SESSION_TIMEOUT_MS 30000
#define MAX_LINE 65536

typedef struct rule {
    char *stage;
    char *rcpt;
    int code;
    char *text;
} rule;

struct hr_sink {
    int lfd;
    int wake[2];
    pthread_t acceptor;
    int started;
    pthread_mutex_t lock;
    pthread_cond_t idle;
    int active;
    rule *rules;
    size_t nrules;
    hr_strv records;
};

typedef struct session {
    hr_sink *sink;
    int fd;
    rule *rules;        /* a copy: rules may change under us */
    size_t nrules;
    hr_buf rec;
    char in[MAX_LINE + 1];
    size_t inlen;
} session;

/* copy_rules - a private copy */
static rule *copy_rules(const rule *from, size_t n)
{
    rule *r = hr_calloc(n ? n : 1, sizeof(rule));

    for (size_t i = 0; i < n; i++) {
        r[i].stage = hr_strdup(from[i].stage);
        r[i].rcpt = from[i].rcpt ? hr_strdup(from[i].rcpt) : NULL;
        r[i].code = from[i].code;
        r[i].text = hr_strdup(from[i].text);
    }
    return r;
}

/* free_rules - release */
static void free_rules(rule *r, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        hr_free(r[i].stage);
        hr_free(r[i].rcpt);
        hr_free(r[i].text);
    }
    hr_free(r);
}

/* find_rule - a stage rule, or the rule for a recipient */
static const rule *find_rule(const session *s, const char *stage,
                             const char *rcpt)
{
    const rule *star = NULL;

    for (size_t i = 0; i < s->nrules; i++) {
        const rule *r = &s->rules[i];

        if (strcmp(r->stage, stage) != 0)
            continue;
        if (rcpt == NULL)
            return r;
        if (r->rcpt && strcmp(r->rcpt, "*") == 0)
            star = r;
        else if (r->rcpt && strcasecmp(r->rcpt, rcpt) == 0)
            return r;
    }
    return star;
}

/* send_reply - write a reply and record it line by line */
static int send_reply(session *s, const char *text)
{
    hr_buf wire = HR_BUF_INIT;
    const char *p = text;
    size_t off = 0;
    int ok = 1;

    while (*p) {
        size_t n = strcspn(p, "\n");

        hr_buf_printf(&s->rec, "< %.*s\n", (int)n, p);
        hr_buf_put(&wire, p, n);
        hr_buf_puts(&wire, "\r\n");
        p += n + (p[n] == '\n');
    }
    while (off < wire.len) {
        ssize_t n = write(s->fd, wire.ptr + off, wire.len - off);

        if (n <= 0) {
            if (n < 0 && errno == EINTR)
                continue;
            ok = 0;
            break;
        }
        off += (size_t)n;
    }
    hr_buf_release(&wire);
    return ok;
}

/* rule_reply - "CODE TEXT" of a rule */
static int send_rule(session *s, const rule *r)
{
    char *text = hr_sprintf("%d %s", r->code, r->text);
    int ok = send_reply(s, text);

    hr_free(text);
    return ok;
}

/* read_line - one line without CRLF; 0 at EOF or timeout */
static int read_line(session *s, char *line, size_t len)
{
    for (;;) {
        char *nl = memchr(s->in, '\n', s->inlen);

        if (nl) {
            size_t n = (size_t)(nl - s->in);
            size_t keep = n;

            if (keep > 0 && s->in[keep - 1] == '\r')
                keep--;
            if (keep >= len)
                keep = len - 1;
            memcpy(line, s->in, keep);
            line[keep] = 0;
            memmove(s->in, nl + 1, s->inlen - n - 1);
            s->inlen -= n + 1;
            return 1;
        }
        if (s->inlen >= MAX_LINE) {
            s->inlen = 0;   /* an overlong line: drop it */
            continue;
        }
        {
            struct pollfd p = {s->fd, POLLIN, 0};
            ssize_t n;

            if (poll(&p, 1, SESSION_TIMEOUT_MS) <= 0)
                return 0;
            n = read(s->fd, s->in + s->inlen, MAX_LINE - s->inlen);
            if (n <= 0)
                return 0;
            s->inlen += (size_t)n;
        }
    }
}

/* address - the <...> part of a MAIL or RCPT argument */
static char *address(const char *arg)
{
    const char *lt = strchr(arg, '<');
    const char *gt = lt ? strchr(lt, '>') : NULL;

    if (lt && gt)
        return hr_strndup(lt + 1, (size_t)(gt - lt - 1));
    return hr_strdup(arg);
}

/* serve - one SMTP session */
static void serve(session *s)
{
    static const char ehlo[] = "250-" SINK_NAME "\n250-PIPELINING\n"
                               "250-SIZE 52428800\n250-8BITMIME\n250-DSN\n"
                               "250-SMTPUTF8\n250 ENHANCEDSTATUSCODES";
    char *line = hr_malloc(MAX_LINE + 1);
    const rule *r;
    int accepted = 0;

    if ((r = find_rule(s, "connect", NULL)) != NULL) {
        send_rule(s, r);
        if (r->code >= 400)
            goto done;
    } else if (!send_reply(s, "220 " SINK_NAME " ESMTP pfharness sink")) {
        goto done;
    }
    while (read_line(s, line, MAX_LINE + 1)) {
        char verb[16];
        size_t n = strcspn(line, " ");

        hr_buf_printf(&s->rec, "> %s\n", line);
        snprintf(verb, sizeof(verb), "%.*s", (int)(n < 15 ? n : 15), line);
        for (char *v = verb; *v; v++)
            *v = (char)toupper((unsigned char)*v);
        if (strcmp(verb, "EHLO") == 0 || strcmp(verb, "HELO") == 0) {
            if ((r = find_rule(s, "helo", NULL)) != NULL)
                send_rule(s, r);
            else
                send_reply(s, verb[0] == 'E' ? ehlo : "250 " SINK_NAME);
        } else if (strcmp(verb, "MAIL") == 0) {
            accepted = 0;
            if ((r = find_rule(s, "mail", NULL)) != NULL)
                send_rule(s, r);
            else
                send_reply(s, "250 2.1.0 Ok");
        } else if (strcmp(verb, "RCPT") == 0) {
            char *addr = address(line + n);

            if ((r = find_rule(s, "rcpt", addr)) != NULL) {
                send_rule(s, r);
                accepted += r->code < 300;
            } else {
                send_reply(s, "250 2.1.5 Ok");
                accepted++;
            }
            hr_free(addr);
        } else if (strcmp(verb, "DATA") == 0) {
            if (accepted == 0) {
                send_reply(s, "554 5.5.1 Error: no valid recipients");
                continue;
            }
            send_reply(s, "354 End data with <CR><LF>.<CR><LF>");
            for (;;) {
                if (!read_line(s, line, MAX_LINE + 1))
                    goto done;  /* no final dot: nothing was queued */
                if (strcmp(line, ".") == 0)
                    break;
                hr_buf_printf(&s->rec, "| %s\n",
                              line[0] == '.' ? line + 1 : line);
            }
            if ((r = find_rule(s, "data", NULL)) != NULL)
                send_rule(s, r);
            else
                send_reply(s, "250 2.0.0 Ok: queued by sink");
            accepted = 0;
        } else if (strcmp(verb, "RSET") == 0 || strcmp(verb, "NOOP") == 0) {
            if (verb[0] == 'R')
                accepted = 0;
            send_reply(s, "250 2.0.0 Ok");
        } else if (strcmp(verb, "QUIT") == 0) {
            send_reply(s, "221 2.0.0 Bye");
            break;
        } else {
            send_reply(s, "502 5.5.2 Error: command not recognized");
        }
    }
done:
    hr_free(line);
}

/* session_main - thread body */
static void *session_main(void *arg)
{
    session *s = arg;
    hr_sink *sink = s->sink;

    serve(s);
    close(s->fd);
    pthread_mutex_lock(&sink->lock);
    hr_strv_add(&sink->records, hr_buf_cstr(&s->rec));
    sink->active--;
    pthread_cond_broadcast(&sink->idle);
    pthread_mutex_unlock(&sink->lock);
    free_rules(s->rules, s->nrules);
    hr_buf_release(&s->rec);
    hr_free(s);
    return NULL;
}

/* acceptor_main - accept until woken */
static void *acceptor_main(void *arg)
{
    hr_sink *sink = arg;
    pthread_attr_t detached;
    pthread_t thread;

    pthread_attr_init(&detached);
    pthread_attr_setdetachstate(&detached, PTHREAD_CREATE_DETACHED);
    for (;;) {
        struct pollfd p[2] = {{sink->lfd, POLLIN, 0}, {sink->wake[0], POLLIN, 0}};
        session *s;
        int fd;

        if (poll(p, 2, -1) < 0 && errno != EINTR)
            break;
        if (p[1].revents)
            break;
        if (!(p[0].revents & POLLIN))
            continue;
        if ((fd = accept4(sink->lfd, NULL, NULL, SOCK_CLOEXEC)) < 0)
            continue;
        s = hr_calloc(1, sizeof(*s));
        s->sink = sink;
        s->fd = fd;
        hr_buf_init(&s->rec, 16 << 20);
        pthread_mutex_lock(&sink->lock);
        s->rules = copy_rules(sink->rules, sink->nrules);
        s->nrules = sink->nrules;
        sink->active++;
        /* Sessions are detached: hr_sink_stop() waits for active to reach
         * 0. (Joining them here, under the lock that a finishing session
         * takes, deadlocked after 64 sessions.) */
        if (pthread_create(&thread, &detached, session_main, s) != 0) {
            sink->active--;
            close(fd);
            free_rules(s->rules, s->nrules);
            hr_buf_release(&s->rec);
            hr_free(s);
        }
        pthread_mutex_unlock(&sink->lock);
    }
    pthread_attr_destroy(&detached);
    return NULL;
}

/* hr_sink_start - listen in the namespace */
int hr_sink_start(hr_sink **out, const char *netns, const char *addr,
                  int port)
{
    hr_sink *sink = hr_calloc(1, sizeof(*sink));
    struct sockaddr_in sa;
    int one = 1, error;

    *out = NULL;
    sink->lfd = -1;
    sink->wake[0] = sink->wake[1] = -1;
    pthread_mutex_init(&sink->lock, NULL);
    pthread_cond_init(&sink->idle, NULL);
    if ((error = hr_netns_socket(&sink->lfd, netns, AF_INET, SOCK_STREAM)) < 0)
        goto fail;
    memset(&sa, 0, sizeof(sa));
    sa.sin_family = AF_INET;
    sa.sin_port = htons((uint16_t)port);
    inet_pton(AF_INET, addr, &sa.sin_addr);
    setsockopt(sink->lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    if (bind(sink->lfd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
        listen(sink->lfd, 64) < 0 || pipe2(sink->wake, O_CLOEXEC) < 0) {
        error = hr_error_set(HR_ERROR, "sink cannot listen on %s:%d in '%s': "
                             "%s", addr, port, netns, strerror(errno));
        goto fail;
    }
    if (pthread_create(&sink->acceptor, NULL, acceptor_main, sink) != 0) {
        error = hr_error_set(HR_ERROR, "cannot start the sink thread");
        goto fail;
    }
    sink->started = 1;
    *out = sink;
    return 0;
fail:
    hr_sink_stop(sink);
    return error;
}

/* rules_of - a private copy of a case's sink rules */
static rule *rules_of(const hr_sink_rule *rules, size_t n)
{
    rule *r = hr_calloc(n ? n : 1, sizeof(rule));

    for (size_t i = 0; i < n; i++) {
        r[i].stage = hr_strdup(rules[i].stage);
        r[i].rcpt = rules[i].rcpt ? hr_strdup(rules[i].rcpt) : NULL;
        r[i].code = rules[i].code;
        r[i].text = hr_strdup(rules[i].text ? rules[i].text : "");
    }
    return r;
}

/* hr_sink_serve - one session on fd, in this thread; its record */
char *hr_sink_serve(int fd, const hr_sink_rule *rules, size_t n)
{
    session *s = hr_calloc(1, sizeof(*s));
    char *record;

    s->fd = fd;
    s->rules = rules_of(rules, n);
    s->nrules = n;
    serve(s);
    record = hr_buf_detach(&s->rec);
    free_rules(s->rules, s->nrules);
    hr_free(s);
    return record;
}

/* hr_sink_set_rules - the answers for the next sessions */
void hr_sink_set_rules(hr_sink *s, const hr_sink_rule *rules, size_t n)
{
    rule *r = rules_of(rules, n);

    pthread_mutex_lock(&s->lock);
    free_rules(s->rules, s->nrules);
    s->rules = r;
    s->nrules = n;
    pthread_mutex_unlock(&s->lock);
}

/* hr_sink_wait_idle - until no session is open */
int hr_sink_wait_idle(hr_sink *s, int timeout_ms)
{
    struct timespec until;
    int error = 0;

    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += timeout_ms / 1000;
    until.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
    if (until.tv_nsec >= 1000000000L) {
        until.tv_sec++;
        until.tv_nsec -= 1000000000L;
    }
    pthread_mutex_lock(&s->lock);
    while (s->active > 0 && error == 0)
        if (pthread_cond_timedwait(&s->idle, &s->lock, &until) == ETIMEDOUT)
            error = hr_error_set(HR_ETIMEOUT, "a sink session is still open "
                                 "after %d ms", timeout_ms);
    pthread_mutex_unlock(&s->lock);
    return error;
}

/* hr_sink_render - sessions as a case's record: sorted, numbered */
char *hr_sink_render(hr_strv *sessions)
{
    hr_buf b = HR_BUF_INIT;

    hr_strv_sort(sessions);
    for (size_t i = 0; i < sessions->n; i++)
        hr_buf_printf(&b, "session %zu\n%s", i + 1, sessions->v[i]);
    return hr_buf_detach(&b);
}

/* hr_sink_take_sessions - the sessions since the last call, one each */
void hr_sink_take_sessions(hr_sink *s, hr_strv *out)
{
    pthread_mutex_lock(&s->lock);
    hr_strv_addv(out, &s->records);
    hr_strv_release(&s->records);
    pthread_mutex_unlock(&s->lock);
}

/* hr_sink_take_record - the sessions since the last call, sorted */
char *hr_sink_take_record(hr_sink *s)
{
    hr_strv sessions = HR_STRV_INIT;
    char *text;

    hr_sink_take_sessions(s, &sessions);
    text = hr_sink_render(&sessions);
    hr_strv_release(&sessions);
    return text;
}

/* hr_sink_stop - stop listening, end sessions, free */
void hr_sink_stop(hr_sink *s)
{
    if (s == NULL)
        return;
    if (s->started) {
        if (write(s->wake[1], "x", 1) < 0)
            hr_msg_warn("cannot wake the sink thread: %s", strerror(errno));
        pthread_join(s->acceptor, NULL);
    }
    if (s->lfd >= 0)
        close(s->lfd);
    /* Sessions end on their own: the peer is gone once master stopped,
     * and a silent one times out. */
    pthread_mutex_lock(&s->lock);
    while (s->active > 0)
        pthread_cond_wait(&s->idle, &s->lock);
    pthread_mutex_unlock(&s->lock);
    if (s->wake[0] >= 0)
        close(s->wake[0]);
    if (s->wake[1] >= 0)
        close(s->wake[1]);
    free_rules(s->rules, s->nrules);
    hr_strv_release(&s->records);
    pthread_mutex_destroy(&s->lock);
    pthread_cond_destroy(&s->idle);
    hr_free(s);
}

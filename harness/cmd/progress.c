/*
 * NAME
 *	cmd/progress 3
 * SUMMARY
 *	progress of long work, on a terminal and in a CI log
 * SYNOPSIS
 *	#include "cmd/progress.h"
 *
 *	hr_cmd_progress *hr_cmd_progress_start(void)
 *	void	hr_cmd_progress_line(line, payload)
 *	void	hr_cmd_progress_stop(p)
 * DESCRIPTION
 *	The runner reports progress as lines (runner(3)). On a terminal,
 *	hr_cmd_progress_line() keeps one line up to date in place. Without
 *	one (a CI job, a pipe), where nobody sees a line rewritten, it
 *	prints each milestone as a line of its own with the elapsed time
 *	("built 2/3: O2", "build 1/3 failed: ...", a phase that starts),
 *	and keeps the latest work line ("building 3/4: O2 clang-14: make",
 *	"replay: 120 of 792 case runs done, 672 left", "postfix tests:
 *	40 of 554 test runs done, 514 left"), which a ticker
 *	thread prints every 15 seconds while the work goes on. All of it
 *	goes to stderr; stdout carries results.
 *
 *	hr_cmd_progress_stop() ends the ticker and, on a terminal, clears
 *	the line; NULL is fine.
 */
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cmd/progress.h"
#include "util/clock.h"
#include "util/mem.h"

#define TICK_SECONDS 15

struct hr_cmd_progress {
    int tty;
    double t0;
    pthread_mutex_t lock;
    pthread_cond_t wake;
    pthread_t ticker;
    int ticking, stop;
    char last[256];     /* the latest replay line, "" when none */
};

/* stamp - "[  41s] " */
static void stamp(const hr_cmd_progress *p)
{
    fprintf(stderr, "[%5.0fs] ", hr_clock_s() - p->t0);
}

/* tick - every TICK_SECONDS, the latest replay line */
static void *tick(void *arg)
{
    hr_cmd_progress *p = arg;

    pthread_mutex_lock(&p->lock);
    while (!p->stop) {
        struct timespec until;

        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_sec += TICK_SECONDS;
        while (!p->stop &&
               pthread_cond_timedwait(&p->wake, &p->lock, &until) == 0)
            ;
        if (!p->stop && p->last[0]) {
            stamp(p);
            fprintf(stderr, "%s\n", p->last);
            fflush(stderr);
        }
    }
    pthread_mutex_unlock(&p->lock);
    return NULL;
}

/* hr_cmd_progress_start - progress for this process's stderr */
hr_cmd_progress *hr_cmd_progress_start(void)
{
    hr_cmd_progress *p = hr_calloc(1, sizeof(*p));

    p->tty = isatty(2);
    p->t0 = hr_clock_s();
    pthread_mutex_init(&p->lock, NULL);
    pthread_cond_init(&p->wake, NULL);
    if (!p->tty && pthread_create(&p->ticker, NULL, tick, p) == 0)
        p->ticking = 1;
    return p;
}

/* hr_cmd_progress_line - the runner's callback */
void hr_cmd_progress_line(const char *line, void *payload)
{
    hr_cmd_progress *p = payload;

    pthread_mutex_lock(&p->lock);
    if (p->tty) {
        fprintf(stderr, "\r\033[K%.78s", line);
    } else if (strncmp(line, "replay:", 7) == 0 ||
               strncmp(line, "building ", 9) == 0 ||
               strncmp(line, "reduce: trials", 14) == 0 ||
               (strncmp(line, "postfix tests: ", 15) == 0 &&
                line[15] >= '0' && line[15] <= '9')) {
        /* Work in progress: the first line of a phase at once, then the
         * ticker's every TICK_SECONDS. */
        if (p->last[0] == 0 || strncmp(p->last, line, 7) != 0) {
            stamp(p);
            fprintf(stderr, "%s\n", line);
        }
        snprintf(p->last, sizeof(p->last), "%s", line);
    } else {
        /* a milestone: a build done or failed, a phase that starts */
        unsigned done, total;

        stamp(p);
        fprintf(stderr, "%s\n", line);
        /* the last build done: no build is in progress any more */
        if ((sscanf(line, "built %u/%u", &done, &total) == 2 ||
             sscanf(line, "build %u/%u", &done, &total) == 2) &&
            done == total)
            p->last[0] = 0;
    }
    fflush(stderr);
    pthread_mutex_unlock(&p->lock);
}

/* hr_cmd_progress_stop - end the ticker, clear the terminal line */
void hr_cmd_progress_stop(hr_cmd_progress *p)
{
    if (p == NULL)
        return;
    pthread_mutex_lock(&p->lock);
    p->stop = 1;
    pthread_cond_signal(&p->wake);
    pthread_mutex_unlock(&p->lock);
    if (p->ticking)
        pthread_join(p->ticker, NULL);
    if (p->tty) {
        fputs("\r\033[K", stderr);
        fflush(stderr);
    }
    pthread_mutex_destroy(&p->lock);
    pthread_cond_destroy(&p->wake);
    hr_free(p);
}

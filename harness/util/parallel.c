/*
 * NAME
 *	util/parallel 3
 * SUMMARY
 *	indices handed out to a few threads, first failure kept
 * SYNOPSIS
 *	#include "util/parallel.h"
 *
 *	int	hr_parallel(n, threads, fn, arg)
 * DESCRIPTION
 *	hr_parallel() calls fn(arg, i) once for each i from 0 to n - 1, in
 *	order of i, on up to threads threads at once, the caller's among
 *	them. After the first call that fails (returns < 0), no new index
 *	starts; the calls in flight finish. A thread that cannot be made
 *	leaves its share to the others.
 * DIAGNOSTICS
 *	0, or the first failure's code with its message set in the calling
 *	thread (hr_error_last()), whichever thread it happened in.
 */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "util/msg.h"
#include "util/parallel.h"

#define PARALLEL_MAX 64

struct parallel {
    pthread_mutex_t lock;
    hr_parallel_fn fn;
    void *arg;
    size_t n, next;
    int error;            /* the first failure, its text below */
    char text[2048];
};

/* worker - the next index until none is left or one failed */
static void *worker(void *arg)
{
    struct parallel *p = arg;

    for (;;) {
        size_t i;
        int e;

        pthread_mutex_lock(&p->lock);
        i = p->error < 0 ? p->n : p->next++;
        pthread_mutex_unlock(&p->lock);
        if (i >= p->n)
            return NULL;
        if ((e = p->fn(p->arg, i)) < 0) {
            pthread_mutex_lock(&p->lock);
            if (p->error == 0) {
                p->error = e;
                snprintf(p->text, sizeof(p->text), "%s", hr_error_last());
            }
            pthread_mutex_unlock(&p->lock);
        }
    }
}

/* hr_parallel - fn for every index, on up to threads threads */
int hr_parallel(size_t n, int threads, hr_parallel_fn fn, void *arg)
{
    struct parallel p;
    pthread_t helper[PARALLEL_MAX];
    size_t helpers = 0;

    memset(&p, 0, sizeof(p));
    pthread_mutex_init(&p.lock, NULL);
    p.fn = fn;
    p.arg = arg;
    p.n = n;
    if (threads > PARALLEL_MAX)
        threads = PARALLEL_MAX;
    for (int k = 1; k < threads && (size_t)k < n; k++)
        if (pthread_create(&helper[helpers], NULL, worker, &p) == 0)
            helpers++;
    worker(&p);
    for (size_t k = 0; k < helpers; k++)
        pthread_join(helper[k], NULL);
    pthread_mutex_destroy(&p.lock);
    if (p.error < 0)
        return hr_error_set(p.error, "%s", p.text);
    return 0;
}

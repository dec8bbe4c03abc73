/*
 * NAME
 *	util/msg 3
 * SUMMARY
 *	diagnostics and the per-thread error slot
 * SYNOPSIS
 *	#include "util/msg.h"
 *
 *	void	hr_msg_info(fmt, ...), hr_msg_warn(), hr_msg_error()
 *	void	hr_panic(fmt, ...)
 *
 *	int	hr_error_set(code, fmt, ...)
 *	const char *hr_error_last(void)
 *	int	hr_error_code(void)
 * DESCRIPTION
 *	Each message is one line on stderr, prefixed with the program
 *	name: "pfharness: warning: cannot parse 'main.cf' line 12".
 *
 *	hr_error_set() records why an operation in the environment failed
 *	and returns its negative code, so that callers can write
 *	"return hr_error_set(HR_EINPUT, ...)". The slot is per thread: the
 *	runner executes instances in worker threads.
 *
 *	hr_panic() reports a broken invariant and aborts.
 * SEE ALSO
 *	../shared/STYLE.md, section 3 and 5.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>

#include "util/msg.h"

int hr_verbose;

static const char *progname = "pfharness";
static pthread_mutex_t out_lock = PTHREAD_MUTEX_INITIALIZER;

static __thread char err_text[2048];
static __thread int err_code;

/* hr_msg_init - set the message prefix */
void hr_msg_init(const char *name)
{
    const char *slash = strrchr(name, '/');

    progname = slash ? slash + 1 : name;
}

/* vmsg - print one line, whole, even when threads race */
static void vmsg(const char *level, const char *fmt, va_list ap)
{
    char line[4096];
    int n;

    n = snprintf(line, sizeof(line), "%s: %s", progname, level);
    if (n < 0 || (size_t)n >= sizeof(line))
        n = 0;
    vsnprintf(line + n, sizeof(line) - n, fmt, ap);
    pthread_mutex_lock(&out_lock);
    fprintf(stderr, "%s\n", line);
    fflush(stderr);
    pthread_mutex_unlock(&out_lock);
}

/* hr_msg_info - informational message */
void hr_msg_info(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vmsg("", fmt, ap);
    va_end(ap);
}

/* hr_msg_warn - warning message */
void hr_msg_warn(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vmsg("warning: ", fmt, ap);
    va_end(ap);
}

/* hr_msg_error - error message; the caller decides what happens next */
void hr_msg_error(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vmsg("error: ", fmt, ap);
    va_end(ap);
}

/* hr_panic - report a broken invariant and abort */
void hr_panic(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vmsg("panic: ", fmt, ap);
    va_end(ap);
    abort();
}

/* hr_error_setv - record the reason for a failure, return its code */
int hr_error_setv(int code, const char *fmt, va_list ap)
{
    char tmp[sizeof(err_text)];

    /* The message may quote the previous error: format into a copy. */
    vsnprintf(tmp, sizeof(tmp), fmt, ap);
    memcpy(err_text, tmp, sizeof(err_text));
    err_code = code < 0 ? code : HR_ERROR;
    return err_code;
}

/* hr_error_set - record the reason for a failure, return its code */
int hr_error_set(int code, const char *fmt, ...)
{
    va_list ap;
    int ret;

    va_start(ap, fmt);
    ret = hr_error_setv(code, fmt, ap);
    va_end(ap);
    return ret;
}

/* hr_error_last - the last recorded reason, or a generic text */
const char *hr_error_last(void)
{
    return err_text[0] ? err_text : "unknown error";
}

/* hr_error_code - the last recorded code */
int hr_error_code(void)
{
    return err_code;
}

/* hr_error_clear - forget the last error */
void hr_error_clear(void)
{
    err_text[0] = 0;
    err_code = 0;
}

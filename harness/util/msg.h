#ifndef HR_UTIL_MSG_H
#define HR_UTIL_MSG_H

/* util/msg.h - diagnostics, the per-thread error slot, verbosity */

#include <stdarg.h>

#define HR_PRINTF(f, a) __attribute__((format(printf, f, a)))

extern int hr_verbose;

void hr_msg_info(const char *fmt, ...) HR_PRINTF(1, 2);
void hr_msg_warn(const char *fmt, ...) HR_PRINTF(1, 2);
void hr_msg_error(const char *fmt, ...) HR_PRINTF(1, 2);
void hr_panic(const char *fmt, ...) HR_PRINTF(1, 2) __attribute__((noreturn));

/* Error codes returned (negated) by module functions. */
#define HR_ERROR    (-1)  /* generic environment failure */
#define HR_EINPUT   (-2)  /* bad input: a malformed file, an unknown name */
#define HR_ETIMEOUT (-3)  /* a bounded wait ran out */
#define HR_ENOTFOUND (-4) /* the thing asked for does not exist */
#define HR_EINTR    (-5)  /* interrupted by SIGINT/SIGTERM */
#define HR_EBUILD   (-6)  /* the tree did not build (make, install, a
                           * compiler that hung): an observation, where
                           * anything else is the harness's trouble */

int hr_error_set(int code, const char *fmt, ...) HR_PRINTF(2, 3);
int hr_error_setv(int code, const char *fmt, va_list ap);
const char *hr_error_last(void);
int hr_error_code(void);
void hr_error_clear(void);

/* Set the program name that prefixes each message. */
void hr_msg_init(const char *progname);

#endif

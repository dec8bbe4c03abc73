#ifndef HR_OBSERVE_ATTRIB_H
#define HR_OBSERVE_ATTRIB_H

/* observe/attrib.h - whose is each log line, message and sink session
 * of a batch of sessions on one instance */

#include <stddef.h>

/* What is known of a session before the log is read. */
typedef struct hr_attrib_seed {
    const char *transcript; /* its "queued as X" replies: its queue IDs */
    long smtpd_pid;         /* the smtpd that served it, or 0 */
} hr_attrib_seed;

typedef struct hr_attrib hr_attrib;

int hr_attrib_new(hr_attrib **out, const hr_attrib_seed *seeds, size_t n,
                  const char *log);
const char *hr_attrib_why(const hr_attrib *a);
const char *hr_attrib_log(const hr_attrib *a, size_t i);
int hr_attrib_claim(hr_attrib *a, const char *what, const char *text);
size_t hr_attrib_qids(const hr_attrib *a);
void hr_attrib_free(hr_attrib *a);

#endif

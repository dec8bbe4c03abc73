#ifndef HR_OBSERVE_OBSERVE_H
#define HR_OBSERVE_OBSERVE_H

/* observe/observe.h - one normalized observation (obs.h) from a case's raw material */

#include <stddef.h>
#include "observe/obs.h"

/* A delivered message and the mailbox it landed in. */
typedef struct hr_obs_msg {
    const char *rcpt;
    const char *text;
    size_t len;
} hr_obs_msg;

typedef struct hr_obs_raw {
    const char *transcript;   /* replay's transcript, in step order */
    const char *probe_output; /* sendmail's stdout+stderr, or NULL */
    const hr_obs_msg *mail;   /* everything in the instance's mailboxes */
    size_t nmail;
    const char *sink;         /* the sink's record, as the sink renders it */
    const char *maillog;      /* the maillog slice written during the case */
    const char *sanitizer;    /* UBSan/ASan report text, or NULL */
    const char *instance_dir; /* replaced by INSTANCE, or NULL */
    const char *build_dir;    /* replaced by BUILD, or NULL */
} hr_obs_raw;

int hr_observe(hr_obs **out, const hr_obs_raw *raw);
int hr_observe_first_finding(char **out, const char *maillog);
void hr_observe_first_each(char *out[4], const char *maillog);
int hr_observe_line_severity(const char *line, size_t len);

#endif

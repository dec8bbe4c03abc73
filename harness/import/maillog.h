#ifndef HR_IMPORT_MAILLOG_H
#define HR_IMPORT_MAILLOG_H

/* import/maillog.h - SMTP sessions from smtpd's verbose log, as transcripts */

#include <stddef.h>
#include "util/strv.h"
#include "import/session.h"

typedef struct hr_maillog hr_maillog;

typedef struct hr_maillog_opts {
    const hr_strv *config;      /* "param = value" for every case */
    const hr_strv *skipped;     /* settings left out, as header notes */
} hr_maillog_opts;

#define HR_MAILLOG_OPTS_INIT {NULL, NULL}

int hr_maillog_load(hr_maillog **out, const char *path,
                    const hr_maillog_opts *o);
int hr_maillog_parse(hr_maillog **out, const char *path, const char *text,
                     size_t len, const hr_maillog_opts *o);
size_t hr_maillog_count(const hr_maillog *m);
const hr_session *hr_maillog_session(const hr_maillog *m, size_t i);
long hr_maillog_pid(const hr_maillog *m, size_t i);
const char *hr_maillog_client(const hr_maillog *m, size_t i);
const char *hr_maillog_peer(const hr_maillog *m, size_t i);
const hr_strv *hr_maillog_notes(const hr_maillog *m);
void hr_maillog_free(hr_maillog *m);

#endif

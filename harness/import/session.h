#ifndef HR_IMPORT_SESSION_H
#define HR_IMPORT_SESSION_H

/* import/session.h - a recorded SMTP session as two byte streams, made a case */

#include <stddef.h>
#include "util/buf.h"
#include "util/strv.h"

/*
 * What an importer recorded: the bytes each side sent, the client's
 * writes, and what the recording says about its ends. The importer
 * fills the fields; hr_session_render() turns them into case text.
 */
typedef struct hr_session {
    char *name;         /* case name: [a-z0-9][a-z0-9._-]* */
    char *about;        /* one line */
    char *client;       /* the case's client address, NULL: the default */
    hr_strv notes;      /* comment lines for the case's header */
    hr_strv config;     /* "param = value", checked by hr_postconf */
    int synthetic;      /* some content is made up: mark synthetic-data */
    int cut;            /* the start or the end is missing: incomplete */
    int server_closed;  /* the server closed after its last byte */
    hr_buf cdata;       /* what the client sent */
    hr_buf sdata;       /* what the server sent */
    size_t *wend;       /* end of each client write in cdata */
    long long *wseen;   /* sdata bytes the client had received when it
                         * began that write; -1: unknown */
    size_t nwrites, wcap;
} hr_session;

void hr_session_init(hr_session *t);
void hr_session_release(hr_session *t);
void hr_session_client(hr_session *t, const void *data, size_t len,
                          long long seen);
void hr_session_server(hr_session *t, const void *data, size_t len);
int hr_session_has_greeting(const hr_session *t);
void hr_session_summary(const hr_session *t, size_t *ncommands,
                           char **first);
int hr_session_render(char **out, const hr_session *t);
int hr_session_set_client(hr_session *t, const char *addr);
char *hr_session_stem(const char *path);
int hr_session_bdat(const char *text, unsigned long long *size);

#endif

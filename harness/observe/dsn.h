#ifndef HR_OBSERVE_DSN_H
#define HR_OBSERVE_DSN_H

/* observe/dsn.h - delivery status notifications (RFC 3464 multipart/report) */

#include <stddef.h>

typedef struct hr_dsn hr_dsn;

/* One per-recipient block. Strings are unfolded; NULL when absent. */
typedef struct hr_dsn_record {
    const char *final_rcpt; /* Final-Recipient: "rfc822; bob@remote.test" */
    const char *orig_rcpt;  /* Original-Recipient */
    const char *action;     /* Action: failed, delayed, delivered, ... */
    const char *status;     /* Status: 5.1.1 */
    const char *remote_mta; /* Remote-MTA: "dns; 127.0.0.9" */
    const char *diagnostic; /* Diagnostic-Code: "smtp; 550 ..." */
} hr_dsn_record;

int hr_dsn_parse(hr_dsn **out, const char *msg, size_t len);
size_t hr_dsn_count(const hr_dsn *d);
const hr_dsn_record *hr_dsn_record_at(const hr_dsn *d, size_t i);
const char *hr_dsn_field(const hr_dsn *d, const char *name);
const char *hr_dsn_subject(const hr_dsn *d);
const char *hr_dsn_text(const hr_dsn *d);
const char *hr_dsn_address(const char *field);
void hr_dsn_free(hr_dsn *d);

#endif

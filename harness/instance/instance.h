#ifndef HR_INSTANCE_INSTANCE_H
#define HR_INSTANCE_INSTANCE_H

/* instance/instance.h - one private Postfix instance in its own network namespace */

#include "util/buf.h"
#include "build/build.h"
#include "util/mountview.h"
#include "case/case.h"
#include "case/userconf.h"
#include "case/world.h"
#include "util/strv.h"

typedef struct hr_instance hr_instance;
typedef struct hr_sink hr_sink;


typedef struct hr_instance_opts {
    const hr_build *build;
    const char *dir;            /* the instance directory; created afresh */
    const char *netns;          /* "pfh-..." */
    const hr_strv *libenv;      /* NAME=VALUE for every daemon */
    const hr_strv *config;      /* "param = value" overrides */
    const hr_case_table *tables;
    size_t ntables;
    const hr_strv *service_args;/* "smtpd -v": extra args for a master.cf
                                 * service (escalation) */
    const char *writable;       /* also writable in its mount namespace */
    const hr_strv *extra_main;  /* "param = value" the harness adds
                                 * (escalation: debug_peer_list...) */
    int timeout_ms;             /* for start-up; 0: 15 s */
    const struct hr_userconf *user; /* the user's main.cf and master.cf
                                 * (userconf(3)), applied over the base
                                 * before the case's settings, or NULL */
} hr_instance_opts;

#define HR_INSTANCE_OPTS_INIT {0}

/* A message found in a mailbox. */
typedef struct hr_mail {
    char *mailbox;      /* the local user */
    char *text;
    size_t len;
} hr_mail;

void hr_instance_opts_from_case(hr_instance_opts *out, const hr_build *b,
                                const char *dir, const char *netns,
                                const hr_strv *libenv, const hr_case *c);
int hr_instance_start(hr_instance **out, const hr_instance_opts *o);
int hr_instance_stop(hr_instance *in);
const char *hr_instance_start_why(void);
int hr_instance_reachable(const char *dir);
void hr_instance_free(hr_instance *in);

const char *hr_instance_dir(const hr_instance *in);
const char *hr_instance_netns(const hr_instance *in);
const char *hr_instance_config_dir(const hr_instance *in);
const char *hr_instance_maillog(const hr_instance *in);
const hr_build *hr_instance_build(const hr_instance *in);
const char *const *hr_instance_env(const hr_instance *in);
const hr_mountview_spec *hr_instance_view(const hr_instance *in);
hr_sink *hr_instance_sink(hr_instance *in);
double hr_instance_start_seconds(const hr_instance *in);

int hr_instance_log_mark(hr_instance *in, hr_buf *slice);
int hr_instance_settle(hr_instance *in, int timeout_ms);
int hr_instance_take_mail(hr_instance *in, hr_mail **out, size_t *count);
void hr_mail_free_all(hr_mail *mail, size_t count);
int hr_instance_take_sanitizer(hr_instance *in, hr_buf *out);
int hr_instance_reset(hr_instance *in);
int hr_instance_alive(hr_instance *in);
long hr_instance_peer_pid(hr_instance *in, int fd);
int hr_instance_batchable(const hr_instance *in);

int hr_instance_users(hr_strv *out);
size_t hr_instance_ntables(const hr_instance_opts *o);
const hr_case_table *hr_instance_table(const hr_instance_opts *o, size_t i);

#endif

#ifndef HR_UTIL_SPAWN_H
#define HR_UTIL_SPAWN_H

/* util/spawn.h - run child processes: the seam for process creation */

#include <sys/types.h>
#include "util/buf.h"
#include "util/strv.h"
#include "util/mountview.h"

typedef enum {
    HR_OUT_NULL = 0,    /* /dev/null */
    HR_OUT_INHERIT,     /* the harness's own stream */
    HR_OUT_CAPTURE,     /* into an hr_buf */
    HR_OUT_FILE,        /* append to a file */
    HR_OUT_STDOUT       /* (stderr only) merge into stdout */
} hr_out_mode;

typedef struct hr_spawn_opts {
    const char *const *argv;    /* argv[0] is looked up in PATH */
    const char *const *setenv;  /* "NAME=VALUE" added to the environment */
    const char *const *unsetenv;/* names removed from the environment */
    int clear_env;              /* start from an empty environment */
    const char *cwd;
    const char *netns;          /* join /run/netns/NAME first */
    const hr_mountview_spec *view; /* a mount namespace of its own */
    const char *stdin_data;     /* NULL: /dev/null */
    size_t stdin_len;
    hr_out_mode out, err;
    const char *out_path, *err_path;    /* for HR_OUT_FILE */
    hr_buf *out_buf, *err_buf;          /* for HR_OUT_CAPTURE */
    int use_pty;                /* stdout+stderr to a pty, captured in out_buf */
    int timeout_ms;             /* 0: none; on expiry: SIGTERM, SIGKILL */
    int new_session;            /* setsid(): own process group */
    int keep_alive;             /* hr_spawn_start: no PDEATHSIG */
    int no_network;             /* a network namespace of its own, with
                                 * nothing in it (not even lo up) */
    double *cpu_seconds;        /* hr_spawn_run: user + system CPU of the
                                 * child and all it waited for, or NULL */
    int as_user;                /* drop to uid/gid (no groups, no new
                                 * privileges) after the mount view */
    uid_t uid;
    gid_t gid;
} hr_spawn_opts;

#define HR_SPAWN_OPTS_INIT {0}

/* Exit status as the shell reports it: 128+N for a signal. */
int hr_spawn_run(int *out_status, const hr_spawn_opts *o);
int hr_spawn_capture(int *out_status, hr_buf *out, hr_buf *err,
                     const char *const *argv, const char *cwd, int timeout_ms);
int hr_spawn_start(pid_t *out_pid, const hr_spawn_opts *o);
int hr_spawn_wait(int *out_status, pid_t pid, int timeout_ms);
int hr_spawn_status_text(char *buf, size_t len, int status);
int hr_spawn_find_program(char **out, const char *name);

#endif

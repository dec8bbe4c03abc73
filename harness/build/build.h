#ifndef HR_BUILD_BUILD_H
#define HR_BUILD_BUILD_H

/* build/build.h - build Postfix at a revision, cached by build id */

#include "build/buildspec.h"
#include "build/compiler.h"
#include "util/strv.h"

#define HR_BUILD_ID_LEN 16
#define HR_BUILD_RECIPE "pfharness-build-4"

typedef void (*hr_build_progress_fn)(const char *variant, const char *step,
                                     void *payload);

typedef struct hr_build_opts {
    const char *variant;        /* NAME or NAME@LABEL */
    const char *source;         /* revision in the store; NULL: default */
    const char *cc;             /* the compiler, where the spec names
                                 * none; NULL: gcc */
    const char *label;          /* the build's name in a run ("O2
                                 * clang-15"); NULL: the variant */
    int jobs;                   /* make -j; 0: number of CPUs */
    int use_ccache;             /* -1: when installed, 0: never, 1: always */
    const char *extra_opt;      /* appended to OPT (narrowing) */
    hr_build_progress_fn progress;
    void *payload;
    int jobserver;              /* make joins a GNU make job server shared
                                 * with other builds: its pipe's fds */
    int jobserver_r, jobserver_w;
} hr_build_opts;

#define HR_BUILD_OPTS_INIT {NULL, NULL, NULL, NULL, 0, -1, NULL, NULL, NULL, \
                            0, -1, -1}

typedef struct hr_build {
    char id[HR_BUILD_ID_LEN + 1];
    char *dir;          /* var/builds/<id> */
    char *src;          /* var/builds/<id>/src */
    char *stage;        /* var/builds/<id>/stage */
    char *make_log;
    char *variant;      /* its name: the spec's, with @LABEL for replicas,
                         * or "O2 clang-15" in a compiler matrix */
    char *flags;        /* one line: OPT=... CCARGS=... */
    char *opt;          /* OPT as passed, or "(postfix default)" */
    char *cc, *cc_path, *cc_sha256, *cc_version, *cc_kind;
    char *source_commit, *source_tree, *source_version;
    char *sanitizer;    /* NULL, "ubsan", "asan" */
    char *prebuilt;     /* NULL, or "debian": Debian's binary packages,
                         * laid out as Debian installs them */
    int ub_check;
    int shared;
    char *shlib_runpath;/* a mixed tree's programs still look for their
                         * libpostfix-*.so here (their base build's
                         * RUNPATH), not in this stage; NULL otherwise */
    hr_strv env;        /* NAME=VALUE for the daemons */
    hr_strv params;     /* the main.cf parameters this Postfix knows
                         * (postconf -d), sorted */
    int ccache;         /* ccache was used */
    int cached;         /* this call found the build ready */
    double seconds;     /* how long the build took when it was made */
    double t_checkout, t_makefiles, t_make, t_install, t_postconf;
                        /* ... and each of its steps, wall seconds */
    double make_cpu;    /* CPU seconds of "make" and all it ran: the
                         * compiles, archives and links */
    int has_phases;     /* build.json has the step times above */
    long long created;  /* unix time */
} hr_build;

int hr_build_compute_id(char out[HR_BUILD_ID_LEN + 1], const char *tree,
                        const hr_compiler *cc, const hr_buildspec *spec,
                        const char *extra_opt);
int hr_build_run(hr_build **out, const hr_build_opts *o);
int hr_build_load(hr_build **out, const char *id);
int hr_build_list(hr_strv *out);
int hr_build_remove(const char *id);
void hr_build_free(hr_build *b);
void hr_build_env(hr_strv *out, const char *dir);
int hr_build_knows(const hr_build *b, const char *param);
char *hr_build_daemon_dir(const hr_build *b);
char *hr_build_slug(const char *name);
int hr_build_exec(const char *cwd, const char *log_path, const char *dir,
                  const hr_strv *argv);

#endif

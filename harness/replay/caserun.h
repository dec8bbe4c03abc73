#ifndef HR_REPLAY_CASERUN_H
#define HR_REPLAY_CASERUN_H

/* replay/caserun.h - run one case once on an instance, observe, check */

#include "case/case.h"
#include "instance/instance.h"
#include "observe/obs.h"

typedef struct hr_caserun_result {
    hr_obs *model;          /* the normalized observation */
    char *obs;              /* its text, as the .obs files hold it */
    int expect_ok;          /* it matched the case's recorded expectation */
    char *mismatch;         /* how it did not; "" when it did */
    char *first_finding;    /* the first panic/fatal/error/warning, raw */
    char *log;              /* the maillog lines the case wrote, raw */
    double seconds;         /* from the first step to the parsed result */
} hr_caserun_result;

/* The material of one case run, before it is observed. */
typedef struct hr_caserun_material {
    const char *transcript;     /* smtp: the replay's transcript; probe:
                                 * events ("! ...") or NULL */
    const char *replay_mismatch;/* smtp: how the replies differed */
    const char *probe_output;   /* probe: sendmail's output and status */
    const hr_mail *mail;        /* the case's delivered messages */
    size_t nmail;
    const char *sink;           /* the sink's record of the case */
    const char *maillog;        /* the case's log lines */
    const char *sanitizer;      /* reports, or NULL */
} hr_caserun_material;

#define HR_SETTLE_TIMEOUT_MS 30000

int hr_caserun(hr_caserun_result *out, hr_instance *in, const hr_case *c);
int hr_caserun_observe(hr_caserun_result *out, hr_instance *in,
                       const hr_case *c, const hr_caserun_material *m);
void hr_caserun_result_release(hr_caserun_result *r);
int hr_caserun_baseline(hr_strv *findings, hr_instance *in);
int hr_caserun_failed(hr_caserun_result *out, const char *what,
                      const char *dir, const char *build_dir);
char *hr_caserun_expected(const hr_case *c);
char *hr_caserun_check_probe(const hr_case *c, const hr_mail *mail,
                             size_t nmail);
void hr_caserun_check_golden(hr_buf *events, const hr_case *c,
                             const hr_obs *model);

#endif

#ifndef HR_INSTANCE_INSTANCE_INT_H
#define HR_INSTANCE_INSTANCE_INT_H

/* instance/instance_int.h - the instance struct, shared by instance.c and
 * collect.c only */

#include <sys/types.h>
#include "instance/instance.h"
#include "instance/spool.h"
#include "util/mountview.h"

struct hr_instance {
    char *dir, *etc, *tables, *queue, *data, *mail, *san, *maillog;
    char *spool;            /* tmpfs of queue/, data/ and mail/ (spool(3)) */
    int spool_mounted;
    char *netns;
    const hr_build *build;
    hr_strv env;            /* for commands run against the instance */
    hr_strv cover, ro, rw, layers; /* what its processes see (mountview(3)) */
    hr_mountview_spec view;
    hr_sink *sink;
    pid_t master;
    int netns_made;
    long mark_seq;
    off_t log_offset;       /* where the previous mark ended */
    double start_seconds;
    int batchable;          /* hr_instance_batchable() */
};

#endif

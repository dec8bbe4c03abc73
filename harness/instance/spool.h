#ifndef HR_INSTANCE_SPOOL_H
#define HR_INSTANCE_SPOOL_H

/* instance/spool.h - an instance's queue and mailboxes in memory */

#include "util/strv.h"

/* The spool's place in an instance directory: queue/, data/ and mail/
 * live under it. */
#define HR_SPOOL_DIR "spool"

int hr_spool_mount(int *mounted, const char *dir, const char *owner);
int hr_spool_unmount(const char *dir);
int hr_spool_keep_queue(const char *spool_queue, const char *disk_queue);
int hr_spool_list(hr_strv *dirs, hr_strv *owners);
int hr_spool_unmount_stale(const char *dir);

#endif

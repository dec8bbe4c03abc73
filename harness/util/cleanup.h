#ifndef HR_UTIL_CLEANUP_H
#define HR_UTIL_CLEANUP_H

/* util/cleanup.h - leave nothing behind on any exit path */

#include <sys/types.h>

void hr_cleanup_install(void);
void hr_cleanup_add_pgrp(pid_t pgrp);
void hr_cleanup_del_pgrp(pid_t pgrp);
void hr_cleanup_add_netns(const char *name);
void hr_cleanup_del_netns(const char *name);
int hr_cleanup_add_mount(const char *path);
void hr_cleanup_del_mount(const char *path);
int hr_interrupted(void);
void hr_cleanup_now(void);

#endif

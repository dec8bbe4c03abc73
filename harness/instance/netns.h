#ifndef HR_INSTANCE_NETNS_H
#define HR_INSTANCE_NETNS_H

/* instance/netns.h - the project's own network namespaces */

#include "util/strv.h"

#define HR_NETNS_PREFIX "pfh-"

int hr_netns_create(const char *name);
int hr_netns_delete(const char *name);
int hr_netns_socket(int *out, const char *name, int domain, int type);
int hr_netns_socket_proto(int *out, const char *name, int domain, int type,
                          int protocol);
int hr_netns_list(hr_strv *out);
int hr_netns_kill_all(const char *name, int timeout_ms);
int hr_netns_pids(hr_strv *out, const char *name);
char *hr_netns_name(void);
int hr_netns_owner_alive(const char *name);

#endif

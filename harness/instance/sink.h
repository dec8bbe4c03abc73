#ifndef HR_INSTANCE_SINK_H
#define HR_INSTANCE_SINK_H

/* instance/sink.h - the remote SMTP peer inside an instance's namespace */

#include <stddef.h>
#include "case/case.h"
#include "util/strv.h"

typedef struct hr_sink hr_sink;

int hr_sink_start(hr_sink **out, const char *netns, const char *addr,
                  int port);
void hr_sink_set_rules(hr_sink *s, const hr_sink_rule *rules, size_t n);
int hr_sink_wait_idle(hr_sink *s, int timeout_ms);
void hr_sink_take_sessions(hr_sink *s, hr_strv *out);
char *hr_sink_render(hr_strv *sessions);
char *hr_sink_take_record(hr_sink *s);
void hr_sink_stop(hr_sink *s);
char *hr_sink_serve(int fd, const hr_sink_rule *rules, size_t n);

#endif

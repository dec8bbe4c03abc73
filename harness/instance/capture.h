#ifndef HR_INSTANCE_CAPTURE_H
#define HR_INSTANCE_CAPTURE_H

/* instance/capture.h - record an instance's SMTP traffic with tcpdump */

typedef struct hr_capture hr_capture;

int hr_capture_start(hr_capture **out, const char *netns, const char *path,
                     int snaplen);
int hr_capture_stop(hr_capture *c);
void hr_capture_free(hr_capture *c);

#endif

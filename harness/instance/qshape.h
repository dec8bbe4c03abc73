#ifndef HR_INSTANCE_QSHAPE_H
#define HR_INSTANCE_QSHAPE_H

/* instance/qshape.h - queue shape: messages by recipient domain and age */

int hr_qshape(char **out, const char *queue_dir, long long now);

#endif

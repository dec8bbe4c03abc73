#ifndef HR_QSHAPE_H
#define HR_QSHAPE_H

/* qshape.h - queue shape: messages by recipient domain and age */

int hr_qshape(char **out, const char *queue_dir, long long now);

#endif

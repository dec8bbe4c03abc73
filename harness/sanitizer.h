#ifndef HR_SANITIZER_H
#define HR_SANITIZER_H

/* sanitizer.h - reduce ASan/UBSan/LSan reports to their stable parts */

char *hr_sanitizer_reduce(const char *text);
char *hr_sanitizer_summary(const char *text);

#endif

#ifndef HR_OBSERVE_SANITIZER_H
#define HR_OBSERVE_SANITIZER_H

/* observe/sanitizer.h - reduce ASan/UBSan/LSan reports to their stable parts */

char *hr_sanitizer_reduce(const char *text);
char *hr_sanitizer_summary(const char *text);

#endif

#ifndef HR_NARROW_H
#define HR_NARROW_H

/* narrow.h - the record of a bisection: NAME.json and NAME.log */

#include <stddef.h>
#include "build.h"
#include "msg.h"
#include "strv.h"

#define HR_NARROW_SCHEMA "pfharness-bisect/1"

typedef struct hr_narrow hr_narrow;

void hr_narrow_new(hr_narrow **out, const char *kind, const char *dir);
int hr_narrow_load(hr_narrow **out, const char *kind, const char *dir);
void hr_narrow_free(hr_narrow *n);

void hr_narrow_set_str(hr_narrow *n, const char *path, const char *value);
void hr_narrow_set_num(hr_narrow *n, const char *path, double value);
void hr_narrow_set_int(hr_narrow *n, const char *path, long long value);
void hr_narrow_set_bool(hr_narrow *n, const char *path, int value);
void hr_narrow_set_strv(hr_narrow *n, const char *path, const hr_strv *v);
void hr_narrow_set_build(hr_narrow *n, const char *path, const hr_build *b);
size_t hr_narrow_push(hr_narrow *n, const char *path);

const char *hr_narrow_get_str(const hr_narrow *n, const char *path);
int hr_narrow_get_num(double *out, const hr_narrow *n, const char *path);
size_t hr_narrow_count(const hr_narrow *n, const char *path);

void hr_narrow_log(hr_narrow *n, const char *fmt, ...) HR_PRINTF(2, 3);
const char *hr_narrow_dir(const hr_narrow *n);
int hr_narrow_write(hr_narrow *n);

#endif

#ifndef HR_NARROW_RECORD_H
#define HR_NARROW_RECORD_H

/* narrow/record.h - the record of a bisection: NAME.json and NAME.log */

#include <stddef.h>
#include "build/build.h"
#include "util/msg.h"
#include "util/strv.h"

#define HR_NARROW_SCHEMA "pfharness-bisect/1"

typedef struct hr_record hr_record;

void hr_record_new(hr_record **out, const char *kind, const char *dir);
int hr_record_load(hr_record **out, const char *kind, const char *dir);
void hr_record_free(hr_record *n);

void hr_record_set_str(hr_record *n, const char *path, const char *value);
void hr_record_set_num(hr_record *n, const char *path, double value);
void hr_record_set_int(hr_record *n, const char *path, long long value);
void hr_record_set_bool(hr_record *n, const char *path, int value);
void hr_record_set_strv(hr_record *n, const char *path, const hr_strv *v);
void hr_record_set_build(hr_record *n, const char *path, const hr_build *b);
size_t hr_record_push(hr_record *n, const char *path);

const char *hr_record_get_str(const hr_record *n, const char *path);
int hr_record_get_num(double *out, const hr_record *n, const char *path);
size_t hr_record_count(const hr_record *n, const char *path);

void hr_record_log(hr_record *n, const char *fmt, ...) HR_PRINTF(2, 3);
const char *hr_record_dir(const hr_record *n);
int hr_record_write(hr_record *n);

#endif

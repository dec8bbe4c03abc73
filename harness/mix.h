#ifndef HR_MIX_H
#define HR_MIX_H

/* mix.h - a trial tree: one build's tree with objects of another, relinked */

#include <stddef.h>
#include "buf.h"
#include "build.h"
#include "hash.h"
#include "strv.h"

typedef struct hr_mix hr_mix;

int hr_mix_new(hr_mix **out, const hr_build *base, const hr_build *other,
               const char *dir);
void hr_mix_free(hr_mix *m);

size_t hr_mix_count(const hr_mix *m);
const char *hr_mix_object(const hr_mix *m, size_t i);
size_t hr_mix_total(const hr_mix *m);
size_t hr_mix_identical(const hr_mix *m);

int hr_mix_set(hr_mix *m, const unsigned char *from_other);
int hr_mix_recompile(hr_mix *m, const char *object, const hr_build *from,
                     const char *extra_flags, hr_buf *diagnostics);
int hr_mix_relink(hr_mix *m, const char *link_flags);

const hr_build *hr_mix_build(const hr_mix *m);
void hr_mix_set_sanitizer(hr_mix *m, const char *sanitizer);
int hr_mix_digest(char out[HR_SHA256_HEX], const hr_mix *m);
int hr_mix_stage_digest(char out[HR_SHA256_HEX], const char *stage);
size_t hr_mix_relinked(const hr_mix *m);
const char *hr_mix_dir(const hr_mix *m);

#endif

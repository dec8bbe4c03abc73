#ifndef HR_NARROW_MIXTREE_H
#define HR_NARROW_MIXTREE_H

/* narrow/mixtree.h - a trial tree: one build's tree with objects of another, relinked */

#include <stddef.h>
#include "util/buf.h"
#include "build/build.h"
#include "util/hash.h"
#include "util/strv.h"

typedef struct hr_mixtree hr_mixtree;

int hr_mixtree_new(hr_mixtree **out, const hr_build *base, const hr_build *other,
               const char *dir);
void hr_mixtree_free(hr_mixtree *m);

size_t hr_mixtree_count(const hr_mixtree *m);
const char *hr_mixtree_object(const hr_mixtree *m, size_t i);
size_t hr_mixtree_total(const hr_mixtree *m);
size_t hr_mixtree_identical(const hr_mixtree *m);

int hr_mixtree_set(hr_mixtree *m, const unsigned char *from_other);
int hr_mixtree_recompile(hr_mixtree *m, const char *object, const hr_build *from,
                     const char *extra_flags, hr_buf *diagnostics);
int hr_mixtree_relink(hr_mixtree *m, const char *link_flags);

const hr_build *hr_mixtree_build(const hr_mixtree *m);
void hr_mixtree_set_sanitizer(hr_mixtree *m, const char *sanitizer);
int hr_mixtree_digest(char out[HR_SHA256_HEX], const hr_mixtree *m);
int hr_mixtree_stage_digest(char out[HR_SHA256_HEX], const char *stage);
size_t hr_mixtree_relinked(const hr_mixtree *m);
size_t hr_mixtree_restored(const hr_mixtree *m);
size_t hr_mixtree_programs(const hr_mixtree *m);
size_t hr_mixtree_used(const hr_mixtree *m, hr_strv *names);
int hr_mixtree_watch(hr_mixtree *m);
int hr_mixtree_watched(hr_mixtree *m, hr_strv *out);
const char *hr_mixtree_dir(const hr_mixtree *m);

#endif

#ifndef HR_UTIL_HASH_H
#define HR_UTIL_HASH_H

/* util/hash.h - SHA-256 of files, buffers and labelled field lists */

#include <stddef.h>

#define HR_SHA256_HEX 65    /* 64 hex digits and a NUL */

typedef struct hr_hash hr_hash;

void hr_hash_new(hr_hash **out);
void hr_hash_field(hr_hash *h, const char *label, const char *value);
void hr_hash_bytes(hr_hash *h, const void *data, size_t len);
void hr_hash_final(char out[HR_SHA256_HEX], hr_hash *h);
void hr_hash_free(hr_hash *h);

void hr_sha256_buf(char out[HR_SHA256_HEX], const void *data, size_t len);
int hr_sha256_file(char out[HR_SHA256_HEX], const char *path);

#endif

/*
 * NAME
 *	util/hash 3
 * SUMMARY
 *	SHA-256 of files, buffers and labelled field lists
 * SYNOPSIS
 *	#include "util/hash.h"
 *
 *	void	hr_hash_new(out)
 *	void	hr_hash_field(h, label, value)
 *	void	hr_hash_bytes(h, data, len)
 *	void	hr_hash_final(out, h)
 *	void	hr_hash_free(h)
 *
 *	void	hr_sha256_buf(out, data, len)
 *	int	hr_sha256_file(out, path)
 * DESCRIPTION
 *	Digests are lowercase hex. hr_hash_field() feeds a label and a
 *	value, each with its length in front, so that no two different
 *	field lists can produce the same byte stream ("ab"+"c" versus
 *	"a"+"bc"). Build ids are made this way.
 *
 *	This uses OpenSSL's libcrypto, which Postfix's TLS support needs
 *	anyway.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <openssl/evp.h>

#include "util/hash.h"
#include "util/mem.h"

struct hr_hash {
    EVP_MD_CTX *ctx;
};

/* hr_hash_new - start a digest */
void hr_hash_new(hr_hash **out)
{
    hr_hash *h = hr_calloc(1, sizeof(*h));

    if ((h->ctx = EVP_MD_CTX_new()) == NULL ||
        EVP_DigestInit_ex(h->ctx, EVP_sha256(), NULL) != 1)
        hr_panic("cannot initialize SHA-256");
    *out = h;
}

/* hr_hash_bytes - feed raw bytes */
void hr_hash_bytes(hr_hash *h, const void *data, size_t len)
{
    if (EVP_DigestUpdate(h->ctx, data, len) != 1)
        hr_panic("SHA-256 update failed");
}

/* feed_len - a length prefix */
static void feed_len(hr_hash *h, size_t len)
{
    char tmp[32];
    int n = snprintf(tmp, sizeof(tmp), "%zu:", len);

    hr_hash_bytes(h, tmp, n);
}

/* hr_hash_field - feed "label=value", unambiguously */
void hr_hash_field(hr_hash *h, const char *label, const char *value)
{
    if (value == NULL)
        value = "";
    feed_len(h, strlen(label));
    hr_hash_bytes(h, label, strlen(label));
    feed_len(h, strlen(value));
    hr_hash_bytes(h, value, strlen(value));
}

/* hex - digest to hex */
static void hex(char out[HR_SHA256_HEX], const unsigned char *md, unsigned n)
{
    static const char digits[] = "0123456789abcdef";

    for (unsigned i = 0; i < n && i < 32; i++) {
        out[2 * i] = digits[md[i] >> 4];
        out[2 * i + 1] = digits[md[i] & 15];
    }
    out[64] = 0;
}

/* hr_hash_final - finish into hex; the hasher can then only be freed */
void hr_hash_final(char out[HR_SHA256_HEX], hr_hash *h)
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned n = 0;

    if (EVP_DigestFinal_ex(h->ctx, md, &n) != 1)
        hr_panic("SHA-256 final failed");
    hex(out, md, n);
}

/* hr_hash_free - release; NULL is fine */
void hr_hash_free(hr_hash *h)
{
    if (h == NULL)
        return;
    EVP_MD_CTX_free(h->ctx);
    hr_free(h);
}

/* hr_sha256_buf - digest of a buffer */
void hr_sha256_buf(char out[HR_SHA256_HEX], const void *data, size_t len)
{
    hr_hash *h;

    hr_hash_new(&h);
    hr_hash_bytes(h, data, len);
    hr_hash_final(out, h);
    hr_hash_free(h);
}

/* hr_sha256_file - digest of a file's contents */
int hr_sha256_file(char out[HR_SHA256_HEX], const char *path)
{
    char chunk[65536];
    hr_hash *h;
    ssize_t n;
    int fd;

    if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
        return hr_error_set(HR_ERROR, "cannot open '%s': %s", path,
                            strerror(errno));
    hr_hash_new(&h);
    while ((n = read(fd, chunk, sizeof(chunk))) > 0)
        hr_hash_bytes(h, chunk, n);
    close(fd);
    if (n < 0) {
        hr_hash_free(h);
        return hr_error_set(HR_ERROR, "cannot read '%s': %s", path,
                            strerror(errno));
    }
    hr_hash_final(out, h);
    hr_hash_free(h);
    return 0;
}

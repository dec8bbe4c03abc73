/*
 * NAME
 *	util/utf8 3
 * SUMMARY
 *	decode UTF-8, replace what is not UTF-8
 * SYNOPSIS
 *	#include "util/utf8.h"
 *
 *	size_t	hr_utf8_decode(out, s, len)
 *	void	hr_utf8_put(b, cp)
 *	char	*hr_utf8_clean(s)
 *	size_t	hr_utf8_len(s, len)
 *	int	hr_utf8_valid(s, len)
 * DESCRIPTION
 *	Observations and log lines are bytes from the wire; the reports
 *	are UTF-8 documents. These functions draw the line.
 *
 *	hr_utf8_decode() decodes the code point at s (len > 0 bytes
 *	available) into *out and returns how many bytes it took. A byte
 *	that does not start a well-formed sequence (overlong forms,
 *	surrogates and values above U+10FFFF are not well-formed) gives
 *	HR_UTF8_REPLACEMENT and a length of 1, so that the next call
 *	resynchronizes on the following byte.
 *
 *	hr_utf8_put() appends the UTF-8 encoding of cp.
 *
 *	hr_utf8_clean() returns a copy of s (NULL gives NULL) in which
 *	each byte that is not part of well-formed UTF-8 is replaced by
 *	U+FFFD. Free it with hr_free().
 *
 *	hr_utf8_len() returns the length of the well-formed sequence at s
 *	(len > 0 bytes available), or 0 when s does not start one.
 *	hr_utf8_valid() says whether all len bytes at s are well-formed
 *	UTF-8. Case files must be (case(3)); the importer asks the same
 *	question of captured bytes before it writes them as text.
 * SEE ALSO
 *	markup(3), the Unicode Standard, table 3-7.
 */
#include <string.h>

#include "util/utf8.h"
#include "util/mem.h"

/* hr_utf8_decode - one code point, or U+FFFD for one bad byte */
size_t hr_utf8_decode(unsigned *out, const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s;
    unsigned cp, lo = 0x80, hi = 0xBF;
    size_t n;

    if (p[0] < 0x80) {
        *out = p[0];
        return 1;
    }
    /* Table 3-7: the second byte's range depends on the first byte. */
    if (p[0] >= 0xC2 && p[0] <= 0xDF) {
        n = 2;
        cp = p[0] & 0x1F;
    } else if (p[0] >= 0xE0 && p[0] <= 0xEF) {
        n = 3;
        cp = p[0] & 0x0F;
        if (p[0] == 0xE0)
            lo = 0xA0;
        else if (p[0] == 0xED)
            hi = 0x9F;
    } else if (p[0] >= 0xF0 && p[0] <= 0xF4) {
        n = 4;
        cp = p[0] & 0x07;
        if (p[0] == 0xF0)
            lo = 0x90;
        else if (p[0] == 0xF4)
            hi = 0x8F;
    } else {
        *out = HR_UTF8_REPLACEMENT;
        return 1;
    }
    if (len < n || p[1] < lo || p[1] > hi) {
        *out = HR_UTF8_REPLACEMENT;
        return 1;
    }
    for (size_t i = 1; i < n; i++) {
        if (i > 1 && (p[i] < 0x80 || p[i] > 0xBF)) {
            *out = HR_UTF8_REPLACEMENT;
            return 1;
        }
        cp = cp << 6 | (p[i] & 0x3F);
    }
    *out = cp;
    return n;
}

/* hr_utf8_put - append one code point */
void hr_utf8_put(hr_buf *b, unsigned cp)
{
    char enc[4];
    size_t n;

    if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        cp = HR_UTF8_REPLACEMENT;
    if (cp < 0x80) {
        enc[0] = (char)cp;
        n = 1;
    } else if (cp < 0x800) {
        enc[0] = (char)(0xC0 | cp >> 6);
        enc[1] = (char)(0x80 | (cp & 0x3F));
        n = 2;
    } else if (cp < 0x10000) {
        enc[0] = (char)(0xE0 | cp >> 12);
        enc[1] = (char)(0x80 | (cp >> 6 & 0x3F));
        enc[2] = (char)(0x80 | (cp & 0x3F));
        n = 3;
    } else {
        enc[0] = (char)(0xF0 | cp >> 18);
        enc[1] = (char)(0x80 | (cp >> 12 & 0x3F));
        enc[2] = (char)(0x80 | (cp >> 6 & 0x3F));
        enc[3] = (char)(0x80 | (cp & 0x3F));
        n = 4;
    }
    hr_buf_put(b, enc, n);
}

/* hr_utf8_clean - a copy with bad bytes replaced by U+FFFD */
char *hr_utf8_clean(const char *s)
{
    hr_buf b = HR_BUF_INIT;
    size_t len, i = 0;

    if (s == NULL)
        return NULL;
    len = strlen(s);
    while (i < len) {
        unsigned cp;
        size_t n = hr_utf8_decode(&cp, s + i, len - i);

        if (cp == HR_UTF8_REPLACEMENT && n == 1)
            hr_utf8_put(&b, cp);
        else
            hr_buf_put(&b, s + i, n);
        i += n;
    }
    return hr_buf_detach(&b);
}

/* hr_utf8_len - bytes of the well-formed sequence at s, or 0 */
size_t hr_utf8_len(const char *s, size_t len)
{
    unsigned cp;
    size_t n = hr_utf8_decode(&cp, s, len);

    if (n == 1 && cp == HR_UTF8_REPLACEMENT && (unsigned char)s[0] >= 0x80)
        return 0;
    return n;
}

/* hr_utf8_valid - are all len bytes at s well-formed UTF-8 */
int hr_utf8_valid(const char *s, size_t len)
{
    for (size_t i = 0; i < len;) {
        size_t n = hr_utf8_len(s + i, len - i);

        if (n == 0)
            return 0;
        i += n;
    }
    return 1;
}

/*
 * NAME
 *	import/expect 3
 * SUMMARY
 *	a recorded server line as the '<' text that a case expects
 * SYNOPSIS
 *	#include "import/expect.h"
 *
 *	void	hr_expect_put(b, s, n, max)
 * DESCRIPTION
 *	A reply recorded in a capture holds parts that change from run to
 *	run. hr_expect_put() appends the n bytes of one server line to b
 *	as glob text for a '<' line (case(3), util/glob(3)):
 *
 *	- a queue id after "queued as " and an RFC 5322 date become '*';
 *	- '*', '?' and '\' are escaped, except in the first four bytes,
 *	  where an escape would move the byte that says whether the reply
 *	  goes on: there they become '?', as do control characters and
 *	  bytes that are not UTF-8;
 *	- text beyond max bytes is cut by a '*', and an empty line is '*'.
 * SEE ALSO
 *	session(3), which writes the cases; cases/README.md, "'<' lines".
 */
#include <ctype.h>
#include <string.h>

#include "import/expect.h"
#include "util/utf8.h"

/* digits - n decimal digits at s[i], min..max of them */
static size_t digits(const char *s, size_t n, size_t i, size_t min, size_t max)
{
    size_t k = 0;

    while (i + k < n && k < max && isdigit((unsigned char)s[i + k]))
        k++;
    return k >= min ? k : 0;
}

/* date_at - length of an RFC 5322 date at s[i], or 0 */
static size_t date_at(const char *s, size_t n, size_t i)
{
    static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
    size_t p = i, k;
    int month = 0;

    /* "Tue, " */
    if (p + 5 <= n && isalpha((unsigned char)s[p]) && s[p + 3] == ',' &&
        s[p + 4] == ' ')
        p += 5;
    if ((k = digits(s, n, p, 1, 2)) == 0)
        return 0;
    p += k;
    if (p + 5 > n || s[p] != ' ')
        return 0;
    for (size_t m = 0; m < 12 && !month; m++)
        month = memcmp(s + p + 1, months + 3 * m, 3) == 0;
    if (!month || s[p + 4] != ' ')
        return 0;
    p += 5;
    if (digits(s, n, p, 4, 4) == 0 || p + 4 >= n || s[p + 4] != ' ')
        return 0;
    p += 5;
    if (digits(s, n, p, 2, 2) == 0 || p + 5 > n || s[p + 2] != ':' ||
        digits(s, n, p + 3, 2, 2) == 0)
        return 0;
    p += 5;
    if (p + 3 <= n && s[p] == ':' && digits(s, n, p + 1, 2, 2))
        p += 3;
    if (p + 6 <= n && s[p] == ' ' && (s[p + 1] == '+' || s[p + 1] == '-') &&
        digits(s, n, p + 2, 4, 4))
        p += 6;
    if (p + 2 < n && s[p] == ' ' && s[p + 1] == '(') {
        const char *close = memchr(s + p, ')', n - p);

        if (close && close - (s + p) <= 12)
            p = (size_t)(close - s) + 1;
    }
    return p - i;
}

/* volatile_at - length of a part that changes from run to run, or 0 */
static size_t volatile_at(const char *s, size_t n, size_t i)
{
    static const char qa[] = "queued as ";
    size_t k;

    /* The queue id: the word after "queued as ". */
    if (i >= sizeof(qa) - 1 &&
        memcmp(s + i - (sizeof(qa) - 1), qa, sizeof(qa) - 1) == 0) {
        for (k = 0; i + k < n && isalnum((unsigned char)s[i + k]);)
            k++;
        if (k)
            return k;
    }
    if (i == 0 || s[i - 1] == ' ' || s[i - 1] == ';' || s[i - 1] == ',')
        return date_at(s, n, i);
    return 0;
}

/* hr_expect_put - a server line as '<' glob text */
void hr_expect_put(hr_buf *b, const char *s, size_t n, size_t max)
{
    size_t start = b->len;

    for (size_t i = 0; i < n;) {
        unsigned char ch = (unsigned char)s[i];
        size_t k;

        if (b->len - start > max) {
            hr_buf_putc(b, '*');
            break;
        }
        if (i >= 4 && (k = volatile_at(s, n, i)) > 0) {
            hr_buf_putc(b, '*');
            i += k;
            continue;
        }
        if (strchr("*?\\", ch) && ch) {
            /* An escape would move the 4th byte that ends a reply. */
            if (i < 4)
                hr_buf_putc(b, '?');
            else {
                hr_buf_putc(b, '\\');
                hr_buf_putc(b, ch);
            }
            i++;
        } else if (ch < 32 && ch != '\t') {
            hr_buf_putc(b, '?');
            i++;
        } else if ((k = hr_utf8_len(s + i, n - i)) == 0) {
            hr_buf_putc(b, '?');
            i++;
        } else {
            hr_buf_put(b, s + i, k);
            i += k;
        }
    }
    /* An empty line is a reply of its own; '<' needs text. */
    if (b->len == start)
        hr_buf_putc(b, '*');
}

/*
 * NAME
 *	util/markup 3
 * SUMMARY
 *	text made safe for XML and HTML
 * SYNOPSIS
 *	#include "util/markup.h"
 *
 *	void	hr_markup_put(b, s, len, flags)
 *	void	hr_markup_puts(b, s, flags)
 * DESCRIPTION
 *	Appends s to b so that any XML 1.0 or HTML parser reads back the
 *	same characters, as element content or, with HR_MARKUP_ATTR, as a
 *	quoted attribute value (either quote). hr_markup_puts() takes a
 *	C string; NULL appends nothing.
 *
 *	& < > " and ' become references. CR becomes &#13; (a parser
 *	would turn a literal one into LF). In attributes, TAB and LF
 *	become &#9; and &#10; (a parser would turn them into spaces).
 *
 *	What XML 1.0 cannot carry at all, not even as a reference, is
 *	shown instead of dropped: the other C0 controls and DEL become
 *	their Unicode control pictures (U+2400 + byte, U+2421), so 0x01
 *	reads as a visible SYMBOL FOR START OF HEADING. Bytes that are not
 *	well-formed UTF-8, C1 controls, U+FFFE and U+FFFF become U+FFFD.
 * SEE ALSO
 *	utf8(3), XML 1.0 section 2.2 "Characters", 3.3.3 "Attribute-Value
 *	Normalization".
 */
#include <string.h>

#include "util/markup.h"
#include "util/utf8.h"

/* hr_markup_put - append escaped text */
void hr_markup_put(hr_buf *b, const char *s, size_t len, int flags)
{
    size_t i = 0;

    while (i < len) {
        unsigned cp;
        size_t n = hr_utf8_decode(&cp, s + i, len - i);

        switch (cp) {
        case '&':
            hr_buf_puts(b, "&amp;");
            break;
        case '<':
            hr_buf_puts(b, "&lt;");
            break;
        case '>':
            hr_buf_puts(b, "&gt;");
            break;
        case '"':
            hr_buf_puts(b, "&quot;");
            break;
        case '\'':
            hr_buf_puts(b, "&#39;");
            break;
        case '\r':
            hr_buf_puts(b, "&#13;");
            break;
        case '\t':
        case '\n':
            if (flags & HR_MARKUP_ATTR)
                hr_buf_printf(b, "&#%u;", cp);
            else
                hr_buf_putc(b, (int)cp);
            break;
        default:
            if (cp < 0x20)
                hr_utf8_put(b, 0x2400 + cp);
            else if (cp == 0x7F)
                hr_utf8_put(b, 0x2421);
            else if ((cp >= 0x80 && cp <= 0x9F) || cp == 0xFFFE ||
                     cp == 0xFFFF || cp == HR_UTF8_REPLACEMENT)
                hr_utf8_put(b, HR_UTF8_REPLACEMENT);
            else
                hr_buf_put(b, s + i, n);
            break;
        }
        i += n;
    }
}

/* hr_markup_puts - append an escaped C string; NULL appends nothing */
void hr_markup_puts(hr_buf *b, const char *s, int flags)
{
    if (s)
        hr_markup_put(b, s, strlen(s), flags);
}

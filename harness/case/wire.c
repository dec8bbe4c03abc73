/*
 * NAME
 *	case/wire 3
 * SUMMARY
 *	an smtp case as the bytes it sends and the replies it awaits
 * SYNOPSIS
 *	#include "case/wire.h"
 *
 *	char	*hr_case_wire(c)
 * DESCRIPTION
 *	hr_case_wire() renders an smtp case's exchanges one per line, as
 *	the replay sends them: "send" and the bytes of the exchange's
 *	one write (C escapes: \r \n \t \\ \" and \xHH for every other
 *	byte outside printable ASCII), "nothing" for an exchange that
 *	sends nothing (the greeting), then the number of replies it
 *	reads; "eof" where the server must close. Pauses are left out: a
 *	capture shows when bytes went, not that the client waited. Two
 *	cases with the same rendering make the same session, however they
 *	are written: "BDAT *" and "BDAT 12", one "~" line or a ">" and "|"
 *	lines, a reply glob or the whole reply. "pfharness cases --wire" prints
 *	it, to compare an imported case with the one that was replayed.
 *
 *	A probe case renders as one line, "probe", a func case as "func".
 *	The result is a new
 *	string; the caller frees it.
 * DIAGNOSTICS
 *	None: it works on a parsed case in memory.
 * SEE ALSO
 *	case(3), cmd_cases(1).
 */
#include "case/wire.h"
#include "util/buf.h"

/* put_bytes - bytes as a C string literal */
static void put_bytes(hr_buf *b, const char *s, size_t len)
{
    hr_buf_putc(b, '"');
    for (size_t i = 0; i < len; i++) {
        unsigned char ch = (unsigned char)s[i];

        if (ch == '\r')
            hr_buf_puts(b, "\\r");
        else if (ch == '\n')
            hr_buf_puts(b, "\\n");
        else if (ch == '\t')
            hr_buf_puts(b, "\\t");
        else if (ch == '\\' || ch == '"') {
            hr_buf_putc(b, '\\');
            hr_buf_putc(b, ch);
        } else if (ch < 0x20 || ch >= 0x7f)
            hr_buf_printf(b, "\\x%02x", ch);
        else
            hr_buf_putc(b, ch);
    }
    hr_buf_putc(b, '"');
}

/* hr_case_wire - the exchanges of a case, one line each */
char *hr_case_wire(const hr_case *c)
{
    hr_buf b = HR_BUF_INIT;

    if (c->kind != HR_CASE_SMTP) {
        hr_buf_printf(&b, "%s\n", hr_case_kind_name(c->kind));
        return hr_buf_detach(&b);
    }
    for (size_t x = 0; x < c->nxs; x++) {
        const hr_case_exchange *e = &c->xs[x];

        if (e->nitems == 0 && e->nreplies == 0 && !e->expect_eof)
            continue; /* a pause */
        if (e->expect_eof) {
            hr_buf_puts(&b, "eof\n");
            continue;
        }
        if (e->nitems == 0)
            hr_buf_puts(&b, "nothing");
        else {
            hr_buf w = HR_BUF_INIT;

            /* One write, however many items: only the bytes count. */
            for (size_t i = 0; i < e->nitems; i++)
                hr_buf_put(&w, e->items[i].bytes, e->items[i].len);
            hr_buf_puts(&b, "send ");
            put_bytes(&b, w.ptr ? w.ptr : "", w.len);
            hr_buf_release(&w);
        }
        hr_buf_printf(&b, ", %zu repl%s\n", e->nreplies,
                      e->nreplies == 1 ? "y" : "ies");
    }
    return hr_buf_detach(&b);
}

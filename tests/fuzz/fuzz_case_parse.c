/*
 * fuzz_case_parse.c - libFuzzer target: any bytes as a case file
 *
 * "make fuzz" builds it into tests/fuzz/bin/ and runs it with the
 * shipped cases as seeds; tests/fuzz/regress.c replays the inputs it
 * found (tests/data/fuzz/fuzz_case_parse/) in "make unit".
 *
 * A case that parses must hold together: an smtp case starts with
 * the greeting, every exchange has as many expected replies as it
 * says, every item has bytes and a display, and the renderings that
 * a run makes of it (the expectation, the config key, main.cf
 * values) work; a func case makes its inputs. Errors on bad input are fine; crashes, leaks,
 * undefined behaviour and panics are not.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "util/buf.h"
#include "case/case.h"
#include "case/func.h"
#include "case/config.h"
#include "replay/caserun.h"
#include "util/mem.h"
#include "util/msg.h"
#include "replay/smtp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* check_smtp - the exchanges of a parsed smtp case hold together */
static void check_smtp(const hr_case *c)
{
    hr_buf b = HR_BUF_INIT;

    if (c->nxs == 0 || c->xs[0].nitems != 0 || c->xs[0].nreplies == 0)
        hr_panic("an smtp case that does not start with the greeting");
    for (size_t x = 0; x < c->nxs; x++) {
        const hr_case_exchange *e = &c->xs[x];

        for (size_t r = 0; r < e->nreplies; r++)
            if (e->expect == NULL || e->expect[r] == NULL)
                hr_panic("exchange %zu lacks reply %zu", x, r);
        for (size_t i = 0; i < e->nitems; i++) {
            const hr_case_item *it = &e->items[i];

            if (it->display == NULL || (it->len && it->bytes == NULL))
                hr_panic("item %zu of exchange %zu is empty", i, x);
            hr_replay_render_item(&b, it);
        }
    }
    hr_buf_release(&b);
}

/* check_func - a parsed func case makes its inputs: the first ones, the
 * last, and its signatures */
static void check_func(const hr_case *c)
{
    const hr_func *f = c->func;

    if (f == NULL || f->ncalls == 0 || f->total == 0)
        hr_panic("a func case without calls or inputs");
    for (size_t k = 0; k < f->ncalls; k++) {
        char *sig = hr_func_signature(f, k);

        hr_free(sig);
    }
    for (size_t n = 0; n < f->total && n < 20; n++) {
        hr_fargs a;

        if (hr_func_args(f, n, &a) < 0)
            hr_panic("input %zu of %zu cannot be made", n, f->total);
        hr_fargs_release(&a);
    }
    {
        hr_fargs a;

        if (hr_func_args(f, f->total - 1, &a) < 0)
            hr_panic("the last input cannot be made");
        hr_fargs_release(&a);
    }
}

/* LLVMFuzzerTestOneInput - one case file */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    hr_case *c = NULL;
    char *s;

    if (hr_case_parse(&c, "fuzz.case", (const char *)data, size) < 0)
        return 0;
    if (c->name == NULL || c->kind == 0)
        hr_panic("a case without a name or a kind");
    if (c->kind == HR_CASE_SMTP)
        check_smtp(c);
    if (c->kind == HR_CASE_FUNC)
        check_func(c);
    s = hr_case_config_key(c);
    hr_free(s);
    for (size_t i = 0; i < c->config.n; i++) {
        s = hr_config_render(c->config.v[i], "/tables", NULL);
        hr_free(s);
    }
    s = hr_caserun_expected(c);
    hr_free(s);
    hr_case_free(c);
    return 0;
}

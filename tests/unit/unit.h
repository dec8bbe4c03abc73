#ifndef HR_UNIT_H
#define HR_UNIT_H

/* unit.h - what every cmocka test includes, in the order cmocka needs */

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

/* A test that needs a temporary directory gets one under $TMPDIR. */
static inline char *unit_tmpdir(void)
{
    const char *base = getenv("TMPDIR");
    char *tmpl = malloc(4096);

    snprintf(tmpl, 4096, "%s/pfh-unit-XXXXXX", base && *base ? base : "/tmp");
    if (mkdtemp(tmpl) == NULL) {
        free(tmpl);
        return NULL;
    }
    return tmpl;
}

#endif

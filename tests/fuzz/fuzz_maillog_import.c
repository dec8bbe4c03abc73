/*
 * fuzz_maillog_import.c - libFuzzer target: any bytes as a mail log
 *
 * "make fuzz" builds it into tests/fuzz/bin/ (clang, ASan, UBSan, and
 * -DHR_MAILLOG_MAX_CHUNK=65536) and runs it on
 * var/fuzz/fuzz_maillog_import/, seeded from tests/data/import/ and
 * tests/data/fuzz/fuzz_maillog_import/; tests/fuzz/regress.c replays
 * the kept inputs in "make unit".
 *
 * Every session found must render; transcript(3) checks each case it
 * makes and panics (aborts) when one does not parse or does not send
 * what was logged.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "import/maillog.h"
#include "util/mem.h"
#include "util/msg.h"
#include "import/session.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* LLVMFuzzerTestOneInput - one log */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    hr_maillog *m = NULL;

    if (hr_maillog_parse(&m, "fuzz.log", (const char *)data, size, NULL) < 0)
        return 0;
    for (size_t i = 0; i < hr_maillog_count(m); i++) {
        char *text = NULL;

        /* Too large for a case file is the one refusal allowed. */
        if (hr_session_render(&text, hr_maillog_session(m, i)) < 0 &&
            strstr(hr_error_last(), "MiB a case file may have") == NULL)
            hr_panic("a session does not render: %s", hr_error_last());
        hr_free(text);
    }
    hr_maillog_free(m);
    return 0;
}

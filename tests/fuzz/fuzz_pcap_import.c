/*
 * fuzz_pcap_import.c - libFuzzer target: any bytes as a capture
 *
 * "make fuzz" builds it into tests/fuzz/bin/ (clang, ASan, UBSan)
 * and runs it on var/fuzz/fuzz_pcap_import/, seeded from
 * tests/data/import/ and tests/data/fuzz/fuzz_pcap_import/;
 * tests/fuzz/regress.c replays the kept inputs in "make unit".
 *
 * Every session found must render, and the rendering checks itself:
 * the case parses and sends exactly the reassembled client bytes
 * (transcript(3) panics, and so aborts, when it does not). Errors on
 * bad input are fine; crashes, leaks and panics are not.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "util/mem.h"
#include "util/msg.h"
#include "import/pcap.h"
#include "import/session.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* LLVMFuzzerTestOneInput - one capture */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    hr_pcap *p = NULL;

    if (hr_pcap_parse(&p, "fuzz.pcap", data, size, NULL) < 0)
        return 0;
    for (size_t i = 0; i < hr_pcap_count(p); i++) {
        char *text = NULL, *first = NULL;
        size_t n;

        /* Too large for a case file is the one refusal allowed. */
        if (hr_session_render(&text, hr_pcap_flow(p, i)) < 0 &&
            strstr(hr_error_last(), "MiB a case file may have") == NULL)
            hr_panic("a selected session does not render: %s", hr_error_last());
        hr_session_summary(hr_pcap_flow(p, i), &n, &first);
        hr_free(first);
        hr_free(text);
    }
    hr_pcap_free(p);
    return 0;
}

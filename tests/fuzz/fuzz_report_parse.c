/*
 * fuzz_report_parse.c - libFuzzer target: any bytes as a report.json
 *
 * "pfharness report RUN_DIR" reads a saved run's report.json, which may
 * have been sent in by anyone. "make fuzz" runs this target on
 * var/fuzz/fuzz_report_parse/, seeded from tests/data/fuzz/
 * fuzz_report_parse/ (a real report.json among them); tests/fuzz/regress.c
 * replays the kept inputs in "make unit".
 *
 * A report either parses or is refused with HR_EINPUT; nothing else may
 * happen (ASan, UBSan and the leak checker watch).
 */
#include <stddef.h>
#include <stdint.h>

#include "report/report.h"
#include "util/msg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* LLVMFuzzerTestOneInput - one report.json */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    hr_report *r = NULL;
    int error = hr_report_parse(&r, (const char *)data, size, "report.json");

    if (error < 0 && error != HR_EINPUT)
        hr_panic("report.json refused with %d, not HR_EINPUT: %s", error,
                 hr_error_last());
    if (error == 0)
        hr_report_free(r);
    return 0;
}

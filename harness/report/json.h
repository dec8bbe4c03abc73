#ifndef HR_REPORT_JSON_H
#define HR_REPORT_JSON_H

/* report/json.h - report.json, the primary output of a run */

#include "run/run.h"

#define HR_REPORT_SCHEMA "pfharness-report/1"

int hr_report_json_text(char **out, const hr_run *run);
int hr_report_write_json(const hr_run *run, const char *path);
char *hr_report_edac_note(const hr_machine *m);

#endif

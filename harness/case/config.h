#ifndef HR_CASE_CONFIG_H
#define HR_CASE_CONFIG_H

/* case/config.h - the allowlist of what a case may put into main.cf */

#include "util/strv.h"

char *hr_config_check_param(const char *param);
char *hr_config_check_value(const char *param, const char *value,
                            hr_strv *refs);
char *hr_config_check_table_value(const char *value);
char *hr_config_check_transport(const char *value);
int hr_config_is_map(const char *param);
char *hr_config_render(const char *value, const char *table_dir);

#endif

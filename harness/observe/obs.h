#ifndef HR_OBSERVE_OBS_H
#define HR_OBSERVE_OBS_H

/* observe/obs.h - an observation: named sections of normalized lines, and
 * the sanitizer findings among them */

#include "util/strv.h"

typedef struct hr_obs hr_obs;

void hr_obs_new(hr_obs **out);
void hr_obs_add(hr_obs *o, const char *name, const char *body);
void hr_obs_parse(hr_obs **out, const char *text);
void hr_obs_free(hr_obs *o);

/* Borrowed: valid until hr_obs_free(o). */
const char *hr_obs_text(const hr_obs *o);
const char *hr_obs_section(const hr_obs *o, const char *name);
const char *hr_obs_behaviour(const hr_obs *o);
const hr_strv *hr_obs_ub(const hr_obs *o);
size_t hr_obs_count(const hr_obs *o);
const char *hr_obs_name(const hr_obs *o, size_t i);

#endif

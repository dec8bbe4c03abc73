#ifndef HR_OBSERVE_NORMALIZE_H
#define HR_OBSERVE_NORMALIZE_H

/* observe/normalize.h - stable renumbering and masking of volatile text */

#include <stddef.h>

typedef struct hr_norm hr_norm;

void hr_norm_new(hr_norm **out);
void hr_norm_literal(hr_norm *n, const char *from, const char *to);
void hr_norm_learn(hr_norm *n, const char *text);
char *hr_norm_apply(hr_norm *n, const char *text);
void hr_norm_free(hr_norm *n);

char *hr_normalize_text(const char *text);

/* The rule table, for tests and "pfharness normalize --rules". */
size_t hr_norm_rule_count(void);
const char *hr_norm_rule_name(size_t i);
const char *hr_norm_rule_about(size_t i);

#endif

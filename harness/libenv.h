#ifndef HR_LIBENV_H
#define HR_LIBENV_H

/* libenv.h - named library environments: --libenv NAME[:VAR=VAL,...] */

#include "run.h"

#define HR_LIBENV_PLAIN "plain"

int hr_libenv_parse(hr_libenv *out, const char *spec);
void hr_libenv_release(hr_libenv *e);

#endif

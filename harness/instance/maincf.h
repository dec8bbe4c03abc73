#ifndef HR_INSTANCE_MAINCF_H
#define HR_INSTANCE_MAINCF_H

/* instance/maincf.h - main.cf, master.cf and the tables of an instance */

#include <sys/types.h>
#include "instance/instance.h"

int hr_maincf_render(char **main_out, char **master_out, const char *dir,
                     const hr_instance_opts *o);
int hr_maincf_write(const char *dir, const hr_instance_opts *o);
int hr_maincf_put_file(const char *path, const char *text, mode_t mode);

#endif

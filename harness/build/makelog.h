#ifndef HR_BUILD_MAKELOG_H
#define HR_BUILD_MAKELOG_H

/* build/makelog.h - how a build compiled one object, read back from make.log */

/* One compile as make ran it. */
typedef struct hr_compile {
    char *dir;     /* "src/global", relative to the tree */
    char *source;  /* "xtext.c", relative to dir */
    char *command; /* the command line as make.log has it */
} hr_compile;

int hr_makelog_compile(hr_compile *out, const char *log_text,
                       const char *object);
char *hr_makelog_strip_launcher(const char *command);
void hr_compile_release(hr_compile *c);

#endif

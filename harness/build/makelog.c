/*
 * NAME
 *	build/makelog 3
 * SUMMARY
 *	how a build compiled one object, read back from make.log
 * SYNOPSIS
 *	#include "build/makelog.h"
 *
 *	int	hr_makelog_compile(out, log_text, object)
 *	char	*hr_makelog_strip_launcher(command)
 *	void	hr_compile_release(c)
 * DESCRIPTION
 *	Postfix's top-level make visits src/util, src/global, ... one at a
 *	time and prints "[src/DIR]" before each; inside a directory, make
 *	runs "$(CC) $(CFLAGS) -c NAME.c". hr_makelog_compile() finds the
 *	command that compiled an object such as "src/global/xtext.o": the
 *	last line of its directory's section whose final words are "-c
 *	xtext.c". Run it with /bin/sh in that directory and it compiles the
 *	same object again; flags appended at its end are added to it.
 *
 *	hr_makelog_strip_launcher() drops a leading ccache from a command,
 *	for a bug report: the compiler and its flags are what matter.
 * DIAGNOSTICS
 *	HR_ENOTFOUND when the log has no compile of the object.
 */
#include <string.h>

#include "build/makelog.h"
#include "util/mem.h"
#include "util/msg.h"

/* last_words - the last blank-separated word of a line, and the word
 * before it */
static void last_words(const char *line, size_t len, const char **w1,
                       size_t *l1, const char **w2, size_t *l2)
{
    const char *end = line + len, *p;

    *w1 = *w2 = NULL;
    *l1 = *l2 = 0;
    while (end > line && (end[-1] == ' ' || end[-1] == '\t'))
        end--;
    for (p = end; p > line && p[-1] != ' ' && p[-1] != '\t'; p--)
        ;
    *w1 = p;
    *l1 = (size_t)(end - p);
    end = p;
    while (end > line && (end[-1] == ' ' || end[-1] == '\t'))
        end--;
    for (p = end; p > line && p[-1] != ' ' && p[-1] != '\t'; p--)
        ;
    *w2 = p;
    *l2 = (size_t)(end - p);
}

/* hr_makelog_compile - the command that compiled an object */
int hr_makelog_compile(hr_compile *out, const char *text, const char *object)
{
    const char *slash = strrchr(object, '/');
    char *dir, *source, *section = NULL;
    const char *p = text, *found = NULL;
    size_t found_len = 0, olen = strlen(object);

    memset(out, 0, sizeof(*out));
    if (slash == NULL || olen < 3 || strcmp(object + olen - 2, ".o") != 0)
        return hr_error_set(HR_EINPUT,
                            "'%s' is not an object of the "
                            "tree (src/DIR/NAME.o)",
                            object);
    dir = hr_strndup(object, (size_t)(slash - object));
    source = hr_sprintf(
        "%.*s.c", (int)(olen - 2 - (size_t)(slash + 1 - object)), slash + 1);
    while (*p) {
        size_t len = strcspn(p, "\n");

        if (len > 2 && p[0] == '[' && p[len - 1] == ']') {
            hr_free(section);
            section = hr_strndup(p + 1, len - 2);
        } else if (section && strcmp(section, dir) == 0) {
            const char *w1, *w2;
            size_t l1, l2;

            last_words(p, len, &w1, &l1, &w2, &l2);
            if (l1 == strlen(source) && strncmp(w1, source, l1) == 0 &&
                l2 == 2 && strncmp(w2, "-c", 2) == 0) {
                found = p;
                found_len = len;
            }
        }
        p += len + (p[len] == '\n');
    }
    hr_free(section);
    if (found == NULL) {
        int error = hr_error_set(HR_ENOTFOUND,
                                 "make.log has no compile of "
                                 "'%s' (no '-c %s' in its [%s] section)",
                                 object, source, dir);

        hr_free(dir);
        hr_free(source);
        return error;
    }
    out->dir = dir;
    out->source = source;
    out->command = hr_strndup(found, found_len);
    return 0;
}

/* hr_makelog_strip_launcher - a command without its leading ccache */
char *hr_makelog_strip_launcher(const char *command)
{
    size_t n = strcspn(command, " ");
    const char *base = command + n;

    while (base > command && base[-1] != '/')
        base--;
    if ((size_t)(command + n - base) == 6 && strncmp(base, "ccache", 6) == 0)
        return hr_strdup(command + n + strspn(command + n, " "));
    return hr_strdup(command);
}

/* hr_compile_release - free */
void hr_compile_release(hr_compile *c)
{
    hr_free(c->dir);
    hr_free(c->source);
    hr_free(c->command);
    memset(c, 0, sizeof(*c));
}

/*
 * NAME
 *	run/machine 3
 * SUMMARY
 *	facts about the machine a run ran on
 * SYNOPSIS
 *	#include "run/machine.h"
 *
 *	int	hr_machine_read(out, root)
 *	int	hr_machine_edac_after(m, root)
 *	void	hr_machine_release(m)
 * DESCRIPTION
 *	DEBUG_README asks "Does the machine have ECC memory?" A hardware
 *	verdict means little without the answer, so a run records the
 *	kernel, the C library, the CPU model, and the ECC/EDAC counters of
 *	every memory controller (sys/devices/system/edac/mc/mcN/ce_count
 *	and ue_count) before the run and again after it. Without EDAC
 *	there are no controllers, and the report says "no EDAC".
 *
 *	root is where proc/cpuinfo and sys/ are read: normally
 *	HR_MACHINE_ROOT ("/"); tests point it at a fake tree.
 */
#include <gnu/libc-version.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "run/machine.h"
#include "util/buf.h"
#include "util/fsutil.h"
#include "util/mem.h"
#include "util/msg.h"

/* read_count - a counter file, or -1 */
static long long read_count(const char *dir, const char *mc, const char *name)
{
    char *path = hr_sprintf("%s/%s/%s", dir, mc, name);
    hr_buf b = HR_BUF_INIT;
    long long v = -1;

    if (hr_file_read(&b, path, 4096) == 0)
        v = strtoll(hr_buf_cstr(&b), NULL, 10);
    hr_buf_release(&b);
    hr_free(path);
    return v;
}

/* edac_dir_of - where the memory controllers are */
static char *edac_dir_of(const char *root)
{
    return hr_path_join(root, "sys/devices/system/edac/mc");
}

/* cpu_model - "model name" from proc/cpuinfo */
static char *cpu_model(const char *root)
{
    char *path = hr_path_join(root, "proc/cpuinfo");
    hr_buf b = HR_BUF_INIT;
    char *model = NULL;
    const char *p;

    if (hr_file_read(&b, path, 4 << 20) == 0 &&
        (p = strstr(hr_buf_cstr(&b), "model name")) != NULL &&
        (p = strchr(p, ':')) != NULL) {
        p += 1 + strspn(p + 1, " \t");
        model = hr_strndup(p, strcspn(p, "\n"));
    }
    hr_buf_release(&b);
    hr_free(path);
    return model ? model : hr_strdup("unknown");
}

/* hr_machine_read - everything, and the EDAC counters before the run */
int hr_machine_read(hr_machine *out, const char *root)
{
    char *edac_dir = edac_dir_of(root);
    struct utsname u;
    hr_strv names = HR_STRV_INIT;

    memset(out, 0, sizeof(*out));
    if (uname(&u) == 0)
        out->kernel = hr_sprintf("%s %s %s %s", u.sysname, u.release,
                                 u.version, u.machine);
    else
        out->kernel = hr_strdup("unknown");
    out->libc = hr_sprintf("glibc %s", gnu_get_libc_version());
    out->cpu = cpu_model(root);
    out->cpus = (int)sysconf(_SC_NPROCESSORS_ONLN);
    if (hr_dir_list(&names, edac_dir) == 0) {
        for (size_t i = 0; i < names.n; i++) {
            long long ce, ue;

            if (strncmp(names.v[i], "mc", 2) != 0)
                continue;
            ce = read_count(edac_dir, names.v[i], "ce_count");
            ue = read_count(edac_dir, names.v[i], "ue_count");
            if (ce < 0 && ue < 0)
                continue;
            out->edac = hr_realloc(out->edac,
                                   (out->nedac + 1) * sizeof(hr_edac));
            out->edac[out->nedac].mc = hr_strdup(names.v[i]);
            out->edac[out->nedac].ce_before = ce;
            out->edac[out->nedac].ue_before = ue;
            out->edac[out->nedac].ce_after = -1;
            out->edac[out->nedac].ue_after = -1;
            out->nedac++;
        }
    }
    hr_error_clear();
    hr_strv_release(&names);
    hr_free(edac_dir);
    return 0;
}

/* hr_machine_edac_after - the counters again, after the run */
int hr_machine_edac_after(hr_machine *m, const char *root)
{
    char *edac_dir = edac_dir_of(root);

    for (size_t i = 0; i < m->nedac; i++) {
        m->edac[i].ce_after = read_count(edac_dir, m->edac[i].mc, "ce_count");
        m->edac[i].ue_after = read_count(edac_dir, m->edac[i].mc, "ue_count");
    }
    hr_free(edac_dir);
    return 0;
}

/* hr_machine_release - free */
void hr_machine_release(hr_machine *m)
{
    hr_free(m->kernel);
    hr_free(m->libc);
    hr_free(m->cpu);
    hr_strv_release(&m->compilers);
    for (size_t i = 0; i < m->nedac; i++)
        hr_free(m->edac[i].mc);
    hr_free(m->edac);
    memset(m, 0, sizeof(*m));
}

/* hr_run_shard_release - free what a shard record holds */
void hr_run_shard_release(hr_run_shard *s)
{
    hr_free(s->label);
    hr_free(s->run_dir);
    hr_machine_release(&s->machine);
    hr_strv_release(&s->builds);
    memset(s, 0, sizeof(*s));
}

/* hr_machine_copy - a deep copy of machine facts */
void hr_machine_copy(hr_machine *out, const hr_machine *in)
{
    memset(out, 0, sizeof(*out));
    out->kernel = in->kernel ? hr_strdup(in->kernel) : NULL;
    out->libc = in->libc ? hr_strdup(in->libc) : NULL;
    out->cpu = in->cpu ? hr_strdup(in->cpu) : NULL;
    out->cpus = in->cpus;
    hr_strv_addv(&out->compilers, &in->compilers);
    out->nedac = in->nedac;
    out->edac = hr_calloc(in->nedac + 1, sizeof(*out->edac));
    for (size_t i = 0; i < in->nedac; i++) {
        out->edac[i] = in->edac[i];
        out->edac[i].mc = in->edac[i].mc ? hr_strdup(in->edac[i].mc) : NULL;
    }
}

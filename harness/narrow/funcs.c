/*
 * NAME
 *	narrow/funcs 3
 * SUMMARY
 *	which functions of a culprit object give other results: the func
 *	cases that call them, on both sides
 * SYNOPSIS
 *	#include "narrow/funcs.h"
 *
 *	int	hr_funcs_of_object(out, object)
 *	int	hr_funcs_compare(x, good, bad, objects)
 * DESCRIPTION
 *	When bisect objects names an object of a shared build's library,
 *	the func cases (cases/README.md, "Func cases") that call a function
 *	defined in it say which of its functions give other results, input
 *	by input, without an instance.
 *
 *	hr_funcs_of_object() lists the functions an object file defines
 *	(nm --defined-only, the text symbols), sorted.
 *
 *	hr_funcs_compare() finds the shipped func cases whose calls name a
 *	function of the objects (paths relative to bad's tree), runs each
 *	on the good and the bad build (funcrun(3), the bisection's library
 *	environment) and reports a line per case through
 *	hr_bisection_out(): "functions: valid_hostname (func-valid-hostname)
 *	differs on 12 of 2413 inputs, first ..." or "... gives the same
 *	results". It records them under "result.functions". Nothing is
 *	reported for a static build, or when no func case calls one.
 * DIAGNOSTICS
 *	Negative returns are the harness's trouble (nm cannot run, a probe
 *	cannot start at all); bad cases under cases/ are skipped.
 * SEE ALSO
 *	objects(3), funcrun(3), evidence(3).
 */
#include <string.h>

#include "narrow/funcs.h"
#include "case/case.h"
#include "case/func.h"
#include "narrow/record.h"
#include "replay/funcrun.h"
#include "util/buf.h"
#include "util/fsutil.h"
#include "util/mem.h"
#include "util/msg.h"
#include "util/paths.h"
#include "util/spawn.h"
#include "verdict/evidence.h"

/* hr_funcs_of_object - the text symbols an object defines */
int hr_funcs_of_object(hr_strv *out, const char *object)
{
    const char *argv[] = {"nm", "--defined-only", "--format=posix", object,
                          NULL};
    hr_buf b = HR_BUF_INIT;
    int status, error;

    hr_buf_init(&b, 4 << 20);
    if ((error = hr_spawn_capture(&status, &b, NULL, argv, NULL, 60000)) < 0)
        goto done;
    if (status != 0) {
        error = hr_error_set(HR_ERROR, "nm %s exited %d", object, status);
        goto done;
    }
    for (const char *p = hr_buf_cstr(&b); *p;) {
        size_t n = strcspn(p, "\n");
        char *line = hr_strndup(p, n);
        char *blank = strchr(line, ' ');

        /* "NAME TYPE VALUE SIZE": functions are T (global) or t */
        if (blank && (blank[1] == 'T' || blank[1] == 't') && blank[2] == ' ') {
            *blank = 0;
            hr_strv_add(out, line);
        }
        hr_free(line);
        p += n + (p[n] == '\n');
    }
    hr_strv_sort(out);
done:
    hr_buf_release(&b);
    return error;
}

/* calls_any - a func case calls one of the functions */
static const char *calls_any(const hr_case *c, const hr_strv *functions)
{
    for (size_t k = 0; k < c->func->ncalls; k++)
        if (hr_strv_find(functions, c->func->calls[k].function) >= 0)
            return c->func->calls[k].function;
    return NULL;
}

/* hr_funcs_compare - the func cases over the objects' functions, both
 * sides */
int hr_funcs_compare(hr_bisection *x, const hr_build *good,
                     const hr_build *bad, const hr_strv *objects)
{
    hr_strv functions = HR_STRV_INIT, lines = HR_STRV_INIT;
    hr_case **cases = NULL;
    size_t ncases = 0;
    const char *dir = hr_cases_dir();
    int error = 0;

    if (!hr_funcrun_applies(good) || !hr_funcrun_applies(bad))
        return 0;
    for (size_t i = 0; i < objects->n && error == 0; i++) {
        char *path = hr_path_join(bad->src, objects->v[i]);

        error = hr_funcs_of_object(&functions, path);
        hr_free(path);
    }
    /* The shipped cases; one that does not parse is not this report's. */
    if (error < 0 ||
        hr_case_load_all(&cases, &ncases, &dir, 1, bad->source_version) < 0)
        goto done;
    for (size_t i = 0; i < ncases && error == 0; i++) {
        hr_caserun_result g, b;
        const char *fn;
        char *gdir, *bdir, *note;

        if (cases[i]->kind != HR_CASE_FUNC ||
            (fn = calls_any(cases[i], &functions)) == NULL)
            continue;
        gdir = hr_sprintf("%s/funcs/%s.good", x->work, cases[i]->name);
        bdir = hr_sprintf("%s/funcs/%s.bad", x->work, cases[i]->name);
        error = hr_funcrun(&g, good, x->has_env ? &x->env.env : NULL,
                           cases[i], gdir);
        if (error == 0) {
            error = hr_funcrun(&b, bad, x->has_env ? &x->env.env : NULL,
                               cases[i], bdir);
            if (error == 0) {
                note = hr_evidence_func_inputs(g.obs, good->variant, b.obs,
                                               bad->variant, fn);
                if (note)
                    hr_strv_addf(&lines, "%s (%s): %s", fn, cases[i]->name,
                                 strchr(note, ' ') + 1);
                else
                    hr_strv_addf(&lines, "%s (%s): the same results on "
                                 "both sides", fn, cases[i]->name);
                hr_free(note);
                hr_caserun_result_release(&b);
            }
            hr_caserun_result_release(&g);
        }
        hr_free(gdir);
        hr_free(bdir);
    }
    for (size_t i = 0; i < lines.n; i++)
        hr_bisection_out(x, "functions: %s", lines.v[i]);
    if (lines.n)
        hr_record_set_strv(x->rec, "result.functions", &lines);
done:
    hr_case_free_all(cases, ncases);
    hr_strv_release(&functions);
    hr_strv_release(&lines);
    return error;
}

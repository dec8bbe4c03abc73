/*
 * NAME
 *	replay/ffcall 3
 * SUMMARY
 *	the probe process of a func case: dlopen, ffi_call, results into a
 *	shared file
 * SYNOPSIS
 *	#include "replay/ffcall.h"
 *
 *	int	hr_ffcall_main(case_path, libdir, out_path, start)
 *	double	hr_ffcall_bench(libdir, calls)
 * DESCRIPTION
 *	hr_ffcall_main() is what "pfharness func-probe" runs, in a process
 *	of its own that funcrun(3) starts for one (case, build): it parses
 *	the func case again, dlopen()s the build's Postfix libraries from
 *	libdir (libpostfix-util.so first, then the case's library; they
 *	resolve each other's symbols, RTLD_GLOBAL), sends msg(3) output to
 *	stderr, puts a surrogate in place of canon_addr_external() (which
 *	would ask trivial-rewrite: it copies the address, as the test
 *	program of Postfix's mail_addr_crunch.c does), sets the case's
 *	globals, resolves each function the case
 *	calls and checks with dladdr() that the symbol is defined in that
 *	library and not elsewhere, prepares each call with ffi_prep_cif(),
 *	and calls it with ffi_call() on every input from start on.
 *
 *	Each input becomes one line in out_path, a file that funcrun(3)
 *	made and sized, mapped shared: "N ARGS =>" before the call, " ret=...
 *	argK=... errno=..." after, a newline, then the header's counters
 *	(ffcall.h). A line that has no newline when the process dies is the
 *	input that killed it. No system call is made per input.
 *
 *	Values are rendered without pointers: strings quoted with C
 *	escapes (bytes outside printable ASCII as \xHH), NULL, integers in
 *	decimal, a returned pointer as "ptr" or NULL, an ARGV as its
 *	strings, a VSTRING as its content by its length. A VSTRING's
 *	content is read through the layout of Postfix's VBUF (flags, data,
 *	len, cnt, ptr), which the probe checks on itself before the first
 *	input.
 *
 *	hr_ffcall_bench() calls valid_hostname() of libdir's
 *	libpostfix-util.so calls times through ffi_call() and returns the
 *	calls per second, or a negative number.
 * DIAGNOSTICS
 *	hr_ffcall_main() returns 0 when every input is done,
 *	HR_FFCALL_EXIT_FULL when the file is full, HR_FFCALL_EXIT_SETUP
 *	(with a line on stderr) when it could not start.
 * SEE ALSO
 *	funcrun(3), func(3), libffi's ffi_call(3).
 */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <ffi.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "replay/ffcall.h"
#include "case/case.h"
#include "case/func.h"
#include "util/buf.h"
#include "util/mem.h"
#include "util/msg.h"

#define MAX_CALLS 4
#define MAX_PARAMS 8
#define MAX_REPEAT 1000

/* The head of Postfix's VBUF, as util/vbuf.h lays it out. */
struct vbuf_head {
    int flags;
    unsigned char *data;
    ssize_t len;
    ssize_t cnt;
    unsigned char *ptr;
};

/* NAME_MASK of util/name_mask.h */
struct name_mask {
    const char *name;
    int mask;
};

/* ARGV of util/argv.h */
struct argv_head {
    ssize_t len;
    ssize_t argc;
    char **argv;
};

struct mactab {
    size_t n;
    char **names, **values;
};

typedef struct probe {
    const hr_func *f;
    void *libs[4];
    char *libpaths[4];
    size_t nlibs;
    void *(*vstring_alloc)(ssize_t);
    void *(*vstring_strcpy)(void *, const char *);
    void *(*vstring_free)(void *);
    void *(*argv_free)(void *);
    void (*myfree)(void *);
    void *fn[MAX_CALLS];
    ffi_cif cif[MAX_CALLS];
    ffi_type *atypes[MAX_CALLS][MAX_PARAMS];
    struct name_mask *names;
    struct mactab mac;
    /* output */
    char *text;
    hr_ffcall_head *head;
    size_t partial;     /* bytes of the line being made */
    int full;
} probe;

/* ---- output: into the shared file, no system calls */

static void put(probe *p, const char *s, size_t n)
{
    size_t at = p->head->used + p->partial;

    if (p->full || at + n + 1 >= p->head->cap) {
        p->full = 1;
        return;
    }
    memcpy(p->text + at, s, n);
    p->partial += n;
    p->text[at + n] = 0;
}

static void puts_(probe *p, const char *s)
{
    put(p, s, strlen(s));
}

static void printf_(probe *p, const char *fmt, ...) HR_PRINTF(2, 3);

static void printf_(probe *p, const char *fmt, ...)
{
    char buf[64];
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    if (n > 0)
        put(p, buf, (size_t)n < sizeof(buf) ? (size_t)n : sizeof(buf) - 1);
}

/* quote - "..." with C escapes; bytes outside printable ASCII as \xHH */
static void quote(probe *p, const char *s, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    char buf[256];
    size_t k = 0;

    buf[k++] = '"';
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];

        if (k > sizeof(buf) - 8) {
            put(p, buf, k);
            k = 0;
        }
        if (c == '"' || c == '\\') {
            buf[k++] = '\\';
            buf[k++] = (char)c;
        } else if (c >= 0x20 && c < 0x7f) {
            buf[k++] = (char)c;
        } else if (c == '\n') {
            buf[k++] = '\\';
            buf[k++] = 'n';
        } else if (c == '\t') {
            buf[k++] = '\\';
            buf[k++] = 't';
        } else {
            buf[k++] = '\\';
            buf[k++] = 'x';
            buf[k++] = hex[c >> 4];
            buf[k++] = hex[c & 15];
        }
    }
    buf[k++] = '"';
    put(p, buf, k);
}

static void quote_or_null(probe *p, const char *s)
{
    if (s == NULL)
        puts_(p, "NULL");
    else
        quote(p, s, strlen(s));
}

/* vstr_show - a VSTRING's content by its length */
static void vstr_show(probe *p, const void *vp)
{
    const struct vbuf_head *v = vp;

    if (vp == NULL)
        puts_(p, "NULL");
    else
        quote(p, (const char *)v->data, (size_t)(v->ptr - v->data));
}

/* ---- the surrogate Postfix's own tests use */

/* Postfix's libraries call canon_addr_external() to make an address
 * fully qualified, and it asks the trivial-rewrite service, which a
 * probe does not have. Like the test program of mail_addr_crunch.c, the
 * probe puts a surrogate in its place that copies the address: the
 * executable exports it (--dynamic-list, ffcall.syms), so that it comes
 * first in the global scope, before the libraries' own. */
static void *(*surrogate_strcpy)(void *, const char *);

void *canon_addr_external(void *result, const char *addr);

void *canon_addr_external(void *result, const char *addr)
{
    return surrogate_strcpy(result, addr);
}

/* ---- set-up */

static int setup_error(const char *fmt, ...) HR_PRINTF(1, 2);

static int setup_error(const char *fmt, ...)
{
    va_list ap;

    fputs("pfharness func-probe: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    return HR_FFCALL_EXIT_SETUP;
}

/* own_symbol - name, defined in library i itself */
static void *own_symbol(probe *p, size_t i, const char *name)
{
    void *sym = dlsym(p->libs[i], name);
    Dl_info info;
    char *real;
    int ok;

    if (sym == NULL || dladdr(sym, &info) == 0 || info.dli_fname == NULL)
        return NULL;
    real = realpath(info.dli_fname, NULL);
    ok = real && strcmp(real, p->libpaths[i]) == 0;
    free(real);
    return ok ? sym : NULL;
}

/* any_symbol - name, defined in one of the loaded Postfix libraries */
static void *any_symbol(probe *p, const char *name)
{
    for (size_t i = 0; i < p->nlibs; i++) {
        void *s = own_symbol(p, i, name);

        if (s)
            return s;
    }
    return NULL;
}

static int load(probe *p, const char *libdir, const char *library)
{
    const char *order[] = {"util", "global", "dns", "master"};
    int want_global = strcmp(library, "util") != 0;

    for (size_t i = 0; i < 4; i++) {
        char *path;

        if (i > 0 && !(i == 1 && want_global) && strcmp(order[i], library))
            continue;
        path = hr_sprintf("%s/%s", libdir, hr_func_library_file(order[i]));
        p->libpaths[p->nlibs] = realpath(path, NULL);
        p->libs[p->nlibs] = p->libpaths[p->nlibs]
                                ? dlopen(p->libpaths[p->nlibs],
                                         RTLD_LAZY | RTLD_GLOBAL)
                                : NULL;
        if (p->libs[p->nlibs] == NULL) {
            int e = setup_error("cannot load %s: %s", path,
                                p->libpaths[p->nlibs] ? dlerror()
                                                      : strerror(errno));

            hr_free(path);
            return e;
        }
        hr_free(path);
        p->nlibs++;
    }
    return 0;
}

static ffi_type *ffi_of(hr_ftype t)
{
    switch (t) {
    case HR_FT_VOID: return &ffi_type_void;
    case HR_FT_INT8: return &ffi_type_sint8;
    case HR_FT_UINT8: return &ffi_type_uint8;
    case HR_FT_INT16: return &ffi_type_sint16;
    case HR_FT_UINT16: return &ffi_type_uint16;
    case HR_FT_INT32: case HR_FT_INT: return &ffi_type_sint32;
    case HR_FT_UINT32: case HR_FT_UNSIGNED: return &ffi_type_uint32;
    case HR_FT_INT64: case HR_FT_LONG: case HR_FT_SSIZE: case HR_FT_OFF:
        return &ffi_type_sint64;
    case HR_FT_UINT64: case HR_FT_ULONG: case HR_FT_SIZE:
        return &ffi_type_uint64;
    default: return &ffi_type_pointer;
    }
}

/* mac_lookup - a MAC_EXP_LOOKUP_FN over the case's 'macro' table */
static const char *mac_lookup(const char *name, int mode, void *ctx)
{
    const struct mactab *t = ctx;

    (void)mode;
    for (size_t i = 0; i < t->n; i++)
        if (strcmp(t->names[i], name) == 0)
            return t->values[i];
    return NULL;
}

static int prepare(probe *p)
{
    const hr_func *f = p->f;
    void *(*vstream_fdopen)(int, int);
    void (*msg_vstream_init)(const char *, void *);

    p->vstring_alloc = (void *(*)(ssize_t))any_symbol(p, "vstring_alloc");
    p->vstring_strcpy =
        (void *(*)(void *, const char *))any_symbol(p, "vstring_strcpy");
    p->vstring_free = (void *(*)(void *))any_symbol(p, "vstring_free");
    p->argv_free = (void *(*)(void *))any_symbol(p, "argv_free");
    p->myfree = (void (*)(void *))any_symbol(p, "myfree");
    vstream_fdopen = (void *(*)(int, int))any_symbol(p, "vstream_fdopen");
    msg_vstream_init =
        (void (*)(const char *, void *))any_symbol(p, "msg_vstream_init");
    if (!p->vstring_alloc || !p->vstring_strcpy || !p->vstring_free ||
        !p->argv_free || !p->myfree || !vstream_fdopen || !msg_vstream_init)
        return setup_error("libpostfix-util.so lacks vstring_alloc, "
                           "vstring_strcpy, vstring_free, argv_free, myfree, "
                           "vstream_fdopen or msg_vstream_init");
    msg_vstream_init("pfharness-probe", vstream_fdopen(2, O_WRONLY));
    surrogate_strcpy = p->vstring_strcpy;

    /* The VBUF layout, checked on a VSTRING of our own. */
    {
        void *vp = p->vstring_alloc(16);
        const struct vbuf_head *v = vp;

        p->vstring_strcpy(vp, "layout");
        if (v->ptr - v->data != 6 || memcmp(v->data, "layout", 6) != 0)
            return setup_error("a VSTRING is not laid out as util/vbuf.h "
                               "says: this Postfix differs");
        p->vstring_free(vp);
    }

    for (size_t i = 0; i < f->sets.n; i++) {
        const char *s = f->sets.v[i], *eq = strchr(s, '=');
        char *name = hr_strndup(s, (size_t)(eq - s));
        void *g = any_symbol(p, name);

        if (g == NULL) {
            int e = setup_error("no global '%s' in the libraries", name);

            hr_free(name);
            return e;
        }
        if (eq[1] == '"')
            *(char **)g = hr_strdup(eq + 2);
        else
            *(int *)g = atoi(eq + 1);
        hr_free(name);
    }

    if (f->entries.n) {
        p->names = hr_calloc(f->entries.n + 1, sizeof(struct name_mask));
        for (size_t i = 0; i < f->entries.n; i++) {
            const char *e = f->entries.v[i];
            size_t n = strcspn(e, " ");

            p->names[i].name = hr_strndup(e, n);
            p->names[i].mask = atoi(e + n + 1);
        }
    }
    if (f->macros.n) {
        p->mac.n = f->macros.n;
        p->mac.names = hr_calloc(p->mac.n, sizeof(char *));
        p->mac.values = hr_calloc(p->mac.n, sizeof(char *));
        for (size_t i = 0; i < p->mac.n; i++) {
            const char *m = f->macros.v[i];
            size_t n = strcspn(m, " ");

            p->mac.names[i] = hr_strndup(m, n);
            p->mac.values[i] = hr_strdup(m + n + 1);
        }
    }

    for (size_t c = 0; c < f->ncalls; c++) {
        const hr_fcall *call = &f->calls[c];
        size_t li = p->nlibs - 1;

        /* The function of the case's library (util's for "util"). */
        if ((p->fn[c] = own_symbol(p, li, call->function)) == NULL &&
            (p->fn[c] = any_symbol(p, call->function)) == NULL)
            return setup_error("function %s is not defined in the build's "
                               "Postfix libraries", call->function);
        for (size_t k = 0; k < call->nparams; k++)
            p->atypes[c][k] = ffi_of(call->params[k].type);
        if (ffi_prep_cif(&p->cif[c], FFI_DEFAULT_ABI,
                         (unsigned)call->nparams, ffi_of(call->ret),
                         p->atypes[c]) != FFI_OK)
            return setup_error("ffi_prep_cif failed for %s",
                               call->function);
    }
    return 0;
}

/* ---- one input */

/* What one parameter holds during a call. */
struct slot {
    union {
        int8_t i8;
        uint8_t u8;
        int16_t i16;
        uint16_t u16;
        int32_t i32;
        uint32_t u32;
        int64_t i64;
        uint64_t u64;
        void *ptr;
    } v;
    char *copy;         /* mstr, strp: the writable copy */
    char *var;          /* strp, outstr: the char * pointed to */
    char **varp;
    int ivar;           /* int* */
    long lvar;          /* long*, ssize_t* */
    void *vstr;
};

static void set_int(struct slot *s, hr_ftype t, long long v)
{
    switch (t) {
    case HR_FT_INT8: s->v.i8 = (int8_t)v; break;
    case HR_FT_UINT8: s->v.u8 = (uint8_t)v; break;
    case HR_FT_INT16: s->v.i16 = (int16_t)v; break;
    case HR_FT_UINT16: s->v.u16 = (uint16_t)v; break;
    case HR_FT_INT32: case HR_FT_INT: s->v.i32 = (int32_t)v; break;
    case HR_FT_UINT32: case HR_FT_UNSIGNED: s->v.u32 = (uint32_t)v; break;
    case HR_FT_UINT64: case HR_FT_ULONG: case HR_FT_SIZE:
        s->v.u64 = (uint64_t)v;
        break;
    default: s->v.i64 = (int64_t)v; break;
    }
}

/* show_int - a returned integer of type t, from an ffi_arg */
static void show_int(probe *p, hr_ftype t, ffi_arg r)
{
    switch (t) {
    case HR_FT_INT8: printf_(p, "%d", (int)(int8_t)r); break;
    case HR_FT_UINT8: printf_(p, "%u", (unsigned)(uint8_t)r); break;
    case HR_FT_INT16: printf_(p, "%d", (int)(int16_t)r); break;
    case HR_FT_UINT16: printf_(p, "%u", (unsigned)(uint16_t)r); break;
    case HR_FT_INT32: case HR_FT_INT: printf_(p, "%d", (int)(int32_t)r); break;
    case HR_FT_UINT32: case HR_FT_UNSIGNED:
        printf_(p, "%u", (unsigned)(uint32_t)r);
        break;
    case HR_FT_UINT64: case HR_FT_ULONG: case HR_FT_SIZE:
        printf_(p, "%llu", (unsigned long long)r);
        break;
    default: printf_(p, "%lld", (long long)(int64_t)r); break;
    }
}

/* fill - one parameter's slot from a value: an int or a string */
static void fill(probe *p, struct slot *s, const hr_fparam *pm, int is_null,
                 long long iv, const char *sv)
{
    switch (pm->type) {
    case HR_FT_STR:
        s->v.ptr = is_null ? NULL : (void *)sv;
        break;
    case HR_FT_MSTR:
        s->copy = hr_strdup(sv ? sv : "");
        s->v.ptr = s->copy;
        break;
    case HR_FT_STRP:
        s->copy = hr_strdup(sv ? sv : "");
        s->var = s->copy;
        s->varp = &s->var;
        s->v.ptr = s->varp;
        break;
    case HR_FT_OUTSTR:
        s->var = NULL;
        s->varp = &s->var;
        s->v.ptr = s->varp;
        break;
    case HR_FT_BUF:
        s->copy = hr_calloc(pm->bufsize + 1, 1);
        s->v.ptr = s->copy;
        break;
    case HR_FT_VSTR:
        s->vstr = p->vstring_alloc(64);
        p->vstring_strcpy(s->vstr, sv ? sv : "");
        s->v.ptr = s->vstr;
        break;
    case HR_FT_INTP:
        s->ivar = (int)iv;
        s->v.ptr = &s->ivar;
        break;
    case HR_FT_LONGP:
    case HR_FT_SSIZEP:
        s->lvar = (long)iv;
        s->v.ptr = &s->lvar;
        break;
    case HR_FT_NAMETABLE:
        s->v.ptr = p->names;
        break;
    case HR_FT_MACLOOKUP:
        s->v.ptr = (void *)mac_lookup;
        break;
    case HR_FT_MACTABLE:
        s->v.ptr = &p->mac;
        break;
    default:
        set_int(s, pm->type, iv);
        break;
    }
}

/* show_out - a parameter the call may have changed */
static void show_out(probe *p, const hr_fparam *pm, const struct slot *s,
                     size_t k)
{
    switch (pm->type) {
    case HR_FT_MSTR:
        printf_(p, " arg%zu=", k + 1);
        quote_or_null(p, s->copy);
        break;
    case HR_FT_STRP:
    case HR_FT_OUTSTR:
        printf_(p, " arg%zu=", k + 1);
        quote_or_null(p, s->var);
        break;
    case HR_FT_BUF:
        printf_(p, " arg%zu=", k + 1);
        quote(p, s->copy, strnlen(s->copy, pm->bufsize));
        break;
    case HR_FT_VSTR:
        if (pm->src == HR_FSRC_RETURN)
            break;
        printf_(p, " arg%zu=", k + 1);
        vstr_show(p, s->vstr);
        break;
    case HR_FT_INTP:
        printf_(p, " arg%zu=%d", k + 1, s->ivar);
        break;
    case HR_FT_LONGP:
    case HR_FT_SSIZEP:
        printf_(p, " arg%zu=%ld", k + 1, s->lvar);
        break;
    default:
        break;
    }
}

static void release(probe *p, struct slot *s, const hr_fparam *pm)
{
    hr_free(s->copy);
    /* What a function puts in an outstr comes from Postfix's mymalloc(),
     * which only myfree() may release. */
    if (pm->type == HR_FT_OUTSTR && s->var)
        p->myfree(s->var);
    if (s->vstr)
        p->vstring_free(s->vstr);
    memset(s, 0, sizeof(*s));
}

/* show_ret - what call c returned */
static void show_ret(probe *p, hr_ftype t, const void *ret)
{
    const ffi_arg *ia = ret;
    void *const *pa = ret;

    switch (t) {
    case HR_FT_VOID:
        break;
    case HR_FT_STR:
        quote_or_null(p, *pa);
        break;
    case HR_FT_VSTR:
        vstr_show(p, *pa);
        break;
    case HR_FT_PTR:
        puts_(p, *pa ? "ptr" : "NULL");
        break;
    case HR_FT_ARGV: {
        const struct argv_head *a = *pa;

        if (a == NULL) {
            puts_(p, "NULL");
            break;
        }
        puts_(p, "[");
        for (ssize_t i = 0; i < a->argc; i++) {
            if (i)
                puts_(p, " ");
            quote_or_null(p, a->argv[i]);
        }
        puts_(p, "]");
        break;
    }
    default:
        show_int(p, t, *ia);
        break;
    }
}

/* shows - the call puts something on the line */
static int shows(const hr_fcall *call)
{
    if (call->repeat || (!call->quiet && call->ret != HR_FT_VOID))
        return 1;
    for (size_t k = 0; k < call->nparams; k++)
        switch (call->params[k].type) {
        case HR_FT_MSTR: case HR_FT_STRP: case HR_FT_OUTSTR: case HR_FT_BUF:
        case HR_FT_INTP: case HR_FT_LONGP: case HR_FT_SSIZEP:
            return 1;
        case HR_FT_VSTR:
            if (call->params[k].src != HR_FSRC_RETURN)
                return 1;
            break;
        default:
            break;
        }
    return 0;
}

/* one - input n: its line */
static void one(probe *p, size_t n)
{
    const hr_func *f = p->f;
    hr_fargs args;
    struct slot slots[MAX_CALLS][MAX_PARAMS];
    void *avalue[MAX_PARAMS];
    union {
        ffi_arg i;
        void *ptr;
    } rets[MAX_CALLS];
    size_t k, j;

    memset(slots, 0, sizeof(slots));
    memset(rets, 0, sizeof(rets));
    if (hr_func_args(f, n, &args) < 0) {
        printf_(p, "%zu (no input)\n", n + 1);
        return;
    }
    printf_(p, "%zu", n + 1);
    for (k = 0; k < args.n; k++) {
        puts_(p, " ");
        if (args.kind[k] == HR_FV_NULL)
            puts_(p, "NULL");
        else if (args.kind[k] == HR_FV_INT)
            printf_(p, "%lld", args.i[k]);
        else
            quote(p, args.s[k].ptr, args.s[k].len);
    }
    puts_(p, " =>");

    for (size_t c = 0; c < f->ncalls; c++) {
        const hr_fcall *call = &f->calls[c];
        int e = 0, times = 0;

        for (k = 0, j = 0; k < call->nparams; k++) {
            const hr_fparam *pm = &call->params[k];
            struct slot *s = &slots[c][k];

            switch (pm->src) {
            case HR_FSRC_INPUT:
                if (pm->type == HR_FT_OUTSTR || pm->type == HR_FT_BUF ||
                    pm->type == HR_FT_NAMETABLE ||
                    pm->type == HR_FT_MACLOOKUP || pm->type == HR_FT_MACTABLE) {
                    fill(p, s, pm, 0, 0, NULL);
                    break;
                }
                fill(p, s, pm, args.kind[j] == HR_FV_NULL, args.i[j],
                     args.kind[j] == HR_FV_STR ? args.s[j].ptr : NULL);
                j++;
                break;
            case HR_FSRC_FIXED:
                fill(p, s, pm, 0, 0, NULL);
                break;
            case HR_FSRC_LITERAL:
                fill(p, s, pm, pm->lit.kind == HR_FV_NULL, pm->lit.i,
                     pm->lit.s);
                break;
            case HR_FSRC_RETURN:
                if (pm->type == HR_FT_PTR || pm->type == HR_FT_STR ||
                    pm->type == HR_FT_VSTR || pm->type == HR_FT_ARGV)
                    s->v.ptr = rets[pm->ref - 1].ptr;
                else
                    set_int(s, pm->type, (long long)rets[pm->ref - 1].i);
                break;
            case HR_FSRC_ARG: {
                /* @N: the input's N-th value, as a string or a number */
                size_t a = (size_t)pm->ref - 1;
                hr_fparam as = *pm;

                as.type = args.kind[a] == HR_FV_INT ? HR_FT_LONG : HR_FT_STR;
                fill(p, s, &as, args.kind[a] == HR_FV_NULL, args.i[a],
                     args.kind[a] == HR_FV_STR ? args.s[a].ptr : NULL);
                break;
            }
            }
            avalue[k] = &s->v;
        }
        if (f->ncalls > 1 && shows(call))
            printf_(p, " %zu:", c + 1);
        if (call->repeat)
            puts_(p, " ret=[");
        for (;;) {
            errno = 0;
            ffi_call(&p->cif[c], FFI_FN(p->fn[c]), &rets[c], avalue);
            e = errno;
            if (!call->repeat)
                break;
            if (rets[c].ptr == NULL || ++times >= MAX_REPEAT)
                break;
            if (times > 1)
                puts_(p, " ");
            show_ret(p, call->ret, &rets[c]);
        }
        if (call->repeat)
            puts_(p, "]");
        else if (!call->quiet && call->ret != HR_FT_VOID) {
            puts_(p, " ret=");
            show_ret(p, call->ret, &rets[c]);
        }
        for (k = 0; k < call->nparams; k++) {
            /* A VSTRING that the call returned is shown once, as ret. */
            if (call->params[k].type == HR_FT_VSTR && !call->quiet &&
                call->ret == HR_FT_VSTR && slots[c][k].vstr == rets[c].ptr)
                continue;
            show_out(p, &call->params[k], &slots[c][k], k);
        }
        if (f->observe_errno && e)
            printf_(p, " errno=%s", strerrorname_np(e) ? strerrorname_np(e)
                                                       : "?");
    }
    puts_(p, "\n");
    /* The line is complete: count it before anything is freed, so that
     * a crash while freeing is not taken for the input's. */
    if (!p->full) {
        p->head->used += p->partial;
        p->partial = 0;
        p->head->done = n + 1;
    }
    /* After every call of the input: what the calls returned. */
    for (size_t c = 0; c < f->ncalls; c++) {
        for (k = 0; k < f->calls[c].nparams; k++)
            release(p, &slots[c][k], &f->calls[c].params[k]);
        if (f->calls[c].ret == HR_FT_ARGV && rets[c].ptr)
            p->argv_free(rets[c].ptr);
    }
    hr_fargs_release(&args);
}

/* hr_ffcall_main - the probe process */
int hr_ffcall_main(const char *case_path, const char *libdir,
                   const char *out_path, size_t start)
{
    probe p;
    hr_case *c = NULL;
    struct stat st;
    int fd, code;
    void *map;

    memset(&p, 0, sizeof(p));
    if (hr_case_load(&c, case_path) < 0)
        return setup_error("%s", hr_error_last());
    if (c->kind != HR_CASE_FUNC) {
        hr_case_free(c);
        return setup_error("%s is not a func case", case_path);
    }
    p.f = c->func;
    if ((fd = open(out_path, O_RDWR | O_CLOEXEC)) < 0 || fstat(fd, &st) < 0 ||
        st.st_size < HR_FFCALL_HEAD + 4096)
        return setup_error("cannot open %s: %s", out_path, strerror(errno));
    map = mmap(NULL, (size_t)st.st_size, PROT_READ | PROT_WRITE, MAP_SHARED,
               fd, 0);
    close(fd);
    if (map == MAP_FAILED)
        return setup_error("cannot map %s: %s", out_path, strerror(errno));
    p.head = map;
    p.text = (char *)map + HR_FFCALL_HEAD;
    if (p.head->magic != HR_FFCALL_MAGIC ||
        p.head->cap + HR_FFCALL_HEAD > (uint64_t)st.st_size)
        return setup_error("%s is not a results file", out_path);
    if ((code = load(&p, libdir, p.f->library)) != 0 ||
        (code = prepare(&p)) != 0)
        return code;
    p.head->started = 1;
    for (size_t n = start; n < p.f->total; n++) {
        one(&p, n);
        if (p.full)
            return HR_FFCALL_EXIT_FULL;
    }
    return 0;
}

/* hr_ffcall_bench - valid_hostname() through ffi_call(), calls per second */
double hr_ffcall_bench(const char *libdir, size_t calls)
{
    static const char *const names[] = {
        "mx.example.test", "a-b.example", "-bad.example", "x..y",
        "very-long-label-of-the-kind-that-goes-on-and-on.example.test", "",
    };
    char *path = hr_sprintf("%s/libpostfix-util.so", libdir);
    void *h = dlopen(path, RTLD_LAZY | RTLD_GLOBAL), *fn;
    ffi_cif cif;
    ffi_type *at[2] = {&ffi_type_pointer, &ffi_type_sint32};
    struct timespec t0, t1;
    volatile long sum = 0;

    hr_free(path);
    if (h == NULL || (fn = dlsym(h, "valid_hostname")) == NULL ||
        ffi_prep_cif(&cif, FFI_DEFAULT_ABI, 2, &ffi_type_sint32, at) != FFI_OK)
        return -1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (size_t i = 0; i < calls; i++) {
        const char *s = names[i % (sizeof(names) / sizeof(names[0]))];
        int gripe = 0;
        void *av[2] = {&s, &gripe};
        ffi_arg r;

        ffi_call(&cif, FFI_FN(fn), &r, av);
        sum += (long)r;
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    (void)sum;
    return (double)calls / ((double)(t1.tv_sec - t0.tv_sec) +
                            (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
}

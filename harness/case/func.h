#ifndef HR_CASE_FUNC_H
#define HR_CASE_FUNC_H

/* case/func.h - func cases: calls of Postfix's library functions, as data */

#include <stddef.h>
#include <stdint.h>
#include "util/buf.h"
#include "util/strv.h"

/* The types a signature may use (cases/README.md, "Func cases"). */
typedef enum {
    HR_FT_VOID = 1,
    HR_FT_INT8, HR_FT_UINT8, HR_FT_INT16, HR_FT_UINT16, HR_FT_INT32,
    HR_FT_UINT32, HR_FT_INT64, HR_FT_UINT64, HR_FT_INT, HR_FT_UNSIGNED,
    HR_FT_LONG, HR_FT_ULONG, HR_FT_SIZE, HR_FT_SSIZE, HR_FT_OFF,
    HR_FT_STR,      /* const char *: a string, or NULL */
    HR_FT_MSTR,     /* char *: a writable copy of a string, seen after */
    HR_FT_STRP,     /* char **: to a writable copy, seen after */
    HR_FT_OUTSTR,   /* char **: starts NULL, seen after */
    HR_FT_BUF,      /* char[N]: a zeroed output buffer, seen after */
    HR_FT_VSTR,     /* VSTRING *: from a string by vstring_alloc, seen
                     * after */
    HR_FT_INTP,     /* int *: to an int, seen after */
    HR_FT_LONGP,    /* long * */
    HR_FT_SSIZEP,   /* ssize_t * */
    HR_FT_PTR,      /* an opaque pointer: returned, passed on ($N) */
    HR_FT_ARGV,     /* ARGV *: returned, its strings seen */
    HR_FT_NAMETABLE,/* const NAME_MASK *: from the case's 'entry' lines */
    HR_FT_MACLOOKUP,/* MAC_EXP_LOOKUP_FN: the case's 'macro' table */
    HR_FT_MACTABLE, /* void *: that lookup's context */
} hr_ftype;

/* Where a parameter of a later call gets its value. */
typedef enum {
    HR_FSRC_INPUT = 0,  /* the input line (first call only) */
    HR_FSRC_LITERAL,    /* TYPE=VALUE in the signature */
    HR_FSRC_RETURN,     /* $N: what call N returned */
    HR_FSRC_ARG,        /* @N: the input's N-th value */
    HR_FSRC_FIXED,      /* a nametable, maclookup or mactable */
} hr_fsrc;

/* One value of an input: a literal, NULL, a generator, or a length. */
typedef enum {
    HR_FV_INT = 1,
    HR_FV_STR,
    HR_FV_NULL,
    HR_FV_GEN,          /* a generator's output */
    HR_FV_LEN,          /* len(N): strlen of value N of the same input */
} hr_fvkind;

typedef enum {
    HR_GEN_HOSTNAME = 1, HR_GEN_IPADDR, HR_GEN_ADDRESS, HR_GEN_BYTES,
    HR_GEN_UTF8, HR_GEN_TEXT, HR_GEN_XTEXT, HR_GEN_NUMBER, HR_GEN_HEADER,
    HR_GEN_BASE64, HR_GEN_DSN, HR_GEN_MASKNAMES, HR_GEN_MACRO,
} hr_gen_kind;

typedef struct hr_fvalue {
    hr_fvkind kind;
    long long i;
    char *s;            /* HR_FV_STR: the bytes (no NUL inside) */
    size_t slen;
    hr_gen_kind gen;
    int lo, hi;         /* a generator's length range (len=, labels=) */
    char *chars;        /* text(chars="..."): the alphabet */
    int len_of;         /* HR_FV_LEN: 1-based index */
} hr_fvalue;

typedef struct hr_fparam {
    hr_ftype type;
    size_t bufsize;     /* HR_FT_BUF */
    hr_fsrc src;
    hr_fvalue lit;      /* HR_FSRC_LITERAL */
    int ref;            /* HR_FSRC_RETURN, HR_FSRC_ARG: 1-based */
} hr_fparam;

typedef struct hr_fcall {
    char *function;
    hr_ftype ret;
    hr_fparam *params;
    size_t nparams;
    int repeat;         /* call again while it returns non-NULL */
    int quiet;          /* its return is not observed ("-TYPE") */
    int line;
} hr_fcall;

/* An 'input' line (count 0) or a 'gen' line: values for the first
 * call's parameters. */
typedef struct hr_finput {
    int line;
    uint64_t seed;
    size_t count;       /* inputs it makes: 1 for 'input' */
    hr_fvalue *values;
} hr_finput;

typedef struct hr_func {
    char *library;      /* "util": libpostfix-util.so */
    char *macro;        /* the macro the first call stands for, or NULL */
    hr_fcall *calls;
    size_t ncalls;
    hr_finput *inputs;
    size_t ninputs;
    size_t total;       /* inputs, generated ones counted */
    int observe_errno;
    hr_strv sets;       /* "NAME=INT" or "NAME=\"string\"" globals */
    hr_strv entries;    /* nametable: "NAME MASK" */
    hr_strv macros;     /* mactable: "NAME VALUE" */
} hr_func;

/* One input, made: the values of the first call's parameters. */
typedef struct hr_fargs {
    size_t n;
    hr_fvkind *kind;    /* HR_FV_INT, HR_FV_STR or HR_FV_NULL */
    long long *i;
    hr_buf *s;          /* strings, NUL-terminated */
} hr_fargs;

struct parser;

int hr_func_directive(struct parser *p, int line, const char *word,
                      char *rest);
int hr_func_finish(struct parser *p);
void hr_func_free(hr_func *f);

int hr_func_args(const hr_func *f, size_t index, hr_fargs *out);
void hr_fargs_release(hr_fargs *a);
const char *hr_ftype_name(hr_ftype t);
char *hr_func_signature(const hr_func *f, size_t call);
const char *hr_func_library_file(const char *library);
int hr_func_allowed(const char *function);

void hr_gen_make(hr_buf *out, const hr_fvalue *v, uint64_t seed,
                 const hr_func *f);

#endif

#ifndef HR_REPLAY_FFCALL_H
#define HR_REPLAY_FFCALL_H

/* replay/ffcall.h - the probe process of a func case: dlopen, ffi_call,
 * results into a shared file (the only user of <ffi.h>) */

#include <stddef.h>
#include <stdint.h>

/* The results file: this header, then text lines. */
#define HR_FFCALL_MAGIC 0x70666866756e6331ULL /* "pfhfunc1" */
#define HR_FFCALL_HEAD 64

typedef struct hr_ffcall_head {
    uint64_t magic;
    uint64_t done;      /* inputs whose lines are complete */
    uint64_t used;      /* bytes of complete lines after the header */
    uint64_t cap;       /* bytes for text after the header */
    uint64_t started;   /* 1 once the libraries are loaded */
} hr_ffcall_head;

/* Exit codes of the probe besides 0 (every input done). */
#define HR_FFCALL_EXIT_SETUP 2  /* it could not start: the log says why */
#define HR_FFCALL_EXIT_FULL 3   /* the file is full: start again at done */

int hr_ffcall_main(const char *case_path, const char *libdir,
                   const char *out_path, size_t start);
double hr_ffcall_bench(const char *libdir, size_t calls);

#endif

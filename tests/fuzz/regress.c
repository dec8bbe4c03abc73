/*
 * regress.c - replay fuzz inputs without libFuzzer
 *
 *	regress_TARGET FILE|DIR...
 *
 * Linked with one fuzz target (tests/fuzz/fuzz_TARGET.c) and the
 * harness built with ASan and UBSan, it feeds every file named, and
 * every file in every directory named (in name order), to
 * LLVMFuzzerTestOneInput(), as libFuzzer does with a crash file. A
 * crash, a leak or a panic fails it; "make unit" runs it on
 * tests/data/fuzz/TARGET/, the inputs the fuzzers found.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* one - feed one file */
static int one(const char *path)
{
    FILE *fp = fopen(path, "rb");
    unsigned char *data = NULL;
    size_t len = 0, cap = 0, n;

    if (fp == NULL) {
        fprintf(stderr, "regress: cannot open '%s'\n", path);
        return -1;
    }
    do {
        if (len == cap) {
            cap = cap ? cap * 2 : 65536;
            if ((data = realloc(data, cap)) == NULL)
                abort();
        }
        n = fread(data + len, 1, cap - len, fp);
        len += n;
    } while (n > 0);
    fclose(fp);
    /* An exact-size copy, so that ASan sees reads past the end. */
    {
        unsigned char *copy = malloc(len ? len : 1);

        if (copy == NULL)
            abort();
        memcpy(copy, data, len);
        free(data);
        LLVMFuzzerTestOneInput(copy, len);
        free(copy);
    }
    return 0;
}

/* by_name - qsort by file name */
static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* main - every file, or every file of every directory */
int main(int argc, char **argv)
{
    int count = 0;

    for (int i = 1; i < argc; i++) {
        struct stat st;
        DIR *d;
        struct dirent *de;
        char **names = NULL;
        size_t n = 0;

        if (stat(argv[i], &st) < 0) {
            fprintf(stderr, "regress: cannot stat '%s'\n", argv[i]);
            return 2;
        }
        if (!S_ISDIR(st.st_mode)) {
            if (one(argv[i]) < 0)
                return 2;
            count++;
            continue;
        }
        if ((d = opendir(argv[i])) == NULL)
            return 2;
        while ((de = readdir(d)) != NULL) {
            if (de->d_name[0] == '.')
                continue;
            if ((names = realloc(names, (n + 1) * sizeof(*names))) == NULL)
                abort();
            names[n++] = strdup(de->d_name);
        }
        closedir(d);
        qsort(names, n, sizeof(*names), by_name);
        for (size_t k = 0; k < n; k++) {
            char path[4096];

            snprintf(path, sizeof(path), "%s/%s", argv[i], names[k]);
            if (one(path) < 0)
                return 2;
            count++;
            free(names[k]);
        }
        free(names);
    }
    printf("ok - %d input%s\n", count, count == 1 ? "" : "s");
    return 0;
}

#ifndef HR_SOURCE_SOURCE_H
#define HR_SOURCE_SOURCE_H

/* source/source.h - import Postfix source trees into the store */

#include "source/gitrepo.h"

#define HR_DEFAULT_REF "refs/pfharness/default"

typedef struct hr_source_result {
    char version[64];           /* Postfix's MAIL_VERSION_NUMBER */
    char commit[HR_OID_HEX];
    char tree[HR_OID_HEX];      /* the Postfix tree (see hr_source_rev) */
    char root[16];              /* "" or "postfix": where that tree is */
    char tag[200];              /* tag or ref that names it */
    int unchanged;              /* it was already in the store */
} hr_source_result;

int hr_source_import_tarball(hr_source_result *out, hr_gitrepo *store,
                             const char *path);
int hr_source_fetch_apt(hr_source_result *out, hr_gitrepo *store,
                        const char *debian_version, const char *download_dir,
                        int patched);
int hr_source_fetch_git(hr_source_result *out, hr_gitrepo *store,
                        const char *path, const char *rev);
/* A stored revision: its commit, and the Postfix tree in it. */
typedef struct hr_source_rev {
    char commit[HR_OID_HEX];
    char tree[HR_OID_HEX];      /* the Postfix tree: the identity of builds */
    char root[16];              /* "" (the top) or "postfix" */
    char version[64];
} hr_source_rev;

int hr_source_resolve(hr_source_rev *out, hr_gitrepo *store, const char *rev);
int hr_source_checkout(hr_gitrepo *store, const hr_source_rev *sr,
                       const char *dir);
int hr_source_version(char *out, size_t len, hr_gitrepo *store,
                      const char *rev);
int hr_source_parse_version(char *out, size_t len, const char *header);
int hr_source_default_rev(char commit[HR_OID_HEX], hr_gitrepo *store);
int hr_source_lookup(hr_source_rev *out, const char *rev);
int hr_source_debian_version(char *out, size_t len, hr_gitrepo *store,
                             const char *commit);

#endif

#ifndef HR_SOURCE_GITREPO_H
#define HR_SOURCE_GITREPO_H

/* source/gitrepo.h - the source store and diffs, through libgit2 */

#include <stddef.h>
#include "util/buf.h"
#include "util/strv.h"

#define HR_OID_HEX 41

typedef struct hr_gitrepo hr_gitrepo;
typedef struct hr_gittree hr_gittree;

void hr_gitrepo_init(void);
void hr_gitrepo_shutdown(void);

int hr_gitrepo_open(hr_gitrepo **out, const char *path, int create_bare);
void hr_gitrepo_free(hr_gitrepo *r);

/* Building a tree from files, then a commit. */
void hr_gittree_new(hr_gittree **out);
int hr_gittree_add(hr_gittree *t, hr_gitrepo *r, const char *path,
                   const void *data, size_t len, int mode);
int hr_gittree_commit(char commit[HR_OID_HEX], char tree[HR_OID_HEX],
                      hr_gitrepo *r, hr_gittree *t, const char *parent,
                      const char *message, long long when);
void hr_gittree_free(hr_gittree *t);

/* Refs and revisions. */
int hr_gitrepo_resolve(char commit[HR_OID_HEX], char tree[HR_OID_HEX],
                       hr_gitrepo *r, const char *rev);
int hr_gitrepo_ref_set(hr_gitrepo *r, const char *refname,
                       const char *commit);
int hr_gitrepo_ref_get(char commit[HR_OID_HEX], hr_gitrepo *r,
                       const char *refname);
int hr_gitrepo_refs(hr_strv *out, hr_gitrepo *r, const char *prefix);
int hr_gitrepo_read_file(hr_buf *out, hr_gitrepo *r, const char *rev,
                         const char *path);
int hr_gitrepo_summary(char **out, hr_gitrepo *r, const char *commit);

/* Fetch every ref of another repository on disk into a namespace. */
int hr_gitrepo_fetch_local(hr_gitrepo *r, const char *url,
                           const char *ref_prefix);

/* The tree at path ("": the root) of a revision, and checking it out
 * into a directory (not a work tree) as if it were the root. */
int hr_gitrepo_tree_at(char tree[HR_OID_HEX], hr_gitrepo *r, const char *rev,
                       const char *path);
int hr_gitrepo_checkout(hr_gitrepo *r, const char *rev, const char *subdir,
                        const char *dir);
int hr_gitrepo_parents(unsigned *out, hr_gitrepo *r, const char *rev);
int hr_gitrepo_commit_time(long long *out, hr_gitrepo *r, const char *rev);

/* Commits in good..bad, oldest first; first_parent follows merges'
 * first parents only. */
int hr_gitrepo_revlist(hr_strv *out, hr_gitrepo *r, const char *good,
                       const char *bad, int first_parent);

/* Unified diff of two buffers (git_diff_buffers). */
int hr_gitrepo_diff_buffers(hr_buf *out, const char *old_text,
                            const char *old_label, const char *new_text,
                            const char *new_label, int context);

#endif

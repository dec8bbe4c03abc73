/*
 * NAME
 *	source/gitrepo 3
 * SUMMARY
 *	the source store and diffs, through libgit2
 * SYNOPSIS
 *	#include "source/gitrepo.h"
 *
 *	int	hr_gitrepo_open(out, path, create_bare)
 *	void	hr_gittree_new(out)
 *	int	hr_gittree_add(t, r, path, data, len, mode)
 *	int	hr_gittree_commit(commit, tree, r, t, parent, message, when)
 *	int	hr_gitrepo_resolve(commit, tree, r, rev)
 *	int	hr_gitrepo_ref_set(r, refname, commit), hr_gitrepo_ref_get()
 *	int	hr_gitrepo_refs(out, r, glob)
 *	int	hr_gitrepo_read_file(out, r, rev, path)
 *	int	hr_gitrepo_summary(out, r, commit)
 *	int	hr_gitrepo_fetch_local(r, url, ref_prefix)
 *	int	hr_gitrepo_tree_at(tree, r, rev, path)
 *	int	hr_gitrepo_parents(out, r, rev)
 *	int	hr_gitrepo_commit_time(out, r, rev)
 *	int	hr_gitrepo_checkout(r, rev, subdir, dir)
 *	int	hr_gitrepo_revlist(out, r, good, bad, first_parent)
 *	int	hr_gitrepo_diff_buffers(out, old, old_label, new, new_label,
 *					context)
 * DESCRIPTION
 *	This is the only file that includes <git2.h>; no libgit2 type
 *	appears in its header.
 *
 *	The store is a bare repository. A tree is imported by writing
 *	each file as a blob, collecting them in an in-memory index, and
 *	writing the index as a tree; the commit that holds it has a fixed
 *	author and the time the caller gives, so that importing the same
 *	input twice gives the same commit id.
 *
 *	hr_gitrepo_fetch_local() copies another repository's objects with
 *	libgit2's fetch (no git subprocess), so commit ids stay the same.
 *
 *	hr_gitrepo_checkout() writes the tree at subdir of a revision (the
 *	whole tree for "" or NULL) into a plain directory, as if it were
 *	the root; the store has no work tree and no index is written.
 *	hr_gitrepo_tree_at() gives the id of such a tree.
 *
 *	Hex ids are full 40-digit ids.
 * DIAGNOSTICS
 *	Every libgit2 return value is checked; git_error_last() may be
 *	NULL in libgit2 1.5. Unknown revisions give HR_ENOTFOUND.
 */
#include <string.h>
#include <git2.h>

#include "source/gitrepo.h"
#include "util/mem.h"
#include "util/msg.h"

struct hr_gitrepo {
    git_repository *repo;
};

struct hr_gittree {
    git_index *index;
};

#define SIG_NAME "pfharness"
#define SIG_EMAIL "pfharness@localhost"

/* gerr - record a libgit2 failure */
static int gerr(int code, const char *what)
{
    const git_error *e = git_error_last();

    return hr_error_set(code == GIT_ENOTFOUND || code == GIT_EAMBIGUOUS ||
                                code == GIT_EINVALIDSPEC
                            ? HR_ENOTFOUND
                            : HR_ERROR,
                        "%s: %s", what, e && e->message ? e->message
                                                        : "libgit2 error");
}

/* hr_gitrepo_init - once, before any other call */
void hr_gitrepo_init(void)
{
    if (git_libgit2_init() < 0)
        hr_panic("cannot initialize libgit2");
}

/* hr_gitrepo_shutdown - once, at the end */
void hr_gitrepo_shutdown(void)
{
    git_libgit2_shutdown();
}

/* hr_gitrepo_open - open a repository, optionally creating a bare one */
int hr_gitrepo_open(hr_gitrepo **out, const char *path, int create_bare)
{
    git_repository *repo = NULL;
    int rc;

    *out = NULL;
    rc = git_repository_open_ext(&repo, path, GIT_REPOSITORY_OPEN_NO_SEARCH,
                                 NULL);
    if (rc == GIT_ENOTFOUND && create_bare)
        rc = git_repository_init(&repo, path, 1);
    if (rc < 0) {
        const git_error *e = git_error_last();

        return hr_error_set(rc == GIT_ENOTFOUND ? HR_ENOTFOUND : HR_ERROR,
                            "'%s' is not a git repository: %s", path,
                            e && e->message ? e->message : "libgit2 error");
    }
    *out = hr_calloc(1, sizeof(**out));
    (*out)->repo = repo;
    return 0;
}

/* hr_gitrepo_free - close; NULL is fine */
void hr_gitrepo_free(hr_gitrepo *r)
{
    if (r == NULL)
        return;
    git_repository_free(r->repo);
    hr_free(r);
}

/* hr_gittree_new - an empty tree under construction */
void hr_gittree_new(hr_gittree **out)
{
    hr_gittree *t = hr_calloc(1, sizeof(*t));

    if (git_index_new(&t->index) < 0)
        hr_panic("git_index_new failed");
    *out = t;
}

/* hr_gittree_add - add one file (mode 0100644, 0100755 or 0120000) */
int hr_gittree_add(hr_gittree *t, hr_gitrepo *r, const char *path,
                   const void *data, size_t len, int mode)
{
    git_index_entry entry;
    int rc;

    memset(&entry, 0, sizeof(entry));
    if ((rc = git_blob_create_from_buffer(&entry.id, r->repo, data, len)) < 0)
        return gerr(rc, "cannot store blob");
    entry.mode = mode == 0120000 ? GIT_FILEMODE_LINK
                 : (mode & 0111) ? GIT_FILEMODE_BLOB_EXECUTABLE
                                 : GIT_FILEMODE_BLOB;
    entry.path = path;
    if ((rc = git_index_add(t->index, &entry)) < 0) {
        const git_error *e = git_error_last();

        return hr_error_set(HR_EINPUT, "cannot add '%s' to the tree: %s", path,
                            e && e->message ? e->message : "libgit2 error");
    }
    return 0;
}

/* hr_gittree_commit - write the tree and a commit holding it */
int hr_gittree_commit(char commit[HR_OID_HEX], char tree[HR_OID_HEX],
                      hr_gitrepo *r, hr_gittree *t, const char *parent,
                      const char *message, long long when)
{
    git_signature *sig = NULL;
    git_tree *gtree = NULL;
    git_commit *pcommit = NULL;
    git_oid tree_oid, commit_oid, parent_oid;
    const git_commit *parents[1];
    int rc, error = 0;

    if ((rc = git_index_write_tree_to(&tree_oid, t->index, r->repo)) < 0) {
        error = gerr(rc, "cannot write tree");
        goto done;
    }
    if ((rc = git_tree_lookup(&gtree, r->repo, &tree_oid)) < 0) {
        error = gerr(rc, "cannot read back tree");
        goto done;
    }
    if (parent) {
        if ((rc = git_oid_fromstr(&parent_oid, parent)) < 0 ||
            (rc = git_commit_lookup(&pcommit, r->repo, &parent_oid)) < 0) {
            error = gerr(rc, "cannot find parent commit");
            goto done;
        }
        parents[0] = pcommit;
    }
    if ((rc = git_signature_new(&sig, SIG_NAME, SIG_EMAIL, (git_time_t)when,
                                0)) < 0) {
        error = gerr(rc, "cannot make signature");
        goto done;
    }
    if ((rc = git_commit_create(&commit_oid, r->repo, NULL, sig, sig, "UTF-8",
                                message, gtree, parent ? 1 : 0, parents)) < 0) {
        error = gerr(rc, "cannot write commit");
        goto done;
    }
    git_oid_tostr(commit, HR_OID_HEX, &commit_oid);
    git_oid_tostr(tree, HR_OID_HEX, &tree_oid);
done:
    git_signature_free(sig);
    git_tree_free(gtree);
    git_commit_free(pcommit);
    return error;
}

/* hr_gittree_free - release; NULL is fine */
void hr_gittree_free(hr_gittree *t)
{
    if (t == NULL)
        return;
    git_index_free(t->index);
    hr_free(t);
}

/* peel_commit - revision to commit object */
static int peel_commit(git_commit **out, hr_gitrepo *r, const char *rev)
{
    git_object *obj = NULL, *peeled = NULL;
    int rc;

    *out = NULL;
    if ((rc = git_revparse_single(&obj, r->repo, rev)) < 0) {
        const git_error *e = git_error_last();

        return hr_error_set(HR_ENOTFOUND, "unknown revision '%s'%s%s", rev,
                            e && e->message ? ": " : "",
                            e && e->message ? e->message : "");
    }
    rc = git_object_peel(&peeled, obj, GIT_OBJECT_COMMIT);
    git_object_free(obj);
    if (rc < 0)
        return hr_error_set(HR_ENOTFOUND, "revision '%s' is not a commit", rev);
    *out = (git_commit *)peeled;
    return 0;
}

/* hr_gitrepo_resolve - revision to commit and tree ids */
int hr_gitrepo_resolve(char commit[HR_OID_HEX], char tree[HR_OID_HEX],
                       hr_gitrepo *r, const char *rev)
{
    git_commit *c;
    int error;

    if ((error = peel_commit(&c, r, rev)) < 0)
        return error;
    if (commit)
        git_oid_tostr(commit, HR_OID_HEX, git_commit_id(c));
    if (tree)
        git_oid_tostr(tree, HR_OID_HEX, git_commit_tree_id(c));
    git_commit_free(c);
    return 0;
}

/* hr_gitrepo_ref_set - create or move a ref */
int hr_gitrepo_ref_set(hr_gitrepo *r, const char *refname, const char *commit)
{
    git_reference *ref = NULL;
    git_oid oid;
    int rc;

    if ((rc = git_oid_fromstr(&oid, commit)) < 0)
        return gerr(rc, "bad object id");
    if ((rc = git_reference_create(&ref, r->repo, refname, &oid, 1,
                                   "pfharness")) < 0)
        return gerr(rc, refname);
    git_reference_free(ref);
    return 0;
}

/* hr_gitrepo_ref_get - the commit a ref names */
int hr_gitrepo_ref_get(char commit[HR_OID_HEX], hr_gitrepo *r,
                       const char *refname)
{
    git_oid oid;
    int rc;

    if ((rc = git_reference_name_to_id(&oid, r->repo, refname)) < 0)
        return rc == GIT_ENOTFOUND
                   ? hr_error_set(HR_ENOTFOUND, "no ref '%s'", refname)
                   : gerr(rc, refname);
    git_oid_tostr(commit, HR_OID_HEX, &oid);
    return 0;
}

/* hr_gitrepo_refs - sorted ref names that start with prefix */
int hr_gitrepo_refs(hr_strv *out, hr_gitrepo *r, const char *prefix)
{
    git_strarray names = {NULL, 0};
    hr_strv tmp = HR_STRV_INIT;
    int rc;

    if ((rc = git_reference_list(&names, r->repo)) < 0)
        return gerr(rc, "cannot list refs");
    /* Callers ask for a prefix ("refs/tags/postfix-"); sorting here keeps
     * the order independent of libgit2's. */
    for (size_t i = 0; i < names.count; i++)
        if (prefix == NULL ||
            strncmp(names.strings[i], prefix, strlen(prefix)) == 0)
            hr_strv_add(&tmp, names.strings[i]);
    git_strarray_dispose(&names);
    hr_strv_sort(&tmp);
    hr_strv_addv(out, &tmp);
    hr_strv_release(&tmp);
    return 0;
}

/* hr_gitrepo_read_file - a file's contents at a revision */
int hr_gitrepo_read_file(hr_buf *out, hr_gitrepo *r, const char *rev,
                         const char *path)
{
    git_commit *c = NULL;
    git_tree *tree = NULL;
    git_tree_entry *entry = NULL;
    git_blob *blob = NULL;
    int rc, error;

    if ((error = peel_commit(&c, r, rev)) < 0)
        return error;
    if ((rc = git_commit_tree(&tree, c)) < 0) {
        error = gerr(rc, "cannot read tree");
        goto done;
    }
    if ((rc = git_tree_entry_bypath(&entry, tree, path)) < 0) {
        error = hr_error_set(HR_ENOTFOUND, "no '%s' in revision '%s'", path,
                             rev);
        goto done;
    }
    if ((rc = git_blob_lookup(&blob, r->repo, git_tree_entry_id(entry))) < 0) {
        error = gerr(rc, path);
        goto done;
    }
    hr_buf_put(out, git_blob_rawcontent(blob), (size_t)git_blob_rawsize(blob));
done:
    git_blob_free(blob);
    git_tree_entry_free(entry);
    git_tree_free(tree);
    git_commit_free(c);
    return error;
}

/* hr_gitrepo_summary - a commit's summary line */
int hr_gitrepo_summary(char **out, hr_gitrepo *r, const char *commit)
{
    git_commit *c;
    const char *s;
    int error;

    if ((error = peel_commit(&c, r, commit)) < 0)
        return error;
    s = git_commit_summary(c);
    *out = hr_strdup(s ? s : "");
    git_commit_free(c);
    return 0;
}

/* hr_gitrepo_fetch_local - copy all refs of url under ref_prefix */
int hr_gitrepo_fetch_local(hr_gitrepo *r, const char *url,
                           const char *ref_prefix)
{
    git_remote *remote = NULL;
    git_fetch_options fo;
    char *specs[2];
    git_strarray refspecs = {specs, 2};
    int rc, error = 0;

    specs[0] = hr_sprintf("+refs/*:%s/*", ref_prefix);
    specs[1] = hr_sprintf("+HEAD:%s/HEAD", ref_prefix);
    if ((rc = git_fetch_options_init(&fo, GIT_FETCH_OPTIONS_VERSION)) < 0 ||
        (rc = git_remote_create_anonymous(&remote, r->repo, url)) < 0) {
        error = gerr(rc, url);
        goto done;
    }
    fo.download_tags = GIT_REMOTE_DOWNLOAD_TAGS_NONE;
    if ((rc = git_remote_fetch(remote, &refspecs, &fo, NULL)) < 0) {
        /* A repository without HEAD (bare, unborn) still has its refs. */
        refspecs.count = 1;
        if ((rc = git_remote_fetch(remote, &refspecs, &fo, NULL)) < 0)
            error = gerr(rc, url);
    }
done:
    git_remote_free(remote);
    hr_free(specs[0]);
    hr_free(specs[1]);
    return error;
}

/* subtree - the tree at path ("" or NULL: the root) of a commit */
static int subtree(git_tree **out, hr_gitrepo *r, git_commit *c,
                   const char *path)
{
    git_tree *root = NULL;
    git_tree_entry *entry = NULL;
    int rc, error = 0;

    *out = NULL;
    if ((rc = git_commit_tree(&root, c)) < 0)
        return gerr(rc, "cannot read tree");
    if (path == NULL || *path == 0) {
        *out = root;
        return 0;
    }
    if ((rc = git_tree_entry_bypath(&entry, root, path)) < 0 ||
        git_tree_entry_type(entry) != GIT_OBJECT_TREE) {
        error = hr_error_set(HR_ENOTFOUND, "no directory '%s' in commit %s",
                             path, git_oid_tostr_s(git_commit_id(c)));
        goto done;
    }
    if ((rc = git_tree_lookup(out, r->repo, git_tree_entry_id(entry))) < 0)
        error = gerr(rc, path);
done:
    git_tree_entry_free(entry);
    git_tree_free(root);
    return error;
}

/* hr_gitrepo_tree_at - the id of the tree at path in a revision */
int hr_gitrepo_tree_at(char tree[HR_OID_HEX], hr_gitrepo *r, const char *rev,
                       const char *path)
{
    git_commit *c = NULL;
    git_tree *t = NULL;
    int error;

    if ((error = peel_commit(&c, r, rev)) < 0)
        return error;
    if ((error = subtree(&t, r, c, path)) == 0)
        git_oid_tostr(tree, HR_OID_HEX, git_tree_id(t));
    git_tree_free(t);
    git_commit_free(c);
    return error;
}

/* hr_gitrepo_commit_time - a commit's committer time */
int hr_gitrepo_commit_time(long long *out, hr_gitrepo *r, const char *rev)
{
    git_commit *c = NULL;
    int error;

    if ((error = peel_commit(&c, r, rev)) < 0)
        return error;
    *out = (long long)git_commit_time(c);
    git_commit_free(c);
    return 0;
}

/* hr_gitrepo_parents - how many parents a commit has */
int hr_gitrepo_parents(unsigned *out, hr_gitrepo *r, const char *rev)
{
    git_commit *c = NULL;
    int error;

    if ((error = peel_commit(&c, r, rev)) < 0)
        return error;
    *out = git_commit_parentcount(c);
    git_commit_free(c);
    return 0;
}

/* hr_gitrepo_checkout - write the tree at subdir of a revision into dir */
int hr_gitrepo_checkout(hr_gitrepo *r, const char *rev, const char *subdir,
                        const char *dir)
{
    git_checkout_options co;
    git_commit *c = NULL;
    git_tree *t = NULL;
    int rc, error;

    if ((error = peel_commit(&c, r, rev)) < 0)
        return error;
    if ((error = subtree(&t, r, c, subdir)) < 0)
        goto done;
    if ((rc = git_checkout_options_init(&co, GIT_CHECKOUT_OPTIONS_VERSION)) <
        0) {
        error = gerr(rc, "checkout options");
        goto done;
    }
    co.checkout_strategy = GIT_CHECKOUT_FORCE | GIT_CHECKOUT_DONT_WRITE_INDEX |
                           GIT_CHECKOUT_DONT_UPDATE_INDEX;
    co.target_directory = dir;
    co.disable_filters = 1;
    /* A tree below the root is checked out as if it were the root. */
    if ((rc = git_checkout_tree(r->repo, (git_object *)t, &co)) < 0)
        error = gerr(rc, "checkout failed");
done:
    git_tree_free(t);
    git_commit_free(c);
    return error;
}

/* hr_gitrepo_revlist - commits reachable from bad but not good */
int hr_gitrepo_revlist(hr_strv *out, hr_gitrepo *r, const char *good,
                       const char *bad, int first_parent)
{
    git_revwalk *walk = NULL;
    char good_id[HR_OID_HEX], bad_id[HR_OID_HEX];
    git_oid oid;
    int rc, error;

    if ((error = hr_gitrepo_resolve(good_id, NULL, r, good)) < 0 ||
        (error = hr_gitrepo_resolve(bad_id, NULL, r, bad)) < 0)
        return error;
    if ((rc = git_revwalk_new(&walk, r->repo)) < 0) {
        error = gerr(rc, "revwalk");
        goto done;
    }
    if ((rc = git_revwalk_sorting(walk, GIT_SORT_TOPOLOGICAL |
                                            GIT_SORT_REVERSE)) < 0 ||
        (first_parent && (rc = git_revwalk_simplify_first_parent(walk)) < 0)) {
        error = gerr(rc, "revwalk");
        goto done;
    }
    git_oid_fromstr(&oid, bad_id);
    if ((rc = git_revwalk_push(walk, &oid)) < 0) {
        error = gerr(rc, bad);
        goto done;
    }
    git_oid_fromstr(&oid, good_id);
    if ((rc = git_revwalk_hide(walk, &oid)) < 0) {
        error = gerr(rc, good);
        goto done;
    }
    while ((rc = git_revwalk_next(&oid, walk)) == 0) {
        char hex[HR_OID_HEX];

        git_oid_tostr(hex, sizeof(hex), &oid);
        hr_strv_add(out, hex);
    }
    if (rc != GIT_ITEROVER)
        error = gerr(rc, "revwalk");
done:
    git_revwalk_free(walk);
    return error;
}

/* line_cb - append one diff line with its origin marker */
static int line_cb(const git_diff_delta *delta, const git_diff_hunk *hunk,
                   const git_diff_line *line, void *payload)
{
    hr_buf *out = payload;

    (void)delta;
    (void)hunk;
    switch (line->origin) {
    case GIT_DIFF_LINE_CONTEXT:
    case GIT_DIFF_LINE_ADDITION:
    case GIT_DIFF_LINE_DELETION:
        hr_buf_putc(out, line->origin);
        hr_buf_put(out, line->content, line->content_len);
        break;
    case GIT_DIFF_LINE_CONTEXT_EOFNL:
    case GIT_DIFF_LINE_ADD_EOFNL:
    case GIT_DIFF_LINE_DEL_EOFNL:
        /* The line before lacks its newline: the marker goes below it. */
        if (out->len && out->ptr[out->len - 1] != '\n')
            hr_buf_putc(out, '\n');
        hr_buf_puts(out, "\\ No newline at end of file\n");
        break;
    default:
        break;
    }
    return 0;
}

/* hunk_cb - append a hunk header */
static int hunk_cb(const git_diff_delta *delta, const git_diff_hunk *hunk,
                   void *payload)
{
    hr_buf *out = payload;

    (void)delta;
    hr_buf_put(out, hunk->header, hunk->header_len);
    return 0;
}

/* hr_gitrepo_diff_buffers - unified diff of two texts; empty if equal */
int hr_gitrepo_diff_buffers(hr_buf *out, const char *old_text,
                            const char *old_label, const char *new_text,
                            const char *new_label, int context)
{
    git_diff_options opts;
    size_t start = out->len;
    int rc;

    if ((rc = git_diff_options_init(&opts, GIT_DIFF_OPTIONS_VERSION)) < 0)
        return gerr(rc, "diff options");
    opts.context_lines = (uint32_t)context;
    opts.flags |= GIT_DIFF_FORCE_TEXT;
    hr_buf_printf(out, "--- %s\n+++ %s\n", old_label, new_label);
    rc = git_diff_buffers(old_text, strlen(old_text), old_label, new_text,
                          strlen(new_text), new_label, &opts, NULL, NULL,
                          hunk_cb, line_cb, out);
    if (rc < 0)
        return gerr(rc, "diff");
    if (out->len == start + strlen(old_label) + strlen(new_label) + 10)
        hr_buf_truncate(out, start);    /* no hunks: the texts are equal */
    return 0;
}

/*
 * NAME
 *	narrow/record 3
 * SUMMARY
 *	the record of a bisection: NAME.json and NAME.log
 * SYNOPSIS
 *	#include "narrow/record.h"
 *
 *	void	hr_record_new(out, kind, dir)
 *	int	hr_record_load(out, kind, dir)
 *	void	hr_record_free(n)
 *
 *	void	hr_record_set_str(n, path, value), hr_record_set_num(),
 *		hr_record_set_int(), hr_record_set_bool(),
 *		hr_record_set_strv(), hr_record_set_build()
 *	size_t	hr_record_push(n, path)
 *	const char *hr_record_get_str(n, path)
 *	int	hr_record_get_num(out, n, path)
 *	size_t	hr_record_count(n, path)
 *
 *	void	hr_record_log(n, fmt, ...)
 *	int	hr_record_write(n)
 * DESCRIPTION
 *	A bisection of kind KIND (objects, flags, commits) writes DIR/
 *	KIND.json, its machine-readable record (schema pfharness-bisect/1),
 *	and DIR/KIND.log, its steps as text. "report --compiler-bug" reads
 *	them back.
 *
 *	Values are addressed by dotted paths: "result.culprits.0.object"
 *	sets member "object" of element 0 of array "culprits" of object
 *	"result", creating what is missing. hr_record_push() appends an
 *	empty object to the array at path and returns its index. Keys keep
 *	the order in which they were first set.
 *
 *	hr_record_set_build() records a build's identity: id, variant,
 *	compiler (as given, path, SHA-256, version, kind), opt, flags,
 *	source and directory.
 *
 *	hr_record_log() appends one line to the log, which
 *	hr_record_write() writes, with the JSON, atomically.
 * DIAGNOSTICS
 *	hr_record_load() and hr_record_write() return 0 or a negative code
 *	with hr_error_set(). A path that crosses a value of another type is
 *	a bug (hr_panic).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <json-c/json.h>

#include "util/buf.h"
#include "util/fsutil.h"
#include "util/mem.h"
#include "narrow/record.h"

struct hr_record {
    char *kind;
    char *dir;
    json_object *root;
    hr_buf log;
};

/* hr_record_new - an empty record */
void hr_record_new(hr_record **out, const char *kind, const char *dir)
{
    hr_record *n = hr_calloc(1, sizeof(*n));

    n->kind = hr_strdup(kind);
    n->dir = hr_path_abs(dir);
    n->root = json_object_new_object();
    json_object_object_add(n->root, "schema",
                           json_object_new_string(HR_NARROW_SCHEMA));
    json_object_object_add(n->root, "kind", json_object_new_string(kind));
    *out = n;
}

/* hr_record_load - read DIR/KIND.json and DIR/KIND.log */
int hr_record_load(hr_record **out, const char *kind, const char *dir)
{
    char *path = hr_sprintf("%s/%s.json", dir, kind);
    char *log = hr_sprintf("%s/%s.log", dir, kind);
    hr_buf text = HR_BUF_INIT;
    json_object *root = NULL, *v;
    hr_record *n;
    int error;

    *out = NULL;
    if ((error = hr_file_read(&text, path, 64 << 20)) < 0)
        goto done;
    if ((root = json_tokener_parse(hr_buf_cstr(&text))) == NULL ||
        !json_object_is_type(root, json_type_object) ||
        !json_object_object_get_ex(root, "schema", &v) ||
        strcmp(json_object_get_string(v), HR_NARROW_SCHEMA) != 0) {
        error = hr_error_set(HR_EINPUT, "'%s' is not a %s record", path,
                             HR_NARROW_SCHEMA);
        json_object_put(root);
        goto done;
    }
    n = hr_calloc(1, sizeof(*n));
    n->kind = hr_strdup(kind);
    n->dir = hr_path_abs(dir);
    n->root = root;
    if (hr_file_read(&n->log, log, 64 << 20) < 0)
        hr_error_clear();
    *out = n;
done:
    hr_buf_release(&text);
    hr_free(path);
    hr_free(log);
    return error;
}

/* hr_record_free - release; NULL is fine */
void hr_record_free(hr_record *n)
{
    if (n == NULL)
        return;
    json_object_put(n->root);
    hr_buf_release(&n->log);
    hr_free(n->kind);
    hr_free(n->dir);
    hr_free(n);
}

/* is_index - a path segment that names an array element */
static int is_index(const char *seg)
{
    return *seg && strspn(seg, "0123456789") == strlen(seg);
}

/* walk - the container of the last segment of path, created as needed;
 * *last gets that segment */
static json_object *walk(json_object *root, const char *path, char **last,
                         int create)
{
    hr_strv segs = HR_STRV_INIT;
    json_object *cur = root;

    hr_strv_split(&segs, path, ".");
    if (segs.n == 0)
        hr_panic("narrow: empty path");
    for (size_t i = 0; i + 1 < segs.n && cur; i++) {
        const char *seg = segs.v[i];
        json_object *next = NULL;
        int want_array = is_index(segs.v[i + 1]);

        if (json_object_is_type(cur, json_type_array)) {
            size_t k = (size_t)strtoul(seg, NULL, 10);

            if (!is_index(seg))
                hr_panic("narrow: '%s' indexes an array with '%s'", path, seg);
            if (k < json_object_array_length(cur))
                next = json_object_array_get_idx(cur, k);
            else if (create && k == json_object_array_length(cur)) {
                next = want_array ? json_object_new_array()
                                  : json_object_new_object();
                json_object_array_add(cur, next);
            }
        } else if (!json_object_object_get_ex(cur, seg, &next) ||
                   next == NULL) {
            next = NULL;
            if (create) {
                next = want_array ? json_object_new_array()
                                  : json_object_new_object();
                json_object_object_add(cur, seg, next);
            }
        }
        cur = next;
    }
    *last = hr_strdup(segs.v[segs.n - 1]);
    hr_strv_release(&segs);
    return cur;
}

/* put - set the value at path */
static void put(hr_record *n, const char *path, json_object *value)
{
    char *last = NULL;
    json_object *c = walk(n->root, path, &last, 1);

    if (c == NULL)
        hr_panic("narrow: cannot reach '%s'", path);
    if (json_object_is_type(c, json_type_array)) {
        size_t k = (size_t)strtoul(last, NULL, 10);

        if (k < json_object_array_length(c))
            json_object_array_put_idx(c, k, value);
        else
            json_object_array_add(c, value);
    } else if (json_object_is_type(c, json_type_object)) {
        json_object_object_add(c, last, value);
    } else {
        hr_panic("narrow: '%s' crosses a value", path);
    }
    hr_free(last);
}

/* get - the value at path, or NULL */
static json_object *get(const hr_record *n, const char *path)
{
    char *last = NULL;
    json_object *c = walk(n->root, path, &last, 0), *v = NULL;

    if (c && json_object_is_type(c, json_type_array)) {
        size_t k = (size_t)strtoul(last, NULL, 10);

        if (is_index(last) && k < json_object_array_length(c))
            v = json_object_array_get_idx(c, k);
    } else if (c && json_object_is_type(c, json_type_object)) {
        if (!json_object_object_get_ex(c, last, &v))
            v = NULL;
    }
    hr_free(last);
    return v;
}

/* hr_record_set_str - a string, or null */
void hr_record_set_str(hr_record *n, const char *path, const char *value)
{
    put(n, path, value ? json_object_new_string(value) : NULL);
}

/* hr_record_set_num - a number with three decimals */
void hr_record_set_num(hr_record *n, const char *path, double value)
{
    char buf[32];

    /* Seconds with three decimals, as report.json has them. */
    snprintf(buf, sizeof(buf), "%.3f", value);
    put(n, path, json_object_new_double_s(value, buf));
}

/* hr_record_set_int - an integer */
void hr_record_set_int(hr_record *n, const char *path, long long value)
{
    put(n, path, json_object_new_int64(value));
}

/* hr_record_set_bool - true or false */
void hr_record_set_bool(hr_record *n, const char *path, int value)
{
    put(n, path, json_object_new_boolean(value));
}

/* hr_record_set_strv - an array of strings */
void hr_record_set_strv(hr_record *n, const char *path, const hr_strv *v)
{
    json_object *a = json_object_new_array();

    for (size_t i = 0; i < v->n; i++)
        json_object_array_add(a, json_object_new_string(v->v[i]));
    put(n, path, a);
}

/* hr_record_set_build - a build's identity */
void hr_record_set_build(hr_record *n, const char *path, const hr_build *b)
{
    static const struct {
        const char *key;
        size_t off;
    } fields[] = {
#define F(k, m) {k, offsetof(hr_build, m)}
        F("variant", variant),
        F("dir", dir),
        F("opt", opt),
        F("flags", flags),
        F("cc", cc),
        F("cc_path", cc_path),
        F("cc_sha256", cc_sha256),
        F("cc_version", cc_version),
        F("cc_kind", cc_kind),
        F("source_commit", source_commit),
        F("source_tree", source_tree),
        F("source_version", source_version),
#undef F
    };
    char *p = hr_sprintf("%s.id", path);

    hr_record_set_str(n, p, b->id);
    hr_free(p);
    for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
        const char *v = *(char *const *)((const char *)b + fields[i].off);

        p = hr_sprintf("%s.%s", path, fields[i].key);
        hr_record_set_str(n, p, v);
        hr_free(p);
    }
}

/* hr_record_push - append an empty object to an array; its index */
size_t hr_record_push(hr_record *n, const char *path)
{
    json_object *a = get(n, path);
    size_t k;

    if (a == NULL) {
        put(n, path, json_object_new_array());
        a = get(n, path);
    }
    if (!json_object_is_type(a, json_type_array))
        hr_panic("narrow: '%s' is not an array", path);
    k = json_object_array_length(a);
    json_object_array_add(a, json_object_new_object());
    return k;
}

/* hr_record_get_str - a string, or NULL */
const char *hr_record_get_str(const hr_record *n, const char *path)
{
    json_object *v = get(n, path);

    return v && json_object_is_type(v, json_type_string)
               ? json_object_get_string(v)
               : NULL;
}

/* hr_record_get_num - a number; HR_ENOTFOUND when there is none */
int hr_record_get_num(double *out, const hr_record *n, const char *path)
{
    json_object *v = get(n, path);

    if (v == NULL || !(json_object_is_type(v, json_type_double) ||
                       json_object_is_type(v, json_type_int) ||
                       json_object_is_type(v, json_type_boolean)))
        return HR_ENOTFOUND;
    *out = json_object_get_double(v);
    return 0;
}

/* hr_record_count - elements of an array, 0 when there is none */
size_t hr_record_count(const hr_record *n, const char *path)
{
    json_object *v = get(n, path);

    return v && json_object_is_type(v, json_type_array)
               ? json_object_array_length(v)
               : 0;
}

/* hr_record_log - one line of the log */
void hr_record_log(hr_record *n, const char *fmt, ...)
{
    va_list ap;
    char *line;

    va_start(ap, fmt);
    line = hr_vsprintf(fmt, ap);
    va_end(ap);
    hr_buf_printf(&n->log, "%s\n", line);
    hr_free(line);
}

/* hr_record_dir - where the record goes */
const char *hr_record_dir(const hr_record *n)
{
    return n->dir;
}

/* hr_record_write - KIND.json and KIND.log, atomically */
int hr_record_write(hr_record *n)
{
    char *json = hr_sprintf("%s/%s.json", n->dir, n->kind);
    char *log = hr_sprintf("%s/%s.log", n->dir, n->kind);
    const char *text;
    int error;

    if ((error = hr_mkdir_p(n->dir, 0755)) < 0)
        goto done;
    text = json_object_to_json_string_ext(
        n->root, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE);
    if ((error = hr_file_write_atomic(json, text, strlen(text), 0644)) < 0 ||
        (error = hr_file_write_atomic(log, n->log.ptr ? n->log.ptr : "",
                                      n->log.len, 0644)) < 0)
        goto done;
done:
    hr_free(json);
    hr_free(log);
    return error;
}

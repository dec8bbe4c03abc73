/*
 * NAME
 *	case/userconf 3
 * SUMMARY
 *	a user's own main.cf and master.cf, judged and made fit for an instance
 * SYNOPSIS
 *	#include "case/userconf.h"
 *
 *	int	hr_userconf_load(out, main_cf, master_cf)
 *	void	hr_userconf_free(u)
 *	const char *hr_userconf_harness_owned(param)
 * DESCRIPTION
 *	A site that sees Postfix misbehave runs its own configuration:
 *	run --config FILE takes a main.cf (or the output of postconf -n)
 *	and, with --master FILE, its master.cf, and applies them over the
 *	instance's base. Like a case, a configuration comes from someone
 *	else and runs as root's child: every setting is judged, and what
 *	cannot be judged is refused.
 *
 *	hr_userconf_load() reads main_cf (main.cf syntax: "name = value",
 *	continuation lines that start with a blank, "#" comments; a later
 *	setting of a name replaces an earlier one) and sorts each setting
 *	into one of:
 *
 *	- applied, into out->settings ("name = value");
 *	- not applied, into out->dropped ("name: why"): what the instance
 *	  owns to contain itself (hr_userconf_harness_owned(): its paths,
 *	  the sink as relayhost, no DNS, loopback only, its own users and
 *	  mailboxes, its log), and what it does not offer (TLS, SASL);
 *	- refused, with HR_EINPUT "file:line: why": a parameter that runs a
 *	  program (*_command, *_command_maps), a milter or a proxy filter, a
 *	  policy service, a transport that is not on the allowlist or whose
 *	  next hop is not the sink, a path outside the instance, a table of
 *	  a type that reaches outside (proxy:, unix:, tcp:, ldap: ...), and
 *	  every value that fails the grammar cases are held to (config(3)).
 *
 *	A table the configuration names by a file, TYPE:/any/dir/NAME with
 *	TYPE one of texthash, hash, btree, lmdb, regexp, pcre and cidr, is
 *	taken from the file NAME beside main_cf, and nowhere else; the value
 *	then names it as table:user.NAME (hr_config_render() makes it the
 *	instance's copy) and out->tables lists it with its source file.
 *	Every line of such a file is judged as a case's table line is: the
 *	key as the type reads it, the value as the parameter that uses the
 *	table reads it (addresses, transports, access actions, header
 *	actions, or presence). A table whose use pfharness cannot tell is
 *	refused. hash, btree and lmdb tables are indexed by the build's
 *	postmap when the instance is made.
 *
 *	master_cf, when given, may define services of the Postfix daemons
 *	that an instance has (smtpd, cleanup, ..., never pipe, spawn,
 *	lmtp, tlsproxy or postscreen), with chroot off and no arguments but
 *	"-v" and "-o name=value", each setting judged as above; they go into
 *	out->services as master.cf lines, and replace the instance's service
 *	of the same name and type.
 * DIAGNOSTICS
 *	HR_EINPUT with "file:line: message" for anything refused or
 *	malformed; the errors of fsutil(3) for files that cannot be read.
 * SEE ALSO
 *	config(3), README.md ("Your own configuration"), SECURITY.md.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "case/config.h"
#include "case/userconf.h"
#include "util/buf.h"
#include "util/fsutil.h"
#include "util/glob.h"
#include "util/mem.h"
#include "util/msg.h"

#define MAX_CONF (1 << 20)
#define MAX_TABLE (16 << 20)
#define NAME_CHARS                                                             \
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_"

/* Parameters the instance sets itself to contain itself: its own paths
 * and log, the sink for all mail that leaves, no DNS, loopback only, its
 * own users and mailboxes, fresh daemons. '*' is a glob. */
/* clang-format off */
static const char *const owned[] = {
    "*_directory", "sendmail_path", "newaliases_path", "mailq_path",
    "mail_owner", "setgid_group", "default_privs",
    "maillog_file", "maillog_file_*", "postlog_service_name",
    "import_environment", "export_environment",
    "relayhost", "fallback_relay", "smtp_fallback_relay",
    "lmtp_fallback_relay", "smtp_dns_support_level", "lmtp_dns_support_level",
    "disable_dns_lookups", "smtp_host_lookup", "lmtp_host_lookup",
    "inet_interfaces", "inet_protocols", "proxy_interfaces",
    "smtp_bind_address", "smtp_bind_address6", "lmtp_bind_address",
    "lmtp_bind_address6",
    "alias_database", "local_recipient_maps", "mailbox_transport",
    "virtual_mailbox_base", "virtual_uid_maps", "virtual_gid_maps",
    "allow_mail_to_commands", "allow_mail_to_files", "forward_path",
    "home_mailbox", "mail_spool_directory", "luser_relay",
    "address_verify_map", "max_use", "service_throttle_time",
    "debug_peer_level", "debug_peer_list", "multi_instance_*",
    "shlib_directory", "meta_directory",
    NULL,
};

/* Table types that a value may name with a file beside the
 * configuration, and those that need no file. */
static const char *const file_types[] = {
    "texthash", "hash", "btree", "lmdb", "regexp", "pcre", "cidr", NULL,
};
static const char *const inline_types[] = {
    "inline", "static", "fail", NULL,
};

/* Daemons a user's master.cf may run. */
static const char *const daemons[] = {
    "smtpd", "cleanup", "pickup", "qmgr", "trivial-rewrite", "bounce",
    "flush", "proxymap", "verify", "showq", "error", "discard", "local",
    "virtual", "smtp", "anvil", "scache", "postlogd", NULL,
};

/* Parameters whose tables read as domains or networks: only the keys
 * count (the value of a mynetworks table is not looked at). */
static const char *const presence_params[] = {
    "mynetworks", "mydestination", "relay_domains", "virtual_alias_domains",
    "virtual_mailbox_domains", "permit_mx_backup_networks",
    "smtpd_forbid_bare_newline_exclusions", "local_header_rewrite_clients",
    NULL,
};
/* clang-format on */

/* in_list - s is one of a NULL-terminated list */
static int in_list(const char *const *list, const char *s)
{
    return hr_strv_member(list, s, strlen(s));
}

/* hr_userconf_harness_owned - the parameter is the instance's own */
const char *hr_userconf_harness_owned(const char *param)
{
    for (const char *const *o = owned; *o; o++)
        if (hr_glob_match(*o, param))
            return "set by the instance to contain itself";
    if (strstr(param, "tls"))
        return "the instance offers no TLS (no certificates, keys or "
               "session caches)";
    if (strstr(param, "sasl"))
        return "the instance offers no SASL";
    return NULL;
}

/* A setting read from main.cf or a master.cf -o. */
typedef struct setting {
    char *name, *value;
    int line;
} setting;

typedef struct ctx {
    hr_userconf *u;
    const char *file; /* for messages */
    char *beside;     /* the directory tables come from */
} ctx;

/* err - HR_EINPUT "file:line: message" */
static int err(const ctx *k, int line, const char *fmt, ...) HR_PRINTF(3, 4);
static int err(const ctx *k, int line, const char *fmt, ...)
{
    va_list ap;
    char *msg;
    int error;

    va_start(ap, fmt);
    msg = hr_vsprintf(fmt, ap);
    va_end(ap);
    error = hr_error_set(HR_EINPUT, "%s:%d: %s", k->file, line, msg);
    hr_free(msg);
    return error;
}

/* role_of - how the values of a table used by param read; 0: unknown */
static int role_of(const char *param, hr_config_role *out)
{
    size_t n = strlen(param);

    if (hr_config_is_map(param) || strcmp(param, "header_checks") == 0 ||
        strcmp(param, "mime_header_checks") == 0 ||
        strcmp(param, "nested_header_checks") == 0 ||
        strcmp(param, "body_checks") == 0) {
        *out = hr_config_role_of(param);
        return 1;
    }
    if (n > 15 && strcmp(param + n - 15, "_transport_maps") == 0) {
        *out = HR_CONFIG_TRANSPORT;
        return 1;
    }
    if (hr_glob_match("smtpd_*_restrictions", param)) {
        *out = HR_CONFIG_ACCESS;
        return 1;
    }
    if (in_list(presence_params, param)) {
        *out = HR_CONFIG_PRESENCE;
        return 1;
    }
    return 0;
}

/* join_entries - the logical lines of main.cf, master.cf and table
 * files: a line that starts with a blank continues the one before;
 * blank lines and lines whose first non-blank is '#' are comments. Each
 * logical line comes with the line it started on. */
static void join_entries(hr_strv *out, hr_strv *lines_out, const char *text)
{
    hr_buf cur = HR_BUF_INIT;
    int line = 0, cur_line = 0;

    for (const char *p = text; *p;) {
        size_t len = strcspn(p, "\n");
        size_t lead = strspn(p, " \t");

        line++;
        if (lead < len && p[lead] != '#') {
            if (lead > 0 && cur.len) {
                hr_buf_putc(&cur, ' ');
                hr_buf_put(&cur, p + lead, len - lead);
            } else {
                if (cur.len) {
                    hr_strv_add(out, hr_buf_cstr(&cur));
                    hr_strv_addf(lines_out, "%d", cur_line);
                    hr_buf_clear(&cur);
                }
                hr_buf_put(&cur, p + lead, len - lead);
                cur_line = line;
            }
        }
        p += len + (p[len] == '\n');
    }
    if (cur.len) {
        hr_strv_add(out, hr_buf_cstr(&cur));
        hr_strv_addf(lines_out, "%d", cur_line);
    }
    hr_buf_release(&cur);
}

/* check_table_file - every entry of a user's table, as type and role
 * read it, into entries ("KEY VALUE" logical lines; an aliases(5) file's
 * "name: value" as "name value") */
static int check_table_file(const ctx *k, const char *path, const char *type,
                            hr_config_role role, int aliases, hr_strv *out)
{
    hr_buf text = HR_BUF_INIT;
    hr_strv entries = HR_STRV_INIT, lines = HR_STRV_INIT;
    int ordered = strcmp(type, "regexp") == 0 || strcmp(type, "pcre") == 0 ||
                  strcmp(type, "cidr") == 0;
    ctx tk = *k;
    int error;

    tk.file = path;
    if ((error = hr_file_read(&text, path, MAX_TABLE)) < 0)
        goto done;
    if (memchr(text.ptr ? text.ptr : "", 0, text.len) != NULL) {
        error = err(&tk, 1, "a NUL byte in a table");
        goto done;
    }
    join_entries(&entries, &lines, hr_buf_cstr(&text));
    for (size_t i = 0; i < entries.n && error == 0; i++) {
        const char *e = entries.v[i];
        int line = atoi(lines.v[i]);
        size_t kn = strcspn(e, aliases ? " \t:" : " \t");
        char *key = hr_strndup(e, kn);
        const char *value = e + kn + (aliases && e[kn] == ':');
        char *why = NULL;

        value += strspn(value, " \t");

        if (ordered && (strcmp(key, "endif") == 0 || strcmp(key, "if") == 0)) {
            /* "if /pattern/" ... "endif": the pattern is a key too */
            if (strcmp(key, "if") == 0)
                why = hr_config_check_key_of(type, value);
            else if (*value)
                why = hr_strdup("'endif' takes nothing after it");
        } else if ((why = hr_config_check_key_of(type, key)) == NULL) {
            if (*value == 0 && role != HR_CONFIG_PRESENCE)
                why = hr_sprintf("key '%s' has no value", key);
            else if (*value)
                why = hr_config_check_entry(role, value);
        }
        if (why) {
            error = err(&tk, line, "%s", why);
            hr_free(why);
        } else {
            hr_strv_addf(out, "%s%s%s", key, *value ? " " : "", value);
        }
        hr_free(key);
    }
done:
    hr_buf_release(&text);
    hr_strv_release(&entries);
    hr_strv_release(&lines);
    return error;
}

/* table_name - the instance's name of a user's table file: user.NAME,
 * lowercase, other characters as '-', unique; a case's table name has
 * no '.', so the two never meet */
static char *table_name(const hr_userconf *u, const char *base,
                        const char *type)
{
    hr_buf b = HR_BUF_INIT;
    char *name;

    hr_buf_puts(&b, "user.");
    for (const char *p = base; *p && b.len < 80; p++)
        hr_buf_putc(&b, isalnum((unsigned char)*p)
                            ? (char)tolower((unsigned char)*p)
                            : '-');
    name = hr_buf_detach(&b);
    for (size_t i = 0; i < u->ntables; i++)
        if (strcmp(u->tables[i].name, name) == 0 &&
            strcmp(u->tables[i].type, type) != 0) {
            char *longer = hr_sprintf("%s-%s", name, type);

            hr_free(name);
            return longer;
        }
    return name;
}

/* add_table - a user's table, once per name; takes entries */
static void add_table(hr_userconf *u, const char *name, const char *type,
                      hr_strv *entries, int line)
{
    hr_case_table *t;

    for (size_t i = 0; i < u->ntables; i++)
        if (strcmp(u->tables[i].name, name) == 0)
            return;
    u->tables = hr_realloc(u->tables, (u->ntables + 1) * sizeof(*u->tables));
    t = &u->tables[u->ntables++];
    memset(t, 0, sizeof(*t));
    t->name = hr_strdup(name);
    t->type = hr_strdup(type);
    t->entries = *entries;
    memset(entries, 0, sizeof(*entries));
    t->line = line;
}

/* is_text_param - text only clients read, where a '/' is only a '/' */
static int is_text_param(const char *p)
{
    return strcmp(p, "smtpd_banner") == 0 ||
           hr_glob_match("*_reject_footer*", p) || strcmp(p, "mail_name") == 0;
}

/* rewrite_tables - TYPE:/dir/NAME becomes table:user.NAME, the file
 * NAME beside the configuration judged; other TYPE: words must need no
 * file */
static int rewrite_tables(const ctx *k, const setting *s, char **out)
{
    hr_buf b = HR_BUF_INIT;
    const char *v = s->value;
    int error = 0;

    while (*v && error == 0) {
        size_t sep = strspn(v, " \t,{}=");
        size_t n;
        const char *colon;

        hr_buf_put(&b, v, sep);
        v += sep;
        n = strcspn(v, " \t,{}=");
        colon = memchr(v, ':', n);
        if (colon && colon > v &&
            strspn(v, "abcdefghijklmnopqrstuvwxyz0123456789") ==
                (size_t)(colon - v)) {
            char *type = hr_strndup(v, (size_t)(colon - v));
            char *path = hr_strndup(colon + 1, n - (size_t)(colon - v) - 1);

            if (in_list(file_types, type)) {
                const char *base = hr_path_basename(path);
                char *src = hr_path_join(k->beside, base);
                hr_config_role role;
                struct stat st;

                if (*base == 0 || strcmp(base, "..") == 0 ||
                    strcmp(base, ".") == 0)
                    error = err(k, s->line, "'%s:%s' names no file", type,
                                path);
                else if (lstat(src, &st) < 0 || !S_ISREG(st.st_mode))
                    error = err(k, s->line, "table '%s:%s': no file '%s' "
                                "beside %s (tables come from there and "
                                "nowhere else)", type, path, base, k->file);
                else if (!role_of(s->name, &role))
                    error = err(k, s->line, "'%s' names a table whose "
                                "values pfharness cannot judge; only the "
                                "tables of restrictions, *_maps it knows, "
                                "header_checks and domain or network lists "
                                "may be given", s->name);
                else {
                    hr_strv entries = HR_STRV_INIT;
                    int aliases = strcmp(s->name, "alias_maps") == 0;

                    if ((error = check_table_file(k, src, type, role, aliases,
                                                  &entries)) == 0) {
                        char *name = table_name(k->u, base, type);

                        add_table(k->u, name, type, &entries, s->line);
                        hr_buf_printf(&b, "table:%s", name);
                        hr_free(name);
                    }
                    hr_strv_release(&entries);
                }
                hr_free(src);
            } else if (strcmp(type, "table") == 0) {
                error = err(k, s->line, "'table:' is pfharness's own "
                            "notation; name a table as TYPE:FILE, the file "
                            "beside %s", k->file);
            } else if (in_list(inline_types, type)) {
                hr_buf_put(&b, v, n);
            } else {
                error = err(k, s->line, "table type '%s' reaches outside the "
                            "instance or is not known to pfharness (tables "
                            "from files: texthash, hash, btree, lmdb, "
                            "regexp, pcre, cidr; inline, static, fail)",
                            type);
            }
            hr_free(type);
            hr_free(path);
        } else if (n && *v == '/') {
            error = err(k, s->line, "'%s' value '%.*s' is a path outside the "
                        "instance; give tables as TYPE:FILE with FILE beside "
                        "%s", s->name, (int)n, v, k->file);
        } else {
            hr_buf_put(&b, v, n);
        }
        v += n;
    }
    if (error == 0)
        *out = hr_buf_detach(&b);
    hr_buf_release(&b);
    return error;
}

/* mailname - "myorigin = /etc/mailname", Debian's: the first line of
 * the file of that name beside the configuration, a domain name */
static int mailname(const ctx *k, const setting *s)
{
    const char *base = hr_path_basename(s->value);
    char *src = hr_path_join(k->beside, base);
    hr_buf text = HR_BUF_INIT;
    char *first = NULL;
    struct stat st;
    int error = 0;

    if (*base == 0 || lstat(src, &st) < 0 || !S_ISREG(st.st_mode)) {
        error = err(k, s->line, "'myorigin = %s' names a file: give '%s' "
                    "beside %s", s->value, *base ? base : "it", k->file);
        goto done;
    }
    if ((error = hr_file_read(&text, src, 4096)) < 0)
        goto done;
    first = hr_strndup(hr_buf_cstr(&text), strcspn(hr_buf_cstr(&text), "\n"));
    if (!hr_config_valid_address(first) || strchr(first, '@')) {
        error = err(k, s->line, "the first line of '%s' is not a domain name",
                    src);
        goto done;
    }
    hr_strv_addf(&k->u->settings, "myorigin = %s", first);
done:
    hr_free(first);
    hr_free(src);
    hr_buf_release(&text);
    return error;
}

/* is_transport_param - the value is one transport:nexthop */
static int is_transport_param(const char *p)
{
    size_t n = strlen(p);

    return (n > 10 && strcmp(p + n - 10, "_transport") == 0) ||
           (n > 7 && strcmp(p + n - 7, "_filter") == 0 &&
            strcmp(p, "smtpd_expansion_filter") != 0 &&
            strcmp(p, "smtpd_proxy_filter") != 0) ||
           strcmp(p, "content_filter") == 0;
}

/* judge - one setting: 0 applied (into u), 1 dropped, <0 refused */
static int judge(const ctx *k, const setting *s)
{
    hr_userconf *u = k->u;
    const char *why;
    hr_strv refs = HR_STRV_INIT;
    size_t n = strlen(s->name);
    char *value = NULL, *reason = NULL;
    int error = 0;

    if ((why = hr_userconf_harness_owned(s->name)) != NULL) {
        hr_strv_addf(&u->dropped, "%s: %s", s->name, why);
        return 1;
    }
    if (((n > 8 && strcmp(s->name + n - 8, "_command") == 0 &&
          strcmp(s->name, "disable_vrfy_command") != 0) ||
         strstr(s->name, "_command_maps")) &&
        *s->value) {
        /* "mailbox_command =" (Debian's postinst writes it) runs nothing */
        return err(k, s->line, "'%s' runs a program; the instance runs none",
                   s->name);
    }
    if (strcmp(s->name, "myorigin") == 0 && s->value[0] == '/')
        return mailname(k, s);
    if ((n > 8 && strcmp(s->name + n - 8, "_milters") == 0) ||
        strcmp(s->name, "smtpd_proxy_filter") == 0) {
        if (*s->value == 0)
            return 0;
        return err(k, s->line, "'%s' reaches a server outside the instance; "
                   "milters and proxy filters are not offered", s->name);
    }
    if (strcmp(s->name, "compatibility_level") == 0 &&
        (strspn(s->value, "0123456789.") != strlen(s->value) ||
         *s->value == 0))
        return err(k, s->line, "'compatibility_level' needs a level such as "
                   "2 or 3.6, not '%s'", s->value);
    if (strstr(s->value, "check_policy_service"))
        return err(k, s->line, "'%s' uses check_policy_service, which "
                   "reaches a server outside the instance", s->name);
    if (is_transport_param(s->name) && *s->value) {
        if ((reason = hr_config_check_transport(s->value)) != NULL) {
            error = err(k, s->line, "'%s': %s", s->name, reason);
            goto done;
        }
    }
    /* The grammar of case values: no pipes, quotes, '\', control
     * characters, :include:, or $references to paths and programs. Text
     * that only clients read (a banner, a footer) is judged as text: its
     * words are no tables and no paths, whatever they look like. */
    if (is_text_param(s->name)) {
        hr_buf probe = HR_BUF_INIT;

        hr_strv words = HR_STRV_INIT;

        if (strcasestr(s->value, ":include:")) {
            error = err(k, s->line, "'%s' value may not use ':include:'",
                        s->name);
            goto done;
        }
        /* the instance rewrites table:NAME words in every value */
        hr_strv_split(&words, s->value, " \t,{}=");
        for (size_t i = 0; i < words.n && error == 0; i++)
            if (strncmp(words.v[i], "table:", 6) == 0)
                error = err(k, s->line, "'%s' value may not hold a word "
                            "'table:...' (pfharness's own notation)",
                            s->name);
        hr_strv_release(&words);
        if (error < 0)
            goto done;
        value = hr_strdup(s->value);
        for (const char *p = value; *p; p++)
            hr_buf_putc(&probe, *p == '/' || *p == ':' ? '_' : *p);
        reason = hr_config_check_value(s->name, hr_buf_cstr(&probe), &refs);
        hr_buf_release(&probe);
    } else {
        if ((error = rewrite_tables(k, s, &value)) < 0)
            goto done;
        reason = hr_config_check_value(s->name, value, &refs);
    }
    if (reason) {
        error = err(k, s->line, "%s", reason);
        goto done;
    }
    hr_strv_addf(&u->settings, "%s = %s", s->name, value);
done:
    hr_free(value);
    hr_free(reason);
    hr_strv_release(&refs);
    return error;
}

/* parse_settings - "name = value" logical lines of main.cf syntax */
static int parse_settings(const ctx *k, const char *text, setting **out,
                          size_t *count)
{
    hr_strv entries = HR_STRV_INIT, lines = HR_STRV_INIT;
    setting *v = NULL;
    size_t n = 0;
    int error = 0;

    join_entries(&entries, &lines, text);
    v = hr_calloc(entries.n + 1, sizeof(*v));
    for (size_t i = 0; i < entries.n && error == 0; i++) {
        const char *e = entries.v[i];
        int line = atoi(lines.v[i]);
        size_t nn = strspn(e, NAME_CHARS);
        const char *eq = e + nn + strspn(e + nn, " \t");
        const char *val;
        size_t j;

        if (nn == 0 || *eq != '=') {
            error = err(k, line, "expected 'parameter = value'");
            break;
        }
        val = eq + 1 + strspn(eq + 1, " \t");
        /* A later setting of the same name wins, as in Postfix. */
        for (j = 0; j < n; j++)
            if (strlen(v[j].name) == nn && strncmp(v[j].name, e, nn) == 0)
                break;
        if (j == n)
            n++;
        hr_free(v[j].name);
        hr_free(v[j].value);
        v[j].name = hr_strndup(e, nn);
        v[j].value = hr_strdup(val);
        v[j].line = line;
        /* trailing blanks */
        for (size_t l = strlen(v[j].value);
             l > 0 && (v[j].value[l - 1] == ' ' || v[j].value[l - 1] == '\t');)
            v[j].value[--l] = 0;
    }
    hr_strv_release(&entries);
    hr_strv_release(&lines);
    *out = v;
    *count = n;
    return error;
}

/* free_settings - release */
static void free_settings(setting *v, size_t n)
{
    for (size_t i = 0; v && i < n; i++) {
        hr_free(v[i].name);
        hr_free(v[i].value);
    }
    hr_free(v);
}

/* read_text - a configuration file: text without NUL or CR */
static int read_text(hr_buf *out, const ctx *k, const char *path)
{
    const char *bad;
    int error;

    if ((error = hr_file_read(out, path, MAX_CONF)) < 0)
        return error;
    if ((bad = memchr(out->ptr ? out->ptr : "", 0, out->len)) != NULL ||
        (bad = memchr(out->ptr ? out->ptr : "", '\r', out->len)) != NULL) {
        int line = 1;

        for (const char *p = out->ptr; p < bad; p++)
            line += *p == '\n';
        return err(k, line, "a NUL byte or a carriage return; save the file "
                   "as text with Unix line ends");
    }
    return 0;
}

/* load_main - main.cf */
static int load_main(ctx *k, const char *path)
{
    hr_buf text = HR_BUF_INIT;
    setting *v = NULL;
    size_t n = 0;
    int error;

    k->file = path;
    if ((error = read_text(&text, k, path)) < 0 ||
        (error = parse_settings(k, hr_buf_cstr(&text), &v, &n)) < 0)
        goto done;
    for (size_t i = 0; i < n && error >= 0; i++)
        error = judge(k, &v[i]);
    if (error > 0)
        error = 0;
done:
    free_settings(v, n);
    hr_buf_release(&text);
    return error < 0 ? error : 0;
}

/* load_master - master.cf services of the daemons an instance has */
static int load_master(ctx *k, const char *path)
{
    hr_buf text = HR_BUF_INIT;
    hr_strv entries = HR_STRV_INIT, lines = HR_STRV_INIT;
    int error;

    k->file = path;
    if ((error = read_text(&text, k, path)) < 0)
        goto done;
    join_entries(&entries, &lines, hr_buf_cstr(&text));
    for (size_t i = 0; i < entries.n && error == 0; i++) {
        hr_strv w = HR_STRV_INIT;
        hr_buf svc = HR_BUF_INIT;
        int line = atoi(lines.v[i]);

        hr_strv_split(&w, entries.v[i], " \t");
        if (w.n < 8) {
            error = err(k, line, "a service needs 8 fields: service type "
                        "private unpriv chroot wakeup maxproc command");
        } else if (strspn(w.v[0], NAME_CHARS ".-:") != strlen(w.v[0]) ||
                   (strchr(w.v[0], ':') &&
                    strncmp(w.v[0], "127.0.0.1:", 10) != 0)) {
            error = err(k, line, "service '%s': a name, a port, or "
                        "127.0.0.1:port", w.v[0]);
        } else if (strcmp(w.v[1], "inet") && strcmp(w.v[1], "unix") &&
                   strcmp(w.v[1], "unix-dgram") && strcmp(w.v[1], "pass")) {
            error = err(k, line, "service type '%s' is not inet, unix, "
                        "unix-dgram or pass", w.v[1]);
        } else if (!in_list(daemons, w.v[7])) {
            error = err(k, line, "command '%s' is not a daemon an instance "
                        "runs (smtpd, cleanup, qmgr, smtp, local, virtual, "
                        "...; never pipe, spawn or lmtp)", w.v[7]);
        } else {
            for (size_t f = 2; f < 7 && error == 0; f++)
                if (strspn(w.v[f], "0123456789-yn?") != strlen(w.v[f]))
                    error = err(k, line, "field %zu '%s' is not y, n, - or a "
                                "number", f + 1, w.v[f]);
            /* chroot stays off, as everywhere in an instance */
            hr_buf_printf(&svc, "%s %s %s %s n %s %s %s", w.v[0], w.v[1],
                          w.v[2], w.v[3], w.v[5], w.v[6], w.v[7]);
            for (size_t a = 8; a < w.n && error == 0; a++) {
                setting s;

                if (strcmp(w.v[a], "-v") == 0) {
                    hr_buf_puts(&svc, " -v");
                    continue;
                }
                if (strcmp(w.v[a], "-o") != 0 || a + 1 >= w.n ||
                    strchr(w.v[a + 1], '=') == NULL) {
                    error = err(k, line, "'%s': only '-o name=value' and "
                                "'-v' may follow the command", w.v[a]);
                    break;
                }
                a++;
                s.name = hr_strndup(w.v[a], strcspn(w.v[a], "="));
                s.value = hr_strdup(strchr(w.v[a], '=') + 1);
                s.line = line;
                if (strspn(s.name, NAME_CHARS) != strlen(s.name) ||
                    *s.name == 0) {
                    error = err(k, line, "'-o %s' names no parameter",
                                w.v[a]);
                } else {
                    size_t before = k->u->settings.n;

                    error = judge(k, &s);
                    if (error == 0) {
                        /* the setting belongs to the service */
                        hr_buf_printf(&svc, " -o %s=%s", s.name,
                                      strstr(k->u->settings.v[before],
                                             " = ") + 3);
                        hr_free(k->u->settings.v[before]);
                        k->u->settings.n = before;
                        k->u->settings.v[before] = NULL;
                    } else if (error > 0) {
                        error = 0;
                    }
                }
                hr_free(s.name);
                hr_free(s.value);
            }
            if (error == 0)
                hr_strv_add(&k->u->services, hr_buf_cstr(&svc));
        }
        hr_strv_release(&w);
        hr_buf_release(&svc);
    }
done:
    hr_strv_release(&entries);
    hr_strv_release(&lines);
    hr_buf_release(&text);
    return error;
}

/* hr_userconf_load - judge a user's main.cf, and master.cf if given */
int hr_userconf_load(hr_userconf **out, const char *main_cf,
                     const char *master_cf)
{
    hr_userconf *u = hr_calloc(1, sizeof(*u));
    ctx k;
    int error;

    *out = NULL;
    u->path = hr_path_abs(main_cf);
    u->master_path = master_cf ? hr_path_abs(master_cf) : NULL;
    k.u = u;
    k.file = main_cf;
    k.beside = hr_path_dirname(u->path);
    if ((error = load_main(&k, main_cf)) == 0 && master_cf)
        error = load_master(&k, master_cf);
    hr_free(k.beside);
    if (error < 0) {
        hr_userconf_free(u);
        return error;
    }
    *out = u;
    return 0;
}

/* hr_userconf_free - release; NULL is fine */
void hr_userconf_free(hr_userconf *u)
{
    if (u == NULL)
        return;
    hr_free(u->path);
    hr_free(u->master_path);
    hr_strv_release(&u->settings);
    hr_strv_release(&u->dropped);
    hr_strv_release(&u->services);
    for (size_t i = 0; i < u->ntables; i++) {
        hr_free(u->tables[i].name);
        hr_free(u->tables[i].type);
        hr_strv_release(&u->tables[i].entries);
        hr_free(u->tables[i].entry_lines);
    }
    hr_free(u->tables);
    hr_free(u);
}

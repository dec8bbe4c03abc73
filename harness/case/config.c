/*
 * NAME
 *	case/config 3
 * SUMMARY
 *	what a case may put into an instance's main.cf and tables
 * SYNOPSIS
 *	#include "case/config.h"
 *
 *	char	*hr_config_check_param(param)
 *	char	*hr_config_check_value(param, value, refs)
 *	char	*hr_config_check_table_value(value)
 *	char	*hr_config_check_transport(value)
 *	int	hr_config_is_map(param)
 *	char	*hr_config_render(value, table_dir)
 * DESCRIPTION
 *	A case sets main.cf parameters ("config"), fills lookup tables
 *	("map", "table"), and so decides part of an instance's
 *	configuration. The instance runs as root's child, so this file is
 *	the allowlist: the parameters that a case may set, the table types
 *	a value may name, and the transports a transport_maps value may
 *	use. Keep the tables and the one in cases/README.md in step.
 *
 *	Each check returns NULL when the text is allowed, and otherwise a
 *	sentence that says why not, for the caller to put after
 *	"path:line: "; free it with hr_free().
 *
 *	hr_config_check_param() judges a parameter name: on the
 *	allowlist, and neither a command nor a switch that enables
 *	delivery to commands or files. hr_config_check_value() judges its
 *	value and appends to refs the NAMEs of the table:NAME references
 *	it makes, which the caller resolves against the case's tables.
 *	hr_config_check_table_value() judges the value of a table entry,
 *	hr_config_check_transport() that of a transport_maps entry.
 *	hr_config_is_map() says whether "map PARAM" may fill param.
 *
 *	hr_config_render() rewrites the table:NAME references in a
 *	config value to texthash:TABLE_DIR/NAME; the instance writes each
 *	table (map tables under their parameter's name) to that file.
 * SEE ALSO
 *	cases/README.md, "main.cf overrides: the allowlist"; case(3).
 */
#include <ctype.h>
#include <string.h>

#include "case/config.h"
#include "util/buf.h"
#include "util/glob.h"
#include "util/mem.h"

/*
 * main.cf parameters that a case may set with "config". '*' is a glob.
 * They change how smtpd and the address machinery answer, and none of
 * them runs a program, names a file or sends mail elsewhere.
 */
/* clang-format off */
static const char *const config_allow[] = {
    /* addresses, domains, rewriting */
    "mydestination", "mydomain", "myorigin", "mynetworks", "mynetworks_style",
    "relay_domains", "virtual_alias_domains", "virtual_mailbox_domains",
    "append_at_myorigin", "append_dot_mydomain", "allow_percent_hack",
    "swap_bangpath", "recipient_delimiter", "propagate_unmatched_extensions",
    "resolve_dequoted_address", "resolve_null_domain",
    "resolve_numeric_domain", "allow_untrusted_routing", "allow_min_user",
    "masquerade_domains", "masquerade_exceptions", "masquerade_classes",
    "canonical_classes", "sender_canonical_classes",
    "recipient_canonical_classes", "remote_header_rewrite_domain",
    "local_header_rewrite_clients", "virtual_alias_expansion_limit",
    "virtual_alias_recursion_limit", "virtual_alias_address_length_limit",
    "owner_request_special", "expand_owner_alias",
    "enable_original_recipient", "show_user_unknown_table_name",
    "empty_address_recipient", "biff", "soft_bounce",
    /* the SMTP server */
    "smtpd_*_restrictions", "smtpd_helo_required", "smtpd_delay_reject",
    "strict_rfc821_envelopes", "smtpd_reject_unlisted_sender",
    "smtpd_reject_unlisted_recipient", "smtpd_discard_ehlo_keywords",
    "smtpd_banner", "smtpd_recipient_limit",
    "smtpd_recipient_overshoot_limit", "smtpd_hard_error_limit",
    "smtpd_soft_error_limit", "smtpd_junk_command_limit",
    "smtpd_error_sleep_time", "smtpd_history_flush_threshold",
    "smtpd_forbid_bare_newline", "smtpd_forbid_bare_newline_exclusions",
    "smtpd_forbid_unauth_pipelining", "smtpd_reject_footer",
    "smtpd_null_access_lookup_key", "smtpd_noop_commands",
    "smtpd_expansion_filter", "smtpd_peername_lookup", "smtpd_timeout",
    "smtpd_log_access_permit_actions", "disable_vrfy_command",
    "smtputf8_enable", "smtputf8_autodetect_classes",
    "*_reject_code", "defer_code", "*_defer_code", "*_tempfail_action",
    /* message limits and MIME */
    "message_size_limit", "header_size_limit", "line_length_limit",
    "header_address_token_limit", "hopcount_limit", "strict_7bit_headers",
    "strict_8bitmime", "strict_8bitmime_body", "strict_mime_encoding_domain",
    "disable_mime_input_processing", "disable_mime_output_conversion",
    NULL,
};

/* Parameters that "map PARAM KEY VALUE" may fill; "config" may set them
 * too, to table:NAME references. */
static const char *const map_allow[] = {
    "alias_maps", "virtual_alias_maps", "canonical_maps",
    "sender_canonical_maps", "recipient_canonical_maps", "relocated_maps",
    "transport_maps", "virtual_mailbox_maps", "relay_recipient_maps",
    "local_recipient_maps", "smtpd_sender_login_maps", "sender_bcc_maps",
    "recipient_bcc_maps", NULL,
};

/* Lookup table types a config value may name. table:NAME is the case's
 * own table; the others need no file. */
static const char *const type_allow[] = {
    "table", "inline", "static", "fail", "unix", "proxy", NULL,
};

/* Transports that a transport_maps value may name. */
static const char *const transport_allow[] = {
    "error", "discard", "retry", "smtp", "relay", "local", "virtual", NULL,
};
/* clang-format on */

#define NAME_CHARS "abcdefghijklmnopqrstuvwxyz0123456789_"

/* in_list - is s one of a list */
static int in_list(const char *const *list, const char *s)
{
    return hr_strv_member(list, s, strlen(s));
}

/* hr_config_is_map - may "map PARAM" fill param */
int hr_config_is_map(const char *param)
{
    return in_list(map_allow, param);
}

/* hr_config_check_param - may a case set param */
char *hr_config_check_param(const char *param)
{
    size_t len = strlen(param);

    if (len == 0 || strspn(param, NAME_CHARS) != len)
        return hr_sprintf("'config' needs 'parameter = value', not '%s'",
                          param);
    /* disable_vrfy_command is a switch, not a program: a parameter that
     * the allowlist names exactly is not caught by the suffix rule. */
    if (len > 9 && strcmp(param + len - 8, "_command") == 0 &&
        !in_list(config_allow, param))
        return hr_sprintf("'%s' runs a program; cases may not set it", param);
    if (strcmp(param, "allow_mail_to_commands") == 0 ||
        strcmp(param, "allow_mail_to_files") == 0)
        return hr_sprintf("'%s' enables delivery to programs or files; "
                          "cases may not set it",
                          param);
    if (in_list(map_allow, param))
        return NULL;
    for (size_t i = 0; config_allow[i]; i++)
        if (hr_glob_match(config_allow[i], param))
            return NULL;
    return hr_sprintf("'%s' is not a parameter that cases may set "
                      "(see the allowlist in cases/README.md)",
                      param);
}

/* hr_config_check_table_value - no programs, files or includes */
char *hr_config_check_table_value(const char *value)
{
    hr_strv elems = HR_STRV_INIT;
    char *why = NULL;

    if (strchr(value, '|'))
        return hr_strdup("table values may not contain '|' (delivery "
                         "to commands)");
    if (strcasestr(value, ":include:"))
        return hr_strdup("table values may not use ':include:'");
    hr_strv_split(&elems, value, " \t,");
    for (size_t i = 0; i < elems.n && why == NULL; i++) {
        const char *e = elems.v[i] + (elems.v[i][0] == '"');

        if (*e == '/')
            why = hr_sprintf("table value '%s' names a file; file "
                             "destinations are not allowed",
                             elems.v[i]);
    }
    hr_strv_release(&elems);
    return why;
}

/* hr_config_check_transport - a transport_maps value's transport */
char *hr_config_check_transport(const char *value)
{
    size_t n = strcspn(value, ":");

    /* ":nexthop" keeps the default transport. */
    if (n == 0 || hr_strv_member(transport_allow, value, n))
        return NULL;
    return hr_sprintf("transport '%.*s' is not allowed in transport_maps "
                      "(error, discard, retry, smtp, relay, local, virtual)",
                      (int)n, value);
}

/* is_cidr - "[addr]/len" or "addr/len", optionally after '!' */
static int is_cidr(const char *s)
{
    const char *slash = strchr(s, '/');
    size_t alen;

    if (*s == '!')
        s++;
    alen = slash - s;
    if (alen == 0 || strspn(s, "0123456789abcdefABCDEF:.[]") != alen)
        return 0;
    return slash[1] && strlen(slash + 1) <= 3 &&
           strspn(slash + 1, "0123456789") == strlen(slash + 1);
}

/* check_dollar - $name references to paths or programs */
static char *check_dollar(const char *param, const char *v)
{
    static const char *const bad[] = {
        "directory", "command", "path", "file", "base", "program", NULL,
    };

    for (const char *d = strchr(v, '$'); d; d = strchr(d + 1, '$')) {
        const char *n = d + 1 + (d[1] == '{' || d[1] == '(');
        size_t len = strspn(n, NAME_CHARS);

        for (size_t i = 0; bad[i]; i++)
            if (memmem(n, len, bad[i], strlen(bad[i])))
                return hr_sprintf("'%s' may not refer to '$%.*s': it "
                                  "names a path or a program",
                                  param, (int)len, n);
    }
    return NULL;
}

/* check_piece - one token of a config value */
static char *check_piece(const char *param, const char *piece, hr_strv *refs)
{
    const char *s = piece;
    size_t tlen;

    if (*s == '/' || (*s == '!' && s[1] == '/'))
        return hr_sprintf("'%s' value '%s' is a path; files are not allowed",
                          param, piece);
    /* type:name, perhaps proxy:type:name */
    while ((tlen = strspn(s, NAME_CHARS)) && s[tlen] == ':' &&
           islower((unsigned char)*s)) {
        int is_table = tlen == 5 && strncmp(s, "table", 5) == 0;

        if (!hr_strv_member(type_allow, s, tlen))
            return hr_sprintf("table type '%.*s' is not allowed; define "
                              "the table in the case and use table:NAME",
                              (int)tlen, s);
        s += tlen + 1;
        if (is_table) {
            if (*s == 0)
                return hr_strdup("'table:' needs a table name");
            hr_strv_add(refs, s);
            return NULL;
        }
    }
    if (strchr(piece, '/') && !is_cidr(piece))
        return hr_sprintf("'%s' value '%s' looks like a path; only "
                          "networks (127.0.0.0/8) may contain '/'",
                          param, piece);
    return NULL;
}

/* hr_config_check_value - no pipes, paths or foreign tables in a value */
char *hr_config_check_value(const char *param, const char *value, hr_strv *refs)
{
    hr_strv pieces = HR_STRV_INIT;
    char *why;

    if (strchr(value, '|'))
        return hr_sprintf("'%s' value contains '|'; commands are not allowed",
                          param);
    if (strcasestr(value, ":include:"))
        return hr_sprintf("'%s' value may not use ':include:'", param);
    if ((why = check_dollar(param, value)) != NULL)
        return why;
    hr_strv_split(&pieces, value, " \t,{}=");
    for (size_t i = 0; i < pieces.n && why == NULL; i++)
        why = check_piece(param, pieces.v[i], refs);
    hr_strv_release(&pieces);
    return why;
}

/* hr_config_render - table:NAME becomes texthash:DIR/NAME */
char *hr_config_render(const char *value, const char *table_dir)
{
    hr_buf b = HR_BUF_INIT;
    const char *s = value;

    while (*s) {
        const char *t = strstr(s, "table:");

        /* Only at the start of a token: "mytable:x" is not a reference. */
        while (t && t > value && !strchr(" \t,{=", t[-1]))
            t = strstr(t + 1, "table:");
        if (t == NULL) {
            hr_buf_puts(&b, s);
            break;
        }
        hr_buf_put(&b, s, t - s);
        hr_buf_printf(&b, "texthash:%s/", table_dir);
        s = t + 6;
    }
    return hr_buf_detach(&b);
}

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
 *	hr_config_role hr_config_role_of(param)
 *	char	*hr_config_check_key(key)
 *	char	*hr_config_check_entry(role, value)
 *	char	*hr_config_check_transport(value)
 *	int	hr_config_valid_address(s)
 *	int	hr_config_unchecked(void)
 *	int	hr_config_is_map(param)
 *	char	*hr_config_check_type(type)
 *	int	hr_config_type_is_indexed(type)
 *	char	*hr_config_check_key_of(type, key)
 *	char	*hr_config_render(value, table_dir, types)
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
 *	Table values are judged against a grammar, never by looking for
 *	bad patterns: whatever is not spelled as the grammar says is
 *	refused. hr_config_role_of() says how the values of a table that
 *	param uses read, and hr_config_check_entry() judges one value:
 *
 *	- ADDRESSES: a list of local, local@domain or @domain, the local
 *	  part of letters, digits and . _ - + = (no quotes, '\', '|', '/',
 *	  ':', '<>'), so that local(8) never sees a command, a file or an
 *	  include;
 *	- TRANSPORT: transport[:nexthop], the transport from the
 *	  allowlist, the next hop of smtp and relay only the sink;
 *	- MAILBOX: a relative path of names, with no '.' step and no '..';
 *	- ACCESS: an access(5) action of the allowlist, with REDIRECT and
 *	  BCC to one address and FILTER as TRANSPORT;
 *	- PRESENCE: one word; only the keys count;
 *	- HEADER: a header_checks(5) action of the allowlist (header_checks,
 *	  body_checks and their kin), REDIRECT and BCC to one address,
 *	  FILTER as TRANSPORT.
 *
 *	A case's table has a type (hr_config_check_type()): texthash by
 *	default, lmdb, regexp, pcre or cidr. hr_config_check_key_of()
 *	judges a key as that type reads it: a word of text for texthash and
 *	lmdb, /pattern/flags for regexp and pcre (backslashes are the
 *	pattern's own), a network for cidr. hr_config_type_is_indexed()
 *	says that postmap must index the file (lmdb, hash, btree, cdb).
 *
 *	hr_config_check_key() judges a lookup key, and
 *	hr_config_check_transport() a transport with its next hop.
 *	hr_config_valid_address() is the address grammar, for probes' senders
 *	and recipients too. hr_config_is_map() says whether "map PARAM"
 *	may fill param.
 *
 *	hr_config_unchecked() is the test-only switch that turns the
 *	checks of values off (PFHARNESS_TEST_ONLY_UNCHECKED=contain-me) and
 *	the instance's own denials with them, so that a test can show
 *	that the mount namespace alone contains an instance (SECURITY.md).
 *
 *	hr_config_render() rewrites the table:NAME references in a
 *	config value to texthash:TABLE_DIR/NAME; the instance writes each
 *	table (map tables under their parameter's name) to that file.
 * SEE ALSO
 *	cases/README.md, "main.cf overrides: the allowlist"; case(3).
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "case/config.h"
#include "case/world.h"
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
    /* content inspection: table:NAME only, of header_checks(5) actions */
    "header_checks", "mime_header_checks", "nested_header_checks",
    "body_checks",
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
    "table", "inline", "static", "fail", NULL,
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

/* Transports that a transport_maps value may name. */
/* clang-format off */
static const char *const transport_allow[] = {
    "error", "discard", "retry", "smtp", "relay", "local", "virtual", NULL,
};

/* How each map parameter's values read. */
static const struct {
    const char *param;
    hr_config_role role;
} map_roles[] = {
    {"alias_maps", HR_CONFIG_ADDRESSES},
    {"virtual_alias_maps", HR_CONFIG_ADDRESSES},
    {"canonical_maps", HR_CONFIG_ADDRESSES},
    {"sender_canonical_maps", HR_CONFIG_ADDRESSES},
    {"recipient_canonical_maps", HR_CONFIG_ADDRESSES},
    {"relocated_maps", HR_CONFIG_ADDRESSES},
    {"sender_bcc_maps", HR_CONFIG_ADDRESSES},
    {"recipient_bcc_maps", HR_CONFIG_ADDRESSES},
    {"smtpd_sender_login_maps", HR_CONFIG_ADDRESSES},
    {"transport_maps", HR_CONFIG_TRANSPORT},
    {"virtual_mailbox_maps", HR_CONFIG_MAILBOX},
    {"relay_recipient_maps", HR_CONFIG_PRESENCE},
    {"local_recipient_maps", HR_CONFIG_PRESENCE},
    {"header_checks", HR_CONFIG_HEADER},
    {"mime_header_checks", HR_CONFIG_HEADER},
    {"nested_header_checks", HR_CONFIG_HEADER},
    {"body_checks", HR_CONFIG_HEADER},
};

/* Table types of a case's "table TYPE:NAME": what Postfix reads from a
 * file in the instance. lmdb is made with the build's postmap. */
static const char *const table_types[] = {
    "texthash", "lmdb", "regexp", "pcre", "cidr", NULL,
};

/* header_checks(5) actions with free text after them, or nothing. */
static const char *const header_text_actions[] = {
    "REJECT", "WARN", "INFO", "HOLD", "DISCARD", "IGNORE", "DUNNO", "OK",
    NULL,
};

/* access(5) actions that take free text after them, or nothing. */
static const char *const text_actions[] = {
    "REJECT", "DEFER", "DEFER_IF_REJECT", "DEFER_IF_PERMIT", "HOLD",
    "DISCARD", "WARN", "INFO", NULL,
};
static const char *const bare_actions[] = {"OK", "DUNNO", NULL};
/* clang-format on */

#define ALNUM "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
#define MAX_ADDRESS 254

/* hr_config_unchecked - the test-only switch that turns the checks off */
int hr_config_unchecked(void)
{
    const char *v = getenv("PFHARNESS_TEST_ONLY_UNCHECKED");

    return v && strcmp(v, "contain-me") == 0;
}

/* hr_config_role_of - how the values of a table that param uses read */
hr_config_role hr_config_role_of(const char *param)
{
    for (size_t i = 0; i < sizeof(map_roles) / sizeof(map_roles[0]); i++)
        if (strcmp(map_roles[i].param, param) == 0)
            return map_roles[i].role;
    return HR_CONFIG_ACCESS;
}

/* valid_domain - labels of letters, digits and inner '-', dot-separated */
static int valid_domain(const char *s, size_t n)
{
    size_t i = 0;

    if (n == 0)
        return 0;
    while (i < n) {
        size_t len = 0;

        while (i + len < n && s[i + len] != '.')
            len++;
        if (len == 0 || len > 63 || strspn(s + i, ALNUM "-") < len ||
            s[i] == '-' || s[i + len - 1] == '-')
            return 0;
        i += len;
        if (i < n && ++i == n)
            return 0; /* a trailing dot */
    }
    return 1;
}

/* valid_local - letters, digits and . _ - + =, no empty dot-atom */
static int valid_local(const char *s, size_t n)
{
    if (n == 0 || strspn(s, ALNUM "._-+=") < n || s[0] == '.' ||
        s[n - 1] == '.' || s[0] == '-')
        return 0;
    for (size_t i = 1; i < n; i++)
        if (s[i] == '.' && s[i - 1] == '.')
            return 0;
    return 1;
}

/* hr_config_valid_address - local, local@domain or @domain */
int hr_config_valid_address(const char *s)
{
    const char *at = strchr(s, '@');
    size_t n = strlen(s);

    if (n == 0 || n > MAX_ADDRESS)
        return 0;
    if (at == NULL)
        return valid_local(s, n);
    if (strchr(at + 1, '@'))
        return 0;
    return (at == s || valid_local(s, (size_t)(at - s))) &&
           valid_domain(at + 1, strlen(at + 1));
}

/* check_addresses - a list of addresses, split at blanks and commas */
static char *check_addresses(const char *value)
{
    hr_strv v = HR_STRV_INIT;
    char *why = NULL;

    hr_strv_split(&v, value, " \t,");
    if (v.n == 0)
        why = hr_strdup("a table value needs an address");
    for (size_t i = 0; i < v.n && why == NULL; i++)
        if (!hr_config_valid_address(v.v[i]))
            why = hr_sprintf("'%s' is not an address a case may use "
                             "(local, local@domain or @domain; letters, "
                             "digits and . _ - + = before the '@'; no "
                             "quotes, '\\', '|', '/', ':' or '<>')",
                             v.v[i]);
    hr_strv_release(&v);
    return why;
}

/* check_mailbox - a path below virtual_mailbox_base, no way out */
static char *check_mailbox(const char *value)
{
    const char *s = value;

    if (*s == 0 || *s == '/')
        return hr_sprintf("mailbox '%s' must be a relative path below the "
                          "instance's mail directory",
                          value);
    while (*s) {
        size_t n = strspn(s, ALNUM "._-+=@");

        /* No '..' at all, not only as a step: nothing to argue about. */
        if (n == 0 || (n == 1 && s[0] == '.') || strstr(value, "..") ||
            (s[n] && s[n] != '/'))
            return hr_sprintf("mailbox '%s' is not a path of names of "
                              "letters, digits and . _ - + = @, with no '.' "
                              "step and no '..'",
                              value);
        s += n + (s[n] == '/');
    }
    return NULL;
}

/* is_text - printable, a message that only the client reads */
static int is_text(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s < 32 && *s != '\t')
            return 0;
    return 1;
}

/* hr_config_check_transport - "transport:nexthop" of the allowlist, with
 * a next hop that can only be the sink */
char *hr_config_check_transport(const char *value)
{
    size_t n = strcspn(value, ":");
    const char *hop = value[n] ? value + n + 1 : "";
    char sink[40], sink_port[48];

    if (n && !hr_strv_member(transport_allow, value, n))
        return hr_sprintf("transport '%.*s' is not allowed "
                          "(error, discard, retry, smtp, relay, local, "
                          "virtual)",
                          (int)n, value);
    /* error:, retry: and discard: take the text of a bounce or a log. */
    if (n && (strncmp(value, "error", n) == 0 ||
              strncmp(value, "retry", n) == 0 ||
              strncmp(value, "discard", n) == 0))
        return is_text(hop) ? NULL
                            : hr_strdup("the transport's text holds a "
                                        "control character");
    if (n && (strncmp(value, "local", n) == 0 ||
              strncmp(value, "virtual", n) == 0)) {
        if (*hop == 0 || valid_domain(hop, strlen(hop)))
            return NULL;
        return hr_sprintf("'%s' is not a domain name", hop);
    }
    /* smtp, relay, or the default transport: only to the sink */
    snprintf(sink, sizeof(sink), "[%s]", HR_SINK_ADDR);
    snprintf(sink_port, sizeof(sink_port), "[%s]:%d", HR_SINK_ADDR,
             HR_SINK_PORT);
    if (*hop == 0 || strcmp(hop, sink) == 0 || strcmp(hop, sink_port) == 0)
        return NULL;
    return hr_sprintf("next hop '%s' is not the sink; mail may only go "
                      "to %s",
                      hop, sink_port);
}

/* check_access - an access(5) action of the allowlist */
static char *check_access(const char *value)
{
    size_t n = strcspn(value, " \t");
    const char *rest = value + n + strspn(value + n, " \t");
    char word[32];

    if (n == 0)
        return hr_strdup("a table value needs an action");
    snprintf(word, sizeof(word), "%.*s", (int)(n < 31 ? n : 31), value);
    for (char *w = word; *w; w++)
        *w = (char)toupper((unsigned char)*w);
    if (n == 3 && (value[0] == '4' || value[0] == '5') &&
        strspn(value, "0123456789") == 3)
        return is_text(rest) ? NULL : hr_strdup("control character in text");
    if (n < 32 && hr_strv_member(text_actions, word, n))
        return is_text(rest) ? NULL : hr_strdup("control character in text");
    if (n < 32 && hr_strv_member(bare_actions, word, n))
        return *rest ? hr_sprintf("'%s' takes no text", word) : NULL;
    if (strcmp(word, "PREPEND") == 0) {
        size_t h = strspn(rest, ALNUM "-");

        if (h == 0 || rest[h] != ':' || !is_text(rest))
            return hr_strdup("'PREPEND' needs 'Header-Name: text'");
        return NULL;
    }
    if (strcmp(word, "REDIRECT") == 0 || strcmp(word, "BCC") == 0)
        return hr_config_valid_address(rest) && strchr(rest, '@')
                   ? NULL
                   : hr_sprintf("'%s' needs one address user@domain, not "
                                "'%s'",
                                word, rest);
    if (strcmp(word, "FILTER") == 0) {
        if (*rest == 0 || strcspn(rest, ":") == 0 || strpbrk(rest, " \t"))
            return hr_strdup("'FILTER' needs transport:nexthop");
        return hr_config_check_transport(rest);
    }
    /* permit_mynetworks, reject_unauth_destination ...: restriction
     * names without arguments, which could name tables or servers */
    if (strspn(value, "abcdefghijklmnopqrstuvwxyz0123456789_ \t") ==
        strlen(value))
        return NULL;
    return hr_sprintf("'%.*s' is not an action a case may use (OK, DUNNO, "
                      "REJECT, DEFER, HOLD, DISCARD, WARN, INFO, PREPEND, "
                      "REDIRECT, BCC, FILTER, 4NN, 5NN, restriction names)",
                      (int)n, value);
}

/* check_header_action - a header_checks(5) action of the allowlist: no
 * FILTER to a command, no REDIRECT but to an address */
static char *check_header_action(const char *value)
{
    size_t n = strcspn(value, " \t");
    const char *rest = value + n + strspn(value + n, " \t");
    char word[32];

    if (n == 0)
        return hr_strdup("a header_checks value needs an action");
    snprintf(word, sizeof(word), "%.*s", (int)(n < 31 ? n : 31), value);
    for (char *w = word; *w; w++)
        *w = (char)toupper((unsigned char)*w);
    if (n < 32 && hr_strv_member(header_text_actions, word, n))
        return is_text(rest) ? NULL : hr_strdup("control character in text");
    if (strcmp(word, "PREPEND") == 0 || strcmp(word, "REPLACE") == 0) {
        size_t h = strspn(rest, ALNUM "-");

        if (h == 0 || rest[h] != ':' || !is_text(rest))
            return hr_sprintf("'%s' needs 'Header-Name: text'", word);
        return NULL;
    }
    if (strcmp(word, "REDIRECT") == 0 || strcmp(word, "BCC") == 0)
        return hr_config_valid_address(rest) && strchr(rest, '@')
                   ? NULL
                   : hr_sprintf("'%s' needs one address user@domain, not "
                                "'%s'",
                                word, rest);
    if (strcmp(word, "FILTER") == 0) {
        if (*rest == 0 || strcspn(rest, ":") == 0 || strpbrk(rest, " \t"))
            return hr_strdup("'FILTER' needs transport:nexthop");
        return hr_config_check_transport(rest);
    }
    return hr_sprintf("'%.*s' is not a header_checks action a case may use "
                      "(REJECT, WARN, INFO, HOLD, DISCARD, IGNORE, DUNNO, OK, "
                      "PREPEND, REPLACE, REDIRECT, BCC, FILTER)",
                      (int)n, value);
}

/* hr_config_check_type - a table type a case's table may have */
char *hr_config_check_type(const char *type)
{
    if (in_list(table_types, type))
        return NULL;
    return hr_sprintf("table type '%s' is not one a case may use (texthash, "
                      "lmdb, regexp, pcre, cidr)",
                      type);
}

/* hr_config_type_is_indexed - the type needs postmap to be read */
int hr_config_type_is_indexed(const char *type)
{
    return type && (strcmp(type, "lmdb") == 0 || strcmp(type, "hash") == 0 ||
                    strcmp(type, "btree") == 0 || strcmp(type, "cdb") == 0);
}

/* valid_network - an IPv4 or IPv6 address, with a prefix length */
static int valid_network(const char *s)
{
    const char *slash = strchr(s, '/');
    size_t alen = slash ? (size_t)(slash - s) : strlen(s);
    char addr[INET6_ADDRSTRLEN];
    unsigned char bin[sizeof(struct in6_addr)];
    int v6 = memchr(s, ':', alen) != NULL;

    if (alen == 0 || alen >= sizeof(addr))
        return 0;
    memcpy(addr, s, alen);
    addr[alen] = 0;
    if (inet_pton(v6 ? AF_INET6 : AF_INET, addr, bin) != 1)
        return 0;
    if (slash) {
        char *end;
        long len = strtol(slash + 1, &end, 10);

        if (slash[1] == 0 || *end || len < 0 || len > (v6 ? 128 : 32) ||
            strspn(slash + 1, "0123456789") != strlen(slash + 1))
            return 0;
    }
    return 1;
}

/* hr_config_check_key_of - a key as a table of that type reads it */
char *hr_config_check_key_of(const char *type, const char *key)
{
    if (hr_config_unchecked())
        return NULL;
    if (type == NULL || strcmp(type, "texthash") == 0 ||
        hr_config_type_is_indexed(type))
        return hr_config_check_key(key);
    if (strcmp(type, "cidr") == 0)
        return valid_network(key)
                   ? NULL
                   : hr_sprintf("'%s' is not a network for a cidr table "
                                "(an IPv4 or IPv6 address, /length optional)",
                                key);
    /* regexp, pcre: /pattern/flags, one word (patterns use \s for a
     * blank), text only; backslashes are the pattern's own */
    {
        const char *p = key + (key[0] == '!');
        const char *end = strrchr(p, '/');

        if (p[0] != '/' || end == p || strlen(key) > 1024 || !is_text(key) ||
            strspn(end + 1, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTU"
                            "VWXYZ") != strlen(end + 1))
            return hr_sprintf("'%s' is not a %s pattern: /pattern/flags, "
                              "one word of text (\\s for a blank), at most "
                              "1024 bytes",
                              key, type);
    }
    return NULL;
}

/* hr_config_check_key - a lookup key: text, not a comment */
char *hr_config_check_key(const char *key)
{
    if (hr_config_unchecked())
        return NULL;
    if (*key == 0 || *key == '#' || strlen(key) > 255 || !is_text(key) ||
        strchr(key, '"') || strchr(key, '\\'))
        return hr_sprintf("'%s' is not a lookup key a case may use (at "
                          "most 255 bytes, no quotes, '\\' or leading '#')",
                          key);
    return NULL;
}

/* hr_config_check_entry - a table value, as the table's role reads it */
char *hr_config_check_entry(hr_config_role role, const char *value)
{
    if (hr_config_unchecked())
        return NULL;
    switch (role) {
    case HR_CONFIG_ADDRESSES:
        return check_addresses(value);
    case HR_CONFIG_TRANSPORT:
        /* A blank outside the text of error:, retry: and discard: fails
         * the transport's own grammar (allowlist, domain, sink). */
        return hr_config_check_transport(value);
    case HR_CONFIG_MAILBOX:
        return check_mailbox(value);
    case HR_CONFIG_PRESENCE:
        return strspn(value, ALNUM "._-+=@") == strlen(value) && *value
                   ? NULL
                   : hr_sprintf("'%s': only the keys of this table count; "
                                "give a word such as OK",
                                value);
    case HR_CONFIG_ACCESS:
        return check_access(value);
    case HR_CONFIG_HEADER:
        return check_header_action(value);
    }
    return hr_strdup("unknown table role");
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

    if (hr_config_unchecked()) {
        /* no judgement, but the table:NAME references still count */
        hr_strv_split(&pieces, value, " \t,{}=");
        for (size_t i = 0; i < pieces.n; i++)
            hr_free(check_piece(param, pieces.v[i], refs));
        hr_strv_release(&pieces);
        return NULL;
    }
    if (strchr(value, '|'))
        return hr_sprintf("'%s' value contains '|'; commands are not allowed",
                          param);
    if (strpbrk(value, "\"\\") || !is_text(value))
        return hr_sprintf("'%s' value may not hold quotes, '\\' or control "
                          "characters",
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

/* type_of - the type of table NAME (n bytes) in "NAME TYPE" lines */
static const char *type_of(const char *const *types, const char *name,
                           size_t n)
{
    for (const char *const *t = types; t && *t; t++)
        if (strncmp(*t, name, n) == 0 && (*t)[n] == ' ')
            return *t + n + 1;
    return "texthash";
}

/* hr_config_render - table:NAME becomes TYPE:DIR/NAME */
char *hr_config_render(const char *value, const char *table_dir,
                       const char *const *types)
{
    hr_buf b = HR_BUF_INIT;
    const char *s = value;

    while (*s) {
        const char *t = strstr(s, "table:");
        size_t n;

        /* Only at the start of a token: "mytable:x" is not a reference. */
        while (t && t > value && !strchr(" \t,{=", t[-1]))
            t = strstr(t + 1, "table:");
        if (t == NULL) {
            hr_buf_puts(&b, s);
            break;
        }
        hr_buf_put(&b, s, t - s);
        n = strcspn(t + 6, " \t,{}=");
        hr_buf_printf(&b, "%s:%s/", type_of(types, t + 6, n), table_dir);
        s = t + 6;
    }
    return hr_buf_detach(&b);
}

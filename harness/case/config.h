#ifndef HR_CASE_CONFIG_H
#define HR_CASE_CONFIG_H

/* case/config.h - the allowlist of what a case may put into main.cf */

#include "util/strv.h"

char *hr_config_check_param(const char *param);
char *hr_config_check_value(const char *param, const char *value,
                            hr_strv *refs);
/* How the values of a table read: decided by the parameter that uses it. */
typedef enum {
    HR_CONFIG_ADDRESSES = 1, /* aliases, canonical, relocated, bcc, logins */
    HR_CONFIG_TRANSPORT,     /* transport_maps */
    HR_CONFIG_MAILBOX,       /* virtual_mailbox_maps */
    HR_CONFIG_ACCESS,        /* check_*_access, and every other use */
    HR_CONFIG_PRESENCE,      /* only the keys count */
    HR_CONFIG_HEADER         /* header_checks, body_checks */
} hr_config_role;

/* The lookup table types a case's table may have, and a user's
 * configuration may name with a file beside it. */
char *hr_config_check_type(const char *type);
int hr_config_type_is_indexed(const char *type);
char *hr_config_check_key_of(const char *type, const char *key);

hr_config_role hr_config_role_of(const char *param);
char *hr_config_check_key(const char *key);
char *hr_config_check_entry(hr_config_role role, const char *value);
char *hr_config_check_transport(const char *value);
int hr_config_valid_address(const char *s);
int hr_config_unchecked(void);
int hr_config_is_map(const char *param);
/* table:NAME as TYPE:DIR/NAME, the type from a NULL-terminated list of
 * "NAME TYPE" (default texthash) */
char *hr_config_render(const char *value, const char *table_dir,
                       const char *const *types);

#endif

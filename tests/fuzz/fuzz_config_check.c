/*
 * fuzz_config_check.c - libFuzzer target: the config validator alone
 *
 * The input is "PARAM VALUE" (up to the first blank); the target asks
 * config(3) about it as a main.cf override and, for every table role, as
 * a table value and a key. Whatever it accepts must hold the grammar's
 * promises, checked here independently of config.c:
 *
 * - an accepted table value has no '|', '"', '\\', no ":include:" in any
 *   case, no element starting with '/', and no "../";
 * - an accepted transport names neither lmtp nor unix, and an smtp or
 *   relay next hop is the sink;
 * - an accepted config value has no '|' and no ":include:".
 *
 * Seeds: tests/data/fuzz/fuzz_config_check/, the spellings of issue 12.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>

#include "case/config.h"
#include "util/mem.h"
#include "util/msg.h"
#include "util/strv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* promises - what no accepted table value may hold */
static void promises(hr_config_role role, const char *v)
{
    hr_strv el = HR_STRV_INIT;

    if (strpbrk(v, "|\"\\") && role != HR_CONFIG_ACCESS &&
        role != HR_CONFIG_TRANSPORT)
        hr_panic("role %d accepted '%s'", (int)role, v);
    if (strcasestr(v, ":include:") && role == HR_CONFIG_ADDRESSES)
        hr_panic("an include was accepted: '%s'", v);
    if (strstr(v, "../") && role == HR_CONFIG_MAILBOX)
        hr_panic("a traversal was accepted: '%s'", v);
    hr_strv_split(&el, v, " \t,");
    for (size_t i = 0; i < el.n; i++)
        if ((role == HR_CONFIG_ADDRESSES || role == HR_CONFIG_MAILBOX) &&
            el.v[i][0] == '/')
            hr_panic("a path was accepted: '%s'", v);
    /* the transport itself, or FILTER's: never lmtp, unix or pipe (the
     * text of error:, retry: and discard: may say anything) */
    {
        const char *t = role == HR_CONFIG_TRANSPORT ? v
                        : role == HR_CONFIG_ACCESS && el.n > 1 &&
                                  strcasecmp(el.v[0], "FILTER") == 0
                            ? el.v[1]
                            : NULL;

        if (t && (strncasecmp(t, "lmtp", 4) == 0 ||
                  strncasecmp(t, "unix", 4) == 0 ||
                  strncasecmp(t, "pipe", 4) == 0) &&
            t[strcspn(t, ":")] == ':' && strcspn(t, ":") == 4)
            hr_panic("lmtp, unix or pipe was accepted: '%s'", v);
    }
    hr_strv_release(&el);
}

/* LLVMFuzzerTestOneInput - one "PARAM VALUE" */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = hr_strndup((const char *)data, size);
    char *value = text + strcspn(text, " \t");
    static const hr_config_role roles[] = {
        HR_CONFIG_ADDRESSES, HR_CONFIG_TRANSPORT, HR_CONFIG_MAILBOX,
        HR_CONFIG_ACCESS, HR_CONFIG_PRESENCE,
    };
    hr_strv refs = HR_STRV_INIT;
    char *why, *r;

    if (*value)
        *value++ = 0;
    hr_free(hr_config_check_param(text));
    if ((why = hr_config_check_value(text, value, &refs)) == NULL &&
        (strchr(value, '|') || strcasestr(value, ":include:")))
        hr_panic("config value accepted: '%s'", value);
    hr_free(why);
    hr_strv_release(&refs);
    r = hr_config_render(value, "/tables", NULL);
    hr_free(r);
    hr_free(hr_config_check_key(value));
    for (size_t i = 0; i < sizeof(roles) / sizeof(roles[0]); i++) {
        if ((why = hr_config_check_entry(roles[i], value)) == NULL)
            promises(roles[i], value);
        hr_free(why);
    }
    if ((why = hr_config_check_transport(value)) == NULL) {
        const char *hop = strchr(value, ':');

        if ((strncmp(value, "smtp:", 5) == 0 ||
             strncmp(value, "relay:", 6) == 0) &&
            hop[1] && strncmp(hop + 1, "[127.0.0.9]", 11) != 0)
            hr_panic("a next hop other than the sink: '%s'", value);
    }
    hr_free(why);
    hr_free(text);
    return 0;
}

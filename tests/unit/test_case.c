/* test_case.c - the case format: parse errors, golden parses, globs */
#include <stdio.h> /* before unit.h, which uses snprintf() */
#include "unit.h"

#include <sys/stat.h>
#include <unistd.h>

#include "case/case.h"
#include "case/config.h"
#include "util/glob.h"
#include "replay/caserun.h"
#include "util/fsutil.h"
#include "util/mem.h"
#include "util/msg.h"

/* Headers that make a case valid up to its steps. */
#define S "name t\nkind smtp\n" /* 2 lines */
#define G "< 220 hi\n"          /* line 3 after S */
#define P                                                                      \
    "name t\nkind probe\nmode bv\nsender s@x\nrcpt r@x\n"                      \
    "expect r@x deliverable 2.0.0\n" /* 6 lines */

struct err_row {
    const char *name;
    const char *text;
    size_t len;      /* 0: strlen(text) */
    const char *msg; /* expected error, without "t.case:" */
};

/* clang-format off */
static const struct err_row err_rows[] = {
    /* bytes and lines */
    {"nul", S "< 2\0x\n", sizeof(S "< 2\0x\n") - 1, "3: NUL byte in the file"},
    {"cr", S "< 220 hi\r\n", 0,
     "3: carriage return in the file (case files have LF line ends; write "
     "\\r in a '~' step)"},
    {"utf8_truncated", S "about caf\xc3\n", 0,
     "3: the line is not valid UTF-8"},
    {"utf8_overlong", S "about \xc0\xaf\n", 0,
     "3: the line is not valid UTF-8"},
    {"utf8_overlong3", S "about \xe0\x80\xaf\n", 0,
     "3: the line is not valid UTF-8"},
    {"utf8_surrogate", S "about \xed\xa0\x80\n", 0,
     "3: the line is not valid UTF-8"},
    {"utf8_too_big", S "about \xf4\x90\x80\x80\n", 0,
     "3: the line is not valid UTF-8"},
    {"utf8_bad_continuation", S "about \xe2\x28\xa1\n", 0,
     "3: the line is not valid UTF-8"},
    {"leading_space", S G " > NOOP\n", 0,
     "4: unexpected white space at the start of the line"},
    {"unknown_directive", S "helo x\n", 0, "3: unknown directive 'helo'"},
    {"unknown_directive_arrow", S G "-> EHLO x\n", 0,
     "4: unknown directive '->'"},

    /* name and kind */
    {"missing_kind", "name t\n< 220 hi\n", 0,
     "1: missing 'kind' (smtp, probe or func)"},
    {"unknown_kind", "name t\nkind lmtp\n", 0,
     "2: unknown kind 'lmtp' (smtp, probe or func)"},
    {"kind_two_words", "name t\nkind smtp probe # x\n", 0,
     "2: unknown kind 'smtp probe' (smtp, probe or func)"},
    {"kind_empty", "name t\nkind\n", 0,
     "2: 'kind' needs a value (smtp, probe or func)"},
    {"kind_twice", S G "kind smtp\n", 0,
     "4: 'kind' is given twice (first on line 2)"},
    {"missing_name", "kind smtp\n< 220 hi\n", 0, "1: missing 'name'"},
    {"name_twice", S G "name u\n", 0,
     "4: 'name' is given twice (first on line 1)"},
    {"name_invalid", "name Case\nkind smtp\n" G, 0,
     "1: 'Case' is not a valid case name ([a-z0-9] then [a-z0-9._-], at "
     "most 100 bytes)"},
    {"name_leading_dash", "name -x\nkind smtp\n" G, 0,
     "1: '-x' is not a valid case name ([a-z0-9] then [a-z0-9._-], at "
     "most 100 bytes)"},
    {"name_slash", "name a/b\nkind smtp\n" G, 0,
     "1: 'a/b' is not a valid case name ([a-z0-9] then [a-z0-9._-], at "
     "most 100 bytes)"},
    {"name_too_long", "name "
     "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
     "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\nkind smtp\n" G, 0,
     "1: 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
     "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa' is not a valid case name ([a-z0-9] "
     "then [a-z0-9._-], at most 100 bytes)"},
    {"name_two_words", "name a b\nkind smtp\n" G, 0,
     "1: 'name' takes one word, not 'a b'"},
    {"name_empty", "name\nkind smtp\n" G, 0, "1: 'name' needs a value"},
    {"about_twice", S "about a\nabout b\n" G, 0,
     "4: 'about' is given twice (first on line 3)"},

    /* mark */
    {"mark_empty", S "mark\n" G, 0,
     "3: 'mark' needs a flag (incomplete, synthetic-data)"},
    {"mark_unknown", S "mark flaky\n" G, 0,
     "3: unknown mark 'flaky' (incomplete, synthetic-data)"},
    {"mark_twice", S "mark incomplete\nmark incomplete\n" G, 0,
     "4: mark 'incomplete' is given twice"},

    /* client */
    {"client_in_probe", P "client 127.0.0.2\n", 0,
     "7: 'client' is only for smtp cases"},
    {"client_not_loopback", S "client 10.0.0.1\n" G, 0,
     "3: client address '10.0.0.1' is not in 127.0.0.0/8 (127.0.0.1 to "
     "127.255.255.254, dotted decimal)"},
    {"client_network", S "client 127.0.0.0\n" G, 0,
     "3: client address '127.0.0.0' is not in 127.0.0.0/8 (127.0.0.1 to "
     "127.255.255.254, dotted decimal)"},
    {"client_broadcast", S "client 127.255.255.255\n" G, 0,
     "3: client address '127.255.255.255' is not in 127.0.0.0/8 (127.0.0.1 "
     "to 127.255.255.254, dotted decimal)"},
    {"client_leading_zero", S "client 127.0.0.01\n" G, 0,
     "3: client address '127.0.0.01' is not in 127.0.0.0/8 (127.0.0.1 to "
     "127.255.255.254, dotted decimal)"},
    {"client_short", S "client 127.0.1\n" G, 0,
     "3: client address '127.0.1' is not in 127.0.0.0/8 (127.0.0.1 to "
     "127.255.255.254, dotted decimal)"},
    {"client_long", S "client 127.0.0.1.2\n" G, 0,
     "3: client address '127.0.0.1.2' is not in 127.0.0.0/8 (127.0.0.1 to "
     "127.255.255.254, dotted decimal)"},
    {"client_octet", S "client 127.0.0.256\n" G, 0,
     "3: client address '127.0.0.256' is not in 127.0.0.0/8 (127.0.0.1 to "
     "127.255.255.254, dotted decimal)"},
    {"client_name", S "client localhost\n" G, 0,
     "3: client address 'localhost' is not in 127.0.0.0/8 (127.0.0.1 to "
     "127.255.255.254, dotted decimal)"},
    {"client_twice", S "client 127.0.0.2\nclient 127.0.0.3\n" G, 0,
     "4: 'client' is given twice (first on line 3)"},

    /* config: syntax and the allowlist */
    {"config_no_equals", S "config mynetworks 127.0.0.1/32\n" G, 0,
     "3: 'config' needs 'parameter = value'"},
    {"config_bad_param", S "config My_Net = x\n" G, 0,
     "3: 'config' needs 'parameter = value', not 'My_Net'"},
    {"config_empty_param", S "config = x\n" G, 0,
     "3: 'config' needs 'parameter = value', not ''"},
    {"config_command", S "config mailbox_command = procmail\n" G, 0,
     "3: 'mailbox_command' runs a program; cases may not set it"},
    {"config_mail_to_files", S "config allow_mail_to_files = alias\n" G, 0,
     "3: 'allow_mail_to_files' enables delivery to programs or files; "
     "cases may not set it"},
    {"config_mail_to_commands", S "config allow_mail_to_commands = alias\n"
     G, 0, "3: 'allow_mail_to_commands' enables delivery to programs or "
     "files; cases may not set it"},
    {"config_transport", S "config mailbox_transport = local\n" G, 0,
     "3: 'mailbox_transport' is not a parameter that cases may set (see "
     "the allowlist in cases/README.md)"},
    {"config_directory", S "config queue_directory = q\n" G, 0,
     "3: 'queue_directory' is not a parameter that cases may set (see the "
     "allowlist in cases/README.md)"},
    {"config_relayhost", S "config relayhost = [127.0.0.9]\n" G, 0,
     "3: 'relayhost' is not a parameter that cases may set (see the "
     "allowlist in cases/README.md)"},
    {"config_twice", S "config mynetworks = 127.0.0.1/32\n"
     "config mynetworks = 127.0.0.0/8\n" G, 0,
     "4: 'mynetworks' is set twice (first on line 3)"},
    {"config_pipe", S "config smtpd_banner = a |b\n" G, 0,
     "3: 'smtpd_banner' value contains '|'; commands are not allowed"},
    {"config_include", S "config mydestination = :INCLUDE:x\n" G, 0,
     "3: 'mydestination' value may not use ':include:'"},
    {"config_dollar_path", S "config mydestination = ${config_directory}\n"
     G, 0, "3: 'mydestination' may not refer to '$config_directory': it "
     "names a path or a program"},
    {"config_abs_path", S "config mydestination = a, /etc/x\n" G, 0,
     "3: 'mydestination' value '/etc/x' is a path; files are not allowed"},
    {"config_negated_path", S "config mynetworks = !/etc/x\n" G, 0,
     "3: 'mynetworks' value '!/etc/x' is a path; files are not allowed"},
    {"config_table_type", S "config smtpd_sender_restrictions = "
     "check_sender_access hash:x\n" G, 0,
     "3: table type 'hash' is not allowed; define the table in the case "
     "and use table:NAME"},
    {"config_type_path", S "config alias_maps = texthash:/etc/aliases\n" G, 0,
     "3: table type 'texthash' is not allowed; define the table in the case "
     "and use table:NAME"},
    {"config_proxy_type", S "config local_recipient_maps = proxy:ldap:x\n" G,
     0, "3: table type 'proxy' is not allowed; define the table in the case "
     "and use table:NAME"},
    {"config_table_no_name", S "config virtual_alias_maps = table:\n" G, 0,
     "3: 'table:' needs a table name"},
    {"config_relative_path", S "config mydestination = etc/x\n" G, 0,
     "3: 'mydestination' value 'etc/x' looks like a path; only networks "
     "(127.0.0.0/8) may contain '/'"},
    {"config_inline_path", S "config alias_maps = inline:{ root=/tmp/x }\n"
     G, 0, "3: 'alias_maps' value '/tmp/x' is a path; files are not "
     "allowed"},
    {"config_table_undefined", S "config virtual_alias_maps = table:nope\n"
     G, 0, "3: table 'nope' is not defined in this case"},
    {"config_and_map", S "map virtual_alias_maps a b@c\n"
     "config virtual_alias_maps = static:x@y\n" G, 0,
     "4: 'virtual_alias_maps' is set by both 'config' and 'map' (line 3)"},
    {"table_unused", S "table senders a@b REJECT\n" G, 0,
     "3: table 'senders' is not used: refer to it as table:senders in a "
     "'config' line"},

    /* map and table */
    {"map_short", S "map virtual_alias_maps a\n" G, 0,
     "3: 'map' needs a parameter, a key and a value"},
    {"table_short", S "table t a\n" G, 0,
     "3: 'table' needs a table name, a key and a value"},
    {"map_param", S "map mailbox_maps a b\n" G, 0,
     "3: 'mailbox_maps' is not a parameter that 'map' may fill (see "
     "cases/README.md)"},
    {"table_name", S "table Senders a b\n" G, 0,
     "3: 'Senders' is not a valid table name ([a-z0-9] then [a-z0-9_-])"},
    {"table_name_param", S "table alias_maps a b\n" G, 0,
     "3: table name 'alias_maps' is a parameter; write 'map alias_maps "
     "...'"},
    /* Values against their grammar: every spelling of a command, a
     * file, an include, a path or a foreign next hop is refused. */
#define ADDR_WHY \
    "(local, local@domain or @domain; letters, digits and . _ - + = " \
    "before the '@'; no quotes, '\\', '|', '/', ':' or '<>')"
#define NOT_ADDR(name, value, shown) \
    {name, S "map alias_maps root " value "\n" G, 0, \
     "3: '" shown "' is not an address a case may use " ADDR_WHY}
    NOT_ADDR("map_pipe", "|/bin/sh", "|/bin/sh"),
    NOT_ADDR("map_pipe_quoted", "\"|/bin/sh\"", "\"|/bin/sh\""),
    NOT_ADDR("map_include", ":include:list", ":include:list"),
    NOT_ADDR("map_include_backslash", ":\\include:/root/x",
             ":\\include:/root/x"),
    NOT_ADDR("map_include_quoted", "\":include:/x\"", "\":include:/x\""),
    NOT_ADDR("map_include_case", ":INCLUDE:/x", ":INCLUDE:/x"),
    NOT_ADDR("map_file", "pfuser, /tmp/mbox", "/tmp/mbox"),
    NOT_ADDR("map_quoted_file", "\"/tmp/x\"", "\"/tmp/x\""),
    NOT_ADDR("map_backslash_file", "\\/tmp/x", "\\/tmp/x"),
    NOT_ADDR("map_angle_file", "<u>/tmp/x", "<u>/tmp/x"),
    NOT_ADDR("map_relative_file", "x/../y", "x/../y"),
    NOT_ADDR("map_backslash_user", "\\pfuser", "\\pfuser"),
    NOT_ADDR("map_dotdot_local", "a..b@example.test", "a..b@example.test"),
    NOT_ADDR("map_bad_domain", "a@-x.example", "a@-x.example"),
    {"map_mailbox_dotdot",
     S "map virtual_mailbox_maps a@example.test ../../etc/x\n" G, 0,
     "3: mailbox '../../etc/x' is not a path of names of letters, digits "
     "and . _ - + = @, with no '.' step and no '..'"},
    {"map_mailbox_inner_dotdot",
     S "map virtual_mailbox_maps a@example.test a/../../x/\n" G, 0,
     "3: mailbox 'a/../../x/' is not a path of names of letters, digits "
     "and . _ - + = @, with no '.' step and no '..'"},
    {"map_mailbox_dots_in_name",
     S "map virtual_mailbox_maps a@example.test b../c/\n" G, 0,
     "3: mailbox 'b../c/' is not a path of names of letters, digits "
     "and . _ - + = @, with no '.' step and no '..'"},
    {"map_mailbox_absolute",
     S "map virtual_mailbox_maps a@example.test /var/mail/x\n" G, 0,
     "3: mailbox '/var/mail/x' must be a relative path below the "
     "instance's mail directory"},
    {"map_transport", S "map transport_maps example.test pipe:x\n" G, 0,
     "3: transport 'pipe' is not allowed (error, discard, retry, smtp, "
     "relay, local, virtual)"},
    {"map_transport_lmtp", S "map transport_maps example.test "
     "lmtp:unix:../../x.sock\n" G, 0,
     "3: transport 'lmtp' is not allowed (error, discard, retry, smtp, "
     "relay, local, virtual)"},
    {"map_transport_unix_hop", S "map transport_maps example.test "
     "smtp:unix:/run/x.sock\n" G, 0,
     "3: next hop 'unix:/run/x.sock' is not the sink; mail may only go to "
     "[127.0.0.9]:25"},
    {"map_transport_host", S "map transport_maps example.test "
     "relay:[192.0.2.1]:25\n" G, 0,
     "3: next hop '[192.0.2.1]:25' is not the sink; mail may only go to "
     "[127.0.0.9]:25"},
    {"table_transport", S "table tr example.test lmtp:x\n"
     "config transport_maps = table:tr\n" G, 0,
     "3: transport 'lmtp' is not allowed (error, discard, retry, smtp, "
     "relay, local, virtual)"},
    {"table_filter_lmtp", S "table acc 127.0.0.1 FILTER lmtp:unix:x\n"
     "config smtpd_client_restrictions = check_client_access table:acc\n"
     G, 0,
     "3: transport 'lmtp' is not allowed (error, discard, retry, smtp, "
     "relay, local, virtual)"},
    {"table_filter_host", S "table acc 127.0.0.1 FILTER smtp:[10.0.0.1]\n"
     "config smtpd_client_restrictions = check_client_access table:acc\n"
     G, 0,
     "3: next hop '[10.0.0.1]' is not the sink; mail may only go to "
     "[127.0.0.9]:25"},
    {"table_redirect_file", S "table acc a@b REDIRECT /tmp/x\n"
     "config smtpd_recipient_restrictions = check_recipient_access "
     "table:acc\n" G, 0,
     "3: 'REDIRECT' needs one address user@domain, not '/tmp/x'"},
    {"table_action_unknown", S "table acc a@b PIPE x\n"
     "config smtpd_recipient_restrictions = check_recipient_access "
     "table:acc\n" G, 0,
     "3: 'PIPE' is not an action a case may use (OK, DUNNO, REJECT, DEFER, "
     "HOLD, DISCARD, WARN, INFO, PREPEND, REDIRECT, BCC, FILTER, 4NN, 5NN, "
     "restriction names)"},
    {"table_restriction_with_table", S "table acc a@b "
     "check_sender_access unix:passwd.byname\n"
     "config smtpd_recipient_restrictions = check_recipient_access "
     "table:acc\n" G, 0,
     "3: 'check_sender_access' is not an action a case may use (OK, DUNNO, "
     "REJECT, DEFER, HOLD, DISCARD, WARN, INFO, PREPEND, REDIRECT, BCC, "
     "FILTER, 4NN, 5NN, restriction names)"},
    {"config_unix_type", S "config local_recipient_maps = "
     "unix:passwd.byname\n" G, 0,
     "3: table type 'unix' is not allowed; define the table in the case "
     "and use table:NAME"},
    {"config_quote", S "config smtpd_banner = \"x\"\n" G, 0,
     "3: 'smtpd_banner' value may not hold quotes, '\\' or control "
     "characters"},
    {"probe_rcpt_pipe", "name t\nkind probe\nmode v\nsender a@b.example\n"
     "rcpt |/bin/sh\nexpect x delivered 2.0.0\n", 0,
     "5: recipient '|/bin/sh' is not an address a case may use (see "
     "cases/README.md)"},
    {"probe_sender_file", "name t\nkind probe\nmode v\n"
     "sender /tmp/x\nrcpt a@b.example\nexpect x delivered 2.0.0\n", 0,
     "4: sender '/tmp/x' is not an address a case may use (see "
     "cases/README.md)"},
    {"map_key_twice", S "map alias_maps a b\nmap alias_maps a c\n" G, 0,
     "4: key 'a' is given twice in map 'alias_maps'"},
    {"table_key_twice", S "config smtpd_sender_restrictions = "
     "check_sender_access table:s\ntable s a OK\ntable s a REJECT\n" G, 0,
     "5: key 'a' is given twice in table 's'"},

    /* sink */
    {"sink_empty", S "sink\n" G, 0,
     "3: 'sink' needs a stage or an address, a code and a text"},
    {"sink_rcpt_no_address", S "sink rcpt\n" G, 0,
     "3: 'sink rcpt' needs an address or '*'"},
    {"sink_stage", S "sink quit 421 bye\n" G, 0,
     "3: unknown sink stage 'quit' (connect, helo, mail, rcpt, data, or an "
     "address)"},
    {"sink_code_short", S "sink mail 25 x\n" G, 0,
     "3: bad sink reply code '25' (three digits: 2xx, 4xx or 5xx)"},
    {"sink_code_3xx", S "sink data 354 go\n" G, 0,
     "3: bad sink reply code '354' (three digits: 2xx, 4xx or 5xx)"},
    {"sink_code_6xx", S "sink b@x 650 x\n" G, 0,
     "3: bad sink reply code '650' (three digits: 2xx, 4xx or 5xx)"},
    {"sink_code_alpha", S "sink rcpt * 4x0 x\n" G, 0,
     "3: bad sink reply code '4x0' (three digits: 2xx, 4xx or 5xx)"},
    {"sink_code_missing", S "sink helo\n" G, 0,
     "3: bad sink reply code '' (three digits: 2xx, 4xx or 5xx)"},
    {"sink_rcpt_twice", S "sink b@x 550 no\nsink rcpt b@x 450 later\n" G, 0,
     "4: the sink's answer for 'b@x' is given twice (first on line 3)"},
    {"sink_stage_twice", S "sink data 451 a\nsink data 552 b\n" G, 0,
     "4: the sink's answer for 'data' is given twice (first on line 3)"},

    /* probe */
    {"probe_missing_mode", "name t\nkind probe\nsender s@x\nrcpt r@x\n"
     "expect r@x deliverable 2.0.0\n", 0, "1: missing 'mode' (bv or v)"},
    {"probe_missing_sender", "name t\nkind probe\nmode v\nrcpt r@x\n"
     "expect r@x delivered 2.0.0\n", 0, "1: missing 'sender'"},
    {"probe_no_rcpt", "name t\nkind probe\nmode bv\nsender s@x\n"
     "expect r@x deliverable 2.0.0\n", 0,
     "1: a probe case needs at least one 'rcpt'"},
    {"probe_no_expect", "name t\nkind probe\nmode bv\nsender s@x\n"
     "rcpt r@x\n", 0, "1: a probe case needs at least one 'expect'"},
    {"mode_unknown", "name t\nkind probe\nmode bs\n", 0,
     "3: unknown mode 'bs' (bv or v)"},
    {"mode_twice", P "mode v\n", 0, "7: 'mode' is given twice (first on "
     "line 3)"},
    {"mode_in_smtp", S "mode bv\n", 0, "3: 'mode' is only for probe cases"},
    {"sender_two_words", "name t\nkind probe\nsender a b\n", 0,
     "3: 'sender' takes one word, not 'a b'"},
    {"sender_twice", P "sender t@x\n", 0,
     "7: 'sender' is given twice (first on line 4)"},
    {"sender_in_smtp", S "sender s@x\n", 0,
     "3: 'sender' is only for probe cases"},
    {"rcpt_empty", P "rcpt\n", 0, "7: 'rcpt' needs an address"},
    {"rcpt_twice", P "rcpt a@x r@x\n", 0,
     "7: recipient 'r@x' is given twice"},
    {"rcpt_in_smtp", S "rcpt r@x\n", 0, "3: 'rcpt' is only for probe cases"},
    {"expect_short", P "expect a@x deliverable\n", 0,
     "7: 'expect' needs a recipient, an action and a status"},
    {"expect_action", P "expect a@x ok 2.0.0\n", 0,
     "7: unknown action 'ok' (deliverable, undeliverable, delivered, "
     "relayed, expanded, failed, delayed)"},
    {"expect_status", P "expect a@x failed 5.1.x\n", 0,
     "7: bad status '5.1.x' (like 5.1.1; '*' and '?' allowed)"},
    {"expect_in_smtp", S "expect r@x deliverable 2.0.0\n", 0,
     "3: 'expect' is only for probe cases"},
    {"step_in_probe", P "> EHLO x\n", 0, "7: '>' is only for smtp cases"},
    {"reply_in_probe", P "< 250 x\n", 0, "7: '<' is only for smtp cases"},
    {"raw_in_probe", P "~ x\n", 0, "7: '~' is only for smtp cases"},
    {"pause_in_probe", P "pause 1\n", 0, "7: 'pause' is only for smtp cases"},
    {"eof_in_probe", P "eof\n", 0, "7: 'eof' is only for smtp cases"},

    /* smtp steps */
    {"marker_no_space", S "<220 hi\n", 0, "3: '<' must be followed by a space"},
    {"content_marker_tab", S G "|\tx\n", 0,
     "4: '|' must be followed by a space"},
    {"reply_empty", S "<\n", 0, "3: '<' needs the expected reply text"},
    {"no_greeting", S "> EHLO x\n< 250 ok\n", 0,
     "3: an smtp case starts with the server's greeting: '<' lines before "
     "the first '>'"},
    {"no_greeting_raw", S "~ EHLO x\\r\\n\n", 0,
     "3: an smtp case starts with the server's greeting: '<' lines before "
     "the first '>'"},
    {"no_greeting_content", S "| x\n", 0,
     "3: an smtp case starts with the server's greeting: '<' lines before "
     "the first '>'"},
    {"no_greeting_pause", S "pause 10\n" G, 0,
     "3: an smtp case starts with the server's greeting: '<' lines before "
     "the first '>'"},
    {"no_greeting_eof", S "eof\n", 0,
     "3: an smtp case starts with the server's greeting: '<' lines before "
     "the first '>'"},
    {"no_session", S "about nothing\n", 0,
     "3: an smtp case needs a session: the server's greeting ('<' lines) "
     "and the steps after it"},
    {"reply_open", S G "> EHLO x\n< 250-a\n> QUIT\n< 221 b\n", 0,
     "5: the reply goes on ('-' after the code) but no '<' line ends it"},
    {"reply_open_at_end", S G "> EHLO x\n< 250-a\n", 0,
     "5: the reply goes on ('-' after the code) but no '<' line ends it"},
    {"greeting_open", S "< 220-hi\n> QUIT\n", 0,
     "3: the reply goes on ('-' after the code) but no '<' line ends it"},
    {"single_no_reply", S G "> NOOP\neof\n", 0,
     "4: 'NOOP' expects 1 reply; the '<' lines after it give 0"},
    {"single_no_reply_at_end", S G "> QUIT\n", 0,
     "4: 'QUIT' expects 1 reply; the '<' lines after it give 0"},
    {"single_two_replies", S G "> NOOP\n< 250 a\n< 250 b\n", 0,
     "4: 'NOOP' expects 1 reply; the '<' lines after it give 2"},
    {"single_before_pause", S G "> NOOP\npause 5\n< 250 ok\n", 0,
     "4: 'NOOP' expects 1 reply; the '<' lines after it give 0"},
    {"group_count", S G "> MAIL FROM:<a>\n> RCPT TO:<b>\n< 250 ok\n", 0,
     "4: pipelined group expects 2 replies (one per command and DATA "
     "content); the '<' lines after it give 1"},
    {"content_group_count", S G "> DATA\n< 354 go\n| x\n> QUIT\n"
     "< 250 ok\n", 0, "6: pipelined group expects 2 replies (one per "
     "command and DATA content); the '<' lines after it give 1"},
    {"content_no_reply", S G "> DATA\n< 354 go\n| x\n", 0,
     "6: '| (1 line, 6 bytes)' expects 1 reply; the '<' lines after it "
     "give 0"},
    {"content_after_command", S G "> MAIL FROM:<a>\n| x\n", 0,
     "5: '|' content must follow a DATA command answered by 354, or a BDAT "
     "command"},
    {"content_after_reply", S G "> NOOP\n< 250 ok\n| x\n", 0,
     "6: '|' content must follow a DATA command answered by 354, or a BDAT "
     "command"},
    {"content_after_greeting", S G "| x\n", 0,
     "4: '|' content must follow a DATA command answered by 354, or a BDAT "
     "command"},
    {"content_after_554", S G "> DATA\n< 554 5.5.1 no recipients\n| x\n", 0,
     "6: '|' content must follow a DATA command answered by 354, or a BDAT "
     "command"},
    {"content_after_data_glob", S G "> DATA\n< 2*\n| x\n", 0,
     "6: '|' content must follow a DATA command answered by 354, or a BDAT "
     "command"},
    {"content_after_unsolicited", S G "> DATA\n< 354 go\npause 1\n"
     "< 421 bye\n| x\n", 0, "8: '|' content must follow a DATA command "
     "answered by 354, or a BDAT command"},
    {"content_after_short_glob", S G "> DATA\n< 35\n| x\n", 0,
     "6: '|' content must follow a DATA command answered by 354, or a BDAT "
     "command"},
    {"content_after_escaped_star", S G "> DATA\n< \\*54 go\n| x\n", 0,
     "6: '|' content must follow a DATA command answered by 354, or a BDAT "
     "command"},
    {"content_after_open_reply", S G "> DATA\n< 354-go\n| x\n", 0,
     "5: the reply goes on ('-' after the code) but no '<' line ends it"},
    {"content_after_bdat_reply", S G "> BDAT 0\n< 250 ok\n| x\n", 0,
     "6: '|' content must follow a DATA command answered by 354, or a BDAT "
     "command"},
    {"bdat_mismatch", S G "> BDAT 3 LAST\n| abc\n< 250 ok\n", 0,
     "4: BDAT size 3 does not match its chunk of 5 bytes"},
    {"bdat_no_chunk", S G "> BDAT 3 LAST\n< 250 ok\n", 0,
     "4: BDAT size 3 does not match its chunk of 0 bytes"},
    {"bdat_mismatch_before_command", S G "> BDAT 1\n| abc\n> BDAT 0 LAST\n"
     "< 250 a\n< 250 b\n", 0,
     "4: BDAT size 1 does not match its chunk of 5 bytes"},
    {"bdat_mismatch_at_end", S G "> BDAT 9\n| abc\n", 0,
     "4: BDAT size 9 does not match its chunk of 5 bytes"},
    {"bdat_star_form", S G "> BDAT * FOO\n", 0,
     "4: 'BDAT *' must read 'BDAT * [LAST]'"},
    {"raw_empty", S G "~\n", 0, "4: '~' needs bytes to send"},
    {"raw_hex_short", S G "~ a\\x4\n", 0, "4: '\\x' needs two hex digits"},
    {"raw_hex_bad", S G "~ a\\xg0\n", 0, "4: '\\x' needs two hex digits"},
    {"raw_lone_backslash", S G "~ a\\\n", 0,
     "4: '~' text ends in a lone '\\'"},
    {"raw_unknown_escape", S G "~ a\\q\n", 0,
     "4: unknown escape '\\q' in '~' text (use \\r \\n \\t \\\\ \\xHH "
     "\\{TEXT*N})"},
    {"raw_repeat_unclosed", S G "~ \\{ab*3\n", 0,
     "4: '\\{' has no closing '}' (write \\{TEXT*N})"},
    {"raw_repeat_no_star", S G "~ \\{ab}\n", 0,
     "4: '\\{...}' needs a count: \\{TEXT*N}"},
    {"raw_repeat_no_count", S G "~ \\{ab*}\n", 0,
     "4: '\\{...}' needs a count: \\{TEXT*N}"},
    {"raw_repeat_bad_count", S G "~ \\{ab*3x}\n", 0,
     "4: repeat count '3x' is not a number from 1 to 10000000"},
    {"raw_repeat_zero", S G "~ \\{ab*0}\n", 0,
     "4: repeat count '0' is not a number from 1 to 10000000"},
    {"raw_repeat_too_many", S G "~ \\{ab*10000001}\n", 0,
     "4: repeat count '10000001' is not a number from 1 to 10000000"},
    {"raw_repeat_sign", S G "~ \\{ab*+3}\n", 0,
     "4: repeat count '+3' is not a number from 1 to 10000000"},
    {"raw_repeat_nothing", S G "~ \\{*3}\n", 0,
     "4: '\\{*N}' has nothing to repeat"},
    {"raw_repeat_nested", S G "~ \\{a\\{b*2}*3}\n", 0,
     "4: '\\{' cannot nest"},
    {"raw_repeat_bad_escape", S G "~ \\{a\\q*3}\n", 0,
     "4: unknown escape '\\q' in '~' text (use \\r \\n \\t \\\\ \\xHH "
     "\\{TEXT*N})"},
    {"raw_repeat_cut_escape", S G "~ \\{a\\x4*3}\n", 0,
     "4: '\\x' needs two hex digits"},
    {"raw_repeat_too_big", S G "~ \\{0123456789abcdef*1048577}\n", 0,
     "4: '~' text expands to more than 16777216 bytes"},
    {"raw_total_too_big", S G "~ \\{x*9000000}\\{x*9000000}\n", 0,
     "4: '~' text expands to more than 16777216 bytes"},
    {"raw_case_too_big",
     S G "~ \\{x*9000000}\n~ \\{x*9000000}\n~ \\{x*9000000}\n"
         "~ \\{x*9000000}\n~ \\{x*9000000}\n~ \\{x*9000000}\n"
         "~ \\{x*9000000}\n~ \\{x*9000000}\n",
     0, "11: the '~' lines of the case expand to more than 67108864 bytes"},
    {"pause_too_long", S G "pause 60001\n", 0,
     "4: 'pause' takes milliseconds from 0 to 60000, not '60001'"},
    {"pause_negative", S G "pause -1\n", 0,
     "4: 'pause' takes milliseconds from 0 to 60000, not '-1'"},
    {"pause_empty", S G "pause\n", 0,
     "4: 'pause' takes milliseconds from 0 to 60000, not ''"},
    {"pause_unit", S G "pause 10ms\n", 0,
     "4: 'pause' takes milliseconds from 0 to 60000, not '10ms'"},
    {"pause_huge", S G "pause 99999999999\n", 0,
     "4: 'pause' takes milliseconds from 0 to 60000, not '99999999999'"},
    {"eof_argument", S G "eof now\n", 0, "4: 'eof' takes no arguments"},
    {"after_eof_command", S G "eof\n> NOOP\n", 0,
     "5: steps after 'eof' (line 4)"},
    {"after_eof_reply", S G "eof\n< 250 x\n", 0,
     "5: steps after 'eof' (line 4)"},
    {"after_eof_eof", S G "eof\neof\n", 0, "5: steps after 'eof' (line 4)"},
    {"after_eof_pause", S G "eof\npause 1\n", 0,
     "5: steps after 'eof' (line 4)"},
};

/* clang-format on */

/* test_case_error_row - one malformed case, one exact message */
static void test_case_error_row(void **state)
{
    const struct err_row *row = *state;
    hr_case *c = NULL;
    size_t len = row->len ? row->len : strlen(row->text);
    char *want = hr_sprintf("t.case:%s", row->msg);
    int error;

    hr_error_clear();
    error = hr_case_parse(&c, "t.case", row->text, len);
    if (error != HR_EINPUT)
        fail_msg("row %s: got %d, not HR_EINPUT", row->name, error);
    assert_null(c);
    assert_string_equal(hr_error_last(), want);
    hr_free(want);
}

/* parse_ok - parse text that must be valid */
static hr_case *parse_ok(const char *text)
{
    hr_case *c = NULL;

    if (hr_case_parse(&c, "t.case", text, strlen(text)) < 0)
        fail_msg("unexpected error: %s", hr_error_last());
    assert_non_null(c);
    return c;
}

/* assert_item - kind, display and bytes of one item */
static void assert_item(const hr_case_item *it, hr_case_item_kind kind,
                        const char *display, const char *bytes, size_t len)
{
    assert_int_equal(it->kind, kind);
    assert_string_equal(it->display, display);
    assert_int_equal(it->len, len);
    assert_memory_equal(it->bytes, bytes, len);
}

/* test_case_long_line - lines are limited to 64 KiB */
static void test_case_long_line(void **state)
{
    hr_buf b = HR_BUF_INIT;
    hr_case *c = NULL;

    (void)state;
    /* "> " and 65534 bytes: exactly the limit */
    hr_buf_puts(&b, S G "> ");
    for (int i = 0; i < 65534; i++)
        hr_buf_putc(&b, 'x');
    hr_buf_puts(&b, "\n< 250 ok\n");
    assert_int_equal(hr_case_parse(&c, "t.case", b.ptr, b.len), 0);
    assert_int_equal(c->xs[1].items[0].len, 65534 + 2);
    hr_case_free(c);
    c = NULL;
    hr_buf_clear(&b);
    hr_buf_puts(&b, S G "> ");
    for (int i = 0; i < 65535; i++)
        hr_buf_putc(&b, 'x');
    hr_buf_puts(&b, "\n< 250 ok\n");
    assert_int_equal(hr_case_parse(&c, "t.case", b.ptr, b.len), HR_EINPUT);
    assert_string_equal(hr_error_last(),
                        "t.case:4: line is longer than 65536 bytes");
    hr_buf_release(&b);
}

/* test_case_session - exchanges, items, replies of a plain session */
static void test_case_session(void **state)
{
    hr_case *c = parse_ok(
        "# a comment\n"
        "name    relay-denied-outside-client   # trailing comment\n"
        "kind    smtp\n"
        "about   A client outside mynetworks may not relay.  # comment\n"
        "mark    incomplete synthetic-data\n"
        "client  127.0.0.2\n"
        "\n"
        "< 220 mx.example.test ESMTP Postfix\n"
        "> EHLO client.outside.example\n"
        "< 250-mx.example.test\n"
        "   # an indented comment between reply lines\n"
        "< 250* CHUNKING\n"
        "> MAIL FROM:<a@outside.example>  # not a comment\n"
        "< 250 2.1.0 Ok # not a comment either\n"
        "> QUIT\n"
        "< 221 2.0.0 Bye\n"
        "eof\n");
    const hr_case_exchange *x;

    (void)state;
    assert_string_equal(c->name, "relay-denied-outside-client");
    assert_int_equal(c->name_line, 2);
    assert_int_equal(c->kind, HR_CASE_SMTP);
    assert_string_equal(c->about, "A client outside mynetworks may not "
                                  "relay.");
    assert_true(hr_case_has_mark(c, "incomplete"));
    assert_true(hr_case_has_mark(c, "synthetic-data"));
    assert_false(hr_case_has_mark(c, "other"));
    assert_string_equal(c->client, "127.0.0.2");
    assert_int_equal(c->nxs, 5);

    x = &c->xs[0]; /* the greeting */
    assert_int_equal(x->line, 8);
    assert_int_equal(x->nitems, 0);
    assert_int_equal(x->nreplies, 1);
    assert_string_equal(x->expect[0], "220 mx.example.test ESMTP Postfix");

    x = &c->xs[1];
    assert_int_equal(x->line, 9);
    assert_int_equal(x->nitems, 1);
    assert_item(&x->items[0], HR_ITEM_COMMAND, "EHLO client.outside.example",
                "EHLO client.outside.example\r\n", 29);
    assert_int_equal(x->items[0].line, 9);
    assert_int_equal(x->nreplies, 1);
    assert_string_equal(x->expect[0], "250-mx.example.test\n250* CHUNKING");

    x = &c->xs[2];
    assert_item(&x->items[0], HR_ITEM_COMMAND,
                "MAIL FROM:<a@outside.example>  # not a comment",
                "MAIL FROM:<a@outside.example>  # not a comment\r\n", 48);
    assert_string_equal(x->expect[0], "250 2.1.0 Ok # not a comment either");

    x = &c->xs[4];
    assert_int_equal(x->nitems, 0);
    assert_int_equal(x->nreplies, 0);
    assert_true(x->expect_eof);
    assert_int_equal(x->line, 17);
    assert_non_null(x->expect);
    assert_int_equal(c->xs[3].expect_eof, 0);
    hr_case_free(c);
}

/* test_case_default_client - 127.0.0.1 unless the case says otherwise */
static void test_case_default_client(void **state)
{
    hr_case *c = parse_ok(S G);

    (void)state;
    assert_string_equal(c->client, "127.0.0.1");
    assert_null(c->about);
    assert_int_equal(c->nxs, 1);
    hr_case_free(c);
}

/* test_case_pipelined - one exchange, one write, one reply per command */
static void test_case_pipelined(void **state)
{
    hr_case *c = parse_ok(S G "> MAIL FROM:<a@outside.example>\n"
                              "> RCPT TO:<b@example.test>\n"
                              "\n"
                              "> DATA\n"
                              "< 250 2.1.0 Ok\n"
                              "< 250-2.1.5 Ok\n"
                              "< 250 2.1.5 and more\n"
                              "< 354 End data with <CR><LF>.<CR><LF>\n");
    const hr_case_exchange *x = &c->xs[1];

    (void)state;
    assert_int_equal(c->nxs, 2);
    assert_int_equal(x->line, 4);
    assert_int_equal(x->nitems, 3);
    assert_item(&x->items[0], HR_ITEM_COMMAND, "MAIL FROM:<a@outside.example>",
                "MAIL FROM:<a@outside.example>\r\n", 31);
    assert_item(&x->items[2], HR_ITEM_COMMAND, "DATA", "DATA\r\n", 6);
    assert_int_equal(x->items[2].line, 7);
    assert_int_equal(x->nreplies, 3);
    assert_string_equal(x->expect[0], "250 2.1.0 Ok");
    assert_string_equal(x->expect[1], "250-2.1.5 Ok\n250 2.1.5 and more");
    assert_string_equal(x->expect[2], "354 End data with <CR><LF>.<CR><LF>");
    assert_null(x->expect[3]);
    hr_case_free(c);
}

/* test_case_data_content - dot-stuffing, CRLF, the final dot */
static void test_case_data_content(void **state)
{
    static const char want[] = "Subject: hello # kept\r\n"
                               "\r\n"
                               "..line starting with a dot\r\n"
                               "...\r\n"
                               " .not at the start\r\n"
                               "\r\n"
                               ".\r\n";
    hr_case *c = parse_ok(S G "> DATA\n"
                              "< 354 go ahead\n"
                              "| Subject: hello # kept\n"
                              "|\n"
                              "# a comment line is not content\n"
                              "| .line starting with a dot\n"
                              "| ..\n"
                              "|  .not at the start\n"
                              "| \n"
                              "< 250 2.0.0 Ok: queued as *\n"
                              "> QUIT\n"
                              "< 221 Bye\n");
    const hr_case_exchange *x = &c->xs[2];
    char *display = hr_sprintf("| (6 lines, %zu bytes)", sizeof(want) - 1);

    (void)state;
    assert_int_equal(c->nxs, 4);
    assert_int_equal(x->line, 6);
    assert_int_equal(x->nitems, 1);
    assert_item(&x->items[0], HR_ITEM_DATA, display, want, sizeof(want) - 1);
    hr_free(display);
    assert_int_equal(x->items[0].line, 6);
    assert_int_equal(x->nreplies, 1);
    assert_string_equal(x->expect[0], "250 2.0.0 Ok: queued as *");
    hr_case_free(c);
}

/* test_case_data_pipelined - content and the next commands in one write */
static void test_case_data_pipelined(void **state)
{
    hr_case *c = parse_ok(S G "> DATA\n"
                              "< 3?4*\n"
                              "pause 100\n"
                              "| x\n"
                              "> QUIT\n"
                              "< 250 ok\n"
                              "< 221 bye\n");
    const hr_case_exchange *x = &c->xs[3];

    (void)state;
    assert_int_equal(c->nxs, 4);
    assert_int_equal(c->xs[2].pause_ms, 100);
    assert_int_equal(c->xs[2].nitems, 0);
    assert_int_equal(x->nitems, 2);
    assert_item(&x->items[0], HR_ITEM_DATA, "| (1 line, 6 bytes)", "x\r\n.\r\n",
                6);
    assert_item(&x->items[1], HR_ITEM_COMMAND, "QUIT", "QUIT\r\n", 6);
    assert_int_equal(x->nreplies, 2);
    hr_case_free(c);
}

/* test_case_bdat - computed and given sizes, chunks, pipelined chunks */
static void test_case_bdat(void **state)
{
    hr_case *c = parse_ok(S G "> MAIL FROM:<a@b>\n"
                              "> BDAT * \n"
                              "| .hello\n"
                              "|\n"
                              "> bdat 13 last\n"
                              "| hello world\n"
                              "> BDAT 0 LAST\n"
                              "< 250 ok\n"
                              "< 250 a\n"
                              "< 250 b\n"
                              "< 250 c\n"
                              "> BDAT *\n"
                              "< 250 empty\n");
    const hr_case_exchange *x = &c->xs[1];

    (void)state;
    assert_int_equal(x->nitems, 6);
    assert_int_equal(x->nreplies, 4);
    assert_item(&x->items[1], HR_ITEM_COMMAND, "BDAT 10 ", "BDAT 10 \r\n", 10);
    assert_item(&x->items[2], HR_ITEM_CHUNK, "| (2 lines, 10 bytes)",
                ".hello\r\n\r\n", 10);
    assert_int_equal(x->items[2].line, 6);
    assert_item(&x->items[3], HR_ITEM_COMMAND, "bdat 13 last",
                "bdat 13 last\r\n", 14);
    assert_item(&x->items[4], HR_ITEM_CHUNK, "| (1 line, 13 bytes)",
                "hello world\r\n", 13);
    assert_item(&x->items[5], HR_ITEM_COMMAND, "BDAT 0 LAST", "BDAT 0 LAST\r\n",
                13);
    x = &c->xs[2];
    assert_int_equal(x->nitems, 1);
    assert_item(&x->items[0], HR_ITEM_COMMAND, "BDAT 0", "BDAT 0\r\n", 8);
    hr_case_free(c);
}

/* test_case_bdat_malformed - an unsized BDAT is sent as written */
static void test_case_bdat_malformed(void **state)
{
    hr_case *c = parse_ok(S G "> BDAT abc\n< 501 bad\n> BDAT\n< 501 bad\n");

    (void)state;
    assert_item(&c->xs[1].items[0], HR_ITEM_COMMAND, "BDAT abc", "BDAT abc\r\n",
                10);
    assert_item(&c->xs[2].items[0], HR_ITEM_COMMAND, "BDAT", "BDAT\r\n", 6);
    hr_case_free(c);
}

/* test_case_raw - escapes, repeats, reply counts from the '<' block */
static void test_case_raw(void **state)
{
    hr_case *c = parse_ok(S G "~ MAIL FROM:<a@b>\\n\n"
                              "~ \\r\\t\\\\\\x00\\xfF#x\n"
                              "> NOOP\n"
                              "< 250 2.1.0 Ok\n"
                              "~ \\{x*5000}\\r\\n\n"
                              "< 500 5.5.2 Error: line too long\n"
                              "< 500 again\n"
                              "< 500 and again\n"
                              "~ \\{\\x41\\r\\n*3}\n"
                              "pause 0\n"
                              "~ QUIT\\r\\n\n"
                              "eof\n");
    const hr_case_exchange *x = &c->xs[1];
    hr_case_item *it;

    (void)state;
    assert_int_equal(c->nxs, 7);
    assert_int_equal(x->nitems, 3);
    assert_item(&x->items[0], HR_ITEM_RAW, "MAIL FROM:<a@b>\\n",
                "MAIL FROM:<a@b>\n", 16);
    assert_item(&x->items[1], HR_ITEM_RAW, "\\r\\t\\\\\\x00\\xfF#x",
                "\r\t\\\0\xff#x", 7);
    assert_int_equal(x->nreplies, 1);

    x = &c->xs[2];
    it = &x->items[0];
    assert_int_equal(it->kind, HR_ITEM_RAW);
    assert_string_equal(it->display, "\\{x*5000}\\r\\n");
    assert_int_equal(it->len, 5002);
    for (size_t i = 0; i < 5000; i++)
        assert_int_equal(it->bytes[i], 'x');
    assert_memory_equal(it->bytes + 5000, "\r\n", 2);
    assert_int_equal(x->nreplies, 3);

    /* raw items followed by a pause: the '<' block is empty */
    x = &c->xs[3];
    assert_int_equal(x->nitems, 1);
    assert_int_equal(x->items[0].len, 9);
    assert_int_equal(x->nreplies, 0);
    assert_int_equal(c->xs[5].nreplies, 0);
    assert_true(c->xs[6].expect_eof);
    hr_case_free(c);
}

/* test_case_expected_render - each step shows with its own marker */
static void test_case_expected_render(void **state)
{
    hr_case *c = parse_ok(S G "> MAIL FROM:<a@b>\n"
                              "< 250 2.1.0 Ok\n"
                              "~ RCPT TO:<c@d>\\n\n"
                              "< 250 2.1.5 Ok\n"
                              "> DATA\n"
                              "< 354 go\n"
                              "| x\n"
                              "< 250 ok\n");
    char *text = hr_caserun_expected(c);

    (void)state;
    /* Raw bytes are "~ " as in the case, never a "> " command. */
    assert_string_equal(text, "< 220 hi\n"
                              "> MAIL FROM:<a@b>\n"
                              "< 250 2.1.0 Ok\n"
                              "~ RCPT TO:<c@d>\\n\n"
                              "< 250 2.1.5 Ok\n"
                              "> DATA\n"
                              "< 354 go\n"
                              "| (1 line, 6 bytes)\n"
                              "< 250 ok\n");
    hr_free(text);
    hr_case_free(c);
}

/* test_case_raw_repeat_brace - the first '}' closes \{...} */
static void test_case_raw_repeat_brace(void **state)
{
    hr_case *c = parse_ok(S G "~ \\{\\x41\\r\\n*3}-\\{\\x7d*2}}\n< 250 ok\n");
    const hr_case_item *it = &c->xs[1].items[0];

    (void)state;
    /* the first '}' closes the repeat; the last '}' is a plain byte */
    assert_int_equal(it->len, 13);
    assert_memory_equal(it->bytes, "A\r\nA\r\nA\r\n-}}}", 13);
    hr_case_free(c);
}

/* test_case_data_globs - a 354 written as a glob allows content */
static void test_case_data_globs(void **state)
{
    static const char *const replies[] = {"35*", "*", "3??", "354 *"};

    (void)state;
    for (size_t i = 0; i < sizeof(replies) / sizeof(replies[0]); i++) {
        char *text =
            hr_sprintf(S G "> DATA\n< %s\n| x\n< 250 ok\n", replies[i]);
        hr_case *c = parse_ok(text);

        assert_int_equal(c->xs[2].items[0].kind, HR_ITEM_DATA);
        hr_case_free(c);
        hr_free(text);
    }
}

/* test_case_utf8 - multibyte text passes through unchanged */
static void test_case_utf8(void **state)
{
    hr_case *c = parse_ok(S "about caf\xc3\xa9 \xe2\x9c\x93 "
                            "\xf0\x9f\x98\x80\n" G
                            "> DATA\n< 354 go\n| gr\xc3\xbc\xc3\x9f\n"
                            "< 250 ok\n");

    (void)state;
    assert_string_equal(c->about, "caf\xc3\xa9 \xe2\x9c\x93 "
                                  "\xf0\x9f\x98\x80");
    assert_memory_equal(c->xs[2].items[0].bytes, "gr\xc3\xbc\xc3\x9f\r\n", 8);
    hr_case_free(c);
    hr_case_free(NULL);
    hr_case_free_all(NULL, 0);
}

/* test_case_pause_eof - exchanges of their own */
static void test_case_pause_eof(void **state)
{
    hr_case *c =
        parse_ok(S G "> NOOP\n"
                     "< 250 ok\n"
                     "pause 60000\n"
                     "< 421 4.4.2 mx.example.test Error: timeout exceeded\n"
                     "eof\n"
                     "# comments and directives may follow eof\n"
                     "about late\n");

    (void)state;
    assert_int_equal(c->nxs, 5);
    assert_int_equal(c->xs[2].pause_ms, 60000);
    assert_int_equal(c->xs[2].line, 6);
    assert_int_equal(c->xs[2].nreplies, 0);
    assert_int_equal(c->xs[3].nitems, 0);
    assert_int_equal(c->xs[3].nreplies, 1);
    assert_string_equal(c->xs[3].expect[0], "421 4.4.2 mx.example.test "
                                            "Error: timeout exceeded");
    assert_true(c->xs[4].expect_eof);
    assert_string_equal(c->about, "late");
    hr_case_free(c);
}

/* test_case_config_tables_sink - overrides, tables and the sink */
static void test_case_config_tables_sink(void **state)
{
    hr_case *c = parse_ok(
        S "config  mynetworks=127.0.0.1/32   [::1]/128, !127.0.0.3 "
          "!127.0.0.4/31\n"
          "config  smtpd_sender_restrictions = check_sender_access "
          "table:senders, reject_unknown_sender_domain\n"
          "config  relay_domains =\n"
          "config  local_recipient_maps = $alias_maps\n"
          "config  smtpd_recipient_restrictions = check_recipient_access "
          "inline:{ a@b=REJECT }\n"
          "config  transport_maps = table:tr\n"
          "map     virtual_alias_maps  team@example.test  alice@example.test, "
          "bob@remote.example\n"
          "map     virtual_alias_maps  x@example.test  y@example.test # c\n"
          "map     alias_maps  postmaster  pfuser\n"
          "table   senders  spammer@bad.example  REJECT go  away\n"
          "table   tr  example.net  :[127.0.0.9]\n"
          "sink    bob@remote.example  550 5.1.1 no such user\n"
          "sink    rcpt *  450 4.2.0 try later\n"
          "sink    data 421 4.3.2 busy\n"
          "sink    connect 220\n" G);

    (void)state;
    assert_int_equal(c->config.n, 6);
    assert_string_equal(c->config.v[0],
                        "mynetworks = 127.0.0.1/32 [::1]/128, !127.0.0.3 "
                        "!127.0.0.4/31");
    assert_string_equal(c->config.v[2], "relay_domains = ");
    assert_int_equal(c->ntables, 4);
    assert_string_equal(c->tables[0].name, "virtual_alias_maps");
    assert_true(c->tables[0].is_param);
    assert_int_equal(c->tables[0].line, 9);
    assert_int_equal(c->tables[0].entries.n, 2);
    assert_string_equal(c->tables[0].entries.v[0],
                        "team@example.test "
                        "alice@example.test, bob@remote.example");
    assert_string_equal(c->tables[0].entries.v[1],
                        "x@example.test y@example.test");
    assert_string_equal(c->tables[2].name, "senders");
    assert_false(c->tables[2].is_param);
    assert_string_equal(c->tables[2].entries.v[0],
                        "spammer@bad.example REJECT go  away");
    assert_int_equal(c->nsink, 4);
    assert_string_equal(c->sink[0].stage, "rcpt");
    assert_string_equal(c->sink[0].rcpt, "bob@remote.example");
    assert_int_equal(c->sink[0].code, 550);
    assert_string_equal(c->sink[0].text, "5.1.1 no such user");
    assert_int_equal(c->sink[0].line, 14);
    assert_string_equal(c->sink[1].rcpt, "*");
    assert_string_equal(c->sink[2].stage, "data");
    assert_null(c->sink[2].rcpt);
    assert_int_equal(c->sink[2].code, 421);
    assert_string_equal(c->sink[3].text, "");
    hr_case_free(c);
    /* Named on the allowlist: a switch, although it ends in _command. */
    c = parse_ok(S "config disable_vrfy_command = yes\n" G);
    assert_string_equal(c->config.v[0], "disable_vrfy_command = yes");
    hr_case_free(c);
    c = parse_ok(S "map transport_maps slow.example retry:\n"
                   "map transport_maps b.example :[127.0.0.9]\n"
                   "map transport_maps c.example error:5.1.1 gone\n" G);
    assert_int_equal(c->tables[0].entries.n, 3);
    hr_case_free(c);
}

/* test_case_probe - probe fields and the message body */
static void test_case_probe(void **state)
{
    hr_case *c = parse_ok(
        "name    bv-alias-fanout\n"
        "kind    probe\n"
        "mode    bv\n"
        "sender  probe@example.test\n"
        "rcpt    team@example.test\n"
        "rcpt    a@example.test b@example.test\n"
        "map     virtual_alias_maps  team@example.test  alice@example.test, "
        "bob@remote.example\n"
        "sink    bob@remote.example  550 5.1.1 no such user\n"
        "| Subject: probe # kept\n"
        "|\n"
        "| .dot stays\n"
        "expect  alice@example.test  deliverable    2.0.0\n"
        "expect  bob@remote.example  undeliverable  5.1.1  host 127.0.0.9* "
        "said: 550*\n"
        "expect  c@example.test  delivered  2.*\n");

    (void)state;
    assert_int_equal(c->kind, HR_CASE_PROBE);
    assert_int_equal(c->mode, HR_PROBE_BV);
    assert_string_equal(c->sender, "probe@example.test");
    assert_int_equal(c->rcpts.n, 3);
    assert_string_equal(c->rcpts.v[2], "b@example.test");
    assert_string_equal(hr_buf_cstr(&c->body),
                        "Subject: probe # kept\n\n.dot stays\n");
    assert_int_equal(c->nexpects, 3);
    assert_string_equal(c->expects[0].rcpt, "alice@example.test");
    assert_string_equal(c->expects[0].action, "deliverable");
    assert_string_equal(c->expects[0].status, "2.0.0");
    assert_null(c->expects[0].diag);
    assert_int_equal(c->expects[0].line, 12);
    assert_string_equal(c->expects[1].diag, "host 127.0.0.9* said: 550*");
    assert_string_equal(c->expects[2].status, "2.*");
    assert_null(c->client);
    assert_int_equal(c->nxs, 0);
    hr_case_free(c);
    c = parse_ok("name p\nkind probe\nmode v\nsender <>\nrcpt r@x\n"
                 "expect r@x delivered 2.0.0\n");
    assert_int_equal(c->mode, HR_PROBE_V);
    assert_string_equal(c->sender, "<>");
    assert_int_equal(c->body.len, 0);
    hr_case_free(c);
}

/* test_case_no_final_newline - the last line needs no '\n' */
static void test_case_no_final_newline(void **state)
{
    hr_case *c = parse_ok(S "< 220 hi");

    (void)state;
    assert_string_equal(c->xs[0].expect[0], "220 hi");
    hr_case_free(c);
}

/* test_case_glob - '*', '?', escapes, newlines */
static void test_case_glob(void **state)
{
    static const struct {
        const char *pat, *text;
        int match;
    } rows[] = {
        {"", "", 1},
        {"", "a", 0},
        {"*", "", 1},
        {"*", "anything\nat all", 1},
        {"a", "a", 1},
        {"a", "b", 0},
        {"a", "ab", 0},
        {"ab", "a", 0},
        {"?", "", 0},
        {"?", "x", 1},
        {"?", "\n", 1},
        {"a?c", "abc", 1},
        {"a?c", "ac", 0},
        {"250 2.0.0 Ok: queued as *", "250 2.0.0 Ok: queued as 3F1A2B", 1},
        {"250 2.0.0 Ok: queued as *", "250 2.0.0 Ok: queued", 0},
        {"250-mx.example.test\n250* CHUNKING",
         "250-mx.example.test\n250-PIPELINING\n250-SIZE 10240000\n"
         "250 CHUNKING",
         1},
        {"250-mx.example.test\n250* CHUNKING",
         "250-mx.example.test\n250-PIPELINING\n250 SMTPUTF8", 0},
        {"*a*b*c*", "xxaxxbxxcxx", 1},
        {"*a*b*c*", "xxaxxcxxbxx", 0},
        {"**x", "abx", 1},
        {"a*", "a", 1},
        {"*a", "ba", 1},
        {"*ab", "aab", 1},
        {"*aab", "aaab", 1},
        {"\\*", "*", 1},
        {"\\*", "x", 0},
        {"\\?", "?", 1},
        {"\\?", "x", 0},
        {"\\\\", "\\", 1},
        {"a\\*b*", "a*bc", 1},
        {"a\\b", "a\\b", 1}, /* other backslashes are literal */
        {"a\\", "a\\", 1},
        {"host 127.0.0.9* said: 550*",
         "host 127.0.0.9[127.0.0.9] said: 550 5.1.1 no such user", 1},
    };
    char *text, *pat;
    size_t n = 20000;

    (void)state;
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
        if (hr_glob_match(rows[i].pat, rows[i].text) != rows[i].match)
            fail_msg("glob '%s' on '%s' should give %d", rows[i].pat,
                     rows[i].text, rows[i].match);
    /* A pattern that would take exponential time with naive
     * backtracking: must still answer (quickly). */
    text = hr_malloc(n + 1);
    memset(text, 'a', n);
    text[n] = 0;
    pat = hr_strdup("*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*b");
    assert_false(hr_glob_match(pat, text));
    text[n - 1] = 'b';
    assert_true(hr_glob_match(pat, text));
    hr_free(pat);
    hr_free(text);
}

/* key_of - the config key of a case's text */
static char *key_of(const char *text)
{
    hr_case *c = parse_ok(text);
    char *key = hr_case_config_key(c);

    hr_case_free(c);
    return key;
}

/* test_case_config_key - same overrides, same key; none, "" */
static void test_case_config_key(void **state)
{
    char *a, *b, *none;

    (void)state;
    none = key_of(S "client 127.0.0.5\nsink data 451 x\n" G);
    assert_string_equal(none, "");
    hr_free(none);

    a = key_of("name a\nkind smtp\n"
               "config mynetworks = 127.0.0.1/32\n"
               "config smtpd_helo_required = yes\n"
               "map virtual_alias_maps x@y z@y\n"
               "map virtual_alias_maps a@y b@y\n" G);
    b = key_of("name b\nkind smtp\nabout other text\n"
               "map virtual_alias_maps a@y b@y\n"
               "config smtpd_helo_required=yes\n"
               "map virtual_alias_maps x@y z@y\n"
               "config mynetworks =   127.0.0.1/32   # comment\n" G
               "> QUIT\n< 221 bye\n");
    assert_string_equal(a, b);
    assert_string_equal(a, "config mynetworks = 127.0.0.1/32\n"
                           "config smtpd_helo_required = yes\n"
                           "map virtual_alias_maps a@y b@y\n"
                           "map virtual_alias_maps x@y z@y");
    hr_free(b);
    b = key_of("name b\nkind probe\nmode bv\nsender s\nrcpt r\n"
               "expect r deliverable 2.0.0\n"
               "map virtual_alias_maps a@y b@y\n"
               "config smtpd_helo_required = yes\n"
               "map virtual_alias_maps x@y z@y\n"
               "config mynetworks = 127.0.0.1/32\n");
    assert_string_equal(a, b);
    hr_free(b);
    /* A different value, or the same entries in a named table, differ. */
    b = key_of("name a\nkind smtp\n"
               "config mynetworks = 127.0.0.2/32\n"
               "config smtpd_helo_required = yes\n"
               "map virtual_alias_maps x@y z@y\n"
               "map virtual_alias_maps a@y b@y\n" G);
    assert_string_not_equal(a, b);
    hr_free(b);
    b = key_of("name a\nkind smtp\n"
               "config mynetworks = 127.0.0.1/32\n"
               "config smtpd_helo_required = yes\n"
               "config virtual_alias_maps = table:v\n"
               "table v x@y z@y\n"
               "table v a@y b@y\n" G);
    assert_string_not_equal(a, b);
    hr_free(b);
    hr_free(a);
}

/* test_case_config_render - table:NAME becomes a file of its type */
static void test_case_config_render(void **state)
{
    static const char *const types[] = {"b cidr", "rx regexp", "bb lmdb",
                                        NULL};
    char *s;

    (void)state;
    s = hr_config_render("check_sender_access table:senders, "
                         "permit_mynetworks,table:b mytable:x",
                         "/i/t", NULL);
    assert_string_equal(s, "check_sender_access texthash:/i/t/senders, "
                           "permit_mynetworks,texthash:/i/t/b mytable:x");
    hr_free(s);
    s = hr_config_render("check_client_access table:b, table:bb,table:rx "
                         "table:senders",
                         "/i/t", types);
    assert_string_equal(s, "check_client_access cidr:/i/t/b, lmdb:/i/t/bb,"
                           "regexp:/i/t/rx texthash:/i/t/senders");
    hr_free(s);
    s = hr_config_render("table:a", "/d", NULL);
    assert_string_equal(s, "texthash:/d/a");
    hr_free(s);
    s = hr_config_render("", "/d", NULL);
    assert_string_equal(s, "");
    hr_free(s);
}

/* test_case_table_types - "table TYPE:NAME": keys as the type reads
 * them, values as the parameter using the table reads them */
static void test_case_table_types(void **state)
{
    static const struct {
        const char *lines, *err; /* NULL: parses */
    } rows[] = {
        {"table cidr:c 127.0.0.2/31 REJECT no\ntable cidr:c ::1/128 OK\n"
         "config smtpd_client_restrictions = check_client_access table:c\n",
         NULL},
        {"table regexp:h /^[0-9.]+$/ REJECT numeric\n"
         "table regexp:h !/\\.example$/i OK\n"
         "config smtpd_helo_restrictions = check_helo_access table:h\n",
         NULL},
        {"table pcre:s /@(.+\\.)?bulk\\.example$/ REJECT x\n"
         "config smtpd_sender_restrictions = check_sender_access table:s\n",
         NULL},
        {"table lmdb:r bob@example.test 550 5.2.1 gone\n"
         "config smtpd_recipient_restrictions = check_recipient_access "
         "table:r\n",
         NULL},
        {"table regexp:x /^Subject:\\shi/ PREPEND X-Seen: yes\n"
         "config header_checks = table:x\n",
         NULL},
        {"table hash:t a OK\nconfig smtpd_client_restrictions = "
         "check_client_access table:t\n",
         "3: table type 'hash' is not one a case may use (texthash, lmdb, "
         "regexp, pcre, cidr)"},
        {"table cidr:c 127.0.0/8 OK\n", "3: '127.0.0/8' is not a network"},
        {"table cidr:c 127.0.0.1/33 OK\n", "3: '127.0.0.1/33' is not a "
                                             "network"},
        {"table regexp:h ^foo$ OK\n", "3: '^foo$' is not a regexp pattern"},
        {"table pcre:h /foo/1 OK\n", "3: '/foo/1' is not a pcre pattern"},
        {"table cidr:c 127.0.0.1 OK\ntable c 127.0.0.2 OK\n",
         "4: table 'c' is cidr since line 3, not texthash"},
        {"table regexp:x /^Subject:/ FILTER pipe:x\n"
         "config header_checks = table:x\n",
         "3: transport 'pipe' is not allowed"},
        {"table regexp:x /^Subject:/ REDIRECT /etc/passwd\n"
         "config header_checks = table:x\n",
         "3: 'REDIRECT' needs one address user@domain"},
        {"table regexp:x /^Subject:/ REPLACE nonsense\n"
         "config header_checks = table:x\n",
         "3: 'REPLACE' needs 'Header-Name: text'"},
        {"table regexp:x /^Subject:/ EXEC rm\n"
         "config body_checks = table:x\n",
         "3: 'EXEC' is not a header_checks action"},
    };

    (void)state;
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        char *text = hr_sprintf("name t\nkind smtp\n%s" G, rows[i].lines);
        hr_case *c = NULL;
        int rc = hr_case_parse(&c, "t.case", text, strlen(text));

        if (rows[i].err == NULL) {
            if (rc != 0)
                fail_msg("row %zu: %s", i, hr_error_last());
            assert_string_not_equal(c->tables[0].type, "texthash");
        } else {
            char *want = hr_sprintf("t.case:%s", rows[i].err);

            if (rc != HR_EINPUT ||
                strncmp(hr_error_last(), want, strlen(want)) != 0)
                fail_msg("row %zu: got '%s', wanted '%s...'", i,
                         hr_error_last(), want);
            hr_free(want);
        }
        hr_case_free(c);
        hr_free(text);
    }
}

/* test_case_kind_name - names of kinds */
static void test_case_kind_name(void **state)
{
    (void)state;
    assert_string_equal(hr_case_kind_name(HR_CASE_SMTP), "smtp");
    assert_string_equal(hr_case_kind_name(HR_CASE_PROBE), "probe");
    assert_string_equal(hr_case_kind_name(0), "unknown");
}

/* write_file - create a file below dir */
static void write_file(const char *dir, const char *name, const char *text)
{
    char *path = hr_path_join(dir, name);
    char *parent = hr_path_dirname(path);

    assert_int_equal(hr_mkdir_p(parent, 0755), 0);
    assert_int_equal(hr_file_write_atomic(path, text, strlen(text), 0644), 0);
    hr_free(parent);
    hr_free(path);
}

/* test_case_load_all - files, directories, sorting, duplicates */
static void test_case_load_all(void **state)
{
    char *tmp = unit_tmpdir();
    char *sub, *file, *missing, *want;
    const char *args[3];
    hr_case **cases = NULL;
    size_t n = 0;

    (void)state;
    assert_non_null(tmp);
    write_file(tmp, "b/two.case", "name two\nkind smtp\n" G);
    write_file(tmp, "a/z.case", "name one\nkind smtp\n" G);
    write_file(tmp, "a/notes.txt", "not a case");
    write_file(tmp, "a/.hidden.case", "garbage");
    write_file(tmp, "c.case", P);
    sub = hr_path_join(tmp, "b");
    file = hr_path_join(tmp, "a/z.case");

    /* A directory and a file inside it: each case once, sorted by path. */
    args[0] = sub;
    args[1] = tmp;
    args[2] = file;
    assert_int_equal(hr_case_load_all(&cases, &n, args, 3, NULL), 0);
    assert_int_equal(n, 3);
    assert_string_equal(cases[0]->name, "one");
    assert_string_equal(cases[0]->path, file);
    assert_string_equal(cases[1]->name, "two");
    assert_string_equal(cases[2]->name, "t");
    hr_case_free_all(cases, n);

    /* A file named directly needs no .case suffix. */
    write_file(tmp, "x/plain", "name plain\nkind smtp\n" G);
    hr_free(sub);
    sub = hr_path_join(tmp, "x/plain");
    args[0] = sub;
    assert_int_equal(hr_case_load_all(&cases, &n, args, 1, NULL), 0);
    assert_int_equal(n, 1);
    hr_case_free_all(cases, n);

    /* The same name twice: both paths in the message. */
    write_file(tmp, "b/dup.case", "# comment\nname one\nkind smtp\n" G);
    args[0] = tmp;
    assert_int_equal(hr_case_load_all(&cases, &n, args, 1, NULL), HR_EINPUT);
    want = hr_sprintf("%s/b/dup.case:2: case name 'one' is already used by "
                      "%s/a/z.case:1",
                      tmp, tmp);
    assert_string_equal(hr_error_last(), want);
    hr_free(want);

    /* A malformed case anywhere fails the whole load. */
    write_file(tmp, "b/dup.case", "name three\nkind smtp\nbogus\n" G);
    assert_int_equal(hr_case_load_all(&cases, &n, args, 1, NULL), HR_EINPUT);
    want = hr_sprintf("%s/b/dup.case:3: unknown directive 'bogus'", tmp);
    assert_string_equal(hr_error_last(), want);
    hr_free(want);

    /* A missing path. */
    missing = hr_path_join(tmp, "nope");
    args[0] = missing;
    assert_true(hr_case_load_all(&cases, &n, args, 1, NULL) < 0);
    want = hr_sprintf("cannot open '%s': No such file or directory", missing);
    assert_string_equal(hr_error_last(), want);
    hr_free(want);

    assert_int_equal(hr_rm_rf(tmp), 0);
    hr_free(missing);
    hr_free(file);
    hr_free(sub);
    free(tmp);
}

/* load_err - loading root with version fails as "FILE:LINE: message",
 * FILE relative to root */
static void load_err(const char *root, const char *version, const char *want)
{
    hr_case **cases = NULL;
    size_t n = 0;
    const char *args[] = {root};
    char *full = hr_sprintf("%s/%s", root, want);

    assert_int_equal(hr_case_load_all(&cases, &n, args, 1, version),
                     HR_EINPUT);
    if (strcmp(hr_error_last(), full) != 0)
        fail_msg("got '%s', wanted '%s'", hr_error_last(), full);
    hr_free(full);
}

/* test_case_overlays - version overlays replace a case and its golden for
 * the versions in their range, the latest one that has a file wins, and
 * every malformed overlay is file:line */
static void test_case_overlays(void **state)
{
    char *tmp = unit_tmpdir();
    char *smtp = NULL;
    const char *args[1];
    hr_case **cases = NULL;
    size_t n = 0;

    (void)state;
    assert_non_null(tmp);
    write_file(tmp, "smtp/a.case", "name a\nkind smtp\n" G);
    write_file(tmp, "smtp/a.golden", "== transcript\nbase\n");
    write_file(tmp, "smtp/b.case", "name b\nkind smtp\n" G);
    write_file(tmp, "smtp/b.golden", "== transcript\nbase b\n");
    write_file(tmp, "versions/README.md", "overlays\n");
    write_file(tmp, "versions/3.9-one/overlay",
               "# a comment\nabout  one\nsince  3.9\n"
               "cites  RELEASE_NOTES-3.9: one\n");
    write_file(tmp, "versions/3.9-one/a.case",
               "name a\nkind smtp\n< 220 from 3.9\n");
    write_file(tmp, "versions/3.9-one/a.golden", "== transcript\n3.9\n");
    write_file(tmp, "versions/3.10-two/overlay",
               "about two\nsince 3.10\nbefore 3.11\ncites HISTORY 2025\n");
    write_file(tmp, "versions/3.10-two/a.golden", "== transcript\n3.10\n");
    write_file(tmp, "versions/3.10-two/b.case",
               "name b\nkind smtp\n< 220 b from 3.10\n");
    args[0] = tmp;

    /* 3.7: nothing applies, and the overlays' files are no cases. */
    assert_int_equal(hr_case_load_all(&cases, &n, args, 1, "3.7.11"), 0);
    assert_int_equal(n, 2);
    assert_string_equal(cases[0]->golden, "== transcript\nbase\n");
    assert_int_equal(cases[0]->overlays.n, 0);
    hr_case_free_all(cases, n);

    /* 3.9.2: the case and golden of 3.9-one. */
    assert_int_equal(hr_case_load_all(&cases, &n, args, 1, "3.9.2"), 0);
    assert_string_equal(cases[0]->xs[0].expect[0], "220 from 3.9");
    assert_string_equal(cases[0]->golden, "== transcript\n3.9\n");
    assert_string_equal(cases[0]->overlays.v[0], "3.9-one");
    assert_string_equal(cases[0]->overlay_labels.v[0],
                        "3.9-one (since 3.9: RELEASE_NOTES-3.9: one)");
    assert_int_equal(cases[1]->overlays.n, 0);
    hr_case_free_all(cases, n);

    /* 3.10.13: 3.9-one's case, 3.10-two's golden (the later wins); b's
     * case from 3.10-two keeps the shipped golden. */
    assert_int_equal(hr_case_load_all(&cases, &n, args, 1, "3.10.13"), 0);
    assert_string_equal(cases[0]->xs[0].expect[0], "220 from 3.9");
    assert_string_equal(cases[0]->golden, "== transcript\n3.10\n");
    assert_int_equal(cases[0]->overlays.n, 2);
    assert_string_equal(cases[1]->xs[0].expect[0], "220 b from 3.10");
    assert_string_equal(cases[1]->golden, "== transcript\nbase b\n");
    hr_case_free_all(cases, n);

    /* 3.11 is past 3.10-two: 3.9-one only; a snapshot counts as a.b.0. */
    assert_int_equal(hr_case_load_all(&cases, &n, args, 1, "3.11-20250601"),
                     0);
    assert_string_equal(cases[0]->golden, "== transcript\n3.9\n");
    assert_string_equal(cases[1]->golden, "== transcript\nbase b\n");
    hr_case_free_all(cases, n);

    /* A single case file finds the overlays of its root too. */
    smtp = hr_path_join(tmp, "smtp/a.case");
    args[0] = smtp;
    assert_int_equal(hr_case_load_all(&cases, &n, args, 1, "3.9.0"), 0);
    assert_int_equal(n, 1);
    assert_string_equal(cases[0]->golden, "== transcript\n3.9\n");
    hr_case_free_all(cases, n);

    /* Not a version. */
    args[0] = tmp;
    assert_int_equal(hr_case_load_all(&cases, &n, args, 1, "3.x"), HR_EINPUT);

    /* Malformed overlays: each file:line. */
    write_file(tmp, "versions/3.9-one/overlay", "about one\nsince 3.9\n");
    load_err(tmp, NULL, "versions/3.9-one/overlay:1: an overlay needs "
                        "'cites': the RELEASE_NOTES item that explains it");
    write_file(tmp, "versions/3.9-one/overlay",
               "about one\nsince 3.9\ncites x\nfrobnicate y\n");
    load_err(tmp, NULL, "versions/3.9-one/overlay:4: unknown key 'frobnicate' "
                        "(about, since, before, cites)");
    write_file(tmp, "versions/3.9-one/overlay",
               "about one\nsince 3.9-20240101\ncites x\n");
    load_err(tmp, NULL, "versions/3.9-one/overlay:2: 'since' needs a version "
                        "such as 3.9 or 3.10.1, not '3.9-20240101'");
    write_file(tmp, "versions/3.9-one/overlay",
               "about one\nsince 3.10\nbefore 3.9\ncites x\n");
    load_err(tmp, NULL, "versions/3.9-one/overlay:1: 'since 3.10' is not "
                        "before 'before 3.9'");
    write_file(tmp, "versions/3.9-one/overlay",
               "about one\nsince 3.10\ncites x\n");
    load_err(tmp, "3.10.1", "versions/3.9-one/overlay:1: it and overlay "
                            "'3.10-two' both replace a.golden from the same "
                            "version");
    write_file(tmp, "versions/3.9-one/overlay",
               "about one\nsince 3.9\ncites x\n");
    write_file(tmp, "versions/3.9-one/c.golden", "== transcript\nc\n");
    load_err(tmp, NULL, "versions/3.9-one/c.golden:1: no case 'c' for this "
                        "overlay file");
    {
        char *stray = hr_path_join(tmp, "versions/3.9-one/c.golden");

        assert_int_equal(unlink(stray), 0);
        hr_free(stray);
    }
    write_file(tmp, "versions/3.9-one/a.case", "name z\nkind smtp\n" G);
    load_err(tmp, NULL, "versions/3.9-one/a.case:1: an overlay's case keeps "
                        "its name: 'a'");
    write_file(tmp, "versions/3.9-one/a.case", "name a\nkind smtp\n" G);
    write_file(tmp, "versions/3.9-one/a.golden", "no section head\n");
    load_err(tmp, NULL, "versions/3.9-one/a.golden:1: expected a section head "
                        "such as '== transcript' (pfharness record writes "
                        "goldens)");
    write_file(tmp, "versions/3.9-one/a.golden", "== transcript\n3.9\n");
    write_file(tmp, "versions/3.9-one/notes.txt", "x");
    load_err(tmp, NULL, "versions/3.9-one/notes.txt:1: an overlay holds only "
                        "'overlay', NAME.case and NAME.golden files");

    assert_int_equal(hr_rm_rf(tmp), 0);
    hr_free(smtp);
    free(tmp);
}

/* repo_path - a file of the repository, found from this source file */
static char *repo_path(const char *rel)
{
    const char *me = __FILE__;
    const char *cut = strstr(me, "tests/unit/test_case.c");
    char *path;

    path = hr_sprintf("%.*s%s", cut ? (int)(cut - me) : 0, me, rel);
    return path;
}

/* test_case_probe_repeated_rcpt - one expect line per record, so a
 * recipient named by two reports (sendmail -v: the bounce and the
 * verbose report) takes two lines, matched whatever the report order */
static void test_case_probe_repeated_rcpt(void **state)
{
    char *path = repo_path("tests/data/dsn/bounce-multi.in");
    hr_buf b = HR_BUF_INIT;
    hr_mail mail[2];
    char *delayed, *at, *msg;
    hr_case *c;

    (void)state;
    assert_int_equal(hr_file_read(&b, path, 0), 0);
    /* A second report in which carol's record is delayed, not failed. */
    at = strstr(hr_buf_cstr(&b), "Action: failed\nStatus: 5.1.1\nRemote-MTA");
    assert_non_null(at);
    delayed = hr_sprintf("%.*sAction: delayed\nStatus: 4.1.1\n%s",
                         (int)(at - b.ptr), b.ptr, at + 29);
    mail[0].mailbox = "a";
    mail[0].text = delayed;
    mail[0].len = strlen(delayed);
    mail[1].mailbox = "a";
    mail[1].text = (char *)hr_buf_cstr(&b);
    mail[1].len = b.len;

    /* failed first, though the delayed record comes first */
    c = parse_ok("name t\nkind probe\nmode v\nsender s@x\nrcpt r@x\n"
                 "expect carol@remote.test failed 5.1.1\n"
                 "expect carol@remote.test delayed 4.1.1\n"
                 "expect dave@remote.test failed 5.7.1\n"
                 "expect dave@remote.test failed 5.7.1\n"
                 "expect nosuch@example.test failed 5.1.1\n"
                 "expect nosuch@example.test failed 5.1.1\n");
    msg = hr_caserun_check_probe(c, mail, 2);
    assert_string_equal(msg, "");
    hr_free(msg);
    hr_case_free(c);

    /* one line for two records: the second is unexpected */
    c = parse_ok("name t\nkind probe\nmode v\nsender s@x\nrcpt r@x\n"
                 "expect carol@remote.test failed 5.1.1\n"
                 "expect carol@remote.test delayed 4.1.1\n"
                 "expect dave@remote.test failed 5.7.1\n"
                 "expect nosuch@example.test failed 5.1.1\n"
                 "expect nosuch@example.test failed 5.1.1\n");
    msg = hr_caserun_check_probe(c, mail, 2);
    assert_string_equal(msg, "t.case: unexpected report: rfc822; "
                             "dave@remote.test failed 5.7.1\n");
    hr_free(msg);
    hr_case_free(c);
    hr_free(delayed);
    hr_buf_release(&b);
    hr_free(path);
}

/* test_case_captures - the shipped cases reproduce the captured bytes */
static void test_case_captures(void **state)
{
    static const char dotstuff_data[] =
        "Date: Tue, 24 Nov 2026 07:15:42 +0000\r\n"
        "To: pfuser@example.test\r\n"
        "From: sender@outside.test\r\n"
        "Subject: test Tue, 24 Nov 2026 07:15:42 +0000\r\n"
        "Message-Id: <20261124071542.019134@vm>\r\n"
        "X-Mailer: swaks v20201014.0 jetmore.org/john/code/swaks/\r\n"
        "\r\n"
        "line one\r\n"
        "..leading dot line\r\n"
        "...two dots\r\n"
        "last\r\n"
        "\r\n"
        "\r\n"
        ".\r\n";
    char *path = repo_path("cases/smtp/capture-dotstuff.case");
    hr_case *c = NULL;
    const hr_case_exchange *x;

    (void)state;
    if (hr_case_load(&c, path) < 0)
        fail_msg("%s", hr_error_last());
    assert_int_equal(c->nxs, 8);
    x = &c->xs[5];
    assert_int_equal(x->nitems, 1);
    /* 294 bytes: the segment swaks sent in the pcap */
    assert_int_equal(sizeof(dotstuff_data) - 1, 294);
    assert_item(&x->items[0], HR_ITEM_DATA, "| (13 lines, 294 bytes)",
                dotstuff_data, 294);
    hr_case_free(c);
    hr_free(path);

    path = repo_path("cases/smtp/capture-pipeline.case");
    if (hr_case_load(&c, path) < 0)
        fail_msg("%s", hr_error_last());
    x = &c->xs[2];
    assert_int_equal(x->nitems, 4);
    assert_int_equal(x->nreplies, 4);
    assert_int_equal(x->items[0].len + x->items[1].len + x->items[2].len +
                         x->items[3].len,
                     105);
    assert_int_equal(c->xs[3].items[0].len, 285);
    hr_case_free(c);
    hr_free(path);

    path = repo_path("cases/smtp/capture-relaydenied.case");
    if (hr_case_load(&c, path) < 0)
        fail_msg("%s", hr_error_last());
    assert_string_equal(c->client, "127.0.0.2");
    assert_string_equal(c->config.v[0], "mynetworks = 127.0.0.1/32");
    hr_case_free(c);
    hr_free(path);
}

/* main - the golden tests, then one test per error row */
int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_case_long_line),
        cmocka_unit_test(test_case_session),
        cmocka_unit_test(test_case_default_client),
        cmocka_unit_test(test_case_pipelined),
        cmocka_unit_test(test_case_data_content),
        cmocka_unit_test(test_case_data_pipelined),
        cmocka_unit_test(test_case_bdat),
        cmocka_unit_test(test_case_bdat_malformed),
        cmocka_unit_test(test_case_raw),
        cmocka_unit_test(test_case_raw_repeat_brace),
        cmocka_unit_test(test_case_expected_render),
        cmocka_unit_test(test_case_probe_repeated_rcpt),
        cmocka_unit_test(test_case_data_globs),
        cmocka_unit_test(test_case_utf8),
        cmocka_unit_test(test_case_pause_eof),
        cmocka_unit_test(test_case_config_tables_sink),
        cmocka_unit_test(test_case_probe),
        cmocka_unit_test(test_case_no_final_newline),
        cmocka_unit_test(test_case_glob),
        cmocka_unit_test(test_case_config_key),
        cmocka_unit_test(test_case_config_render),
        cmocka_unit_test(test_case_table_types),
        cmocka_unit_test(test_case_kind_name),
        cmocka_unit_test(test_case_load_all),
        cmocka_unit_test(test_case_overlays),
        cmocka_unit_test(test_case_captures),
    };
    size_t nrows = sizeof(err_rows) / sizeof(err_rows[0]);
    struct CMUnitTest *rows = calloc(nrows, sizeof(*rows));
    int failed;

    for (size_t i = 0; i < nrows; i++) {
        rows[i].name = err_rows[i].name;
        rows[i].test_func = test_case_error_row;
        rows[i].initial_state = (void *)&err_rows[i];
    }
    failed = cmocka_run_group_tests_name("case", tests, NULL, NULL);
    failed += _cmocka_run_group_tests("case_errors", rows, nrows, NULL, NULL);
    free(rows);
    return failed ? 1 : 0;
}

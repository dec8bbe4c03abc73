/* test_pcap.c - captures made here, reassembled and made cases */
#include <stdio.h> /* before unit.h, which uses snprintf() */
#include "unit.h"

#include <arpa/inet.h>
#include <pcap/pcap.h>

#include "util/buf.h"
#include "case/case.h"
#include "util/mem.h"
#include "util/msg.h"
#include "import/pcap.h"
#include "import/session.h"

#define GREETING "220 mx.example.test ESMTP Postfix\r\n"

/* A capture being written to memory. */
struct cap {
    pcap_t *pd;
    pcap_dumper_t *d;
    FILE *fp;
    char *buf;
    size_t len;
    int dlt, family;
    unsigned long n;
};

/* One end of a connection. */
struct ep {
    uint8_t addr[16];
    uint16_t port;
};

/* A connection: next sequence numbers of each side. */
struct conv {
    struct cap *c;
    struct ep cl, sv;
    uint32_t cseq, sseq;
};

/* cap_open - start a capture of a link type and IP version */
static void cap_open(struct cap *c, int dlt, int family)
{
    memset(c, 0, sizeof(*c));
    c->dlt = dlt;
    c->family = family;
    c->pd = pcap_open_dead(dlt, 262144);
    c->fp = open_memstream(&c->buf, &c->len);
    c->d = pcap_dump_fopen(c->pd, c->fp);
    assert_non_null(c->d);
}

/* cap_close - finish the capture: c->buf, c->len; with
 * PFH_FUZZ_SEEDS=DIR, also DIR/N.pcap, seeds for tests/fuzz */
static void cap_close(struct cap *c)
{
    static int seq;
    const char *dir = getenv("PFH_FUZZ_SEEDS");

    pcap_dump_close(c->d);
    pcap_close(c->pd);
    if (dir) {
        char *path = hr_sprintf("%s/%d.pcap", dir, ++seq);
        FILE *fp = fopen(path, "wb");

        assert_non_null(fp);
        assert_int_equal(fwrite(c->buf, 1, c->len, fp), c->len);
        fclose(fp);
        hr_free(path);
    }
}

/* put16 - big-endian 16 bits */
static void put16(uint8_t *b, unsigned v)
{
    b[0] = (uint8_t)(v >> 8);
    b[1] = (uint8_t)v;
}

/* put32 - big-endian 32 bits */
static void put32(uint8_t *b, uint32_t v)
{
    put16(b, v >> 16);
    put16(b + 2, v & 0xffff);
}

/* seg_cut - one TCP segment; caplen 0: the whole packet */
static void seg_cut(struct cap *c, const struct ep *from, const struct ep *to,
                    uint8_t flags, uint32_t seq, uint32_t ack, const void *data,
                    size_t len, unsigned caplen)
{
    static uint8_t b[70000];
    struct pcap_pkthdr h;
    size_t o = 0, ip;

    memset(b, 0, 100);
    if (c->dlt == DLT_EN10MB) {
        put16(b + 12, c->family == 4 ? 0x0800 : 0x86dd);
        o = 14;
    } else if (c->dlt == DLT_LINUX_SLL2) {
        put16(b, c->family == 4 ? 0x0800 : 0x86dd);
        o = 20;
    } else if (c->dlt == DLT_NULL) {
        b[0] = c->family == 4 ? 2 : 10; /* little-endian host */
        o = 4;
    }
    ip = o;
    if (c->family == 4) {
        b[o] = 0x45;
        put16(b + o + 2, (unsigned)(20 + 20 + len));
        b[o + 6] = 0x40;
        b[o + 8] = 64;
        b[o + 9] = 6;
        memcpy(b + o + 12, from->addr, 4);
        memcpy(b + o + 16, to->addr, 4);
        o += 20;
    } else {
        b[o] = 0x60;
        put16(b + o + 4, (unsigned)(20 + len));
        b[o + 6] = 6;
        b[o + 7] = 64;
        memcpy(b + o + 8, from->addr, 16);
        memcpy(b + o + 24, to->addr, 16);
        o += 40;
    }
    (void)ip;
    put16(b + o, from->port);
    put16(b + o + 2, to->port);
    put32(b + o + 4, seq);
    put32(b + o + 8, ack);
    b[o + 12] = 5 << 4;
    b[o + 13] = flags;
    put16(b + o + 14, 65535);
    o += 20;
    memcpy(b + o, data, len);
    o += len;
    memset(&h, 0, sizeof(h));
    h.ts.tv_sec = 1700000000 + (long)c->n++;
    h.len = (bpf_u_int32)o;
    h.caplen = caplen && caplen < o ? caplen : (bpf_u_int32)o;
    pcap_dump((u_char *)c->d, &h, b);
}

#define F_FIN 0x01
#define F_SYN 0x02
#define F_RST 0x04
#define F_PSH 0x08
#define F_ACK 0x10

/* ep_set - an address in text and a port */
static void ep_set(struct ep *e, int family, const char *addr, uint16_t port)
{
    memset(e, 0, sizeof(*e));
    assert_int_equal(inet_pton(family == 4 ? AF_INET : AF_INET6, addr, e->addr),
                     1);
    e->port = port;
}

/* conv_start - the handshake */
static void conv_start(struct conv *v, struct cap *c, const char *caddr,
                       uint16_t cport, const char *saddr, uint16_t sport)
{
    v->c = c;
    ep_set(&v->cl, c->family, caddr, cport);
    ep_set(&v->sv, c->family, saddr, sport);
    v->cseq = 1000u * cport;
    v->sseq = 4000000000u + sport; /* wraps around: seq arithmetic */
    seg_cut(c, &v->cl, &v->sv, F_SYN, v->cseq++, 0, "", 0, 0);
    seg_cut(c, &v->sv, &v->cl, F_SYN | F_ACK, v->sseq++, v->cseq, "", 0, 0);
    seg_cut(c, &v->cl, &v->sv, F_ACK, v->cseq, v->sseq, "", 0, 0);
}

/* cl - the client writes s in one segment */
static void cl(struct conv *v, const char *s)
{
    size_t n = strlen(s);

    seg_cut(v->c, &v->cl, &v->sv, F_PSH | F_ACK, v->cseq, v->sseq, s, n, 0);
    v->cseq += (uint32_t)n;
}

/* sv - the server writes s in one segment */
static void sv(struct conv *v, const char *s)
{
    size_t n = strlen(s);

    seg_cut(v->c, &v->sv, &v->cl, F_PSH | F_ACK, v->sseq, v->cseq, s, n, 0);
    v->sseq += (uint32_t)n;
}

/* conv_end - the server closes, then the client */
static void conv_end(struct conv *v)
{
    seg_cut(v->c, &v->sv, &v->cl, F_FIN | F_ACK, v->sseq++, v->cseq, "", 0, 0);
    seg_cut(v->c, &v->cl, &v->sv, F_FIN | F_ACK, v->cseq++, v->sseq, "", 0, 0);
    seg_cut(v->c, &v->sv, &v->cl, F_ACK, v->sseq, v->cseq, "", 0, 0);
}

/* import_opts - parse a capture, render session i of want_n */
static char *import_opts(struct cap *c, size_t i, size_t want_n,
                         const hr_pcap_opts *o)
{
    hr_pcap *p = NULL;
    char *text = NULL;
    hr_case *parsed = NULL;

    if (hr_pcap_parse(&p, "t.pcap", c->buf, c->len, o) < 0)
        fail_msg("%s", hr_error_last());
    assert_int_equal(hr_pcap_count(p), want_n);
    assert_int_equal(hr_session_render(&text, hr_pcap_flow(p, i)), 0);
    /* render checks this itself; the test says so too */
    assert_int_equal(hr_case_parse(&parsed, "t", text, strlen(text)), 0);
    hr_case_free(parsed);
    hr_pcap_free(p);
    return text;
}

/* import - the only session of a capture */
static char *import(struct cap *c)
{
    return import_opts(c, 0, 1, NULL);
}

/* body - the session part: after the first blank line */
static const char *body(const char *text)
{
    const char *b = strstr(text, "\n\n");

    assert_non_null(b);
    return b + 2;
}

/* has_line - does text have this line */
static int has_line(const char *text, const char *line)
{
    size_t n = strlen(line);

    for (const char *p = text; p; p = strchr(p, '\n')) {
        if (*p == '\n')
            p++;
        if (strncmp(p, line, n) == 0 && (p[n] == '\n' || p[n] == 0))
            return 1;
    }
    return 0;
}

/* ehlo - the start of most sessions */
static void ehlo(struct conv *v)
{
    sv(v, GREETING);
    cl(v, "EHLO client.test\r\n");
    sv(v, "250-mx.example.test\r\n250 PIPELINING\r\n");
}

#define EHLO_CASE                                                              \
    "< 220 mx.example.test ESMTP Postfix\n"                                    \
    "> EHLO client.test\n"                                                     \
    "< 250-mx.example.test\n"                                                  \
    "< 250 PIPELINING\n"

/* test_pcap_import_basic - a whole session, content unstuffed */
static void test_pcap_import_basic(void **state)
{
    struct cap c;
    struct conv v;
    char *text;

    (void)state;
    cap_open(&c, DLT_EN10MB, 4);
    conv_start(&v, &c, "127.0.0.1", 40000, "127.0.0.1", 25);
    ehlo(&v);
    cl(&v, "MAIL FROM:<a@example.test>\r\n");
    sv(&v, "250 2.1.0 Ok\r\n");
    cl(&v, "RCPT TO:<pfuser@example.test>\r\n");
    sv(&v, "250 2.1.5 Ok\r\n");
    cl(&v, "DATA\r\n");
    sv(&v, "354 End data with <CR><LF>.<CR><LF>\r\n");
    cl(&v, "Subject: x\r\n\r\n..dot\r\n...two\r\nend\r\n.\r\n");
    sv(&v, "250 2.0.0 Ok: queued as 4ABC12DEF3\r\n");
    cl(&v, "QUIT\r\n");
    sv(&v, "221 2.0.0 Bye\r\n");
    conv_end(&v);
    cap_close(&c);
    text = import(&c);
    assert_string_equal(
        text, "# Imported by 'pfharness import pcap' from t.pcap, flow 1.\n"
              "name    t-1\n"
              "kind    smtp\n"
              "about   t.pcap flow 1: 127.0.0.1:40000 > 127.0.0.1:25\n"
              "\n" EHLO_CASE "> MAIL FROM:<a@example.test>\n"
              "< 250 2.1.0 Ok\n"
              "> RCPT TO:<pfuser@example.test>\n"
              "< 250 2.1.5 Ok\n"
              "> DATA\n"
              "< 354 End data with <CR><LF>.<CR><LF>\n"
              "| Subject: x\n"
              "|\n"
              "| .dot\n"
              "| ..two\n"
              "| end\n"
              "< 250 2.0.0 Ok: queued as *\n"
              "> QUIT\n"
              "< 221 2.0.0 Bye\n"
              "eof\n");
    hr_free(text);
    free(c.buf);
}

/* test_pcap_import_retransmission - a segment sent twice counts once */
static void test_pcap_import_retransmission(void **state)
{
    struct cap c;
    struct conv v;
    char *text;
    const char *mail = "MAIL FROM:<a@example.test>\r\n";

    (void)state;
    cap_open(&c, DLT_EN10MB, 4);
    conv_start(&v, &c, "127.0.0.1", 40001, "127.0.0.1", 25);
    ehlo(&v);
    seg_cut(&c, &v.cl, &v.sv, F_PSH | F_ACK, v.cseq, v.sseq, mail, strlen(mail),
            0);
    cl(&v, mail); /* the retransmission: same sequence number */
    sv(&v, "250 2.1.0 Ok\r\n");
    /* the server's reply again, too */
    seg_cut(&c, &v.sv, &v.cl, F_PSH | F_ACK, v.sseq - 14, v.cseq,
            "250 2.1.0 Ok\r\n", 14, 0);
    cl(&v, "QUIT\r\n");
    sv(&v, "221 2.0.0 Bye\r\n");
    conv_end(&v);
    cap_close(&c);
    text = import(&c);
    assert_string_equal(body(text), EHLO_CASE "> MAIL FROM:<a@example.test>\n"
                                              "< 250 2.1.0 Ok\n"
                                              "> QUIT\n"
                                              "< 221 2.0.0 Bye\n"
                                              "eof\n");
    hr_free(text);
    free(c.buf);
}

/* test_pcap_import_out_of_order - a later segment captured first */
static void test_pcap_import_out_of_order(void **state)
{
    struct cap c;
    struct conv v;
    char *text;

    (void)state;
    cap_open(&c, DLT_EN10MB, 4);
    conv_start(&v, &c, "127.0.0.1", 40002, "127.0.0.1", 25);
    ehlo(&v);
    /* "RCPT TO:<b@example.test>\r\n": the second half arrives first,
     * then the server's reply, then the first half */
    seg_cut(&c, &v.cl, &v.sv, F_PSH | F_ACK, v.cseq + 9, v.sseq,
            "<b@example.test>\r\n", 18, 0);
    seg_cut(&c, &v.cl, &v.sv, F_ACK, v.cseq, v.sseq, "RCPT TO:", 8, 0);
    seg_cut(&c, &v.cl, &v.sv, F_ACK, v.cseq + 8, v.sseq, " ", 1, 0);
    v.cseq += 27;
    sv(&v, "503 5.5.1 Error: need MAIL command\r\n");
    conv_end(&v);
    cap_close(&c);
    text = import(&c);
    assert_string_equal(body(text),
                        EHLO_CASE "> RCPT TO: <b@example.test>\n"
                                  "< 503 5.5.1 Error: need MAIL command\n"
                                  "eof\n");
    hr_free(text);
    free(c.buf);
}

/* test_pcap_import_overlap - overlapping copies: the first one wins */
static void test_pcap_import_overlap(void **state)
{
    struct cap c;
    struct conv v;
    char *text;

    (void)state;
    cap_open(&c, DLT_EN10MB, 4);
    conv_start(&v, &c, "127.0.0.1", 40003, "127.0.0.1", 25);
    ehlo(&v);
    seg_cut(&c, &v.cl, &v.sv, F_ACK, v.cseq, v.sseq, "NOOP 1234", 9, 0);
    /* overlaps bytes 5..9 with other bytes: those stay "1234" */
    seg_cut(&c, &v.cl, &v.sv, F_PSH | F_ACK, v.cseq + 5, v.sseq, "XXXX5678\r\n",
            10, 0);
    v.cseq += 15;
    sv(&v, "250 2.0.0 Ok\r\n");
    conv_end(&v);
    cap_close(&c);
    text = import(&c);
    assert_string_equal(body(text), EHLO_CASE "> NOOP 12345678\n"
                                              "< 250 2.0.0 Ok\n"
                                              "eof\n");
    hr_free(text);
    free(c.buf);
}

/* test_pcap_import_pipelined - one segment, several commands: a group */
static void test_pcap_import_pipelined(void **state)
{
    struct cap c;
    struct conv v;
    char *text;

    (void)state;
    cap_open(&c, DLT_EN10MB, 4);
    conv_start(&v, &c, "127.0.0.1", 40004, "127.0.0.1", 25);
    ehlo(&v);
    cl(&v, "MAIL FROM:<a@example.test>\r\nRCPT TO:<x@example.test>\r\n"
           "RCPT TO:<pfuser@example.test>\r\nDATA\r\n");
    sv(&v, "250 2.1.0 Ok\r\n550 5.1.1 <x@example.test>: no\r\n");
    sv(&v, "250 2.1.5 Ok\r\n354 go ahead\r\n");
    cl(&v, "hi\r\n.\r\nQUIT\r\n");
    sv(&v, "250 2.0.0 Ok: queued as 3FA2\r\n221 2.0.0 Bye\r\n");
    conv_end(&v);
    cap_close(&c);
    text = import(&c);
    assert_string_equal(body(text),
                        EHLO_CASE "> MAIL FROM:<a@example.test>\n"
                                  "> RCPT TO:<x@example.test>\n"
                                  "> RCPT TO:<pfuser@example.test>\n"
                                  "> DATA\n"
                                  "< 250 2.1.0 Ok\n"
                                  "< 550 5.1.1 <x@example.test>: no\n"
                                  "< 250 2.1.5 Ok\n"
                                  "< 354 go ahead\n"
                                  "| hi\n"
                                  "> QUIT\n"
                                  "< 250 2.0.0 Ok: queued as *\n"
                                  "< 221 2.0.0 Bye\n"
                                  "eof\n");
    hr_free(text);
    free(c.buf);
}

/* test_pcap_import_client_did_not_wait - two writes, no reply between */
static void test_pcap_import_client_did_not_wait(void **state)
{
    struct cap c;
    struct conv v;
    char *text;

    (void)state;
    cap_open(&c, DLT_EN10MB, 4);
    conv_start(&v, &c, "127.0.0.1", 40005, "127.0.0.1", 25);
    ehlo(&v);
    cl(&v, "MAIL FROM:<a@example.test>\r\n");
    /* sent before the client saw the 250: its ack is still the old one */
    cl(&v, "RCPT TO:<pfuser@example.test>\r\n");
    sv(&v, "250 2.1.0 Ok\r\n");
    sv(&v, "250 2.1.5 Ok\r\n");
    cl(&v, "RSET\r\n");
    sv(&v, "250 2.0.0 Ok\r\n");
    conv_end(&v);
    cap_close(&c);
    text = import(&c);
    assert_string_equal(body(text),
                        EHLO_CASE "> MAIL FROM:<a@example.test>\n"
                                  "> RCPT TO:<pfuser@example.test>\n"
                                  "< 250 2.1.0 Ok\n"
                                  "< 250 2.1.5 Ok\n"
                                  "> RSET\n"
                                  "< 250 2.0.0 Ok\n"
                                  "eof\n");
    hr_free(text);
    free(c.buf);
}

/* test_pcap_import_bdat - chunks as '|' lines, or '~' without CRLF */
static void test_pcap_import_bdat(void **state)
{
    struct cap c;
    struct conv v;
    char *text;

    (void)state;
    cap_open(&c, DLT_EN10MB, 4);
    conv_start(&v, &c, "127.0.0.1", 40006, "127.0.0.1", 25);
    ehlo(&v);
    cl(&v, "MAIL FROM:<a@example.test>\r\n");
    sv(&v, "250 2.1.0 Ok\r\n");
    cl(&v, "RCPT TO:<pfuser@example.test>\r\n");
    sv(&v, "250 2.1.5 Ok\r\n");
    cl(&v, "BDAT 18\r\nSubject: x\r\n\r\nhi\r\n");
    sv(&v, "250 2.0.0 Ok: 18 bytes\r\n");
    cl(&v, "BDAT 5 LAST\r\nhello");
    sv(&v, "250 2.0.0 Ok: 23 bytes queued as 4XyZ\r\n");
    conv_end(&v);
    cap_close(&c);
    text = import(&c);
    assert_string_equal(body(text),
                        EHLO_CASE "> MAIL FROM:<a@example.test>\n"
                                  "< 250 2.1.0 Ok\n"
                                  "> RCPT TO:<pfuser@example.test>\n"
                                  "< 250 2.1.5 Ok\n"
                                  "> BDAT 18\n"
                                  "| Subject: x\n"
                                  "|\n"
                                  "| hi\n"
                                  "< 250 2.0.0 Ok: 18 bytes\n"
                                  "~ BDAT 5 LAST\\r\\n\n"
                                  "~ hello\n"
                                  "< 250 2.0.0 Ok: 23 bytes queued "
                                  "as *\n"
                                  "eof\n");
    hr_free(text);
    free(c.buf);
}

/* test_pcap_import_bare_lf - bytes lines cannot show go out raw */
static void test_pcap_import_bare_lf(void **state)
{
    struct cap c;
    struct conv v;
    char *text;
    static const char nul[] = "NOOP \0x\r\n";

    (void)state;
    cap_open(&c, DLT_EN10MB, 4);
    conv_start(&v, &c, "127.0.0.1", 40007, "127.0.0.1", 25);
    ehlo(&v);
    cl(&v, "MAIL FROM:<a@example.test>\n");
    sv(&v, "250 2.1.0 Ok\r\n");
    cl(&v, "NOOP a\rb\r\n");
    sv(&v, "250 2.0.0 Ok\r\n");
    seg_cut(&c, &v.cl, &v.sv, F_PSH | F_ACK, v.cseq, v.sseq, nul,
            sizeof(nul) - 1, 0);
    v.cseq += sizeof(nul) - 1;
    sv(&v, "250 2.0.0 Ok\r\n");
    cl(&v, "DATA\r\n");
    sv(&v, "354 go ahead\r\n");
    cl(&v, "bare\nlf\r\n.\r\n");
    sv(&v, "250 2.0.0 Ok: queued as 3FA2\r\n");
    conv_end(&v);
    cap_close(&c);
    text = import(&c);
    assert_string_equal(body(text),
                        EHLO_CASE "~ MAIL FROM:<a@example.test>\\n\n"
                                  "< 250 2.1.0 Ok\n"
                                  "~ NOOP a\\rb\\r\\n\n"
                                  "< 250 2.0.0 Ok\n"
                                  "~ NOOP \\x00x\\r\\n\n"
                                  "< 250 2.0.0 Ok\n"
                                  "> DATA\n"
                                  "< 354 go ahead\n"
                                  "~ bare\\n\n"
                                  "~ lf\\r\\n\n"
                                  "~ .\\r\\n\n"
                                  "< 250 2.0.0 Ok: queued as *\n"
                                  "eof\n");
    hr_free(text);
    free(c.buf);
}

/* test_pcap_import_long_line - a long command: '~' with a repeat */
static void test_pcap_import_long_line(void **state)
{
    struct cap c;
    struct conv v;
    char *text, *cmd = hr_malloc(5003);

    (void)state;
    memset(cmd, 'x', 5000);
    memcpy(cmd + 5000, "\r\n", 3);
    cap_open(&c, DLT_EN10MB, 4);
    conv_start(&v, &c, "127.0.0.1", 40008, "127.0.0.1", 25);
    ehlo(&v);
    cl(&v, cmd);
    sv(&v, "500 5.5.2 Error: command not recognized\r\n");
    conv_end(&v);
    cap_close(&c);
    text = import(&c);
    assert_string_equal(body(text),
                        EHLO_CASE "~ \\{x*5000}\\r\\n\n"
                                  "< 500 5.5.2 Error: command not recognized\n"
                                  "eof\n");
    hr_free(text);
    hr_free(cmd);
    free(c.buf);
}

/* test_pcap_import_two_flows - interleaved connections, numbered */
static void test_pcap_import_two_flows(void **state)
{
    struct cap c;
    struct conv a, b;
    char *text;

    (void)state;
    cap_open(&c, DLT_EN10MB, 4);
    conv_start(&a, &c, "127.0.0.1", 41000, "127.0.0.1", 2525);
    conv_start(&b, &c, "127.0.0.3", 41001, "127.0.0.1", 2525);
    sv(&a, GREETING);
    sv(&b, GREETING);
    cl(&b, "HELO b\r\n");
    cl(&a, "HELO a\r\n");
    sv(&a, "250 mx.example.test\r\n");
    sv(&b, "250 mx.example.test\r\n");
    cl(&b, "QUIT\r\n");
    cl(&a, "QUIT\r\n");
    sv(&b, "221 2.0.0 Bye\r\n");
    sv(&a, "221 2.0.0 Bye\r\n");
    conv_end(&b);
    conv_end(&a);
    cap_close(&c);
    text = import_opts(&c, 1, 2, NULL);
    assert_true(has_line(text, "name    t-2"));
    assert_true(has_line(text, "client  127.0.0.3"));
    assert_true(has_line(text, "about   t.pcap flow 2: 127.0.0.3:41001 > "
                               "127.0.0.1:2525"));
    assert_string_equal(body(text), "< 220 mx.example.test ESMTP Postfix\n"
                                    "> HELO b\n"
                                    "< 250 mx.example.test\n"
                                    "> QUIT\n"
                                    "< 221 2.0.0 Bye\n"
                                    "eof\n");
    hr_free(text);
    text = import_opts(&c, 0, 2, NULL);
    assert_true(strstr(body(text), "> HELO a\n") != NULL);
    assert_false(has_line(text, "client  127.0.0.1"));
    hr_free(text);
    free(c.buf);
}

/* test_pcap_import_incomplete - no FIN, a command without its reply */
static void test_pcap_import_incomplete(void **state)
{
    struct cap c;
    struct conv v;
    char *text;

    (void)state;
    cap_open(&c, DLT_EN10MB, 4);
    conv_start(&v, &c, "127.0.0.1", 40009, "127.0.0.1", 25);
    ehlo(&v);
    cl(&v, "MAIL FROM:<a@example.test>\r\nRCPT TO:<b@example.test>\r\n");
    sv(&v, "250 2.1.0 Ok\r\n250-partial\r\n");
    cap_close(&c);
    text = import(&c);
    assert_true(has_line(text, "mark    incomplete"));
    assert_true(has_line(text, "# The capture ends before the server "
                               "closed the connection."));
    assert_string_equal(body(text),
                        EHLO_CASE "> MAIL FROM:<a@example.test>\n"
                                  "~ RCPT TO:<b@example.test>\\r\\n\n"
                                  "< 250 2.1.0 Ok\n"
                                  "# The recording ends inside a reply:\n"
                                  "#   250-partial\n");
    hr_free(text);
    free(c.buf);
}

/* test_pcap_import_ipv6_mapped - IPv6 on raw IP, the client replayed
 * from 127.0.0.1 */
static void test_pcap_import_ipv6_mapped(void **state)
{
    struct cap c;
    struct conv v;
    char *text;

    (void)state;
    cap_open(&c, DLT_RAW, 6);
    conv_start(&v, &c, "2001:db8::7", 40010, "2001:db8::1", 587);
    sv(&v, "220 mail.example.org ESMTP\r\n");
    cl(&v, "QUIT\r\n");
    sv(&v, "221 Bye\r\n");
    conv_end(&v);
    cap_close(&c);
    text = import(&c);
    assert_true(has_line(text, "about   t.pcap flow 1: [2001:db8::7]:40010 > "
                               "[2001:db8::1]:587 (client 2001:db8::7 "
                               "replayed from 127.0.0.1)"));
    assert_true(has_line(text, "# server host name from the greeting: "
                               "mail.example.org"));
    assert_false(strstr(text, "\nclient ") != NULL);
    hr_free(text);
    free(c.buf);
}

/* test_pcap_import_link_types - cooked SLL2 and BSD null links */
static void test_pcap_import_link_types(void **state)
{
    static const int dlts[] = {DLT_LINUX_SLL2, DLT_NULL, DLT_EN10MB};
    static const int fams[] = {4, 6, 6};

    (void)state;
    for (size_t i = 0; i < sizeof(dlts) / sizeof(dlts[0]); i++) {
        struct cap c;
        struct conv v;
        char *text;

        cap_open(&c, dlts[i], fams[i]);
        conv_start(&v, &c, fams[i] == 4 ? "10.0.0.5" : "::1", 40011,
                   fams[i] == 4 ? "10.0.0.1" : "::1", 25);
        sv(&v, GREETING);
        cl(&v, "QUIT\r\n");
        sv(&v, "221 2.0.0 Bye\r\n");
        conv_end(&v);
        cap_close(&c);
        text = import(&c);
        assert_string_equal(body(text), "< 220 mx.example.test ESMTP Postfix\n"
                                        "> QUIT\n"
                                        "< 221 2.0.0 Bye\n"
                                        "eof\n");
        hr_free(text);
        free(c.buf);
    }
}

/* test_pcap_import_port - --port picks a server on another port */
static void test_pcap_import_port(void **state)
{
    struct cap c;
    struct conv v, w;
    hr_pcap_opts o = HR_PCAP_OPTS_INIT;
    hr_pcap *p = NULL;
    char *text;

    (void)state;
    cap_open(&c, DLT_EN10MB, 4);
    /* not an SMTP port, but it greets with 220 */
    conv_start(&v, &c, "127.0.0.1", 40012, "127.0.0.1", 10025);
    sv(&v, GREETING);
    cl(&v, "QUIT\r\n");
    sv(&v, "221 2.0.0 Bye\r\n");
    conv_end(&v);
    /* SMTPS: skipped with a note */
    conv_start(&w, &c, "127.0.0.1", 40013, "127.0.0.1", 465);
    sv(&w, "\x16\x03\x01");
    conv_end(&w);
    cap_close(&c);
    assert_int_equal(hr_pcap_parse(&p, "t.pcap", c.buf, c.len, NULL), 0);
    assert_int_equal(hr_pcap_count(p), 1);
    assert_string_equal(hr_pcap_notes(p)->v[0],
                        "t.pcap: skipped 127.0.0.1:40013 > 127.0.0.1:465: "
                        "port 465 is SMTP over TLS");
    hr_pcap_free(p);
    o.port = 10025;
    text = import_opts(&c, 0, 1, &o);
    assert_true(strstr(text, "> QUIT\n") != NULL);
    hr_free(text);
    o.port = 26;
    assert_true(hr_pcap_parse(&p, "t.pcap", c.buf, c.len, &o) < 0);
    assert_string_equal(hr_error_last(),
                        "t.pcap: no SMTP session to port 26 (2 TCP "
                        "connections)");
    free(c.buf);
}

/* test_pcap_import_starttls - the encrypted rest is left out */
static void test_pcap_import_starttls(void **state)
{
    struct cap c;
    struct conv v;
    char *text;

    (void)state;
    cap_open(&c, DLT_EN10MB, 4);
    conv_start(&v, &c, "127.0.0.1", 40014, "127.0.0.1", 25);
    ehlo(&v);
    cl(&v, "STARTTLS\r\n");
    sv(&v, "220 2.0.0 Ready to start TLS\r\n");
    cl(&v, "\x16\x03\x01\x02\x00");
    sv(&v, "\x16\x03\x03\x00\x7a");
    conv_end(&v);
    cap_close(&c);
    text = import(&c);
    assert_true(has_line(text, "mark    incomplete"));
    assert_string_equal(body(text),
                        EHLO_CASE "> STARTTLS\n"
                                  "< 220 2.0.0 Ready to start TLS\n"
                                  "# STARTTLS: the rest of the session is "
                                  "encrypted and is not part of this case.\n");
    hr_free(text);
    free(c.buf);
}

/* test_pcap_import_unasked - a reply without a command, after a pause */
static void test_pcap_import_unasked(void **state)
{
    struct cap c;
    struct conv v;
    char *text;

    (void)state;
    cap_open(&c, DLT_EN10MB, 4);
    conv_start(&v, &c, "127.0.0.1", 40015, "127.0.0.1", 25);
    ehlo(&v);
    sv(&v, "421 4.4.2 mx.example.test Error: timeout exceeded\r\n");
    conv_end(&v);
    cap_close(&c);
    text = import(&c);
    assert_string_equal(body(text), EHLO_CASE
                        "# The server sent this without a command.\n"
                        "pause 0\n"
                        "< 421 4.4.2 mx.example.test Error: timeout exceeded\n"
                        "eof\n");
    hr_free(text);
    free(c.buf);
}

/* test_pcap_import_mid_stream - a capture that starts after the SYN */
static void test_pcap_import_mid_stream(void **state)
{
    struct cap c;
    struct conv v;
    char *text;

    (void)state;
    cap_open(&c, DLT_EN10MB, 4);
    ep_set(&v.cl, 4, "127.0.0.1", 40016);
    ep_set(&v.sv, 4, "127.0.0.1", 25);
    v.c = &c;
    v.cseq = 77;
    v.sseq = 99;
    sv(&v, GREETING);
    cl(&v, "QUIT\r\n");
    sv(&v, "221 2.0.0 Bye\r\n");
    conv_end(&v);
    cap_close(&c);
    text = import(&c);
    assert_true(has_line(text, "mark    incomplete"));
    assert_true(has_line(text, "# The capture starts after the connection "
                               "opened: the start of the session is "
                               "missing."));
    hr_free(text);
    free(c.buf);
}

/* test_pcap_import_big_message - a message in many segments, one write */
static void test_pcap_import_big_message(void **state)
{
    struct cap c;
    struct conv v;
    hr_buf msg = HR_BUF_INIT;
    char *text;
    const char *b;
    size_t lines = 0;

    (void)state;
    for (int i = 0; i < 40000; i++)
        hr_buf_printf(&msg, "line %06d of a long message body.......\r\n", i);
    hr_buf_puts(&msg, ".\r\n");
    cap_open(&c, DLT_EN10MB, 4);
    conv_start(&v, &c, "127.0.0.1", 40020, "127.0.0.1", 25);
    ehlo(&v);
    cl(&v, "DATA\r\n");
    sv(&v, "354 go ahead\r\n");
    /* MSS-sized segments; PSH only on the last */
    for (size_t off = 0; off < msg.len; off += 1448) {
        size_t n = msg.len - off < 1448 ? msg.len - off : 1448;

        seg_cut(&c, &v.cl, &v.sv, off + n == msg.len ? F_PSH | F_ACK : F_ACK,
                v.cseq + (uint32_t)off, v.sseq, msg.ptr + off, n, 0);
    }
    v.cseq += (uint32_t)msg.len;
    sv(&v, "250 2.0.0 Ok: queued as 3FA2\r\n");
    conv_end(&v);
    cap_close(&c);
    text = import(&c);
    b = strstr(text, "< 354 go ahead\n");
    assert_non_null(b);
    for (const char *p = b; (p = strstr(p, "\n| line ")) != NULL; p++)
        lines++;
    assert_int_equal(lines, 40000);
    assert_non_null(strstr(text, "| line 039999 of a long message body......."
                                 "\n< 250 2.0.0 Ok: queued as *\neof\n"));
    hr_free(text);
    hr_buf_release(&msg);
    free(c.buf);
}

/* test_pcap_import_snaplen - payload cut by the snapshot length */
static void test_pcap_import_snaplen(void **state)
{
    struct cap c;
    struct conv v;
    hr_pcap *p = NULL;

    (void)state;
    cap_open(&c, DLT_EN10MB, 4);
    conv_start(&v, &c, "127.0.0.1", 40017, "127.0.0.1", 25);
    seg_cut(&c, &v.sv, &v.cl, F_PSH | F_ACK, v.sseq, v.cseq, GREETING,
            strlen(GREETING), 60);
    cap_close(&c);
    assert_true(hr_pcap_parse(&p, "t.pcap", c.buf, c.len, NULL) < 0);
    assert_string_equal(hr_error_last(),
                        "t.pcap: truncated capture: packet 4 was cut to 60 "
                        "of 89 bytes (snapshot length 262144); record again "
                        "with 'tcpdump -s 0'");
    free(c.buf);
}

/* test_pcap_import_cut_file - a record cut off at the end of the file */
static void test_pcap_import_cut_file(void **state)
{
    struct cap c;
    struct conv v;
    hr_pcap *p = NULL;

    (void)state;
    cap_open(&c, DLT_EN10MB, 4);
    conv_start(&v, &c, "127.0.0.1", 40018, "127.0.0.1", 25);
    sv(&v, GREETING);
    cap_close(&c);
    assert_true(hr_pcap_parse(&p, "t.pcap", c.buf, c.len - 10, NULL) < 0);
    assert_string_equal(hr_error_last(),
                        "t.pcap: truncated capture file: packet 4 is cut off "
                        "(truncated dump file; tried to read 89 captured "
                        "bytes, only got 79)");
    free(c.buf);
}

/* test_pcap_import_wild_seq - 1-byte segments 3 MiB apart in 50 flows:
 * refused, where offsets used to cost 24 MB a direction (1.2 GB here) */
static void test_pcap_import_wild_seq(void **state)
{
    struct cap c;
    hr_pcap *p = NULL;

    (void)state;
    cap_open(&c, DLT_EN10MB, 4);
    for (uint16_t f = 0; f < 50; f++) {
        struct ep a, b;

        ep_set(&a, 4, "127.0.0.1", (uint16_t)(40100 + f));
        ep_set(&b, 4, "127.0.0.1", 25);
        seg_cut(&c, &b, &a, F_PSH | F_ACK, 5000, 7000, "2", 1, 0);
        seg_cut(&c, &b, &a, F_PSH | F_ACK, 5000 + (3u << 20), 7000, "2", 1,
                0);
    }
    cap_close(&c);
    assert_int_equal(hr_pcap_parse(&p, "t.pcap", c.buf, c.len, NULL),
                     HR_EINPUT);
    assert_null(p);
    assert_string_equal(hr_error_last(),
                        "t.pcap: TCP sequence numbers jump far beyond the "
                        "data the capture holds (100 bytes of payload); a "
                        "capture with wild sequence numbers is not imported");
    free(c.buf);
}

/* test_pcap_import_bad_input - not a capture, nothing SMTP */
static void test_pcap_import_bad_input(void **state)
{
    struct cap c;
    struct conv v;
    hr_pcap *p = NULL;

    (void)state;
    assert_true(hr_pcap_parse(&p, "t.txt", "hello world\n", 12, NULL) < 0);
    assert_string_equal(hr_error_last(),
                        "t.txt: not a pcap or pcapng capture file (unknown "
                        "file format)");
    assert_true(hr_pcap_parse(&p, "t.txt", "", 0, NULL) < 0);
    assert_string_equal(hr_error_last(),
                        "t.txt: not a pcap or pcapng capture file (empty)");
    cap_open(&c, DLT_EN10MB, 4);
    conv_start(&v, &c, "127.0.0.1", 40019, "127.0.0.1", 80);
    cl(&v, "GET / HTTP/1.0\r\n\r\n");
    sv(&v, "HTTP/1.0 200 OK\r\n\r\n");
    conv_end(&v);
    cap_close(&c);
    assert_true(hr_pcap_parse(&p, "t.pcap", c.buf, c.len, NULL) < 0);
    assert_string_equal(hr_error_last(),
                        "t.pcap: no SMTP session (1 TCP connections, none to "
                        "port 25, 587 or 2525 or with a '220' greeting); name "
                        "the server's port with --port");
    free(c.buf);
    cap_open(&c, DLT_IEEE802_11, 4);
    cap_close(&c);
    assert_true(hr_pcap_parse(&p, "t.pcap", c.buf, c.len, NULL) < 0);
    assert_string_equal(hr_error_last(),
                        "t.pcap: unsupported link type IEEE802_11 (105); "
                        "record on an Ethernet or loopback interface");
    free(c.buf);
}

/* repo_path - a file of the repository, found from this source file */
static char *repo_path(const char *rel)
{
    const char *me = __FILE__;
    const char *cut = strstr(me, "tests/unit/test_pcap.c");

    return hr_sprintf("%.*s%s", cut ? (int)(cut - me) : 0, me, rel);
}

/* read_all - a file's contents */
static char *read_all(const char *path)
{
    FILE *fp = fopen(path, "rb");
    char *s = hr_malloc(1 << 20);
    size_t n;

    if (fp == NULL)
        fail_msg("cannot open %s", path);
    n = fread(s, 1, (1 << 20) - 1, fp);
    s[n] = 0;
    fclose(fp);
    return s;
}

/* session_lines - the lines that are not comments, name or about */
static char *session_lines(const char *text)
{
    hr_buf b = HR_BUF_INIT;

    for (const char *p = text; *p;) {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);

        if (n && *p != '#' && strncmp(p, "name ", 5) != 0 &&
            strncmp(p, "about ", 6) != 0 && strncmp(p, "config ", 7) != 0) {
            hr_buf_put(&b, p, n);
            hr_buf_putc(&b, '\n');
        }
        p += n + (nl != NULL);
    }
    return hr_buf_detach(&b);
}

/* test_pcap_import_golden - the swaks captures against tests/data/import */
static void test_pcap_import_golden(void **state)
{
    static const char *const names[] = {"basic", "dotstuff", "pipeline",
                                        "relaydenied"};

    (void)state;
    for (size_t i = 0; i < 4; i++) {
        char *rel = hr_sprintf("tests/data/import/swaks-%s.pcap", names[i]);
        char *in = repo_path(rel);
        char *ref = hr_sprintf("%.*s.ref", (int)strlen(in) - 5, in);
        char *hrel = hr_sprintf("cases/smtp/capture-%s.case", names[i]);
        char *hand = repo_path(hrel);
        char *want = read_all(ref), *hand_text = read_all(hand), *text;
        char *a, *b;
        hr_pcap *p = NULL;

        if (hr_pcap_load(&p, in, NULL) < 0)
            fail_msg("%s", hr_error_last());
        assert_int_equal(hr_pcap_count(p), 1);
        assert_int_equal(hr_session_render(&text, hr_pcap_flow(p, 0)), 0);
        assert_string_equal(text, want);
        /* The hand-made case has the same session. */
        a = session_lines(text);
        b = session_lines(hand_text);
        assert_string_equal(a, b);
        hr_free(a);
        hr_free(b);
        hr_free(text);
        hr_free(want);
        hr_free(hand_text);
        hr_pcap_free(p);
        hr_free(in);
        hr_free(rel);
        hr_free(ref);
        hr_free(hand);
        hr_free(hrel);
    }
}

/* main - the reassembly and rendering tests */
int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pcap_import_basic),
        cmocka_unit_test(test_pcap_import_retransmission),
        cmocka_unit_test(test_pcap_import_out_of_order),
        cmocka_unit_test(test_pcap_import_overlap),
        cmocka_unit_test(test_pcap_import_pipelined),
        cmocka_unit_test(test_pcap_import_client_did_not_wait),
        cmocka_unit_test(test_pcap_import_bdat),
        cmocka_unit_test(test_pcap_import_bare_lf),
        cmocka_unit_test(test_pcap_import_long_line),
        cmocka_unit_test(test_pcap_import_two_flows),
        cmocka_unit_test(test_pcap_import_incomplete),
        cmocka_unit_test(test_pcap_import_ipv6_mapped),
        cmocka_unit_test(test_pcap_import_link_types),
        cmocka_unit_test(test_pcap_import_port),
        cmocka_unit_test(test_pcap_import_starttls),
        cmocka_unit_test(test_pcap_import_unasked),
        cmocka_unit_test(test_pcap_import_mid_stream),
        cmocka_unit_test(test_pcap_import_big_message),
        cmocka_unit_test(test_pcap_import_snaplen),
        cmocka_unit_test(test_pcap_import_cut_file),
        cmocka_unit_test(test_pcap_import_wild_seq),
        cmocka_unit_test(test_pcap_import_bad_input),
        cmocka_unit_test(test_pcap_import_golden),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}

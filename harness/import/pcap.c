/*
 * NAME
 *	import/pcap 3
 * SUMMARY
 *	SMTP sessions from a packet capture, as transcripts
 * SYNOPSIS
 *	#include "import/pcap.h"
 *
 *	int	hr_pcap_load(out, path, opts)
 *	int	hr_pcap_parse(out, path, data, len, opts)
 *	size_t	hr_pcap_count(p)
 *	const hr_session *hr_pcap_flow(p, i)
 *	const char *hr_pcap_endpoints(p, i)
 *	const hr_strv *hr_pcap_notes(p)
 *	void	hr_pcap_free(p)
 * DESCRIPTION
 *	Reads a pcap or pcapng capture with libpcap (Ethernet with VLAN
 *	tags, Linux cooked SLL and SLL2, raw IP, BSD null and loopback
 *	link types; IPv4 and IPv6; TCP), reassembles each TCP connection
 *	in both directions and makes a transcript(3) of each SMTP session.
 *	hr_pcap_parse() reads a capture held in memory (path names it in
 *	messages).
 *
 *	Reassembly. Segments are kept per connection and direction in
 *	capture order. A direction's stream starts at its SYN's sequence
 *	number plus one (the SYN takes one number, and so does the FIN),
 *	or at the lowest sequence number seen when the capture started
 *	after the handshake. Each segment's bytes go to their offset in
 *	the stream; a byte that is already there stays (the first copy
 *	wins), so retransmissions, overlaps and segments out of order
 *	make one stream. The stream ends at the first byte that no
 *	segment carried. Each byte remembers the acknowledgment number
 *	of the segment that brought it: how much of the other direction
 *	the sender had received when it sent the byte.
 *
 *	The client's stream is cut into writes where a segment had PSH
 *	set, and where the client had received more of the server's
 *	stream than for the byte before (it read a reply and went on).
 *	transcript(3) makes each write an exchange, so a pipelined group
 *	sent in one segment stays one group.
 *
 *	The client is the side that sent SYN without ACK; without a
 *	handshake in the capture, the side on an SMTP port or the side
 *	that does not speak "220" first. A connection is an SMTP session
 *	if its server port is opts->port, or, without opts->port, if it is
 *	25, 587 or 2525 or the server's first bytes are "220". Port 465
 *	(TLS from the start) and sessions that start with a TLS record are
 *	skipped with a note. The same addresses and ports after a new SYN
 *	are a new connection.
 *
 *	Sessions are numbered from 1 in the order of their first packet.
 *	Each transcript is named after the file and its number, says in
 *	its about line where it came from, and carries opts->config and
 *	the skipped settings as notes. A client outside 127.0.0.0/8 is
 *	replayed from 127.0.0.1, and the about line says so.
 *
 *	A capture that starts after the handshake, lacks bytes of a
 *	stream, or ends before the server closed gives a transcript marked
 *	cut.
 *
 *	The caller owns the result: hr_pcap_free(). Transcripts, endpoint
 *	strings ("127.0.0.1:41034 > 127.0.0.1:2525") and notes are
 *	borrowed and live as long as it.
 * DIAGNOSTICS
 *	HR_EINPUT, with messages that start with the path: not a capture
 *	file; a truncated capture file (a record cut off); a packet cut
 *	short by the snapshot length while it carried TCP payload (record
 *	again with "tcpdump -s 0"); an unsupported link type; no SMTP
 *	session; a capture too large. Notes say which connections were
 *	skipped and why.
 * SEE ALSO
 *	transcript(3), pcap(3PCAP), cmd_import(1).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <pcap/pcap.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/fsutil.h"
#include "util/mem.h"
#include "util/msg.h"
#include "import/pcap.h"

#define MAX_STREAM (32u << 20)     /* bytes in one direction */
#define WINDOW (4u << 20)          /* kept beyond the first hole */
#define MAX_POOL ((size_t)1 << 30) /* payload bytes in one capture */
#define MAX_FLOWS 100000
#define NBUCKETS 4096
#define UNKNOWN UINT32_MAX /* acknowledgment not known */

#define T_FIN 0x01
#define T_SYN 0x02
#define T_RST 0x04
#define T_PSH 0x08
#define T_ACK 0x10

#define B_HAVE 1 /* the byte arrived */
#define B_PSH 2  /* a PSH segment ended here */

/* One TCP segment as captured. */
struct seg {
    uint32_t seq, ack, len;
    uint8_t flags;
    size_t off; /* payload in the pool */
};

/* One direction of a connection: what it sent. */
struct side {
    uint8_t addr[16];
    uint16_t port;
    struct seg *segs;
    size_t nsegs, scap;
    int syn, synack, fin, rst;
    uint32_t syn_seq;
    /* the reassembled stream */
    uint32_t base;
    uint8_t *data, *flg;
    uint32_t *ack;
    size_t cap, len, hi, fin_off;
    int too_big;
};

/* A TCP connection; s[0] sent its first packet. */
struct flow {
    int family;
    struct side s[2];
    unsigned long first_pkt;
    int data_seen;     /* a segment with payload or FIN */
    struct flow *next; /* hash chain */
};

/* A decoded TCP segment. */
struct pkt {
    int family;
    const uint8_t *src, *dst;
    uint16_t sport, dport;
    uint32_t seq, ack;
    uint8_t flags;
    const uint8_t *data;
    size_t len;
};

struct hr_pcap {
    hr_session *ts;
    char **ends;
    size_t n;
    hr_strv notes;
};

/* Reading state. */
struct rd {
    const char *path;
    const hr_pcap_opts *o;
    int dlt;
    struct flow *buckets[NBUCKETS];
    struct flow **flows;
    size_t nflows, fcap;
    hr_buf pool;
    unsigned long npkt, nfrag;
    size_t reserved;    /* stream offsets allocated, all directions */
    hr_pcap *p;
};

/* grow - make room for one more element */
static void *grow(void *arr, size_t n, size_t *cap, size_t size)
{
    if (n < *cap)
        return arr;
    *cap = *cap ? 2 * *cap : 16;
    return hr_realloc(arr, *cap * size);
}

/* be16 - big-endian 16 bits */
static unsigned be16(const uint8_t *b)
{
    return (unsigned)b[0] << 8 | b[1];
}

/* be32 - big-endian 32 bits */
static uint32_t be32(const uint8_t *b)
{
    return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 |
           b[3];
}

/* ether_ip - the IP version for an ethertype, 0 for others */
static int ether_ip(unsigned type)
{
    return type == 0x0800 ? 4 : type == 0x86dd ? 6 : 0;
}

/* af_ip - the IP version for a BSD address family, 0 for others */
static int af_ip(uint32_t af)
{
    if (af == 2)
        return 4;
    /* AF_INET6 is 10 on Linux, 24, 28 or 30 on the BSDs and macOS */
    return af == 10 || af == 24 || af == 28 || af == 30 ? 6 : 0;
}

/* link_ip - where the IP header starts; its version, 0 not IP, -1 cut */
static int link_ip(int dlt, const uint8_t *b, size_t cap, size_t *off)
{
    if (dlt == DLT_EN10MB) {
        size_t o = 14;
        unsigned type;

        if (cap < 14)
            return -1;
        type = be16(b + 12);
        /* 802.1Q and 802.1ad tags */
        while (type == 0x8100 || type == 0x88a8 || type == 0x9100) {
            if (cap < o + 4)
                return -1;
            type = be16(b + o + 2);
            o += 4;
        }
        *off = o;
        return ether_ip(type);
    }
    if (dlt == DLT_LINUX_SLL) {
        *off = 16;
        return cap < 16 ? -1 : ether_ip(be16(b + 14));
    }
    if (dlt == DLT_LINUX_SLL2) {
        *off = 20;
        return cap < 20 ? -1 : ether_ip(be16(b));
    }
    if (dlt == DLT_RAW || dlt == DLT_IPV4 || dlt == DLT_IPV6 || dlt == 101) {
        *off = 0;
        if (cap < 1)
            return -1;
        return b[0] >> 4 == 4 ? 4 : b[0] >> 4 == 6 ? 6 : 0;
    }
    if (dlt == DLT_NULL || dlt == DLT_LOOP) {
        int v;

        *off = 4;
        if (cap < 4)
            return -1;
        /* DLT_NULL is in the byte order of the capturing host. */
        v = af_ip(be32(b));
        if (v == 0 && dlt == DLT_NULL)
            v = af_ip((uint32_t)b[3] << 24 | (uint32_t)b[2] << 16 |
                      (uint32_t)b[1] << 8 | b[0]);
        return v;
    }
    return 0;
}

/* link_ok - can we read this link type */
static int link_ok(int dlt)
{
    return dlt == DLT_EN10MB || dlt == DLT_LINUX_SLL || dlt == DLT_LINUX_SLL2 ||
           dlt == DLT_RAW || dlt == DLT_IPV4 || dlt == DLT_IPV6 || dlt == 101 ||
           dlt == DLT_NULL || dlt == DLT_LOOP;
}

/* cut - headers are missing: an error only if the snapshot length cut
 * the packet */
static int cut(const struct pcap_pkthdr *h)
{
    return h->caplen < h->len ? -1 : 0;
}

/* decode - 1 a TCP segment, 0 something else, -1 payload cut short */
static int decode(struct rd *r, const struct pcap_pkthdr *h, const uint8_t *b,
                  struct pkt *k)
{
    size_t cap = h->caplen, off = 0, avail, hdr, end, doff;
    const uint8_t *ip, *t;
    int v = link_ip(r->dlt, b, cap, &off);

    if (v < 0)
        return cut(h);
    if (v == 0)
        return 0;
    ip = b + off;
    avail = cap - off;
    memset(k, 0, sizeof(*k));
    if (v == 4) {
        if (avail < 20)
            return cut(h);
        if (ip[0] >> 4 != 4 || ip[9] != 6)
            return 0;
        hdr = (size_t)(ip[0] & 15) * 4;
        end = be16(ip + 2);
        if (hdr < 20 || end < hdr)
            return 0;
        if ((ip[6] & 0x3f) || ip[7]) {
            r->nfrag++;
            return 0;
        }
        k->family = 4;
        k->src = ip + 12;
        k->dst = ip + 16;
    } else {
        unsigned nh;

        if (avail < 40)
            return cut(h);
        if (ip[0] >> 4 != 6)
            return 0;
        nh = ip[6];
        hdr = 40;
        end = 40 + be16(ip + 4);
        /* hop-by-hop, routing and destination options headers */
        while (nh == 0 || nh == 43 || nh == 60) {
            if (avail < hdr + 8)
                return cut(h);
            nh = ip[hdr];
            hdr += ((size_t)ip[hdr + 1] + 1) * 8;
            if (hdr > end)
                return 0;
        }
        if (nh == 44)
            r->nfrag++;
        if (nh != 6)
            return 0;
        k->family = 6;
        k->src = ip + 8;
        k->dst = ip + 24;
    }
    if (end < hdr + 20)
        return 0;
    if (avail < hdr + 14)
        return cut(h);
    t = ip + hdr;
    doff = (size_t)(t[12] >> 4) * 4;
    if (doff < 20 || hdr + doff > end)
        return 0;
    k->sport = (uint16_t)be16(t);
    k->dport = (uint16_t)be16(t + 2);
    k->seq = be32(t + 4);
    k->ack = be32(t + 8);
    k->flags = t[13];
    k->len = end - hdr - doff;
    if (k->len > 0 && avail < end)
        return h->caplen < h->len ? -1 : 0;
    k->data = t + doff;
    return 1;
}

/* side_is - does side s have this address and port */
static int side_is(const struct side *s, int family, const uint8_t *addr,
                   uint16_t port)
{
    return s->port == port && memcmp(s->addr, addr, family == 4 ? 4 : 16) == 0;
}

/* bucket - a hash of both endpoints that does not depend on direction */
static size_t bucket(const struct pkt *k)
{
    size_t alen = k->family == 4 ? 4 : 16;
    uint32_t a = 2166136261u, b = 2166136261u;

    for (size_t i = 0; i < alen; i++) {
        a = (a ^ k->src[i]) * 16777619u;
        b = (b ^ k->dst[i]) * 16777619u;
    }
    a = (a ^ k->sport) * 16777619u;
    b = (b ^ k->dport) * 16777619u;
    return (a ^ b) % NBUCKETS;
}

/* new_flow - a connection that starts with this packet */
static struct flow *new_flow(struct rd *r, const struct pkt *k, size_t hb)
{
    struct flow *f = hr_calloc(1, sizeof(*f));
    size_t alen = k->family == 4 ? 4 : 16;

    f->family = k->family;
    memcpy(f->s[0].addr, k->src, alen);
    memcpy(f->s[1].addr, k->dst, alen);
    f->s[0].port = k->sport;
    f->s[1].port = k->dport;
    f->first_pkt = r->npkt;
    f->next = r->buckets[hb];
    r->buckets[hb] = f;
    r->flows = grow(r->flows, r->nflows, &r->fcap, sizeof(*r->flows));
    r->flows[r->nflows++] = f;
    return f;
}

/* add_segment - file a TCP segment under its connection */
static int add_segment(struct rd *r, const struct pkt *k)
{
    size_t hb = bucket(k);
    struct flow *f;
    struct side *s;
    struct seg *g;
    int side = 0;

    for (f = r->buckets[hb]; f; f = f->next) {
        if (f->family != k->family)
            continue;
        if (side_is(&f->s[0], k->family, k->src, k->sport) &&
            side_is(&f->s[1], k->family, k->dst, k->dport)) {
            side = 0;
            break;
        }
        if (side_is(&f->s[1], k->family, k->src, k->sport) &&
            side_is(&f->s[0], k->family, k->dst, k->dport)) {
            side = 1;
            break;
        }
    }
    /* A new SYN on the same addresses and ports: a new connection. */
    if (f && (k->flags & (T_SYN | T_ACK)) == T_SYN &&
        ((f->s[side].syn && f->s[side].syn_seq != k->seq) ||
         (!f->s[side].syn && f->data_seen)))
        f = NULL;
    if (f == NULL) {
        if (r->nflows >= MAX_FLOWS)
            return 0;
        f = new_flow(r, k, hb);
        side = 0;
    }
    s = &f->s[side];
    if (k->flags & T_SYN) {
        /* The first SYN numbers the stream; a retransmission repeats it. */
        if (!s->syn && !s->synack)
            s->syn_seq = k->seq;
        if (k->flags & T_ACK)
            s->synack = 1;
        else
            s->syn = 1;
    }
    if (k->len || (k->flags & (T_FIN | T_RST)))
        f->data_seen = 1;
    if (r->pool.len + k->len > MAX_POOL)
        return hr_error_set(HR_EINPUT,
                            "%s: the capture holds more than %zu MiB of TCP "
                            "payload; cut it down (tcpdump -r ... -w ... "
                            "'tcp port 25')",
                            r->path, MAX_POOL >> 20);
    s->segs = grow(s->segs, s->nsegs, &s->scap, sizeof(*s->segs));
    g = &s->segs[s->nsegs++];
    g->seq = k->seq;
    g->ack = k->ack;
    g->flags = k->flags;
    g->len = (uint32_t)k->len;
    g->off = r->pool.len;
    hr_buf_put(&r->pool, k->data, k->len);
    return 0;
}

/* stream_base - sequence number of a direction's first byte */
static uint32_t stream_base(const struct side *s)
{
    uint32_t base;
    int have = 0;

    if (s->syn || s->synack)
        return s->syn_seq + 1;
    /* The capture started later: the lowest sequence number, compared
     * as TCP does, modulo 2^32. */
    base = s->nsegs ? s->segs[0].seq : 0;
    for (size_t i = 0; i < s->nsegs; i++) {
        const struct seg *g = &s->segs[i];

        if (g->len == 0 && !(g->flags & T_FIN))
            continue;
        if (!have || (int32_t)(g->seq - base) < 0)
            base = g->seq;
        have = 1;
    }
    return base;
}

/* Stream offsets may cost at most this much beyond the payload held. */
#define BUDGET(payload) (4 * (size_t)(payload) + ((size_t)64 << 20))

/* reserve - room for stream offsets below need, within the budget */
static int reserve(struct rd *r, struct side *s, size_t need)
{
    size_t cap = s->cap ? s->cap : 4096;

    if (need <= s->cap)
        return 0;
    while (cap < need)
        cap *= 2;
    /* Offsets come from sequence numbers, which a capture sets at will:
     * memory follows the payload, not the numbers. */
    if (r->reserved + (cap - s->cap) > BUDGET(r->pool.len))
        return hr_error_set(HR_EINPUT,
                            "%s: TCP sequence numbers jump far beyond the "
                            "data the capture holds (%zu bytes of payload); "
                            "a capture with wild sequence numbers is not "
                            "imported",
                            r->path, r->pool.len);
    r->reserved += cap - s->cap;
    s->data = hr_realloc(s->data, cap);
    s->flg = hr_realloc(s->flg, cap);
    s->ack = hr_realloc(s->ack, cap * sizeof(*s->ack));
    memset(s->flg + s->cap, 0, cap - s->cap);
    s->cap = cap;
    return 0;
}

/* reassemble - a direction's stream from its segments */
static int reassemble(struct rd *r, struct side *s, uint32_t obase)
{
    const uint8_t *pool = (const uint8_t *)r->pool.ptr;

    s->base = stream_base(s);
    for (size_t i = 0; i < s->nsegs; i++) {
        const struct seg *g = &s->segs[i];
        uint32_t start = g->seq + ((g->flags & T_SYN) ? 1 : 0);
        int64_t rel = (int32_t)(start - s->base);
        int64_t len = g->len;
        const uint8_t *data = pool + g->off;
        uint32_t ack = UNKNOWN;

        if (g->flags & T_RST)
            s->rst = 1;
        if (len == 0 && !(g->flags & T_FIN))
            continue;
        if (g->flags & T_ACK) {
            uint32_t d = g->ack - obase;

            if (d <= MAX_STREAM)
                ack = d;
        }
        /* Bytes before the start: a retransmission from before the
         * capture began. */
        if (rel < 0) {
            if (rel + len <= 0)
                continue;
            data += -rel;
            len += rel;
            rel = 0;
        }
        if (rel + len > (int64_t)MAX_STREAM) {
            s->too_big = 1;
            continue;
        }
        /* Far beyond a hole: no use, since the stream ends at the hole. */
        if ((size_t)rel > s->len + WINDOW)
            continue;
        if ((g->flags & T_FIN) && !s->fin) {
            s->fin = 1;
            s->fin_off = (size_t)(rel + len);
        }
        if (len == 0)
            continue;
        if (reserve(r, s, (size_t)(rel + len)) < 0)
            return HR_EINPUT;
        for (int64_t k = 0; k < len; k++) {
            size_t o = (size_t)(rel + k);

            /* The first copy wins. */
            if (s->flg[o] & B_HAVE)
                continue;
            s->data[o] = data[k];
            s->flg[o] |= B_HAVE;
            s->ack[o] = ack;
        }
        if (g->flags & T_PSH)
            s->flg[rel + len - 1] |= B_PSH;
        if ((size_t)(rel + len) > s->hi)
            s->hi = (size_t)(rel + len);
        while (s->len < s->hi && (s->flg[s->len] & B_HAVE))
            s->len++;
    }
    return 0;
}

/* endpoint - "addr:port", IPv6 in brackets */
static char *endpoint(int family, const struct side *s)
{
    char a[INET6_ADDRSTRLEN];

    inet_ntop(family == 4 ? AF_INET : AF_INET6, s->addr, a, sizeof(a));
    return family == 4 ? hr_sprintf("%s:%u", a, s->port)
                       : hr_sprintf("[%s]:%u", a, s->port);
}

/* smtp_port - a port where SMTP servers listen in the clear */
static int smtp_port(unsigned port)
{
    return port == 25 || port == 587 || port == 2525;
}

/* speaks_220 - does a stream start like an SMTP greeting */
static int speaks_220(const struct side *s)
{
    return s->len >= 4 && memcmp(s->data, "220", 3) == 0 &&
           (s->data[3] == ' ' || s->data[3] == '-');
}

/* server_side - which side is the server */
static int server_side(const struct rd *r, const struct flow *f)
{
    int port0, port1;

    if (f->s[0].syn != f->s[1].syn)
        return f->s[0].syn ? 1 : 0;
    if (f->s[0].synack != f->s[1].synack)
        return f->s[0].synack ? 0 : 1;
    port0 = r->o->port ? f->s[0].port == r->o->port : smtp_port(f->s[0].port);
    port1 = r->o->port ? f->s[1].port == r->o->port : smtp_port(f->s[1].port);
    if (port0 != port1)
        return port0 ? 0 : 1;
    if (speaks_220(&f->s[0]) != speaks_220(&f->s[1]))
        return speaks_220(&f->s[0]) ? 0 : 1;
    return f->s[0].port < f->s[1].port ? 0 : 1;
}

/* make_transcript - session number n from a reassembled connection */
static void make_transcript(struct rd *r, const struct flow *f, int sv,
                            hr_session *t, const char *ends, size_t n)
{
    const struct side *c = &f->s[!sv], *s = &f->s[sv];
    const char *base = hr_path_basename(r->path);
    char *st = hr_session_stem(r->path);
    char a[INET6_ADDRSTRLEN];

    t->name = hr_sprintf("%s-%zu", st, n);
    hr_free(st);
    inet_ntop(f->family == 4 ? AF_INET : AF_INET6, c->addr, a, sizeof(a));
    if (hr_session_set_client(t, a))
        t->about = hr_sprintf("%s flow %zu: %s (client %s replayed from "
                              "127.0.0.1)",
                              base, n, ends, a);
    else
        t->about = hr_sprintf("%s flow %zu: %s", base, n, ends);
    hr_strv_addf(&t->notes,
                 "Imported by 'pfharness import pcap' from %s, "
                 "flow %zu.",
                 base, n);
    for (size_t i = 0; r->o->config && i < r->o->config->n; i++)
        hr_strv_add(&t->config, r->o->config->v[i]);
    for (size_t i = 0; r->o->skipped && i < r->o->skipped->n; i++)
        hr_strv_addf(&t->notes, "not from --config: %s", r->o->skipped->v[i]);
    /* Client writes: PSH ends one; so does a reply read in between. */
    for (size_t o = 0, w = 0; o < c->len; o++) {
        if ((c->flg[o] & B_PSH) || o + 1 == c->len ||
            (c->ack[o + 1] != UNKNOWN && c->ack[o] != UNKNOWN &&
             c->ack[o + 1] > c->ack[o])) {
            hr_session_client(t, c->data + w, o + 1 - w,
                                 c->ack[w] == UNKNOWN ? -1
                                                      : (long long)c->ack[w]);
            w = o + 1;
        }
    }
    hr_session_server(t, s->data, s->len);
    t->server_closed = s->fin && s->fin_off == s->len;
    if (!c->syn) {
        hr_strv_add(&t->notes, "The capture starts after the connection "
                               "opened: the start of the session is missing.");
        t->cut = 1;
    }
    for (int i = 0; i < 2; i++) {
        const struct side *d = i ? s : c;
        const char *who = i ? "server" : "client";

        if (d->hi > d->len) {
            hr_strv_addf(&t->notes,
                         "The %s's stream lacks bytes after byte "
                         "%zu: packets are missing from the "
                         "capture.",
                         who, d->len);
            t->cut = 1;
        } else if (d->too_big) {
            hr_strv_addf(&t->notes,
                         "The %s sent more than %u MiB; the rest "
                         "is left out.",
                         who, MAX_STREAM >> 20);
            t->cut = 1;
        }
    }
    if (!s->fin && !s->rst && !c->rst) {
        hr_strv_add(&t->notes, "The capture ends before the server closed "
                               "the connection.");
        t->cut = 1;
    }
}

/* select_flows - transcripts of the SMTP sessions */
static void select_flows(struct rd *r)
{
    hr_pcap *p = r->p;

    for (size_t i = 0; i < r->nflows; i++) {
        struct flow *f = r->flows[i];
        int sv = server_side(r, f);
        const struct side *s = &f->s[sv];
        char *ce = endpoint(f->family, &f->s[!sv]);
        char *se = endpoint(f->family, s);
        char *ends = hr_sprintf("%s > %s", ce, se);
        hr_session t;

        hr_free(ce);
        hr_free(se);
        if (r->o->port && s->port != r->o->port) {
            hr_free(ends);
            continue;
        }
        if (!r->o->port && s->port == 465) {
            hr_strv_addf(&p->notes,
                         "%s: skipped %s: port 465 is SMTP over "
                         "TLS",
                         r->path, ends);
            hr_free(ends);
            continue;
        }
        if (!r->o->port && !smtp_port(s->port) && !speaks_220(s)) {
            hr_free(ends);
            continue;
        }
        if (s->len >= 2 && s->data[0] == 0x16 && s->data[1] == 0x03) {
            hr_strv_addf(&p->notes, "%s: skipped %s: the server speaks TLS",
                         r->path, ends);
            hr_free(ends);
            continue;
        }
        hr_session_init(&t);
        make_transcript(r, f, sv, &t, ends, p->n + 1);
        if (!hr_session_has_greeting(&t)) {
            hr_strv_addf(&p->notes,
                         "%s: skipped %s: no complete greeting "
                         "from the server",
                         r->path, ends);
            hr_session_release(&t);
            hr_free(ends);
            continue;
        }
        p->ts = hr_realloc(p->ts, (p->n + 1) * sizeof(*p->ts));
        p->ends = hr_realloc(p->ends, (p->n + 1) * sizeof(*p->ends));
        p->ts[p->n] = t;
        p->ends[p->n] = ends;
        p->n++;
    }
}

/* rd_release - free the reading state */
static void rd_release(struct rd *r)
{
    for (size_t i = 0; i < r->nflows; i++) {
        for (int k = 0; k < 2; k++) {
            hr_free(r->flows[i]->s[k].segs);
            hr_free(r->flows[i]->s[k].data);
            hr_free(r->flows[i]->s[k].flg);
            hr_free(r->flows[i]->s[k].ack);
        }
        hr_free(r->flows[i]);
    }
    hr_free(r->flows);
    hr_buf_release(&r->pool);
}

/* read_packets - every TCP segment of the capture */
static int read_packets(struct rd *r, pcap_t *pc)
{
    struct pcap_pkthdr *h;
    const u_char *b;
    int rc, error;

    r->dlt = pcap_datalink(pc);
    if (!link_ok(r->dlt)) {
        const char *name = pcap_datalink_val_to_name(r->dlt);

        return hr_error_set(HR_EINPUT,
                            "%s: unsupported link type %s (%d); "
                            "record on an Ethernet or loopback interface",
                            r->path, name ? name : "unknown", r->dlt);
    }
    while ((rc = pcap_next_ex(pc, &h, &b)) == 1) {
        struct pkt k;
        int d;

        r->npkt++;
        if ((d = decode(r, h, b, &k)) < 0)
            return hr_error_set(
                HR_EINPUT,
                "%s: truncated capture: packet %lu was cut to %u of %u "
                "bytes (snapshot length %d); record again with "
                "'tcpdump -s 0'",
                r->path, r->npkt, h->caplen, h->len, pcap_snapshot(pc));
        if (d == 1 && (error = add_segment(r, &k)) < 0)
            return error;
    }
    if (rc == PCAP_ERROR)
        return hr_error_set(HR_EINPUT,
                            "%s: truncated capture file: packet %lu is cut "
                            "off (%s)",
                            r->path, r->npkt + 1, pcap_geterr(pc));
    return 0;
}

/* from_file - read a capture from an open stream, which it closes */
static int from_file(hr_pcap **out, const char *path, FILE *fp,
                     const hr_pcap_opts *o)
{
    static const hr_pcap_opts none = HR_PCAP_OPTS_INIT;
    char errbuf[PCAP_ERRBUF_SIZE] = "";
    pcap_t *pc = pcap_fopen_offline(fp, errbuf);
    struct rd r;
    int error;

    if (pc == NULL) {
        fclose(fp);
        return hr_error_set(HR_EINPUT,
                            "%s: not a pcap or pcapng capture file (%s)", path,
                            errbuf);
    }
    memset(&r, 0, sizeof(r));
    r.path = path;
    r.o = o ? o : &none;
    r.p = hr_calloc(1, sizeof(*r.p));
    if ((error = read_packets(&r, pc)) == 0) {
        for (size_t i = 0; i < r.nflows && error == 0; i++) {
            struct flow *f = r.flows[i];
            uint32_t b0 = stream_base(&f->s[0]), b1 = stream_base(&f->s[1]);

            if ((error = reassemble(&r, &f->s[0], b1)) == 0)
                error = reassemble(&r, &f->s[1], b0);
        }
        if (error == 0)
            select_flows(&r);
        if (error == 0 && r.p->n == 0) {
            if (r.o->port)
                error = hr_error_set(HR_EINPUT,
                                     "%s: no SMTP session to port %d "
                                     "(%zu TCP connections)",
                                     path, r.o->port, r.nflows);
            else
                error = hr_error_set(
                    HR_EINPUT,
                    "%s: no SMTP session (%zu TCP connections, none to "
                    "port 25, 587 or 2525 or with a '220' greeting); name "
                    "the server's port with --port",
                    path, r.nflows);
        }
    }
    pcap_close(pc);
    rd_release(&r);
    if (error < 0) {
        hr_pcap_free(r.p);
        return error;
    }
    *out = r.p;
    return 0;
}

/* hr_pcap_load - read a capture file */
int hr_pcap_load(hr_pcap **out, const char *path, const hr_pcap_opts *o)
{
    FILE *fp = fopen(path, "rb");

    if (fp == NULL)
        return hr_error_set(HR_ERROR, "cannot open '%s': %s", path,
                            strerror(errno));
    return from_file(out, path, fp, o);
}

/* hr_pcap_parse - read a capture held in memory */
int hr_pcap_parse(hr_pcap **out, const char *path, const void *data, size_t len,
                  const hr_pcap_opts *o)
{
    FILE *fp;

    if (len == 0)
        return hr_error_set(
            HR_EINPUT, "%s: not a pcap or pcapng capture file (empty)", path);
    if ((fp = fmemopen((void *)data, len, "rb")) == NULL)
        return hr_error_set(HR_ERROR, "%s: cannot read from memory: %s", path,
                            strerror(errno));
    return from_file(out, path, fp, o);
}

/* hr_pcap_count - number of SMTP sessions */
size_t hr_pcap_count(const hr_pcap *p)
{
    return p->n;
}

/* hr_pcap_flow - session i, from 0; borrowed */
const hr_session *hr_pcap_flow(const hr_pcap *p, size_t i)
{
    if (i >= p->n)
        hr_panic("hr_pcap_flow: no session %zu of %zu", i, p->n);
    return &p->ts[i];
}

/* hr_pcap_endpoints - "client > server" of session i; borrowed */
const char *hr_pcap_endpoints(const hr_pcap *p, size_t i)
{
    if (i >= p->n)
        hr_panic("hr_pcap_endpoints: no session %zu of %zu", i, p->n);
    return p->ends[i];
}

/* hr_pcap_notes - what was skipped and why; borrowed */
const hr_strv *hr_pcap_notes(const hr_pcap *p)
{
    return &p->notes;
}

/* hr_pcap_free - free a capture's sessions; NULL is fine */
void hr_pcap_free(hr_pcap *p)
{
    if (p == NULL)
        return;
    for (size_t i = 0; i < p->n; i++) {
        hr_session_release(&p->ts[i]);
        hr_free(p->ends[i]);
    }
    hr_free(p->ts);
    hr_free(p->ends);
    hr_strv_release(&p->notes);
    hr_free(p);
}

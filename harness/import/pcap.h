#ifndef HR_IMPORT_PCAP_H
#define HR_IMPORT_PCAP_H

/* import/pcap.h - SMTP sessions from a packet capture, as transcripts */

#include <stddef.h>
#include "util/strv.h"
#include "import/session.h"

typedef struct hr_pcap hr_pcap;

typedef struct hr_pcap_opts {
    int port;                   /* the server's port; 0: SMTP ports or a
                                 * "220" greeting */
    const hr_strv *config;      /* "param = value" for every case */
    const hr_strv *skipped;     /* settings left out, as header notes */
} hr_pcap_opts;

#define HR_PCAP_OPTS_INIT {0, NULL, NULL}

int hr_pcap_load(hr_pcap **out, const char *path, const hr_pcap_opts *o);
int hr_pcap_parse(hr_pcap **out, const char *path, const void *data,
                  size_t len, const hr_pcap_opts *o);
size_t hr_pcap_count(const hr_pcap *p);
const hr_session *hr_pcap_flow(const hr_pcap *p, size_t i);
const char *hr_pcap_endpoints(const hr_pcap *p, size_t i);
const hr_strv *hr_pcap_notes(const hr_pcap *p);
void hr_pcap_free(hr_pcap *p);

#endif

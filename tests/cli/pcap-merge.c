/*
 * pcap-merge.c - merge pcap files into one, packets in time order
 *
 *	pcap-merge OUT IN...
 *
 * A helper of t0620 (built there with "cc -o ... -lpcap"): two replays
 * that run at the same time record into two files, one per network
 * namespace; merged, they are one capture of concurrent connections, as
 * a capture on a busy server is. The inputs must share a link type.
 */
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/time.h>

#define MAX_IN 16

/* main - merge IN... into OUT by time stamp */
int main(int argc, char **argv)
{
    char err[PCAP_ERRBUF_SIZE];
    pcap_t *in[MAX_IN];
    struct pcap_pkthdr *h[MAX_IN];
    const u_char *d[MAX_IN];
    int live[MAX_IN], n = argc - 2;
    pcap_dumper_t *out;

    if (n < 1 || n > MAX_IN) {
        fprintf(stderr, "usage: pcap-merge OUT IN...\n");
        return 2;
    }
    for (int i = 0; i < n; i++) {
        if ((in[i] = pcap_open_offline(argv[i + 2], err)) == NULL) {
            fprintf(stderr, "pcap-merge: %s\n", err);
            return 2;
        }
        if (pcap_datalink(in[i]) != pcap_datalink(in[0])) {
            fprintf(stderr, "pcap-merge: %s: another link type\n", argv[i + 2]);
            return 2;
        }
        live[i] = pcap_next_ex(in[i], &h[i], &d[i]) == 1;
    }
    if ((out = pcap_dump_open(in[0], argv[1])) == NULL) {
        fprintf(stderr, "pcap-merge: %s\n", pcap_geterr(in[0]));
        return 2;
    }
    for (;;) {
        int k = -1;

        for (int i = 0; i < n; i++)
            if (live[i] && (k < 0 || timercmp(&h[i]->ts, &h[k]->ts, <)))
                k = i;
        if (k < 0)
            break;
        pcap_dump((u_char *)out, h[k], d[k]);
        live[k] = pcap_next_ex(in[k], &h[k], &d[k]) == 1;
    }
    pcap_dump_close(out);
    for (int i = 0; i < n; i++)
        pcap_close(in[i]);
    return 0;
}

/*
 * NAME
 *	instance/capture 3
 * SUMMARY
 *	record an instance's SMTP traffic with tcpdump
 * SYNOPSIS
 *	#include "instance/capture.h"
 *
 *	int	hr_capture_start(out, netns, path, snaplen)
 *	int	hr_capture_stop(c)
 *	void	hr_capture_free(c)
 * DESCRIPTION
 *	hr_capture_start() runs tcpdump on the loopback interface of a
 *	network namespace, writing a pcap file for the importer
 *	(pcap_import(3)): "tcpdump -i lo -s SNAPLEN -B 32768
 *	--immediate-mode -U -Z root -w TEMP", where TEMP is beside
 *	path. The filter keeps TCP port 25 except the sink's traffic
 *	(127.0.0.9), so that a capture holds the client sessions and
 *	nothing else but the fence below. It returns once tcpdump says
 *	"listening on", so that nothing sent afterwards is missed.
 *	snaplen 0 is tcpdump's "-s 0" (everything); a smaller one
 *	records truncated packets, for tests of the importer's refusal.
 *	The buffer is 32 MiB: on a busy machine (two replays and a
 *	fuzzer on two cores) the default 2 MiB one dropped packets.
 *
 *	hr_capture_stop() fences the capture: it sends one UDP datagram
 *	with a unique marker to 127.0.0.254:9 inside the namespace (the
 *	filter keeps it; the importer skips what is not TCP) and waits
 *	until the marker is in the file, so that every packet before it
 *	was written. Then it stops tcpdump with SIGINT, checks that it
 *	exited 0 and dropped nothing, and renames TEMP to path. The
 *	capture is freed either way; on failure TEMP is removed.
 *
 *	hr_capture_free() stops tcpdump, if it runs, and removes TEMP;
 *	for error paths.
 * DIAGNOSTICS
 *	Negative returns: tcpdump missing (Debian package tcpdump), not
 *	starting (its last line of stderr), not listening within 10 s, a
 *	fence not seen within 5 s, tcpdump failing or dropping packets.
 * SEE ALSO
 *	tcpdump(8), pcap_import(3), cmd_replay(1).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "instance/capture.h"
#include "util/buf.h"
#include "util/clock.h"
#include "util/fsutil.h"
#include "util/mem.h"
#include "util/msg.h"
#include "instance/netns.h"
#include "util/spawn.h"

#define FILTER                                                                 \
    "(tcp port 25 and not host 127.0.0.9) or "                                 \
    "(udp dst port 9 and dst host 127.0.0.254)"
#define LISTEN_MS 10000
#define FENCE_MS 5000
#define EXIT_MS 5000
#define MAX_ERR (64 << 10)
#define TAIL 4096 /* the fence is the last packet */

struct hr_capture {
    char *netns, *path, *tmp, *err_path;
    pid_t pid; /* 0 once reaped */
};

/* sleep_ms - a short wait between polls */
static void sleep_ms(int ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};

    nanosleep(&ts, NULL);
}

/* last_line - tcpdump's last line of stderr, for messages */
static char *last_line(const struct hr_capture *c)
{
    hr_buf b = HR_BUF_INIT;
    char *s, *nl;

    if (hr_file_read(&b, c->err_path, MAX_ERR) < 0 || b.len == 0) {
        hr_buf_release(&b);
        return hr_strdup("no message");
    }
    s = hr_buf_detach(&b);
    while ((nl = strrchr(s, '\n')) && nl[1] == 0)
        *nl = 0;
    nl = strrchr(s, '\n');
    {
        char *line = hr_strdup(nl ? nl + 1 : s);

        hr_free(s);
        return line;
    }
}

/* stderr_has - tcpdump's stderr contains text */
static int stderr_has(const struct hr_capture *c, const char *text)
{
    hr_buf b = HR_BUF_INIT;
    int found = hr_file_read(&b, c->err_path, MAX_ERR) == 0 &&
                strstr(hr_buf_cstr(&b), text) != NULL;

    hr_buf_release(&b);
    return found;
}

/* stop - SIGINT, then SIGKILL; reap; 0 or the status */
static int stop(struct hr_capture *c, int *status)
{
    int error;

    if (c->pid == 0)
        return 0;
    kill(c->pid, SIGINT);
    if ((error = hr_spawn_wait(status, c->pid, EXIT_MS)) == HR_ETIMEOUT) {
        kill(-c->pid, SIGKILL);
        error = hr_spawn_wait(status, c->pid, EXIT_MS);
        if (error == 0)
            error = hr_error_set(HR_ERROR,
                                 "tcpdump did not stop on SIGINT "
                                 "within %d ms",
                                 EXIT_MS);
    }
    c->pid = 0;
    return error;
}

/* hr_capture_free - stop tcpdump if it runs, remove the temporary file */
void hr_capture_free(hr_capture *c)
{
    int status;

    if (c == NULL)
        return;
    stop(c, &status);
    unlink(c->tmp);
    unlink(c->err_path);
    hr_free(c->netns);
    hr_free(c->path);
    hr_free(c->tmp);
    hr_free(c->err_path);
    hr_free(c);
}

/* hr_capture_start - tcpdump in netns, listening, writing beside path */
int hr_capture_start(hr_capture **out, const char *netns, const char *path,
                     int snaplen)
{
    hr_spawn_opts so = HR_SPAWN_OPTS_INIT;
    hr_capture *c = hr_calloc(1, sizeof(*c));
    char *prog = NULL, *snap = hr_sprintf("%d", snaplen);
    long long deadline;
    int error, status;

    c->netns = hr_strdup(netns);
    c->path = hr_strdup(path);
    c->tmp = hr_sprintf("%s.tmp.%ld", path, (long)getpid());
    c->err_path = hr_sprintf("%s.err.%ld", path, (long)getpid());
    /* Say which file cannot be written, not that tcpdump failed. */
    {
        int fd;

        unlink(c->tmp);
        fd = open(c->tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
                  0644);

        if (fd < 0) {
            error = hr_error_set(HR_EINPUT, "cannot create '%s': %s", path,
                                 strerror(errno));
            goto done;
        }
        close(fd);
    }
    if ((error = hr_spawn_find_program(&prog, "tcpdump")) < 0) {
        error = hr_error_set(error,
                             "cannot record '%s': tcpdump is not "
                             "installed (Debian package tcpdump)",
                             path);
        goto done;
    }
    {
        const char *argv[] = {prog,   "-i",   "lo",    "-s",
                              snap,   "-B",   "32768", "--immediate-mode",
                              "-U",   "-Z",   "root",  "-w",
                              c->tmp, FILTER, NULL};

        so.argv = argv;
        so.netns = netns;
        so.out = HR_OUT_NULL;
        so.err = HR_OUT_FILE;
        so.err_path = c->err_path;
        unlink(c->err_path);
        if ((error = hr_spawn_start(&c->pid, &so)) < 0)
            goto done;
    }
    /* tcpdump prints "listening on lo, ..." once its filter is set. */
    for (deadline = hr_clock_ms() + LISTEN_MS;;) {
        if (stderr_has(c, "listening on"))
            break;
        if (hr_spawn_wait(&status, c->pid, 0) == 0) {
            char *why = last_line(c);

            c->pid = 0;
            error = hr_error_set(HR_ERROR, "tcpdump could not record '%s': %s",
                                 path, why);
            hr_free(why);
            goto done;
        }
        if (hr_clock_ms() >= deadline) {
            error = hr_error_set(HR_ETIMEOUT,
                                 "tcpdump was not listening "
                                 "after %d ms",
                                 LISTEN_MS);
            goto done;
        }
        sleep_ms(10);
    }
    *out = c;
    c = NULL;
done:
    hr_capture_free(c);
    hr_free(prog);
    hr_free(snap);
    return error;
}

/* tail_has - the last TAIL bytes of a file hold the marker */
static int tail_has(const char *path, const char *marker, size_t len)
{
    char buf[TAIL];
    struct stat st;
    ssize_t n = -1;
    int fd = open(path, O_RDONLY | O_CLOEXEC);

    if (fd < 0)
        return 0;
    if (fstat(fd, &st) == 0)
        n = pread(fd, buf, sizeof(buf),
                  st.st_size > TAIL ? st.st_size - TAIL : 0);
    close(fd);
    return n > 0 && memmem(buf, (size_t)n, marker, len) != NULL;
}

/* fence - send the marker; wait until the capture file holds it */
static int fence(hr_capture *c)
{
    struct sockaddr_in sa = {0};
    char marker[17];
    long long deadline = hr_clock_ms() + FENCE_MS, next = 0;
    int fd = -1, error;

    /* 16 bytes: a snapshot length of 60 still keeps all of it. */
    snprintf(marker, sizeof(marker), "pfh-fence%07lx",
             ((unsigned long)getpid() ^ (unsigned long)hr_clock_ms()) & 0xfffffff);
    if ((error = hr_netns_socket(&fd, c->netns, AF_INET, SOCK_DGRAM)) < 0)
        return error;
    sa.sin_family = AF_INET;
    sa.sin_port = htons(9);
    sa.sin_addr.s_addr = htonl(0x7f0000fe);
    for (;;) {
        /* Again every half second, in case one was lost. */
        if (hr_clock_ms() >= next) {
            sendto(fd, marker, 16, 0, (struct sockaddr *)&sa, sizeof(sa));
            next = hr_clock_ms() + 500;
        }
        if (tail_has(c->tmp, marker, 16))
            break;
        if (hr_clock_ms() >= deadline) {
            error = hr_error_set(HR_ETIMEOUT,
                                 "tcpdump did not record the "
                                 "end of the capture '%s' "
                                 "within %d ms",
                                 c->path, FENCE_MS);
            break;
        }
        sleep_ms(10);
    }
    close(fd);
    return error;
}

/* hr_capture_stop - fence, stop tcpdump, check it, keep the file */
int hr_capture_stop(hr_capture *c)
{
    int error, status = 0;

    if ((error = fence(c)) < 0)
        goto done;
    if ((error = stop(c, &status)) < 0)
        goto done;
    if (status != 0) {
        char *why = last_line(c);

        error = hr_error_set(HR_ERROR, "tcpdump exited with status %d: %s",
                             status, why);
        hr_free(why);
        goto done;
    }
    if (!stderr_has(c, "\n0 packets dropped by kernel")) {
        char *why = last_line(c);

        error = hr_error_set(HR_ERROR,
                             "tcpdump lost packets, the capture "
                             "'%s' is incomplete: %s",
                             c->path, why);
        hr_free(why);
        goto done;
    }
    if (rename(c->tmp, c->path) < 0)
        error = hr_error_set(HR_ERROR, "cannot rename '%s' to '%s': %s", c->tmp,
                             c->path, strerror(errno));
done:
    hr_capture_free(c);
    return error;
}

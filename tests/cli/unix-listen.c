/* unix-listen.c - a host UNIX socket that records what reaches it
 *
 *	unix-listen SOCKET OUT
 *
 * Listens on SOCKET, appends "connect\n" and every byte of every
 * connection to OUT, answers LMTP's greeting so that a client would go
 * on talking, and runs until killed. The containment tests assert that
 * OUT stays empty. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    struct sockaddr_un sa;
    int lfd;

    if (argc != 3)
        return 2;
    memset(&sa, 0, sizeof(sa));
    sa.sun_family = AF_UNIX;
    snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", argv[1]);
    unlink(argv[1]);
    if ((lfd = socket(AF_UNIX, SOCK_STREAM, 0)) < 0 ||
        bind(lfd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
        listen(lfd, 16) < 0) {
        perror(argv[1]);
        return 1;
    }
    chmod(argv[1], 0777);
    for (;;) {
        int fd = accept(lfd, NULL, NULL);
        FILE *out = fopen(argv[2], "a");
        char buf[4096];
        ssize_t n;
        static const char hello[] = "220 host.example LMTP\r\n";

        if (fd < 0 || out == NULL)
            continue;
        fputs("connect\n", out);
        fflush(out);
        if (write(fd, hello, sizeof(hello) - 1) < 0) {
            close(fd);
            fclose(out);
            continue;
        }
        while ((n = read(fd, buf, sizeof(buf))) > 0) {
            fwrite(buf, 1, (size_t)n, out);
            fflush(out);
        }
        close(fd);
        fclose(out);
    }
}

/*
 * NAME
 *	cctime 1
 * SUMMARY
 *	a compiler wrapper that counts the compiler's own CPU seconds
 * SYNOPSIS
 *	PFH_CCTIME_CC=gcc PFH_CCTIME_LOG=file tests/bench/bin/cctime ARGS...
 * DESCRIPTION
 *	The benchmark builds with "pfharness build --cc" set to this
 *	wrapper. It runs the real compiler (PFH_CCTIME_CC, default gcc)
 *	with the same arguments, waits for it, and appends one line to
 *	PFH_CCTIME_LOG: "c SECONDS" for a compile command (one with -c),
 *	"l SECONDS" for any other (links, version probes), where SECONDS
 *	is the user and system CPU time of the compiler and everything it
 *	ran (cc1, as, ld: wait4()). A line is one write(2) to a file opened
 *	with O_APPEND, so parallel compiles do not mix their lines. The
 *	exit status is the compiler's.
 *
 *	Only the wrapper's fork and exec come on top of the compiler's
 *	own time; they are not counted.
 */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    const char *cc = getenv("PFH_CCTIME_CC");
    const char *log = getenv("PFH_CCTIME_LOG");
    struct rusage ru;
    int status, compile = 0;
    pid_t pid;

    (void)argc;
    if (cc == NULL || *cc == 0)
        cc = "gcc";
    for (char **a = argv + 1; *a; a++)
        compile |= strcmp(*a, "-c") == 0;
    argv[0] = (char *)cc;
    if ((pid = fork()) < 0) {
        perror("cctime: fork");
        return 127;
    }
    if (pid == 0) {
        execvp(cc, argv);
        fprintf(stderr, "cctime: %s: ", cc);
        perror("exec");
        _exit(127);
    }
    while (wait4(pid, &status, 0, &ru) < 0)
        ;
    if (log && *log) {
        char line[64];
        int fd = open(log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
        int n = snprintf(line, sizeof(line), "%c %.6f\n", compile ? 'c' : 'l',
                         (double)ru.ru_utime.tv_sec +
                             ru.ru_utime.tv_usec / 1e6 +
                             (double)ru.ru_stime.tv_sec +
                             ru.ru_stime.tv_usec / 1e6);

        if (fd < 0 || write(fd, line, (size_t)n) != n) {
            perror("cctime: log");
            return 127;
        }
        close(fd);
    }
    if (WIFSIGNALED(status)) {
        signal(WTERMSIG(status), SIG_DFL);
        raise(WTERMSIG(status));
    }
    return WIFEXITED(status) ? WEXITSTATUS(status) : 127;
}

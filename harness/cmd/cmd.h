#ifndef HR_CMD_CMD_H
#define HR_CMD_CMD_H

/* cmd/cmd.h - subcommands and the exit-code contract */

#define HR_EXIT_OK 0        /* all cases pass, or the verb succeeded */
#define HR_EXIT_FINDINGS 1  /* at least one verdict other than pass */
#define HR_EXIT_TROUBLE 2   /* usage, bad input, build or instance failure */

typedef int (*hr_cmd_fn)(int argc, char **argv);

int cmd_fetch(int argc, char **argv);
int cmd_build(int argc, char **argv);
int cmd_builds(int argc, char **argv);
int cmd_cases(int argc, char **argv);
int cmd_clean(int argc, char **argv);
int cmd_normalize(int argc, char **argv);
int cmd_replay(int argc, char **argv);
int cmd_run(int argc, char **argv);
int cmd_record(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_import(int argc, char **argv);
int cmd_bisect(int argc, char **argv);

int hr_cmd_fail(void);
int hr_cmd_usage(const char *usage);
int hr_cmd_help(const char *usage);
int hr_cmd_flush(int code);
int hr_cmd_need_root(const char *what);
int hr_cmd_parse_int(int *out, const char *opt, const char *arg, int min,
                     int max);
struct hr_runner_opts;
int hr_cmd_build_option(struct hr_runner_opts *o, int ch, const char *arg);
struct hr_run;
void hr_cmd_print_table(const struct hr_run *run);
int hr_cmd_write_reports(const struct hr_run *run, const char *json,
                         const char *junit, const char *html, char **html_out);
int cmd_merge(int argc, char **argv);
int cmd_funcprobe(int argc, char **argv);
int cmd_reduce(int argc, char **argv);

#endif

#ifndef HR_CMD_PROGRESS_H
#define HR_CMD_PROGRESS_H

/* cmd/progress.h - progress of long work, on a terminal and in a CI log */

typedef struct hr_cmd_progress hr_cmd_progress;

hr_cmd_progress *hr_cmd_progress_start(void);
void hr_cmd_progress_line(const char *line, void *payload);
void hr_cmd_progress_stop(hr_cmd_progress *p);

#endif

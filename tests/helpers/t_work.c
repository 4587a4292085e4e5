/* t_work RECORD NAME WORK [EXIT]: appends "start NAME PID" to RECORD, works, appends "end NAME", exits with
 * EXIT (default 0). WORK is a number of CPU units (one unit is a million iterations of a loop the compiler
 * cannot drop, about a millisecond of CPU on an idle machine), or sMS to sleep MS milliseconds instead. Each
 * record line is one write(2) to a file opened O_APPEND, so concurrent jobs never interleave within a line and
 * the file's order is the order of the events. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static void record(const char* path, const char* line) {
  int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) exit(101);
  if (write(fd, line, strlen(line)) < 0) exit(102);
  close(fd);
}

int main(int argc, char** argv) {
  if (argc < 4) {
    fputs("usage: t_work RECORD NAME UNITS|sMS [EXIT]\n", stderr);
    return 2;
  }
  char line[256];
  snprintf(line, sizeof line, "start %s %d\n", argv[2], (int)getpid());
  record(argv[1], line);
  if (argv[3][0] == 's') {
    long ms = atol(argv[3] + 1);
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0) {
    }
  } else {
    volatile unsigned long sink = 0;
    long units = atol(argv[3]);
    for (long u = 0; u < units; ++u)
      for (long i = 0; i < 1000000; ++i) sink += (unsigned long)i;
  }
  snprintf(line, sizeof line, "end %s\n", argv[2]);
  record(argv[1], line);
  return argc > 4 ? atoi(argv[4]) : 0;
}

// spawn2: the raw baseline for the job-queue figure: N runs of a program, two at a time, by posix_spawn and
// waitpid, as a minimal job runner with no queue, no history and no logs would do.
//   usage: spawn2 N PROG [ARGS...]   (each run gets its number as a last argument, like `seq N | xargs -n1`)
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

extern char **environ;

int main(int argc, char **argv) {
  if (argc < 3) { fprintf(stderr, "usage: spawn2 N PROG [ARGS...]\n"); return 2; }
  long n = atol(argv[1]);
  int nargs = argc - 2;
  char **args = calloc((size_t)nargs + 2, sizeof *args);
  for (int i = 0; i < nargs; ++i) args[i] = argv[i + 2];
  char number[32];
  args[nargs] = number;
  long started = 0, running = 0;
  while (started < n || running > 0) {
    while (running < 2 && started < n) {
      snprintf(number, sizeof number, "%ld", ++started);
      pid_t pid;
      int rc = posix_spawnp(&pid, args[0], NULL, NULL, args, environ);
      if (rc != 0) { fprintf(stderr, "spawn2: %s: %s\n", args[0], strerror(rc)); return 1; }
      ++running;
    }
    if (wait(NULL) > 0) --running;
  }
  return 0;
}

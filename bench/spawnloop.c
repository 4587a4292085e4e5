// spawnloop: the raw baseline for the crash-restart interval: posix_spawn + waitpid in a loop, forever
// (stopped by SIGTERM).  usage: spawnloop PROG [ARGS...]
#include <spawn.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>

extern char **environ;

int main(int argc, char **argv) {
  if (argc < 2) { fprintf(stderr, "usage: spawnloop PROG [ARGS...]\n"); return 2; }
  for (;;) {
    pid_t pid;
    int rc = posix_spawn(&pid, argv[1], NULL, NULL, argv + 1, environ);
    if (rc != 0) { fprintf(stderr, "spawnloop: %s: %s\n", argv[1], strerror(rc)); return 1; }
    while (waitpid(pid, NULL, 0) < 0) {}
  }
}

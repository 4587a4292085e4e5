// spawnmany: the raw baseline for "start N programs": posix_spawn N times, print the ms from before
// the first spawn until the last posix_spawn returned (glibc returns once the child has exec'ed),
// then SIGKILL and reap them all.  usage: spawnmany N PROG [ARGS...]
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>

extern char **environ;

static double now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

int main(int argc, char **argv) {
  if (argc < 3) { fprintf(stderr, "usage: spawnmany N PROG [ARGS...]\n"); return 2; }
  int n = atoi(argv[1]);
  pid_t *pids = calloc(n, sizeof *pids);
  double t0 = now_ms();
  for (int i = 0; i < n; i++) {
    int rc = posix_spawn(&pids[i], argv[2], NULL, NULL, argv + 2, environ);
    if (rc != 0) { fprintf(stderr, "spawnmany: %s: %s\n", argv[2], strerror(rc)); return 1; }
  }
  double t1 = now_ms();
  printf("%.3f\n", t1 - t0);
  for (int i = 0; i < n; i++) kill(pids[i], SIGKILL);
  for (int i = 0; i < n; i++) waitpid(pids[i], NULL, 0);
  return 0;
}

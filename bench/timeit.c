// timeit: wall time (process start included) and CPU time (user + system, from wait4) of whole command runs,
// interleaved.
// usage: timeit ROUNDS WARMUP LABEL CMD [ARGS...] [:: LABEL CMD [ARGS...]]...
// Each round runs every command once, in order; output lines "LABEL<TAB>wall_ms<TAB>cpu_ms<TAB>exit".
// stdout/stderr of the commands go to /dev/null. Exit 1 if any timed run failed.
#define _GNU_SOURCE
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

static double now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int run(char **argv, double *wall, double *cpu) {
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
  double t0 = now_ms();
  pid_t pid;
  int rc = posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ);
  posix_spawn_file_actions_destroy(&fa);
  if (rc != 0) { fprintf(stderr, "timeit: spawn %s: %s\n", argv[0], strerror(rc)); return 127; }
  int st;
  struct rusage ru;
  while (wait4(pid, &st, 0, &ru) < 0) {}
  *wall = now_ms() - t0;
  *cpu = (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e3 + (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e3;
  return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

int main(int argc, char **argv) {
  if (argc < 5) { fprintf(stderr, "usage: timeit ROUNDS WARMUP LABEL CMD... [:: LABEL CMD...]\n"); return 2; }
  int rounds = atoi(argv[1]), warm = atoi(argv[2]);
  char **labels[64]; int n = 0;  // each entry points at LABEL; argv is split in place at "::"
  for (int i = 3; i < argc && n < 64;) {
    labels[n++] = &argv[i];
    int j = i;
    while (j < argc && strcmp(argv[j], "::") != 0) j++;
    if (j < argc) argv[j] = NULL;
    i = j + 1;
  }
  int failed = 0;
  for (int r = -warm; r < rounds; r++)
    for (int k = 0; k < n; k++) {
      double wall = 0, cpu = 0;
      int rc = run(labels[k] + 1, &wall, &cpu);
      if (r < 0) continue;
      printf("%s\t%.3f\t%.3f\t%d\n", labels[k][0], wall, cpu, rc);
      if (rc != 0) failed = 1;
    }
  return failed;
}

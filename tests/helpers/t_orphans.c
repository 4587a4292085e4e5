/* t_orphans N [DELAY_MS]: forks N children that each exit after DELAY_MS (default 0) and are never waited
 * for, prints "forked N", then exits 0 at once. The children end up re-parented to the nearest subreaper (the
 * daemon), as live orphans or as zombies, and must be reaped there. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char** argv) {
  int count = argc > 1 ? atoi(argv[1]) : 10;
  long delay_ms = argc > 2 ? atol(argv[2]) : 0;
  for (int i = 0; i < count; ++i) {
    pid_t pid = fork();
    if (pid < 0) return 101;
    if (pid == 0) {
      if (delay_ms > 0) {
        struct timespec ts = {delay_ms / 1000, (delay_ms % 1000) * 1000000L};
        while (nanosleep(&ts, &ts) != 0) {
        }
      }
      _exit(0);
    }
  }
  printf("forked %d\n", count);
  fflush(stdout);
  return 0;
}

/* t_zombie_maker N: forks N children that exit at once and are never reaped, prints "ready PID1 PID2 ..."
 * and then waits (for a signal) forever, so the children stay zombies with this process as their parent. */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int main(int argc, char** argv) {
  int count = argc > 1 ? atoi(argv[1]) : 3;
  printf("ready");
  for (int i = 0; i < count; ++i) {
    pid_t pid = fork();
    if (pid < 0) return 101;
    if (pid == 0) _exit(0);
    printf(" %d", (int)pid);
  }
  printf("\n");
  fflush(stdout);
  for (;;) pause();
}

// Forks a grandchild that leaves the session (setsid), prints its pid on stdout and waits forever;
// the direct child waits forever too. Only a cgroup kill reaches both.
#define _GNU_SOURCE
#include <stdio.h>
#include <unistd.h>

int main(void) {
  pid_t pid = fork();
  if (pid < 0) return 2;
  if (pid == 0) {
    if (setsid() < 0) return 3;
    printf("%d\n", getpid());
    fflush(stdout);
  }
  for (;;) pause();
}

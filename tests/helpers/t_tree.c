/* t_tree [orphan]: forks a child that forks a grandchild; all three wait for a signal. With "orphan" it also
 * forks a short-lived middle process whose own child outlives it, so that child is re-parented to the
 * nearest subreaper. Prints "ready CHILD GRANDCHILD [ORPHAN]" once every process exists. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static void wait_forever(void) {
  for (;;) pause();
}

int main(int argc, char** argv) {
  int ready[2];
  if (pipe(ready) != 0) return 101;
  pid_t child = fork();
  if (child < 0) return 101;
  if (child == 0) {
    pid_t grandchild = fork();
    if (grandchild == 0) wait_forever();
    if (write(ready[1], &grandchild, sizeof grandchild) != sizeof grandchild) _exit(102);
    wait_forever();
  }
  pid_t grandchild = 0, orphan = 0;
  if (read(ready[0], &grandchild, sizeof grandchild) != sizeof grandchild) return 103;
  if (argc > 1 && strcmp(argv[1], "orphan") == 0) {
    pid_t middle = fork();
    if (middle == 0) {
      pid_t left = fork();
      if (left == 0) wait_forever();
      if (write(ready[1], &left, sizeof left) != sizeof left) _exit(102);
      _exit(0);  /* never waits for `left`: it is re-parented */
    }
    if (read(ready[0], &orphan, sizeof orphan) != sizeof orphan) return 103;
  }
  if (orphan) printf("ready %d %d %d\n", (int)child, (int)grandchild, (int)orphan);
  else printf("ready %d %d\n", (int)child, (int)grandchild);
  fflush(stdout);
  wait_forever();
}

/* t_ignore_term: ignores SIGTERM, prints "ignoring", then sleeps until SIGKILL. */
#include <signal.h>
#include <stdio.h>
#include <unistd.h>

int main(void) {
  signal(SIGTERM, SIG_IGN);
  fputs("ignoring\n", stdout);
  fflush(stdout);
  for (;;) pause();
}

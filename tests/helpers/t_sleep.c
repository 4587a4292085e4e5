/* t_sleep [MARKER...]: prints "ready", then sleeps until a signal ends it. Extra arguments are ignored; tests
 * use them as unique markers to find this process in /proc. */
#include <stdio.h>
#include <unistd.h>

int main(void) {
  fputs("ready\n", stdout);
  fflush(stdout);
  for (;;) pause();
}

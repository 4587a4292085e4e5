/* t_spin: prints "ready" and then burns CPU until a signal ends it. For CPU% figures. */
#include <stdio.h>

int main(void) {
  printf("ready\n");
  fflush(stdout);
  volatile unsigned long n = 0;
  for (;;) ++n;
}

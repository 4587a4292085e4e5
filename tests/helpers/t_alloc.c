/* t_alloc MIB: allocates MIB mebibytes and touches every page (so they count in its RSS), prints
 * "allocated MIB", then waits for a signal. For memory limits. */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int main(int argc, char** argv) {
  long mib = argc > 1 ? atol(argv[1]) : 64;
  size_t bytes = (size_t)mib << 20;
  /* volatile: the compiler must not drop stores to memory nobody reads (it would, to malloc + memset). */
  volatile char* block = malloc(bytes);
  if (!block) return 101;
  for (size_t i = 0; i < bytes; i += 4096) block[i] = 1;
  printf("allocated %ld\n", mib);
  fflush(stdout);
  for (;;) pause();
}

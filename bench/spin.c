// spin UNITS: burns UNITS units of CPU (one unit is a million iterations of a loop the compiler cannot drop,
// about a millisecond on an idle core) and exits 0. The mixed workload's short and long jobs.
#include <stdlib.h>

int main(int argc, char **argv) {
  long units = argc > 1 ? atol(argv[1]) : 1;
  volatile unsigned long sink = 0;
  for (long u = 0; u < units; ++u)
    for (long i = 0; i < 1000000; ++i) sink += (unsigned long)i;
  return 0;
}

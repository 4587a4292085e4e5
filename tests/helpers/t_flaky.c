/* t_flaky COUNTER FAILS: counts its runs in the file COUNTER and exits 1 for the first FAILS runs, 0 after. */
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char** argv) {
  if (argc < 3) return 2;
  long runs = 0;
  FILE* f = fopen(argv[1], "r");
  if (f) {
    if (fscanf(f, "%ld", &runs) != 1) runs = 0;
    fclose(f);
  }
  ++runs;
  f = fopen(argv[1], "w");
  if (!f) return 101;
  fprintf(f, "%ld\n", runs);
  fclose(f);
  return runs <= atol(argv[2]) ? 1 : 0;
}

/* t_longline BYTES: writes one line of BYTES characters (the digits 0-9 repeated) plus a newline, then "end",
 * and exits 0. Used to check that lines over the daemon's line limit are split, not lost. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char** argv) {
  long bytes = argc > 1 ? atol(argv[1]) : 0;
  char* buf = malloc((size_t)bytes + 1);
  if (!buf) return 101;
  for (long i = 0; i < bytes; ++i) buf[i] = (char)('0' + i % 10);
  buf[bytes] = '\n';
  size_t left = (size_t)bytes + 1;
  const char* p = buf;
  while (left > 0) {
    ssize_t n = write(1, p, left);
    if (n <= 0) return 102;
    p += n;
    left -= (size_t)n;
  }
  if (write(1, "end\n", 4) != 4) return 102;
  free(buf);
  return 0;
}

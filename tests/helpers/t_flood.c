/* t_flood: writes numbered 100-byte lines to stdout as fast as it can, forever. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int main(void) {
  char block[100 * 64];
  for (unsigned long long n = 0;;) {
    size_t used = 0;
    for (int i = 0; i < 64; ++i, ++n) {
      int len = snprintf(block + used, 100, "%020llu ", n);
      memset(block + used + len, 'f', (size_t)(99 - len));
      block[used + 99] = '\n';
      used += 100;
    }
    if (write(1, block, used) < 0) return 102;
  }
}

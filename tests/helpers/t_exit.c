/* t_exit CODE [DELAY_MS]: runs for DELAY_MS (default 0), then exits with CODE. */
#include <stdlib.h>
#include <time.h>

int main(int argc, char** argv) {
  int code = argc > 1 ? atoi(argv[1]) : 0;
  long delay_ms = argc > 2 ? atol(argv[2]) : 0;
  if (delay_ms > 0) {
    struct timespec ts = {delay_ms / 1000, (delay_ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0) {
    }
  }
  return code;
}

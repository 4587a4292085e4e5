/* t_crash_stamp FILE CODE [DELAY_MS]: appends this start's CLOCK_MONOTONIC time in microseconds as one line
 * to FILE, runs for DELAY_MS (default 0), then exits with CODE. Tests read FILE to see when each restart
 * began. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char** argv) {
  if (argc < 3) {
    fputs("usage: t_crash_stamp FILE CODE [DELAY_MS]\n", stderr);
    return 100;
  }
  struct timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  char line[64];
  int len = snprintf(line, sizeof line, "%lld\n", (long long)now.tv_sec * 1000000LL + now.tv_nsec / 1000);
  int fd = open(argv[1], O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0 || write(fd, line, (size_t)len) != len) return 101;
  close(fd);
  long delay_ms = argc > 3 ? atol(argv[3]) : 0;
  if (delay_ms > 0) {
    struct timespec ts = {delay_ms / 1000, (delay_ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0) {
    }
  }
  return atoi(argv[2]);
}

// crash: appends its start time (CLOCK_MONOTONIC ns, 8 bytes, one O_APPEND write) to FILE, exits 1.
// The file is a supervisor-independent record of every (re)start.  usage: crash FILE
#include <fcntl.h>
#include <stdint.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  uint64_t ns = (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
  if (argc > 1) {
    int fd = open(argv[1], O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
    if (fd >= 0) {
      (void)!write(fd, &ns, sizeof ns);
      close(fd);
    }
  }
  return 1;
}

// ipcline.h: the framing shared by bench/ipcpeer.c, ipcraw.c and ipcsend.c — one message per line on the
// fd in chan_fd, read through one buffer.
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static int chan_fd;
static char chan_buf[1 << 20];
static size_t chan_have;

static double now_us(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static void put(const char* s, size_t n) {
  while (n > 0) {
    ssize_t w = write(chan_fd, s, n);
    if (w <= 0) exit(3);
    s += w;
    n -= (size_t)w;
  }
}

/* The next line, copied into out (without '\n', NUL-terminated) unless out is NULL; exits at EOF. */
static size_t get_line(char* out, size_t cap) {
  for (;;) {
    char* nl = memchr(chan_buf, '\n', chan_have);
    if (nl) {
      size_t len = (size_t)(nl - chan_buf);
      if (out) {
        size_t copy = len < cap ? len : cap - 1;
        memcpy(out, chan_buf, copy);
        out[copy] = '\0';
      }
      chan_have -= len + 1;
      memmove(chan_buf, nl + 1, chan_have);
      return len;
    }
    ssize_t r = read(chan_fd, chan_buf + chan_have, sizeof chan_buf - chan_have);
    if (r <= 0) exit(0);
    chan_have += (size_t)r;
  }
}

static int cmp_double(const void* a, const void* b) {
  double x = *(const double*)a, y = *(const double*)b;
  return x < y ? -1 : x > y;
}

// waitlog: waits until a log holds every byte a flood run wrote, then prints the seconds from the flood's
// own start (read from STAMPFILE) to that moment.
// usage: waitlog PATH BASE PAYLOAD LINELEN STAMPFILE TIMEOUT_S STAMPED
//   PATH     a log file, or a directory (s6-log: sum of "current" and archived "@*" files)
//   BASE     bytes already in PATH before the run
//   STAMPED  1 when each line carries a prefix (timestamp): its length is taken from the run's first line
// Polls every 2 ms.  Prints "SECONDS BYTES" (exit 0); "incomplete BYTES EXPECTED" (exit 1) when the flood has
// finished (STAMPFILE.done exists) and the log has not grown for 5 s; "timeout BYTES EXPECTED" (exit 1).
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static long long now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static long long size_of(const char *path, int is_dir) {
  struct stat st;
  if (!is_dir) return stat(path, &st) == 0 ? (long long)st.st_size : 0;
  DIR *d = opendir(path);
  if (!d) return 0;
  long long sum = 0;
  struct dirent *e;
  while ((e = readdir(d))) {
    if (strcmp(e->d_name, "current") != 0 && e->d_name[0] != '@') continue;
    if (fstatat(dirfd(d), e->d_name, &st, 0) == 0) sum += st.st_size;
  }
  closedir(d);
  return sum;
}

static void nap(void) {
  struct timespec ts = {0, 2000000};
  nanosleep(&ts, NULL);
}

int main(int argc, char **argv) {
  if (argc < 8) { fprintf(stderr, "usage: waitlog PATH BASE PAYLOAD LINELEN STAMPFILE TIMEOUT_S STAMPED\n"); return 2; }
  const char *path = argv[1];
  long long base = atoll(argv[2]), payload = atoll(argv[3]);
  int len = atoi(argv[4]);
  const char *stampfile = argv[5];
  long long deadline = now_ns() + atoll(argv[6]) * 1000000000LL;
  int stamped = atoi(argv[7]);
  struct stat st;
  int is_dir = stat(path, &st) == 0 && S_ISDIR(st.st_mode);
  long long start = 0;
  while (!start) {  // wait for the flood to start
    FILE *f = fopen(stampfile, "r");
    if (f) {
      if (fscanf(f, "%lld", &start) != 1) start = 0;
      fclose(f);
    }
    if (!start) {
      if (now_ns() > deadline) { printf("timeout 0 0 (flood never started)\n"); return 1; }
      nap();
    }
  }
  long long expected = stamped ? -1 : payload, got = 0, last = -1, last_change = now_ns();
  char done[4096];
  snprintf(done, sizeof done, "%s.done", stampfile);
  for (;;) {
    got = size_of(path, is_dir) - base;
    if (got != last) {
      last = got;
      last_change = now_ns();
    } else if (now_ns() - last_change > 5000000000LL && access(done, F_OK) == 0) {
      printf("incomplete %lld %lld\n", got, expected);
      return 1;
    }
    if (expected < 0 && got > 0) {  // learn the prefix length from the first complete line
      char line[4096];
      int fd = open(path, O_RDONLY | O_CLOEXEC);
      ssize_t n = fd >= 0 ? pread(fd, line, sizeof line, base) : -1;
      if (fd >= 0) close(fd);
      char *nl = n > 0 ? memchr(line, '\n', (size_t)n) : NULL;
      if (nl) {
        long long prefix = (nl - line + 1) - len;
        expected = payload + payload / len * prefix;
      }
    }
    if (expected >= 0 && got >= expected) break;
    if (now_ns() > deadline) { printf("timeout %lld %lld\n", got, expected); return 1; }
    nap();
  }
  printf("%.4f %lld\n", (now_ns() - start) / 1e9, got);
  return 0;
}

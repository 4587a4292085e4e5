// flood: writes its start time (CLOCK_MONOTONIC ns, text) to STAMPFILE, then TOTAL bytes of LINELEN-byte
// lines ("xxx...\n") to stdout, then writes STAMPFILE.done (so that a waiter can tell a lost tail from a slow
// one) and exits 0.  usage: flood TOTAL LINELEN STAMPFILE [stdio|bulk]
//   stdio (default): line by line into a buffer flushed in st_blksize blocks (4 KiB for a pipe or an ext4
//                    file), the way a typical program's full-buffered stdout behaves; the per-line work
//                    bounds the producer, as in the anchors
//   bulk:            ~64 KiB write(2) calls of many lines at once (the file system's ceiling)
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static int write_all(const char *p, size_t n) {
  while (n > 0) {
    ssize_t w = write(1, p, n);
    if (w < 0) {
      if (errno == EINTR) continue;
      perror("flood: write");
      return 1;
    }
    p += w;
    n -= (size_t)w;
  }
  return 0;
}

static int run(int argc, char **argv) {
  if (argc < 4) { fprintf(stderr, "usage: flood TOTAL LINELEN STAMPFILE\n"); return 2; }
  long long total = atoll(argv[1]);
  int len = atoi(argv[2]);
  if (len < 1 || total % len != 0) { fprintf(stderr, "flood: TOTAL must be a multiple of LINELEN\n"); return 2; }
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  char stamp[64];
  int sl = snprintf(stamp, sizeof stamp, "%lld\n", (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec);
  int sfd = open(argv[3], O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (sfd < 0 || write(sfd, stamp, sl) != sl) { perror("flood: stampfile"); return 1; }
  close(sfd);
  if (argc > 4 && strcmp(argv[4], "bulk") != 0 && strcmp(argv[4], "stdio") != 0) {
    fprintf(stderr, "flood: mode is stdio or bulk\n");
    return 2;
  }
  if (argc <= 4 || strcmp(argv[4], "stdio") == 0) {
    // what a full-buffered stdio stream does, minus its per-call overhead: lines are copied one by one
    // into a buffer of st_blksize bytes that is written out whenever it is full (lines may straddle)
    struct stat st;
    size_t cap = fstat(1, &st) == 0 && st.st_blksize > 0 ? (size_t)st.st_blksize : 4096;
    char *out = malloc(cap), *line = malloc(len);
    memset(line, 'x', len - 1);
    line[len - 1] = '\n';
    size_t used = 0;
    for (long long n = total / len; n > 0; n--) {
      if (cap - used > (size_t)len) {  // the common case: the line fits with room to spare
        memcpy(out + used, line, len);
        used += len;
        continue;
      }
      size_t done = 0;
      while (done < (size_t)len) {
        size_t take = (size_t)len - done < cap - used ? (size_t)len - done : cap - used;
        memcpy(out + used, line + done, take);
        used += take;
        done += take;
        if (used == cap) {
          if (write_all(out, used) != 0) return 1;
          used = 0;
        }
      }
    }
    return used ? write_all(out, used) : 0;
  }
  size_t chunk = (65536 / len) * len;
  if (chunk == 0) chunk = len;
  char *buf = malloc(chunk);
  for (size_t i = 0; i < chunk; i++) buf[i] = (i % len == (size_t)len - 1) ? '\n' : 'x';
  while (total > 0) {
    size_t want = total < (long long)chunk ? (size_t)total : chunk;
    size_t off = 0;
    while (off < want) {
      ssize_t w = write(1, buf + off, want - off);
      if (w < 0) {
        if (errno == EINTR) continue;
        perror("flood: write");
        return 1;
      }
      off += (size_t)w;
    }
    total -= (long long)want;
  }
  return 0;
}

int main(int argc, char **argv) {
  int rc = run(argc, argv);
  if (rc == 0) {
    char done[4096];
    snprintf(done, sizeof done, "%s.done", argv[3]);
    int fd = open(done, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd >= 0) close(fd);
  }
  return rc;
}

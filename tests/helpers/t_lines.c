/* t_lines N [--err] [--partial TEXT] [--abort | --exit CODE | --pause]
 * Writes "line 1" .. "line N" (one write(2) per line, so nothing sits in a stdio buffer) to stdout, or stderr
 * with --err. --partial then writes TEXT with no newline. Finally exits 0, or abort()s, exits CODE, or sleeps
 * until a signal ends it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void write_all(int fd, const char* buf, size_t len) {
  while (len > 0) {
    ssize_t n = write(fd, buf, len);
    if (n <= 0) exit(102);
    buf += n;
    len -= (size_t)n;
  }
}

int main(int argc, char** argv) {
  if (argc < 2) {
    fputs("usage: t_lines N [--err] [--partial TEXT] [--abort | --exit CODE | --pause]\n", stderr);
    return 100;
  }
  long count = atol(argv[1]);
  int fd = 1, do_abort = 0, do_pause = 0, code = 0;
  const char* partial = NULL;
  for (int i = 2; i < argc; ++i) {
    if (strcmp(argv[i], "--err") == 0)
      fd = 2;
    else if (strcmp(argv[i], "--partial") == 0 && i + 1 < argc)
      partial = argv[++i];
    else if (strcmp(argv[i], "--abort") == 0)
      do_abort = 1;
    else if (strcmp(argv[i], "--pause") == 0)
      do_pause = 1;
    else if (strcmp(argv[i], "--exit") == 0 && i + 1 < argc)
      code = atoi(argv[++i]);
    else
      return 100;
  }
  char line[64];
  for (long i = 1; i <= count; ++i) {
    int len = snprintf(line, sizeof line, "line %ld\n", i);
    write_all(fd, line, (size_t)len);
  }
  if (partial) write_all(fd, partial, strlen(partial));
  if (do_abort) abort();
  if (do_pause)
    for (;;) pause();
  return code;
}

/* t_ipc_echo [--ready] [--forward TO] [--status TEXT]: a child on the message channel (TEND_IPC_FD). With
 * --ready it first sends {"tend":"ready"}; with --status, {"tend":"status","status":TEXT}. Then, for every
 * line it receives, it prints "got LINE" and replies {"echo":LINE,"pid":PID}, or with --forward sends
 * {"tend":"send","to":TO,"data":LINE} (routing through tend to program TO). Exits 0 when the channel closes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int out_fd;

static int write_all(const char* data, size_t len) {
  while (len > 0) {
    ssize_t n = write(out_fd, data, len);
    if (n <= 0) return -1;
    data += n;
    len -= (size_t)n;
  }
  return 0;
}

static int reply(const char* line, size_t len, const char* forward) {
  char head[512];
  int n = forward ? snprintf(head, sizeof head, "{\"tend\":\"send\",\"to\":\"%s\",\"data\":", forward)
                  : snprintf(head, sizeof head, "{\"pid\":%d,\"echo\":", (int)getpid());
  if (write_all(head, (size_t)n) != 0 || write_all(line, len) != 0) return -1;
  return write_all("}\n", 2);
}

int main(int argc, char** argv) {
  const char* forward = NULL;
  const char* fd_text = getenv("TEND_IPC_FD");
  if (!fd_text) return 100;
  out_fd = atoi(fd_text);
  for (int i = 1; i < argc; ++i) {
    if (strcmp(argv[i], "--ready") == 0 && write_all("{\"tend\":\"ready\"}\n", 17) != 0) return 101;
    if (strcmp(argv[i], "--forward") == 0 && i + 1 < argc) forward = argv[++i];
    if (strcmp(argv[i], "--status") == 0 && i + 1 < argc) {
      char msg[512];
      int n = snprintf(msg, sizeof msg, "{\"tend\":\"status\",\"status\":\"%s\"}\n", argv[++i]);
      if (write_all(msg, (size_t)n) != 0) return 101;
    }
  }
  printf("listening\n");
  fflush(stdout);
  size_t cap = 1 << 16, len = 0;
  char* buf = malloc(cap);
  for (;;) {
    if (len == cap) buf = realloc(buf, cap *= 2);
    ssize_t n = read(out_fd, buf + len, cap - len);
    if (n <= 0) return 0;
    len += (size_t)n;
    char* start = buf;
    char* nl;
    while ((nl = memchr(start, '\n', len - (size_t)(start - buf))) != NULL) {
      printf("got %.*s\n", (int)(nl - start), start);
      fflush(stdout);
      if (reply(start, (size_t)(nl - start), forward) != 0) return 102;
      start = nl + 1;
    }
    len -= (size_t)(start - buf);
    memmove(buf, start, len);
  }
}

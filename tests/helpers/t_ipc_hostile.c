/* t_ipc_hostile MODE: abuses its message channel (TEND_IPC_FD).
 *   barrage  sends, in order: garbage, truncated JSON, invalid UTF-8, a raw control character, 100000 levels
 *            of nesting, a 2 MiB line (in pieces), 16 messages carrying 8 fds each, a NODE_HANDLE with an fd
 *            (prints "acked" when tend answers NODE_HANDLE_ACK), an unknown {"tend":...}, routes to nowhere
 *            and of a Node-internal payload, blank lines; then {"hostile":"done"}; then prints what it
 *            receives ("got LINE") until the channel closes.
 *   flood N  sends N malformed lines as fast as it can, then {"hostile":"flooded"}, then sleeps.
 *   noread   never reads its channel. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static int chan;

static void put(const char* data, size_t len) {
  while (len > 0) {
    ssize_t n = write(chan, data, len);
    if (n <= 0) exit(110);
    data += n;
    len -= (size_t)n;
  }
}

static void put_str(const char* s) {
  put(s, strlen(s));
}

static void put_with_fds(const char* text, int count) {
  int fds[8];
  for (int i = 0; i < count; ++i) fds[i] = open("/dev/null", O_RDONLY | O_CLOEXEC);
  struct iovec iov = {(void*)text, strlen(text)};
  char control[CMSG_SPACE(sizeof fds)];
  struct msghdr msg = {.msg_iov = &iov,
                       .msg_iovlen = 1,
                       .msg_control = control,
                       .msg_controllen = CMSG_SPACE(sizeof(int) * (size_t)count)};
  struct cmsghdr* c = CMSG_FIRSTHDR(&msg);
  c->cmsg_level = SOL_SOCKET;
  c->cmsg_type = SCM_RIGHTS;
  c->cmsg_len = CMSG_LEN(sizeof(int) * (size_t)count);
  memcpy(CMSG_DATA(c), fds, sizeof(int) * (size_t)count);
  if (sendmsg(chan, &msg, 0) < 0) exit(111);
  for (int i = 0; i < count; ++i) close(fds[i]);
}

static void barrage(void) {
  put_str("not json at all\n");
  put_str("{\"a\":\n");
  put_str("\"\xff\xfe\"\n");
  put("{\"a\":\"\x01\"}\n", 10);
  size_t depth = 100000;
  char* deep = malloc(2 * depth + 2);
  memset(deep, '[', depth);
  memset(deep + depth, ']', depth);
  deep[2 * depth] = '\n';
  put(deep, 2 * depth + 1);
  free(deep);
  char piece[65536];
  memset(piece, 'x', sizeof piece);
  put_str("\"");
  for (int i = 0; i < 32; ++i) put(piece, sizeof piece);
  put_str("\"\n");
  for (int i = 0; i < 16; ++i) put_with_fds("{\"with\":\"fds\"}\n", 8);
  put_with_fds("{\"cmd\":\"NODE_HANDLE\",\"type\":\"net.Server\",\"msg\":{\"h\":1}}\n", 1);
  put_str("{\"tend\":\"explode\"}\n");
  put_str("{\"tend\":\"send\",\"to\":\"nosuch\",\"data\":1}\n");
  put_str("{\"tend\":\"send\",\"to\":\"hostile\",\"data\":{\"cmd\":\"NODE_HANDLE\"}}\n");
  put_str("{\"tend\":\"send\",\"data\":1}\n");
  put_str("\n\n  \n");
  put_str("{\"hostile\":\"done\"}\n");
}

int main(int argc, char** argv) {
  const char* fd_text = getenv("TEND_IPC_FD");
  if (!fd_text || argc < 2) return 100;
  chan = atoi(fd_text);
  if (strcmp(argv[1], "noread") == 0) {
    printf("not reading\n");
    fflush(stdout);
    for (;;) pause();
  }
  if (strcmp(argv[1], "flood") == 0) {
    long n = argc > 2 ? atol(argv[2]) : 100000;
    for (long i = 0; i < n; ++i) put_str("{oops}\n");
    put_str("{\"hostile\":\"flooded\"}\n");
    printf("flooded\n");
    fflush(stdout);
    for (;;) pause();
  }
  barrage();
  printf("sent\n");
  fflush(stdout);
  char buf[65536];
  size_t len = 0;
  for (;;) {
    ssize_t n = read(chan, buf + len, sizeof buf - len - 1);
    if (n <= 0) return 0;
    len += (size_t)n;
    buf[len] = '\0';
    char* nl;
    while ((nl = strchr(buf, '\n')) != NULL) {
      *nl = '\0';
      if (strstr(buf, "NODE_HANDLE_ACK"))
        printf("acked\n");
      else
        printf("got %s\n", buf);
      fflush(stdout);
      len -= (size_t)(nl + 1 - buf);
      memmove(buf, nl + 1, len + 1);
    }
    if (len == sizeof buf - 1) len = 0; /* a line too long for us: forget it */
  }
}

// ipcsend: `send` requests on tend's control socket (docs/protocol.md), for bench/ipc.sh.
// usage: ipcsend SOCKET PROGRAM rtt N       — N sequential sends with wait_reply_ms (peer: echo)
//        ipcsend SOCKET PROGRAM flood K W   — K sends pipelined, at most W unanswered; the last one waits
//                                             for the peer's reply (peer: reply-last)
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "ipcline.h"


// Reads one response line; exits unless it is ok (and, when waiting, has no missing reply).
static void expect_ok(void) {
  static char line[1 << 16];
  get_line(line, sizeof line);
  if (!strstr(line, "\"ok\":true") || strstr(line, "\"missing\":[\"")) {
    fprintf(stderr, "ipcsend: %s\n", line);
    exit(5);
  }
}

static int request(char* out, size_t cap, int id, const char* program, const char* message, int wait) {
  return snprintf(out, cap, "{\"v\":1,\"id\":%d,\"cmd\":\"send\",\"args\":{\"targets\":[\"%s\"],\"message\":%s%s}}\n",
                  id, program, message, wait ? ",\"wait_reply_ms\":10000" : "");
}

int main(int argc, char** argv) {
  if (argc < 5) return 2;
  chan_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  struct sockaddr_un addr = {.sun_family = AF_UNIX};
  strncpy(addr.sun_path, argv[1], sizeof addr.sun_path - 1);
  if (connect(chan_fd, (struct sockaddr*)&addr, sizeof addr) != 0) return 1;
  int n = atoi(argv[4]);
  char req[512], message[128];
  if (strcmp(argv[3], "rtt") == 0) {
    double* rtt = malloc(sizeof(double) * (size_t)n);
    for (int i = 0; i < n; ++i) {
      snprintf(message, sizeof message, "{\"seq\":%d}", i);
      int len = request(req, sizeof req, i, argv[2], message, 1);
      double t0 = now_us();
      put(req, (size_t)len);
      expect_ok();
      rtt[i] = now_us() - t0;
    }
    qsort(rtt, (size_t)n, sizeof *rtt, cmp_double);
    printf("RESULT rtt_p50_us=%.1f rtt_p99_us=%.1f\n", rtt[n / 2], rtt[n * 99 / 100]);
    return 0;
  }
  int window = argc > 5 ? atoi(argv[5]) : 64, outstanding = 0;
  double t0 = now_us();
  for (int i = 1; i <= n; ++i) {
    snprintf(message, sizeof message, i == n ? "{\"seq\":%d,\"last\":true}" : "{\"seq\":%d}", i);
    int len = request(req, sizeof req, i, argv[2], message, i == n);
    put(req, (size_t)len);
    ++outstanding;
    while (outstanding > (i == n ? 0 : window)) {
      expect_ok();
      --outstanding;
    }
  }
  printf("RESULT msgs_per_s=%.0f\n", n / ((now_us() - t0) / 1e6));
  return 0;
}

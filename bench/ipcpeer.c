// ipcpeer: a child on a tend-style message channel (TEND_IPC_FD; one JSON document per line), for
// bench/ipc.sh. Sends {"tend":"ready"} first, then by mode:
//   echo            answers every line L with {"echo":L}
//   reply-last      answers only lines containing "last" (so a stream of messages is timed end to end)
//   route-back TO   routes every line containing "back" to program TO ({"tend":"send","to":TO,"data":L})
//   route-bench TO N K
//                   after one line (the start signal from `tend send`): N sequential round trips through
//                   tend to TO (which runs route-back), then K messages to TO in a stream, every 256th asking
//                   back, with at most 8 of those outstanding (tend drops what a child does not read, so the
//                   stream is paced by them); prints "RESULT rtt_p50_us=… rtt_p99_us=… msgs_per_s=…"
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ipcline.h"


static void route(const char* to, const char* data) {
  char msg[512];
  int n = snprintf(msg, sizeof msg, "{\"tend\":\"send\",\"to\":\"%s\",\"data\":%s}\n", to, data);
  put(msg, (size_t)n);
}

static void route_bench(const char* to, int rounds, int count) {
  char line[4096], data[128];
  get_line(line, sizeof line);  // the start signal
  double* rtt = malloc(sizeof(double) * (size_t)rounds);
  for (int i = 0; i < rounds; ++i) {
    snprintf(data, sizeof data, "{\"seq\":%d,\"back\":true}", i);
    double t0 = now_us();
    route(to, data);
    get_line(line, sizeof line);
    rtt[i] = now_us() - t0;
  }
  qsort(rtt, (size_t)rounds, sizeof *rtt, cmp_double);
  int outstanding = 0;
  double t0 = now_us();
  for (int i = 1; i <= count; ++i) {
    int back = i % 256 == 0 || i == count;
    snprintf(data, sizeof data, back ? "{\"seq\":%d,\"back\":true}" : "{\"seq\":%d}", i);
    route(to, data);
    if (back) ++outstanding;
    while (outstanding > (i == count ? 0 : 8)) {
      get_line(line, sizeof line);
      --outstanding;
    }
  }
  double secs = (now_us() - t0) / 1e6;
  printf("RESULT rtt_p50_us=%.1f rtt_p99_us=%.1f msgs_per_s=%.0f\n", rtt[rounds / 2], rtt[rounds * 99 / 100],
         count / secs);
  fflush(stdout);
  for (;;) get_line(line, sizeof line);
}

int main(int argc, char** argv) {
  const char* fd_text = getenv("TEND_IPC_FD");
  if (!fd_text || argc < 2) return 2;
  chan_fd = atoi(fd_text);
  put("{\"tend\":\"ready\"}\n", 17);
  const char* mode = argv[1];
  if (strcmp(mode, "route-bench") == 0 && argc == 5) route_bench(argv[2], atoi(argv[3]), atoi(argv[4]));
  static char line[1 << 20], reply[(1 << 20) + 64];
  for (;;) {
    size_t len = get_line(line, sizeof line);
    if (strcmp(mode, "echo") == 0) {
      int n = snprintf(reply, sizeof reply, "{\"echo\":%s}\n", line);
      put(reply, (size_t)n);
    } else if (strcmp(mode, "reply-last") == 0) {
      if (strstr(line, "last")) put("{\"done\":true}\n", 14);
    } else if (strcmp(mode, "route-back") == 0 && argc > 2) {
      if (strstr(line, "back")) route(argv[2], line);
    }
    (void)len;
  }
}

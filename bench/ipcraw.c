// ipcraw: the baseline for bench/ipc.sh: a socketpair straight to ipcpeer, no tend in between.
// usage: ipcraw PEER rtt N     — N sequential round trips (peer: echo); prints rtt_p50_us, rtt_p99_us
//        ipcraw PEER flood K   — K messages in a stream, the last one answered (peer: reply-last); msgs_per_s
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "ipcline.h"


int main(int argc, char** argv) {
  if (argc != 4) return 2;
  int n = atoi(argv[3]), sv[2];
  int rtt_mode = strcmp(argv[2], "rtt") == 0;
  if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0) return 1;
  pid_t pid = fork();
  if (pid == 0) {
    dup2(sv[1], 3);
    setenv("TEND_IPC_FD", "3", 1);
    execl(argv[1], argv[1], rtt_mode ? "echo" : "reply-last", (char*)NULL);
    _exit(127);
  }
  close(sv[1]);
  chan_fd = sv[0];
  get_line(NULL, 0);  // its {"tend":"ready"}
  char msg[128];
  if (rtt_mode) {
    double* rtt = malloc(sizeof(double) * (size_t)n);
    for (int i = 0; i < n; ++i) {
      int len = snprintf(msg, sizeof msg, "{\"seq\":%d}\n", i);
      double t0 = now_us();
      put(msg, (size_t)len);
      get_line(NULL, 0);
      rtt[i] = now_us() - t0;
    }
    qsort(rtt, (size_t)n, sizeof *rtt, cmp_double);
    printf("RESULT rtt_p50_us=%.1f rtt_p99_us=%.1f\n", rtt[n / 2], rtt[n * 99 / 100]);
  } else {
    double t0 = now_us();
    for (int i = 1; i <= n; ++i) {
      int len = snprintf(msg, sizeof msg, i == n ? "{\"seq\":%d,\"last\":true}\n" : "{\"seq\":%d}\n", i);
      put(msg, (size_t)len);
    }
    get_line(NULL, 0);
    printf("RESULT msgs_per_s=%.0f\n", n / ((now_us() - t0) / 1e6));
  }
  close(chan_fd);
  waitpid(pid, NULL, 0);
  return 0;
}

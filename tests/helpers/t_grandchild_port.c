/* t_grandchild_port FILE [--ignore-term]: forks a middle process that forks a grandchild. The grandchild
 * calls setsid() (leaving the instance's process group and session), binds a TCP listener on 127.0.0.1:0,
 * writes "PORT PID\n" to FILE atomically (temp file + rename), then sleeps; with --ignore-term it ignores
 * SIGTERM first. The middle process and the original process sleep too. Used to check that stop reaches
 * descendants that ran away from the process group. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static int publish_port(const char* file) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  struct sockaddr_in addr;
  memset(&addr, 0, sizeof addr);
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  if (fd < 0 || bind(fd, (struct sockaddr*)&addr, sizeof addr) != 0 || listen(fd, 16) != 0 ||
      getsockname(fd, (struct sockaddr*)&addr, &len) != 0)
    return -1;
  char tmp[4096];
  snprintf(tmp, sizeof tmp, "%s.tmp", file);
  FILE* out = fopen(tmp, "w");
  if (!out) return -1;
  fprintf(out, "%d %d\n", ntohs(addr.sin_port), (int)getpid());
  if (fclose(out) != 0 || rename(tmp, file) != 0) return -1;
  return fd;
}

int main(int argc, char** argv) {
  if (argc < 2) {
    fputs("usage: t_grandchild_port FILE [--ignore-term]\n", stderr);
    return 100;
  }
  int ignore_term = argc > 2 && strcmp(argv[2], "--ignore-term") == 0;
  pid_t middle = fork();
  if (middle < 0) return 101;
  if (middle == 0) {
    pid_t grandchild = fork();
    if (grandchild < 0) _exit(101);
    if (grandchild == 0) {
      setsid();
      if (ignore_term) signal(SIGTERM, SIG_IGN);
      if (publish_port(argv[1]) < 0) _exit(103);
      for (;;) pause();
    }
    for (;;) pause();
  }
  fputs("ready\n", stdout);
  fflush(stdout);
  for (;;) pause();
}

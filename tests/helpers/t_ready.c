/* t_ready MODE [ARG]: blocks SIGUSR1/SIGUSR2, prints "armed", and becomes ready the way MODE says when it
 * receives SIGUSR1 (so the test decides when); then sleeps until killed. Modes:
 *   ipc          sends "ready" on TEND_IPC_FD (PM2's process.send('ready'))
 *   ipc-tend     sends {"tend":"ready"} on TEND_IPC_FD
 *   notify       sends "READY=1\nSTATUS=serving requests" to NOTIFY_SOCKET
 *   notify-child a forked child (not the main process) sends READY=1, then waits on BARRIER=1 and exits
 *   tcp PORT     starts listening on 127.0.0.1:PORT
 *   http PORT    listens on 127.0.0.1:PORT at once, answers every GET 503 until SIGUSR1, then 200
 *   exec FILE    creates FILE
 *   watchdog     sends READY=1 at once, then WATCHDOG=1 every WATCHDOG_USEC/4 until SIGUSR2
 *   never        never becomes ready (SIGUSR1 is ignored) */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

static int notify(const char* text) {
  const char* path = getenv("NOTIFY_SOCKET");
  if (!path) return -1;
  int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  struct sockaddr_un addr = {.sun_family = AF_UNIX};
  strncpy(addr.sun_path, path, sizeof addr.sun_path - 1);
  ssize_t n = sendto(fd, text, strlen(text), 0, (struct sockaddr*)&addr, sizeof addr);
  close(fd);
  return n < 0 ? -1 : 0;
}

/* sd_notify_barrier(3): BARRIER=1 with a pipe's write end; the receiver closes it once it has handled
 * everything sent before, which the read end sees as POLLHUP. A process that exits right after notifying
 * must wait for it, or it may be gone before its sender pid is looked up (systemd-notify does the same). */
static int notify_barrier(void) {
  const char* path = getenv("NOTIFY_SOCKET");
  int p[2];
  if (!path || pipe2(p, O_CLOEXEC) != 0) return -1;
  int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  struct sockaddr_un addr = {.sun_family = AF_UNIX};
  strncpy(addr.sun_path, path, sizeof addr.sun_path - 1);
  char text[] = "BARRIER=1";
  struct iovec iov = {text, sizeof text - 1};
  char control[CMSG_SPACE(sizeof(int))];
  struct msghdr msg = {.msg_name = &addr, .msg_namelen = sizeof addr, .msg_iov = &iov, .msg_iovlen = 1,
                       .msg_control = control, .msg_controllen = sizeof control};
  struct cmsghdr* c = CMSG_FIRSTHDR(&msg);
  c->cmsg_level = SOL_SOCKET;
  c->cmsg_type = SCM_RIGHTS;
  c->cmsg_len = CMSG_LEN(sizeof(int));
  memcpy(CMSG_DATA(c), &p[1], sizeof(int));
  ssize_t n = sendmsg(fd, &msg, 0);
  close(fd);
  close(p[1]);
  struct pollfd wait = {p[0], 0, 0};
  int r = n < 0 ? -1 : poll(&wait, 1, 30000);
  close(p[0]);
  return r == 1 && (wait.revents & POLLHUP) ? 0 : -1;
}

static int ipc_send(const char* line) {
  const char* fd_text = getenv("TEND_IPC_FD");
  if (!fd_text) return -1;
  return write(atoi(fd_text), line, strlen(line)) < 0 ? -1 : 0;
}

static int listen_on(int port) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons((unsigned short)port)};
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (bind(fd, (struct sockaddr*)&addr, sizeof addr) != 0 || listen(fd, 16) != 0) return -1;
  return fd;
}

static void answer_http(int listener, int ready) {
  int conn = accept4(listener, NULL, NULL, SOCK_CLOEXEC);
  if (conn < 0) return;
  char buf[1024];
  if (read(conn, buf, sizeof buf) < 0) {
    close(conn);
    return;
  }
  const char* reply = ready ? "HTTP/1.0 200 OK\r\nContent-Length: 3\r\n\r\nok\n"
                            : "HTTP/1.0 503 Service Unavailable\r\nContent-Length: 9\r\n\r\nstarting\n";
  if (write(conn, reply, strlen(reply)) < 0) perror("write");
  close(conn);
}

static int become_ready(const char* mode, const char* arg, int* listener) {
  if (strcmp(mode, "ipc") == 0) return ipc_send("\"ready\"\n");
  if (strcmp(mode, "ipc-tend") == 0) return ipc_send("{\"tend\":\"ready\"}\n");
  if (strcmp(mode, "notify") == 0) return notify("READY=1\nSTATUS=serving requests");
  if (strcmp(mode, "notify-child") == 0) {
    pid_t child = fork();
    if (child == 0) _exit(notify("READY=1") == 0 && notify_barrier() == 0 ? 0 : 1);
    int status = 0;
    waitpid(child, &status, 0);
    return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
  }
  if (strcmp(mode, "tcp") == 0) return (*listener = listen_on(atoi(arg))) < 0 ? -1 : 0;
  if (strcmp(mode, "exec") == 0) {
    int fd = open(arg, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
    return fd < 0 ? -1 : close(fd);
  }
  return 0;  // http: the next answers say 200; never: nothing
}

int main(int argc, char** argv) {
  if (argc < 2) {
    fputs("usage: t_ready MODE [ARG]\n", stderr);
    return 100;
  }
  const char* mode = argv[1];
  struct rlimit no_core = {0, 0};
  setrlimit(RLIMIT_CORE, &no_core); /* the watchdog's SIGABRT must not leave core files behind */
  const char* arg = argc > 2 ? argv[2] : "";
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGUSR1);
  sigaddset(&set, SIGUSR2);
  sigprocmask(SIG_BLOCK, &set, NULL);
  int sfd = signalfd(-1, &set, SFD_CLOEXEC);
  int listener = -1, ready = 0, pinging = strcmp(mode, "watchdog") == 0;
  if (strcmp(mode, "http") == 0 && (listener = listen_on(atoi(arg))) < 0) return 101;
  int ping_ms = 1000;
  if (pinging) {
    const char* usec = getenv("WATCHDOG_USEC");
    const char* wpid = getenv("WATCHDOG_PID");
    if (!usec || !wpid || atoi(wpid) != getpid()) return 102; /* sd_watchdog_enabled() would say no */
    ping_ms = atoi(usec) / 4000;
    if (notify("READY=1") != 0) return 103;
  }
  printf("armed\n");
  fflush(stdout);
  for (;;) {
    struct pollfd fds[2] = {{sfd, POLLIN, 0}, {listener, POLLIN, 0}};
    int n = poll(fds, listener >= 0 && strcmp(mode, "http") == 0 ? 2 : 1, pinging ? ping_ms : -1);
    if (n == 0 && pinging) {
      /* As sd_notify(3) users do, a ping that finds no one listening (the daemon restarting) is not fatal. */
      (void)notify("WATCHDOG=1");
      continue;
    }
    if (n > 0 && (fds[0].revents & POLLIN)) {
      struct signalfd_siginfo si;
      if (read(sfd, &si, sizeof si) != sizeof si) return 105;
      if (si.ssi_signo == SIGUSR2) {
        pinging = 0;
        printf("stopped pinging\n");
        fflush(stdout);
      } else if (!ready && strcmp(mode, "never") != 0 && !pinging) {
        if (become_ready(mode, arg, &listener) != 0) return 106;
        ready = 1;
        printf("ready\n");
        fflush(stdout);
      }
    }
    if (n > 0 && listener >= 0 && strcmp(mode, "http") == 0 && (fds[1].revents & POLLIN))
      answer_http(listener, ready);
  }
}

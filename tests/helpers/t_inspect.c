/* t_inspect: reports what the child inherited, one "key value" line each, then exits 0:
 *   fd N TARGET          every open fd (from /proc/self/fd)
 *   sigblk HEX / sigign HEX   blocked and ignored signal masks (from /proc/self/status)
 *   pgid_is_pid 0|1, sid_is_pid 0|1, nice N, tty 0|1 (whether /dev/tty can be opened) */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

static void print_fds(void) {
  DIR* dir = opendir("/proc/self/fd");
  if (!dir) return;
  int own = dirfd(dir);
  for (struct dirent* e; (e = readdir(dir)) != NULL;) {
    if (e->d_name[0] == '.' || atoi(e->d_name) == own) continue;
    char path[300], target[PATH_MAX];
    snprintf(path, sizeof path, "/proc/self/fd/%s", e->d_name);
    ssize_t n = readlink(path, target, sizeof target - 1);
    target[n < 0 ? 0 : n] = '\0';
    printf("fd %s %s\n", e->d_name, target);
  }
  closedir(dir);
}

static void print_masks(void) {
  FILE* status = fopen("/proc/self/status", "r");
  if (!status) return;
  char line[256];
  while (fgets(line, sizeof line, status)) {
    if (strncmp(line, "SigBlk:", 7) == 0) printf("sigblk %s", line + 8);
    if (strncmp(line, "SigIgn:", 7) == 0) printf("sigign %s", line + 8);
  }
  fclose(status);
}

int main(void) {
  print_fds();
  print_masks();
  printf("pgid_is_pid %d\n", getpgid(0) == getpid());
  printf("sid_is_pid %d\n", getsid(0) == getpid());
  errno = 0;
  printf("nice %d\n", getpriority(PRIO_PROCESS, 0));
  int tty = open("/dev/tty", O_RDONLY | O_CLOEXEC);
  printf("tty %d\n", tty >= 0);
  return fflush(stdout) == 0 ? 0 : 102;
}

// Reports what the child inherited, one "key=value" per line on stdout, then writes "stderr" to stderr:
// pid, sid, pgid, nice, cwd, fds (open fds), stdin (where fd 0 points), sigblk and sigign (hex masks);
// fdN (where each fd above 2 points) and, for each NAME given as an argument, env.NAME.
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

static void print_fds(void) {
  DIR* dir = opendir("/proc/self/fd");
  if (dir == NULL) exit(3);
  int own = dirfd(dir);
  int fds[1024];
  int count = 0;
  struct dirent* entry;
  while ((entry = readdir(dir)) != NULL && count < 1024) {
    if (entry->d_name[0] == '.') continue;
    int fd = atoi(entry->d_name);
    if (fd != own) fds[count++] = fd;
  }
  closedir(dir);
  printf("fds=");
  for (int i = 0; i < count; ++i) printf(i ? ",%d" : "%d", fds[i]);
  printf("\n");
}

static void print_status_masks(void) {
  FILE* status = fopen("/proc/self/status", "re");
  if (status == NULL) exit(3);
  char line[256];
  while (fgets(line, sizeof line, status) != NULL) {
    if (strncmp(line, "SigBlk:\t", 8) == 0) printf("sigblk=%s", line + 8);
    if (strncmp(line, "SigIgn:\t", 8) == 0) printf("sigign=%s", line + 8);
  }
  fclose(status);
}

static void print_targets(void) {
  for (int fd = 3; fd < 64; ++fd) {
    char link[64], target[PATH_MAX];
    snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
    ssize_t n = readlink(link, target, sizeof target - 1);
    if (n < 0) continue;
    target[n] = '\0';
    printf("fd%d=%s\n", fd, target);
  }
}

int main(int argc, char** argv) {
  char cwd[PATH_MAX];
  char stdin_target[PATH_MAX];
  ssize_t n = readlink("/proc/self/fd/0", stdin_target, sizeof stdin_target - 1);
  stdin_target[n < 0 ? 0 : n] = '\0';
  printf("pid=%d\nsid=%d\npgid=%d\n", getpid(), getsid(0), getpgid(0));
  errno = 0;
  printf("nice=%d\n", getpriority(PRIO_PROCESS, 0));
  printf("cwd=%s\n", getcwd(cwd, sizeof cwd) ? cwd : "?");
  printf("stdin=%s\n", stdin_target);
  print_fds();
  print_targets();
  print_status_masks();
  for (int i = 1; i < argc; ++i)
    printf("env.%s=%s\n", argv[i], getenv(argv[i]) ? getenv(argv[i]) : "(unset)");
  fflush(stdout);
  fputs("stderr\n", stderr);
  return 0;
}

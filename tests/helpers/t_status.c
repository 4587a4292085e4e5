/* t_status FILE CMD [ARGS...]: runs CMD in the foreground of this terminal, waits for it, writes "exit N" or
 * "signal N" to FILE (atomically: temp file + rename) and exits with the same status. Lets a test learn how
 * a program run inside tmux ended. */
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char** argv) {
  if (argc < 3) return 2;
  pid_t child = fork();
  if (child < 0) return 101;
  if (child == 0) {
    execv(argv[2], argv + 2);
    _exit(127);
  }
  int status = 0;
  while (waitpid(child, &status, 0) < 0) {
  }
  char tmp[4096];
  snprintf(tmp, sizeof tmp, "%s.tmp", argv[1]);
  FILE* out = fopen(tmp, "w");
  if (!out) return 102;
  if (WIFEXITED(status)) fprintf(out, "exit %d\n", WEXITSTATUS(status));
  else fprintf(out, "signal %d\n", WTERMSIG(status));
  if (fclose(out) != 0 || rename(tmp, argv[1]) != 0) return 102;
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

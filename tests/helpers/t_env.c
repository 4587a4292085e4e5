/* t_env: prints every environment variable, one per line, then "cwd=<working directory>", and exits 0. */
#include <limits.h>
#include <stdio.h>
#include <unistd.h>

extern char** environ;

int main(void) {
  for (char** e = environ; *e; ++e) printf("%s\n", *e);
  char cwd[PATH_MAX];
  printf("cwd=%s\n", getcwd(cwd, sizeof cwd) ? cwd : "?");
  return fflush(stdout) == 0 ? 0 : 102;
}

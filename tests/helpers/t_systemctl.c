/* t_systemctl: stands in for systemctl in `tend startup --install` tests. Appends its arguments,
 * space-separated, as one line to $T_SYSTEMCTL_LOG. With $T_SYSTEMCTL_FAIL set, prints that to stderr and
 * exits 1; otherwise prints "Created symlink (fake)." to stderr for `enable` and exits 0. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char** argv) {
  const char* log_path = getenv("T_SYSTEMCTL_LOG");
  if (log_path) {
    FILE* log = fopen(log_path, "a");
    if (!log) return 101;
    for (int i = 1; i < argc; ++i) fprintf(log, "%s%s", i > 1 ? " " : "", argv[i]);
    fputc('\n', log);
    if (fclose(log) != 0) return 102;
  }
  const char* fail = getenv("T_SYSTEMCTL_FAIL");
  if (fail) {
    fprintf(stderr, "%s\n", fail);
    return 1;
  }
  if (argc > 1 && strcmp(argv[argc - 2], "enable") == 0) fprintf(stderr, "Created symlink (fake).\n");
  return 0;
}

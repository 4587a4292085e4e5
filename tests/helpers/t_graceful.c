/* t_graceful [CODE]: prints "ready", sleeps, and on SIGTERM prints "terminating" and exits with CODE
 * (default 0). */
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

static volatile sig_atomic_t exit_code;

static void on_term(int sig) {
  (void)sig;
  static const char msg[] = "terminating\n";
  if (write(1, msg, sizeof msg - 1) < 0) _exit(102);
  _exit(exit_code);
}

int main(int argc, char** argv) {
  exit_code = argc > 1 ? atoi(argv[1]) : 0;
  struct sigaction sa = {0};
  sa.sa_handler = on_term;
  sigaction(SIGTERM, &sa, NULL);
  if (write(1, "ready\n", 6) != 6) return 102;
  for (;;) pause();
}

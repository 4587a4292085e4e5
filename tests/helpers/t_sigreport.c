/* t_sigreport: prints "ready", then one line "got SIG<NAME> <count>" for every SIGUSR1, SIGUSR2, SIGHUP,
 * SIGINT or SIGQUIT it receives. SIGTERM keeps its default action. */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <string.h>

int main(void) {
  sigset_t set;
  sigemptyset(&set);
  int watched[] = {SIGUSR1, SIGUSR2, SIGHUP, SIGINT, SIGQUIT};
  for (size_t i = 0; i < sizeof watched / sizeof watched[0]; ++i) sigaddset(&set, watched[i]);
  sigprocmask(SIG_BLOCK, &set, NULL);
  fputs("ready\n", stdout);
  fflush(stdout);
  for (unsigned count = 1;; ++count) {
    int sig = sigwaitinfo(&set, NULL);
    if (sig < 0) continue;
    printf("got SIG%s %u\n", sigabbrev_np(sig), count);
    fflush(stdout);
  }
}

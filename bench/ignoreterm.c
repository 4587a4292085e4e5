// ignoreterm: ignores SIGTERM, SIGINT and SIGHUP (the stop signals of tend, supervisord, s6 and PM2) and
// sleeps until killed.
#include <signal.h>
#include <unistd.h>

int main(void) {
  signal(SIGTERM, SIG_IGN);
  signal(SIGINT, SIG_IGN);
  signal(SIGHUP, SIG_IGN);
  for (;;) pause();
}

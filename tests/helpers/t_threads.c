/* t_threads N: starts N threads named "worker-I" that block forever, prints "ready" once all run, then waits
 * for a signal. With the main thread that is N+1 threads: one TCB each for `tend inspect --threads`. */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static pthread_barrier_t started;

static void* worker(void* arg) {
  (void)arg;
  pthread_barrier_wait(&started);
  for (;;) pause();
  return NULL;
}

int main(int argc, char** argv) {
  int count = argc > 1 ? atoi(argv[1]) : 4;
  pthread_barrier_init(&started, NULL, (unsigned)count + 1);
  for (int i = 0; i < count; ++i) {
    pthread_t t;
    if (pthread_create(&t, NULL, worker, NULL) != 0) return 101;
    char name[16];  /* the kernel keeps 15 bytes of a thread name */
    snprintf(name, sizeof name, "worker-%d", i % 1000);
    pthread_setname_np(t, name);
  }
  pthread_barrier_wait(&started);
  printf("ready\n");
  fflush(stdout);
  for (;;) pause();
}

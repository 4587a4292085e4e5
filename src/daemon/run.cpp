#include "daemon/run.h"

#include <fcntl.h>
#include <malloc.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <systemd/sd-daemon.h>
#include <systemd/sd-event.h>
#include <unistd.h>

#include <functional>
#include <optional>
#include <memory>

#include "daemon/commands.h"
#include "daemon/fd_holder.h"
#include "daemon/job_commands.h"
#include "daemon/job_service.h"
#include "daemon/observe_commands.h"
#include "daemon/paths.h"
#include "daemon/priorities.h"
#include "daemon/sampler.h"
#include "daemon/stored_events.h"
#include "daemon/supervisor.h"
#include "ipc/control_server.h"
#include "util/daemon_log.h"
#include "util/files.h"
#include "util/unique_fd.h"

namespace tend {

namespace {

struct EventLoopDeleter {
  void operator()(sd_event* e) const { sd_event_unref(e); }
};
using EventLoop = std::unique_ptr<sd_event, EventLoopDeleter>;

/// Detaches from the terminal: new session, one more fork so we can never reacquire a controlling
/// terminal, stdin from /dev/null, stdout/stderr to tend.log. The parent returns false and exits.
Result<bool> daemonize(const Paths& paths) {
  if (::setsid() < 0 && errno != EPERM) return errno_error("unable to create a session");
  pid_t pid = ::fork();
  if (pid < 0) return errno_error("unable to fork");
  if (pid > 0) return false;
  UniqueFd null(::open("/dev/null", O_RDWR | O_CLOEXEC));
  UniqueFd log(::open(paths.log_file().c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600));
  if (!null || !log) return errno_error("unable to open " + paths.log_file());
  ::dup2(null.get(), STDIN_FILENO);
  ::dup2(log.get(), STDOUT_FILENO);
  ::dup2(log.get(), STDERR_FILENO);
  if (::chdir("/") != 0) return errno_error("unable to chdir /");
  return true;
}

/// Holds an exclusive flock on tend.pid for the daemon's lifetime: one daemon per home.
Result<UniqueFd> lock_pid_file(const Paths& paths) {
  UniqueFd fd(::open(paths.pid_file().c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600));
  if (!fd) return errno_error("unable to open " + paths.pid_file());
  if (::flock(fd.get(), LOCK_EX | LOCK_NB) != 0) {
    if (errno != EWOULDBLOCK) return errno_error("unable to lock " + paths.pid_file());
    auto other = read_file(paths.pid_file());
    return Error{EEXIST, fmt::format("another tend daemon (pid {}) serves {}", other ? *other : "?", paths.home)};
  }
  std::string pid = std::to_string(::getpid()) + "\n";
  if (::ftruncate(fd.get(), 0) != 0 || ::pwrite(fd.get(), pid.data(), pid.size(), 0) != ssize_t(pid.size()))
    return errno_error("unable to write " + paths.pid_file());
  return fd;
}

std::string cgroup_base_name(const Paths& paths) {
  return fmt::format("tend-{}-{:08x}", ::getuid(), std::hash<std::string>{}(paths.home) & 0xffffffffu);
}

/// Each instance holds five fds (two pipes, two log files, a pidfd): raise the soft RLIMIT_NOFILE to the hard
/// one. Returns the original soft limit, which children get back (-1 when unchanged).
long raise_fd_limit() {
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur >= limit.rlim_max) return -1;
  rlim_t original = limit.rlim_cur;
  limit.rlim_cur = limit.rlim_max;
  if (::setrlimit(RLIMIT_NOFILE, &limit) != 0) return -1;
  return long(original);
}

void signal_ready(int& ready_fd) {
  if (ready_fd < 0) return;
  ssize_t ignored = ::write(ready_fd, "1", 1);
  (void)ignored;
  ::close(ready_fd);
  ready_fd = -1;
}

/// Everything after start-up checks: the loop with its signal sources, the supervisor and the socket.
int serve(const Paths& paths, int ready_fd, UniqueFd pid_lock) {
  // Large transient buffers (state.json, `ls --json` of many programs) must go back to the kernel when freed.
  // Setting the threshold explicitly stops glibc from raising it after the first such free, which would
  // otherwise move them onto the heap, where they stay as fragmentation.
  ::mallopt(M_MMAP_THRESHOLD, 64 * 1024);
  ::mallopt(M_TRIM_THRESHOLD, 128 * 1024);
  if (paths.socket().size() >= sizeof(sockaddr_un::sun_path)) {
    log_error("unable to listen on {}: the path is {} bytes, a unix socket path allows at most {}; choose a "
              "shorter TEND_HOME", paths.socket(), paths.socket().size(), sizeof(sockaddr_un::sun_path) - 1);
    return 1;
  }
  if (::prctl(PR_SET_CHILD_SUBREAPER, 1) != 0) log_warning("unable to become a child subreaper: {}", strerror(errno));
  ::signal(SIGPIPE, SIG_IGN);
  // Forked before signals are blocked and before any child exists, so it inherits neither.
  std::optional<FdHolder> holder;
  std::map<std::string, UniqueFd> held_fds;
  for (int attempt = 0; attempt < 2 && !holder; ++attempt) {
    auto h = FdHolder::connect_or_spawn(paths.fd_holder_socket());
    if (!h) {
      log_warning("{}; output of instances will not survive a daemon crash", h.error().message);
      break;
    }
    auto fds = h->take_all();
    if (!fds) {
      // A holder that was exiting as we connected: start a fresh one.
      ::unlink(paths.fd_holder_socket().c_str());
      continue;
    }
    held_fds = std::move(*fds);
    holder.emplace(std::move(*h));
  }
  sigset_t handled;
  sigemptyset(&handled);
  for (int sig : {SIGTERM, SIGINT, SIGHUP, SIGCHLD}) sigaddset(&handled, sig);
  // Blocked before any child exists, so no SIGCHLD is ever missed; sd-event reads them via signalfd.
  sigprocmask(SIG_BLOCK, &handled, nullptr);

  sd_event* raw = nullptr;
  if (int r = sd_event_new(&raw); r < 0) {
    log_error("unable to create the event loop: {}", strerror(-r));
    return 1;
  }
  EventLoop loop(raw);
  auto cgroups = detect_cgroups(cgroup_base_name(paths));
  if (cgroups.available) log_info("containment: cgroup v2 at {}", cgroups.base);
  else log_warning("containment: cgroups unavailable ({}); falling back to process groups", cgroups.reason);

  // Declared before the supervisor, which records into it until its last instance is gone.
  StoredEvents events(loop.get(), paths.events_db());
  long child_nofile_soft = raise_fd_limit();
  Supervisor supervisor(loop.get(), paths, cgroups, holder ? &*holder : nullptr, child_nofile_soft);
  supervisor.replace_events(&events);
  Sampler sampler(loop.get(), supervisor, default_sample_interval());
  ObserveCommands observe(supervisor, sampler, events);
  // Shutdown stops programs and jobs in parallel; the daemon exits once both are down.
  bool programs_down = false, jobs_down = false;
  auto exit_when_down = [&] {
    if (programs_down && jobs_down) sd_event_exit(loop.get(), 0);
  };
  JobService jobs(loop.get(), supervisor, child_nofile_soft);
  JobCommands job_commands(jobs);
  std::function<void()> stop_jobs = [&] {
    if (!jobs.shutting_down()) jobs.shutdown([&] {
        jobs_down = true;
        exit_when_down();
      });
  };
  Commands commands(supervisor, [&] {
    programs_down = true;
    exit_when_down();
  });
  ControlServer server(
      loop.get(),
      [&](const auto& conn, Request req) {
        if (JobCommands::handles(req.cmd)) return job_commands.handle(conn, req);
        if (observe.handle(conn, req)) return;
        if (req.cmd == "shutdown") stop_jobs();
        commands.handle(conn, std::move(req));
      },
      [&](Connection& conn) {
        supervisor.forget_connection(conn);
        observe.forget_connection(conn);
      });

  struct SignalContext {
    Supervisor* supervisor;
    Commands* commands;
    std::function<void()>* stop_jobs;
  } ctx{&supervisor, &commands, &stop_jobs};
  auto on_signal = [](sd_event_source*, const signalfd_siginfo* si, void* userdata) -> int {
    auto* c = static_cast<SignalContext*>(userdata);
    switch (si->ssi_signo) {
      case SIGCHLD: c->supervisor->reap_children(); break;
      case SIGHUP:
        log_info("SIGHUP received");
        c->commands->reload_config();
        break;
      default:
        log_info("{} received", si->ssi_signo == SIGTERM ? "SIGTERM" : "SIGINT");
        (*c->stop_jobs)();
        c->commands->shutdown();
    }
    return 0;
  };
  for (int sig : {SIGTERM, SIGINT, SIGHUP, SIGCHLD}) {
    sd_event_source* src = nullptr;
    if (int r = sd_event_add_signal(loop.get(), &src, sig, on_signal, &ctx); r < 0) {
      log_error("unable to watch signal {}: {}", sig, strerror(-r));
      return 1;
    }
    sd_event_source_set_priority(src, sig == SIGCHLD ? kPriorityChildExit : kPrioritySignals);
    // Hand the source to the loop (which frees it with itself) and drop our own reference.
    sd_event_source_set_floating(src, 1);
    sd_event_source_unref(src);
  }

  if (auto st = supervisor.restore(std::move(held_fds)); !st) log_error("{}", st.error().message);
  if (auto st = jobs.start(); !st) log_error("jobs unavailable: {}", st.error().message);
  if (auto st = server.listen(paths.socket(), kPriorityControl); !st) {
    log_error("{}", st.error().message);
    return 1;
  }
  log_info("tend {} serving {} (pid {})", TEND_VERSION, paths.socket(), ::getpid());
  signal_ready(ready_fd);
  sd_notify(0, "READY=1");
  int r = sd_event_loop(loop.get());
  // Before the clients' connections close (a `tend shutdown` returns then): the last events are written and
  // the WAL checkpointed, so the next daemon, which cannot start before this one is gone, starts at once.
  events.close();
  ::unlink(paths.socket().c_str());
  if (holder) holder->quit();  // every program is stopped: no pipe needs keeping
  if (cgroups.available) ::rmdir(cgroups.base.c_str());  // fails while a failed instance's leftovers live: fine
  log_info("daemon exits");
  // Released before the clients' connections close (with the objects below, on return): `tend shutdown`
  // returns at that EOF, and a daemon started right after must find the home free.
  pid_lock.reset();
  return r < 0 ? 1 : 0;
}

}  // namespace

int run_daemon(const DaemonOptions& options) {
  int ready_fd = options.ready_fd;
  auto paths = resolve_paths();
  if (!paths) {
    log_error("{}", paths.error().message);
    return 1;
  }
  if (auto st = prepare_home(*paths); !st) {
    log_error("{}", st.error().message);
    return 1;
  }
  ::umask(077);
  if (!options.foreground) {
    // Only `daemon --foreground` is a service's main process: a daemon started by a client must not send
    // READY=1 to the NOTIFY_SOCKET of whatever service that client runs in.
    ::unsetenv("NOTIFY_SOCKET");
    auto child = daemonize(*paths);
    if (!child) {
      log_error("{}", child.error().message);
      return 1;
    }
    if (!*child) {
      if (ready_fd >= 0) ::close(ready_fd);
      return 0;
    }
  }
  auto lock = lock_pid_file(*paths);
  if (!lock) {
    log_error("{}", lock.error().message);
    return 1;
  }
  return serve(*paths, ready_fd, std::move(*lock));
}

}  // namespace tend

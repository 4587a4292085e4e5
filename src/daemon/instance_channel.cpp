// What an instance gets beyond stdio (docs/ipc.md): the program's listening sockets at fd 3.., its message
// channel after them, NOTIFY_SOCKET and the watchdog's variables; and the daemon's side of the channel.
#include <sys/socket.h>

#include <array>

#include "daemon/instance.h"
#include "daemon/priorities.h"
#include "daemon/program_sockets.h"
#include "proc/spawn.h"
#include "util/daemon_log.h"

namespace tend {

namespace {

/// Variables that describe the fds and sockets of the process they are set for. Inherited (from the
/// environment `tend start` captured), they would describe someone else's: Node would open a
/// NODE_CHANNEL_FD that is not a channel and abort, a server would take fd 3 for a socket.
constexpr std::array<const char*, 10> kProtocolVariables{"NODE_CHANNEL_FD", "NODE_CHANNEL_SERIALIZATION_MODE",
                                                         "NODE_UNIQUE_ID",  "TEND_IPC_FD",
                                                         "LISTEN_FDS",      "LISTEN_PID",
                                                         "LISTEN_FDNAMES",  "NOTIFY_SOCKET",
                                                         "WATCHDOG_USEC",   "WATCHDOG_PID"};

}  // namespace

Status Instance::prepare_links(SpawnRequest& request, UniqueFd& channel_parent, UniqueFd& channel_child) {
  auto& env = request.env;
  for (const char* name : kProtocolVariables) env.erase(name);
  if (!spec_.listen.empty()) {
    if (!sockets_) return Error{EINVAL, "unable to start: the program's listening sockets are missing"};
    if (auto st = sockets_->ensure_bound(); !st) return st;
    request.extra_fds = sockets_->fds();
    env["LISTEN_FDS"] = std::to_string(request.extra_fds.size());
    env["LISTEN_FDNAMES"] = sockets_->fd_names();
    request.pid_env.push_back("LISTEN_PID");
  }
  if (spec_.wants_channel()) {
    // Node requires a SOCK_STREAM socket at the fd NODE_CHANNEL_FD names; both ends close-on-exec, the
    // child's is placed (and so inherited) by spawn().
    int sv[2];
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0)
      return errno_error("unable to create a message channel");
    channel_parent.reset(sv[0]);
    channel_child.reset(sv[1]);
    std::string fd_number = std::to_string(3 + request.extra_fds.size());
    request.extra_fds.push_back(channel_child.get());
    env["NODE_CHANNEL_FD"] = fd_number;
    env["NODE_CHANNEL_SERIALIZATION_MODE"] = "json";
    env["TEND_IPC_FD"] = fd_number;
  }
  if (spec_.wants_notify()) {
    auto path = services_.notify_socket();
    if (!path) return path.error();
    env["NOTIFY_SOCKET"] = *path;
    if (spec_.watchdog.count() > 0) {
      env["WATCHDOG_USEC"] = std::to_string(spec_.watchdog.count() * 1000);
      request.pid_env.push_back("WATCHDOG_PID");
    }
  }
  return {};
}

void Instance::attach_channel(UniqueFd fd) {
  channel_.reset();
  if (!fd) return;
  ChildChannel::Handlers handlers;
  handlers.line = [this](std::string_view line) { services_.on_message(*this, line); };
  handlers.dropped = [this](const std::string& reason, std::size_t bytes) {
    services_.on_message_dropped(*this, reason, bytes);
  };
  handlers.closed = [this] { log_info("{}: the message channel was closed by the child", label()); };
  channel_ = std::make_unique<ChildChannel>(services_.loop, std::move(fd), spec_.ipc_max_message,
                                            kPriorityIpc, std::move(handlers));
}

void Instance::hold_channel(bool hold) {
  if (!services_.fd_holder || pid_ <= 0) return;
  auto key = FdHolder::key(spec_.name, index_, "ipc", pid_);
  if (hold && channel_)
    services_.fd_holder->put(key, channel_->fd());
  else if (!hold)
    services_.fd_holder->remove(key);
}

void Instance::close_channel() {
  if (!channel_) return;
  channel_->drain();
  hold_channel(false);
  channel_.reset();
}

Status Instance::channel_status() const {
  if (has_channel()) return {};
  if (channel_) return Error{ENOTCONN, fmt::format("{} closed its message channel", label())};
  return Error{ENOTCONN, fmt::format("{} has no message channel ({})", label(),
                                     spec_.wants_channel() ? "it has no process" : "start it with --ipc")};
}

Status Instance::deliver(std::string_view line) {
  if (auto st = channel_status(); !st) return st;
  if (auto st = channel_->send(line); !st)
    return Error{st.error().code, fmt::format("{}: {}", label(), st.error().message)};
  return {};
}

void Instance::share_logs_with(Instance& other) {
  other.open_logs();
  out_log_ = other.out_log_;
  err_log_ = other.err_log_;
}

}  // namespace tend

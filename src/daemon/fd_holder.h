#pragma once
#include <sys/types.h>

#include <map>
#include <string>

#include "util/result.h"
#include "util/unique_fd.h"

namespace tend {

/// Keeps copies of the read ends of instances' output pipes in a tiny separate process (as s6-fdholderd or
/// systemd's fd store do), so a child that outlives a daemon crash can still write: its pipe keeps a reader,
/// and the next daemon takes the read ends back and goes on logging. The daemon's ends of message channels
/// (a Node child exits when its channel closes) and programs' listening sockets are kept the same way.
///
/// The holder listens on a SOCK_SEQPACKET socket; messages are "PUT key" with one fd (SCM_RIGHTS),
/// "DEL key", "GET" (answered by one "FD key" message with its fd per entry, then "END") and "QUIT".
/// With no daemon connected it drops pipes whose writers are all gone, and exits once it holds none.
class FdHolder {
 public:
  /// Connects to the holder at socket_path, starting one (a forked child in its own session) when none
  /// answers. Call before blocking signals or creating children.
  static Result<FdHolder> connect_or_spawn(const std::string& socket_path);

  /// Takes back every held fd, by key.
  Result<std::map<std::string, UniqueFd>> take_all();
  /// Hands the holder a copy of fd under key (replacing an older one).
  void put(const std::string& key, int fd);
  void remove(const std::string& key);
  /// Asks the holder to exit (clean shutdown: nothing survives that needs its pipes).
  void quit();

  /// The key of an instance's stream: pid-qualified, so a stale entry never attaches to another process.
  static std::string key(const std::string& program, int index, std::string_view stream, pid_t pid);

 private:
  explicit FdHolder(UniqueFd conn) : conn_(std::move(conn)) {}
  Status send_message(const std::string& text, int fd = -1);
  UniqueFd conn_;
};

/// The holder's main loop (in the forked child); never returns.
[[noreturn]] void run_fd_holder(UniqueFd listen_fd);

}  // namespace tend

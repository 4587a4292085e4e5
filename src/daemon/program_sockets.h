#pragma once
#include <map>
#include <string>
#include <vector>

#include "core/listen_address.h"
#include "daemon/fd_holder.h"
#include "util/result.h"
#include "util/unique_fd.h"

namespace tend {

/// A program's --listen sockets: bound once by the daemon and passed to every instance at fd 3..
/// (LISTEN_FDS), so the kernel spreads connections over the instances and the socket outlives each of
/// them: a connection made while no instance runs waits in the backlog instead of being refused. Copies are
/// kept by the fd holder, so a new daemon after a crash takes the very same sockets back (the instances
/// still serve them meanwhile).
class ProgramSockets {
 public:
  /// listen holds valid --listen values (ProgramSpec::validate); holder may be null.
  ProgramSockets(std::string program, const std::vector<std::string>& listen, FdHolder* holder);
  ~ProgramSockets();
  ProgramSockets(const ProgramSockets&) = delete;
  ProgramSockets& operator=(const ProgramSockets&) = delete;

  /// Binds what is not bound yet; the error names the address ("unable to listen on tcp:...: ...").
  Status ensure_bound();
  /// Takes the copies a previous daemon left with the holder, for addresses not bound yet.
  void adopt(std::map<std::string, UniqueFd>& held);
  /// Closes every socket, forgets the holder's copies and removes unix socket files (program deleted or
  /// redefined, daemon shutting down). Idempotent.
  void close();

  /// The fds, in --listen order (valid after ensure_bound).
  std::vector<int> fds() const;
  /// LISTEN_FDNAMES: the names joined by ':'.
  std::string fd_names() const;
  /// Where each bound socket listens ("tcp:127.0.0.1:41234"); unbound ones are left out.
  std::vector<std::string> bound() const;
  /// True when listen names the same sockets in the same order (a redefinition can keep them).
  bool same_as(const std::vector<std::string>& listen) const;

 private:
  struct Socket {
    ListenAddress address;
    UniqueFd fd;
    unsigned long inode = 0;  // of a unix socket's file, to remove only our own
    std::string key;          // the fd holder's key
  };
  std::string program_;
  std::vector<std::string> listen_;
  std::vector<Socket> sockets_;
  FdHolder* holder_;
};

}  // namespace tend

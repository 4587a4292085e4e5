#pragma once
#include <sys/types.h>
#include <systemd/sd-event.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <unordered_map>

#include <nlohmann/json.hpp>

#include "ipc/line_buffer.h"
#include "ipc/protocol.h"
#include "util/result.h"
#include "util/unique_fd.h"

namespace tend {

class ControlServer;

/// One client connection. Shared so that a command answering later (stop, wait, logs -f) can hold it;
/// once closed, send() does nothing and alive() is false.
class Connection : public std::enable_shared_from_this<Connection> {
 public:
  Connection(ControlServer& server, UniqueFd fd, std::uint64_t id, uid_t peer_uid);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  /// Queues one JSON message; writes as much as the socket takes now and the rest when it is writable.
  /// A client that lets more than kMaxPendingBytes pile up is closed (a stalled `logs -f`).
  void send(const nlohmann::json& message);
  /// Queues one already-serialized message; it must be one line ending in '\n'.
  void send_raw(std::string line);
  /// Closes after the queued output is written (used after a final response).
  void close_after_flush();
  void close();
  bool alive() const { return source_ != nullptr; }
  std::uint64_t id() const { return id_; }

  static constexpr std::size_t kMaxPendingBytes = 16 << 20;

 private:
  friend class ControlServer;
  static int on_io(sd_event_source* s, int fd, uint32_t revents, void* self);
  void on_readable();
  bool flush();  // false when the connection had to be closed
  void update_events();

  ControlServer& server_;
  UniqueFd fd_;
  std::uint64_t id_;
  uid_t peer_uid_;
  sd_event_source* source_ = nullptr;
  LineBuffer in_{kMaxMessageBytes};
  std::string out_;
  bool close_when_flushed_ = false;
};

/// Serves the control socket on the event loop: accepts clients whose SO_PEERCRED uid is the daemon's (or
/// root), frames requests, answers protocol errors itself and hands well-formed requests to the handler.
class ControlServer {
 public:
  using Handler = std::function<void(const std::shared_ptr<Connection>&, Request)>;
  using DisconnectHandler = std::function<void(Connection&)>;

  ControlServer(sd_event* loop, Handler handler, DisconnectHandler on_disconnect);
  ~ControlServer();

  /// Binds path (removing a stale socket: the caller holds the pid-file lock), mode 0600, and listens.
  /// A path longer than sun_path gives a clear error.
  Status listen(const std::string& path, int64_t priority);
  std::size_t connection_count() const { return connections_.size(); }

 private:
  friend class Connection;
  static int on_accept(sd_event_source* s, int fd, uint32_t revents, void* self);
  void forget(Connection& conn);

  sd_event* loop_;
  Handler handler_;
  DisconnectHandler on_disconnect_;
  UniqueFd listen_fd_;
  sd_event_source* accept_source_ = nullptr;
  int64_t priority_ = 0;
  std::uint64_t next_id_ = 1;
  std::unordered_map<std::uint64_t, std::shared_ptr<Connection>> connections_;
};

}  // namespace tend

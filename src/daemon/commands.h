#pragma once
#include <functional>
#include <memory>
#include <set>

#include "daemon/apply.h"
#include "daemon/supervisor.h"
#include "ipc/control_server.h"

namespace tend {

/// Turns protocol requests into supervisor operations and answers them (some later: stop, wait, logs -f).
class Commands {
 public:
  /// request_exit is called once a shutdown has stopped everything and been answered.
  Commands(Supervisor& supervisor, std::function<void()> request_exit);

  void handle(const std::shared_ptr<Connection>& conn, Request req);
  /// SIGTERM/SIGINT: the same as a `shutdown` request without a client to answer.
  void shutdown(std::shared_ptr<Connection> conn = nullptr, nlohmann::json id = nullptr);
  /// SIGHUP: the same as a `reload-config` request without a client to answer.
  void reload_config(std::shared_ptr<Connection> conn = nullptr, nlohmann::json id = nullptr);

 private:
  using ConnPtr = std::shared_ptr<Connection>;
  void start(const ConnPtr& conn, const Request& req);
  void stop(const ConnPtr& conn, const Request& req);
  void restart(const ConnPtr& conn, const Request& req);
  void remove(const ConnPtr& conn, const Request& req);
  void signal(const ConnPtr& conn, const Request& req);
  void wait(const ConnPtr& conn, const Request& req);
  void list(const ConnPtr& conn, const Request& req);
  void logs(const ConnPtr& conn, const Request& req);
  void version(const ConnPtr& conn, const Request& req);
  void apply(const ConnPtr& conn, const Request& req);
  void reload(const ConnPtr& conn, const Request& req) { reload_config(conn, req.id); }
  // commands_ipc.cpp
  void send(const ConnPtr& conn, const Request& req);
  void rolling_reload(const ConnPtr& conn, const Request& req);
  void scale(const ConnPtr& conn, const Request& req);

  Supervisor& supervisor_;
  Applier applier_{supervisor_};
  std::function<void()> request_exit_;
  bool shutting_down_ = false;
  std::set<std::string> scaling_;  // programs with a scale-down in progress
};

}  // namespace tend

#pragma once
#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "util/result.h"
#include "util/unique_fd.h"

namespace tend {

/// A blocking client of the control socket (the CLI's side of docs/protocol.md).
class Client {
 public:
  /// Connects; the Error code is the connect errno (ENOENT/ECONNREFUSED mean "no daemon").
  static Result<Client> connect(const std::string& socket_path);

  /// Sends one request; returns its id.
  Result<std::int64_t> send(std::string_view cmd, nlohmann::json args);
  /// Reads the next message (a response or a stream message). EOF is an Error with code EPIPE.
  Result<nlohmann::json> read_message();
  /// Reads the next message as its raw line (without '\n').
  Result<std::string> read_line();
  /// send() then read_message() until the response with that id.
  Result<nlohmann::json> call(std::string_view cmd, nlohmann::json args);
  int fd() const { return fd_.get(); }
  /// True when a whole line is already buffered: read_line() returns it without waiting, and poll() on fd()
  /// would not say so.
  bool has_buffered_line() const { return buf_.find('\n') != std::string::npos; }

 private:
  explicit Client(UniqueFd fd) : fd_(std::move(fd)) {}
  UniqueFd fd_;
  std::string buf_;
  std::int64_t next_id_ = 1;
};

}  // namespace tend

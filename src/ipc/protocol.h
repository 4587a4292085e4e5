#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "util/result.h"

namespace tend {

/// Newline-delimited JSON over the control socket; docs/protocol.md is the reference.
constexpr int kProtocolVersion = 1;
constexpr std::size_t kMaxMessageBytes = 1 << 20;

/// Stable error codes a client can act on. Names are written once, in error_code_name.
enum class ErrorCode {
  bad_request,
  unknown_command,
  not_found,
  exists,
  spawn_failed,
  permission_denied,
  too_large,
  timeout,
  shutting_down,
  invalid_config,
  internal,
};

std::string_view error_code_name(ErrorCode code);
/// The code a client sees for an Error, by its errno: ENOENT not_found, EEXIST exists, ESHUTDOWN
/// shutting_down, EIO internal, anything else (EINVAL above all) bad_request.
ErrorCode error_code_for(const Error& error);

/// A failed command: the code a client sees and a human message.
struct CommandError {
  ErrorCode code = ErrorCode::internal;
  std::string message;
};

/// One decoded request.
struct Request {
  nlohmann::json id;  // echoed back verbatim: number, string or null
  std::string cmd;
  nlohmann::json args = nlohmann::json::object();
};

/// Decodes one request line. On failure the CommandError says why (bad_request), and id_out holds the id
/// when it could be read, so the error response can still carry it.
Result<Request> parse_request(std::string_view line, nlohmann::json& id_out);

nlohmann::json make_request(std::int64_t id, std::string_view cmd, nlohmann::json args);
nlohmann::json make_ok(const nlohmann::json& id, nlohmann::json result);
nlohmann::json make_error(const nlohmann::json& id, ErrorCode code, std::string_view message);
/// A message of a stream (logs -f): {"v":1,"id":ID,"ok":true,"event":EVENT,"result":...}.
nlohmann::json make_stream_message(const nlohmann::json& id, std::string_view event, nlohmann::json result);

/// Argument readers used by command handlers; each returns a bad_request CommandError naming the key.
Result<std::string> arg_string(const nlohmann::json& args, const char* key);
Result<std::int64_t> arg_int(const nlohmann::json& args, const char* key, std::int64_t fallback);
Result<bool> arg_bool(const nlohmann::json& args, const char* key, bool fallback);
Result<std::vector<std::string>> arg_strings(const nlohmann::json& args, const char* key);

}  // namespace tend

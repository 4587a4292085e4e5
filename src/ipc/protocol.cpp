#include "ipc/protocol.h"

#include <fmt/format.h>

#include <array>

#include "ipc/child_message.h"

namespace tend {
namespace {

constexpr std::array<std::string_view, 11> kErrorCodeNames{
    "bad_request",       "unknown_command", "not_found", "exists",         "spawn_failed", "permission_denied",
    "too_large",         "timeout",         "shutting_down", "invalid_config", "internal"};

// A message for a child (at most kMaxMessageDepth deep) sits a few levels down in a `send` request.
constexpr std::size_t kMaxRequestDepth = kMaxMessageDepth + 8;

Error bad_arg(const char* key, std::string_view expected) {
  return Error{EINVAL, fmt::format("argument '{}' must be {}", key, expected)};
}

}  // namespace

ErrorCode error_code_for(const Error& error) {
  switch (error.code) {
    case ENOENT: return ErrorCode::not_found;
    case EEXIST: return ErrorCode::exists;
    case ESHUTDOWN: return ErrorCode::shutting_down;
    case EIO: return ErrorCode::internal;
    default: return ErrorCode::bad_request;
  }
}

std::string_view error_code_name(ErrorCode code) { return kErrorCodeNames[static_cast<int>(code)]; }

Result<Request> parse_request(std::string_view line, nlohmann::json& id_out) {
  id_out = nullptr;
  if (!json_depth_within(line, kMaxRequestDepth))
    return Error{EINVAL, fmt::format("the request nests deeper than {} levels", kMaxRequestDepth)};
  nlohmann::json j = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return Error{EINVAL, "malformed JSON"};
  if (!j.is_object()) return Error{EINVAL, "a request must be a JSON object"};
  if (j.contains("id")) {
    const auto& id = j["id"];
    if (id.is_number_integer() || id.is_string() || id.is_null()) id_out = id;
  }
  if (!j.contains("v") || !j["v"].is_number_integer()) return Error{EINVAL, "missing integer field 'v'"};
  if (j["v"].get<std::int64_t>() != kProtocolVersion)
    return Error{EINVAL, fmt::format("unsupported protocol version {} (this daemon speaks {})",
                                     j["v"].get<std::int64_t>(), kProtocolVersion)};
  if (!j.contains("cmd") || !j["cmd"].is_string()) return Error{EINVAL, "missing string field 'cmd'"};
  Request req;
  req.id = id_out;
  req.cmd = j["cmd"].get<std::string>();
  if (j.contains("args")) {
    if (!j["args"].is_object()) return Error{EINVAL, "field 'args' must be an object"};
    req.args = std::move(j["args"]);
  }
  return req;
}

nlohmann::json make_request(std::int64_t id, std::string_view cmd, nlohmann::json args) {
  return {{"v", kProtocolVersion}, {"id", id}, {"cmd", cmd}, {"args", std::move(args)}};
}

nlohmann::json make_ok(const nlohmann::json& id, nlohmann::json result) {
  return {{"v", kProtocolVersion}, {"id", id}, {"ok", true}, {"result", std::move(result)}};
}

nlohmann::json make_error(const nlohmann::json& id, ErrorCode code, std::string_view message) {
  return {{"v", kProtocolVersion},
          {"id", id},
          {"ok", false},
          {"error", {{"code", error_code_name(code)}, {"message", message}}}};
}

nlohmann::json make_stream_message(const nlohmann::json& id, std::string_view event, nlohmann::json result) {
  return {{"v", kProtocolVersion}, {"id", id}, {"ok", true}, {"event", event}, {"result", std::move(result)}};
}

Result<std::string> arg_string(const nlohmann::json& args, const char* key) {
  if (!args.contains(key) || !args[key].is_string()) return bad_arg(key, "a string");
  return args[key].get<std::string>();
}

Result<std::int64_t> arg_int(const nlohmann::json& args, const char* key, std::int64_t fallback) {
  if (!args.contains(key) || args[key].is_null()) return fallback;
  if (!args[key].is_number_integer()) return bad_arg(key, "an integer");
  return args[key].get<std::int64_t>();
}

Result<bool> arg_bool(const nlohmann::json& args, const char* key, bool fallback) {
  if (!args.contains(key) || args[key].is_null()) return fallback;
  if (!args[key].is_boolean()) return bad_arg(key, "a boolean");
  return args[key].get<bool>();
}

Result<std::vector<std::string>> arg_strings(const nlohmann::json& args, const char* key) {
  std::vector<std::string> out;
  if (!args.contains(key) || args[key].is_null()) return out;
  if (!args[key].is_array()) return bad_arg(key, "an array of strings");
  for (const auto& item : args[key]) {
    if (!item.is_string()) return bad_arg(key, "an array of strings");
    out.push_back(item.get<std::string>());
  }
  return out;
}

}  // namespace tend

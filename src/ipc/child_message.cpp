#include "ipc/child_message.h"

#include <fmt/format.h>

namespace tend {

bool is_node_internal(const nlohmann::json& message) {
  if (!message.is_object()) return false;
  auto it = message.find("cmd");
  if (it == message.end() || !it->is_string()) return false;
  const auto& cmd = it->get_ref<const std::string&>();
  return cmd.size() > 5 && cmd.starts_with("NODE_");
}

namespace {

ChildMessage malformed(std::string why) {
  ChildMessage m;
  m.kind = ChildMessage::Kind::malformed;
  m.text = std::move(why);
  return m;
}

ChildMessage tend_message(const nlohmann::json& j) {
  using Kind = ChildMessage::Kind;
  const auto& word = j["tend"];
  if (!word.is_string()) return malformed("\"tend\" must be a string");
  const auto& w = word.get_ref<const std::string&>();
  ChildMessage m;
  if (w == "ready") {
    m.kind = Kind::ready;
  } else if (w == "watchdog") {
    m.kind = Kind::watchdog;
  } else if (w == "status") {
    auto it = j.find("status");
    if (it == j.end() || !it->is_string())
      return malformed("{\"tend\":\"status\"} needs a string \"status\"");
    m.kind = Kind::status;
    m.text = it->get<std::string>();
  } else if (w == "send") {
    auto to = j.find("to");
    if (to == j.end() || !to->is_string() || to->get_ref<const std::string&>().empty())
      return malformed("{\"tend\":\"send\"} needs \"to\": \"NAME\" or \"NAME:I\"");
    auto data = j.find("data");
    if (data == j.end()) return malformed("{\"tend\":\"send\"} needs \"data\"");
    m.kind = Kind::route;
    m.to = to->get<std::string>();
    m.value = *data;
  } else {
    m.kind = Kind::unknown_tend;
    m.text = w;
  }
  return m;
}

}  // namespace

ChildMessage classify_child_message(std::string_view line) {
  using Kind = ChildMessage::Kind;
  ChildMessage m;
  if (line.find_first_not_of(" \t\r") == std::string_view::npos) return m;
  if (!json_depth_within(line, kMaxMessageDepth))
    return malformed(fmt::format("nested deeper than {} levels", kMaxMessageDepth));
  auto j = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return malformed("not a JSON document (invalid syntax or UTF-8)");
  if (j.is_string() && j.get_ref<const std::string&>() == "ready") {
    m.kind = Kind::pm2_ready;
    m.value = std::move(j);
    return m;
  }
  if (j.is_object() && j.contains("tend")) return tend_message(j);
  if (is_node_internal(j)) {
    const auto& cmd = j["cmd"].get_ref<const std::string&>();
    m.kind = cmd == "NODE_HANDLE" ? Kind::node_handle : Kind::node_internal;
    if (m.kind == Kind::node_handle && j.contains("type") && j["type"].is_string())
      m.text = j["type"].get<std::string>();
    return m;
  }
  m.kind = Kind::user;
  m.value = std::move(j);
  return m;
}

}  // namespace tend

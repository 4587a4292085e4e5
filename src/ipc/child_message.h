#pragma once
#include <cstddef>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "util/json_depth.h"

namespace tend {

/// Deeper nesting is refused: serializing and copying JSON recurse once per level.
constexpr std::size_t kMaxMessageDepth = 512;

/// What one line a child sent on its channel means (docs/ipc.md, "Messages to tend").
struct ChildMessage {
  enum class Kind {
    empty,          // blank line: ignored
    malformed,      // not one JSON document, or too deep; `text` says why
    user,           // anything else: recorded, and the reply a `tend send --wait-reply` waits for
    pm2_ready,      // the bare string "ready" (PM2's process.send('ready'))
    ready,          // {"tend":"ready"}
    route,          // {"tend":"send","to":"NAME[:I]","data":...}
    status,         // {"tend":"status","status":"text"}
    watchdog,       // {"tend":"watchdog"}
    node_handle,    // Node passing a handle ({"cmd":"NODE_HANDLE",...}): must be answered NODE_HANDLE_ACK
    node_internal,  // another of Node's internal messages: ignored
    unknown_tend,   // {"tend":X} with an X tend does not know; `text` is X
  };
  Kind kind = Kind::empty;
  nlohmann::json value;  // user: the message; route: data
  std::string to;        // route: the target
  std::string text;      // malformed: why; status: the text; unknown_tend: the word; node_handle: the type
};

/// Classifies one line (without its '\n'). Never throws.
ChildMessage classify_child_message(std::string_view line);


/// True for Node's internal messages: objects whose "cmd" is a string longer than "NODE_" starting with it.
/// Node consumes them itself; a NODE_HANDLE without a handle would crash a Node child.
bool is_node_internal(const nlohmann::json& message);

}  // namespace tend

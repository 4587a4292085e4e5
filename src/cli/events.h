#pragma once
#include <string>

#include "store/event_store.h"

namespace tend::cli {

/// One `tend events` line: "TIME  NAME:I  KIND  MESSAGE" (time in RFC 3339 UTC; "-" for the daemon).
std::string format_event_line(const StoredEvent& event);

}  // namespace tend::cli

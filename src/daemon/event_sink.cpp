#include "daemon/event_sink.h"

#include "util/daemon_log.h"

namespace tend {

void DaemonLogEvents::record(EventRecord event) {
  if (event.program.empty()) return log_info("event {}: {}", event.kind, event.message);
  log_info("event {} {}:{}: {}", event.kind, event.program, event.instance, event.message);
}

}  // namespace tend

#include "daemon/deferred.h"

namespace tend {

void Deferred::schedule() {
  if (!source_) {
    if (sd_event_add_defer(loop_, &source_, on_run, this) < 0) {
      source_ = nullptr;
      return work_();
    }
    sd_event_source_set_priority(source_, priority_);
  }
  sd_event_source_set_enabled(source_, SD_EVENT_ONESHOT);
}

int Deferred::on_run(sd_event_source*, void* self) {
  static_cast<Deferred*>(self)->work_();
  return 0;
}

}  // namespace tend

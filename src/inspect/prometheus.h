#pragma once
// `tend metrics`: every live figure in the Prometheus text exposition format (version 0.0.4), so that a
// scraper (or a later HTTP endpoint) reads what `tend top` shows. Metric names are listed in docs/metrics.md.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "inspect/snapshot.h"

namespace tend {

/// Figures of the daemon itself.
struct DaemonFigures {
  int programs = 0;
  bool sampler_active = false;
  double sampler_interval_seconds = 0;
  std::uint64_t sampler_sweeps = 0;
  double sampler_cpu_seconds = 0;  // total over all periodic sweeps
  double last_sweep_cpu_seconds = 0;
  int last_sweep_instances = 0;
  std::optional<std::int64_t> events_stored;  // nullopt without an event store
};

/// A label value escaped as the format wants: backslash, double quote and newline.
std::string prometheus_label_value(std::string_view value);

/// The whole exposition: HELP and TYPE once per family, one sample per instance (and label value) that has
/// the figure, families in a fixed order.
std::string prometheus_text(const std::vector<InstanceSnapshot>& instances, const DaemonFigures& daemon);

}  // namespace tend

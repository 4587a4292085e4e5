#include "jobs/run_estimates.h"

#include <cmath>

namespace tend::jobs {

Millis RunEstimates::predict(const std::string& key, std::optional<Millis> explicit_estimate) const {
  if (explicit_estimate) return *explicit_estimate;
  if (auto entry = find(key)) return Millis(std::llround(entry->tau_ms));
  return kInitialGuess;
}

RunEstimates::Entry RunEstimates::learn(const std::string& key, Millis observed,
                                        std::optional<Millis> explicit_estimate) {
  auto it = table_.find(key);
  double tau = it != table_.end() ? it->second.tau_ms : double((explicit_estimate ? *explicit_estimate : kInitialGuess).count());
  Entry next{kAlpha * double(observed.count()) + (1 - kAlpha) * tau, (it != table_.end() ? it->second.runs : 0) + 1};
  table_[key] = next;
  return next;
}

std::optional<RunEstimates::Entry> RunEstimates::find(const std::string& key) const {
  auto it = table_.find(key);
  if (it == table_.end()) return std::nullopt;
  return it->second;
}

}  // namespace tend::jobs

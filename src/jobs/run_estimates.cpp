#include "jobs/run_estimates.h"

#include <algorithm>
#include <cmath>
#include <vector>

namespace tend::jobs {

Millis RunEstimates::predict(const std::string& key, std::optional<Millis> explicit_estimate) const {
  if (explicit_estimate) return *explicit_estimate;
  if (auto entry = find(key)) return Millis(std::llround(entry->tau_ms));
  return kInitialGuess;
}

RunEstimates::Entry RunEstimates::learn(const std::string& key, Millis observed,
                                        std::optional<Millis> explicit_estimate, std::int64_t now_ms) {
  auto it = table_.find(key);
  double tau = it != table_.end() ? it->second.tau_ms : double((explicit_estimate ? *explicit_estimate : kInitialGuess).count());
  Entry next{kAlpha * double(observed.count()) + (1 - kAlpha) * tau, (it != table_.end() ? it->second.runs : 0) + 1,
             now_ms};
  table_[key] = next;
  if (table_.size() > kMaxCommands) forget_oldest();
  return next;
}

void RunEstimates::forget_oldest() {
  std::vector<std::int64_t> times;
  times.reserve(table_.size());
  for (const auto& [key, entry] : table_) times.push_back(entry.updated_ms);
  auto cut = times.begin() + std::ptrdiff_t(table_.size() / 10);
  std::nth_element(times.begin(), cut, times.end());
  std::int64_t oldest_kept = *cut;
  std::erase_if(table_, [&](const auto& kv) { return kv.second.updated_ms < oldest_kept; });
  ++forgets_;
}

std::optional<RunEstimates::Entry> RunEstimates::find(const std::string& key) const {
  auto it = table_.find(key);
  if (it == table_.end()) return std::nullopt;
  return it->second;
}

}  // namespace tend::jobs

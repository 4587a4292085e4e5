#include "jobs/queue_config.h"

#include <fmt/format.h>

#include <array>
#include <cctype>

namespace tend::jobs {
namespace {

constexpr std::array<std::string_view, 5> kPolicyNames{"fcfs", "priority", "sjf", "rr", "mlfq"};

}  // namespace

std::string_view policy_name(Policy policy) { return kPolicyNames[static_cast<int>(policy)]; }

Result<Policy> parse_policy(std::string_view text) {
  for (size_t i = 0; i < kPolicyNames.size(); ++i)
    if (kPolicyNames[i] == text) return static_cast<Policy>(i);
  return Error{EINVAL, fmt::format("invalid policy '{}': expected fcfs, priority, sjf, rr or mlfq", text)};
}

bool is_preemptive(Policy policy) { return policy == Policy::rr || policy == Policy::mlfq; }

Millis QueueConfig::level_quantum(int level) const { return quantum * (std::int64_t(1) << level); }

bool valid_queue_name(std::string_view name) {
  if (name.empty() || name.size() > 64 || name[0] == '-' || name[0] == '.') return false;
  for (char c : name)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '-')) return false;
  return true;
}

Status QueueConfig::validate() const {
  auto bad = [](std::string_view field, std::string why) {
    return Error{EINVAL, fmt::format("invalid {}: {}", field, why)};
  };
  if (!valid_queue_name(name)) return bad("queue name", fmt::format("'{}' (use 1-64 of A-Z a-z 0-9 _ . -)", name));
  if (slots < 1 || slots > 4096) return bad("slots", fmt::format("{} (1..4096)", slots));
  if (quantum.count() < 1 || quantum.count() > 86'400'000) return bad("quantum", "must be between 1ms and 24h");
  if (levels < 1 || levels > 16) return bad("levels", fmt::format("{} (1..16)", levels));
  if (aging.count() < 0) return bad("aging", "must not be negative");
  return {};
}

}  // namespace tend::jobs

#pragma once
#include <optional>
#include <string>
#include <string_view>

#include "util/result.h"
#include "util/units.h"

namespace tend::jobs {

/// The scheduling policies of docs/scheduling.md. Names written once, in kPolicyNames.
enum class Policy { fcfs, priority, sjf, rr, mlfq };

std::string_view policy_name(Policy policy);
Result<Policy> parse_policy(std::string_view text);
/// rr and mlfq take the CPU slot back from a running job (SIGSTOP of its process group).
bool is_preemptive(Policy policy);

/// A queue: at most `slots` of its jobs run at once, chosen by `policy`.
struct QueueConfig {
  std::string name = "default";
  int slots = 1;
  Policy policy = Policy::fcfs;
  Millis quantum{500};  // rr: the time slice; mlfq: the top level's slice (doubling per level)
  int levels = 3;       // mlfq
  Millis aging{10'000}; // priority: +1 per interval waited; mlfq: the boost interval; 0 turns it off
  bool paused = false;

  /// mlfq: the slice of a level (quantum × 2^level).
  Millis level_quantum(int level) const;
  /// Checks ranges: "invalid <field>: <why>".
  Status validate() const;
};

/// 1-64 of A-Z a-z 0-9 _ . - (as program names).
bool valid_queue_name(std::string_view name);

}  // namespace tend::jobs

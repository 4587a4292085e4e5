#pragma once
#include <cstdint>
#include <optional>
#include <set>
#include <unordered_map>

#include "jobs/job.h"
#include "jobs/queue_config.h"

namespace tend::jobs {

/// The seeds' ready queue of one tend queue: the jobs that could run now (queued and eligible, or
/// suspended), ordered for the queue's policy. Each job's sort key is fixed when it enters; picking is
/// O(log n), and O(distinct priorities) under priority with aging, so a queue of 100,000 jobs costs no
/// more per decision than one of ten.
class ReadyQueue {
 public:
  /// Adds the job with its key for this policy (see key_of).
  void add(const Job& job, Policy policy);
  void remove(JobId id);
  bool contains(JobId id) const { return keys_.count(id) != 0; }
  bool empty() const { return order_.empty(); }
  std::size_t size() const { return order_.size(); }

  /// The job the policy runs next. Under priority with aging, each waiting job's priority rises by one per
  /// `aging` waited since it became ready; the highest effective priority wins, the longest waiting among
  /// equals. Everything else: the smallest key.
  std::optional<JobId> pick(const QueueConfig& config, MonoTime now) const;
  /// The priority a job has under aging after waiting since ready_since.
  static std::int64_t effective_priority(int priority, MonoTime ready_since, Millis aging, MonoTime now);

  /// Every job in pick order (for listing and for re-keying after a policy change or an mlfq boost).
  std::vector<JobId> ids() const;
  void clear();

 private:
  struct Key {
    std::int64_t major = 0;  // fcfs: 0; priority: -priority; sjf: expected ms; rr: 0; mlfq: level
    std::int64_t minor = 0;  // priority: ready since (ms of the monotonic clock); rr/mlfq: entry order
    JobId id = 0;
    auto operator<=>(const Key&) const = default;
  };
  static Key key_of(const Job& job, Policy policy);

  std::set<Key> order_;
  std::unordered_map<JobId, Key> keys_;
};

}  // namespace tend::jobs

#include "jobs/ready_queue.h"

#include <limits>

namespace tend::jobs {
namespace {

std::int64_t mono_ms(MonoTime t) {
  return std::chrono::duration_cast<Millis>(t.time_since_epoch()).count();
}

}  // namespace

ReadyQueue::Key ReadyQueue::key_of(const Job& job, Policy policy) {
  switch (policy) {
    case Policy::fcfs: return {0, 0, job.id};
    case Policy::priority: return {-std::int64_t(job.spec.priority), mono_ms(job.ready_since), job.id};
    case Policy::sjf: return {job.expected.count(), 0, job.id};
    case Policy::rr: return {0, std::int64_t(job.ready_seq), job.id};
    case Policy::mlfq: return {job.level, std::int64_t(job.ready_seq), job.id};
  }
  return {0, 0, job.id};
}

void ReadyQueue::add(const Job& job, Policy policy) {
  remove(job.id);
  Key key = key_of(job, policy);
  order_.insert(key);
  keys_.emplace(job.id, key);
}

void ReadyQueue::remove(JobId id) {
  auto it = keys_.find(id);
  if (it == keys_.end()) return;
  order_.erase(it->second);
  keys_.erase(it);
}

std::int64_t ReadyQueue::effective_priority(int priority, MonoTime ready_since, Millis aging, MonoTime now) {
  if (aging.count() <= 0 || now <= ready_since) return priority;
  return priority + std::chrono::duration_cast<Millis>(now - ready_since).count() / aging.count();
}

std::optional<JobId> ReadyQueue::pick(const QueueConfig& config, MonoTime now) const {
  if (order_.empty()) return std::nullopt;
  if (config.policy != Policy::priority || config.aging.count() <= 0) return order_.begin()->id;
  // Within one base priority the longest waiting job has aged the most, so only the front of each
  // priority's run of keys can win: jump from run to run.
  std::optional<Key> best;
  std::int64_t best_priority = std::numeric_limits<std::int64_t>::min();
  constexpr auto kLowest = std::numeric_limits<std::int64_t>::min();
  for (auto it = order_.begin(); it != order_.end(); it = order_.lower_bound(Key{it->major + 1, kLowest, kLowest})) {
    MonoTime since{Millis(it->minor)};
    std::int64_t p = effective_priority(int(-it->major), since, config.aging, now);
    if (!best || p > best_priority || (p == best_priority && std::pair(it->minor, it->id) < std::pair(best->minor, best->id))) {
      best = *it;
      best_priority = p;
    }
  }
  return best->id;
}

std::vector<JobId> ReadyQueue::ids() const {
  std::vector<JobId> out;
  out.reserve(order_.size());
  for (const auto& key : order_) out.push_back(key.id);
  return out;
}

void ReadyQueue::clear() {
  order_.clear();
  keys_.clear();
}

}  // namespace tend::jobs

#pragma once
// The daemon's /proc sampler. It samples only while something needs it — a `tend top` (or any "samples"
// subscriber) or an instance with max_memory that has a process — on one timer of its own, at the shortest
// interval any consumer asked for. With no consumer the timer is not armed: an idle daemon does not wake.
// One-shot readers (`ls`, `inspect`, `metrics`) read on demand and never keep it running.
#include <systemd/sd-event.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "daemon/supervisor.h"
#include "daemon/timer.h"
#include "inspect/prometheus.h"
#include "inspect/snapshot.h"

namespace tend {

/// What a reading covers beyond /proc/PID/stat (which it always reads), as bits.
enum SamplePart : unsigned {
  kSampleCtxt = 1,  // context switches, summed over threads (/proc/PID/status or task/*/status)
  kSampleFds = 2,   // open descriptors (/proc/PID/fd)
  kSampleIo = 4,    // storage I/O (/proc/PID/io)
};
inline constexpr unsigned kSampleTop = kSampleCtxt | kSampleFds;
inline constexpr unsigned kSampleEverything = kSampleCtxt | kSampleFds | kSampleIo;

/// The interval when nobody asks for another: TEND_SAMPLE_INTERVAL in the daemon's environment, else 1 s.
Millis default_sample_interval();
inline constexpr Millis kMinSampleInterval{100};
inline constexpr Millis kMaxSampleInterval{3'600'000};

class Sampler {
 public:
  Sampler(sd_event* loop, Supervisor& supervisor, Millis default_interval);
  Sampler(const Sampler&) = delete;
  Sampler& operator=(const Sampler&) = delete;

  /// Sends conn a "sample" stream message now and then at every periodic sweep, until it closes.
  /// interval is clamped to [kMinSampleInterval, kMaxSampleInterval].
  void subscribe(const std::shared_ptr<Connection>& conn, nlohmann::json request_id, Millis interval);
  void forget_connection(Connection& conn);

  /// Reads one instance now, as a one-shot reader (its figures follow inspect/sample.h's rules).
  InstanceSnapshot read_now(Instance& instance, unsigned parts);
  /// The sampler's own figures for `tend metrics` (programs and events_stored are left for the caller).
  DaemonFigures figures() const;
  bool active() const { return active_; }
  Millis default_interval() const { return default_interval_; }

 private:
  struct Subscriber {
    std::weak_ptr<Connection> conn;
    nlohmann::json request_id;
    Millis interval;
  };
  InstanceSnapshot read(Instance& instance, unsigned parts, bool periodic);
  /// Arms or cancels the timer according to who needs sampling now.
  void reconsider();
  bool memory_watched(const Instance& instance) const;
  void sweep();
  /// Two consecutive periodic samples above max_memory: true when the instance must be restarted.
  bool over_memory_limit(Instance& instance, const InstanceSnapshot& snapshot);
  void send(Subscriber& subscriber, const std::string& rows, std::int64_t interval_ms);

  sd_event* loop_;
  Supervisor& supervisor_;
  Millis default_interval_;
  Timer timer_;
  std::vector<Subscriber> subscribers_;
  bool active_ = false;
  Millis interval_{0};
  std::uint64_t sweeps_ = 0;
  std::int64_t cpu_ns_total_ = 0;
  std::int64_t last_cpu_ns_ = 0;
  int last_instances_ = 0;
};

}  // namespace tend

#include "daemon/sampler.h"

#include <time.h>

#include <algorithm>
#include <cstdlib>

#include "daemon/event_kinds.h"
#include "proc/proc_fds.h"
#include "proc/proc_io.h"
#include "proc/proc_tasks.h"
#include "util/clock.h"
#include "util/daemon_log.h"
#include "util/signals.h"

namespace tend {
namespace {

std::int64_t thread_cpu_ns() {
  timespec ts{};
  ::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return std::int64_t(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

std::int64_t ns_of(MonoTime t) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch()).count();
}

Millis clamp_interval(Millis interval) { return std::clamp(interval, kMinSampleInterval, kMaxSampleInterval); }

}  // namespace

Millis default_sample_interval() {
  const char* text = std::getenv("TEND_SAMPLE_INTERVAL");
  if (!text || !*text) return Millis(1000);
  auto interval = parse_duration(text);
  if (!interval || *interval < kMinSampleInterval || *interval > kMaxSampleInterval) {
    log_warning("ignoring TEND_SAMPLE_INTERVAL={}: expected a duration from {} to {}; sampling every 1s", text,
                format_duration(kMinSampleInterval), format_duration(kMaxSampleInterval));
    return Millis(1000);
  }
  return *interval;
}

Sampler::Sampler(sd_event* loop, Supervisor& supervisor, Millis default_interval)
    : loop_(loop),
      supervisor_(supervisor),
      default_interval_(clamp_interval(default_interval)),
      timer_(loop, [this] {
        sweep();
        reconsider();
      }) {
  // Only an instance with a memory limit changes whether sampling is needed when its state changes.
  supervisor_.add_state_listener([this](Instance& inst, State) {
    if (inst.spec().max_memory) reconsider();
  });
}

bool Sampler::memory_watched(const Instance& inst) const {
  return inst.spec().max_memory && has_process(inst.state()) && inst.pid() > 0;
}

void Sampler::subscribe(const std::shared_ptr<Connection>& conn, nlohmann::json request_id, Millis interval) {
  subscribers_.push_back({conn, std::move(request_id), clamp_interval(interval)});
  // The first sample goes out at once, read as a one-shot: instances the timer already covers keep the
  // figures of its last interval, and no other consumer's interval is cut short.
  std::string rows;
  for (auto& p : supervisor_.programs())
    for (auto& inst : p->instances) {
      if (!rows.empty()) rows += ',';
      append_snapshot_json(rows, read(*inst, kSampleTop, false));
    }
  send(subscribers_.back(), rows, clamp_interval(interval).count());
  reconsider();
}

void Sampler::forget_connection(Connection& conn) {
  auto before = subscribers_.size();
  std::erase_if(subscribers_, [&](const Subscriber& s) {
    auto c = s.conn.lock();
    return !c || c.get() == &conn;
  });
  if (subscribers_.size() != before) reconsider();
}

void Sampler::reconsider() {
  std::erase_if(subscribers_, [](const Subscriber& s) {
    auto c = s.conn.lock();
    return !c || !c->alive();
  });
  std::optional<Millis> interval;
  for (const auto& s : subscribers_) interval = std::min(interval.value_or(s.interval), s.interval);
  bool memory = false;
  for (auto& p : supervisor_.programs())
    for (auto& inst : p->instances) memory = memory || memory_watched(*inst);
  if (memory) interval = std::min(interval.value_or(default_interval_), default_interval_);
  if (!interval) {
    timer_.cancel();
    if (active_)
      for (auto& p : supervisor_.programs())
        for (auto& inst : p->instances) inst->sample_state().periodic = false;
    active_ = false;
    return;
  }
  bool shorter = active_ && *interval < interval_;
  active_ = true;
  interval_ = *interval;
  if (!timer_.armed() || shorter) timer_.arm(interval_);
}

InstanceSnapshot Sampler::read_now(Instance& inst, unsigned parts) { return read(inst, parts, false); }

InstanceSnapshot Sampler::read(Instance& inst, unsigned parts, bool periodic) {
  InstanceSnapshot s;
  s.program = inst.spec().name;
  s.instance = inst.index();
  s.state = std::string(state_name(inst.state()));
  s.restarts = inst.restarts();
  s.max_memory = inst.spec().max_memory;
  if (inst.pid() <= 0) return s;
  s.pid = inst.pid();
  s.uptime_ms = std::max<std::int64_t>(0, wall_ms() - inst.started_wall_ms());
  auto stat = inst.read_stat();
  if (!stat) return s;
  double hz = double(clock_ticks_per_second());
  s.kernel_state = stat->state;
  s.rss_bytes = std::uint64_t(std::max<std::int64_t>(0, stat->rss_pages)) * std::uint64_t(page_size_bytes());
  s.vsz_bytes = stat->vsize_bytes;
  s.user_seconds = double(stat->utime_ticks) / hz;
  s.system_seconds = double(stat->stime_ticks) / hz;
  s.threads = stat->num_threads;
  s.minor_faults = stat->minflt;
  s.major_faults = stat->majflt;
  Reading now;
  now.pid = inst.pid();
  now.cpu_at_ns = ns_of(std::chrono::steady_clock::now());
  now.cpu_ticks = stat->utime_ticks + stat->stime_ticks;
  if (parts & kSampleCtxt)
    if (auto ctxt = read_context_switches(inst.pid(), stat->num_threads)) {
      now.ctxt_at_ns = now.cpu_at_ns;
      now.voluntary = ctxt->voluntary;
      now.nonvoluntary = ctxt->nonvoluntary;
      s.voluntary_ctxt_switches = ctxt->voluntary;
      s.nonvoluntary_ctxt_switches = ctxt->nonvoluntary;
    }
  if (parts & kSampleFds)
    if (auto fds = count_proc_fds(inst.pid())) s.fds = *fds;
  if (parts & kSampleIo)
    if (auto io = read_proc_io(inst.pid())) {
      s.read_bytes = io->read_bytes;
      s.write_bytes = io->write_bytes;
    }
  SampleState& state = inst.sample_state();
  take_reading(state, now, inst.start_reading(), clock_ticks_per_second(), periodic);
  s.cpu_percent = known(state.figures.cpu_percent);
  s.voluntary_per_s = known(state.figures.voluntary_per_s);
  s.nonvoluntary_per_s = known(state.figures.nonvoluntary_per_s);
  return s;
}

bool Sampler::over_memory_limit(Instance& inst, const InstanceSnapshot& s) {
  bool eligible = inst.state() == State::running || inst.state() == State::starting;
  if (!note_memory_sample(inst.sample_state(), s.rss_bytes, inst.spec().max_memory, eligible)) return false;
  supervisor_.events().record(
      {std::string(kEventMemoryLimit), s.program, s.instance,
       fmt::format("RSS {} above max_memory {} for {} samples (pid {}); sending {}", format_size(*s.rss_bytes),
                   format_size(*inst.spec().max_memory), kMemorySamplesOverLimit, *s.pid,
                   signal_name(inst.spec().stop_signal)),
       {{"pid", *s.pid},
        {"rss_bytes", *s.rss_bytes},
        {"max_memory", *inst.spec().max_memory},
        {"samples", kMemorySamplesOverLimit}}});
  log_warning("{}: RSS {} above max_memory {} for {} samples; sending {}", inst.label(), format_size(*s.rss_bytes),
              format_size(*inst.spec().max_memory), kMemorySamplesOverLimit, signal_name(inst.spec().stop_signal));
  return true;
}

void Sampler::sweep() {
  std::int64_t cpu_before = thread_cpu_ns();
  bool everyone = !subscribers_.empty();
  std::string rows;
  std::vector<std::pair<std::string, int>> to_restart;
  int read_count = 0;
  for (auto& p : supervisor_.programs())
    for (auto& inst : p->instances) {
      bool covered = everyone || memory_watched(*inst);
      inst->sample_state().periodic = covered && inst->pid() > 0;
      if (!covered) continue;
      InstanceSnapshot s = read(*inst, everyone ? kSampleTop : 0, true);
      read_count += s.pid.has_value();
      if (over_memory_limit(*inst, s)) to_restart.emplace_back(s.program, s.instance);
      if (!everyone) continue;
      if (!rows.empty()) rows += ',';
      append_snapshot_json(rows, s);
    }
  for (auto& subscriber : subscribers_) send(subscriber, rows, interval_.count());
  // Restarting changes states (and so, through the listener, the set of consumers): done after the loop.
  for (const auto& [name, index] : to_restart)
    if (Program* p = supervisor_.find(name); p && index < int(p->instances.size()))
      p->instances[size_t(index)]->fail_run("RSS above max_memory");
  last_cpu_ns_ = thread_cpu_ns() - cpu_before;
  cpu_ns_total_ += last_cpu_ns_;
  last_instances_ = read_count;
  ++sweeps_;
}

void Sampler::send(Subscriber& subscriber, const std::string& rows, std::int64_t interval_ms) {
  auto conn = subscriber.conn.lock();
  if (!conn || !conn->alive()) return;
  conn->send_raw(fmt::format(R"({{"v":{},"id":{},"ok":true,"event":"sample","result":{{"interval_ms":{},)"
                             R"("time_ms":{},"instances":[{}]}}}})"
                             "\n",
                             kProtocolVersion, subscriber.request_id.dump(), interval_ms, wall_ms(), rows));
}

DaemonFigures Sampler::figures() const {
  DaemonFigures d;
  d.sampler_active = active_;
  d.sampler_interval_seconds = double((active_ ? interval_ : default_interval_).count()) / 1000;
  d.sampler_sweeps = sweeps_;
  d.sampler_cpu_seconds = double(cpu_ns_total_) / 1e9;
  d.last_sweep_cpu_seconds = double(last_cpu_ns_) / 1e9;
  d.last_sweep_instances = last_instances_;
  return d;
}

}  // namespace tend

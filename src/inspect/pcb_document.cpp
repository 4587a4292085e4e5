// pcb_document: the daemon's facts and a ProcessView turned into the inspect document, group by group.
#include <fmt/format.h>

#include <map>

#include "inspect/env_mask.h"
#include "inspect/pcb.h"
#include "util/clock.h"

namespace tend {
namespace {

using nlohmann::json;

template <typename T>
json opt(const std::optional<T>& v) {
  return v ? json(*v) : json(nullptr);
}

double seconds(std::uint64_t ticks) { return double(ticks) / double(clock_ticks_per_second()); }

/// Collects why parts could not be read, under the names the document uses for them.
class Unreadable {
 public:
  template <typename T>
  const T* get(const Result<T>& r, const char* part) {
    if (r) return &*r;
    if (r.error().code != ENODATA || r.error().message != "not read") out_[part] = r.error().message;
    return nullptr;
  }
  json take() { return std::move(out_); }

 private:
  json out_ = json::object();
};

json transitions_of(const json& facts) {
  json out = json::array();
  for (const auto& e : facts.value("transitions", json::array())) {
    const json& d = e.value("data", json::object());
    out.push_back({{"time", e.value("time", "")},
                   {"time_ms", e.value("time_ms", 0)},
                   {"from", d.value("from", "")},
                   {"to", d.value("to", "")},
                   {"reason", d.value("reason", "")}});
  }
  return out;
}

json exits_of(const json& facts) {
  json out = json::array();
  for (const auto& e : facts.value("exits", json::array())) {
    const json& d = e.value("data", json::object());
    out.push_back({{"time", e.value("time", "")},
                   {"time_ms", e.value("time_ms", 0)},
                   {"pid", d.value("pid", json(nullptr))},
                   {"exit_code", d.value("exit_code", json(nullptr))},
                   {"signal", d.value("signal", json(nullptr))},
                   {"run_ms", d.value("run_ms", json(nullptr))}});
  }
  return out;
}

json identification(const ProcessView& v, const ProcStat& st, const ProcStatus* status, Unreadable& u) {
  json j{{"pid", st.pid}, {"ppid", st.ppid}, {"pgid", st.pgrp}, {"sid", st.session}, {"comm", st.comm}};
  if (status) {
    j["uid"] = status->uid;
    j["euid"] = status->euid;
    j["gid"] = status->gid;
    j["egid"] = status->egid;
    j["user"] = opt(v.user);
    j["effective_user"] = opt(v.euser);
    j["group"] = opt(v.group);
    j["nspid"] = status->nspid;
  }
  const auto* cmdline = u.get(v.cmdline, "cmdline");
  const auto* exe = u.get(v.exe, "exe");
  const auto* cwd = u.get(v.cwd, "cwd");
  j["cmdline"] = cmdline ? json(*cmdline) : json(nullptr);
  j["exe"] = exe ? json(*exe) : json(nullptr);
  j["cwd"] = cwd ? json(*cwd) : json(nullptr);
  j["start_time_ms"] = opt(v.start_wall_ms);
  j["start_time"] = v.start_wall_ms ? json(format_rfc3339_ms(*v.start_wall_ms)) : json(nullptr);
  return j;
}

json syscall_json(const Result<ProcSyscall>& r) {
  if (!r) return nullptr;
  if (r->running) return {{"running", true}};
  return {{"running", false},
          {"number", opt(r->number)},
          {"stack_pointer", fmt::format("{:#x}", r->stack_pointer)},
          {"program_counter", fmt::format("{:#x}", r->program_counter)}};
}

json scheduling(const ProcStat& st, const ProcStatus* status, const ContextSwitches* ctxt, const json& live) {
  return {{"nice", st.nice},
          {"priority", st.priority},
          {"policy", sched_policy_name(st.policy)},
          {"rt_priority", st.rt_priority},
          {"cpus_allowed", status ? json(status->cpus_allowed_list) : json(nullptr)},
          {"last_cpu", st.processor},
          {"voluntary_ctxt_switches", ctxt ? json(ctxt->voluntary) : json(nullptr)},
          {"nonvoluntary_ctxt_switches", ctxt ? json(ctxt->nonvoluntary) : json(nullptr)},
          {"voluntary_per_s", live.value("voluntary_per_s", json(nullptr))},
          {"nonvoluntary_per_s", live.value("nonvoluntary_per_s", json(nullptr))},
          {"rate_interval_ms", live.value("ctxt_interval_ms", json(nullptr))}};
}

json memory(const ProcStat& st, const ProcStatus* status, const SmapsRollup* smaps, const json& facts) {
  std::uint64_t rss = std::uint64_t(std::max<std::int64_t>(0, st.rss_pages)) * std::uint64_t(page_size_bytes());
  json j{{"rss_bytes", status && status->vm_rss_bytes ? *status->vm_rss_bytes : rss},
         {"vsz_bytes", st.vsize_bytes},
         {"pss_bytes", smaps ? json(smaps->pss_bytes) : json(nullptr)},
         {"swap_bytes", status ? opt(status->vm_swap_bytes) : json(nullptr)},
         {"shared_bytes", smaps ? json(smaps->shared_bytes) : json(nullptr)},
         {"private_bytes", smaps ? json(smaps->private_bytes) : json(nullptr)},
         {"anon_bytes", status ? opt(status->rss_anon_bytes) : json(nullptr)},
         {"file_bytes", status ? opt(status->rss_file_bytes) : json(nullptr)},
         {"shmem_bytes", status ? opt(status->rss_shmem_bytes) : json(nullptr)},
         {"minor_faults", st.minflt},
         {"major_faults", st.majflt},
         {"max_memory", facts.value("max_memory", json(nullptr))}};
  return j;
}

json accounting(const ProcStat& st, const ProcIo* io, const json& live) {
  json j{{"user_cpu_seconds", seconds(st.utime_ticks)},
         {"system_cpu_seconds", seconds(st.stime_ticks)},
         {"cpu_percent", live.value("cpu_percent", json(nullptr))},
         {"cpu_interval_ms", live.value("cpu_interval_ms", json(nullptr))},
         {"threads", st.num_threads}};
  if (io)
    j.update({{"read_bytes", io->read_bytes},
              {"write_bytes", io->write_bytes},
              {"cancelled_write_bytes", io->cancelled_write_bytes},
              {"rchar", io->rchar},
              {"wchar", io->wchar},
              {"syscr", io->syscr},
              {"syscw", io->syscw}});
  return j;
}

json fds_json(const std::vector<ProcFd>& fds) {
  json out = json::array();
  for (const auto& f : fds) {
    json item{{"fd", f.fd}, {"target", f.target}, {"kind", fd_kind_name(f.kind)}};
    item["flags"] = f.info ? json(describe_open_flags(f.info->flags)) : json(nullptr);
    item["pos"] = f.info ? json(f.info->pos) : json(nullptr);
    out.push_back(std::move(item));
  }
  return out;
}

json io_group(const std::vector<ProcFd>* fds) {
  if (!fds) return {{"fd_count", nullptr}, {"by_kind", nullptr}};
  std::map<std::string, int> kinds;
  for (const auto& f : *fds) ++kinds[std::string(fd_kind_name(f.kind))];
  return {{"fd_count", fds->size()}, {"by_kind", kinds}};
}

json limits_json(const std::vector<ProcLimit>& limits) {
  json out = json::array();
  for (const auto& l : limits)
    out.push_back({{"name", l.name}, {"soft", opt(l.soft)}, {"hard", opt(l.hard)}, {"units", l.units}});
  return out;
}

json threads_json(const std::vector<ThreadView>& threads) {
  json out = json::array();
  for (const auto& t : threads) {
    const ProcTask& k = t.task;
    out.push_back({{"tid", k.tid},
                   {"name", k.name},
                   {"state", std::string(1, k.state)},
                   {"state_meaning", kernel_state_meaning(k.state)},
                   {"user_cpu_seconds", seconds(k.utime_ticks)},
                   {"system_cpu_seconds", seconds(k.stime_ticks)},
                   {"priority", k.priority},
                   {"nice", k.nice},
                   {"policy", sched_policy_name(k.policy)},
                   {"last_cpu", k.processor},
                   {"voluntary_ctxt_switches", opt(k.voluntary_ctxt_switches)},
                   {"nonvoluntary_ctxt_switches", opt(k.nonvoluntary_ctxt_switches)},
                   {"wchan", opt(t.wchan)},
                   {"syscall", syscall_json(t.syscall)}});
  }
  return out;
}

json status_group(const json& facts, const ProcStat* st, const ProcessView* v, std::int64_t now) {
  std::int64_t state_ms = facts.value("state_ms", std::int64_t{0});
  json j{{"state", facts.value("state", "")},
         {"since", format_rfc3339_ms(now - state_ms)},
         {"state_ms", state_ms},
         {"reason", facts.value("reason", "")},
         {"wanted", facts.value("wanted", false)},
         {"adopted", facts.value("adopted", false)},
         {"kernel_state", st ? json(std::string(1, st->state)) : json(nullptr)},
         {"kernel_state_meaning", st ? json(kernel_state_meaning(st->state)) : json(nullptr)},
         {"wchan", v ? opt(v->wchan) : json(nullptr)},
         {"syscall", v ? syscall_json(v->syscall) : json(nullptr)},
         {"transitions", transitions_of(facts)}};
  return j;
}

}  // namespace

json pcb_document(const json& facts, const ProcessView* v, const InspectOptions& options, std::int64_t now) {
  Unreadable u;
  const ProcStat* st = v ? u.get(v->stat, "stat") : nullptr;
  const ProcStatus* status = st ? u.get(v->status, "status") : nullptr;
  const ContextSwitches* ctxt = st ? u.get(v->ctxt, "context_switches") : nullptr;
  const std::vector<ProcFd>* fds = st ? u.get(v->fds, "fds") : nullptr;
  json live = facts.value("live", json::object());

  json doc{{"name", facts.value("name", "")}, {"instance", facts.value("instance", 0)}};
  doc["pid"] = st ? json(st->pid) : json(nullptr);
  doc["ppid"] = st ? json(st->ppid) : json(nullptr);
  doc["state"] = facts.value("state", "");
  doc["kernel_state"] = st ? json(std::string(1, st->state)) : json(nullptr);
  doc["nice"] = st ? json(st->nice) : json(nullptr);
  doc["rss_bytes"] = nullptr;
  doc["fds"] = fds ? fds_json(*fds) : json::array();
  doc["voluntary_ctxt_switches"] = ctxt ? json(ctxt->voluntary) : json(nullptr);
  doc["nonvoluntary_ctxt_switches"] = ctxt ? json(ctxt->nonvoluntary) : json(nullptr);
  doc["status"] = status_group(facts, st, v, now);
  doc["history"] = {{"restarts", facts.value("restarts", 0)}, {"exits", exits_of(facts)}};
  doc["command"] = facts.value("command", json::array());
  for (const char* group : {"identification", "scheduling", "memory", "accounting", "io", "limits", "cgroup"})
    doc[group] = nullptr;
  if (st) {
    doc["identification"] = identification(*v, *st, status, u);
    doc["scheduling"] = scheduling(*st, status, ctxt, live);
    doc["memory"] = memory(*st, status, u.get(v->smaps, "smaps_rollup"), facts);
    doc["rss_bytes"] = doc["memory"]["rss_bytes"];
    doc["accounting"] = accounting(*st, u.get(v->io, "io"), live);
    doc["io"] = io_group(fds);
    const auto* limits = u.get(v->limits, "limits");
    doc["limits"] = limits ? limits_json(*limits) : json(nullptr);
    doc["cgroup"] = {{"path", facts.value("cgroup", json(nullptr))},
                     {"process_cgroup", opt(v->cgroup)},
                     {"memory_bytes", opt(v->cgroup_memory_bytes)},
                     {"processes", opt(v->cgroup_processes)}};
  }
  if (options.env) {
    const auto* env = st ? u.get(v->environ, "environment") : nullptr;
    json items = json::array();
    if (env)
      for (auto& [key, value] : masked_environment(*env, options.reveal))
        items.push_back({{"key", key}, {"value", value}});
    doc["environment"] = env ? items : json(nullptr);
  }
  if (options.threads) {
    const auto* threads = st ? u.get(v->threads, "threads") : nullptr;
    doc["threads"] = threads ? threads_json(*threads) : json::array();
  }
  doc["unreadable"] = u.take();
  return doc;
}

}  // namespace tend

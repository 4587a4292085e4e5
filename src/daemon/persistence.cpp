// state.json: program definitions, which instances are wanted up, and each live instance's identity
// (pid + kernel start time + cgroup), so a new daemon adopts survivors instead of starting duplicates.
#include <fmt/format.h>

#include <algorithm>

#include "daemon/rolling_reload.h"
#include "daemon/supervisor.h"
#include "util/daemon_log.h"
#include "util/files.h"

namespace tend {

namespace {

constexpr int kStateVersion = 1;

nlohmann::json record_to_json(const InstanceRecord& r) {
  using nlohmann::json;
  return json{{"index", r.index},
              {"wanted", r.wanted},
              {"state", state_name(r.state)},
              {"pid", r.pid > 0 ? json(r.pid) : json(nullptr)},
              {"pgid", r.pgid > 0 ? json(r.pgid) : json(nullptr)},
              {"start_ticks", r.start_ticks},
              {"started_wall_ms", r.started_wall_ms},
              {"cgroup", r.cgroup},
              {"restarts", r.restarts},
              {"exit_code", r.exit_code ? json(*r.exit_code) : json(nullptr)},
              {"exit_signal", r.exit_signal ? json(*r.exit_signal) : json(nullptr)},
              {"reason", r.reason},
              {"status", r.status}};
}

InstanceRecord record_from_json(const nlohmann::json& j) {
  InstanceRecord r;
  r.index = j.value("index", 0);
  r.wanted = j.value("wanted", false);
  r.state = parse_state(j.value("state", "new")).value_or(State::created);
  if (j.contains("pid") && j["pid"].is_number_integer()) r.pid = j["pid"].get<pid_t>();
  if (j.contains("pgid") && j["pgid"].is_number_integer()) r.pgid = j["pgid"].get<pid_t>();
  r.start_ticks = j.value("start_ticks", std::uint64_t(0));
  r.started_wall_ms = j.value("started_wall_ms", std::int64_t(0));
  r.cgroup = j.value("cgroup", "");
  r.restarts = j.value("restarts", 0);
  if (j.contains("exit_code") && j["exit_code"].is_number_integer()) r.exit_code = j["exit_code"].get<int>();
  if (j.contains("exit_signal") && j["exit_signal"].is_number_integer()) r.exit_signal = j["exit_signal"].get<int>();
  r.reason = j.value("reason", "");
  r.status = j.value("status", "");
  return r;
}

}  // namespace

Status Supervisor::save() {
  // Built by hand around each program's cached spec JSON: a program's captured environment is kilobytes,
  // and runtime changes (pids, states) are frequent.
  // Environments are stored once each and referenced by index, as they are shared in memory.
  std::vector<const Environment*> envs;
  auto env_index = [&](const Environment* env) {
    auto it = std::find(envs.begin(), envs.end(), env);
    if (it != envs.end()) return size_t(it - envs.begin());
    envs.push_back(env);
    return envs.size() - 1;
  };
  std::string out = fmt::format("{{\"version\":{},\"programs\":[", kStateVersion);
  std::string durable;
  for (const auto& p : programs_) {
    if (p->spec_json.empty()) p->spec_json = nlohmann::json(p->spec).dump();
    nlohmann::json instances = nlohmann::json::array();
    for (const auto& inst : p->instances) {
      instances.push_back(record_to_json(inst->record()));
      durable += inst->wanted() ? '1' : '0';
    }
    if (&p != &programs_.front()) out += ',';
    size_t env = env_index(p->env.get());
    std::string source = nlohmann::json(p->source).dump();
    std::string transient;
    if (RollingReload* reload = reload_of(p->spec.name))
      transient = fmt::format(",\"transient\":{}", transient_records(*reload).dump());
    out += fmt::format("{{\"spec\":{},\"env\":{},\"source\":{},\"instances\":{}{}}}", p->spec_json, env,
                       source, instances.dump(), transient);
    durable += p->spec_json + std::to_string(env) + source;
  }
  out += "],\"applied\":[";
  for (const auto& f : applied_files_) {
    std::string applied = fmt::format("{{\"path\":{},\"env\":{},\"prune\":{}}}", nlohmann::json(f.path).dump(),
                                      env_index(f.base_env.get()), f.prune);
    out += (&f == &applied_files_.front() ? "" : ",") + applied;
    durable += applied;
  }
  out += "],\"environments\":[";
  for (size_t i = 0; i < envs.size(); ++i) {
    std::string env_json = nlohmann::json(*envs[i]).dump();
    out += (i ? "," : "") + env_json;
    durable += env_json;
  }
  out += "]}\n";
  // fsync only when definitions or wanted flags changed. Runtime facts (pids, states) need no fsync: after a
  // daemon crash the page cache still holds them, and after an OS crash those processes are gone anyway.
  bool sync = durable != last_durable_state_;
  if (auto st = write_file_atomic(paths_.state_file(), out, 0600, sync); !st) return st;
  last_durable_state_ = std::move(durable);
  return {};
}

Status Supervisor::restore(std::map<std::string, UniqueFd> held_fds) {
  // Whatever the holder kept that no adopted instance claims belongs to processes that are gone.
  struct ReleaseUnclaimed {
    std::map<std::string, UniqueFd>& fds;
    FdHolder* holder;
    ~ReleaseUnclaimed() {
      if (holder)
        for (const auto& [key, fd] : fds) holder->remove(key);
    }
  } release{held_fds, services_.fd_holder};
  auto text = read_file(paths_.state_file());
  if (!text) {
    if (text.error().code == ENOENT) return {};
    return text.error();
  }
  auto state = nlohmann::json::parse(*text, nullptr, false);
  auto corrupt = [&](const std::string& why) -> Status {
    std::string aside = paths_.state_file() + ".corrupt";
    ::rename(paths_.state_file().c_str(), aside.c_str());
    return Error{EINVAL, fmt::format("unable to restore {}: {}; moved it to {} and started empty",
                                     paths_.state_file(), why, aside)};
  };
  if (state.is_discarded() || !state.is_object() || !state.contains("programs") || !state["programs"].is_array())
    return corrupt("not a tend state file");
  if (state.value("version", 0) != kStateVersion) return corrupt("unknown version");

  restoring_ = true;
  std::vector<Instance*> to_start;
  try {
    std::vector<std::shared_ptr<const Environment>> envs;
    if (state.contains("environments"))
      for (const auto& ej : state["environments"]) envs.push_back(intern_environment(ej.get<Environment>()));
    for (const auto& pj : state["programs"]) {
      auto spec = program_spec_from_json(pj.at("spec"));
      if (!spec) {
        log_error("state.json: skipping a program: {}", spec.error().message);
        continue;
      }
      if (find(spec->name)) continue;
      auto program = std::make_unique<Program>();
      program->spec = std::move(*spec);
      size_t env_ref = pj.value("env", size_t(0));
      program->env = env_ref < envs.size() ? envs[env_ref] : intern_environment({});
      program->source = pj.value("source", "");
      if (pj.contains("transient")) kill_transient(pj["transient"]);
      prepare_sockets(*program, &held_fds);
      std::map<int, InstanceRecord> records;
      if (pj.contains("instances"))
        for (const auto& ij : pj["instances"]) {
          auto rec = record_from_json(ij);
          records[rec.index] = rec;
        }
      for (int i = 0; i < program->spec.instances; ++i) {
        auto inst = make_instance(*program, i);
        auto it = records.find(i);
        bool adopted = it != records.end() && inst->restore(it->second, held_fds);
        if (!adopted && inst->wanted() && (inst->state() == State::created || inst->state() == State::stopped))
          to_start.push_back(inst.get());
        program->instances.push_back(std::move(inst));
      }
      programs_.push_back(std::move(program));
    }
    if (state.contains("applied"))
      for (const auto& fj : state["applied"]) {
        size_t env_ref = fj.value("env", size_t(0));
        applied_files_.push_back({fj.at("path").get<std::string>(),
                                  env_ref < envs.size() ? envs[env_ref] : intern_environment({}),
                                  fj.value("prune", false)});
      }
  } catch (const nlohmann::json::exception& e) {
    restoring_ = false;
    programs_.clear();
    applied_files_.clear();
    return corrupt(e.what());
  }
  restoring_ = false;
  log_info("restored {} program(s) from {}", programs_.size(), paths_.state_file());
  if (auto failures = start_instances(to_start); !failures.empty()) log_warning("{}", failures);
  schedule_save();
  return {};
}

}  // namespace tend

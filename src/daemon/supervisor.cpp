#include "daemon/supervisor.h"

#include <sys/wait.h>

#include <charconv>
#include <set>

#include "daemon/event_kinds.h"
#include "daemon/messenger.h"
#include "daemon/priorities.h"
#include "daemon/rolling_reload.h"
#include "inspect/orphan_origin.h"
#include "ipc/notify_socket.h"
#include "util/daemon_log.h"

namespace tend {

Supervisor::Supervisor(sd_event* loop, Paths paths, CgroupSupport cgroups, FdHolder* fd_holder,
                       long child_nofile_soft)
    : loop_(loop),
      paths_(std::move(paths)),
      cgroups_(std::move(cgroups)),
      save_later_(loop, kPrioritySave,
                  [this] {
                    if (auto st = save(); !st) log_error("{}", st.error().message);
                  }),
      dependency_check_later_(loop, kPrioritySave, [this] { release_waiting(); }) {
  services_.fd_holder = fd_holder;
  services_.events = &log_events_;
  services_.child_nofile_soft = child_nofile_soft;
  services_.loop = loop_;
  services_.clock = &clock_;
  services_.cgroups = &cgroups_;
  services_.log_path = [this](const std::string& program, int index, std::string_view stream) {
    return paths_.instance_log(program, index, stream);
  };
  services_.on_state_change = [this](Instance& inst, State from) { on_state_change(inst, from); };
  services_.on_output = [this](Instance& inst, std::string_view stream, std::string_view bytes) {
    on_output(inst, stream, bytes);
  };
  services_.track_pid = [this](pid_t pid, Instance* inst) {
    if (inst) pids_[pid] = inst;
    else pids_.erase(pid);
  };
  messenger_ = std::make_unique<Messenger>(*this);
  services_.on_message = [this](Instance& inst, std::string_view line) {
    messenger_->on_message(inst, line);
  };
  services_.on_message_dropped = [this](Instance& inst, const std::string& reason, std::size_t bytes) {
    messenger_->on_dropped(inst, reason, bytes);
  };
  services_.notify_socket = [this] { return notify_socket_path(); };
  services_.drain_notify = [this] {
    if (notify_) notify_->drain();
  };
  services_.watch_pid = [this](pid_t pid, std::function<void(int)> on_exit) {
    watch_child(pid, std::move(on_exit));
  };
}

Supervisor::~Supervisor() {
  sd_event_source_disable_unref(reap_reloads_source_);
  waiters_.clear();
  reloads_.clear();  // their instances refer to programs' specs
  finished_reloads_.clear();
  programs_.clear();
}

Program* Supervisor::find(const std::string& name) {
  for (auto& p : programs_)
    if (p->spec.name == name) return p.get();
  return nullptr;
}

ProgramSpec Program::full_spec() const {
  ProgramSpec full = spec;
  full.env = *env;
  return full;
}

std::unique_ptr<Program> Supervisor::make_program(ProgramSpec spec) {
  auto program = std::make_unique<Program>();
  program->env = intern_environment(std::move(spec.env));
  spec.env.clear();
  program->spec = std::move(spec);
  prepare_sockets(*program);
  add_missing_instances(*program);
  return program;
}

void Supervisor::add_missing_instances(Program& program) {
  for (int i = int(program.instances.size()); i < program.spec.instances; ++i)
    program.instances.push_back(make_instance(program, i));
}

Result<Program*> Supervisor::add_program(ProgramSpec spec, std::string source, bool start) {
  if (auto st = spec.validate(); !st) return st.error();
  if (find(spec.name)) return Error{EEXIST, fmt::format("program {} exists", spec.name)};
  auto program = make_program(std::move(spec));
  program->source = std::move(source);
  Program* raw = program.get();
  programs_.push_back(std::move(program));
  log_info("defined {}: {} instance(s) of {}", raw->spec.name, raw->spec.instances,
           nlohmann::json(raw->spec.argv()).dump());
  schedule_save();
  if (!start) return raw;
  std::vector<Instance*> instances;
  for (auto& inst : raw->instances) instances.push_back(inst.get());
  if (auto failures = start_instances(instances); !failures.empty()) return Error{ECHILD, failures};
  return raw;
}

void Supervisor::redefine_program(Program& program, ProgramSpec spec) {
  program.instances.clear();  // all stopped; they refer to the spec and environment replaced below
  program.env = intern_environment(std::move(spec.env));
  spec.env.clear();
  program.spec = std::move(spec);
  program.spec_json.clear();
  prepare_sockets(program);
  add_missing_instances(program);
  log_info("redefined {}: {} instance(s) of {}", program.spec.name, program.spec.instances,
           nlohmann::json(program.spec.argv()).dump());
  check_waiters();
  schedule_save();
}

void Supervisor::resize_program(Program& program, int instances) {
  while (int(program.instances.size()) > instances) program.instances.pop_back();
  program.spec.instances = instances;
  program.spec_json.clear();
  add_missing_instances(program);
  log_info("{} now has {} instance(s)", program.spec.name, instances);
  check_waiters();
  schedule_save();
}

void Supervisor::remember_applied(const std::string& path, Environment base_env, bool prune) {
  auto it = std::find_if(applied_files_.begin(), applied_files_.end(), [&](const auto& f) { return f.path == path; });
  if (it == applied_files_.end()) it = applied_files_.insert(applied_files_.end(), AppliedFile{path, nullptr, false});
  it->base_env = intern_environment(std::move(base_env));
  it->prune = prune;
  schedule_save();
}

std::shared_ptr<const Environment> Supervisor::intern_environment(Environment env) {
  std::erase_if(environments_, [](const auto& weak) { return weak.expired(); });
  for (const auto& weak : environments_)
    if (auto shared = weak.lock(); *shared == env) return shared;
  auto shared = std::make_shared<const Environment>(std::move(env));
  environments_.push_back(shared);
  return shared;
}

Result<std::vector<Instance*>> Supervisor::resolve(const std::vector<std::string>& targets) {
  std::vector<Instance*> out;
  std::set<Instance*> seen;
  auto add = [&](Instance* inst) {
    if (seen.insert(inst).second) out.push_back(inst);
  };
  for (const auto& target : targets) {
    if (target == "all") {
      for (auto& p : programs_)
        for (auto& inst : p->instances) add(inst.get());
      continue;
    }
    auto colon = target.rfind(':');
    std::string name = colon == std::string::npos ? target : target.substr(0, colon);
    Program* program = find(name);
    if (!program) return Error{ENOENT, fmt::format("no program named {}", name)};
    if (colon == std::string::npos) {
      for (auto& inst : program->instances) add(inst.get());
      continue;
    }
    std::string index_text = target.substr(colon + 1);
    int index = -1;
    auto [end, ec] = std::from_chars(index_text.data(), index_text.data() + index_text.size(), index);
    if (ec != std::errc() || end != index_text.data() + index_text.size() || index < 0 ||
        index >= int(program->instances.size()))
      return Error{ENOENT, fmt::format("no instance {} (program {} has instances 0..{})", target, name,
                                       program->instances.size() - 1)};
    add(program->instances[size_t(index)].get());
  }
  return out;
}

void Supervisor::remove_programs(const std::vector<std::string>& names, std::function<void()> done) {
  std::vector<Instance*> instances;
  for (const auto& name : names)
    if (Program* p = find(name))
      for (auto& inst : p->instances) {
        inst->set_wanted(false);
        instances.push_back(inst.get());
      }
  stop_instances(instances, [](Instance&) {}, [this, names, done = std::move(done)] {
    for (const auto& name : names) {
      if (std::erase_if(programs_, [&](const auto& p) { return p->spec.name == name; })) log_info("deleted {}", name);
    }
    check_waiters();
    schedule_save();
    done();
  });
}

void Supervisor::stop_all(std::function<void()> done) {
  std::vector<Instance*> instances;
  for (auto& p : programs_)
    for (auto& inst : p->instances) instances.push_back(inst.get());
  stop_instances(instances, [](Instance&) {}, [this, done = std::move(done)] {
    // Nothing runs that needs the listening sockets; the next daemon binds them afresh.
    for (auto& p : programs_)
      if (p->sockets) p->sockets->close();
    done();
  });
}

void Supervisor::reap_children() {
  bool reaped_other = false;
  for (;;) {
    // Peek first (WNOWAIT): a stranger's cgroup and process group tell where it came from only while it
    // is still a zombie.
    siginfo_t info{};
    if (::waitid(P_ALL, 0, &info, WEXITED | WNOHANG | WNOWAIT) != 0 || info.si_pid == 0) break;
    pid_t pid = info.si_pid;
    auto it = pids_.find(pid);
    bool watched = child_watchers_.count(pid) > 0;
    std::string origin = it == pids_.end() && !watched ? orphan_origin(pid) : std::string();
    int status = 0;
    if (::waitpid(pid, &status, WNOHANG) != pid) break;
    if (it != pids_.end()) {
      Instance* inst = it->second;
      pids_.erase(it);
      inst->on_reaped(status);
      continue;
    }
    if (watched) {
      auto node = child_watchers_.extract(pid);
      node.mapped()(status);
      continue;
    }
    reaped_other = true;
    std::string how = describe_exit(exit_info_from_status(status));
    if (origin.empty()) {
      log_info("reaped pid {} ({}): a descendant re-parented to tend", pid, how);
      events().record({std::string(kEventOrphan), "", -1, fmt::format("reaped pid {} ({}), origin unknown", pid, how),
                       {{"pid", pid}, {"exit", how}}});
      continue;
    }
    log_info("reaped pid {} ({}): a descendant of {} re-parented to tend", pid, how, origin);
    auto colon = origin.rfind(':');
    events().record({std::string(kEventOrphan), origin.substr(0, colon), std::stoi(origin.substr(colon + 1)),
                     fmt::format("reaped pid {} ({}), a descendant re-parented to tend", pid, how),
                     {{"pid", pid}, {"exit", how}}});
  }
  if (reaped_other) for_each_instance([](Instance& inst) { inst.on_descendant_reaped(); });
}

std::string Supervisor::orphan_origin(pid_t pid) {
  auto facts = read_orphan_facts(pid);
  if (!facts) return {};
  std::vector<OriginCandidate> candidates;
  for (auto& p : programs_)
    for (auto& inst : p->instances)
      candidates.push_back({inst->label(), inst->cgroup_dir(), std::max(inst->last_pgid(), 0)});
  return match_origin(*facts, candidates).value_or("");
}

void Supervisor::watch_child(pid_t pid, std::function<void(int)> on_exit) {
  child_watchers_[pid] = std::move(on_exit);
}

void Supervisor::on_state_change(Instance& inst, State from) {
  std::string transition = fmt::format("{} -> {}{}{}", state_name(from), state_name(inst.state()),
                                       inst.reason().empty() ? "" : ": ", inst.reason());
  log_info("{}: {}", inst.label(), transition);
  events().record({std::string(kEventState), inst.spec().name, inst.index(), std::move(transition),
                   {{"from", state_name(from)}, {"to", state_name(inst.state())}, {"reason", inst.reason()}}});
  if (!restoring_) schedule_save();
  schedule_dependency_check();
  check_waiters();
  for (auto& listener : state_listeners_) listener(inst, from);
  for (auto& reload : reloads_) reload->on_state_change(inst);
}

void Supervisor::add_waiter(std::shared_ptr<StateWaiter> waiter) {
  waiters_.push_back(std::move(waiter));
  check_waiters();
}

void Supervisor::check_waiters() {
  for (auto& w : waiters_) {
    if (w->done) continue;
    auto conn = w->conn.lock();
    if (!conn || !conn->alive()) {
      w->done = true;
      continue;
    }
    bool all = true;
    std::string problem;
    nlohmann::json states = nlohmann::json::array();
    for (const auto& [name, index] : w->instances) {
      Program* p = find(name);
      if (!p || index >= int(p->instances.size())) {
        problem = fmt::format("{}:{} was deleted", name, index);
        break;
      }
      Instance& inst = *p->instances[size_t(index)];
      states.push_back({{"name", name}, {"instance", index}, {"state", state_name(inst.state())}});
      if (inst.state() == w->target) continue;
      all = false;
      // Waiting for a state that can no longer come without a user's action is answered now.
      bool terminal = inst.state() == State::failed || inst.state() == State::exited || inst.state() == State::stopped;
      if (terminal && (w->target == State::running))
        problem = fmt::format("{} is {}{}{}", inst.label(), state_name(inst.state()),
                              inst.reason().empty() ? "" : ": ", inst.reason());
    }
    if (!problem.empty()) {
      conn->send(make_error(w->request_id, ErrorCode::bad_request, problem));
      w->done = true;
    } else if (all) {
      conn->send(make_ok(w->request_id, {{"instances", states}}));
      w->done = true;
    }
  }
  std::erase_if(waiters_, [](const auto& w) { return w->done; });
}

void Supervisor::on_output(Instance& inst, std::string_view stream, std::string_view bytes) {
  if (followers_.empty() || bytes.empty()) return;
  std::string prefix = inst.label() + "|";
  std::string text;
  text.reserve(bytes.size() + prefix.size() * 4);
  size_t pos = 0;
  while (pos < bytes.size()) {
    size_t nl = bytes.find('\n', pos);
    size_t end = nl == std::string_view::npos ? bytes.size() : nl + 1;
    text += prefix;
    text.append(bytes.substr(pos, end - pos));
    pos = end;
  }
  if (text.back() != '\n') text += '\n';
  bool any_gone = false;
  for (auto& f : followers_) {
    auto conn = f.conn.lock();
    if (!conn || !conn->alive()) {
      any_gone = true;
      continue;
    }
    if (!f.program.empty() && f.program != inst.spec().name) continue;
    if (f.instance >= 0 && f.instance != inst.index()) continue;
    if (!f.stream.empty() && f.stream != stream) continue;
    conn->send(make_stream_message(f.request_id, "log", {{"stream", stream}, {"text", text}}));
  }
  if (any_gone) std::erase_if(followers_, [](const auto& f) { return f.conn.expired(); });
}

void Supervisor::forget_connection(Connection& conn) {
  std::erase_if(followers_, [&](const LogFollower& f) {
    auto c = f.conn.lock();
    return !c || c.get() == &conn;
  });
}

void Supervisor::schedule_save() { save_later_.schedule(); }

}  // namespace tend

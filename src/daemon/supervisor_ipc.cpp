// The supervisor's share of messages, readiness and clusters: which instance a process belongs to, the
// notify socket, helper children, instances' listening sockets.
#include <unistd.h>

#include "daemon/messenger.h"
#include "daemon/priorities.h"
#include "daemon/rolling_reload.h"
#include "daemon/supervisor.h"
#include "ipc/notify_socket.h"
#include "util/daemon_log.h"
#include "util/files.h"

namespace tend {

void Supervisor::for_each_instance(const std::function<void(Instance&)>& fn) {
  for (auto& p : programs_)
    for (auto& inst : p->instances) fn(*inst);
  for (auto& reload : reloads_)
    for (Instance* inst : reload->transient()) fn(*inst);
}

Instance* Supervisor::instance_of_process(pid_t pid) {
  if (auto it = pids_.find(pid); it != pids_.end()) return it->second;
  Instance* found = nullptr;
  if (cgroups_.available) {
    // "0::/user.slice/.../tend-1000-1a2b3c4d/web-0": the instance whose cgroup directory ends with that path.
    auto text = read_file(fmt::format("/proc/{}/cgroup", pid));
    if (!text) return nullptr;
    auto at = text->find("0::");
    if (at == std::string::npos) return nullptr;
    std::string path = text->substr(at + 3, text->find('\n', at) - at - 3);
    for_each_instance([&](Instance& inst) {
      const std::string& own = inst.cgroup().path();
      if (!found && !own.empty() && own.size() >= path.size() && own.ends_with(path) &&
          has_process(inst.state()))
        found = &inst;
    });
    return found;
  }
  pid_t pgid = ::getpgid(pid);
  if (pgid <= 0) return nullptr;
  for_each_instance([&](Instance& inst) {
    if (!found && inst.pgid() == pgid && has_process(inst.state())) found = &inst;
  });
  return found;
}

std::unique_ptr<Instance> Supervisor::make_instance(Program& program, int index) {
  auto inst = std::make_unique<Instance>(program.spec, *program.env, index, services_);
  inst->attach_sockets(program.sockets.get());
  return inst;
}

void Supervisor::prepare_sockets(Program& program, std::map<std::string, UniqueFd>* held) {
  if (program.spec.listen.empty()) {
    program.sockets.reset();
  } else if (!program.sockets || !program.sockets->same_as(program.spec.listen)) {
    // Closed before the new ones bind: a redefinition may keep an address with other options.
    program.sockets.reset();
    program.sockets =
        std::make_unique<ProgramSockets>(program.spec.name, program.spec.listen, services_.fd_holder);
  }
  if (program.sockets && held) program.sockets->adopt(*held);
  for (auto& inst : program.instances) inst->attach_sockets(program.sockets.get());
}

Result<std::string> Supervisor::notify_socket_path() {
  if (!notify_) {
    auto socket = NotifySocket::bind(
        loop_, paths_.home + "/notify.sock", kPriorityIpc,
        [this](pid_t sender, NotifyFields fields) { messenger_->on_notify(sender, fields); });
    if (!socket) return socket.error();
    notify_ = std::move(*socket);
  }
  return notify_->path();
}

RollingReload* Supervisor::reload_of(const std::string& program) {
  for (auto& reload : reloads_)
    if (reload->program() == program && !reload->finished()) return reload.get();
  return nullptr;
}

void Supervisor::add_reload(std::shared_ptr<RollingReload> reload) {
  reloads_.push_back(std::move(reload));
}

void Supervisor::remove_reload(RollingReload* reload) {
  auto it = std::find_if(reloads_.begin(), reloads_.end(), [&](const auto& r) { return r.get() == reload; });
  if (it == reloads_.end()) return;
  finished_reloads_.push_back(std::move(*it));
  reloads_.erase(it);
  if (!reap_reloads_source_) {
    if (sd_event_add_defer(loop_, &reap_reloads_source_, on_reap_reloads, this) < 0) return;
    sd_event_source_set_priority(reap_reloads_source_, kPrioritySave);
  }
  sd_event_source_set_enabled(reap_reloads_source_, SD_EVENT_ONESHOT);
}

int Supervisor::on_reap_reloads(sd_event_source*, void* self) {
  static_cast<Supervisor*>(self)->finished_reloads_.clear();
  return 0;
}

std::function<void()> Supervisor::abort_reloads(const std::vector<Instance*>& instances,
                                                std::function<void()> done) {
  std::vector<RollingReload*> affected;
  for (Instance* inst : instances)
    if (RollingReload* r = reload_of(inst->spec().name);
        r && std::find(affected.begin(), affected.end(), r) == affected.end())
      affected.push_back(r);
  if (affected.empty()) return done;
  // done runs once the stop itself and every aborted reload (its extra instances stopped) are finished.
  struct Join {
    size_t pending;
    std::function<void()> done;
    void one() {
      if (--pending == 0) done();
    }
  };
  auto join = std::make_shared<Join>(Join{affected.size() + 1, std::move(done)});
  for (RollingReload* r : affected) r->abort("interrupted by a stop", [join] { join->one(); });
  return [join] { join->one(); };
}

}  // namespace tend

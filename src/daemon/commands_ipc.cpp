// send, reload and scale: messages to children and the cluster commands (docs/protocol.md).
#include <nlohmann/json.hpp>

#include "daemon/commands.h"
#include "daemon/messenger.h"
#include "daemon/rolling_reload.h"
#include "util/daemon_log.h"

namespace tend {

namespace {

using nlohmann::json;

json label_and_pid(const Instance& inst) {
  return {{"name", inst.spec().name},
          {"instance", inst.index()},
          {"state", state_name(inst.state())},
          {"pid", inst.pid() > 0 ? json(inst.pid()) : json(nullptr)}};
}

json step_json(const RollingReload::Step& s) {
  return {{"instance", s.instance},
          {"old_pid", s.old_pid > 0 ? json(s.old_pid) : json(nullptr)},
          {"new_pid", s.new_pid > 0 ? json(s.new_pid) : json(nullptr)},
          {"ready_ms", s.ready_after.count()}};
}

}  // namespace

void Commands::send(const ConnPtr& conn, const Request& req) {
  auto targets = arg_strings(req.args, "targets");
  auto wait_ms = arg_int(req.args, "wait_reply_ms", -1);
  if (!targets || targets->empty() || !req.args.contains("message") || !wait_ms)
    return conn->send(make_error(req.id, ErrorCode::bad_request,
                                 "send needs targets, a message and optionally wait_reply_ms (an integer)"));
  const json& message = req.args["message"];
  if (auto st = Messenger::check_outgoing(message); !st)
    return conn->send(make_error(req.id, ErrorCode::bad_request, st.error().message));
  auto recipients = supervisor_.messenger().recipients(*targets);
  if (!recipients) {
    auto code = recipients.error().code == EINVAL ? ErrorCode::bad_request : ErrorCode::not_found;
    return conn->send(make_error(req.id, code, recipients.error().message));
  }
  std::string line = message.dump();
  json delivered = json::array(), failed = json::array();
  std::vector<Instance*> reached;
  for (Instance* inst : *recipients) {
    if (auto st = inst->deliver(line); !st) {
      failed.push_back({{"instance", inst->label()}, {"error", st.error().message}});
      continue;
    }
    delivered.push_back(inst->label());
    reached.push_back(inst);
  }
  json result{{"delivered", delivered}, {"failed", failed}};
  if (*wait_ms < 0 || reached.empty()) return conn->send(make_ok(req.id, std::move(result)));
  supervisor_.messenger().await_replies(
      reached, Millis(*wait_ms),
      [conn, id = req.id, result](std::vector<Messenger::Reply> replies,
                                  const std::vector<std::string>& missing) mutable {
        json got = json::array();
        for (auto& r : replies)
          got.push_back({{"name", r.program}, {"instance", r.instance}, {"message", r.message}});
        result["replies"] = std::move(got);
        result["missing"] = std::move(missing);
        conn->send(make_ok(id, std::move(result)));
      });
}

void Commands::rolling_reload(const ConnPtr& conn, const Request& req) {
  auto name = arg_string(req.args, "name");
  if (!name) return conn->send(make_error(req.id, ErrorCode::bad_request, name.error().message));
  if (!supervisor_.find(*name))
    return conn->send(make_error(req.id, ErrorCode::not_found, fmt::format("no program named {}", *name)));
  if (supervisor_.reload_of(*name))
    return conn->send(
        make_error(req.id, ErrorCode::bad_request, fmt::format("{} is already being reloaded", *name)));
  std::weak_ptr<Connection> weak = conn;
  auto reload = std::make_shared<RollingReload>(
      supervisor_, *name,
      [weak, id = req.id](const RollingReload::Step& step) {
        if (auto c = weak.lock()) c->send(make_stream_message(id, "reload", step_json(step)));
      },
      [weak, id = req.id](const Status& status, const std::vector<RollingReload::Step>& steps) {
        auto c = weak.lock();
        if (!c) return;
        if (!status) return c->send(make_error(id, ErrorCode::spawn_failed, status.error().message));
        json all = json::array();
        for (const auto& s : steps) all.push_back(step_json(s));
        c->send(make_ok(id, {{"instances", all}}));
      });
  supervisor_.add_reload(reload);
  reload->begin();
}

void Commands::scale(const ConnPtr& conn, const Request& req) {
  auto name = arg_string(req.args, "name");
  auto absolute = arg_int(req.args, "instances", -1);
  auto delta = arg_int(req.args, "delta", 0);
  if (!name || !absolute || !delta || (*absolute < 0) == (*delta == 0))
    return conn->send(
        make_error(req.id, ErrorCode::bad_request, "scale needs a name and instances (or a delta)"));
  Program* p = supervisor_.find(*name);
  if (!p)
    return conn->send(make_error(req.id, ErrorCode::not_found, fmt::format("no program named {}", *name)));
  if (supervisor_.reload_of(*name) || scaling_.count(*name))
    return conn->send(make_error(req.id, ErrorCode::bad_request,
                                 fmt::format("{} is being {}; try again when that is done", *name,
                                             scaling_.count(*name) ? "scaled" : "reloaded")));
  std::int64_t want = *absolute >= 0 ? *absolute : std::int64_t(p->instances.size()) + *delta;
  ProgramSpec check = p->spec;
  check.instances = int(std::clamp<std::int64_t>(want, -1, 100000));
  if (auto st = check.validate(); !st)
    return conn->send(make_error(req.id, ErrorCode::bad_request, st.error().message));
  int n = check.instances, have = int(p->instances.size());
  if (n >= have) {
    supervisor_.resize_program(*p, n);
    std::vector<Instance*> added;
    for (int i = have; i < n; ++i) added.push_back(p->instances[size_t(i)].get());
    std::string failures = supervisor_.start_instances(added);
    json started = json::array();
    for (Instance* inst : added) started.push_back(label_and_pid(*inst));
    if (!failures.empty()) return conn->send(make_error(req.id, ErrorCode::spawn_failed, failures));
    return conn->send(make_ok(req.id, {{"instances", n}, {"started", started}, {"stopped", json::array()}}));
  }
  std::vector<Instance*> surplus;
  for (int i = n; i < have; ++i) {
    p->instances[size_t(i)]->set_wanted(false);
    surplus.push_back(p->instances[size_t(i)].get());
  }
  auto stopped = std::make_shared<json>(json::array());
  scaling_.insert(*name);
  supervisor_.stop_instances(
      surplus, [stopped](Instance& inst) { stopped->push_back(label_and_pid(inst)); },
      [this, conn, id = req.id, name = *name, n, stopped] {
        scaling_.erase(name);
        if (Program* prog = supervisor_.find(name); prog && int(prog->instances.size()) > n)
          supervisor_.resize_program(*prog, n);
        conn->send(make_ok(id, {{"instances", n}, {"started", json::array()}, {"stopped", *stopped}}));
      });
}

}  // namespace tend

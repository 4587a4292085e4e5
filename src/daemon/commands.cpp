#include "daemon/commands.h"

#include <unistd.h>

#include "daemon/log_tail.h"
#include "util/clock.h"
#include "util/daemon_log.h"
#include "util/signals.h"

namespace tend {

namespace {

using nlohmann::json;

void reply_error(const std::shared_ptr<Connection>& conn, const json& id, ErrorCode code, std::string_view msg) {
  conn->send(make_error(id, code, msg));
}

json instance_brief(const Instance& inst) {
  json j{{"name", inst.spec().name}, {"instance", inst.index()}, {"state", state_name(inst.state())},
         {"pid", inst.pid() > 0 ? json(inst.pid()) : json(nullptr)}};
  if (inst.last_exit()) j["exit"] = describe_exit(*inst.last_exit());
  if (!inst.reason().empty()) j["reason"] = inst.reason();
  return j;
}

/// The instances a request names; EINVAL (bad_request) for a malformed list, ENOENT (not_found) otherwise.
Result<std::vector<Instance*>> targets_of(Supervisor& sv, const Request& req) {
  auto targets = arg_strings(req.args, "targets");
  if (!targets) return targets.error();
  if (targets->empty()) return Error{EINVAL, "name at least one program, NAME:I or all"};
  return sv.resolve(*targets);
}


}  // namespace

Commands::Commands(Supervisor& supervisor, std::function<void()> request_exit)
    : supervisor_(supervisor), request_exit_(std::move(request_exit)) {}

void Commands::handle(const ConnPtr& conn, Request req) {
  using Handler = void (Commands::*)(const ConnPtr&, const Request&);
  static const std::pair<std::string_view, Handler> kCommands[] = {
      {"start", &Commands::start}, {"stop", &Commands::stop},     {"restart", &Commands::restart},
      {"delete", &Commands::remove}, {"signal", &Commands::signal}, {"wait", &Commands::wait},
      {"ls", &Commands::list},     {"logs", &Commands::logs},     {"version", &Commands::version},
      {"apply", &Commands::apply}, {"reload-config", &Commands::reload},
      {"send", &Commands::send},   {"reload", &Commands::rolling_reload}, {"scale", &Commands::scale},
  };
  if (req.cmd == "shutdown") return shutdown(conn, req.id);
  for (const auto& [name, handler] : kCommands) {
    if (name != req.cmd) continue;
    if (shutting_down_ && name != "ls" && name != "version")
      return reply_error(conn, req.id, ErrorCode::shutting_down, "the daemon is shutting down");
    return (this->*handler)(conn, req);
  }
  reply_error(conn, req.id, ErrorCode::unknown_command, fmt::format("unknown command '{}'", req.cmd));
}

void Commands::start(const ConnPtr& conn, const Request& req) {
  if (req.args.contains("spec")) {
    auto spec = program_spec_from_json(req.args["spec"]);
    if (!spec) return reply_error(conn, req.id, ErrorCode::bad_request, spec.error().message);
    std::string name = spec->name;
    auto program = supervisor_.add_program(std::move(*spec));
    if (!program) {
      auto code = program.error().code == EEXIST ? ErrorCode::exists
                  : program.error().code == EINVAL ? ErrorCode::bad_request
                                                   : ErrorCode::spawn_failed;
      return reply_error(conn, req.id, code, program.error().message);
    }
    json instances = json::array();
    for (auto& inst : (*program)->instances) instances.push_back(instance_brief(*inst));
    json result{{"instances", instances}};
    if ((*program)->sockets) result["listen"] = (*program)->sockets->bound();
    return conn->send(make_ok(req.id, std::move(result)));
  }
  auto targets = targets_of(supervisor_, req);
  if (!targets) return reply_error(conn, req.id, error_code_for(targets.error()), targets.error().message);
  std::string failures = supervisor_.start_instances(*targets);
  if (!failures.empty()) return reply_error(conn, req.id, ErrorCode::spawn_failed, failures);
  json instances = json::array();
  for (Instance* inst : *targets) instances.push_back(instance_brief(*inst));
  conn->send(make_ok(req.id, {{"instances", instances}}));
}

void Commands::stop(const ConnPtr& conn, const Request& req) {
  auto targets = targets_of(supervisor_, req);
  if (!targets) return reply_error(conn, req.id, error_code_for(targets.error()), targets.error().message);
  auto results = std::make_shared<json>(json::array());
  for (Instance* inst : *targets) inst->set_wanted(false);
  supervisor_.stop_instances(
      *targets, [results](Instance& stopped) { results->push_back(instance_brief(stopped)); },
      [conn, id = req.id, results] { conn->send(make_ok(id, {{"instances", *results}})); });
}

void Commands::restart(const ConnPtr& conn, const Request& req) {
  auto targets = targets_of(supervisor_, req);
  if (!targets) return reply_error(conn, req.id, error_code_for(targets.error()), targets.error().message);
  // Stopped dependants first, then everything started again (dependencies first, as start-up orders them).
  std::vector<std::pair<std::string, int>> names;
  for (Instance* inst : *targets) names.emplace_back(inst->spec().name, inst->index());
  supervisor_.stop_instances(*targets, [](Instance&) {}, [this, conn, id = req.id, names] {
    std::vector<std::string> labels;
    for (const auto& [name, index] : names) labels.push_back(fmt::format("{}:{}", name, index));
    auto again = supervisor_.resolve(labels);
    if (!again) return reply_error(conn, id, ErrorCode::not_found, again.error().message);
    std::string failures = supervisor_.start_instances(*again);
    if (!failures.empty()) return reply_error(conn, id, ErrorCode::spawn_failed, failures);
    json results = json::array();
    for (Instance* inst : *again) results.push_back(instance_brief(*inst));
    conn->send(make_ok(id, {{"instances", results}}));
  });
}

void Commands::remove(const ConnPtr& conn, const Request& req) {
  auto targets = arg_strings(req.args, "targets");
  if (!targets || targets->empty())
    return reply_error(conn, req.id, ErrorCode::bad_request, "name at least one program or all");
  std::vector<std::string> names;
  for (const auto& t : *targets) {
    if (t == "all") {
      for (auto& p : supervisor_.programs()) names.push_back(p->spec.name);
    } else if (t.find(':') != std::string::npos) {
      return reply_error(conn, req.id, ErrorCode::bad_request,
                         fmt::format("delete takes program names, not instances ('{}')", t));
    } else if (!supervisor_.find(t)) {
      return reply_error(conn, req.id, ErrorCode::not_found, fmt::format("no program named {}", t));
    } else if (std::find(names.begin(), names.end(), t) == names.end()) {
      names.push_back(t);
    }
  }
  supervisor_.remove_programs(names, [conn, id = req.id, names] { conn->send(make_ok(id, {{"deleted", names}})); });
}

void Commands::signal(const ConnPtr& conn, const Request& req) {
  auto sig_text = arg_string(req.args, "signal");
  if (!sig_text) return reply_error(conn, req.id, ErrorCode::bad_request, sig_text.error().message);
  auto sig = parse_signal(*sig_text);
  if (!sig) return reply_error(conn, req.id, ErrorCode::bad_request, sig.error().message);
  auto targets = targets_of(supervisor_, req);
  if (!targets) return reply_error(conn, req.id, error_code_for(targets.error()), targets.error().message);
  json signalled = json::array();
  std::string failures;
  for (Instance* inst : *targets) {
    if (auto st = inst->signal(*sig); !st) failures += (failures.empty() ? "" : "; ") + st.error().message;
    else signalled.push_back(inst->label());
  }
  if (!failures.empty()) return reply_error(conn, req.id, ErrorCode::not_found, failures);
  conn->send(make_ok(req.id, {{"signalled", signalled}, {"signal", signal_name(*sig)}}));
}

void Commands::wait(const ConnPtr& conn, const Request& req) {
  auto state_text = arg_string(req.args, "state");
  if (!state_text) return reply_error(conn, req.id, ErrorCode::bad_request, state_text.error().message);
  auto target = parse_state(*state_text);
  if (!target) return reply_error(conn, req.id, ErrorCode::bad_request, fmt::format("unknown state '{}'", *state_text));
  auto timeout = arg_int(req.args, "timeout_ms", 30'000);
  if (!timeout || *timeout < 0) return reply_error(conn, req.id, ErrorCode::bad_request, "bad timeout_ms");
  auto targets = targets_of(supervisor_, req);
  if (!targets) return reply_error(conn, req.id, error_code_for(targets.error()), targets.error().message);

  auto waiter = std::make_shared<StateWaiter>();
  waiter->conn = conn;
  waiter->request_id = req.id;
  waiter->target = *target;
  for (Instance* inst : *targets) waiter->instances.emplace_back(inst->spec().name, inst->index());
  std::weak_ptr<StateWaiter> weak = waiter;
  waiter->deadline = std::make_unique<Timer>(supervisor_.loop(), [weak, state = *state_text, ms = *timeout] {
    auto w = weak.lock();
    if (!w || w->done) return;
    w->done = true;
    if (auto c = w->conn.lock())
      c->send(make_error(w->request_id, ErrorCode::timeout,
                         fmt::format("not every instance reached {} within {}", state, format_duration(Millis(ms)))));
  });
  waiter->deadline->arm(Millis(*timeout));
  supervisor_.add_waiter(waiter);
}

void Commands::list(const ConnPtr& conn, const Request& req) {
  // The response is assembled as text, in the documented key order ({"v","id","ok","result"}), so that our
  // own client can print the result without parsing it.
  std::string out = fmt::format(R"({{"v":{},"id":{},"ok":true,"result":[)", kProtocolVersion, req.id.dump());
  std::int64_t now = wall_ms();
  bool first = true;
  for (auto& p : supervisor_.programs())
    for (auto& inst : p->instances) {
      if (!first) out += ',';
      first = false;
      inst->describe(out, now);
    }
  out += "]}\n";
  conn->send_raw(std::move(out));
}

void Commands::logs(const ConnPtr& conn, const Request& req) {
  auto lines = arg_int(req.args, "lines", 20);
  auto follow = arg_bool(req.args, "follow", false);
  auto rotate = arg_bool(req.args, "rotate", false);
  std::string stream = req.args.value("stream", "");
  if (!lines || *lines < 0 || !follow || !rotate || (stream != "" && stream != "out" && stream != "err"))
    return reply_error(conn, req.id, ErrorCode::bad_request, "bad logs arguments (lines >= 0, stream out|err)");
  auto names = arg_strings(req.args, "targets");
  if (!names) return reply_error(conn, req.id, ErrorCode::bad_request, names.error().message);
  if (names->empty()) names->push_back("all");
  auto targets = supervisor_.resolve(*names);
  if (!targets) return reply_error(conn, req.id, error_code_for(targets.error()), targets.error().message);

  if (*rotate) {
    json rotated = json::array();
    for (Instance* inst : *targets) {
      inst->rotate_logs();
      rotated.push_back(inst->label());
    }
    return conn->send(make_ok(req.id, {{"rotated", rotated}}));
  }
  const auto& paths = supervisor_.paths();
  for (Instance* inst : *targets) {
    std::vector<std::vector<std::string>> streams;
    for (std::string_view s : {"out", "err"})
      if (stream.empty() || stream == s)
        streams.push_back(tail_lines(paths.instance_log(inst->spec().name, inst->index(), s), size_t(*lines)));
    std::string text;
    for (const auto& line : merge_by_stamp(std::move(streams), size_t(*lines)))
      text += inst->label() + "|" + line + "\n";
    if (!text.empty()) conn->send(make_stream_message(req.id, "log", {{"text", text}}));
  }
  if (!*follow) return conn->send(make_ok(req.id, {{"end", true}}));
  // The tail above and the subscription below happen in one loop turn: no line is missed or repeated.
  LogFollower f{conn, req.id, "", -1, stream};
  if (names->size() == 1 && (*names)[0] != "all") {
    auto colon = (*names)[0].rfind(':');
    f.program = (*names)[0].substr(0, colon);
    if (colon != std::string::npos) f.instance = (*targets)[0]->index();
  }
  supervisor_.add_follower(std::move(f));
}

void Commands::version(const ConnPtr& conn, const Request& req) {
  const auto& cg = supervisor_.cgroups();
  std::string containment = cg.available ? fmt::format("cgroup v2 ({})", cg.base)
                                         : fmt::format("process groups ({})", cg.reason);
  conn->send(make_ok(req.id, {{"version", TEND_VERSION},
                              {"pid", ::getpid()},
                              {"home", supervisor_.paths().home},
                              {"containment", containment}}));
}

void Commands::apply(const ConnPtr& conn, const Request& req) {
  auto path = arg_string(req.args, "path");
  auto prune = arg_bool(req.args, "prune", false);
  auto dry_run = arg_bool(req.args, "dry_run", false);
  if (!path || !prune || !dry_run || path->empty() || (*path)[0] != '/')
    return reply_error(conn, req.id, ErrorCode::bad_request, "apply needs an absolute path; prune and dry_run are booleans");
  Environment env;
  if (req.args.contains("env")) {
    if (!req.args["env"].is_object()) return reply_error(conn, req.id, ErrorCode::bad_request, "env must be an object");
    for (const auto& [key, value] : req.args["env"].items()) {
      if (!value.is_string()) return reply_error(conn, req.id, ErrorCode::bad_request, "env values must be strings");
      env[key] = value.get<std::string>();
    }
  }
  applier_.apply({*path, std::move(env), *prune, *dry_run}, [conn, id = req.id](ApplyOutcome outcome) {
    if (!outcome.errors.empty()) {
      std::string text;
      for (const auto& e : outcome.errors) text += (text.empty() ? "" : "\n") + e.to_string();
      return reply_error(conn, id, ErrorCode::invalid_config, text);
    }
    json result{{"plan", outcome.plan}};
    if (!outcome.failures.empty()) result["failures"] = outcome.failures;
    conn->send(make_ok(id, std::move(result)));
  });
}

void Commands::reload_config(std::shared_ptr<Connection> conn, nlohmann::json id) {
  if (shutting_down_) return log_info("not reloading config files: the daemon is shutting down");
  log_info("reloading every applied config file");
  applier_.reload_all([conn, id](std::vector<std::pair<std::string, ApplyOutcome>> outcomes) {
    if (!conn) return;
    json files = json::array();
    for (const auto& [path, outcome] : outcomes) {
      json errors = json::array();
      for (const auto& e : outcome.errors) errors.push_back(e.to_string());
      files.push_back({{"path", path}, {"plan", outcome.plan}, {"errors", errors}, {"failures", outcome.failures}});
    }
    conn->send(make_ok(id, {{"files", files}}));
  });
}

void Commands::shutdown(std::shared_ptr<Connection> conn, nlohmann::json id) {
  if (shutting_down_) {
    if (conn) reply_error(conn, id, ErrorCode::shutting_down, "the daemon is already shutting down");
    return;
  }
  shutting_down_ = true;
  log_info("shutting down: stopping every program");
  supervisor_.stop_all([this, conn, id] {
    if (auto st = supervisor_.save(); !st) log_error("{}", st.error().message);
    log_info("every program stopped; exiting");
    if (conn) conn->send(make_ok(id, {{"stopped", true}}));
    request_exit_();
  });
}

}  // namespace tend

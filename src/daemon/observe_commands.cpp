#include "daemon/observe_commands.h"

#include <unistd.h>

#include <fmt/format.h>

#include "daemon/event_kinds.h"
#include "proc/proc_cmdline.h"
#include "proc/proc_tasks.h"
#include "util/clock.h"

namespace tend {
namespace {

using nlohmann::json;

void reply_error(const std::shared_ptr<Connection>& conn, const json& id, ErrorCode code, std::string_view msg) {
  conn->send(make_error(id, code, msg));
}

json events_json(const Result<std::vector<StoredEvent>>& events) {
  json out = json::array();
  if (events)
    for (const auto& e : *events) out.push_back(event_json(e));
  return out;
}

json optional_number(const std::optional<double>& v) { return v ? json(*v) : json(nullptr); }

/// The tend-side half of an instance's PCB: what only the daemon knows (the client reads /proc itself).
json instance_facts(Instance& inst, Sampler& sampler, StoredEvents& events, std::int64_t now_wall) {
  InstanceSnapshot live = sampler.read_now(inst, kSampleCtxt);
  const Figures& f = inst.sample_state().figures;
  bool has_pid = inst.pid() > 0;
  json j{{"name", inst.spec().name},
         {"instance", inst.index()},
         {"state", state_name(inst.state())},
         {"state_ms", std::chrono::duration_cast<Millis>(std::chrono::steady_clock::now() - inst.state_since()).count()},
         {"reason", inst.reason()},
         {"wanted", inst.wanted()},
         {"adopted", inst.adopted()},
         {"restarts", inst.restarts()},
         {"pid", has_pid ? json(inst.pid()) : json(nullptr)},
         {"pgid", has_pid && inst.pgid() > 0 ? json(inst.pgid()) : json(nullptr)},
         {"start_ticks", has_pid ? json(inst.start_ticks()) : json(nullptr)},
         {"started_ms", has_pid ? json(inst.started_wall_ms()) : json(nullptr)},
         {"uptime_ms", has_pid ? json(std::max<std::int64_t>(0, now_wall - inst.started_wall_ms())) : json(0)},
         {"cgroup", inst.cgroup().empty() ? json(nullptr) : json(inst.cgroup().path())},
         {"max_memory", inst.spec().max_memory ? json(*inst.spec().max_memory) : json(nullptr)},
         {"command", inst.spec().argv()},
         {"daemon_pid", ::getpid()},
         {"live",
          {{"cpu_percent", optional_number(live.cpu_percent)},
           {"cpu_interval_ms", live.cpu_percent ? json(f.cpu_interval_ms) : json(nullptr)},
           {"voluntary_per_s", optional_number(live.voluntary_per_s)},
           {"nonvoluntary_per_s", optional_number(live.nonvoluntary_per_s)},
           {"ctxt_interval_ms", live.voluntary_per_s ? json(f.ctxt_interval_ms) : json(nullptr)},
           {"periodic", inst.sample_state().periodic}}}};
  EventQuery q;
  q.program = inst.spec().name;
  q.instance = inst.index();
  q.limit = 10;
  q.kinds = {std::string(kEventState)};
  auto transitions = events.query(q);
  q.kinds = {std::string(kEventExit)};
  auto exits = events.query(q);
  j["transitions"] = events_json(transitions);
  j["exits"] = events_json(exits);
  if (!transitions) j["history_error"] = transitions.error().message;
  return j;
}

/// The daemon's children that are not its instances' main processes nor its fd holder: re-parented orphans.
std::vector<pid_t> orphans_of_daemon(Supervisor& sv) {
  std::vector<pid_t> out;
  auto children = read_children(::getpid());
  if (!children) return out;
  for (pid_t child : *children) {
    bool instance = false;
    for (auto& p : sv.programs())
      for (auto& inst : p->instances) instance = instance || inst->pid() == child;
    if (instance) continue;
    auto argv = read_proc_cmdline(child);
    if (argv && argv->size() >= 2 && (*argv)[1] == "fd-holder") continue;
    out.push_back(child);
  }
  return out;
}

}  // namespace

Result<EventQuery> event_query_from_args(const json& args) {
  EventQuery q;
  auto since = arg_int(args, "since_ms", -1);
  auto after = arg_int(args, "after_id", 0);
  auto limit = arg_int(args, "limit", 0);
  auto newest = arg_bool(args, "newest", true);
  auto instance = arg_int(args, "instance", -1);
  auto kinds = arg_strings(args, "kinds");
  if (!since) return since.error();
  if (!after) return after.error();
  if (!limit) return limit.error();
  if (!newest) return newest.error();
  if (!instance) return instance.error();
  if (!kinds) return kinds.error();
  if (*limit < 0 || *limit > std::int64_t(kMaxEventsPerResponse))
    return Error{EINVAL, fmt::format("argument 'limit' must be 0..{}", kMaxEventsPerResponse)};
  if (*since >= 0) q.since_ms = *since;
  q.after_id = *after;
  q.limit = size_t(*limit == 0 ? std::int64_t(kMaxEventsPerResponse) : *limit);
  q.newest = *newest;
  q.instance = int(*instance);
  q.kinds = *kinds;
  if (args.contains("program") && !args["program"].is_null()) {
    auto program = arg_string(args, "program");
    if (!program) return program.error();
    q.program = *program;
  }
  return q;
}

ObserveCommands::ObserveCommands(Supervisor& supervisor, Sampler& sampler, StoredEvents& events)
    : supervisor_(supervisor), sampler_(sampler), events_(events) {}

bool ObserveCommands::handle(const ConnPtr& conn, const Request& req) {
  using Handler = void (ObserveCommands::*)(const ConnPtr&, const Request&);
  static const std::pair<std::string_view, Handler> kCommands[] = {
      {"inspect", &ObserveCommands::inspect}, {"tree", &ObserveCommands::tree},
      {"events", &ObserveCommands::events},   {"samples", &ObserveCommands::samples},
      {"metrics", &ObserveCommands::metrics},
  };
  for (const auto& [name, handler] : kCommands)
    if (name == req.cmd) {
      (this->*handler)(conn, req);
      return true;
    }
  return false;
}

void ObserveCommands::forget_connection(Connection& conn) {
  sampler_.forget_connection(conn);
  events_.forget_connection(conn);
}

void ObserveCommands::inspect(const ConnPtr& conn, const Request& req) {
  auto target = arg_string(req.args, "target");
  if (!target) return reply_error(conn, req.id, ErrorCode::bad_request, target.error().message);
  auto found = supervisor_.resolve({*target});
  if (!found) return reply_error(conn, req.id, ErrorCode::not_found, found.error().message);
  if (found->size() != 1 || *target == "all")
    return reply_error(conn, req.id, ErrorCode::bad_request,
                       fmt::format("{} names {} instances; inspect one of them ({} … {})", *target,
                                   found->size(), found->front()->label(), found->back()->label()));
  conn->send(make_ok(req.id, instance_facts(*found->front(), sampler_, events_, wall_ms())));
}

void ObserveCommands::tree(const ConnPtr& conn, const Request& req) {
  auto names = arg_strings(req.args, "targets");
  if (!names) return reply_error(conn, req.id, ErrorCode::bad_request, names.error().message);
  if (names->empty()) names->push_back("all");
  auto found = supervisor_.resolve(*names);
  if (!found) return reply_error(conn, req.id, ErrorCode::not_found, found.error().message);
  json instances = json::array();
  for (Instance* inst : *found)
    instances.push_back({{"name", inst->spec().name},
                         {"instance", inst->index()},
                         {"state", state_name(inst->state())},
                         {"pid", inst->pid() > 0 ? json(inst->pid()) : json(nullptr)}});
  json orphans = json::array();
  for (pid_t pid : orphans_of_daemon(supervisor_)) {
    std::string origin = supervisor_.orphan_origin(pid);
    orphans.push_back({{"pid", pid}, {"from", origin.empty() ? json(nullptr) : json(origin)}});
  }
  conn->send(make_ok(req.id, {{"daemon_pid", ::getpid()}, {"instances", instances}, {"orphans", orphans}}));
}

void ObserveCommands::events(const ConnPtr& conn, const Request& req) {
  auto query = event_query_from_args(req.args);
  auto follow = arg_bool(req.args, "follow", false);
  if (!query) return reply_error(conn, req.id, ErrorCode::bad_request, query.error().message);
  if (!follow) return reply_error(conn, req.id, ErrorCode::bad_request, follow.error().message);
  if (*follow) {
    // The backlog and the subscription happen in one loop turn: nothing is missed or repeated. A follow
    // without limit, since or after_id starts from now.
    auto limit = arg_int(req.args, "limit", 0);  // well-formed: event_query_from_args checked it
    bool backlog = *limit > 0 || query->since_ms || query->after_id > 0;
    if (!backlog) {
      events_.flush();
    } else {
      if (*limit == 0) query->newest = true;  // all since then: the newest of them
      if (auto past = events_.query(*query))
        for (const auto& e : *past) conn->send(make_stream_message(req.id, "event", event_json(e)));
    }
    query->since_ms.reset();
    return events_.follow(conn, req.id, std::move(*query));
  }
  auto found = events_.query(*query);
  if (!found) return reply_error(conn, req.id, ErrorCode::internal, found.error().message);
  conn->send(make_ok(req.id, {{"events", events_json(found)}}));
}

void ObserveCommands::samples(const ConnPtr& conn, const Request& req) {
  auto interval = arg_int(req.args, "interval_ms", sampler_.default_interval().count());
  if (!interval || *interval <= 0)
    return reply_error(conn, req.id, ErrorCode::bad_request, "argument 'interval_ms' must be a positive integer");
  sampler_.subscribe(conn, req.id, Millis(*interval));
}

void ObserveCommands::metrics(const ConnPtr& conn, const Request& req) {
  std::vector<InstanceSnapshot> snapshots;
  for (auto& p : supervisor_.programs())
    for (auto& inst : p->instances) snapshots.push_back(sampler_.read_now(*inst, kSampleEverything));
  DaemonFigures daemon = sampler_.figures();
  daemon.programs = int(supervisor_.programs().size());
  daemon.events_stored = events_.count();
  conn->send(make_ok(req.id, {{"text", prometheus_text(snapshots, daemon)}}));
}

}  // namespace tend

// events: the daemon's history from $TEND_HOME/events.db. Without -f it asks the running daemon (which first
// writes what it has queued), or reads the file itself when no daemon runs; -f asks the daemon to stream.
#include "cli/events.h"

#include <fmt/format.h>

#include "cli/cli.h"
#include "cli/text.h"
#include "daemon/paths.h"
#include "util/clock.h"
#include "util/units.h"

namespace tend::cli {
namespace {

struct EventsOptions {
  std::string target;
  bool follow = false, json = false;
  std::string since;
  std::optional<int> lines;
  std::vector<std::string> kinds;
};

constexpr int kDefaultLines = 20;

/// Where past events come from: the daemon, or the file when none runs.
using Fetch = std::function<Result<std::vector<StoredEvent>>(const EventQuery&)>;

nlohmann::json query_args(const EventQuery& q) {
  nlohmann::json args{{"after_id", q.after_id}, {"limit", q.limit}, {"newest", q.newest}, {"kinds", q.kinds}};
  if (q.since_ms) args["since_ms"] = *q.since_ms;
  if (!q.program.empty()) args["program"] = q.program;
  if (q.instance >= 0) args["instance"] = q.instance;
  return args;
}

Result<std::vector<StoredEvent>> from_daemon(Client& client, const EventQuery& q) {
  auto response = client.call("events", query_args(q));
  if (!response) return response.error();
  if (!response->value("ok", false))
    return Error{EIO, (*response)["error"].value("message", "unknown error")};
  std::vector<StoredEvent> out;
  for (const auto& j : (*response)["result"]["events"]) {
    auto e = event_from_json(j);
    if (!e) return e.error();
    out.push_back(std::move(*e));
  }
  return out;
}

void print_event(const StoredEvent& e, bool json) {
  if (json)
    fmt::print("{}\n", event_json(e).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
  else
    fmt::print("{}", format_event_line(e));
}

/// The last N, or everything since a time (in pages, so a long history never makes one huge reply).
int print_past(const Fetch& fetch, EventQuery q, const EventsOptions& o) {
  bool paged = !o.since.empty() && !o.lines;
  q.limit = paged ? 5000 : size_t(o.lines.value_or(kDefaultLines));
  q.newest = !paged;
  if (q.limit == 0) return kOk;
  for (;;) {
    auto events = fetch(q);
    if (!events) {
      print_error(events.error().message);
      return kFailed;
    }
    for (const auto& e : *events) print_event(e, o.json);
    if (!paged || events->size() < q.limit) return kOk;
    q.after_id = events->back().id;
  }
}

int follow(const EventQuery& q, const EventsOptions& o) {
  auto client = connect_or_start();
  if (!client) {
    print_error(client.error().message);
    return kUnreachable;
  }
  // One request: the daemon sends the backlog and subscribes in the same loop turn, so nothing falls between.
  nlohmann::json args = query_args(q);
  args["follow"] = true;
  args["newest"] = o.since.empty() || o.lines.has_value();
  args["limit"] = o.lines.value_or(o.since.empty() ? kDefaultLines : 0);
  if (auto id = client->send("events", args); !id) {
    print_error(id.error().message);
    return kUnreachable;
  }
  for (int rc = kOk;;) {
    auto msg = read_ok_message(*client, rc);
    if (!msg) return rc;
    if (auto e = event_from_json((*msg)["result"])) print_event(*e, o.json);
    fflush(stdout);
  }
}

int run_events(const EventsOptions& o) {
  EventQuery q;
  if (!o.target.empty()) {
    auto target = parse_target(o.target);
    if (!target) {
      print_error(target.error().message);
      return kUsage;
    }
    q.program = target->program;
    q.instance = target->instance;
  }
  if (!o.since.empty()) {
    auto since = parse_duration(o.since);
    if (!since) {
      print_error(fmt::format("invalid --since: {}", since.error().message));
      return kUsage;
    }
    q.since_ms = wall_ms() - since->count();
  }
  q.kinds = o.kinds;
  if (o.follow) return follow(q, o);

  auto paths = resolve_paths();
  if (!paths) {
    print_error(paths.error().message);
    return kUnreachable;
  }
  auto client = Client::connect(paths->socket());
  if (client) return print_past([&](const EventQuery& page) { return from_daemon(*client, page); }, q, o);
  if (client.error().code != ENOENT && client.error().code != ECONNREFUSED) {
    print_error(client.error().message);
    return kUnreachable;
  }
  // No daemon: the file is read directly (it is in WAL mode, so this works beside a writer too).
  auto store = EventStore::open_read_only(paths->events_db());
  if (!store) {
    if (store.error().code == ENOENT) return kOk;  // no event was ever recorded in this home
    print_error(store.error().message);
    return kFailed;
  }
  return print_past([&](const EventQuery& page) { return store->query(page); }, q, o);
}

}  // namespace

std::string format_event_line(const StoredEvent& e) {
  std::string who = e.record.program.empty() ? "-" : fmt::format("{}:{}", e.record.program, e.record.instance);
  return fmt::format("{}  {:<16} {:<12} {}\n", format_rfc3339_ms(e.time_ms), printable(who),
                     printable(e.record.kind), printable(e.record.message));
}

void add_events(CLI::App& app, Context& ctx) {
  auto o = std::make_shared<EventsOptions>();
  auto* cmd = app.add_subcommand("events", "Show the history: state changes, exits, restarts, memory limits, applies");
  cmd->add_option("target", o->target, "Only NAME or NAME:I");
  cmd->add_flag("-f,--follow", o->follow, "Then print new events as they happen, until interrupted");
  cmd->add_option("--since", o->since, "Events of the last DUR (30s, 10m, 2h, 1d): all of them unless -n");
  cmd->add_option("-n,--lines", o->lines, "The last N events (default 20)")->check(CLI::Range(0, 10000));
  cmd->add_option("--kind", o->kinds, "Only this kind (repeatable): state, exit, restart, memory_limit, ...");
  cmd->add_flag("--json", o->json, "One JSON object per line (schema in docs/events.md)");
  cmd->callback([&ctx, o] { ctx.action = [o] { return run_events(*o); }; });
}

}  // namespace tend::cli

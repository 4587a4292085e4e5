#include "daemon/job_commands.h"

#include <fmt/format.h>

#include <algorithm>

#include "jobs/job_json.h"
#include "util/clock.h"
#include "util/signals.h"

namespace tend {

namespace {

using jobs::Job;
using jobs::JobId;
using jobs::JobState;
using nlohmann::json;

void reply_error(const std::shared_ptr<Connection>& conn, const json& id, const Error& e) {
  conn->send(make_error(id, error_code_for(e), e.message));
}

Result<std::vector<JobId>> ids_of(const json& args) {
  std::vector<JobId> ids;
  if (!args.contains("ids") || args["ids"].is_null()) return ids;
  if (!args["ids"].is_array()) return Error{EINVAL, "argument 'ids' must be an array of job ids"};
  for (const auto& v : args["ids"]) {
    if (!v.is_number_integer()) return Error{EINVAL, "argument 'ids' must be an array of job ids"};
    ids.push_back(v.get<JobId>());
  }
  return ids;
}

json brief(const Job& job) {
  return {{"id", job.id},
          {"state", job_state_name(job.state)},
          {"exit_code", job.exit_code ? json(*job.exit_code) : json(nullptr)},
          {"exit_signal", job.exit_signal ? json(signal_name(*job.exit_signal)) : json(nullptr)},
          {"exit_status", jobs::job_exit_status(job)},
          {"reason", job.reason.empty() ? json(nullptr) : json(job.reason)}};
}

}  // namespace

bool JobCommands::handles(std::string_view cmd) {
  return cmd.starts_with("job-") || cmd.starts_with("queue-") || cmd.starts_with("schedule-");
}

void JobCommands::handle(const ConnPtr& conn, const Request& req) {
  using Handler = void (JobCommands::*)(const ConnPtr&, const Request&);
  struct Entry {
    std::string_view name;
    Handler handler;
    bool while_shutting_down;  // only looking is allowed once the daemon is stopping
  };
  static const Entry kCommands[] = {
      {"job-submit", &JobCommands::submit, false},       {"job-ls", &JobCommands::list, true},
      {"job-show", &JobCommands::show, true},            {"job-cancel", &JobCommands::cancel, false},
      {"job-wait", &JobCommands::wait, false},           {"job-stats", &JobCommands::stats, true},
      {"job-prune", &JobCommands::prune, false},         {"queue-set", &JobCommands::queue_set, false},
      {"queue-ls", &JobCommands::queue_list, true},      {"queue-pause", &JobCommands::queue_pause, false},
      {"queue-resume", &JobCommands::queue_resume, false}, {"schedule-add", &JobCommands::schedule_add, false},
      {"schedule-ls", &JobCommands::schedule_list, true}, {"schedule-rm", &JobCommands::schedule_remove, false},
      {"schedule-run", &JobCommands::schedule_run, false},
  };
  for (const auto& e : kCommands) {
    if (e.name != req.cmd) continue;
    if (service_.shutting_down() && !e.while_shutting_down)
      return conn->send(make_error(req.id, ErrorCode::shutting_down, "the daemon is shutting down"));
    (this->*e.handler)(conn, req);
    // Whatever the reply showed or changed is written in this same loop iteration, not up to an interval
    // later: a daemon killed right afterwards cannot contradict what a client was told.
    service_.write_history_now();
    return;
  }
  conn->send(make_error(req.id, ErrorCode::unknown_command, fmt::format("unknown command '{}'", req.cmd)));
}

Result<jobs::JobSpec> JobCommands::spec_of(const json& args) {
  if (!args.contains("spec")) return Error{EINVAL, "argument 'spec' (the job) is missing"};
  const json& j = args["spec"];
  auto spec = jobs::spec_from_json(j);
  if (!spec) return spec.error();
  Environment env;
  if (j.contains("env") && !j["env"].is_null()) {
    if (!j["env"].is_object()) return Error{EINVAL, "invalid job: env must be an object"};
    for (const auto& [key, value] : j["env"].items()) {
      if (!value.is_string()) return Error{EINVAL, "invalid job: env values must be strings"};
      env[key] = value.get<std::string>();
    }
  }
  spec->env = service_.intern_environment(std::move(env));
  return spec;
}

json JobCommands::job_json(const Job& job) {
  return jobs::job_to_json(job, std::chrono::steady_clock::now(), wall_ms(), service_.runner().out_log(job.id),
                           service_.runner().err_log(job.id));
}

void JobCommands::submit(const ConnPtr& conn, const Request& req) {
  auto spec = spec_of(req.args);
  if (!spec) return reply_error(conn, req.id, spec.error());
  auto wait = arg_bool(req.args, "wait", false);
  if (!wait) return reply_error(conn, req.id, wait.error());
  std::vector<jobs::JobSpec> specs;
  if (req.args.contains("commands") && !req.args["commands"].is_null()) {
    const json& commands = req.args["commands"];
    if (!commands.is_array() || commands.empty())
      return reply_error(conn, req.id, Error{EINVAL, "argument 'commands' must be a non-empty array"});
    specs.reserve(commands.size());
    for (const auto& c : commands) {
      jobs::JobSpec one = *spec;
      if (c.is_string()) one.command = {c.get<std::string>()};
      else if (c.is_array() && std::all_of(c.begin(), c.end(), [](const json& w) { return w.is_string(); }))
        one.command = c.get<std::vector<std::string>>();
      else
        return reply_error(conn, req.id, Error{EINVAL, "argument 'commands' holds argv arrays or strings"});
      specs.push_back(std::move(one));
    }
  } else {
    specs.push_back(std::move(*spec));
  }
  auto ids = service_.submit(std::move(specs));
  if (!ids) return reply_error(conn, req.id, ids.error());
  if (!*wait) return conn->send(make_ok(req.id, {{"ids", *ids}}));
  conn->send(make_stream_message(req.id, "submitted", {{"ids", *ids}}));
  wait_for(conn, req.id, *ids, false, [this](const std::vector<JobId>& all) {
    json out = json::array();
    for (JobId id : all)
      if (const Job* job = service_.scheduler().find(id)) out.push_back(brief(*job));
    return json{{"jobs", out}};
  });
}

void JobCommands::list(const ConnPtr& conn, const Request& req) {
  std::string queue = req.args.value("queue", "");
  std::optional<JobState> state;
  if (req.args.contains("state") && req.args["state"].is_string()) {
    state = jobs::parse_job_state(req.args["state"].get<std::string>());
    if (!state)
      return reply_error(conn, req.id, Error{EINVAL, fmt::format("unknown job state '{}'", req.args["state"].get<std::string>())});
  }
  json out = json::array();
  for (const auto& [id, job] : service_.scheduler().jobs()) {
    if (!queue.empty() && job.spec.queue != queue) continue;
    if (state && job.state != *state) continue;
    out.push_back(job_json(job));
  }
  conn->send(make_ok(req.id, std::move(out)));
}

void JobCommands::show(const ConnPtr& conn, const Request& req) {
  auto id = arg_int(req.args, "id", -1);
  if (!id || *id < 0) return reply_error(conn, req.id, Error{EINVAL, "argument 'id' must be a job id"});
  const Job* job = service_.scheduler().find(*id);
  if (!job) return reply_error(conn, req.id, Error{ENOENT, fmt::format("no job {}", *id)});
  json out = job_json(*job);
  auto attempts = service_.attempts(*id);
  if (!attempts) return reply_error(conn, req.id, attempts.error());
  json history = json::array();
  for (const auto& a : *attempts) history.push_back(jobs::attempt_to_json(a));
  out["attempt_history"] = history;
  conn->send(make_ok(req.id, std::move(out)));
}

void JobCommands::cancel(const ConnPtr& conn, const Request& req) {
  auto ids = ids_of(req.args);
  if (!ids) return reply_error(conn, req.id, ids.error());
  std::string queue = req.args.value("queue", "");
  auto& sched = service_.scheduler();
  if (!queue.empty()) {
    if (!sched.find_queue(queue)) return reply_error(conn, req.id, Error{ENOENT, fmt::format("no queue named {}", queue)});
    for (const auto& [id, job] : sched.jobs())
      if (job.spec.queue == queue && !is_ended(job.state)) ids->push_back(id);
  } else if (ids->empty()) {
    return reply_error(conn, req.id, Error{EINVAL, "name job ids or a queue to cancel"});
  } else {
    // All or none: nothing is cancelled when one id is wrong.
    for (JobId id : *ids) {
      const Job* job = sched.find(id);
      if (!job) return reply_error(conn, req.id, Error{ENOENT, fmt::format("no job {}", id)});
      if (is_ended(job->state))
        return reply_error(conn, req.id, Error{EALREADY, fmt::format("job {} has already ended ({})", id,
                                                                     job_state_name(job->state))});
    }
  }
  std::string reason = req.args.value("reason", "cancelled");
  for (JobId id : *ids) (void)service_.cancel(id, reason);
  wait_for(conn, req.id, *ids, false, [this](const std::vector<JobId>& all) {
    json out = json::array();
    for (JobId id : all)
      if (const Job* job = service_.scheduler().find(id)) out.push_back(brief(*job));
    return json{{"jobs", out}};
  });
}

void JobCommands::wait(const ConnPtr& conn, const Request& req) {
  auto ids = ids_of(req.args);
  if (!ids) return reply_error(conn, req.id, ids.error());
  auto progress = arg_bool(req.args, "progress", false);
  if (!progress) return reply_error(conn, req.id, progress.error());
  std::string queue = req.args.value("queue", "");
  auto& sched = service_.scheduler();
  if (!queue.empty() && !sched.find_queue(queue))
    return reply_error(conn, req.id, Error{ENOENT, fmt::format("no queue named {}", queue)});
  if (ids->empty()) {
    for (const auto& [id, job] : sched.jobs())
      if (!is_ended(job.state) && (queue.empty() || job.spec.queue == queue)) ids->push_back(id);
  }
  for (JobId id : *ids)
    if (!sched.find(id)) return reply_error(conn, req.id, Error{ENOENT, fmt::format("no job {}", id)});
  wait_for(conn, req.id, *ids, *progress, [this](const std::vector<JobId>& all) {
    json out = json::array();
    int failed = 0;
    for (JobId id : all)
      if (const Job* job = service_.scheduler().find(id)) {
        out.push_back(brief(*job));
        failed += job->state != JobState::done;
      }
    return json{{"jobs", out}, {"failed", failed}};
  });
}

void JobCommands::wait_for(const ConnPtr& conn, const json& id, std::vector<JobId> ids, bool progress,
                           std::function<json(const std::vector<JobId>&)> answer) {
  auto waiter = std::make_shared<JobWaiter>();
  waiter->conn = conn;
  waiter->request_id = id;
  waiter->ids = std::move(ids);
  waiter->progress = progress;
  waiter->on_done = [answer = std::move(answer)](JobWaiter& w) {
    if (auto c = w.conn.lock()) c->send(make_ok(w.request_id, answer(w.ids)));
  };
  waiter->on_progress = [this](JobWaiter& w) {
    auto c = w.conn.lock();
    if (!c) return;
    json counts = json::object();
    for (int s = 0; s < 7; ++s) counts[std::string(job_state_name(JobState(s)))] = 0;
    for (JobId job_id : w.ids)
      if (const Job* job = service_.scheduler().find(job_id)) counts[std::string(job_state_name(job->state))] =
                                                                  counts[std::string(job_state_name(job->state))].get<int>() + 1;
    counts["total"] = w.ids.size();
    c->send(make_stream_message(w.request_id, "progress", counts));
  };
  service_.add_waiter(std::move(waiter));
}

void JobCommands::stats(const ConnPtr& conn, const Request& req) {
  std::string queue = req.args.value("queue", "");
  auto window = arg_int(req.args, "window_ms", -1);
  if (!window) return reply_error(conn, req.id, window.error());
  auto& sched = service_.scheduler();
  if (!queue.empty() && !sched.find_queue(queue))
    return reply_error(conn, req.id, Error{ENOENT, fmt::format("no queue named {}", queue)});
  std::map<std::string, std::vector<const Job*>> by_queue;
  for (const auto& [id, job] : sched.jobs()) by_queue[job.spec.queue].push_back(&job);
  json out = json::array();
  auto now = std::chrono::steady_clock::now();
  for (const auto& [name, q] : sched.queues()) {
    if (!queue.empty() && name != queue) continue;
    auto st = jobs::queue_stats(q.config, by_queue[name], now, wall_ms(),
                                *window >= 0 ? std::optional(Millis(*window)) : std::nullopt);
    out.push_back(jobs::stats_to_json(st));
  }
  conn->send(make_ok(req.id, std::move(out)));
}

void JobCommands::prune(const ConnPtr& conn, const Request& req) {
  auto older = arg_int(req.args, "older_than_ms", -1);
  auto keep = arg_int(req.args, "keep", -1);
  if (!older || !keep) return reply_error(conn, req.id, (!older ? older.error() : keep.error()));
  if (*older < 0 && *keep < 0) return reply_error(conn, req.id, Error{EINVAL, "give older_than_ms or keep"});
  auto pruned = service_.prune(*older >= 0 ? std::optional(Millis(*older)) : std::nullopt,
                               *keep >= 0 ? std::optional(std::size_t(*keep)) : std::nullopt);
  if (!pruned) return reply_error(conn, req.id, pruned.error());
  conn->send(make_ok(req.id, {{"pruned", *pruned}}));
}

json JobCommands::queue_json(const jobs::QueueRuntime& q) {
  json out = jobs::queue_to_json(q.config);
  int suspended = 0;
  for (JobId id : q.ready.ids())
    if (const Job* job = service_.scheduler().find(id); job && job->state == JobState::suspended) ++suspended;
  int queued = 0;
  for (const auto& [id, job] : service_.scheduler().jobs())
    if (job.spec.queue == q.config.name && job.state == JobState::queued) ++queued;
  out["running"] = q.running.size();
  out["suspended"] = suspended;
  out["queued"] = queued;
  return out;
}

void JobCommands::queue_set(const ConnPtr& conn, const Request& req) {
  auto name = arg_string(req.args, "name");
  if (!name) return reply_error(conn, req.id, name.error());
  auto& sched = service_.scheduler();
  // An existing queue keeps what the request does not change; a new one starts from the defaults
  // (slots = CPUs, fcfs).
  jobs::QueueConfig base;
  base.name = *name;
  base.slots = service_.default_slots();
  if (const auto* q = sched.find_queue(*name)) base = q->config;
  auto config = jobs::queue_from_json(req.args, base);
  if (!config) return reply_error(conn, req.id, config.error());
  if (auto st = service_.configure_queue(*config); !st) return reply_error(conn, req.id, st.error());
  conn->send(make_ok(req.id, queue_json(sched.queue(*name))));
}

void JobCommands::queue_list(const ConnPtr& conn, const Request& req) {
  json out = json::array();
  for (const auto& [name, q] : service_.scheduler().queues()) out.push_back(queue_json(q));
  conn->send(make_ok(req.id, std::move(out)));
}

void JobCommands::queue_pause(const ConnPtr& conn, const Request& req) {
  auto name = arg_string(req.args, "name");
  if (!name) return reply_error(conn, req.id, name.error());
  if (auto st = service_.set_paused(*name, true); !st) return reply_error(conn, req.id, st.error());
  conn->send(make_ok(req.id, queue_json(service_.scheduler().queue(*name))));
}

void JobCommands::queue_resume(const ConnPtr& conn, const Request& req) {
  auto name = arg_string(req.args, "name");
  if (!name) return reply_error(conn, req.id, name.error());
  if (auto st = service_.set_paused(*name, false); !st) return reply_error(conn, req.id, st.error());
  conn->send(make_ok(req.id, queue_json(service_.scheduler().queue(*name))));
}

json JobCommands::schedule_json(const JobService::ScheduleView& view) {
  const jobs::Schedule& sc = *view.schedule;
  return {{"name", sc.name},
          {"cron", sc.cron.text()},
          {"queue", sc.spec.queue},
          {"command", sc.spec.command},
          {"shell", sc.spec.shell},
          {"no_overlap", sc.no_overlap},
          {"next_time", jobs::time_or_null(view.next ? std::optional<std::int64_t>(*view.next * 1000) : std::nullopt)},
          {"last_job", sc.last_job ? json(*sc.last_job) : json(nullptr)},
          {"fired", sc.fired},
          {"skipped", sc.skipped}};
}

void JobCommands::schedule_add(const ConnPtr& conn, const Request& req) {
  auto name = arg_string(req.args, "name");
  auto cron_text = arg_string(req.args, "cron");
  auto no_overlap = arg_bool(req.args, "no_overlap", false);
  if (!name || !cron_text || !no_overlap)
    return reply_error(conn, req.id, !name ? name.error() : !cron_text ? cron_text.error() : no_overlap.error());
  if (!jobs::valid_queue_name(*name))
    return reply_error(conn, req.id, Error{EINVAL, fmt::format("invalid schedule name '{}' (use 1-64 of A-Z a-z 0-9 _ . -)", *name)});
  auto cron = jobs::CronExpr::parse(*cron_text);
  if (!cron) return reply_error(conn, req.id, cron.error());
  auto spec = spec_of(req.args);
  if (!spec) return reply_error(conn, req.id, spec.error());
  jobs::Schedule sc;
  sc.name = *name;
  sc.cron = std::move(*cron);
  sc.spec = std::move(*spec);
  sc.no_overlap = *no_overlap;
  if (auto st = service_.add_schedule(std::move(sc)); !st) return reply_error(conn, req.id, st.error());
  for (const auto& view : service_.schedules())
    if (view.schedule->name == *name) return conn->send(make_ok(req.id, schedule_json(view)));
}

void JobCommands::schedule_list(const ConnPtr& conn, const Request& req) {
  json out = json::array();
  for (const auto& view : service_.schedules()) out.push_back(schedule_json(view));
  conn->send(make_ok(req.id, std::move(out)));
}

void JobCommands::schedule_remove(const ConnPtr& conn, const Request& req) {
  auto name = arg_string(req.args, "name");
  if (!name) return reply_error(conn, req.id, name.error());
  if (auto st = service_.remove_schedule(*name); !st) return reply_error(conn, req.id, st.error());
  conn->send(make_ok(req.id, {{"removed", *name}}));
}

void JobCommands::schedule_run(const ConnPtr& conn, const Request& req) {
  auto name = arg_string(req.args, "name");
  if (!name) return reply_error(conn, req.id, name.error());
  auto fired = service_.fire_schedule(*name);
  if (!fired) return reply_error(conn, req.id, fired.error());
  if (fired->job) return conn->send(make_ok(req.id, {{"job", *fired->job}}));
  conn->send(make_ok(req.id, {{"job", nullptr}, {"skipped", fired->skipped}}));
}

}  // namespace tend

#include "jobs/job_store.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "jobs/job_json.h"

namespace tend::jobs {
namespace {

using nlohmann::json;

constexpr const char* kSchema = R"(
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS environments(id INTEGER PRIMARY KEY, body TEXT NOT NULL UNIQUE);
CREATE TABLE IF NOT EXISTS queues(name TEXT PRIMARY KEY, slots INTEGER NOT NULL, policy TEXT NOT NULL,
  quantum_ms INTEGER NOT NULL, levels INTEGER NOT NULL, aging_ms INTEGER NOT NULL, paused INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS jobs(
  id INTEGER PRIMARY KEY, spec TEXT NOT NULL, env_id INTEGER,
  state TEXT NOT NULL, reason TEXT NOT NULL DEFAULT '', submit_ms INTEGER NOT NULL, start_ms INTEGER,
  end_ms INTEGER, run_ms INTEGER NOT NULL DEFAULT 0, attempts INTEGER NOT NULL DEFAULT 0, exit_code INTEGER,
  exit_signal INTEGER, pid INTEGER, start_ticks INTEGER, attempt_start_ms INTEGER, slice_start_ms INTEGER,
  attempt_run_ms INTEGER, level INTEGER NOT NULL DEFAULT 0);
CREATE INDEX IF NOT EXISTS jobs_by_end ON jobs(end_ms);
CREATE TABLE IF NOT EXISTS attempts(job_id INTEGER NOT NULL, attempt INTEGER NOT NULL, start_ms INTEGER NOT NULL,
  end_ms INTEGER NOT NULL, run_ms INTEGER NOT NULL, exit_code INTEGER, exit_signal INTEGER, outcome TEXT NOT NULL,
  reason TEXT NOT NULL, PRIMARY KEY(job_id, attempt));
CREATE TABLE IF NOT EXISTS estimates(command TEXT PRIMARY KEY, tau_ms REAL NOT NULL, runs INTEGER NOT NULL,
  updated_ms INTEGER NOT NULL DEFAULT 0);
CREATE TABLE IF NOT EXISTS schedules(name TEXT PRIMARY KEY, cron TEXT NOT NULL, spec TEXT NOT NULL,
  env_id INTEGER, no_overlap INTEGER NOT NULL, last_job INTEGER, fired INTEGER NOT NULL, skipped INTEGER NOT NULL,
  created_ms INTEGER NOT NULL);
)";

std::optional<std::int64_t> opt_int(const std::optional<int>& v) {
  return v ? std::optional<std::int64_t>(*v) : std::nullopt;
}

std::optional<int> opt_small(const std::optional<std::int64_t>& v) {
  return v ? std::optional<int>(int(*v)) : std::nullopt;
}

}  // namespace

Result<JobStore> JobStore::open(const std::string& path) {
  auto db = Database::open(path);
  if (!db) return db.error();
  JobStore store(std::move(*db));
  if (auto st = store.db_.exec(kSchema); !st) return st.error();
  if (auto st = store.prepare(); !st) return st.error();
  return store;
}

Status JobStore::prepare() {
  struct Entry {
    Statement* stmt;
    const char* sql;
  };
  const Entry entries[] = {
      {&insert_job_,
       "INSERT OR REPLACE INTO jobs(id, spec, env_id, state, reason, submit_ms, start_ms, end_ms, run_ms, attempts,"
       " exit_code, exit_signal, pid, start_ticks, attempt_start_ms, slice_start_ms, attempt_run_ms, level)"
       " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18)"},
      {&update_job_,
       "UPDATE jobs SET state = ?2, reason = ?3, start_ms = ?4, end_ms = ?5, run_ms = ?6, attempts = ?7,"
       " exit_code = ?8, exit_signal = ?9, pid = ?10, start_ticks = ?11, attempt_start_ms = ?12,"
       " slice_start_ms = ?13, attempt_run_ms = ?14, level = ?15 WHERE id = ?1"},
      {&insert_attempt_,
       "INSERT OR REPLACE INTO attempts(job_id, attempt, start_ms, end_ms, run_ms, exit_code, exit_signal, outcome,"
       " reason) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)"},
      {&put_estimate_, "INSERT OR REPLACE INTO estimates(command, tau_ms, runs, updated_ms) VALUES(?1, ?2, ?3, ?4)"},
      {&find_env_, "SELECT id FROM environments WHERE body = ?1"},
      {&insert_env_, "INSERT INTO environments(body) VALUES(?1)"},
  };
  for (const auto& e : entries) {
    auto stmt = db_.prepare(e.sql);
    if (!stmt) return stmt.error();
    *e.stmt = std::move(*stmt);
  }
  return {};
}

Status JobStore::begin() { return db_.exec("BEGIN"); }
Status JobStore::commit() { return db_.exec("COMMIT"); }
void JobStore::rollback() { (void)db_.exec("ROLLBACK"); }

Result<std::int64_t> JobStore::environment_id(const std::shared_ptr<const Environment>& env) {
  if (!env) return Error{EINVAL, "a job without an environment"};
  auto it = env_ids_.find(env.get());
  if (it != env_ids_.end() && it->second.first.lock() == env) return it->second.second;
  std::string body = json(*env).dump();
  find_env_.bind(1, body);
  auto row = find_env_.step();
  std::optional<std::int64_t> id;
  if (row && *row) id = find_env_.column_int(0);
  find_env_.reset();
  if (!row) return row.error();
  if (!id) {
    insert_env_.bind(1, body);
    if (auto st = insert_env_.run(); !st) return st.error();
    id = db_.last_insert_rowid();
  }
  env_ids_[env.get()] = {env, *id};
  return *id;
}

Result<std::shared_ptr<const Environment>> JobStore::environment(std::int64_t id) {
  if (auto it = envs_by_id_.find(id); it != envs_by_id_.end()) return it->second;
  auto stmt = db_.prepare("SELECT body FROM environments WHERE id = ?1");
  if (!stmt) return stmt.error();
  stmt->bind(1, id);
  auto row = stmt->step();
  if (!row) return row.error();
  auto env = std::make_shared<Environment>();
  if (*row) {
    auto j = json::parse(stmt->column_text(0), nullptr, false);
    if (j.is_object())
      for (const auto& [k, v] : j.items())
        if (v.is_string()) (*env)[k] = v.get<std::string>();
  }
  std::shared_ptr<const Environment> shared = env;
  envs_by_id_[id] = shared;
  env_ids_[shared.get()] = {shared, id};
  return shared;
}

Status JobStore::insert_job(const Job& job) {
  auto env = environment_id(job.spec.env);
  if (!env) return env.error();
  auto& s = insert_job_;
  s.bind(1, job.id).bind(2, spec_to_json(job.spec).dump()).bind(3, *env);
  s.bind(4, job_state_name(job.state)).bind(5, job.reason).bind(6, job.submit_ms).bind(7, job.start_ms);
  s.bind(8, job.end_ms).bind(9, std::int64_t(job.run.count())).bind(10, std::int64_t(job.attempts));
  s.bind(11, opt_int(job.exit_code)).bind(12, opt_int(job.exit_signal));
  s.bind(13, job.pid > 0 ? std::optional<std::int64_t>(job.pid) : std::nullopt);
  s.bind(14, std::int64_t(job.start_ticks)).bind(15, job.attempt_start_ms).bind(16, job.slice_start_ms);
  s.bind(17, std::int64_t(job.attempt_run.count())).bind(18, std::int64_t(job.level));
  return s.run();
}

Status JobStore::update_job(const Job& job) {
  auto& s = update_job_;
  s.bind(1, job.id).bind(2, job_state_name(job.state)).bind(3, job.reason).bind(4, job.start_ms);
  s.bind(5, job.end_ms).bind(6, std::int64_t(job.run.count())).bind(7, std::int64_t(job.attempts));
  s.bind(8, opt_int(job.exit_code)).bind(9, opt_int(job.exit_signal));
  s.bind(10, job.pid > 0 ? std::optional<std::int64_t>(job.pid) : std::nullopt);
  s.bind(11, std::int64_t(job.start_ticks)).bind(12, job.attempt_start_ms).bind(13, job.slice_start_ms);
  s.bind(14, std::int64_t(job.attempt_run.count())).bind(15, std::int64_t(job.level));
  return s.run();
}

Status JobStore::insert_attempt(JobId id, const Attempt& a) {
  auto& s = insert_attempt_;
  s.bind(1, id).bind(2, std::int64_t(a.number)).bind(3, a.start_ms).bind(4, a.end_ms);
  s.bind(5, std::int64_t(a.run.count())).bind(6, opt_int(a.exit_code)).bind(7, opt_int(a.exit_signal));
  s.bind(8, a.outcome).bind(9, a.reason);
  return s.run();
}

Status JobStore::put_estimate(const std::string& key, const RunEstimates::Entry& entry) {
  put_estimate_.bind(1, key).bind(2, entry.tau_ms).bind(3, std::int64_t(entry.runs)).bind(4, entry.updated_ms);
  return put_estimate_.run();
}

Status JobStore::trim_estimates(std::size_t keep) {
  return db_.exec(fmt::format(
      "DELETE FROM estimates WHERE command NOT IN (SELECT command FROM estimates ORDER BY updated_ms DESC LIMIT {})",
      keep));
}

Status JobStore::put_queue(const QueueConfig& c) {
  auto stmt = db_.prepare(
      "INSERT OR REPLACE INTO queues(name, slots, policy, quantum_ms, levels, aging_ms, paused)"
      " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7)");
  if (!stmt) return stmt.error();
  stmt->bind(1, c.name).bind(2, std::int64_t(c.slots)).bind(3, policy_name(c.policy));
  stmt->bind(4, std::int64_t(c.quantum.count())).bind(5, std::int64_t(c.levels));
  stmt->bind(6, std::int64_t(c.aging.count())).bind(7, std::int64_t(c.paused));
  return stmt->run();
}

Status JobStore::put_schedule(const Schedule& sc) {
  auto env = environment_id(sc.spec.env);
  if (!env) return env.error();
  auto stmt = db_.prepare(
      "INSERT OR REPLACE INTO schedules(name, cron, spec, env_id, no_overlap, last_job, fired, skipped, created_ms)"
      " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)");
  if (!stmt) return stmt.error();
  stmt->bind(1, sc.name).bind(2, sc.cron.text()).bind(3, spec_to_json(sc.spec).dump()).bind(4, *env);
  stmt->bind(5, std::int64_t(sc.no_overlap)).bind(6, sc.last_job).bind(7, sc.fired).bind(8, sc.skipped);
  stmt->bind(9, sc.created_ms);
  return stmt->run();
}

Status JobStore::remove_schedule(const std::string& name) {
  auto stmt = db_.prepare("DELETE FROM schedules WHERE name = ?1");
  if (!stmt) return stmt.error();
  stmt->bind(1, name);
  return stmt->run();
}

Status JobStore::set_next_id(JobId id) {
  auto stmt = db_.prepare("INSERT OR REPLACE INTO meta(key, value) VALUES('next_job_id', ?1)");
  if (!stmt) return stmt.error();
  stmt->bind(1, id);
  return stmt->run();
}

Status JobStore::remove_jobs(const std::vector<JobId>& ids) {
  auto jobs = db_.prepare("DELETE FROM jobs WHERE id = ?1");
  if (!jobs) return jobs.error();
  auto attempts = db_.prepare("DELETE FROM attempts WHERE job_id = ?1");
  if (!attempts) return attempts.error();
  for (JobId id : ids) {
    jobs->bind(1, id);
    if (auto st = jobs->run(); !st) return st;
    attempts->bind(1, id);
    if (auto st = attempts->run(); !st) return st;
  }
  return db_.exec(
      "DELETE FROM environments WHERE id NOT IN (SELECT env_id FROM jobs WHERE env_id IS NOT NULL)"
      " AND id NOT IN (SELECT env_id FROM schedules WHERE env_id IS NOT NULL)");
}

Result<std::vector<Attempt>> JobStore::attempts(JobId id) {
  auto stmt = db_.prepare(
      "SELECT attempt, start_ms, end_ms, run_ms, exit_code, exit_signal, outcome, reason FROM attempts"
      " WHERE job_id = ?1 ORDER BY attempt");
  if (!stmt) return stmt.error();
  stmt->bind(1, id);
  std::vector<Attempt> out;
  for (;;) {
    auto row = stmt->step();
    if (!row) return row.error();
    if (!*row) break;
    Attempt a;
    a.number = int(stmt->column_int(0));
    a.start_ms = stmt->column_int(1);
    a.end_ms = stmt->column_int(2);
    a.run = Millis(stmt->column_int(3));
    a.exit_code = opt_small(stmt->column_optional_int(4));
    a.exit_signal = opt_small(stmt->column_optional_int(5));
    a.outcome = stmt->column_text(6);
    a.reason = stmt->column_text(7);
    out.push_back(std::move(a));
  }
  return out;
}

Result<JobStore::Loaded> JobStore::load() {
  Loaded out;
  auto queues = db_.prepare("SELECT name, slots, policy, quantum_ms, levels, aging_ms, paused FROM queues");
  if (!queues) return queues.error();
  for (;;) {
    auto row = queues->step();
    if (!row) return row.error();
    if (!*row) break;
    QueueConfig c;
    c.name = queues->column_text(0);
    c.slots = int(queues->column_int(1));
    auto policy = parse_policy(queues->column_text(2));
    c.policy = policy ? *policy : Policy::fcfs;
    c.quantum = Millis(queues->column_int(3));
    c.levels = int(queues->column_int(4));
    c.aging = Millis(queues->column_int(5));
    c.paused = queues->column_int(6) != 0;
    if (c.validate()) out.queues.push_back(c);
  }
  auto jobs = db_.prepare(
      "SELECT id, spec, env_id, state, reason, submit_ms, start_ms, end_ms, run_ms, attempts, exit_code,"
      " exit_signal, pid, start_ticks, attempt_start_ms, slice_start_ms, attempt_run_ms, level FROM jobs ORDER BY id");
  if (!jobs) return jobs.error();
  for (;;) {
    auto row = jobs->step();
    if (!row) return row.error();
    if (!*row) break;
    auto spec = spec_from_json(json::parse(jobs->column_text(1), nullptr, false));
    auto state = parse_job_state(jobs->column_text(3));
    if (!spec || !state) continue;  // written by a newer tend: leave it alone
    Job j;
    j.id = jobs->column_int(0);
    j.spec = std::move(*spec);
    if (!jobs->column_is_null(2)) {
      auto env = environment(jobs->column_int(2));
      if (!env) return env.error();
      j.spec.env = *env;
    } else {
      j.spec.env = std::make_shared<const Environment>();
    }
    j.state = *state;
    j.reason = jobs->column_text(4);
    j.submit_ms = jobs->column_int(5);
    j.start_ms = jobs->column_optional_int(6);
    j.end_ms = jobs->column_optional_int(7);
    j.run = Millis(jobs->column_int(8));
    j.attempts = int(jobs->column_int(9));
    j.exit_code = opt_small(jobs->column_optional_int(10));
    j.exit_signal = opt_small(jobs->column_optional_int(11));
    j.pid = pid_t(jobs->column_optional_int(12).value_or(-1));
    j.start_ticks = std::uint64_t(jobs->column_int(13));
    j.attempt_start_ms = jobs->column_int(14);
    j.slice_start_ms = jobs->column_int(15);
    j.attempt_run = Millis(jobs->column_int(16));
    j.level = int(jobs->column_int(17));
    out.jobs.push_back(std::move(j));
  }
  auto estimates = db_.prepare("SELECT command, tau_ms, runs, updated_ms FROM estimates");
  if (!estimates) return estimates.error();
  for (;;) {
    auto row = estimates->step();
    if (!row) return row.error();
    if (!*row) break;
    out.estimates.emplace_back(estimates->column_text(0),
                               RunEstimates::Entry{estimates->column_double(1), int(estimates->column_int(2)),
                                                   estimates->column_int(3)});
  }
  auto schedules = db_.prepare(
      "SELECT name, cron, spec, env_id, no_overlap, last_job, fired, skipped, created_ms FROM schedules ORDER BY name");
  if (!schedules) return schedules.error();
  for (;;) {
    auto row = schedules->step();
    if (!row) return row.error();
    if (!*row) break;
    auto cron = CronExpr::parse(schedules->column_text(1));
    auto spec = spec_from_json(json::parse(schedules->column_text(2), nullptr, false));
    if (!cron || !spec) continue;
    Schedule sc;
    sc.name = schedules->column_text(0);
    sc.cron = std::move(*cron);
    sc.spec = std::move(*spec);
    auto env = environment(schedules->column_int(3));
    if (!env) return env.error();
    sc.spec.env = *env;
    sc.no_overlap = schedules->column_int(4) != 0;
    sc.last_job = schedules->column_optional_int(5);
    sc.fired = schedules->column_int(6);
    sc.skipped = schedules->column_int(7);
    sc.created_ms = schedules->column_int(8);
    out.schedules.push_back(std::move(sc));
  }
  auto meta = db_.prepare("SELECT value FROM meta WHERE key = 'next_job_id'");
  if (!meta) return meta.error();
  if (auto row = meta->step(); row && *row) out.next_id = meta->column_int(0);
  if (!out.jobs.empty()) out.next_id = std::max(out.next_id, out.jobs.back().id + 1);
  return out;
}

}  // namespace tend::jobs

// tend job wait [ID...|--queue Q] [--progress] and tend job cancel ID...|--queue Q
#include <unistd.h>

#include <chrono>

#include <fmt/format.h>

#include "cli/job_cli.h"
#include "cli/job_progress.h"

namespace tend::cli {

namespace {

using nlohmann::json;

ProgressCounts counts_of(const json& r) {
  ProgressCounts c;
  c.total = r.value("total", 0);
  c.done = r.value("done", 0);
  c.failed = r.value("failed", 0) + r.value("cancelled", 0) + r.value("timeout", 0);
  c.running = r.value("running", 0);
  c.suspended = r.value("suspended", 0);
  c.queued = r.value("queued", 0);
  return c;
}

void print_unsuccessful(const json& jobs) {
  for (const auto& j : jobs) {
    if (j["state"] == "done") continue;
    fmt::print("job {} {}{}\n", j["id"].get<std::int64_t>(), j["state"].get<std::string>(),
               j["reason"].is_null() ? "" : ": " + j["reason"].get<std::string>());
  }
}

std::vector<std::int64_t> parse_ids(const std::vector<std::string>& words, std::string* bad) {
  std::vector<std::int64_t> ids;
  for (const auto& w : words) {
    char* end = nullptr;
    long long v = std::strtoll(w.c_str(), &end, 10);
    if (w.empty() || *end != '\0' || v < 1) {
      *bad = w;
      return {};
    }
    ids.push_back(v);
  }
  return ids;
}

}  // namespace

int wait_for_jobs(Client& client, const std::vector<std::int64_t>& ids, const std::string& queue, bool progress,
                  json* jobs_out) {
  bool bar = progress && ::isatty(STDOUT_FILENO);
  json args{{"ids", ids}, {"progress", bar}};
  if (!queue.empty()) args["queue"] = queue;
  auto sent = client.send("job-wait", args);
  if (!sent) {
    print_error(sent.error().message);
    return kUnreachable;
  }
  auto started = std::chrono::steady_clock::now();
  bool drew = false;
  for (;;) {
    auto msg = client.read_message();
    if (!msg) {
      if (drew) fmt::print("\n");
      print_error(msg.error().message);
      return kUnreachable;
    }
    if (msg->value("id", json()) != *sent) continue;
    if (!msg->value("ok", false)) {
      if (drew) fmt::print("\n");
      print_error((*msg)["error"].value("message", "unknown error"));
      return kFailed;
    }
    if (msg->contains("event")) {
      auto elapsed = std::chrono::duration_cast<Millis>(std::chrono::steady_clock::now() - started);
      fmt::print("\r{}\x1b[K", render_progress(counts_of((*msg)["result"]), elapsed));
      fflush(stdout);
      drew = true;
      continue;
    }
    const json& result = (*msg)["result"];
    if (drew) {
      ProgressCounts final;
      final.total = std::int64_t(result["jobs"].size());
      final.failed = result.value("failed", 0);
      final.done = final.total - final.failed;
      auto elapsed = std::chrono::duration_cast<Millis>(std::chrono::steady_clock::now() - started);
      fmt::print("\r{}\x1b[K\n", render_progress(final, elapsed));
    }
    if (jobs_out) *jobs_out = result["jobs"];
    int failed = 0;
    for (const auto& j : result["jobs"]) failed += j["state"] != "done";
    return failed > 0 ? kFailed : kOk;
  }
}

void add_job_wait(CLI::App& job, Context& ctx) {
  struct WaitOptions {
    std::vector<std::string> ids;
    std::string queue;
    bool progress = false;
  };
  auto w = std::make_shared<WaitOptions>();
  auto* cmd = job.add_subcommand("wait", "Wait until jobs end (default: every job not ended yet); exit 1 if any failed");
  cmd->add_option("ids", w->ids, "Job ids");
  cmd->add_option("--queue", w->queue, "Every job of this queue not ended yet");
  cmd->add_flag("--progress", w->progress, "A progress bar with counts and an ETA (on a terminal)");
  cmd->callback([&ctx, w] {
    ctx.action = [w]() -> int {
      std::string bad;
      auto ids = parse_ids(w->ids, &bad);
      if (!bad.empty()) {
        print_error(fmt::format("invalid job id '{}'", bad));
        return kUsage;
      }
      if (!ids.empty() && !w->queue.empty()) {
        print_error("give job ids or --queue, not both");
        return kUsage;
      }
      auto client = connect_or_start();
      if (!client) {
        print_error(client.error().message);
        return kUnreachable;
      }
      json jobs;
      int rc = wait_for_jobs(*client, ids, w->queue, w->progress, &jobs);
      if (rc == kUnreachable || jobs.is_null()) return rc;
      if (jobs.empty()) {
        fmt::print("no jobs to wait for\n");
        return rc;
      }
      std::size_t done = 0;
      for (const auto& j : jobs) done += j["state"] == "done";
      fmt::print("{} job{}: {} done, {} not\n", jobs.size(), jobs.size() == 1 ? "" : "s", done, jobs.size() - done);
      print_unsuccessful(jobs);
      return rc;
    };
  });

  struct CancelOptions {
    std::vector<std::string> ids;
    std::string queue;
  };
  auto c = std::make_shared<CancelOptions>();
  cmd = job.add_subcommand("cancel", "Cancel jobs: queued ones at once, running ones by stop signal then SIGKILL");
  cmd->add_option("ids", c->ids, "Job ids");
  cmd->add_option("--queue", c->queue, "Every job of this queue not ended yet");
  cmd->callback([&ctx, c] {
    ctx.action = [c]() -> int {
      std::string bad;
      auto ids = parse_ids(c->ids, &bad);
      if (!bad.empty()) {
        print_error(fmt::format("invalid job id '{}'", bad));
        return kUsage;
      }
      if (ids.empty() == c->queue.empty()) {
        print_error("give job ids or --queue");
        return kUsage;
      }
      json args{{"ids", ids}};
      if (!c->queue.empty()) args["queue"] = c->queue;
      json result;
      int rc = call("job-cancel", args, &result);
      if (rc != kOk) return rc;
      // A job may have ended on its own while the cancel was on its way: say how each one ended.
      for (const auto& j : result["jobs"])
        fmt::print("job {} {}\n", j["id"].get<std::int64_t>(), j["state"].get<std::string>());
      return rc;
    };
  });
}

}  // namespace tend::cli

#pragma once
#include <memory>
#include <string_view>

#include "daemon/job_service.h"
#include "ipc/control_server.h"

namespace tend {

/// The protocol's job, queue and schedule commands (docs/protocol.md, "Jobs"): decodes requests, calls the
/// JobService and answers, some later (cancel and wait when the jobs have ended).
class JobCommands {
 public:
  explicit JobCommands(JobService& service) : service_(service) {}

  /// True for the commands this class answers ("job-submit", "queue-set", "schedule-add", ...).
  static bool handles(std::string_view cmd);
  void handle(const std::shared_ptr<Connection>& conn, const Request& req);

 private:
  using ConnPtr = std::shared_ptr<Connection>;
  void submit(const ConnPtr& conn, const Request& req);
  void list(const ConnPtr& conn, const Request& req);
  void show(const ConnPtr& conn, const Request& req);
  void cancel(const ConnPtr& conn, const Request& req);
  void wait(const ConnPtr& conn, const Request& req);
  void stats(const ConnPtr& conn, const Request& req);
  void prune(const ConnPtr& conn, const Request& req);
  void queue_set(const ConnPtr& conn, const Request& req);
  void queue_list(const ConnPtr& conn, const Request& req);
  void queue_pause(const ConnPtr& conn, const Request& req);
  void queue_resume(const ConnPtr& conn, const Request& req);
  void schedule_add(const ConnPtr& conn, const Request& req);
  void schedule_list(const ConnPtr& conn, const Request& req);
  void schedule_remove(const ConnPtr& conn, const Request& req);
  void schedule_run(const ConnPtr& conn, const Request& req);

  Result<jobs::JobSpec> spec_of(const nlohmann::json& args);
  nlohmann::json job_json(const jobs::Job& job);
  nlohmann::json queue_json(const jobs::QueueRuntime& q);
  nlohmann::json schedule_json(const JobService::ScheduleView& view);
  /// Answers with every job's brief once they have all ended (and progress events when asked).
  void wait_for(const ConnPtr& conn, const nlohmann::json& id, std::vector<jobs::JobId> ids, bool progress,
                std::function<nlohmann::json(const std::vector<jobs::JobId>&)> answer);

  JobService& service_;
};

}  // namespace tend

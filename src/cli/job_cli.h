#pragma once
// The `tend job` subcommands, one file per group: job_submit.cpp, job_view.cpp (ls, show, stats, prune),
// job_logs.cpp, job_wait.cpp (wait, cancel).
#include "cli/cli.h"

namespace tend::cli {

void add_job_submit(CLI::App& job, Context& ctx);
void add_job_view(CLI::App& job, Context& ctx);
void add_job_logs(CLI::App& job, Context& ctx);
void add_job_wait(CLI::App& job, Context& ctx);

/// Waits for the jobs on an open connection (job-wait), drawing a progress bar on a terminal when asked.
/// Prints the jobs that did not end done; returns 0 when all are done, else 1 (or kUnreachable).
int wait_for_jobs(Client& client, const std::vector<std::int64_t>& ids, const std::string& queue, bool progress,
                  nlohmann::json* jobs_out = nullptr);

}  // namespace tend::cli

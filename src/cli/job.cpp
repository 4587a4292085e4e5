// `tend job`: the group; its subcommands live in job_submit.cpp, job_view.cpp, job_logs.cpp, job_wait.cpp.
#include "cli/job_cli.h"

namespace tend::cli {

void add_job(CLI::App& app, Context& ctx) {
  auto* job = app.add_subcommand("job", "Batch jobs: submit, list, follow, cancel, wait, figures");
  job->require_subcommand(1);
  add_job_submit(*job, ctx);
  add_job_view(*job, ctx);
  add_job_logs(*job, ctx);
  add_job_wait(*job, ctx);
}

}  // namespace tend::cli

#include "jobs/job_runner.h"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <fmt/format.h>

#include "proc/proc_stat.h"
#include "proc/spawn.h"
#include "util/files.h"

namespace tend::jobs {
namespace {

constexpr const char* kJobIdVariable = "TEND_JOB_ID";

}  // namespace

JobRunner::JobRunner(std::string jobs_dir, long child_nofile_soft)
    : dir_(std::move(jobs_dir)), child_nofile_soft_(child_nofile_soft) {}

Status JobRunner::open() {
  if (auto st = make_dirs(dir_, 0700); !st) return st;
  dir_fd_.reset(::open(dir_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!dir_fd_) return errno_error("unable to open " + dir_);
  return {};
}

std::string JobRunner::out_log(JobId id) const { return fmt::format("{}/{}.out.log", dir_, id); }
std::string JobRunner::err_log(JobId id) const { return fmt::format("{}/{}.err.log", dir_, id); }

Result<UniqueFd> JobRunner::open_log(JobId id, const char* stream) {
  char name[48];
  auto end = fmt::format_to_n(name, sizeof name - 1, "{}.{}.log", id, stream).out;
  *end = '\0';
  // Appended to: the attempts of a job share its files. Relative to the held directory: one lookup, not
  // the whole path, per file.
  UniqueFd fd(::openat(dir_fd_.get(), name, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600));
  if (!fd) return errno_error(fmt::format("unable to open {}/{}", dir_, name));
  return fd;
}

Result<JobProcesses::Started> JobRunner::start(const Job& job) {
  auto out = open_log(job.id, "out");
  if (!out) return out.error();
  auto err = open_log(job.id, "err");
  if (!err) return err.error();
  SpawnRequest request;
  request.argv = job.spec.argv();
  if (job.spec.env) {
    auto exe = executable(request.argv[0], *job.spec.env);
    if (!exe) return exe.error();
    request.executable = std::move(*exe);
  }
  if (job.spec.env) request.env_block = &env_block(job.spec.env);
  // The job can tell who it is, as SLURM_JOB_ID or PBS_JOBID tell theirs.
  request.env[kJobIdVariable] = std::to_string(job.id);
  request.cwd = job.spec.cwd;
  request.nofile_soft = child_nofile_soft_;
  request.stdout_fd = out->get();
  request.stderr_fd = err->get();
  auto child = spawn(request);
  if (!child) return child.error();
  return Started{child->pid, 0};
}

std::uint64_t JobRunner::read_start_ticks(pid_t pid) {
  auto stat = read_proc_stat(pid);
  return stat ? stat->starttime_ticks : 0;
}

Result<std::string> JobRunner::executable(const std::string& name, const Environment& env) {
  constexpr auto kRemember = std::chrono::seconds(1);
  if (name.find('/') != std::string::npos) return name;
  auto path_it = env.find("PATH");
  std::string path = path_it == env.end() ? "/usr/local/bin:/usr/bin:/bin" : path_it->second;
  std::string key = path + '\0' + name;
  auto now = std::chrono::steady_clock::now();
  if (auto it = resolved_.find(key); it != resolved_.end() && now - it->second.at < kRemember) return it->second.path;
  auto found = resolve_executable(name, path);
  if (!found) return found;
  if (resolved_.size() > 256) resolved_.clear();
  resolved_[key] = {*found, now};
  return found;
}

const std::vector<std::string>& JobRunner::env_block(const std::shared_ptr<const Environment>& env) {
  constexpr std::size_t kMaxRendered = 64;
  if (auto it = rendered_envs_.find(env.get()); it != rendered_envs_.end()) return it->second.strings;
  if (rendered_envs_.size() >= kMaxRendered) rendered_envs_.clear();
  RenderedEnv rendered{env, {}};
  rendered.strings.reserve(env->size());
  for (const auto& [key, value] : *env)
    if (key != kJobIdVariable) rendered.strings.push_back(key + "=" + value);
  return rendered_envs_.emplace(env.get(), std::move(rendered)).first->second.strings;
}

void JobRunner::signal_group(const Job& job, int sig) {
  if (job.pid > 0) ::kill(-job.pid, sig);
}

void JobRunner::remove_logs(JobId id) {
  for (const char* stream : {"out", "err"}) {
    auto name = fmt::format("{}.{}.log", id, stream);
    ::unlinkat(dir_fd_.get(), name.c_str(), 0);
  }
}

}  // namespace tend::jobs

// read_process_view: one pass over /proc/PID for `tend inspect`, with the readers of src/proc.
#include "daemon/containment.h"
#include "inspect/orphan_origin.h"
#include "inspect/pcb.h"
#include "proc/proc_cmdline.h"
#include "proc/proc_files.h"
#include "proc/proc_text.h"
#include "util/files.h"
#include "util/user_names.h"

namespace tend {
namespace {

std::optional<std::uint64_t> read_number_file(const std::string& path) {
  auto text = read_file(path);
  if (!text) return std::nullopt;
  return parse_u64(trim(*text));
}

Result<std::vector<ThreadView>> read_threads(pid_t pid) {
  auto tasks = read_proc_tasks(pid);
  if (!tasks) return tasks.error();
  std::vector<ThreadView> out;
  for (auto& task : *tasks) {
    ThreadView t;
    t.wchan = read_proc_wchan(pid, task.tid);
    t.syscall = read_proc_syscall(pid, task.tid);
    t.task = std::move(task);
    out.push_back(std::move(t));
  }
  return out;
}

}  // namespace

ProcessView read_process_view(pid_t pid, const std::string& cgroup_dir, const InspectOptions& options) {
  ProcessView v;
  v.pid = pid;
  v.stat = read_proc_stat(pid);
  v.status = read_proc_status(pid);
  v.smaps = read_smaps_rollup(pid);
  v.io = read_proc_io(pid);
  v.limits = read_proc_limits(pid);
  v.fds = read_proc_fds(pid, true);
  v.cmdline = read_proc_cmdline(pid);
  v.exe = read_proc_exe(pid);
  v.cwd = read_proc_cwd(pid);
  v.wchan = read_proc_wchan(pid);
  v.syscall = read_proc_syscall(pid);
  if (v.stat) {
    v.ctxt = read_context_switches(pid, v.stat->num_threads);
    v.start_wall_ms = start_wall_ms(v.stat->starttime_ticks);
  }
  if (auto text = read_proc_text(proc_dir(pid), "cgroup"))
    if (auto path = cgroup_v2_path(*text)) v.cgroup = *path;
  if (!cgroup_dir.empty()) {
    v.cgroup_memory_bytes = read_number_file(cgroup_dir + "/memory.current");
    v.cgroup_processes = read_number_file(cgroup_dir + "/pids.current");
  }
  if (v.status) {
    v.user = user_name(v.status->uid);
    v.euser = user_name(v.status->euid);
    v.group = group_name(v.status->gid);
  }
  if (options.env) v.environ = read_proc_environ(pid);
  if (options.threads) v.threads = read_threads(pid);
  return v;
}

}  // namespace tend

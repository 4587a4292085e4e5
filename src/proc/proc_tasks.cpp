#include "proc/proc_tasks.h"

#include <dirent.h>

#include <algorithm>
#include <memory>

#include "proc/proc_files.h"
#include "proc/proc_scan.h"
#include "proc/proc_text.h"

namespace tend {

ProcTask make_task(const ProcStat& stat, const std::optional<ProcStatus>& status) {
  ProcTask task;
  task.tid = stat.pid;
  task.name = stat.comm;
  task.state = stat.state;
  task.utime_ticks = stat.utime_ticks;
  task.stime_ticks = stat.stime_ticks;
  task.priority = stat.priority;
  task.nice = stat.nice;
  task.policy = stat.policy;
  task.processor = stat.processor;
  if (status) {
    task.voluntary_ctxt_switches = status->voluntary_ctxt_switches;
    task.nonvoluntary_ctxt_switches = status->nonvoluntary_ctxt_switches;
  }
  return task;
}

Result<ProcStat> read_task_stat(pid_t pid, pid_t tid) {
  std::string dir = proc_task_dir(pid, tid);
  auto text = read_proc_text(dir, "stat");
  if (!text) return text.error();
  return parse_proc_stat(*text);
}

Result<ContextSwitches> read_context_switches(pid_t pid, long threads) {
  if (threads <= 1) {
    auto status = read_proc_status(pid);
    if (!status) return status.error();
    return ContextSwitches{status->voluntary_ctxt_switches.value_or(0), status->nonvoluntary_ctxt_switches.value_or(0)};
  }
  std::string dir = proc_dir(pid);
  std::unique_ptr<DIR, int (*)(DIR*)> tasks(::opendir((dir + "/task").c_str()), ::closedir);
  if (!tasks) return proc_error(dir, "task", errno);
  ContextSwitches sum;
  while (dirent* entry = ::readdir(tasks.get())) {
    auto tid = parse_u64(entry->d_name);
    if (!tid) continue;
    auto status = read_task_status(pid, pid_t(*tid));
    if (!status) continue;  // the thread exited after readdir saw it
    sum.voluntary += status->voluntary_ctxt_switches.value_or(0);
    sum.nonvoluntary += status->nonvoluntary_ctxt_switches.value_or(0);
  }
  return sum;
}

Result<std::vector<pid_t>> read_children(pid_t pid) {
  std::string dir = proc_dir(pid);
  std::unique_ptr<DIR, int (*)(DIR*)> tasks(::opendir((dir + "/task").c_str()), ::closedir);
  if (!tasks) return proc_error(dir, "task", errno);
  std::vector<pid_t> out;
  while (dirent* entry = ::readdir(tasks.get())) {
    auto tid = parse_u64(entry->d_name);
    if (!tid) continue;
    auto text = read_proc_text(proc_task_dir(pid, pid_t(*tid)), "children");
    if (!text && text.error().code == ENOENT) {
      auto all = scan_processes();
      if (!all) return all.error();
      out.clear();
      for (const auto& p : *all)
        if (p.ppid == pid) out.push_back(p.pid);
      return out;
    }
    if (!text) continue;  // the thread exited
    for (std::string_view rest = *text; !(rest = trim(rest)).empty();) {
      size_t end = rest.find(' ');
      if (auto child = parse_u64(rest.substr(0, end))) out.push_back(pid_t(*child));
      rest = end == std::string_view::npos ? std::string_view() : rest.substr(end);
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

Result<std::vector<ProcTask>> read_proc_tasks(pid_t pid) {
  std::string dir = proc_dir(pid);
  std::unique_ptr<DIR, int (*)(DIR*)> tasks(::opendir((dir + "/task").c_str()), ::closedir);
  if (!tasks) return proc_error(dir, "task", errno);
  std::vector<ProcTask> out;
  while (dirent* entry = ::readdir(tasks.get())) {
    auto tid = parse_u64(entry->d_name);
    if (!tid) continue;
    auto stat = read_task_stat(pid, pid_t(*tid));
    if (!stat) {
      if (stat.error().code == kProcVanished) continue;  // the thread exited after readdir saw it
      return stat.error();
    }
    auto status = read_task_status(pid, pid_t(*tid));
    out.push_back(make_task(*stat, status ? std::optional(*status) : std::nullopt));
  }
  std::sort(out.begin(), out.end(), [](const ProcTask& a, const ProcTask& b) { return a.tid < b.tid; });
  // Every thread gone: if the process went with them, say so rather than return an empty list.
  if (out.empty()) {
    auto alive = read_proc_text(dir, "stat");
    if (!alive) return alive.error();
  }
  return out;
}

}  // namespace tend

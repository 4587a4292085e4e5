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

Result<ContextSwitches> parse_context_switches(std::string_view text) {
  auto value_of = [&](std::string_view key) -> std::optional<std::uint64_t> {
    size_t at = text.find(key);
    // Each key starts a line; "nonvoluntary_..." also contains "voluntary_...", so check what precedes.
    while (at != std::string_view::npos && at > 0 && text[at - 1] != '\n') at = text.find(key, at + 1);
    if (at == std::string_view::npos) return std::nullopt;
    std::string_view rest = text.substr(at + key.size());
    return parse_u64(trim(rest.substr(0, rest.find('\n'))));
  };
  auto voluntary = value_of("voluntary_ctxt_switches:");
  auto nonvoluntary = value_of("nonvoluntary_ctxt_switches:");
  if (!voluntary || !nonvoluntary) return Error{EINVAL, "unable to parse /proc/PID/status: no context switch counts"};
  return ContextSwitches{*voluntary, *nonvoluntary};
}

namespace {

/// The thread ids listed in /proc/PID/task (in directory order).
Result<std::vector<pid_t>> list_tids(pid_t pid) {
  std::string dir = proc_dir(pid);
  std::unique_ptr<DIR, int (*)(DIR*)> tasks(::opendir((dir + "/task").c_str()), ::closedir);
  if (!tasks) return proc_error(dir, "task", errno);
  std::vector<pid_t> tids;
  while (dirent* entry = ::readdir(tasks.get()))
    if (auto tid = parse_u64(entry->d_name)) tids.push_back(pid_t(*tid));
  return tids;
}

/// One status file's counts: read at once into a stack buffer (it is about 1.5 KiB), whole otherwise.
Result<ContextSwitches> status_switches(const std::string& dir) {
  char buf[8192];
  auto once = read_proc_once(dir, "status", buf, sizeof buf);
  if (once) return parse_context_switches(*once);
  if (once.error().code != EOVERFLOW) return once.error();
  auto text = read_proc_text(dir, "status");
  if (!text) return text.error();
  return parse_context_switches(*text);
}

}  // namespace

Result<ContextSwitches> read_context_switches(pid_t pid, long threads) {
  std::string dir = proc_dir(pid);
  if (threads <= 1) return status_switches(dir);
  auto tids = list_tids(pid);
  if (!tids) return tids.error();
  ContextSwitches sum;
  for (pid_t tid : *tids) {
    auto counts = status_switches(proc_task_dir(pid, tid));  // fails when the thread just exited
    if (counts) {
      sum.voluntary += counts->voluntary;
      sum.nonvoluntary += counts->nonvoluntary;
    }
  }
  return sum;
}

Result<std::vector<pid_t>> read_children(pid_t pid) {
  auto tids = list_tids(pid);
  if (!tids) return tids.error();
  std::vector<pid_t> out;
  for (pid_t tid : *tids) {
    auto text = read_proc_text(proc_task_dir(pid, tid), "children");
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
  auto tids = list_tids(pid);
  if (!tids) return tids.error();
  std::vector<ProcTask> out;
  for (pid_t tid : *tids) {
    auto stat = read_task_stat(pid, tid);
    if (!stat) {
      if (stat.error().code == kProcVanished) continue;  // the thread exited after readdir saw it
      return stat.error();
    }
    auto status = read_task_status(pid, tid);
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

#pragma once
// `tend inspect`: an instance's process control block, grouped as the seeds group it — identification,
// state, scheduling, memory, accounting, I/O, limits, cgroup, environment, history — and, with --threads,
// a thread control block per thread. The daemon contributes what only it knows (tend's state and its
// transitions, the exits, the live rates); the client reads /proc itself (a process with 100k descriptors
// must not stall the daemon). docs/inspect.md documents the JSON document.
#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "proc/proc_fds.h"
#include "proc/proc_io.h"
#include "proc/proc_limits.h"
#include "proc/proc_smaps_rollup.h"
#include "proc/proc_stat.h"
#include "proc/proc_status.h"
#include "proc/proc_syscall.h"
#include "proc/proc_tasks.h"
#include "util/result.h"

namespace tend {

struct InspectOptions {
  bool threads = false;
  bool env = false;
  bool reveal = false;  // with env: show secret-looking values too
};

/// One thread's control block as /proc shows it.
struct ThreadView {
  ProcTask task;
  std::optional<std::string> wchan;
  Result<ProcSyscall> syscall = Error{ENODATA, "not read"};
};

/// Everything /proc tells about one process. Each part fails on its own (another user's process, a zombie
/// without memory, a process that exits midway): the error says why, and the document lists it.
struct ProcessView {
  pid_t pid = 0;
  Result<ProcStat> stat = Error{ENODATA, "not read"};
  Result<ProcStatus> status = Error{ENODATA, "not read"};
  Result<SmapsRollup> smaps = Error{ENODATA, "not read"};
  Result<ProcIo> io = Error{ENODATA, "not read"};
  Result<std::vector<ProcLimit>> limits = Error{ENODATA, "not read"};
  Result<std::vector<ProcFd>> fds = Error{ENODATA, "not read"};
  Result<std::vector<std::string>> cmdline = Error{ENODATA, "not read"};
  Result<std::string> exe = Error{ENODATA, "not read"};
  Result<std::string> cwd = Error{ENODATA, "not read"};
  Result<ContextSwitches> ctxt = Error{ENODATA, "not read"};
  Result<ProcSyscall> syscall = Error{ENODATA, "not read"};
  std::optional<std::string> wchan;
  std::optional<std::string> cgroup;  // from /proc/PID/cgroup (v2 path)
  std::optional<std::uint64_t> cgroup_memory_bytes;  // memory.current of the instance's cgroup
  std::optional<std::uint64_t> cgroup_processes;     // pids.current
  std::optional<std::int64_t> start_wall_ms;
  std::optional<std::string> user, group, euser;
  Result<std::vector<std::string>> environ = Error{ENODATA, "not read"};  // with --env only
  Result<std::vector<ThreadView>> threads = Error{ENODATA, "not read"};   // with --threads only
};

/// Reads the process. cgroup_dir is the instance's cgroup directory (empty without one).
ProcessView read_process_view(pid_t pid, const std::string& cgroup_dir, const InspectOptions& options);

/// The document of `tend inspect --json`: facts is the daemon's `inspect` reply, view the process (nullptr
/// when the instance has none). Pure, so it is tested with views made from fixtures.
nlohmann::json pcb_document(const nlohmann::json& facts, const ProcessView* view, const InspectOptions& options,
                            std::int64_t now_wall_ms);

/// The text of `tend inspect`, rendered from the document (so text and JSON never disagree).
std::string format_pcb_text(const nlohmann::json& document);

}  // namespace tend

#pragma once
#include <string>
#include <vector>

#include "proc/proc_stat.h"
#include "util/result.h"

namespace tend {

/// The stat of every process under proc_root (each numeric entry: processes, not threads), in pid order.
/// Processes that vanish between the listing and the read are skipped, and so are entries whose stat does
/// not parse; an error only when proc_root itself cannot be listed. proc_root is a parameter so that tests
/// can scan a made-up tree.
Result<std::vector<ProcStat>> scan_processes(const std::string& proc_root = "/proc");

}  // namespace tend

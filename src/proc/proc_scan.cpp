#include "proc/proc_scan.h"

#include <dirent.h>

#include <algorithm>
#include <memory>

#include "proc/proc_text.h"
#include "util/files.h"

namespace tend {

Result<std::vector<ProcStat>> scan_processes(const std::string& proc_root) {
  std::unique_ptr<DIR, int (*)(DIR*)> dir(::opendir(proc_root.c_str()), ::closedir);
  if (!dir) return errno_error("unable to list " + proc_root);
  std::vector<ProcStat> out;
  while (dirent* entry = ::readdir(dir.get())) {
    if (!parse_u64(entry->d_name)) continue;
    // Any failure here means the process is gone (ENOENT, ESRCH) or is being torn down; a scan is a
    // snapshot of whoever is still there.
    auto text = read_file(proc_root + "/" + entry->d_name + "/stat");
    if (!text) continue;
    auto stat = parse_proc_stat(*text);
    if (stat) out.push_back(std::move(*stat));
  }
  std::sort(out.begin(), out.end(), [](const ProcStat& a, const ProcStat& b) { return a.pid < b.pid; });
  return out;
}

}  // namespace tend

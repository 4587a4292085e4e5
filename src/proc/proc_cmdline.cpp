#include "proc/proc_cmdline.h"

#include "proc/proc_files.h"
#include "proc/proc_text.h"

namespace tend {

std::vector<std::string> split_nul(std::string_view text) {
  std::vector<std::string> out;
  while (!text.empty()) {
    size_t nul = text.find('\0');
    out.emplace_back(text.substr(0, nul));
    text = nul == std::string_view::npos ? std::string_view() : text.substr(nul + 1);
  }
  return out;
}

Result<std::vector<std::string>> read_proc_cmdline(pid_t pid) {
  auto text = read_proc_text(proc_dir(pid), "cmdline");
  if (!text) return text.error();
  return split_nul(*text);
}

Result<std::vector<std::string>> read_proc_environ(pid_t pid) {
  auto text = read_proc_text(proc_dir(pid), "environ");
  if (!text) return text.error();
  return split_nul(*text);
}

Result<std::string> read_proc_exe(pid_t pid) {
  return read_proc_link(proc_dir(pid), "exe");
}

Result<std::string> read_proc_cwd(pid_t pid) {
  return read_proc_link(proc_dir(pid), "cwd");
}

std::string display_command(const std::vector<std::string>& argv, std::string_view comm) {
  if (argv.empty()) return "[" + std::string(comm) + "]";
  std::string out;
  for (const auto& arg : argv) {
    if (!out.empty()) out += ' ';
    out += arg;
  }
  return out;
}

Result<std::string> read_display_command(pid_t pid) {
  auto argv = read_proc_cmdline(pid);
  if (!argv && argv.error().code == kProcVanished) return argv.error();
  if (argv && !argv->empty()) return display_command(*argv, "");
  auto comm = read_proc_text(proc_dir(pid), "comm");
  if (!comm) return comm.error();
  return display_command({}, trim(*comm));
}

}  // namespace tend

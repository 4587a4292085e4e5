#include "proc/proc_syscall.h"

#include <charconv>
#include <string>
#include <vector>

#include "proc/proc_files.h"
#include "proc/proc_text.h"

namespace tend {
namespace {

std::optional<std::uint64_t> parse_hex(std::string_view word) {
  if (!word.starts_with("0x")) return std::nullopt;
  word.remove_prefix(2);
  std::uint64_t v = 0;
  auto [end, ec] = std::from_chars(word.data(), word.data() + word.size(), v, 16);
  if (ec != std::errc() || end != word.data() + word.size() || word.empty()) return std::nullopt;
  return v;
}

std::string dir_of(pid_t pid, pid_t tid) { return tid > 0 ? proc_task_dir(pid, tid) : proc_dir(pid); }

}  // namespace

Result<ProcSyscall> parse_proc_syscall(std::string_view text) {
  text = trim(text);
  ProcSyscall out;
  if (text == "running") {
    out.running = true;
    return out;
  }
  std::vector<std::string_view> words;
  for (std::string_view rest = text; !(rest = trim(rest)).empty();) {
    size_t end = rest.find(' ');
    words.push_back(rest.substr(0, end));
    rest = end == std::string_view::npos ? std::string_view() : rest.substr(end);
  }
  auto bad = Error{EINVAL, "unable to parse /proc/PID/syscall: expected running, -1 SP PC or NR ARGS... SP PC"};
  if (words.size() != 3 && words.size() != 9) return bad;
  auto number = parse_i64(words[0]);
  auto sp = parse_hex(words[words.size() - 2]);
  auto pc = parse_hex(words.back());
  if (!number || !sp || !pc || (words.size() == 3) != (*number == -1)) return bad;
  if (*number >= 0) out.number = long(*number);
  out.stack_pointer = *sp;
  out.program_counter = *pc;
  return out;
}

Result<ProcSyscall> read_proc_syscall(pid_t pid, pid_t tid) {
  auto text = read_proc_text(dir_of(pid, tid), "syscall");
  if (!text) return text.error();
  return parse_proc_syscall(*text);
}

std::optional<std::string> read_proc_wchan(pid_t pid, pid_t tid) {
  auto text = read_proc_text(dir_of(pid, tid), "wchan");
  if (!text) return std::nullopt;
  std::string_view name = trim(*text);
  if (name.empty() || name == "0") return std::nullopt;
  return std::string(name);
}

}  // namespace tend

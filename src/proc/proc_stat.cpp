#include "proc/proc_stat.h"

#include <unistd.h>

#include <charconv>
#include <iterator>
#include <vector>

#include "util/files.h"

namespace tend {
namespace {

template <typename T>
bool parse_number(std::string_view text, T* out) {
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), *out);
  return ec == std::errc() && end == text.data() + text.size();
}

std::vector<std::string_view> split_fields(std::string_view text) {
  std::vector<std::string_view> fields;
  fields.reserve(52);  // the fields after comm on current kernels: one allocation per parse
  size_t pos = 0;
  while (pos < text.size()) {
    size_t start = text.find_first_not_of(" \n", pos);
    if (start == std::string_view::npos) break;
    size_t end = text.find_first_of(" \n", start);
    if (end == std::string_view::npos) end = text.size();
    fields.push_back(text.substr(start, end - start));
    pos = end;
  }
  return fields;
}

// Reads top to bottom as proc(5) lays the line out: "pid (comm) state ppid ...". comm is taken up to the
// LAST ')' because a process may name itself "a) b (c".
Result<ProcStat> parse_stat(std::string_view text, const std::string& name) {
  auto parse_error = [&](const char* why) { return Error{EINVAL, "unable to parse " + name + ": " + why}; };
  size_t open = text.find('(');
  size_t close = text.rfind(')');
  if (open == std::string_view::npos || close == std::string_view::npos || close < open)
    return parse_error("no (comm)");
  ProcStat st;
  std::string_view pid_text = text.substr(0, open);
  while (!pid_text.empty() && pid_text.back() == ' ') pid_text.remove_suffix(1);
  if (!parse_number(pid_text, &st.pid)) return parse_error("bad pid");
  st.comm = std::string(text.substr(open + 1, close - open - 1));

  // fields[0] is field 3 (state) of proc(5), so field N is fields[N - 3].
  auto fields = split_fields(text.substr(close + 1));
  if (fields.size() < 22) return parse_error("too few fields after comm");
  if (fields[0].size() != 1) return parse_error("bad state");
  st.state = fields[0][0];
  bool ok = parse_number(fields[4 - 3], &st.ppid) && parse_number(fields[5 - 3], &st.pgrp) &&
            parse_number(fields[6 - 3], &st.session) && parse_number(fields[10 - 3], &st.minflt) &&
            parse_number(fields[12 - 3], &st.majflt) && parse_number(fields[14 - 3], &st.utime_ticks) &&
            parse_number(fields[15 - 3], &st.stime_ticks) && parse_number(fields[18 - 3], &st.priority) &&
            parse_number(fields[19 - 3], &st.nice) && parse_number(fields[20 - 3], &st.num_threads) &&
            parse_number(fields[22 - 3], &st.starttime_ticks) &&
            parse_number(fields[23 - 3], &st.vsize_bytes) && parse_number(fields[24 - 3], &st.rss_pages);
  if (!ok) return parse_error("bad number");
  // processor, rt_priority and policy came later than the rest (Linux 2.5); parse them when present.
  if (fields.size() > 41 - 3) {
    ok = parse_number(fields[39 - 3], &st.processor) && parse_number(fields[40 - 3], &st.rt_priority) &&
         parse_number(fields[41 - 3], &st.policy);
    if (!ok) return parse_error("bad number");
  }
  return st;
}

}  // namespace

Result<ProcStat> parse_proc_stat(std::string_view text) {
  return parse_stat(text, "/proc/PID/stat");
}

Result<ProcStat> read_proc_stat(pid_t pid) {
  std::string path = "/proc/" + std::to_string(pid) + "/stat";
  auto text = read_file(path);
  if (!text) {
    // A process reaped between open and read gives ESRCH; callers only care that it is gone.
    if (text.error().code == ESRCH) return errno_error("unable to read " + path, ENOENT);
    return text.error();
  }
  return parse_stat(*text, path);
}

std::string_view kernel_state_meaning(char state) {
  struct Meaning {
    char state;
    std::string_view text;
  };
  static constexpr Meaning kMeanings[] = {
      {'R', "running"},      {'S', "sleeping"}, {'D', "disk sleep"}, {'T', "stopped"},
      {'t', "tracing stop"}, {'Z', "zombie"},   {'X', "dead"},       {'x', "dead"},
      {'I', "idle"},         {'P', "parked"},   {'W', "waking"},     {'K', "wakekill"},
  };
  for (const auto& meaning : kMeanings)
    if (meaning.state == state) return meaning.text;
  return "unknown";
}

std::string_view sched_policy_name(unsigned policy) {
  // The numbers of SCHED_OTHER .. SCHED_EXT in <linux/sched.h>; 4 is unused.
  static constexpr std::string_view kNames[] = {"other", "fifo", "rr", "batch", "unknown", "idle", "deadline", "ext"};
  return policy < std::size(kNames) ? kNames[policy] : "unknown";
}

long clock_ticks_per_second() {
  static const long ticks = ::sysconf(_SC_CLK_TCK);
  return ticks;
}

long page_size_bytes() {
  static const long size = ::sysconf(_SC_PAGESIZE);
  return size;
}

}  // namespace tend

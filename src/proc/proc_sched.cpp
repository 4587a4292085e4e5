#include "proc/proc_sched.h"

#include <limits>
#include <string>

#include "proc/proc_files.h"
#include "proc/proc_text.h"

namespace tend {

std::optional<std::int64_t> parse_sched_ms(std::string_view text) {
  size_t dot = text.find('.');
  auto ms = parse_u64(text.substr(0, dot));
  std::uint64_t ns = 0;
  if (dot != std::string_view::npos) {
    // Always six digits ("%06ld"): the nanoseconds within the millisecond.
    std::string_view frac = text.substr(dot + 1);
    auto n = parse_u64(frac);
    if (frac.size() != 6 || !n) return std::nullopt;
    ns = *n;
  }
  if (!ms || *ms > std::uint64_t(std::numeric_limits<std::int64_t>::max() / 1'000'000 - 1)) return std::nullopt;
  return std::int64_t(*ms * 1'000'000 + ns);
}

Result<ProcSched> parse_proc_sched(std::string_view text) {
  // "NAME (PID, #threads: N)" then a line of dashes: the name may hold a ':' of its own, so start after them.
  size_t dashes = text.find("\n---");
  if (dashes == std::string_view::npos) return Error{EINVAL, "unable to parse /proc/PID/sched: no header"};
  size_t body = text.find('\n', dashes + 1);
  text = body == std::string_view::npos ? std::string_view() : text.substr(body + 1);
  ProcSched sched;
  bool have_exec_start = false;
  for_each_key_value(text, [&](std::string_view key, std::string_view value) {
    if (key == "se.exec_start") {
      auto ns = parse_sched_ms(value);
      have_exec_start = ns.has_value();
      sched.exec_start_ns = ns.value_or(0);
    } else if (key == "nr_switches") {
      sched.nr_switches = parse_u64(value).value_or(0);
    } else if (key == "nr_voluntary_switches") {
      sched.nr_voluntary_switches = parse_u64(value).value_or(0);
    } else if (key == "nr_involuntary_switches") {
      sched.nr_involuntary_switches = parse_u64(value).value_or(0);
    } else if (key == "policy") {
      if (auto n = parse_u64(value)) sched.policy = unsigned(*n);
    } else if (key == "prio") {
      if (auto n = parse_i64(value)) sched.prio = int(*n);
    }
  });
  if (!have_exec_start) return Error{EINVAL, "unable to parse /proc/PID/sched: no valid se.exec_start line"};
  return sched;
}

Result<ProcSched> read_proc_sched(pid_t pid) {
  auto text = read_proc_text(proc_dir(pid), "sched");
  if (!text) return text.error();
  return parse_proc_sched(*text);
}

}  // namespace tend

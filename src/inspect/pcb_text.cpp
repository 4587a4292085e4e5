// format_pcb_text: the inspect document as people read it, one section per group. Reads top to bottom in
// the document's order; every value comes from the document.
#include <fmt/format.h>

#include <iterator>

#include "inspect/pcb.h"
#include "util/printable.h"
#include "util/units.h"

namespace tend {
namespace {

using nlohmann::json;

// Values in the document were chosen by the process (names, argv, paths): no control characters on screen.
std::string clean(std::string_view text) { return printable(text); }

std::string str(const json& v, std::string_view fallback = "-") {
  if (v.is_null()) return std::string(fallback);
  if (v.is_string()) return clean(v.get<std::string>());
  return v.dump();
}

std::string size(const json& v) { return v.is_number() ? format_size(v.get<std::uint64_t>()) : "-"; }

std::string ms(const json& v) { return v.is_number() ? format_elapsed(Millis(v.get<std::int64_t>())) : "-"; }

std::string rate(const json& v) { return v.is_number() ? fmt::format("{:.1f}/s", v.get<double>()) : "-/s"; }

std::string joined(const json& words) {
  std::string out;
  for (const auto& w : words) out += (out.empty() ? "" : " ") + str(w);
  return out;
}

class Text {
 public:
  void section(std::string_view title) { fmt::format_to(it(), "{}\n", title); }
  void line(std::string_view key, const std::string& value) { fmt::format_to(it(), "  {:<18} {}\n", key, value); }
  void raw(const std::string& text) { out_ += text; }
  std::string take() { return std::move(out_); }

 private:
  std::back_insert_iterator<std::string> it() { return std::back_inserter(out_); }
  std::string out_;
};

void identification(Text& t, const json& id) {
  t.section("Identification");
  t.line("pid / ppid", fmt::format("{} / {}", str(id["pid"]), str(id["ppid"])));
  t.line("pgid / sid", fmt::format("{} / {}", str(id["pgid"]), str(id["sid"])));
  if (id.contains("uid")) {
    t.line("user", fmt::format("{} (uid {}, euid {})", str(id["user"], "?"), str(id["uid"]), str(id["euid"])));
    t.line("group", fmt::format("{} (gid {}, egid {})", str(id["group"], "?"), str(id["gid"]), str(id["egid"])));
  }
  t.line("name", str(id["comm"]));
  t.line("command", id["cmdline"].is_array() ? joined(id["cmdline"]) : "-");
  t.line("exe", str(id["exe"]));
  t.line("cwd", str(id["cwd"]));
  t.line("started", str(id["start_time"]));
}

void status(Text& t, const json& s) {
  t.section("State");
  std::string reason = s.value("reason", "");
  t.line("tend", fmt::format("{} for {}{}{}", str(s["state"]), ms(s["state_ms"]), reason.empty() ? "" : ": ",
                             clean(reason)));
  if (!s["kernel_state"].is_null()) {
    std::string where = s["wchan"].is_null() ? "" : " in " + str(s["wchan"]);
    t.line("kernel", fmt::format("{} ({}){}", str(s["kernel_state"]), str(s["kernel_state_meaning"]), where));
  }
  if (const json& sc = s["syscall"]; sc.is_object()) {
    if (sc.value("running", false)) t.line("executing", "on a CPU");
    else
      t.line("executing", fmt::format("{}pc {}, sp {}",
                                      sc["number"].is_null() ? "" : fmt::format("system call {}, ", sc["number"].get<long>()),
                                      str(sc["program_counter"]), str(sc["stack_pointer"])));
  }
  bool first = true;
  for (const auto& tr : s["transitions"]) {
    std::string why = tr.value("reason", "");
    t.line(first ? "transitions" : "", fmt::format("{}  {} -> {}{}{}", str(tr["time"]), str(tr["from"]), str(tr["to"]),
                                                   why.empty() ? "" : ": ", clean(why)));
    first = false;
  }
}

void scheduling(Text& t, const json& s) {
  t.section("Scheduling");
  t.line("nice / priority", fmt::format("{} / {}, policy {} (rt priority {})", str(s["nice"]), str(s["priority"]),
                                        str(s["policy"]), str(s["rt_priority"])));
  t.line("CPUs", fmt::format("allowed {}, last ran on {}", str(s["cpus_allowed"]), str(s["last_cpu"])));
  std::string over = s["rate_interval_ms"].is_number() ? " over the last " + ms(s["rate_interval_ms"]) : "";
  t.line("context switches", fmt::format("{} voluntary ({}), {} involuntary ({}){}", str(s["voluntary_ctxt_switches"]),
                                         rate(s["voluntary_per_s"]), str(s["nonvoluntary_ctxt_switches"]),
                                         rate(s["nonvoluntary_per_s"]), over));
}

void memory(Text& t, const json& m) {
  t.section("Memory");
  t.line("RSS / PSS", fmt::format("{} / {}", size(m["rss_bytes"]), size(m["pss_bytes"])));
  t.line("VSZ / swap", fmt::format("{} / {}", size(m["vsz_bytes"]), size(m["swap_bytes"])));
  t.line("shared / private", fmt::format("{} / {}", size(m["shared_bytes"]), size(m["private_bytes"])));
  t.line("anon / file / shmem", fmt::format("{} / {} / {}", size(m["anon_bytes"]), size(m["file_bytes"]),
                                            size(m["shmem_bytes"])));
  t.line("page faults", fmt::format("{} minor, {} major", str(m["minor_faults"]), str(m["major_faults"])));
  if (!m["max_memory"].is_null()) t.line("max_memory", size(m["max_memory"]) + " (restart above it)");
}

void accounting(Text& t, const json& a) {
  t.section("Accounting");
  std::string percent = a["cpu_percent"].is_number()
                            ? fmt::format("{:.1f}% over the last {}", a["cpu_percent"].get<double>(), ms(a["cpu_interval_ms"]))
                            : "-";
  t.line("CPU time", fmt::format("{:.2f}s user, {:.2f}s system", a["user_cpu_seconds"].get<double>(),
                                 a["system_cpu_seconds"].get<double>()));
  t.line("CPU", percent);
  t.line("threads", str(a["threads"]));
  if (a.contains("read_bytes")) {
    t.line("storage I/O", fmt::format("read {}, written {}", size(a["read_bytes"]), size(a["write_bytes"])));
    t.line("read()/write()", fmt::format("{} in {} calls, {} in {} calls", size(a["rchar"]), str(a["syscr"]),
                                         size(a["wchar"]), str(a["syscw"])));
  }
}

void files(Text& t, const json& doc) {
  const json& io = doc["io"];
  std::string kinds;
  if (io["by_kind"].is_object())
    for (const auto& [kind, n] : io["by_kind"].items()) kinds += (kinds.empty() ? "" : ", ") + fmt::format("{} {}", n.get<int>(), kind);
  t.section(fmt::format("Files: {} open{}", str(io["fd_count"], "?"), kinds.empty() ? "" : " (" + kinds + ")"));
  for (const auto& f : doc["fds"])
    t.raw(fmt::format("  {:>5}  {:<20} {}\n", f["fd"].get<int>(), str(f["flags"]), str(f["target"])));
}

void limits(Text& t, const json& limits) {
  t.section("Limits");
  auto value = [](const json& v) { return v.is_null() ? std::string("unlimited") : v.dump(); };
  t.raw(fmt::format("  {:<26} {:>20} {:>20}  {}\n", "LIMIT", "SOFT", "HARD", "UNITS"));
  for (const auto& l : limits)
    t.raw(fmt::format("  {:<26} {:>20} {:>20}  {}\n", str(l["name"]), value(l["soft"]), value(l["hard"]), str(l["units"], "")));
}

void cgroup(Text& t, const json& c) {
  t.section("Cgroup");
  t.line("instance cgroup", str(c["path"], "none (process-group containment)"));
  t.line("process in", str(c["process_cgroup"]));
  if (!c["memory_bytes"].is_null() || !c["processes"].is_null())
    t.line("usage", fmt::format("memory {}, {} process(es)", size(c["memory_bytes"]), str(c["processes"])));
}

void environment(Text& t, const json& env) {
  t.section("Environment");
  if (env.is_null()) return t.raw("  (unreadable)\n");
  for (const auto& e : env) t.raw(fmt::format("  {}={}\n", str(e["key"]), str(e["value"], "")));
}

void history(Text& t, const json& h) {
  t.section(fmt::format("Exits (last 10; {} restarts in all)", str(h["restarts"])));
  if (h["exits"].empty()) t.raw("  none recorded\n");
  for (const auto& e : h["exits"]) {
    std::string how = !e["signal"].is_null()      ? str(e["signal"])
                      : !e["exit_code"].is_null() ? fmt::format("exit {}", e["exit_code"].get<int>())
                                                  : "exit status unknown";
    t.raw(fmt::format("  {}  pid {:<8} {:<14} after {}\n", str(e["time"]), str(e["pid"]), how, ms(e["run_ms"])));
  }
}

void threads(Text& t, const json& threads) {
  t.section(fmt::format("Threads: {}", threads.size()));
  constexpr auto kRow = "  {:>8} {:<16} {:<1} {:>8} {:>8} {:>3} {:>4} {:>9} {:>9}  {}\n";
  t.raw(fmt::format(kRow, "TID", "NAME", "S", "USER", "SYS", "CPU", "NICE", "VOL", "INVOL", "WAITING IN"));
  for (const auto& th : threads) {
    std::string where = str(th["wchan"], "");
    if (const json& sc = th["syscall"]; sc.is_object() && !sc.value("running", false))
      where += fmt::format("{}pc {}", where.empty() ? "" : ", ", str(sc["program_counter"]));
    t.raw(fmt::format(kRow, th["tid"].get<int>(), str(th["name"]), str(th["state"]),
                      fmt::format("{:.2f}", th["user_cpu_seconds"].get<double>()),
                      fmt::format("{:.2f}", th["system_cpu_seconds"].get<double>()), str(th["last_cpu"]),
                      str(th["nice"]), str(th["voluntary_ctxt_switches"]), str(th["nonvoluntary_ctxt_switches"]), where));
  }
}

}  // namespace

std::string format_pcb_text(const json& doc) {
  Text t;
  std::string label = fmt::format("{}:{}", str(doc["name"]), str(doc["instance"]));
  if (doc["pid"].is_null())
    t.raw(fmt::format("{}  no process ({})\n\n", label, str(doc["status"]["state"])));
  else
    t.raw(fmt::format("{}  pid {}  {}  kernel {} ({})\n\n", label, str(doc["pid"]), str(doc["state"]),
                      str(doc["kernel_state"]), str(doc["status"]["kernel_state_meaning"])));
  if (doc["pid"].is_null()) t.line("command", joined(doc["command"]));
  if (doc["identification"].is_object()) identification(t, doc["identification"]);
  status(t, doc["status"]);
  if (doc["scheduling"].is_object()) scheduling(t, doc["scheduling"]);
  if (doc["memory"].is_object()) memory(t, doc["memory"]);
  if (doc["accounting"].is_object()) accounting(t, doc["accounting"]);
  if (doc["io"].is_object()) files(t, doc);
  if (doc["limits"].is_array()) limits(t, doc["limits"]);
  if (doc["cgroup"].is_object()) cgroup(t, doc["cgroup"]);
  if (doc.contains("environment")) environment(t, doc["environment"]);
  history(t, doc["history"]);
  if (doc.contains("threads")) threads(t, doc["threads"]);
  if (!doc["unreadable"].empty()) {
    t.section("Not readable");
    for (const auto& [part, why] : doc["unreadable"].items()) t.line(part, str(why));
  }
  return t.take();
}

}  // namespace tend

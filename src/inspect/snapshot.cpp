#include "inspect/snapshot.h"

#include <fmt/format.h>

#include <iterator>

namespace tend {
namespace {

template <typename T>
std::string or_null(const std::optional<T>& v) {
  return v ? fmt::format("{}", *v) : std::string("null");
}

std::string or_null(const std::optional<double>& v) {
  return v ? fmt::format("{:.3f}", *v) : std::string("null");
}

template <typename T>
void read_optional(const nlohmann::json& j, const char* key, std::optional<T>& out) {
  if (j.contains(key) && j[key].is_number()) out = j[key].get<T>();
}

}  // namespace

std::optional<double> InstanceSnapshot::ctxt_switches_per_s() const {
  if (!voluntary_per_s || !nonvoluntary_per_s) return std::nullopt;
  return *voluntary_per_s + *nonvoluntary_per_s;
}

void append_snapshot_json(std::string& out, const InstanceSnapshot& s) {
  // Program names are [A-Za-z0-9_.-] and state names fixed words: nothing here needs escaping.
  fmt::format_to(std::back_inserter(out),
                 R"({{"program":"{}","instance":{},"state":"{}","pid":{},"restarts":{},"uptime_ms":{},)"
                 R"("max_memory":{},"kernel_state":{},"rss_bytes":{},"vsz_bytes":{},"user_seconds":{},)"
                 R"("system_seconds":{},"threads":{},"minor_faults":{},"major_faults":{},)"
                 R"("voluntary_ctxt_switches":{},"nonvoluntary_ctxt_switches":{},"fds":{},"read_bytes":{},)"
                 R"("write_bytes":{},"cpu_percent":{},"voluntary_per_s":{},"nonvoluntary_per_s":{}}})",
                 s.program, s.instance, s.state, or_null(s.pid), s.restarts, s.uptime_ms, or_null(s.max_memory),
                 s.kernel_state ? fmt::format("\"{}\"", *s.kernel_state) : "null", or_null(s.rss_bytes),
                 or_null(s.vsz_bytes), or_null(s.user_seconds), or_null(s.system_seconds), or_null(s.threads),
                 or_null(s.minor_faults), or_null(s.major_faults), or_null(s.voluntary_ctxt_switches),
                 or_null(s.nonvoluntary_ctxt_switches), or_null(s.fds), or_null(s.read_bytes),
                 or_null(s.write_bytes), or_null(s.cpu_percent), or_null(s.voluntary_per_s),
                 or_null(s.nonvoluntary_per_s));
}

Result<InstanceSnapshot> snapshot_from_json(const nlohmann::json& j) {
  if (!j.is_object() || !j.contains("program") || !j["program"].is_string() || !j.contains("instance") ||
      !j["instance"].is_number_integer() || !j.contains("state") || !j["state"].is_string())
    return Error{EINVAL, "unable to read a sample: expected program, instance and state"};
  InstanceSnapshot s;
  s.program = j["program"].get<std::string>();
  s.instance = j["instance"].get<int>();
  s.state = j["state"].get<std::string>();
  read_optional(j, "pid", s.pid);
  s.restarts = j.value("restarts", 0);
  s.uptime_ms = j.value("uptime_ms", std::int64_t{0});
  read_optional(j, "max_memory", s.max_memory);
  if (j.contains("kernel_state") && j["kernel_state"].is_string() && !j["kernel_state"].get<std::string>().empty())
    s.kernel_state = j["kernel_state"].get<std::string>()[0];
  read_optional(j, "rss_bytes", s.rss_bytes);
  read_optional(j, "vsz_bytes", s.vsz_bytes);
  read_optional(j, "user_seconds", s.user_seconds);
  read_optional(j, "system_seconds", s.system_seconds);
  read_optional(j, "threads", s.threads);
  read_optional(j, "minor_faults", s.minor_faults);
  read_optional(j, "major_faults", s.major_faults);
  read_optional(j, "voluntary_ctxt_switches", s.voluntary_ctxt_switches);
  read_optional(j, "nonvoluntary_ctxt_switches", s.nonvoluntary_ctxt_switches);
  read_optional(j, "fds", s.fds);
  read_optional(j, "read_bytes", s.read_bytes);
  read_optional(j, "write_bytes", s.write_bytes);
  read_optional(j, "cpu_percent", s.cpu_percent);
  read_optional(j, "voluntary_per_s", s.voluntary_per_s);
  read_optional(j, "nonvoluntary_per_s", s.nonvoluntary_per_s);
  return s;
}

}  // namespace tend

#include "inspect/prometheus.h"

#include <fmt/format.h>

#include <functional>
#include <iterator>

namespace tend {
namespace {

/// One value of a family for one instance: an extra label (empty for none) and the number.
struct Value {
  std::string extra_label;  // e.g. mode="user"
  double number = 0;
};
using Values = std::vector<Value>;

/// A metric family over instances: which values an instance contributes (none: the instance is skipped).
struct InstanceFamily {
  std::string_view name;
  std::string_view type;
  std::string_view help;
  std::function<Values(const InstanceSnapshot&)> values;
};

template <typename T>
Values one(const std::optional<T>& v) {
  return v ? Values{{"", double(*v)}} : Values{};
}

template <typename T>
Values pair(std::string_view label, std::string_view a, const std::optional<T>& va, std::string_view b,
            const std::optional<T>& vb) {
  Values out;
  if (va) out.push_back({fmt::format("{}=\"{}\"", label, a), double(*va)});
  if (vb) out.push_back({fmt::format("{}=\"{}\"", label, b), double(*vb)});
  return out;
}

std::string number(double v) {
  // Counters and most gauges are integers: print them without a fraction.
  if (v == double(std::int64_t(v)) && v < 9e15 && v > -9e15) return std::to_string(std::int64_t(v));
  return fmt::format("{}", v);
}

const std::vector<InstanceFamily>& instance_families() {
  static const std::vector<InstanceFamily> families{
      {"tend_instance_state", "gauge", "1 for the instance's current tend state",
       [](const InstanceSnapshot& s) {
         return Values{{fmt::format("state=\"{}\"", prometheus_label_value(s.state)), 1}};
       }},
      {"tend_instance_up", "gauge", "1 while the instance has a process",
       [](const InstanceSnapshot& s) { return Values{{"", s.pid ? 1.0 : 0.0}}; }},
      {"tend_instance_kernel_state", "gauge", "1 for the kernel's state letter of the main process",
       [](const InstanceSnapshot& s) {
         if (!s.kernel_state) return Values{};
         return Values{{fmt::format("kernel_state=\"{}\"", prometheus_label_value(std::string(1, *s.kernel_state))), 1}};
       }},
      {"tend_instance_restarts_total", "counter", "Automatic restarts so far",
       [](const InstanceSnapshot& s) { return Values{{"", double(s.restarts)}}; }},
      {"tend_instance_uptime_seconds", "gauge", "Time since the main process started",
       [](const InstanceSnapshot& s) { return s.pid ? Values{{"", double(s.uptime_ms) / 1000}} : Values{}; }},
      {"tend_instance_cpu_seconds_total", "counter", "CPU time of the main process and its threads",
       [](const InstanceSnapshot& s) { return pair("mode", "user", s.user_seconds, "system", s.system_seconds); }},
      {"tend_instance_cpu_percent", "gauge", "CPU use over the last sampling interval (100 = one CPU)",
       [](const InstanceSnapshot& s) { return one(s.cpu_percent); }},
      {"tend_instance_resident_memory_bytes", "gauge", "Resident set size of the main process",
       [](const InstanceSnapshot& s) { return one(s.rss_bytes); }},
      {"tend_instance_virtual_memory_bytes", "gauge", "Virtual memory size of the main process",
       [](const InstanceSnapshot& s) { return one(s.vsz_bytes); }},
      {"tend_instance_memory_limit_bytes", "gauge", "max_memory: RSS above it for two samples restarts it",
       [](const InstanceSnapshot& s) { return one(s.max_memory); }},
      {"tend_instance_threads", "gauge", "Threads of the main process",
       [](const InstanceSnapshot& s) { return one(s.threads); }},
      {"tend_instance_open_fds", "gauge", "Open file descriptors of the main process",
       [](const InstanceSnapshot& s) { return one(s.fds); }},
      {"tend_instance_context_switches_total", "counter", "Context switches, summed over live threads",
       [](const InstanceSnapshot& s) {
         return pair("kind", "voluntary", s.voluntary_ctxt_switches, "nonvoluntary", s.nonvoluntary_ctxt_switches);
       }},
      {"tend_instance_context_switches_per_second", "gauge", "Context switches per second over the last interval",
       [](const InstanceSnapshot& s) {
         return pair("kind", "voluntary", s.voluntary_per_s, "nonvoluntary", s.nonvoluntary_per_s);
       }},
      {"tend_instance_page_faults_total", "counter", "Page faults (major ones read from storage)",
       [](const InstanceSnapshot& s) { return pair("kind", "minor", s.minor_faults, "major", s.major_faults); }},
      {"tend_instance_io_bytes_total", "counter", "Bytes read from and written to storage",
       [](const InstanceSnapshot& s) { return pair("direction", "read", s.read_bytes, "write", s.write_bytes); }},
  };
  return families;
}

void family_header(std::string& out, std::string_view name, std::string_view type, std::string_view help) {
  fmt::format_to(std::back_inserter(out), "# HELP {} {}\n# TYPE {} {}\n", name, help, name, type);
}

void daemon_gauge(std::string& out, std::string_view name, std::string_view type, std::string_view help, double v) {
  family_header(out, name, type, help);
  fmt::format_to(std::back_inserter(out), "{} {}\n", name, number(v));
}

}  // namespace

std::string prometheus_label_value(std::string_view value) {
  std::string out;
  for (char c : value) {
    if (c == '\\') out += "\\\\";
    else if (c == '"') out += "\\\"";
    else if (c == '\n') out += "\\n";
    else out += c;
  }
  return out;
}

std::string prometheus_text(const std::vector<InstanceSnapshot>& instances, const DaemonFigures& d) {
  std::string out;
  daemon_gauge(out, "tend_programs", "gauge", "Programs defined", d.programs);
  daemon_gauge(out, "tend_instances", "gauge", "Instances defined", double(instances.size()));
  daemon_gauge(out, "tend_sampler_active", "gauge", "1 while something needs periodic sampling", d.sampler_active);
  daemon_gauge(out, "tend_sampler_interval_seconds", "gauge", "Interval of periodic sampling while active",
               d.sampler_interval_seconds);
  daemon_gauge(out, "tend_sampler_sweeps_total", "counter", "Periodic sampling sweeps so far", double(d.sampler_sweeps));
  daemon_gauge(out, "tend_sampler_cpu_seconds_total", "counter", "CPU time the daemon spent in periodic sweeps",
               d.sampler_cpu_seconds);
  daemon_gauge(out, "tend_sampler_last_sweep_cpu_seconds", "gauge", "CPU time of the last periodic sweep",
               d.last_sweep_cpu_seconds);
  daemon_gauge(out, "tend_sampler_last_sweep_instances", "gauge", "Instances read by the last periodic sweep",
               d.last_sweep_instances);
  if (d.events_stored)
    daemon_gauge(out, "tend_events_stored", "gauge", "Events kept in events.db", double(*d.events_stored));
  for (const auto& family : instance_families()) {
    std::string lines;
    for (const auto& s : instances) {
      for (const auto& v : family.values(s))
        fmt::format_to(std::back_inserter(lines), "{}{{program=\"{}\",instance=\"{}\"{}{}}} {}\n", family.name,
                       prometheus_label_value(s.program), s.instance, v.extra_label.empty() ? "" : ",",
                       v.extra_label, number(v.number));
    }
    if (lines.empty()) continue;
    family_header(out, family.name, family.type, family.help);
    out += lines;
  }
  return out;
}

}  // namespace tend

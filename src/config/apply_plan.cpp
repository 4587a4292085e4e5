#include "config/apply_plan.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <set>

#include <nlohmann/json.hpp>

#include "util/units.h"

namespace tend {
namespace {

using nlohmann::json;

// Spec keys in the order a user reads them (the JSON object itself is sorted by name).
constexpr std::array<std::string_view, 21> kKeyOrder{
    "name",          "command",         "shell",           "cwd",         "env",          "instances",
    "restart",       "max_restarts",    "restart_window_ms", "min_uptime_ms", "backoff_min_ms", "backoff_max_ms",
    "stop_signal",   "kill_timeout_ms", "nice",            "log_max_size", "log_keep",    "log_time",
    "depends_on",    "autostart",       "port_base"};

// Changes a running process never sees: applied to the definition without touching the processes.
const std::set<std::string, std::less<>> kDefinitionOnly{"depends_on", "autostart"};

/// A value as the user wrote it in tend.toml: durations and sizes with units, null as "unset".
std::string show(std::string_view key, const json& v) {
  if (v.is_null()) return "unset";
  if (key.ends_with("_ms") && v.is_number_integer()) return format_duration(Millis(v.get<std::int64_t>()));
  if ((key == "log_max_size" || key == "ipc_max_message") && v.is_number_unsigned())
    return format_size(v.get<std::uint64_t>());
  if (v.is_string()) return v.get<std::string>();
  return v.dump();
}

std::string user_key(std::string_view key) {
  return std::string(key.ends_with("_ms") ? key.substr(0, key.size() - 3) : key);
}

/// One description per difference, each with the top-level key it belongs to.
std::vector<std::pair<std::string, std::string>> differences(const ProgramSpec& before, const ProgramSpec& after) {
  json a = before, b = after;
  std::vector<std::string> keys(kKeyOrder.begin(), kKeyOrder.end());
  for (const auto& [k, v] : b.items())
    if (std::find(keys.begin(), keys.end(), k) == keys.end()) keys.push_back(k);
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& key : keys) {
    const json& va = a.contains(key) ? a[key] : json(nullptr);
    const json& vb = b.contains(key) ? b[key] : json(nullptr);
    if (va == vb) continue;
    if (key == "env") {
      const auto& ea = before.env;
      const auto& eb = after.env;
      for (const auto& [k, v] : eb) {
        auto it = ea.find(k);
        if (it == ea.end()) out.emplace_back(key, fmt::format("env.{} added", k));
        else if (it->second != v) out.emplace_back(key, fmt::format("env.{} changed", k));
      }
      for (const auto& [k, v] : ea)
        if (!eb.count(k)) out.emplace_back(key, fmt::format("env.{} removed", k));
      continue;
    }
    std::string from = show(key, va), to = show(key, vb);
    if (va.is_array() || va.is_object() || from.size() > 32 || to.size() > 32)
      out.emplace_back(key, user_key(key) + " changed");
    else
      out.emplace_back(key, fmt::format("{} {} -> {}", user_key(key), from, to));
  }
  return out;
}

PlanEntry compare(const ExistingProgram& have, const ProgramSpec& want) {
  PlanEntry entry{PlanAction::keep, want.name, {}, &want, have.spec.instances};
  bool instances = false, process_visible = false;
  for (auto& [key, text] : differences(have.spec, want)) {
    if (key == "instances") instances = true;
    else if (!kDefinitionOnly.count(key)) process_visible = true;
    entry.changes.push_back(std::move(text));
  }
  if (entry.changes.empty()) entry.action = PlanAction::keep;
  else if (process_visible) entry.action = PlanAction::restart;
  else if (instances) entry.action = PlanAction::scale;
  else entry.action = PlanAction::update;
  return entry;
}

}  // namespace

std::vector<std::string> spec_changes(const ProgramSpec& before, const ProgramSpec& after) {
  std::vector<std::string> out;
  for (auto& [key, text] : differences(before, after)) out.push_back(std::move(text));
  return out;
}

std::vector<PlanEntry> make_plan(const std::vector<ExistingProgram>& existing, const Config& desired, bool prune) {
  std::vector<PlanEntry> plan;
  auto find = [&](const std::string& name) {
    return std::find_if(existing.begin(), existing.end(), [&](const auto& e) { return e.spec.name == name; });
  };
  for (const auto& program : desired.programs) {
    auto have = find(program.spec.name);
    if (have == existing.end()) plan.push_back({PlanAction::add, program.spec.name, {}, &program.spec, 0});
    else plan.push_back(compare(*have, program.spec));
  }
  for (const auto& have : existing) {
    if (have.source != desired.path) continue;
    bool named = std::any_of(desired.programs.begin(), desired.programs.end(),
                             [&](const auto& p) { return p.spec.name == have.spec.name; });
    if (!named)
      plan.push_back({prune ? PlanAction::remove : PlanAction::orphan, have.spec.name, {}, nullptr,
                      have.spec.instances});
  }
  return plan;
}

std::string plan_line(const PlanEntry& e) {
  auto joined = [&] {
    std::string s;
    for (const auto& c : e.changes) s += (s.empty() ? "" : ", ") + c;
    return s;
  };
  switch (e.action) {
    case PlanAction::add: {
      int n = e.desired->instances;
      return fmt::format("+ {} ({} instance{}{})", e.name, n, n == 1 ? "" : "s",
                         e.desired->autostart ? "" : ", not started: autostart = false");
    }
    case PlanAction::restart: return fmt::format("~ {}: {} (restart)", e.name, joined());
    case PlanAction::scale:
    case PlanAction::update: return fmt::format("~ {}: {}", e.name, joined());
    case PlanAction::keep: return fmt::format("= {} unchanged", e.name);
    case PlanAction::remove: return fmt::format("- {}", e.name);
    case PlanAction::orphan: return fmt::format("! {}: no longer in the file; kept (--prune deletes it)", e.name);
  }
  return {};
}

bool plan_is_empty(const std::vector<PlanEntry>& plan) {
  return std::all_of(plan.begin(), plan.end(), [](const PlanEntry& e) {
    return e.action == PlanAction::keep || e.action == PlanAction::orphan;
  });
}

}  // namespace tend

// zombies: every zombie process on the system and the parent that fails to reap it. Reads /proc directly,
// so it needs no daemon.
#include "cli/zombies.h"

#include <fmt/format.h>

#include "cli/cli.h"
#include "cli/text.h"
#include "util/units.h"

namespace tend::cli {

std::string format_zombie_age(const std::optional<std::chrono::milliseconds>& age) {
  if (!age) return "?";
  return format_elapsed(*age);
}

std::string format_zombies_table(const std::vector<Zombie>& zombies) {
  if (zombies.empty()) return "no zombies\n";
  constexpr auto kRow = "{:>8} {:>8} {:>10}  {:<16} {}\n";
  std::string out = fmt::format(kRow, "PID", "PPID", "ZOMBIE FOR", "NAME", "PARENT COMMAND");
  for (const Zombie& z : zombies)
    out += fmt::format(kRow, z.pid, z.ppid, format_zombie_age(z.zombie_for), printable(z.name),
                       z.parent_command.empty() ? "-" : printable(z.parent_command));
  return out;
}

nlohmann::json zombies_json(const std::vector<Zombie>& zombies) {
  auto out = nlohmann::json::array();
  for (const Zombie& z : zombies) {
    nlohmann::json zombie_for = nullptr;
    if (z.zombie_for) zombie_for = z.zombie_for->count();
    out.push_back({{"pid", z.pid},
                   {"ppid", z.ppid},
                   {"name", z.name},
                   {"parent_command", z.parent_command},
                   {"zombie_for_ms", zombie_for}});
  }
  return out;
}

void add_zombies(CLI::App& app, Context& ctx) {
  auto json = std::make_shared<bool>(false);
  auto* cmd = app.add_subcommand("zombies", "List every zombie process on the system and the parent not reaping it");
  cmd->add_flag("--json", *json, "Print a JSON array: pid, ppid, name, parent_command, zombie_for_ms");
  cmd->callback([&ctx, json] {
    ctx.action = [json] {
      auto zombies = find_zombies();
      if (!zombies) {
        print_error(zombies.error().message);
        return int(kFailed);
      }
      // Names are the processes' own choice: dump() escapes control characters, and "replace" keeps
      // invalid UTF-8 from throwing.
      if (*json)
        fmt::print("{}\n", zombies_json(*zombies).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
      else
        fmt::print("{}", format_zombies_table(*zombies));
      return int(kOk);
    };
  });
}

}  // namespace tend::cli

#pragma once
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "proc/zombies.h"

namespace tend::cli {

/// The `tend zombies` table (PID, PPID, ZOMBIE FOR, NAME, PARENT COMMAND), or "no zombies\n".
std::string format_zombies_table(const std::vector<Zombie>& zombies);
/// `tend zombies --json`: [{pid, ppid, name, parent_command, zombie_for_ms (null when unknown)}].
nlohmann::json zombies_json(const std::vector<Zombie>& zombies);
/// "850ms" under a second, then "12.3s" under a minute, then as uptimes ("3m12s", "2h05m"); "?" unknown.
std::string format_zombie_age(const std::optional<std::chrono::milliseconds>& age);

}  // namespace tend::cli

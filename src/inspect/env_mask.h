#pragma once
// `tend inspect --env`: the environment a process started with, with the values of keys that look secret
// masked unless --reveal.
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace tend {

/// True when the key contains, in any case, TOKEN, SECRET, PASSWORD, PASSWD, KEY or CREDENTIAL
/// (API_KEY, GITHUB_TOKEN, db_password, AWS_SECRET_ACCESS_KEY ...).
bool looks_secret(std::string_view key);

/// The value shown in place of a secret one: its length only.
std::string masked_value(std::string_view value);

/// "KEY=VALUE" entries (as /proc/PID/environ holds them) split into pairs, in their order, with secret
/// values masked unless reveal. An entry without '=' keeps it all as the key and an empty value.
std::vector<std::pair<std::string, std::string>> masked_environment(const std::vector<std::string>& entries,
                                                                    bool reveal);

}  // namespace tend

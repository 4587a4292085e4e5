#pragma once
#include <nlohmann/json_fwd.hpp>
#include <string>

#include "util/result.h"

namespace tend {

/// Converts a PM2 ecosystem file (already parsed from JSON; `{apps: [...]}` or a bare array of apps) into
/// tend.toml text. Every key with a tend equivalent is mapped; every other key becomes a comment
/// `# pm2 key 'K' not mapped: <why>` under its program. cpus is what instances "max"/0/-N are computed from
/// (0: this machine's count). The output is checked to load as a tend.toml. Errors: the shape is not an
/// ecosystem, an app has no script, or the result does not validate.
Result<std::string> import_pm2(const nlohmann::json& ecosystem, unsigned cpus = 0);

}  // namespace tend

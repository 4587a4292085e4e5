#pragma once
#include <string>

#include "util/result.h"

namespace tend {

/// Replaces path atomically: writes a temp file beside it, fsyncs it (when sync), renames it over path,
/// fsyncs the directory (when sync). Without sync the replacement is still atomic for readers and survives
/// a crash of this process, but not of the OS.
Status write_file_atomic(const std::string& path, const std::string& content, int mode = 0600, bool sync = true);
/// Reads a whole file; ENOENT is reported as an Error with code ENOENT.
Result<std::string> read_file(const std::string& path);
/// mkdir -p with the given mode for directories it creates.
Status make_dirs(const std::string& path, int mode = 0700);

}  // namespace tend

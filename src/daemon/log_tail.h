#pragma once
#include <cstddef>
#include <string>
#include <vector>

namespace tend {

/// The last n complete lines of a file (without their '\n'), reading backwards from the end; a missing
/// file gives none. Reads at most n * 64 KiB + 64 KiB bytes.
std::vector<std::string> tail_lines(const std::string& path, std::size_t n);

/// Merges lines of several streams in time order when they start with an RFC 3339 stamp (stable
/// otherwise), keeping the last n.
std::vector<std::string> merge_by_stamp(std::vector<std::vector<std::string>> streams, std::size_t n);

}  // namespace tend
